import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { RoutePolicy } from '../context.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import {
  DeliveryListQuery,
  DeliveryParams,
  Webhook,
  WebhookCreate,
  WebhookCreated,
  WebhookListQuery,
  WebhookParams,
  WebhookReplay,
  WebhookSecret,
  DeliveryPage,
  AttemptList,
} from '../events-schemas.js';
import { pageLimit, parseCursor } from '../paging.js';
import { commonErrors, problemResponse } from '../schemas.js';
import { webhookJson } from '../to-json.js';

const notFound = {
  404: problemResponse('no such webhook endpoint or delivery (or, for a participant key, not its own)'),
};
const refused = {
  409: problemResponse('the endpoint is not in a state that allows this (approve an active one, …)'),
  422: problemResponse(
    'refused by the hub’s rules: a URL whose host is not on the allow-list, with credentials, or not http(s); an unknown participant, …',
  ),
};

/** Staff and the endpoint’s own participant: reads. */
const READ: RoutePolicy = { roles: ['operator', 'auditor', 'participant'], scope: 'handler' };
/** The operator and the endpoint’s own participant: changes. */
const WRITE: RoutePolicy = { roles: ['operator', 'participant'], scope: 'handler' };

/**
 * Webhook endpoints: a participant registers a URL for its own events (pending until the operator
 * approves it; the operator registers for anyone, active at once); deliveries are signed
 * (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), in order per endpoint,
 * retried with backoff for 24 hours, then the endpoint is failed until replayed. Every attempt is
 * recorded and readable here. A participant key reaches only its own endpoints; any other is
 * answered as missing.
 */
export function webhookRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    register(app, context);
    list(app, context);
    getOne(app, context);
    remove(app, context);
    actions(app, context);
    deliveries(app, context);
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
          'Register a webhook endpoint: the signing secret is in this response only. A participant’s waits for the operator’s approval; the operator’s is active at once',
        body: WebhookCreate,
        response: { 201: WebhookCreated, ...refused, ...notFound, ...commonErrors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = request.body;
      const participant =
        body.participant ?? (actor.role === 'participant' ? actor.participant : undefined);
      const { endpoint, secret } = await context.hub.webhooks.register(
        {
          participant: participant ?? '',
          url: body.url,
          ...(body.format === undefined ? {} : { format: body.format }),
          ...(body.types === undefined ? {} : { types: body.types }),
          ...(body.maxEventsPerDelivery === undefined
            ? {}
            : { maxEventsPerDelivery: body.maxEventsPerDelivery }),
        },
        actor,
      );
      return reply.code(201).send({ endpoint: webhookJson(endpoint), secret });
    },
  );
}

function list(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: WebhookListQuery }>(
    '/webhooks',
    {
      config: { access: READ },
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhooks',
        summary: 'Webhook endpoints: a participant key its own, staff all (or one participant’s)',
        querystring: WebhookListQuery,
        response: {
          200: { type: 'object', additionalProperties: false, required: ['data'], properties: { data: { type: 'array', items: Webhook } } },
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const endpoints = await context.hub.webhooks.list(
        request.query.participant === undefined ? {} : { participant: request.query.participant },
        actorOf(request),
      );
      return { data: endpoints.map(webhookJson) };
    },
  );
}

function getOne(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: WebhookParams }>(
    '/webhooks/:id',
    {
      config: { access: READ },
      schema: {
        tags: ['webhooks'],
        operationId: 'getWebhook',
        summary: 'A webhook endpoint: its status and the last event delivered to it',
        params: WebhookParams,
        response: { 200: Webhook, ...notFound, ...commonErrors },
      },
    },
    async (request) => webhookJson(await context.hub.webhooks.get(request.params.id, actorOf(request))),
  );
}

