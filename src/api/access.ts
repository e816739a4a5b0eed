import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { auditEntry, type Actor, type ActorRole } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import type { AccountId } from '../ledger/ids.js';
import type { Account } from '../ledger/model.js';
import type { AuditEntry, JsonObject } from '../store/records.js';
import type { ApiContext, ParticipantScope, RoutePolicy } from './context.js';
import { accountIdOf, transferIdOf } from './from-json.js';
import { PARTICIPANT_SCOPES } from './context.js';
import { ApiProblem, notFound } from './problems.js';
import type { RateLimiter } from './rate-limit.js';
import { parseKey } from '../access/secret.js';

/**
 * Authentication and authorisation of the HTTP API.
 *
 * 1. Every route declares a `RoutePolicy` in `config.access` (context.ts); `checkRoutePolicies`
 *    refuses to register a route without a valid one.
 * 2. `authenticate` (onRequest, once for every /v1 route) reads `Authorization: Bearer <key>`,
 *    verifies the key (a cached Map lookup and one SHA-256), sets `request.actor`, applies the
 *    per-key rate limit and checks the key's role against the route's roles.
 *      401: no key, a malformed, unknown or revoked key (with `WWW-Authenticate: Bearer`).
 *      403: a valid key whose role may never use this route (an auditor posting, a participant
 *           creating raw transfers): the route is public knowledge, so saying so reveals nothing.
 * 3. For participant keys on routes with a resource scope, a pre-handler checks the resource in
 *    the path after validation:
 *      404: the account, transfer, participant or key is not the participant's, answered exactly
 *           as if it did not exist, so a key cannot learn what exists beyond its own.
 */

/** The Swagger UI plugin registers its routes itself; they serve the public description. */
const DOCS_PREFIX = '/v1/docs';

/**
 * Checks every route's policy as it is registered (root onRoute hook, added before any route);
 * gives the Swagger UI's own routes the public policy. A route without a valid policy throws, so
 * `buildServer` fails rather than serve it.
 */
export function checkRoutePolicies(app: FastifyInstance, dashboardRoot?: string): void {
  app.addHook('onRoute', (route) => {
    if (
      route.config?.access === undefined &&
      (route.url.startsWith(DOCS_PREFIX) || servesDashboardFile(route.config, dashboardRoot))
    )
      route.config = { ...route.config, access: { public: true } };
    const policy = route.config?.access;
    const problem = policyProblem(policy);
    if (problem !== undefined || policy === undefined)
      throw new Error(
        `route ${String(route.method)} ${route.url}: ${problem ?? 'no access policy'}; every route declares config.access (see RoutePolicy in src/api/context.ts)`,
      );
    // The OpenAPI description says who may call each operation.
    const schema = route.schema as { security?: unknown; description?: string } | undefined;
    if (schema !== undefined) {
      if ('public' in policy) schema.security = [];
      else schema.description ??= describePolicy(policy);
    }
  });
}

/**
 * Whether a route is one @fastify/static registered for a file of the built dashboard (src/api/web.ts):
 * it keeps the file's root in its config. Those files are public; the data they show is behind /v1.
 */
function servesDashboardFile(config: unknown, dashboardRoot: string | undefined): boolean {
  if (dashboardRoot === undefined || typeof config !== 'object' || config === null) return false;
  const rootPath = (config as { rootPath?: unknown }).rootPath;
  return (
    typeof rootPath === 'string' &&
    rootPath.replace(/\/+$/, '') === dashboardRoot.replace(/\/+$/, '')
  );
}

/** The access rule of a route in words, for its OpenAPI description. */
export function describePolicy(policy: Exclude<RoutePolicy, { public: true }>): string {
  const scope: Record<ParticipantScope, string> = {
    account: 'a participant key only for an account it owns',
    transfer: 'a participant key only for a transfer touching an account it owns',
    participant: 'a participant key only for its own participant',
    key: 'a participant key only for its own keys',
    owner: 'a participant key lists only its own accounts',
    none: 'participant keys too',
    handler: 'a participant key only for its own resources',
  };
  const roles = policy.roles.filter((role) => role !== 'participant');
  const parts = [
    roles.length === 0 ? '' : `${roles.join(' and ')} keys`,
    policy.scope === undefined ? '' : scope[policy.scope],
  ].filter((part) => part !== '');
  return `Access: ${parts.join('; ')}.`;
}

const ROLES: readonly ActorRole[] = ['operator', 'participant', 'auditor'];

