import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { eventView } from '../../events/view.js';
import { EVENT_TYPES } from '../../store/events.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import {
  EventListQuery,
  EventPage,
  EventStreamQuery,
  type EventStreamQuery as StreamQuery,
} from '../events-schemas.js';
import { pageLimit, parseCursor } from '../paging.js';
import { ApiProblem, invalidField } from '../problems.js';
import { commonErrors, problemResponse } from '../schemas.js';
import { openEventStream } from './event-stream.js';

/**
 * The event feed: every change a participant cares about (transfers on its accounts, refused
 * payments, windows closed and settled, quotes executed, presentations), numbered in one sequence
 * and written in the same transaction as the change. A participant key reads its own; operator and
 * auditor keys read all. Read a page at a time (`GET /v1/events?after=`) or live as Server-Sent
 * Events (`GET /v1/events/stream`), which resume after `Last-Event-ID`.
 */
export function eventRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    listEvents(app, context);
    streamEvents(app, context);
  };
}

function listEvents(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: EventListQuery }>(
    '/events',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['events'],
        operationId: 'listEvents',
        summary:
          'Events after an id, oldest first, a page at a time: a participant key its own, staff all (or one participant’s)',
        querystring: EventListQuery,
        response: { 200: EventPage, ...commonErrors },
      },
    },
    async (request) => {
      const query = request.query;
      const limit = pageLimit(query.limit, context.limits);
      const afterSeq = parseCursor(query.after, 'query.after') ?? 0n;
      const participant = participantOf(request, query.participant);
      const types = typesOf(query.types);
      const found = await context.store.events({
        afterSeq,
        limit: limit + 1,
        ...(participant === undefined ? {} : { participant }),
        ...(types === undefined ? {} : { types }),
      });
      const page = found.slice(0, limit);
      const last = page.at(-1)?.seq ?? afterSeq;
      return {
        data: page.map(eventView),
        next: found.length > limit ? last.toString() : null,
        lastId: last.toString(),
      };
    },
  );
}

function streamEvents(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: StreamQuery }>(
    '/events/stream',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['events'],
        operationId: 'streamEvents',
        summary:
          'Events as they happen, as Server-Sent Events (id: the event id, event: its type, data: the event as JSON), from after Last-Event-ID or ?after= (default: from now on); a comment line every 15 s keeps the connection open',
        querystring: EventStreamQuery,
        headers: {
          type: 'object',
          properties: {
            'last-event-id': {
              type: 'string',
              description:
                'resume after this event id (EventSource sends it when it reconnects); wins over ?after=',
            },
          },
        },
        response: {
          200: {
            description:
              'a text/event-stream that lasts until the client or the server closes it; each event is `id: <id>`, `event: <type>`, `data: <event JSON>` and a blank line',
            content: {
              'text/event-stream': {
                schema: {
                  type: 'string',
                  examples: [
                    'id: 42\nevent: transfer.created\ndata: {"id":"42","type":"transfer.created","at":"2026-11-20T09:30:00.123456789Z","subject":"0193a1f0-…","participants":["sbi","bob"],"data":{…}}\n\n',
                  ],
                },
              },
            },
          },
          ...commonErrors,
          400: problemResponse(
            'a malformed query, or a Last-Event-ID header that is not an event id',
          ),
        },
      },
    },
    async (request, reply) => {
      const participant = participantOf(request, request.query.participant);
      const types = typesOf(request.query.types);
      const afterSeq =
        lastEventId(request) ??
        parseCursor(request.query.after, 'query.after') ??
        (await context.store.lastEventSeq());
      return openEventStream(context, request, reply, {
        afterSeq,
        ...(participant === undefined ? {} : { participant }),
        ...(types === undefined ? {} : { types }),
      });
    },
  );
}

const SEQ = /^(0|[1-9][0-9]{0,18})$/;

/** The Last-Event-ID header as a cursor; 400 naming the header when it is not an event id. */
function lastEventId(request: FastifyRequest): bigint | undefined {
  const header = request.headers['last-event-id'];
  if (header === undefined) return undefined;
  const value = String(header).trim();
  if (!SEQ.test(value) || BigInt(value) >= 1n << 63n)
    throw invalidField('header.last-event-id', 'not an event id: a decimal number the stream sent');
  return BigInt(value);
}

/**
 * Whose events the request reads: a participant key its own (naming another is 403, as for an
 * account listing), staff anyone's, or everyone's when they name none.
 */
function participantOf(request: FastifyRequest, named: string | undefined): string | undefined {
  const actor = actorOf(request);
  if (actor.role !== 'participant') return named;
  const own = actor.participant as string;
  if (named !== undefined && named !== own)
    throw new ApiProblem(
      403,
      'forbidden',
      `a participant key reads only its own events: leave out participant or pass participant=${own}`,
      { errors: [{ field: 'query.participant', reason: "not this key's participant" }] },
    );
  return own;
}

/** The types asked for, each one the hub writes; an unknown one is 400 naming it. */
function typesOf(text: string | undefined): readonly string[] | undefined {
  if (text === undefined) return undefined;
  const types = [...new Set(text.split(','))];
  for (const type of types)
    if (!(EVENT_TYPES as readonly string[]).includes(type))
      throw invalidField(
        'query.types',
        `${type} is not an event type; the types are ${EVENT_TYPES.join(', ')}`,
      );
  return types;
}
