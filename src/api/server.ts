import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { ApiKeys } from '../access/api-keys.js';
import { GroupCommitter } from '../ledger/group-commit.js';
import type { Ledger } from '../ledger/ledger.js';
import { ParticipantRegistry } from '../participants/registry.js';
import type { LedgerStore } from '../store/store.js';
import { checkRoutePolicies, installAuthentication } from './access.js';
import type { ApiContext } from './context.js';
import { handleError, sendProblem } from './errors.js';
import { DEFAULT_LIMITS, type ApiLimits } from './limits.js';
import { createMetrics } from './metrics.js';
import { ApiProblem } from './problems.js';
import { RateLimiter } from './rate-limit.js';
import { bodyTextProblem, installUrlTextCheck } from './text-fields.js';
import { accountRoutes } from './routes/accounts.js';
import { auditRoutes } from './routes/audit.js';
import { balanceRoutes } from './routes/balances.js';
import { corridorRoutes } from './routes/corridors.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { participantRoutes } from './routes/participants.js';
import { settlementRoutes } from './routes/settlement.js';
import { reportRoutes } from './routes/reports.js';
import { Hub } from '../hub/hub.js';
import { transferRoutes } from './routes/transfers.js';

export interface ServerOptions {
  readonly ledger: Ledger;
  readonly store: LedgerStore;
  /** A pino logger; none means no logs (tests). */
  readonly logger?: FastifyBaseLogger;
  readonly limits?: Partial<ApiLimits>;
  /** The group committer single transfers go through; made here when not given. */
  readonly committer?: GroupCommitter;
  /** The participant registry; made here when not given. */
  readonly participants?: ParticipantRegistry;
  /** API keys and their verifier; made here when not given (tests pass one to share its cache). */
  readonly keys?: ApiKeys;
  /** Called for every route as it is registered, after its policy is checked (the authorisation test collects the route table with it). */
  readonly onRoute?: (route: RouteOptions) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The HTTP API over a ledger, not yet listening: `vostro serve` listens, tests use `inject`.
 * Routes live under `/v1`; `/healthz`, `/readyz` and `/metrics` outside it.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const committer = options.committer ?? new GroupCommitter(options.ledger);
  const hub = new Hub(options.ledger, options.participants);
  // Netting reads the pair tallies of the codes it nets: make sure the database keeps them.
  await hub.windows.prepare();
  const context: ApiContext = {
    ledger: options.ledger,
    store: options.store,
    committer,
    limits,
    metrics: createMetrics(committer),
    participants: hub.participants,
    hub,
    keys: options.keys ?? new ApiKeys(options.ledger),
    state: { ready: true },
  };
  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    bodyLimit: limits.bodyBytesMax,
    // A client's X-Request-Id is kept when it is short and plain, so its logs and ours line up.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Every pattern in the schemas is plain ASCII, so the `u` flag would change no match, only
    // make each test slower (ids are matched three times per transfer).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, unicodeRegExp: false } },
  });

  installJsonParser(app, limits);
  // Before any route is registered: every route must declare who may call it.
  checkRoutePolicies(app);
  if (options.onRoute !== undefined) app.addHook('onRoute', options.onRoute);
  app.decorateRequest('actor', null);
  const limiter = limits.rateLimitPerSecond > 0 ? new RateLimiter({ perSecond: limits.rateLimitPerSecond, burst: limits.rateLimitBurst, clientsMax: limits.rateLimitClientsMax }) : undefined;
  installHooks(app, context, limiter);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new ApiProblem(404, 'route_not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));

  await app.register(swagger, { openapi: openApiInfo() });
  await app.register(swaggerUi, { routePrefix: '/v1/docs', staticCSP: true });
  await app.register(healthRoutes(context));
  await app.register(async (v1) => {
    // API keys, roles and the per-key rate limit, once for every /v1 route (src/api/access.ts).
    installAuthentication(v1, context, limiter);
    await v1.register(accountRoutes(context));
    await v1.register(transferRoutes(context));
    await v1.register(balanceRoutes(context));
    await v1.register(participantRoutes(context));
    await v1.register(keyRoutes(context));
    await v1.register(auditRoutes(context));
    await v1.register(settlementRoutes(context));
    await v1.register(reportRoutes(context));
    await v1.register(corridorRoutes(context));
    v1.get('/openapi.json', { config: { access: { public: true } }, schema: { hide: true } }, async () => app.swagger());
  }, { prefix: '/v1' });
  // Readiness turns false as soon as closing begins, before in-flight requests have finished.
  app.addHook('preClose', async () => {
    context.state.ready = false;
  });
  await app.ready();
  return app;
}