/** Why a policy is not valid, or undefined when it is. */
export function policyProblem(policy: unknown): string | undefined {
  if (typeof policy !== 'object' || policy === null) return 'no access policy';
  const value = policy as Record<string, unknown>;
  if ('public' in value)
    return value['public'] === true && Object.keys(value).length === 1
      ? undefined
      : 'a public policy is exactly { public: true }';
  const roles = value['roles'];
  if (
    !Array.isArray(roles) ||
    roles.length === 0 ||
    roles.some((role) => !ROLES.includes(role as ActorRole))
  )
    return `roles must be a non-empty list of ${ROLES.join(', ')}`;
  const scope = value['scope'];
  if (roles.includes('participant')) {
    if (!PARTICIPANT_SCOPES.includes(scope as ParticipantScope))
      return `a route open to participant keys declares scope: one of ${PARTICIPANT_SCOPES.join(', ')}`;
  } else if (scope !== undefined) {
    return 'scope is for routes open to participant keys';
  }
  if (Object.keys(value).some((key) => key !== 'roles' && key !== 'scope'))
    return 'a policy holds roles and scope only';
  return undefined;
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * The rate limiters of the API: one bucket per API key for requests whose key is verified, and one
 * per address for everything else (no key, a refused key, a key not yet seen to be valid, a route
 * that does not exist). The two are separate, so that a flood of bad keys from an address spends
 * only that address's bucket and never the requests of a valid key sent from the same address.
 */
export interface RateLimiters {
  readonly keys: RateLimiter;
  readonly addresses: RateLimiter;
}

/** The authentication hook for every /v1 route, and the participant resource check. */
export function installAuthentication(
  v1: FastifyInstance,
  context: ApiContext,
  limiters: RateLimiters | undefined,
): void {
  const verifier = context.keys.verifier;
  const perSecond = context.limits.rateLimitPerSecond;
  // Key ids this server has seen authenticate (bounded, least recently seen forgotten first). A
  // key whose cached record has expired is read from the store again; for these ids that read is
  // not charged to the address: the verifier reads one id at most once per cache TTL anyway, and a
  // flood of bad keys from the same address must not refuse the valid one.
  const seenValid = new Map<string, true>();
  const seenValidMax = context.limits.rateLimitClientsMax;

  const limit = (limiter: RateLimiter | undefined, client: string, who: string): void => {
    if (limiter === undefined) return;
    const decision = limiter.take(client);
    if (!decision.allowed)
      throw new ApiProblem(
        429,
        'rate_limited',
        `more than ${perSecond} requests per second from this ${who}`,
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
  };
  const limitAddress = (request: FastifyRequest): void =>
    limit(limiters?.addresses, request.ip, 'address without a valid API key');

  v1.addHook('onRequest', async (request) => {
    const policy = request.routeOptions.config.access as RoutePolicy;
    if ('public' in policy) return;
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token === undefined) {
      limitAddress(request);
      throw unauthenticated(
        header === undefined ? 'missing_credentials' : 'invalid_credentials',
        header === undefined
          ? 'this route needs an API key: send Authorization: Bearer <key>'
          : 'the Authorization header is not "Bearer <key>"',
      );
    }
    let verification = verifier.verifyCached(token);
    let limitedByAddress = false;
    if (verification === undefined) {
      // A store read: limited by address, unless the key id has been valid here before.
      const keyId = parseKey(token)?.keyId;
      if (keyId === undefined || !seenValid.has(keyId)) {
        limitAddress(request);
        limitedByAddress = true;
      }
      verification = await verifier.verify(token);
    }
    if (!verification.ok) {
      if (!limitedByAddress) limitAddress(request);
      request.log.info({ reason: verification.reason }, 'API key refused');
      if (verification.reason === 'revoked')
        throw unauthenticated('key_revoked', 'this API key has been revoked');
      throw unauthenticated(
        'invalid_credentials',
        verification.reason === 'malformed'
          ? 'the API key is malformed: keys look like vostro_<key id>_<secret>'
          : 'the API key is not valid',
      );
    }
    const key = verification.key;
    if (!seenValid.has(key.keyId)) {
      seenValid.set(key.keyId, true);
      if (seenValid.size > seenValidMax) seenValid.delete(seenValid.keys().next().value as string);
    }
    request.actor = {
      id: key.participant ?? key.role,
      role: key.role,
      ...(key.participant === undefined ? {} : { participant: key.participant }),
      keyId: key.keyId,
      requestId: request.id,
    };
    limit(limiters?.keys, key.keyId, 'API key');
    if (!policy.roles.includes(key.role)) {
      request.log.info({ keyId: key.keyId, role: key.role }, 'API key forbidden on this route');
      throw new ApiProblem(
        403,
        'forbidden',
        `${article(key.role)} ${key.role} key may not use ${request.method} ${request.routeOptions.url ?? ''}; it is for ${policy.roles.join(', ')} keys`,
      );
    }
  });

  // The resource check is attached only to the routes that need one, so routes without a scope
  // (the raw transfer routes, say) pay nothing for it.
  v1.addHook('onRoute', (route) => {
    const policy = route.config?.access;
    if (
      policy === undefined ||
      'public' in policy ||
      policy.scope === undefined ||
      policy.scope === 'none' ||
      policy.scope === 'handler'
    )
      return;
    const check = scopeCheck(context, policy.scope);
    route.preHandler = [check, ...toArray(route.preHandler)];
  });
}

function toArray<Handler>(handlers: Handler | Handler[] | undefined): Handler[] {
  if (handlers === undefined) return [];
  return Array.isArray(handlers) ? handlers : [handlers];
}

function article(role: ActorRole): string {
  return role === 'operator' || role === 'auditor' ? 'an' : 'a';
}

export function unauthenticated(code: string, detail: string): ApiProblem {
  return new ApiProblem(401, code, detail, {
    wwwAuthenticate:
      code === 'missing_credentials'
        ? 'Bearer realm="vostro"'
        : 'Bearer realm="vostro", error="invalid_token"',
  });
}

function scopeCheck(
  context: ApiContext,
  scope: Exclude<ParticipantScope, 'none' | 'handler'>,
): preHandlerAsyncHookHandler {
  return async function participantScope(request: FastifyRequest) {
    const actor = request.actor;
    if (actor === null || actor.role !== 'participant') return;
    const participant = actor.participant as string;
    switch (scope) {
      case 'account': {
        await requireOwnAccount(context, actor, pathParam(request, 'id'));
        return;
      }
      case 'transfer': {
        const id = transferIdOf(pathParam(request, 'id'), 'path.id');
        const [transfer] = await context.ledger.lookupTransfers([id]);
        if (
          transfer === undefined ||
          !(await ownsAny(context, participant, [
            transfer.debitAccountId,
            transfer.creditAccountId,
          ]))
        )
          throw notFound('transfer', id);
        return;
      }
      case 'participant': {
        const id = pathParam(request, 'id');
        if (id !== participant) throw participantNotFound(id);
        return;
      }
      case 'key': {
        const keyId = pathParam(request, 'keyId');
        const record = await context.keys.record(keyId);
        if (record === undefined || record.participant !== participant) throw keyNotFound(keyId);
        return;
      }
      case 'owner': {
        const query = request.query as { owner?: string };
        if (query.owner === undefined) query.owner = participant;
        else if (query.owner !== participant)
          throw new ApiProblem(
            403,
            'forbidden',
            `a participant key lists only its own accounts: leave out owner or pass owner=${participant}`,
            { errors: [{ field: 'query.owner', reason: "not this key's participant" }] },
          );
        return;
      }
    }
  };
}

/** A parameter of the path the route's scope names; a route without it is a bug of its policy. */
function pathParam(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, unknown>)[name];
  if (typeof value !== 'string')
    throw new Error(`bug: ${request.routeOptions.url ?? request.url} has a scope but no :${name}`);
  return value;
}

