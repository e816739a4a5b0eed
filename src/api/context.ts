import type { GroupCommitter } from '../ledger/group-commit.js';
import type { Ledger } from '../ledger/ledger.js';
import type { LedgerStore } from '../store/store.js';
import type { ApiLimits } from './limits.js';
import type { ApiMetrics } from './metrics.js';

/** What every route module receives: the ledger, its store, the group committer, limits, metrics. */
export interface ApiContext {
  readonly ledger: Ledger;
  readonly store: LedgerStore;
  readonly committer: GroupCommitter;
  readonly limits: ApiLimits;
  readonly metrics: ApiMetrics;
  /** False once shutdown has begun: `/readyz` then says so, and the load balancer stops sending. */
  readonly state: { ready: boolean };
}

/**
 * What a route needs of its caller, for the authorisation pre-handler that comes with API keys:
 * it will read this from `routeOptions.config` in one hook, and the authorisation test will walk
 * every route and fail on one without it.
 */
export type RouteAccess = 'public' | 'read' | 'write';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}
