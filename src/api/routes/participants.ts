import type { FastifyPluginAsync } from 'fastify';
import { HubError } from '../../domain/errors.js';
import { participantAccountId } from '../../participants/accounts.js';
import type { ParticipantRecord } from '../../participants/registry.js';
import { actorOf, participantNotFound } from '../access.js';
import type { ApiContext } from '../context.js';
import {
  AccountOpen,
  Participant,
  ParticipantAccount,
  ParticipantChange,
  ParticipantCreate,
  ParticipantListQuery,
  ParticipantParams,
} from '../hub-schemas.js';
import { pageLimit } from '../paging.js';
import { commonErrors, Page, problemResponse } from '../schemas.js';
import { participantJson } from '../to-json.js';

const notFoundResponse = {
  404: problemResponse('no such participant (or, for a participant key, not its own)'),
};

/**
 * Participants (banks, FX providers, corporates) and the accounts they hold at the hub. The
 * operator creates, suspends and reactivates them and opens their vostro, nostro, investment and
 * suspense accounts; the auditor reads them all; a participant key reads its own record.
 */
export function participantRoutes(context: ApiContext): FastifyPluginAsync {
  const registry = context.participants;
  return async (app) => {
    app.post<{ Body: ParticipantCreate }>(
      '/participants',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['participants'],
          operationId: 'createParticipant',
          summary:
            'Create a participant with the accounts its kind needs in each of its currencies',
          body: ParticipantCreate,
          response: {
            201: Participant,
            409: problemResponse('a participant with this id exists'),
            422: problemResponse(
              "refused: the corporate's bank is missing or does not hold the currency, …",
            ),
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const record = await registry.create(request.body, actorOf(request));
        return reply.code(201).send(participantJson(record));
      },
    );

    app.get<{ Querystring: ParticipantListQuery }>(
      '/participants',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['participants'],
          operationId: 'listParticipants',
          summary: 'List participants in id order, a page at a time',
          querystring: ParticipantListQuery,
          response: { 200: Page(Participant), ...commonErrors },
        },
      },
      async (request) => {
        const limit = pageLimit(request.query.limit, context.limits);
        const found = await registry.list(request.query.after, limit + 1);
        const page = found.slice(0, limit);
        return {
          data: page.map(participantJson),
          next: found.length > limit ? (page.at(-1)?.id ?? null) : null,
        };
      },
    );

    app.get<{ Params: ParticipantParams }>(
      '/participants/:id',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'participant' } },
        schema: {
          tags: ['participants'],
          operationId: 'getParticipant',
          summary: 'A participant with its accounts',
          params: ParticipantParams,
          response: { 200: Participant, ...notFoundResponse, ...commonErrors },
        },
      },
      async (request) => participantJson(await requireParticipant(context, request.params.id)),
    );

    app.patch<{ Params: ParticipantParams; Body: ParticipantChange }>(
      '/participants/:id',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['participants'],
          operationId: 'changeParticipant',
          summary:
            'Change a participant: give it a BIC, change it, or take it away (null); the same BIC again changes nothing',
          params: ParticipantParams,
          body: ParticipantChange,
          response: {
            200: Participant,
            ...notFoundResponse,
            409: problemResponse(
              'the BIC is another participant’s (identifier_exists; its XXX branch form is the same institution)',
            ),
            ...commonErrors,
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        return participantJson(
          await inPath(id, registry.setBic(id, request.body.bic, actorOf(request))),
        );
      },
    );

    app.post<{ Params: ParticipantParams; Body: AccountOpen }>(
      '/participants/:id/accounts',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['participants'],
          operationId: 'openParticipantAccount',
          summary:
            'Open a vostro, nostro, investment or suspense account for a participant (201; 200 when it is open already)',
          params: ParticipantParams,
          body: AccountOpen,
          response: {
            200: ParticipantAccount,
            201: ParticipantAccount,
            ...notFoundResponse,
            422: problemResponse(
              'this kind of participant cannot open this account, or the bank named is missing',
            ),
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { role, currency, heldAt } = request.body;
        const accountId = participantAccountId(id, currency, role, heldAt);
        const existed =
          (await registry.find(id))?.accounts.some((account) => account.id === accountId) ?? false;
        const account = await inPath(
          id,
          registry.openAccount(id, role, currency, heldAt, actorOf(request)),
          { held_at: 'heldAt' },
        );
        return reply.code(existed ? 200 : 201).send(account);
      },
    );

    for (const [action, status] of [
      ['suspend', 'suspended'],
      ['activate', 'active'],
    ] as const) {
      app.post<{ Params: ParticipantParams }>(
        `/participants/:id/${action}`,
        {
          config: { access: { roles: ['operator'] } },
          schema: {
            tags: ['participants'],
            operationId: `${action}Participant`,
            summary:
              action === 'suspend'
                ? 'Suspend a participant: it can no longer pay or quote'
                : 'Reactivate a suspended participant',
            params: ParticipantParams,
            response: {
              200: Participant,
              ...notFoundResponse,
              422: problemResponse('the hub itself cannot be suspended'),
              ...commonErrors,
            },
          },
        },
        async (request) =>
          participantJson(
            await inPath(
              request.params.id,
              registry.setStatus(request.params.id, status, actorOf(request)),
            ),
          ),
      );
    }
  };
}

export async function requireParticipant(
  context: ApiContext,
  id: string,
): Promise<ParticipantRecord> {
  const found = await context.participants.find(id);
  if (found === undefined) throw participantNotFound(id);
  return found;
}

/**
 * The registry names the participant it could not find `participant`; over HTTP that id is the
 * one in the path, and the answer must be the same as every other "no such participant". Other
 * fields are renamed to the request's spelling (`held_at` is `heldAt` in the JSON body).
 */
async function inPath<T>(
  id: string,
  work: Promise<T>,
  rename: Readonly<Record<string, string>> = {},
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    if (error.code === 'participant_not_found') throw participantNotFound(id);
    const renamed = error.field === undefined ? undefined : rename[error.field];
    throw renamed === undefined
      ? error
      : new HubError(error.code, { field: renamed, message: error.message });
  }
}