/**
 * JSON bodies are decoded strictly: invalid UTF-8 is refused rather than silently replaced with
 * U+FFFD (which would store text the client never sent), and a syntax error is a 400 problem. A
 * string no store can hold exactly (U+0000, an unpaired surrogate: src/ledger/text.ts) is refused
 * with 400 `invalid_text` naming its field, here for the body and, by the hook this installs, for
 * the query string and path parameters (src/api/text-fields.ts).
 */
function installJsonParser(app: FastifyInstance, limits: ApiLimits): void {
  installUrlTextCheck(app);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: limits.bodyBytesMax }, (_request, body, done) => {
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      done(new ApiProblem(400, 'invalid_utf8', 'the body is not valid UTF-8'), undefined);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      done(new ApiProblem(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`), undefined);
      return;
    }
    const problem = bodyTextProblem(text, value);
    if (problem === undefined) done(null, value);
    else done(problem, undefined);
  });
}

/**
 * The hooks every request runs. They are plain callback hooks, not async functions: an async hook
 * costs a promise and a microtask turn per request, and these do no waiting.
 */
function installHooks(app: FastifyInstance, context: ApiContext, limiter: RateLimiter | undefined): void {
  const { limits, metrics } = context;
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // Routes that take a key are limited per key by the authentication hook, public routes not
    // at all; what is left (requests that match no route) is limited per address here.
    if (limiter === undefined || request.routeOptions.config.access !== undefined) return done();
    const decision = limiter.take(request.ip);
    if (decision.allowed) return done();
    done(new ApiProblem(429, 'rate_limited', `more than ${limits.rateLimitPerSecond} requests per second from this client`, { retryAfterSeconds: decision.retryAfterSeconds }));
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requests.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

function openApiInfo() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'vostro API',
      version: '1',
      description: [
        'Ledger, participants, clearing and settlement (payments with net debit caps, windows, netting) and FX (quotes, payment versus payment) of the India–Russia clearing hub. Amounts are decimal strings in major units; ids are UUIDs chosen by the client and are idempotency keys. Errors are RFC 9457 problem documents.',
        'Every route under /v1 except this description and its page needs an API key: `Authorization: Bearer vostro_<keyId>_<secret>`. Keys have a role: operator (everything), auditor (every read, no writes) or participant (reads of its own accounts, their transfers and balances, its own record and keys; no raw ledger writes). A missing or invalid key is 401, a role that may not use the route 403, and a participant key naming an account, transfer, participant or key not its own gets the same 404 as for one that does not exist. Every change is in the audit log (GET /v1/audit).',
      ].join('\n\n'),
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http' as const, scheme: 'bearer', bearerFormat: 'vostro_<keyId>_<secret>', description: 'An API key issued by the operator (`vostro key issue`, POST /v1/keys, POST /v1/participants/{id}/keys), shown once.' },
      },
    },
    security: [{ apiKey: [] }],
    tags: [{ name: 'accounts' }, { name: 'transfers' }, { name: 'balances' }, { name: 'participants' }, { name: 'keys' }, { name: 'audit' }, { name: 'settlement' }, { name: 'fx' }, { name: 'reports' }, { name: 'verify' }, { name: 'corridors' }, { name: 'operations' }],
  };
}
