import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ApiContext } from '../context.js';
import { redactUrl } from '../logger.js';
import { problemResponse } from '../schemas.js';

const Status = Type.Object({ status: Type.String() }, { additionalProperties: false });

/** Liveness, readiness and Prometheus metrics, outside `/v1`: they are for the platform, not clients. */
export function healthRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', {
      config: { access: { public: true } },
      schema: { tags: ['operations'], summary: 'The process is up', response: { 200: Status } },
    }, async () => ({ status: 'ok' }));

    app.get('/readyz', {
      config: { access: { public: true } },
      schema: { tags: ['operations'], summary: 'The store is open and the server is not shutting down', response: { 200: Status, 503: problemResponse('not ready') } },
    }, async (request, reply) => {
      if (!context.state.ready) return reply.code(503).type('application/problem+json').send(notReady(redactUrl(request.url), request.id, 'the server is shutting down'));
      try {
        // A read of one row: proves the database answers without scanning anything.
        await context.store.storedBalancesSeq();
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply.code(503).type('application/problem+json').send(notReady(redactUrl(request.url), request.id, 'the store does not answer'));
      }
      return { status: 'ready' };
    });

    app.get('/metrics', {
      config: { access: { public: true } },
      schema: { tags: ['operations'], summary: 'Prometheus metrics (text format)', produces: ['text/plain'] },
    }, async (_request, reply) => {
      const text = await context.metrics.registry.metrics();
      return reply.type(context.metrics.registry.contentType).send(text);
    });
  };
}

function notReady(instance: string, requestId: string, detail: string) {
  return { type: 'urn:vostro:problem:not_ready', title: 'Service Unavailable', status: 503, detail, instance, code: 'not_ready', requestId };
}
