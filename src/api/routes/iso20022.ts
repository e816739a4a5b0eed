import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { HubError } from '../../domain/errors.js';
import { IsoFormatError, ISO_MESSAGE_MAX_BYTES } from '../../iso20022/xml.js';
import type { AccountId } from '../../ledger/ids.js';
import { accountIdOf } from '../from-json.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import {
  IsoAccountParams,
  IsoMessageBody,
  IsoMessageParams,
  NotificationsQuery,
  StatementQuery,
  submitProblems,
  XML_MEDIA_TYPE,
  xmlResponse,
} from '../iso-schemas.js';
import { pageLimit, parseCursor } from '../paging.js';
import { ApiProblem, notFound as accountNotFound, type FieldError } from '../problems.js';
import { commonErrors, problemResponse } from '../schemas.js';

/** The media types an ISO 20022 message may be posted as. */
const XML_TYPES = ['application/xml', 'text/xml'] as const;

const notFound = {
  404: problemResponse(
    'no such message or account (or, for a participant key, not one it sent, owns or keeps)',
  ),
};

/**
 * ISO 20022 over HTTP: pacs.008 and pacs.009 messages in, each judged and answered with its
 * pacs.002 status report; the stored report again by id; an account's camt.053 statement of a day
 * and its camt.054 notifications. The XML bodies have their own parser and body limit, in a scope
 * of their own, so every other route keeps taking JSON only.
 */
export function iso20022Routes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(submitRoute(context));
    getMessage(app, context);
    statement(app, context);
    notifications(app, context);
  };
}

/**
 * POST /v1/iso20022/messages. A scope of its own (Fastify encapsulation) holds the XML parser:
 * the body arrives as the bytes sent (the service hashes them to tell a replay from a new message
 * under a used MsgId), at most ISO_MESSAGE_MAX_BYTES; anything but XML is refused 415 before a byte
 * of the body is read.
 */
function submitRoute(context: ApiContext): FastifyPluginAsync {
  return async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      [...XML_TYPES],
      { parseAs: 'buffer', bodyLimit: ISO_MESSAGE_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.addHook('onRequest', async (request) => requireXml(request));
    scope.post(
      '/iso20022/messages',
      {
        bodyLimit: ISO_MESSAGE_MAX_BYTES,
        config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
        // The body is the bytes sent (this scope's only parser gives a Buffer, even for an empty
        // body); the schema only describes it. The service checks the message against its XSD
        // and answers with a status report.
        validatorCompiler: () => () => true,
        schema: {
          tags: ['iso20022'],
          operationId: 'submitIsoMessage',
          summary:
            'Submit a pacs.008 or pacs.009 message: each transaction is paid or rejected, and the answer is the pacs.002 status report (header vostro-group-status: ACSC, PART or RJCT; a schema-invalid message is RJCT FF01 naming the errors)',
          body: IsoMessageBody,
          response: {
            200: {
              ...xmlResponse('the pacs.002 status report of the message', 'pacs.002'),
              headers: {
                'vostro-group-status': {
                  description: 'the group status of the report: ACSC, PART or RJCT',
                  type: 'string',
                  enum: ['ACSC', 'PART', 'RJCT'],
                },
                'vostro-message-id': {
                  description:
                    'the stored message, <instructing agent BIC>:<MsgId>, as the path segment of GET /v1/iso20022/messages/{id} (percent-encoded where the MsgId needs it); absent for a message refused whole (nothing of it is stored)',
                  type: 'string',
                },
                'vostro-replayed': {
                  description:
                    'true when this message (same MsgId, same bytes) was judged before: the original report, nothing written again',
                  type: 'string',
                  enum: ['true', 'false'],
                },
              },
            },
            ...commonErrors,
            ...submitProblems,
          },
        },
      },
      async (request, reply) => {
        const outcome = await context.hub.iso20022
          .submit(request.body as Buffer, actorOf(request))
          .catch(isoProblem);
        // A message refused whole (schema errors, a bad header) is stored nowhere: no id.
        if (outcome.messageId !== '')
          void reply.header('vostro-message-id', pathSegment(outcome.messageId));
        return reply
          .header('vostro-group-status', outcome.groupStatus)
          .header('vostro-replayed', String(outcome.replayed))
          .type(XML_MEDIA_TYPE)
          .send(outcome.statusReport);
      },
    );
  };
}

function getMessage(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: IsoMessageParams }>(
    '/iso20022/messages/:id',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['iso20022'],
        operationId: 'getIsoMessageStatus',
        summary:
          'The pacs.002 status report of a message submitted before (a participant key: only of its own messages)',
        params: IsoMessageParams,
        response: {
          200: xmlResponse('the stored pacs.002 status report', 'pacs.002'),
          ...notFound,
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const message = await context.hub.iso20022.message(id, actorOf(request));
      if (message === undefined)
        throw new ApiProblem(404, 'message_not_found', `no message with id ${id}`, {
          errors: [{ field: 'path.id', reason: `no message with id ${id}` }],
        });
      return reply.type(XML_MEDIA_TYPE).send(message.statusReport);
    },
  );
}

