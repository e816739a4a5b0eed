import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../context.js';
import { AuditEntry, AuditQuery } from '../hub-schemas.js';
import { pageLimit, parseCursor } from '../paging.js';
import { commonErrors, Page } from '../schemas.js';
import { auditJson } from '../to-json.js';

/**
 * The audit log: every mutation, who made it (actor, role, API key id), when, under which request
 * id, what and on what. Written in the same transaction as the change itself, so the log and the
 * ledger never disagree. The operator and the auditor read it, oldest first, by `seq`; `target`
 * gives the entries about one thing (a payment's story on the dashboard), by index.
 */
export function auditRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: AuditQuery }>(
      '/audit',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['audit'],
          operationId: 'listAuditEntries',
          summary: 'The audit log, oldest first, a page at a time; filter by actor and by target',
          querystring: AuditQuery,
          response: { 200: Page(AuditEntry), ...commonErrors },
        },
      },
      async (request) => {
        const limit = pageLimit(request.query.limit, context.limits);
        const afterSeq = parseCursor(request.query.after, 'query.after');
        const entries = await context.store.auditEntries({
          ...(afterSeq === undefined ? {} : { afterSeq }),
          ...(request.query.actor === undefined ? {} : { actor: request.query.actor }),
          ...(request.query.target === undefined ? {} : { target: request.query.target }),
          limit: limit + 1,
        });
        const page = entries.slice(0, limit);
        return {
          data: page.map(auditJson),
          next: entries.length > limit ? (page.at(-1)?.seq.toString() ?? null) : null,
        };
      },
    );
  };
}
