import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type preValidationHookHandler,
  type RouteOptions,
} from 'fastify';
import { ApiKeys } from '../access/api-keys.js';
import {
  startWebhookDispatcher,
  type DispatcherOptions,
  type WebhookDispatcher,
} from '../events/dispatcher.js';
import { EventFeed, type EventFeedOptions } from '../events/feed.js';
import { GroupCommitter } from '../ledger/group-commit.js';
import type { Ledger } from '../ledger/ledger.js';
import type { ParticipantRegistry } from '../participants/registry.js';
import { StoreUnavailableError, type LedgerStore } from '../store/store.js';
import { checkRoutePolicies, installAuthentication } from './access.js';
import type { ApiContext } from './context.js';
import { handleError, sendProblem } from './errors.js';
import { connectionLimitsProblem, DEFAULT_LIMITS, type ApiLimits } from './limits.js';
import { looksSecret, redactText, redactUrl } from './logger.js';
import { createMetrics } from './metrics.js';
import { ApiProblem, PROBLEM_MEDIA_TYPE, problemType, statusTitle } from './problems.js';
import { RateLimiter } from './rate-limit.js';
import { bodyTextProblem, installUrlTextCheck } from './text-fields.js';
import { registerDashboard } from './web.js';
import { accountIdentifierRoutes } from './routes/account-identifiers.js';
import { accountRoutes } from './routes/accounts.js';
import { auditRoutes } from './routes/audit.js';
import { balanceRoutes } from './routes/balances.js';
import { capRoutes } from './routes/caps.js';
import { corridorRoutes } from './routes/corridors.js';
import { documentRoutes } from './routes/documents.js';
import { fxProviderRoutes } from './routes/fx-providers.js';
import { fxQuoteRoutes } from './routes/fx-quotes.js';
import { fxRateRoutes } from './routes/fx-rates.js';
import { healthRoutes } from './routes/health.js';
import { issuerRoutes } from './routes/issuers.js';
import { keyRoutes } from './routes/keys.js';
import { participantRoutes } from './routes/participants.js';
import { paymentRoutes } from './routes/payments.js';
import { reportRoutes } from './routes/reports.js';
import { analyticsRoutes } from './routes/analytics.js';
import { Hub } from '../hub/hub.js';
import { tradeRoutes } from './routes/trades.js';
import { transferRoutes } from './routes/transfers.js';
import { transferSearchRoutes } from './routes/transfer-search.js';
import { verifyRoutes } from './routes/verify.js';
import { eventRoutes } from './routes/events.js';
import { endEventStreams } from './routes/event-stream.js';
import { iso20022Routes } from './routes/iso20022.js';
import { webhookRoutes } from './routes/webhooks.js';
import { windowRoutes } from './routes/windows.js';

