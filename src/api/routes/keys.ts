import type { FastifyPluginAsync, preValidationAsyncHookHandler } from 'fastify';
import type { ApiKeyInfo } from '../../access/api-keys.js';
import { HubError } from '../../domain/errors.js';
import { actorOf, keyNotFound, participantNotFound, unauthenticated } from '../access.js';
import type { ApiContext } from '../context.js';
import {
  Caller,
  IssuedKey,
  KeyInfo,
  KeyListQuery,
  KeyParams,
  KeyRotate,
  OwnKeyListQuery,
  ParticipantKeyIssue,
  ParticipantParams,
  RotatedKey,
  StaffKeyIssue,
} from '../hub-schemas.js';
import { pageLimit } from '../paging.js';
import { requireParticipant } from './participants.js';
import { commonErrors, Page, problemResponse } from '../schemas.js';

const keyNotFoundResponse = {
  404: problemResponse('no such key (or, for a participant key, not one of its own)'),
};

/**
 * API keys. The operator issues them (a participant's under the participant, the hub's own staff
 * keys under /v1/keys); the full key is in the response to the issue or rotation and nowhere
 * else. A participant key may list, rotate and revoke its participant's keys.
 */
export function keyRoutes(context: ApiContext): FastifyPluginAsync {
  const keys = context.keys;
  return async (app) => {
    app.get(
      '/me',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
        schema: {
          tags: ['keys'],
          operationId: 'getCaller',
          summary:
            'Who the presented API key is: its role, its participant (for a participant key), its key id and label',
          response: { 200: Caller, ...commonErrors },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const keyId = actor.keyId;
        const info = keyId === undefined ? undefined : await keys.find(keyId);
        if (keyId === undefined) throw new Error('bug: an API key without a key id');
        // Revoked through another server within the verifier's cache time: refused as it soon will be.
        if (info === undefined || info.status === 'revoked')
          throw unauthenticated('key_revoked', 'this API key has been revoked');
        return {
          actor: actor.id,
          role: actor.role,
          ...(actor.participant === undefined ? {} : { participant: actor.participant }),
          keyId,
          label: info.label,
          status: info.status,
          ...(info.status === 'rotating' && info.revokedAt !== undefined
            ? { revokedAt: info.revokedAt }
            : {}),
        };
      },
    );

    app.post<{ Params: ParticipantParams; Body: ParticipantKeyIssue }>(
      '/participants/:id/keys',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['keys'],
          operationId: 'issueParticipantKey',
          summary: 'Issue an API key for a participant; the key is in this response only',
          params: ParticipantParams,
          body: ParticipantKeyIssue,
          response: {
            201: IssuedKey,
            404: problemResponse('no such participant'),
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const issued = await keys
          .issue(
            {
              role: 'participant',
              participant: id,
              ...(request.body.label === undefined ? {} : { label: request.body.label }),
            },
            actorOf(request),
          )
          .catch((error: unknown) => {
            throw error instanceof HubError && error.code === 'participant_not_found'
              ? participantNotFound(id)
              : error;
          });
        return reply.code(201).send({ ...issued.info, key: issued.key });
      },
    );

    app.get<{ Params: ParticipantParams; Querystring: OwnKeyListQuery }>(
      '/participants/:id/keys',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'participant' } },
        schema: {
          tags: ['keys'],
          operationId: 'listParticipantKeys',
          summary: "A participant's API keys (never their secrets)",
          params: ParticipantParams,
          querystring: OwnKeyListQuery,
          response: {
            200: Page(KeyInfo),
            ...commonErrors,
            404: problemResponse('no such participant (or, for a participant key, not its own)'),
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        await requireParticipant(context, id);
        const limit = pageLimit(request.query.limit, context.limits);
        return keyPage(await keys.list({ participant: id }, request.query.after, limit + 1), limit);
      },
    );

    app.post<{ Body: StaffKeyIssue }>(
      '/keys',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['keys'],
          operationId: 'issueKey',
          summary:
            "Issue an operator or auditor key (the hub's own staff); the key is in this response only",
          body: StaffKeyIssue,
          response: { 201: IssuedKey, ...commonErrors },
        },
      },
      async (request, reply) => {
        const issued = await keys.issue(
          {
            role: request.body.role,
            ...(request.body.label === undefined ? {} : { label: request.body.label }),
          },
          actorOf(request),
        );
        return reply.code(201).send({ ...issued.info, key: issued.key });
      },
    );

    app.get<{ Querystring: KeyListQuery }>(
      '/keys',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['keys'],
          operationId: 'listKeys',
          summary: 'Every API key, in key-id order (never their secrets)',
          querystring: KeyListQuery,
          response: { 200: Page(KeyInfo), ...commonErrors },
        },
      },
      async (request) => {
        const { role, participant, after } = request.query;
        const limit = pageLimit(request.query.limit, context.limits);
        return keyPage(
          await keys.list(
            {
              ...(role === undefined ? {} : { role }),
              ...(participant === undefined ? {} : { participant }),
            },
            after,
            limit + 1,
          ),
          limit,
        );
      },
    );

    app.post<{ Params: KeyParams; Body: KeyRotate }>(
      '/keys/:keyId/rotate',
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'key' } },
        preValidation: noBodyIsEmpty,
        schema: {
          tags: ['keys'],
          operationId: 'rotateKey',
          summary:
            'Issue a new key with the same role and participant, and end this one now or after graceSeconds (the body may be left out); the new key is in this response only',
          params: KeyParams,
          body: KeyRotate,
          response: {
            201: RotatedKey,
            ...keyNotFoundResponse,
            409: problemResponse('the key is revoked or already rotated'),
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const { keyId } = request.params;
        const graceSeconds = request.body.graceSeconds;
        const rotated = await inPath(
          keyId,
          keys.rotate(keyId, graceSeconds === undefined ? {} : { graceSeconds }, actorOf(request)),
        );
        return reply
          .code(201)
          .send({ ...rotated.info, key: rotated.key, previous: rotated.previous });
      },
    );

    app.post<{ Params: KeyParams }>(
      '/keys/:keyId/revoke',
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'key' } },
        schema: {
          tags: ['keys'],
          operationId: 'revokeKey',
          summary: 'Revoke a key now (a rotating key too); it is refused from then on',
          params: KeyParams,
          response: {
            200: KeyInfo,
            ...keyNotFoundResponse,
            409: problemResponse('the key is revoked already'),
            ...commonErrors,
          },
        },
      },
      async (request) =>
        inPath(request.params.keyId, keys.revoke(request.params.keyId, actorOf(request))),
    );
  };
}

function keyPage(found: readonly ApiKeyInfo[], limit: number) {
  const page = found.slice(0, limit);
  return { data: page, next: found.length > limit ? (page.at(-1)?.keyId ?? null) : null };
}

/** The key in the path: its "not found" is the one answer for keys that do not exist and keys that are not the caller's. */
async function inPath<T>(keyId: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof HubError && error.code === 'key_not_found') throw keyNotFound(keyId);
    if (error instanceof HubError && error.field === 'keyId')
      throw new HubError(error.code, { field: 'path.keyId', message: error.message });
    throw error;
  }
}

/**
 * The body may be left out (`curl -X POST …/rotate`): it then means no grace period. Typed on a
 * request whose body is unknown, since before validation it may be missing whatever the route says.
 */
const noBodyIsEmpty: preValidationAsyncHookHandler = async (request) => {
  request.body ??= {};
};
