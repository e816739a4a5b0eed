import type { ApiKeys } from '../access/api-keys.js';
import type { EventFeed } from '../events/feed.js';
import type { Actor, ActorRole } from '../domain/actor.js';
import type { GroupCommitter } from '../ledger/group-commit.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Hub } from '../hub/hub.js';
import type { ParticipantRegistry } from '../participants/registry.js';
import type { LedgerStore } from '../store/store.js';
import type { ApiLimits } from './limits.js';
import type { ApiMetrics } from './metrics.js';

/** What every route module receives: the ledger, its store, the group committer, limits, metrics, participants and keys. */
export interface ApiContext {
  readonly ledger: Ledger;
  readonly store: LedgerStore;
  readonly committer: GroupCommitter;
  readonly limits: ApiLimits;
  readonly metrics: ApiMetrics;
  readonly participants: ParticipantRegistry;
  /** Payments, caps, windows and FX over the same ledger and registry. */
  readonly hub: Hub;
  readonly keys: ApiKeys;
  /** The one poller of new events that the live streams (GET /v1/events/stream) share. */
  readonly feed: EventFeed;
  /** False once shutdown has begun: `/readyz` then says so, and the load balancer stops sending. */
  readonly state: { ready: boolean };
}

/**
 * How far a participant key reaches on a route that admits participants. The check runs after
 * validation, before the handler (src/api/access.ts), and only for participant keys:
 *
 * - `account`: path `id` is an account the participant owns (`Account.owner`).
 * - `transfer`: path `id` is a transfer whose debit or credit account the participant owns.
 * - `participant`: path `id` is the participant itself.
 * - `key`: path `keyId` is one of the participant's own API keys.
 * - `owner`: a list of accounts: `?owner=` defaults to the participant, and naming another is 403.
 * - `none`: the route shows nothing that belongs to anyone (the freight planner).
 * - `handler`: the handler checks what the request names (a body field, say) with the helpers in
 *   access.ts; for routes whose resources are not in the path, such as payments.
 *
 * A resource that exists but is not the participant's is answered exactly as one that does not
 * exist (404, same code and detail), so a key cannot even learn what other participants have.
 */
export type ParticipantScope =
  'account' | 'transfer' | 'participant' | 'key' | 'owner' | 'none' | 'handler';
export const PARTICIPANT_SCOPES: readonly ParticipantScope[] = [
  'account',
  'transfer',
  'participant',
  'key',
  'owner',
  'none',
  'handler',
];

/**
 * Who may call a route. Every route declares one in `config.access`; a route without one, or with
 * a malformed one, makes `buildServer` throw, so an unguarded route cannot even start.
 *
 * - `{ public: true }`: no key needed (health, metrics, the OpenAPI description and its page).
 * - `{ roles: [...] }`: a key of one of these roles; any other key gets 403. When `participant`
 *   is among them, `scope` is required and says which participant's resources the key may reach.
 *
 * Examples: `{ roles: ['operator'] }` (raw ledger writes), `{ roles: ['operator', 'auditor'] }`
 * (staff reads), `{ roles: ['operator', 'auditor', 'participant'], scope: 'account' }`.
 */
export type RoutePolicy =
  | { readonly public: true }
  | { readonly roles: readonly ActorRole[]; readonly scope?: ParticipantScope };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RoutePolicy;
  }
  interface FastifyRequest {
    /** Who sent the request: set by the authentication hook from the verified API key; null on public routes. */
    actor: Actor | null;
  }
}