// What `vostro serve` and `vostro start` need beside buildServer: src/cli imports nothing else of src/api.
export { apiLogger } from './logger.js';
export { connectionLimitsProblem, DEFAULT_LIMITS, type ApiLimits } from './limits.js';
export { DASHBOARD_ROOT, dashboardBuilt } from './web.js';

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
  /** The hosts webhook endpoints may be on (`--webhook-allow-host`); default 127.0.0.1 and localhost. */
  readonly webhookAllowedHosts?: readonly string[];
  /**
   * Webhook delivery: the dispatcher starts when the server listens and stops when it closes (a
   * server only injected into, in tests, delivers nothing). Its timing may be given (tests); false
   * turns delivery off (another process delivers).
   */
  readonly dispatcher?: DispatcherOptions | false;
  /** The live event feed's timing (tests). */
  readonly feed?: EventFeedOptions;
  /**
   * The built web dashboard to serve under `/` (DASHBOARD_ROOT, dist/web, for `vostro serve`);
   * none, or a directory without an index.html, serves no dashboard (most tests).
   */
  readonly dashboard?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The HTTP API over a ledger, not yet listening: `vostro serve` listens, tests use `inject`.
 * Routes live under `/v1`; `/healthz`, `/readyz` and `/metrics` outside it.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const committer = options.committer ?? new GroupCommitter(options.ledger);
  const hub = new Hub(options.ledger, options.participants, {
    ...(options.webhookAllowedHosts === undefined
      ? {}
      : { webhookAllowedHosts: options.webhookAllowedHosts }),
  });
  // Netting reads the pair tallies of the codes it nets: make sure the database keeps them.
  await hub.windows.prepare();
  // A database written before the monthly flow totals existed gets them once, before serving.
  await hub.ledger.ensureFlowTotals();
  const context: ApiContext = {
    ledger: options.ledger,
    store: options.store,
    committer,
    limits,
    metrics: createMetrics(committer),
    participants: hub.participants,
    hub,
    keys: options.keys ?? new ApiKeys(options.ledger),
    feed: new EventFeed(options.store, {
      ...options.feed,
      onError: (what, error) => logBackgroundFailure(app.log, what, error),
    }),
    state: { ready: true },
  };
  const connectionProblem = connectionLimitsProblem(limits);
  if (connectionProblem !== undefined) throw new Error(`connection limits: ${connectionProblem}`);
  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    bodyLimit: limits.bodyBytesMax,
    // Timeouts on every connection (src/api/limits.ts): slow headers, a trickled body, idle
    // keep-alive and a silent socket are all cut; Node.js checks the first two every
    // `connectionsCheckingInterval`, so that interval follows the shorter of them.
    connectionTimeout: limits.socketTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxRequestsPerSocket: limits.requestsPerConnectionMax,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(
        1000,
        Math.max(10, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
      ),
    },
    clientErrorHandler: clientError,
    // Errors Fastify meets before routing (a URL whose percent-encoding is not UTF-8, a path
    // parameter past maxParamLength) go through the one error handler like every other error.
    frameworkErrors: (error, request, reply) => {
      void handleError(error, request, reply);
    },
    // A client's X-Request-Id is kept when it is short and plain, so its logs and ours line up;
    // not when it looks like a secret, since it is on every log line of the request.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) && !looksSecret(given)
        ? given
        : randomUUID();
    },
    requestIdHeader: false,
    // Every pattern in the schemas is plain ASCII, so the `u` flag would change no match, only
    // make each test slower (ids are matched three times per transfer).
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: false,
        unicodeRegExp: false,
      },
    },
  });

  capConnections(app, limits.connectionsMax);
  installJsonParser(app, limits);
  // Bodies are JSON only: without Fastify's own text/plain parser a text body is refused 415
  // (src/api/errors.ts), rather than parsed into a string that validation then calls invalid.
  app.removeContentTypeParser('text/plain');
  refuseOtherCharsets(app);
  // Before any route is registered: every route must declare who may call it.
  checkRoutePolicies(app, options.dashboard);
  coerceQueryNumbers(app);
  if (options.onRoute !== undefined) app.addHook('onRoute', options.onRoute);
  app.decorateRequest('actor', null);
  const bucket = {
    perSecond: limits.rateLimitPerSecond,
    burst: limits.rateLimitBurst,
    clientsMax: limits.rateLimitClientsMax,
  };
  const limiters =
    limits.rateLimitPerSecond > 0
      ? { keys: new RateLimiter(bucket), addresses: new RateLimiter(bucket) }
      : undefined;
  installHooks(app, context, limiters?.addresses);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new ApiProblem(
        404,
        'route_not_found',
        `no route ${request.method} ${redactUrl(request.url.split('?')[0] ?? '')}`,
      ),
    ),
  );

  await app.register(swagger, { openapi: openApiInfo() });
  await app.register(swaggerUi, { routePrefix: '/v1/docs', staticCSP: true });
  await app.register(healthRoutes(context));
  if (options.dashboard !== undefined) await registerDashboard(app, options.dashboard);
  await app.register(
    async (v1) => {
      // API keys, roles and the per-key rate limit, once for every /v1 route (src/api/access.ts).
      installAuthentication(v1, context, limiters);
      await v1.register(accountRoutes(context));
      await v1.register(transferRoutes(context));
      await v1.register(transferSearchRoutes(context));
      await v1.register(balanceRoutes(context));
      await v1.register(verifyRoutes(context));
      await v1.register(participantRoutes(context));
      await v1.register(accountIdentifierRoutes(context));
      await v1.register(keyRoutes(context));
      await v1.register(auditRoutes(context));
      await v1.register(paymentRoutes(context));
      await v1.register(capRoutes(context));
      await v1.register(windowRoutes(context));
      await v1.register(fxRateRoutes(context));
      await v1.register(fxProviderRoutes(context));
      await v1.register(fxQuoteRoutes(context));
      await v1.register(reportRoutes(context));
      await v1.register(analyticsRoutes(context));
      await v1.register(corridorRoutes(context));
      await v1.register(tradeRoutes(context));
      await v1.register(documentRoutes(context));
      await v1.register(issuerRoutes(context));
      await v1.register(iso20022Routes(context));
      await v1.register(eventRoutes(context));
      await v1.register(webhookRoutes(context));
      v1.get(
        '/openapi.json',
        { config: { access: { public: true } }, schema: { hide: true } },
        async () => app.swagger(),
      );
    },
    { prefix: '/v1' },
  );
  // Readiness turns false as soon as closing begins, before in-flight requests have finished;
  // event streams end (they would hold the close forever), and webhook delivery stops.
  app.addHook('preClose', async () => {
    context.state.ready = false;
    endEventStreams(app.server);
  });
  deliverWhileListening(app, context, options.dispatcher);
  await app.ready();
  return app;
}

