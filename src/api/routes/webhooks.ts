import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HubError } from '../../domain/errors.js';
import { actorOf } from '../access.js';
import type { ApiContext, RoutePolicy } from '../context.js';
import {
  AttemptList,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryParams,
  Webhook,
  WebhookCreate,
  WebhookCreated,
  WebhookList,
  WebhookListQuery,
  WebhookParams,
  WebhookReplay,
} from '../events-schemas.js';
import { pageLimit } from '../paging.js';
import { commonErrors, problemResponse } from '../schemas.js';

const notFound = {
  404: problemResponse(
    'no such webhook endpoint or delivery (or, for a participant key, not its own)',
  ),
};
const conflict = {
  409: problemResponse(
    'the endpoint is not in a state that allows this: approving one not waiting for approval, disabling a disabled one, replaying an active one without fromSeq (webhook_status_conflict)',
  ),
};

/** Staff, and a participant key for its own endpoints: reads. */
const READ: RoutePolicy = { roles: ['operator', 'auditor', 'participant'], scope: 'handler' };
/** The operator, and a participant key for its own endpoints: changes. */
const WRITE: RoutePolicy = { roles: ['operator', 'participant'], scope: 'handler' };

/**
 * Webhook endpoints (src/events/webhooks.ts): a participant registers a URL for its own events,
 * which waits for the operator's approval; the operator registers for anyone, active at once.
 * Deliveries are signed (Standard Webhooks), in order per endpoint, retried with backoff for 24
 * hours, then the endpoint is failed until replayed; every attempt is recorded and readable here.
 * A participant key reaches only its own endpoints: any other is answered as one that does not
 * exist. Every change is audited.
 */
export function webhookRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    register(app, context);
    read(app, context);
    change(app, context);
    history(app, context);
  };
}

function register(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: WebhookCreate }>(
    '/webhooks',
    {
      config: { access: WRITE },
      schema: {
        tags: ['webhooks'],
        operationId: 'createWebhook',
        summary:
          'Register a webhook endpoint; its signing secret is in this response only. A participant key registers for itself and waits for the operator’s approval; the operator names the participant, and the endpoint is active at once',
        body: WebhookCreate,
        response: {
          201: WebhookCreated,
          ...commonErrors,
          400: problemResponse(
            'a malformed field: a URL that is not http(s), holds credentials or a fragment, or whose host is not on the hub’s allow-list; an unknown event type',
          ),
          403: problemResponse(
            'the key’s role may not register, or a participant key named another participant',
          ),
          404: problemResponse('no such participant'),
          422: problemResponse('the participant is suspended'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await context.hub.webhooks
        .register(
          {
            url: body.url,
            ...(body.participant === undefined ? {} : { participant: body.participant }),
            ...(body.format === undefined ? {} : { format: body.format }),
            ...(body.types === undefined ? {} : { types: body.types }),
            ...(body.maxEventsPerDelivery === undefined
              ? {}
              : { maxEventsPerDelivery: body.maxEventsPerDelivery }),
          },
          actorOf(request),
        )
        .catch(inRequest);
      return reply.code(201).send(created);
    },
  );
}

function read(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: WebhookListQuery }>(
    '/webhooks',
    {
      config: { access: READ },
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhooks',
        summary:
          'Webhook endpoints by id: a participant key its own, staff all (or one participant’s)',
        querystring: WebhookListQuery,
        response: { 200: WebhookList, ...commonErrors },
      },
    },
    async (request) => ({
      data: await context.hub.webhooks.list(
        request.query.participant === undefined ? {} : { participant: request.query.participant },
        actorOf(request),
      ),
    }),
  );
  app.get<{ Params: WebhookParams }>(
    '/webhooks/:id',
    {
      config: { access: READ },
      schema: {
        tags: ['webhooks'],
        operationId: 'getWebhook',
        summary: 'A webhook endpoint: its status and the last event delivered to it (cursor)',
        params: WebhookParams,
        response: { 200: Webhook, ...notFound, ...commonErrors },
      },
    },
    async (request) =>
      context.hub.webhooks.get(request.params.id, actorOf(request)).catch(inRequest),
  );
}

