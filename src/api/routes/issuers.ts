import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HubError } from '../../domain/errors.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { pageLimit } from '../paging.js';
import { commonErrors, Page, problemResponse } from '../schemas.js';
import { issuerJson, registerSnapshotJson } from '../to-json.js';
import {
  Issuer,
  IssuerCreate,
  IssuerKeyAdd,
  IssuerKeyParams,
  IssuerKeyRevoke,
  IssuerListQuery,
  IssuerParams,
  RegisterSnapshot,
} from '../trade-schemas.js';

const notFoundResponse = { 404: problemResponse('no such issuer (or key of this issuer)') };

/**
 * The trust register: who may issue which trade documents, with which public keys. The operator
 * registers issuers, adds their public keys and revokes them; every key may read the register,
 * which holds public keys only, and fetch it whole (`GET /v1/register`) to verify documents
 * offline.
 */
export function issuerRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    createIssuer(app, context);
    readIssuers(app, context);
    keys(app, context);
    app.get(
      '/register',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
        schema: {
          tags: ['register'],
          operationId: 'getRegisterSnapshot',
          summary:
            'The whole trust register as one file, for `vostro document verify --register` with no server',
          response: { 200: RegisterSnapshot, ...commonErrors },
        },
      },
      async () => registerSnapshotJson(await context.hub.register.snapshot()),
    );
  };
}

function createIssuer(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: IssuerCreate }>(
    '/issuers',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['register'],
        operationId: 'createIssuer',
        summary:
          'Register an issuer (carrier, chamber of commerce, customs, insurer, bank, exporter, importer) and the document types it may issue; keys are added after',
        body: IssuerCreate,
        response: {
          201: Issuer,
          409: problemResponse('an issuer with this id exists'),
          422: problemResponse(
            'refused: a document type its role may not issue, or the participant it names is missing or of another kind',
          ),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const entry = await context.hub.register.addIssuer(
        {
          id: body.id,
          name: body.name,
          role: body.role,
          country: body.country,
          documentTypes: [...body.documentTypes],
          ...(body.participant === undefined ? {} : { participant: body.participant }),
        },
        actorOf(request),
      );
      return reply.code(201).send(issuerJson(entry));
    },
  );
}

function readIssuers(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: IssuerListQuery }>(
    '/issuers',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
      schema: {
        tags: ['register'],
        operationId: 'listIssuers',
        summary: 'Issuers in id order with their keys, a page at a time, of one role if asked',
        querystring: IssuerListQuery,
        response: { 200: Page(Issuer), ...commonErrors },
      },
    },
    async (request) => {
      const limit = pageLimit(request.query.limit, context.limits);
      const found = await context.hub.register.list({
        ...(request.query.role === undefined ? {} : { role: request.query.role }),
        ...(request.query.after === undefined ? {} : { after: request.query.after }),
        limit: limit + 1,
      });
      const page = found.slice(0, limit);
      return {
        data: page.map(issuerJson),
        next: found.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );
  app.get<{ Params: IssuerParams }>(
    '/issuers/:id',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
      schema: {
        tags: ['register'],
        operationId: 'getIssuer',
        summary: 'An issuer with every key it has had: validity, revocation and succession',
        params: IssuerParams,
        response: { 200: Issuer, ...notFoundResponse, ...commonErrors },
      },
    },
    async (request) => {
      const entry = await context.hub.register.get(request.params.id);
      if (entry === undefined) throw issuerNotFound(request.params.id);
      return issuerJson(entry);
    },
  );
}

function keys(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: IssuerParams; Body: IssuerKeyAdd }>(
    '/issuers/:id/keys',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['register'],
        operationId: 'addIssuerKey',
        summary:
          'Add a public key (ML-DSA-65 + Ed25519, as `vostro signing-key generate` printed it) with its validity period, optionally superseding an older key',
        params: IssuerParams,
        body: IssuerKeyAdd,
        response: {
          201: Issuer,
          ...notFoundResponse,
          409: problemResponse('this public key is registered already'),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const entry = await context.hub.register
        .addKey(
          request.params.id,
          {
            publicKey: body.publicKey,
            validFrom: body.validFrom,
            validTo: body.validTo,
            ...(body.supersedes === undefined ? {} : { supersedes: body.supersedes }),
          },
          actorOf(request),
        )
        .catch(pathField);
      return reply.code(201).send(issuerJson(entry));
    },
  );
  app.post<{ Params: IssuerKeyParams; Body: IssuerKeyRevoke }>(
    '/issuers/:id/keys/:keyId/revoke',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['register'],
        operationId: 'revokeIssuerKey',
        summary:
          'Revoke a key now, with a reason: documents the hub received before stay valid, those received after fail verification',
        params: IssuerKeyParams,
        body: IssuerKeyRevoke,
        response: {
          200: Issuer,
          ...notFoundResponse,
          409: problemResponse('the key is revoked already'),
          ...commonErrors,
        },
      },
    },
    async (request) =>
      issuerJson(
        await context.hub.register
          .revokeKey(request.params.id, request.params.keyId, request.body.reason, actorOf(request))
          .catch(pathField),
      ),
  );
}

function issuerNotFound(id: string): HubError {
  return new HubError('issuer_not_found', { field: 'path.id', message: `no issuer ${id}` });
}

/** A service refusal about the issuer or key named in the path names the path's parameter. */
function pathField(error: unknown): never {
  if (error instanceof HubError) {
    const field =
      error.field === 'id' || error.field === 'issuer'
        ? 'path.id'
        : error.field === 'keyId'
          ? 'path.keyId'
          : undefined;
    if (field !== undefined) throw new HubError(error.code, { field, message: error.message });
  }
  throw error;
}