/**
 * The webhook dispatcher runs while the server listens: started by `listen` (so that a server
 * only injected into, as in most tests, makes no requests of its own), stopped when it closes,
 * after the requests in flight (which may have written events it then still delivers).
 */
function deliverWhileListening(
  app: FastifyInstance,
  context: ApiContext,
  options: DispatcherOptions | false | undefined,
): void {
  if (options === false) return;
  let dispatcher: WebhookDispatcher | undefined;
  app.addHook('onListen', async () => {
    dispatcher ??= startWebhookDispatcher(
      {
        ledger: context.ledger,
        webhooks: context.hub.webhooks,
        notifications: (events, participant) =>
          context.hub.iso20022.notificationForEvents(events, participant),
      },
      {
        ...options,
        onError: (what, error) => logBackgroundFailure(app.log, what, error),
      },
    );
  });
  app.addHook('onClose', async () => {
    await dispatcher?.stop();
  });
}

const QUERY_INTEGER = /^-?(0|[1-9][0-9]{0,14})$/;
const QUERY_NUMBER = /^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?$/;

/**
 * A query string holds text only, and bodies are validated without type coercion (a JSON amount
 * or code must have its JSON type). So a query parameter whose schema is an integer or a number is
 * converted here, before validation, from plain decimal text only (`3`, `-330`, `1.5`; not `0x10`,
 * ` 3` or `1e2`, which stay text and fail validation with the parameter's name). Attached only to
 * routes that have such parameters.
 */
function coerceQueryNumbers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const properties =
      (route.schema?.querystring as { properties?: Record<string, { type?: unknown }> } | undefined)
        ?.properties ?? {};
    const numeric = Object.entries(properties).flatMap(([name, property]) =>
      property.type === 'integer'
        ? [[name, QUERY_INTEGER] as const]
        : property.type === 'number'
          ? [[name, QUERY_NUMBER] as const]
          : [],
    );
    if (numeric.length === 0) return;
    const coerce: preValidationHookHandler = (request, _reply, done) => {
      const query = request.query as Record<string, unknown>;
      for (const [name, pattern] of numeric) {
        const value = query[name];
        if (typeof value === 'string' && pattern.test(value)) query[name] = Number(value);
      }
      done();
    };
    const existing = route.preValidation;
    route.preValidation =
      existing === undefined
        ? [coerce]
        : ([
            coerce,
            ...(Array.isArray(existing) ? existing : [existing]),
          ] as preValidationHookHandler[]);
  });
}