async function ownsAny(
  context: ApiContext,
  participant: string,
  ids: readonly AccountId[],
): Promise<boolean> {
  const accounts = await context.ledger.lookupAccounts(ids);
  return accounts.some((account) => account.owner === participant);
}

/**
 * For handlers of `scope: 'handler'` routes: the account named in the request, if the actor may
 * act on it (operators and auditors on any; a participant on its own). Anything else is the same
 * 404 as an account that does not exist; text that is not an id at all is a 400 naming `field`.
 */
export async function requireOwnAccount(
  context: ApiContext,
  actor: Actor,
  idText: string,
  field = 'path.id',
): Promise<Account> {
  const id = accountIdOf(idText, field);
  const [account] = await context.ledger.lookupAccounts([id]);
  if (
    account === undefined ||
    (actor.role === 'participant' && account.owner !== actor.participant)
  ) {
    const problem = notFound('account', id);
    throw field === 'path.id'
      ? problem
      : new ApiProblem(problem.status, problem.code, problem.message, {
          errors: [{ field, reason: problem.message }],
        });
  }
  return account;
}

/** The one "no such participant" answer, for participants that do not exist and for other participants' ids alike. */
export function participantNotFound(id: string): HubError {
  return new HubError('participant_not_found', {
    field: 'path.id',
    message: `no participant ${id}`,
  });
}

/** The one "no such key" answer, for keys that do not exist and for other participants' keys alike. */
export function keyNotFound(keyId: string): HubError {
  return new HubError('key_not_found', { field: 'path.keyId', message: `no key ${keyId}` });
}

/** The actor of a request on a route that needs a key; a bug if the authentication hook did not run. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null)
    throw new Error(`bug: ${request.method} ${request.url} has no actor; is its route public?`);
  return request.actor;
}

/**
 * The audit entry of a mutation made by this request: its actor (from the verified key), the
 * request id, what and on what. Written by the caller in the same transaction as the change.
 */
export function requestAudit(
  context: ApiContext,
  request: FastifyRequest,
  action: string,
  target: string | undefined,
  detail: JsonObject,
): AuditEntry {
  return auditEntry(actorOf(request), context.ledger.clock.nowNs(), action, target, detail);
}