function statement(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: IsoAccountParams; Querystring: StatementQuery }>(
    '/iso20022/accounts/:id/statement',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['iso20022'],
        operationId: 'getIsoStatement',
        summary:
          'The camt.053 statement of an account for a UTC day: opening and closing booked balances and every entry, with the UETR of each payment',
        params: IsoAccountParams,
        querystring: StatementQuery,
        response: {
          200: xmlResponse('the camt.053.001.08 statement', 'camt'),
          ...notFound,
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const id = accountIdOf(request.params.id, 'path.id');
      const xml = await context.hub.iso20022
        .statement(id, request.query.date, actorOf(request))
        .catch(accountRefusal(id));
      return reply.type(XML_MEDIA_TYPE).send(xml);
    },
  );
}

function notifications(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: IsoAccountParams; Querystring: NotificationsQuery }>(
    '/iso20022/accounts/:id/notifications',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['iso20022'],
        operationId: 'getIsoNotifications',
        summary:
          'The camt.054 debit/credit notification of an account’s transfers after an event id, a page at a time (header vostro-last-event-id: the after of the next call)',
        params: IsoAccountParams,
        querystring: NotificationsQuery,
        response: {
          200: {
            ...xmlResponse('the camt.054.001.08 notification', 'camt'),
            headers: {
              'vostro-last-event-id': {
                description: 'the last event this page covers: pass it as after next time',
                type: 'string',
              },
            },
          },
          ...notFound,
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const id = accountIdOf(request.params.id, 'path.id');
      const { xml, lastSeq } = await context.hub.iso20022
        .notifications(
          {
            accountId: id,
            afterSeq: parseCursor(request.query.after, 'query.after') ?? 0n,
            limit: pageLimit(request.query.limit, context.limits),
          },
          actorOf(request),
        )
        .catch(accountRefusal(id));
      return reply
        .header('vostro-last-event-id', lastSeq.toString())
        .type(XML_MEDIA_TYPE)
        .send(xml);
    },
  );
}

/**
 * A message id as a path segment of GET /v1/iso20022/messages/{id}: percent-encoded where its
 * MsgId needs it (a MsgId may hold any character, and a header only printable ASCII), the colon
 * after the BIC kept. `SBININBB:MSG-1` stays as it is.
 */
function pathSegment(id: string): string {
  return encodeURIComponent(id).replaceAll('%3A', ':');
}

/**
 * The submission route takes XML only: anything else is 415 before the body is read, naming the
 * media types accepted (the other routes' 415 names JSON).
 */
function requireXml(request: FastifyRequest): void {
  const header = request.headers['content-type'];
  const type = header?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && (XML_TYPES as readonly string[]).includes(type)) return;
  const given = header === undefined || header.trim() === '' ? undefined : headerText(header);
  const reason = given === undefined ? 'no Content-Type' : `${given} is not accepted`;
  throw new ApiProblem(
    415,
    'unsupported_media_type',
    `Content-Type: ${reason}; an ISO 20022 message is posted as application/xml or text/xml`,
    { errors: [{ field: 'header.content-type', reason }] },
  );
}

function headerText(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}

/**
 * The service's refusals about the account in the path or the query, in the request's terms: an
 * account it does not know, or may not show this key, is the 404 of every account route.
 */
function accountRefusal(id: AccountId): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof HubError)) throw error;
    if (error.code === 'account_not_found') throw accountNotFound('account', id);
    if (error.field === 'date' || error.field === 'after' || error.field === 'limit')
      throw new HubError(error.code, { field: `query.${error.field}`, message: error.message });
    throw error;
  };
}

/** The ways a message is refused before it is judged, as problems; other errors go on. */
const FORMAT_PROBLEMS: Readonly<
  Record<IsoFormatError['code'], { readonly status: number; readonly code: string }>
> = {
  too_large: { status: 413, code: 'body_too_large' },
  not_xml: { status: 400, code: 'not_xml' },
  doctype: { status: 400, code: 'xml_doctype_refused' },
  unsupported_message: { status: 422, code: 'unsupported_message' },
  unsupported_version: { status: 422, code: 'unsupported_message_version' },
  schema: { status: 422, code: 'schema_invalid' },
};

function isoProblem(error: unknown): never {
  if (!(error instanceof IsoFormatError)) throw error;
  const { status, code } = FORMAT_PROBLEMS[error.code];
  const errors: FieldError[] = [
    { field: 'body', reason: error.message },
    ...error.errors.map((issue) => ({ field: `body:${issue.path}`, reason: issue.message })),
  ];
  throw new ApiProblem(status, code, error.message, { errors });
}