/**
 * At most `connectionsMax` open connections: Node.js closes each one past that as soon as it is
 * accepted. How many were dropped is logged at most once every ten seconds.
 */
function capConnections(app: FastifyInstance, connectionsMax: number): void {
  app.server.maxConnections = connectionsMax;
  let dropped = 0;
  let reported = 0;
  app.server.on('drop', () => {
    dropped += 1;
    const now = Date.now();
    if (now - reported < 10_000) return;
    reported = now;
    app.log.warn({ dropped, connectionsMax }, 'connection limit reached: closing new connections');
    dropped = 0;
  });
}

/**
 * A client error below HTTP (a request that timed out, headers too large, bytes that are not
 * HTTP) ends its connection with a problem document, where the socket can still take one.
 */
function clientError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'the request did not arrive in time; the connection is closed']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'the request headers are too large']
        : [400, 'malformed_http', 'the request is not well-formed HTTP'];
  this.log.debug(
    { code: error.code, remoteAddress: socket.remoteAddress },
    `client error: ${code}`,
  );
  if (socket.writable) {
    const body = JSON.stringify({
      type: problemType(code),
      title: statusTitle(status),
      status,
      detail,
      instance: '/',
      code,
    });
    socket.write(
      `HTTP/1.1 ${status} ${statusTitle(status)}\r\nConnection: close\r\nContent-Type: ${PROBLEM_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** JSON is UTF-8 (RFC 8259): a body declared in another charset is refused 415, not decoded as if it were UTF-8. */
function refuseOtherCharsets(app: FastifyInstance): void {
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const type = request.headers['content-type'];
    const charset = type === undefined ? undefined : CHARSET.exec(type)?.[1];
    if (charset === undefined || /^utf-?8$/i.test(charset)) return done(null, payload);
    const reason = `charset ${charset.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)} is not accepted`;
    done(
      new ApiProblem(
        415,
        'unsupported_media_type',
        `Content-Type: ${reason}; request bodies are UTF-8 (charset=utf-8, or none): application/json, or application/xml for ISO 20022 messages`,
        { errors: [{ field: 'header.content-type', reason }] },
      ),
      payload,
    );
  });
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

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
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: limits.bodyBytesMax },
    (_request, body, done) => {
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
        done(
          new ApiProblem(
            400,
            'malformed_json',
            `the body is not valid JSON: ${(error as Error).message}`,
          ),
          undefined,
        );
        return;
      }
      const problem = bodyTextProblem(text, value);
      if (problem === undefined) done(null, value);
      else done(problem, undefined);
    },
  );
}

/**
 * The hooks every request runs. They are plain callback hooks, not async functions: an async hook
 * costs a promise and a microtask turn per request, and these do no waiting.
 */
function installHooks(
  app: FastifyInstance,
  context: ApiContext,
  addresses: RateLimiter | undefined,
): void {
  const { limits, metrics } = context;
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // Routes that take a key are limited per key by the authentication hook, public routes not
    // at all; what is left (requests that match no route) is limited per address here.
    if (addresses === undefined || request.routeOptions.config.access !== undefined) return done();
    const decision = addresses.take(request.ip);
    if (decision.allowed) return done();
    done(
      new ApiProblem(
        429,
        'rate_limited',
        `more than ${limits.rateLimitPerSecond} requests per second from this address without a valid API key`,
        { retryAfterSeconds: decision.retryAfterSeconds },
      ),
    );
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requests.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}

function openApiInfo() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'vostro API',
      version: '1',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description: [
        'Ledger, participants, clearing and settlement (payments with net debit caps, windows, netting) and FX (quotes, payment versus payment) of the India–Russia clearing hub. Amounts are decimal strings in major units; ids are UUIDs chosen by the client and are idempotency keys. Errors are RFC 9457 problem documents.',
        'Every route under /v1 except this description and its page needs an API key: `Authorization: Bearer vostro_<keyId>_<secret>`. Keys have a role: operator (everything), auditor (every read, no writes) or participant (reads of its own accounts, their transfers and balances, its own record and keys; no raw ledger writes). A missing or invalid key is 401, a role that may not use the route 403, and a participant key naming an account, transfer, participant or key not its own gets the same 404 as for one that does not exist. Every change is in the audit log (GET /v1/audit).',
      ].join('\n\n'),
    },
    // Relative: the paths are on the server that serves this description, wherever it listens.
    servers: [{ url: '/', description: 'the server this description is served from' }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http' as const,
          scheme: 'bearer',
          bearerFormat: 'vostro_<keyId>_<secret>',
          description:
            'An API key issued by the operator (`vostro key issue`, POST /v1/keys, POST /v1/participants/{id}/keys), shown once.',
        },
      },
    },
    security: [{ apiKey: [] }],
    tags: [
      {
        name: 'accounts',
        description:
          'Ledger accounts: create one or a batch, read one with its balances, list an owner’s',
      },
      {
        name: 'transfers',
        description:
          'Ledger transfers: create one or a batch, read one, list an account’s, post or void a pending one',
      },
      { name: 'balances', description: 'An account’s balances now and over time' },
      {
        name: 'participants',
        description:
          'Banks and FX providers: register them with their accounts and BICs, open more accounts, register accounts’ IBANs and other identifiers, suspend and reactivate',
      },
      {
        name: 'keys',
        description: 'API keys of staff and participants: issue, list, rotate and revoke',
      },
      { name: 'audit', description: 'The audit log: every change, by whom and when' },
      {
        name: 'settlement',
        description:
          'Payments (interbank ones bounded by net debit caps), caps, settlement windows, their net positions and their settlement',
      },
      {
        name: 'fx',
        description:
          'Reference rates, providers’ spreads and quote lifetimes, quotes and their execution as payment versus payment',
      },
      {
        name: 'reports',
        description:
          'Settlement reports of closed windows, participants’ statements, the rupee surplus and its sweep',
      },
      {
        name: 'verify',
        description:
          'Verification of the whole ledger: hash chain, every balance, debits equal credits per currency',
      },
      {
        name: 'corridors',
        description:
          'Freight routes between two places and corridors compared by time, cost or CO2e',
      },
      {
        name: 'trades',
        description:
          'Trades between an exporter and an importer (goods by HS 2022 code, Incoterms 2020, payment terms), their lifecycle, and documents presented under a documentary credit, whose reserved payment posts when they verify',
      },
      {
        name: 'documents',
        description:
          'Trade documents signed with ML-DSA-65 and Ed25519 together: submit, read, verify with every check listed, customs’ export declarations, and the title chain of a transferable bill of lading',
      },
      {
        name: 'register',
        description:
          'The trust register: issuers, the document types each may issue, their public keys, validity and revocation; and its snapshot for offline verification',
      },
      {
        name: 'iso20022',
        description:
          'ISO 20022 messages: pacs.008 and pacs.009 in (XML, validated against their schemas, each transaction paid or rejected), pacs.002 status reports out; camt.053 statements and camt.054 notifications of an account',
      },
      {
        name: 'events',
        description:
          'The event feed: transfers, refused payments, windows, quotes and presentations, numbered in one sequence; a page at a time or live as Server-Sent Events',
      },
      {
        name: 'webhooks',
        description:
          'Webhook endpoints: registration (approved by the operator), signed deliveries in order with retries, every attempt recorded, replay',
      },
      {
        name: 'operations',
        description:
          'Liveness, readiness and Prometheus metrics for the platform: outside /v1, no API key',
      },
    ],
  };
}

/**
 * A background task's failure (the event feed's poll, the webhook dispatcher's writes). The store
 * being unavailable (a full disk, a lost database server) is said in one line with its reason, as
 * for a request that meets it: it is the operator's to fix, not a bug, and a stack trace would hide
 * the one line `vostro serve` ends with. Anything else is logged with its stack.
 */
function logBackgroundFailure(log: FastifyBaseLogger, what: string, error: unknown): void {
  if (error instanceof StoreUnavailableError)
    log.warn({ reason: redactText(error.message) }, `${what} failed: the store is unavailable`);
  else log.error({ err: error }, `${what} failed`);
}
