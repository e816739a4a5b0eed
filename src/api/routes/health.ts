import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ApiContext } from '../context.js';
import { redactUrl } from '../logger.js';
import { problemResponse } from '../schemas.js';

const Status = Type.Object({ status: Type.String() }, { additionalProperties: false });
/** What these routes refuse: they read no input, but every request's URL text is checked (text-fields.ts). */
const invalidText = problemResponse(
  'the query string holds text that cannot be stored (invalid_text), like every route',
);

/** Liveness, readiness and Prometheus metrics, outside `/v1`: they are for the platform, not clients. */
export function healthRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { access: { public: true } },
        schema: {
          tags: ['operations'],
          operationId: 'getHealth',
          summary: 'The process is up',
          response: { 200: Status, 400: invalidText },
        },
      },
      async () => ({ status: 'ok' }),
    );

    app.get(
      '/readyz',
      {
        config: { access: { public: true } },
        schema: {
          tags: ['operations'],
          operationId: 'getReadiness',
          summary:
            'Ready for traffic: not shutting down, the store answers within the readiness timeout, and a SQLite database is writable with free disk space',
          response: {
            200: Status,
            400: invalidText,
            503: problemResponse('not ready, and why'),
          },
        },
      },
      async (request, reply) => {
        const reason = await notReadyReason(context);
        if (reason === undefined) return { status: 'ready' };
        request.log.warn({ reason: reason.log }, 'not ready');
        return reply
          .code(503)
          .header('retry-after', '5')
          .type('application/problem+json')
          .send(notReady(redactUrl(request.url), request.id, reason.detail));
      },
    );

    app.get(
      '/metrics',
      {
        config: { access: { public: true } },
        schema: {
          tags: ['operations'],
          operationId: 'getMetrics',
          summary: 'Prometheus metrics (text format)',
          response: {
            200: {
              description: 'the metrics in the Prometheus text exposition format',
              content: { 'text/plain': { schema: Type.String() } },
            },
            400: invalidText,
          },
        },
      },
      async (_request, reply) => {
        const text = await context.metrics.scrape();
        return reply.type(context.metrics.registry.contentType).send(text);
      },
    );
  };
}

/**
 * Why the server should not get traffic now, or undefined when it should. A read that merely
 * succeeds is not enough: a full disk or a read-only file still serves reads while every write
 * fails, and a PostgreSQL server that stopped answering makes a read wait rather than fail. So:
 *
 * - shutting down: not ready as soon as closing begins;
 * - the store must answer a one-row read within `readinessTimeoutMs` (PostgreSQL unreachable,
 *   or its connections lost, shows here);
 * - a SQLite database's file and directory must be writable by this process (`access(W_OK)`:
 *   a read-only mount, an immutable file, permissions), and its disk must have at least
 *   `readinessDiskFreeMinBytes` free.
 */
/** Why not ready: `detail` for the public answer, `log` with the specifics (paths, errors) for the log. */
interface NotReady {
  readonly detail: string;
  readonly log: string;
}

async function notReadyReason(context: ApiContext): Promise<NotReady | undefined> {
  if (!context.state.ready) return { detail: 'the server is shutting down', log: 'shutting down' };
  const { readinessTimeoutMs } = context.limits;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<NotReady>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          detail: 'the store does not answer',
          log: `the store did not answer within ${readinessTimeoutMs} ms`,
        }),
      readinessTimeoutMs,
    );
  });
  try {
    return await Promise.race([probe(context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(context: ApiContext): Promise<NotReady | undefined> {
  try {
    // A read of one row: proves the database answers without scanning anything.
    await context.store.storedBalancesSeq();
  } catch (error) {
    return {
      detail: 'the store does not answer',
      log: `the store's read failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const path = sqlitePath(context);
  if (path === undefined) return undefined;
  for (const target of [path, dirname(path)]) {
    try {
      await access(target, constants.W_OK);
    } catch (error) {
      return {
        detail: 'the database is not writable',
        log: `${target} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)}): writes would fail`,
      };
    }
  }
  const disk = await statfs(dirname(path), { bigint: true });
  const free = disk.bavail * disk.bsize;
  const minimum = BigInt(context.limits.readinessDiskFreeMinBytes);
  if (free < minimum)
    return {
      detail: 'the disk holding the database is (nearly) full',
      log: `the disk holding ${path} has ${free} bytes free, less than the ${minimum} readiness needs: writes may fail`,
    };
  return undefined;
}

/** The SQLite store describes itself as `sqlite:<path>` (src/store/sqlite/sqlite-store.ts). */
function sqlitePath(context: ApiContext): string | undefined {
  const { store } = context;
  return store.kind === 'sqlite' && store.description.startsWith('sqlite:')
    ? store.description.slice('sqlite:'.length)
    : undefined;
}

function notReady(instance: string, requestId: string, detail: string) {
  return {
    type: 'urn:vostro:problem:not_ready',
    title: 'Service Unavailable',
    status: 503,
    detail,
    instance,
    code: 'not_ready',
    requestId,
  };
}