function remove(app: FastifyInstance, context: ApiContext): void {
  app.delete<{ Params: WebhookParams }>(
    '/webhooks/:id',
    {
      config: { access: WRITE },
      schema: {
        tags: ['webhooks'],
        operationId: 'deleteWebhook',
        summary: 'Remove a webhook endpoint: nothing more is delivered to it',
        params: WebhookParams,
        response: { 204: { description: 'removed', type: 'null' }, ...notFound, ...commonErrors },
      },
    },
    async (request, reply) => {
      await context.hub.webhooks.remove(request.params.id, actorOf(request));
      return reply.code(204).send();
    },
  );
}

function actions(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: WebhookParams }>(
    '/webhooks/:id/approve',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['webhooks'],
        operationId: 'approveWebhook',
        summary: 'Approve an endpoint a participant registered: deliveries begin',
        params: WebhookParams,
        response: { 200: Webhook, ...notFound, ...refused, ...commonErrors },
      },
    },
    async (request) =>
      webhookJson(await context.hub.webhooks.approve(request.params.id, actorOf(request))),
  );
  app.post<{ Params: WebhookParams }>(
    '/webhooks/:id/disable',
    {
      config: { access: WRITE },
      schema: {
        tags: ['webhooks'],
        operationId: 'disableWebhook',
        summary: 'Stop delivering to an endpoint; its cursor stays, and replay resumes from it',
        params: WebhookParams,
        response: { 200: Webhook, ...notFound, ...refused, ...commonErrors },
      },
    },
    async (request) =>
      webhookJson(await context.hub.webhooks.disable(request.params.id, actorOf(request))),
  );
  app.post<{ Params: WebhookParams; Body: WebhookReplay }>(
    '/webhooks/:id/replay',
    {
      config: { access: WRITE },
      schema: {
        tags: ['webhooks'],
        operationId: 'replayWebhook',
        summary:
          'Make a failed or disabled endpoint active again, delivering from its cursor, or from after fromSeq',
        params: WebhookParams,
        body: WebhookReplay,
        response: { 200: Webhook, ...notFound, ...refused, ...commonErrors },
      },
    },
    async (request) => {
      const fromSeq = parseCursor(request.body.fromSeq, '/fromSeq');
      return webhookJson(
        await context.hub.webhooks.replay(
          request.params.id,
          fromSeq === undefined ? {} : { fromSeq },
          actorOf(request),
        ),
      );
    },
  );
  app.post<{ Params: WebhookParams }>(
    '/webhooks/:id/rotate-secret',
    {
      config: { access: WRITE },
      schema: {
        tags: ['webhooks'],
        operationId: 'rotateWebhookSecret',
        summary: 'A new signing secret, shown once; deliveries are signed with it from now on',
        params: WebhookParams,
        response: { 200: WebhookSecret, ...notFound, ...commonErrors },
      },
    },
    async (request) => context.hub.webhooks.rotateSecret(request.params.id, actorOf(request)),
  );
}

function deliveries(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: WebhookParams; Querystring: DeliveryListQuery }>(
    '/webhooks/:id/deliveries',
    {
      config: { access: READ },
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookDeliveries',
        summary:
          'Deliveries to an endpoint, oldest first, a page at a time: the events each carried, its status and attempts',
        params: WebhookParams,
        querystring: DeliveryListQuery,
        response: { 200: DeliveryPage, ...notFound, ...commonErrors },
      },
    },
    async (request) => {
      const limit = pageLimit(request.query.limit, context.limits);
      return context.hub.webhooks.deliveries(
        request.params.id,
        { ...(request.query.after === undefined ? {} : { after: request.query.after }), limit },
        actorOf(request),
      );
    },
  );
  app.get<{ Params: DeliveryParams }>(
    '/webhooks/:id/deliveries/:deliveryId/attempts',
    {
      config: { access: READ },
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookAttempts',
        summary: 'Every attempt of a delivery: when, the status code or error, how long it took',
        params: DeliveryParams,
        response: { 200: AttemptList, ...notFound, ...commonErrors },
      },
    },
    async (request) =>
      context.hub.webhooks.attempts(request.params.id, request.params.deliveryId, actorOf(request)),
  );
}
