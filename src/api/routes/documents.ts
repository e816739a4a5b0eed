import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HubError } from '../../domain/errors.js';
import { DOCUMENT_MAX_BYTES } from '../../documents/envelope.js';
import { actorOf, participantNotFound } from '../access.js';
import type { ApiContext } from '../context.js';
import { pageLimit } from '../paging.js';
import { commonErrors, Page, problemResponse } from '../schemas.js';
import { storedDocumentJson, titleEntryJson, verificationReportJson } from '../to-json.js';
import {
  BillOfLadingParams,
  CustomsDocumentsQuery,
  CustomsParams,
  DocumentParams,
  DocumentSubmitted,
  DocumentToVerify,
  SignedDocument,
  StoredDocument,
  TitleChain,
  TitleEntry,
  TitleRecorded,
  VerificationReport,
  type SignedDocumentBody,
  type TitleEntryBody,
} from '../trade-schemas.js';

/**
 * What a body holding one signed document may weigh: the document's own limit, and room for the
 * JSON around it and for whitespace a client adds. Past it the answer is 413 naming the limit,
 * before anything is parsed.
 */
const DOCUMENT_BODY_LIMIT = DOCUMENT_MAX_BYTES + 16 * 1024;

const notFoundResponse = {
  404: problemResponse('no such document (or, for a participant key, not one it may read)'),
};

/**
 * Signed trade documents: submitted (verified, then stored with the hub's receipt time), read back
 * by those entitled to them (the trade's parties, their banks, the customs authority an export
 * declaration is addressed to, staff), verified without being stored, and listed for a customs
 * authority; and the title chain of a transferable bill of lading.
 */
export function documentRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    submitDocument(app, context);
    verifyDocument(app, context);
    getDocument(app, context);
    customsDocuments(app, context);
    titles(app, context);
  };
}

function submitDocument(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: SignedDocumentBody }>(
    '/documents',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
      bodyLimit: DOCUMENT_BODY_LIMIT,
      schema: {
        tags: ['documents'],
        operationId: 'submitDocument',
        summary:
          'Submit a signed document: it is verified (schema, hash, both signatures, issuer, key at receipt, the trade’s terms) and stored with the hub’s receipt time (201; 200 when stored already)',
        body: SignedDocument,
        response: {
          200: DocumentSubmitted,
          201: DocumentSubmitted,
          404: problemResponse(
            'the trade the document names does not exist (or is not the caller’s)',
          ),
          409: problemResponse('the bill of lading was surrendered'),
          422: problemResponse(
            'the document failed verification: the problem lists every failed check by name',
          ),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const result = await context.hub.documents.submit(request.body, actorOf(request));
      return reply.code(result.status === 'created' ? 201 : 200).send({
        status: result.status,
        document: storedDocumentJson(result.document),
        report: verificationReportJson(result.report),
      });
    },
  );
}

function verifyDocument(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: unknown }>(
    '/documents/verify',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
      bodyLimit: DOCUMENT_BODY_LIMIT,
      schema: {
        tags: ['documents'],
        operationId: 'verifyDocument',
        summary:
          'Verify a signed document without storing it: the report lists every check with pass, fail or skipped and a precise reason; 200 whether valid or not',
        body: DocumentToVerify,
        response: { 200: VerificationReport, ...commonErrors },
      },
    },
    async (request) =>
      verificationReportJson(await context.hub.documents.verify(request.body, actorOf(request))),
  );
}

function getDocument(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: DocumentParams }>(
    '/documents/:hash',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['documents'],
        operationId: 'getDocument',
        summary: 'A stored document, exactly as signed, with its receipt time and who sent it',
        params: DocumentParams,
        response: { 200: StoredDocument, ...notFoundResponse, ...commonErrors },
      },
    },
    async (request) =>
      storedDocumentJson(
        await context.hub.documents.get(request.params.hash, actorOf(request)).catch(pathHash),
      ),
  );
}

function customsDocuments(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: CustomsParams; Querystring: CustomsDocumentsQuery }>(
    '/customs/:id/documents',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'participant' } },
      schema: {
        tags: ['documents'],
        operationId: 'listCustomsDocuments',
        summary:
          'The documents addressed to a customs authority (export declarations to it, receipts of its own), oldest first, a page at a time: it reads and verifies them before the goods arrive',
        params: CustomsParams,
        querystring: CustomsDocumentsQuery,
        response: {
          200: Page(StoredDocument),
          404: problemResponse(
            'no such customs participant (or, for a participant key, not itself)',
          ),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const participant = await context.participants.find(id);
      if (participant?.kind !== 'customs') throw participantNotFound(id);
      const page = await context.hub.documents.listAddressedTo(id, actorOf(request), {
        ...(request.query.after === undefined ? {} : { after: request.query.after }),
        limit: pageLimit(request.query.limit, context.limits),
      });
      return { data: page.documents.map(storedDocumentJson), next: page.next };
    },
  );
}

function titles(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: BillOfLadingParams; Body: TitleEntryBody }>(
    '/bills-of-lading/:hash/entries',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['documents'],
        operationId: 'recordTitleEntry',
        summary:
          'Record the next entry of a bill of lading’s title chain (issue, transfer, endorse, surrender), signed by the current holder and linked to the last entry (201; 200 when recorded already)',
        params: BillOfLadingParams,
        body: TitleEntry,
        response: {
          200: TitleRecorded,
          201: TitleRecorded,
          404: problemResponse('no such bill of lading'),
          409: problemResponse(
            'the chain moved on (another transfer came first: the problem names the head), or the bill of lading was surrendered',
          ),
          422: problemResponse(
            'the entry is not signed by the holder, or does not follow the chain',
          ),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      if (request.body.content.billOfLading !== request.params.hash)
        throw new HubError('invalid_field', {
          field: '/content/billOfLading',
          message: `the entry is for ${request.body.content.billOfLading}, not the bill of lading in the path`,
        });
      const recorded = await context.hub.titles.record(request.body, actorOf(request));
      return reply
        .code(recorded.status === 'created' ? 201 : 200)
        .send({ status: recorded.status, holder: recorded.holder, seq: recorded.seq });
    },
  );
  app.get<{ Params: BillOfLadingParams }>(
    '/bills-of-lading/:hash/entries',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['documents'],
        operationId: 'listTitleEntries',
        summary:
          'The title chain of a bill of lading, entry 0 (the issue) first; it verifies offline',
        params: BillOfLadingParams,
        response: {
          200: TitleChain,
          404: problemResponse('no such bill of lading'),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const chain = await context.hub.titles
        .chain(request.params.hash, actorOf(request))
        .catch(pathHash);
      return { billOfLading: request.params.hash, data: chain.map(titleEntryJson) };
    },
  );
}

/** A service refusal about the document named in the path names the path's hash. */
function pathHash(error: unknown): never {
  if (error instanceof HubError && (error.field === 'hash' || error.field === 'billOfLading'))
    throw new HubError(error.code, { field: 'path.hash', message: error.message });
  throw error;
}