function change(app: FastifyInstance, context: ApiContext): void {
  const webhooks = context.hub.webhooks;
  app.delete<{ Params: WebhookParams }>(
    '/webhooks/:id',
    {
      config: { access: WRITE },
      schema: {
        tags: ['webhooks'],
        operationId: 'deleteWebhook',
        summary:
          'Remove a webhook endpoint: nothing more is delivered to it, its secret is wiped; its delivery history stays',
        params: WebhookParams,
        response: { 204: { type: 'null', description: 'removed' }, ...notFound, ...commonErrors },
      },
    },
    async (request, reply) => {
      await webhooks.remove(request.params.id, actorOf(request)).catch(inRequest);
      return reply.code(204).send();
    },
  );
  const actions = [
    [
      'approve',
      'approveWebhook',
      'Approve an endpoint a participant registered: deliveries begin with the events after its registration',
    ],
    [
      'disable',
      'disableWebhook',
      'Stop delivering to an endpoint; its cursor stays, and replay resumes from it',
    ],
  ] as const;
  for (const [action, operationId, summary] of actions) {
    app.post<{ Params: WebhookParams }>(
      `/webhooks/:id/${action}`,
      {
        config: { access: action === 'approve' ? { roles: ['operator'] } : WRITE },
        schema: {
          tags: ['webhooks'],
          operationId,
          summary,
          params: WebhookParams,
          response: { 200: Webhook, ...notFound, ...conflict, ...commonErrors },
        },
      },
      async (request) =>
        (action === 'approve'
          ? webhooks.approve(request.params.id, actorOf(request))
          : webhooks.disable(request.params.id, actorOf(request))
        ).catch(inRequest),
    );
  }
  app.post<{ Params: WebhookParams; Body: WebhookReplay }>(
    '/webhooks/:id/replay',
    {
      config: { access: WRITE },
      schema: {
        tags: ['webhooks'],
        operationId: 'replayWebhook',
        summary:
          'Make a failed or disabled endpoint active again, delivering from its cursor (the failed delivery is retried, with a new retry window), or from the event fromSeq on (which may rewind an active one)',
        params: WebhookParams,
        body: WebhookReplay,
        response: { 200: Webhook, ...notFound, ...conflict, ...commonErrors },
      },
    },
    async (request) =>
      webhooks
        .replay(
          request.params.id,
          request.body.fromSeq === undefined ? {} : { fromSeq: BigInt(request.body.fromSeq) },
          actorOf(request),
        )
        .catch(inRequest),
  );
  app.post<{ Params: WebhookParams }>(
    '/webhooks/:id/rotate-secret',
    {
      config: { access: WRITE },
      schema: {
        tags: ['webhooks'],
        operationId: 'rotateWebhookSecret',
        summary:
          'A new signing secret, shown once; for 24 hours deliveries carry a signature with the old one too, so the receiver can switch without losing one',
        params: WebhookParams,
        response: { 200: WebhookCreated, ...notFound, ...commonErrors },
      },
    },
    async (request) => webhooks.rotateSecret(request.params.id, actorOf(request)).catch(inRequest),
  );
}

function history(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: WebhookParams; Querystring: DeliveryListQuery }>(
    '/webhooks/:id/deliveries',
    {
      config: { access: READ },
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookDeliveries',
        summary:
          'An endpoint’s deliveries in event order, a page at a time: the events each carried, its status, attempts and last error',
        params: WebhookParams,
        querystring: DeliveryListQuery,
        response: { 200: DeliveryPage, ...notFound, ...commonErrors },
      },
    },
    async (request) => {
      const limit = pageLimit(request.query.limit, context.limits);
      const data = await context.hub.webhooks
        .deliveries(
          request.params.id,
          { ...(request.query.after === undefined ? {} : { after: request.query.after }), limit },
          actorOf(request),
        )
        .catch(inRequest);
      return { data, next: data.length === limit ? (data.at(-1)?.id ?? null) : null };
    },
  );
  app.get<{ Params: DeliveryParams }>(
    '/webhooks/:id/deliveries/:deliveryId/attempts',
    {
      config: { access: READ },
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookAttempts',
        summary:
          'Every attempt of a delivery, oldest first: when, the HTTP status or the error, how long it took',
        params: DeliveryParams,
        response: { 200: AttemptList, ...notFound, ...commonErrors },
      },
    },
    async (request) => ({
      data: await context.hub.webhooks
        .attempts(request.params.id, request.params.deliveryId, actorOf(request))
        .catch(inRequest),
    }),
  );
}

/** Where the service's fields are in the request: the path's ids, the query's cursor, the body's fields. */
const FIELDS: Readonly<Record<string, string>> = {
  id: 'path.id',
  deliveryId: 'path.deliveryId',
  after: 'query.after',
  limit: 'query.limit',
};

function inRequest(error: unknown): never {
  if (error instanceof HubError && error.field !== undefined) {
    const field = FIELDS[error.field];
    if (field !== undefined) throw new HubError(error.code, { field, message: error.message });
  }
  throw error;
}
