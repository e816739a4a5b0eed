import { createServer, type AddressInfo } from 'node:net';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { pino, LevelWithSilent } from 'pino';
import {
  apiLogger,
  buildServer,
  connectionLimitsProblem,
  DASHBOARD_ROOT,
  dashboardBuilt,
  DEFAULT_LIMITS,
  type ApiLimits,
} from '../../api/server.js';
import { GroupCommitter } from '../../ledger/group-commit.js';
import { ParticipantRegistry } from '../../participants/registry.js';
import { WindowScheduler } from '../../settlement/schedule.js';
import { WindowService } from '../../settlement/windows.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { RefusedError, type LedgerSession } from '../ledger-context.js';
import { parseIntegerOption } from '../options.js';

/**
 * The HTTP server as `vostro serve` and `vostro start` run it: connection limit flags, a check
 * that the address is free before anything is printed or written, and the serving loop itself.
 */

/** How often pending transfers past their timeout are voided while serving. */
const EXPIRY_INTERVAL_MS = 1000;

/**
 * The connection limits `serve` and `start` take: a flag wins over its environment variable, which
 * wins over the default in src/api/limits.ts.
 */
const CONNECTION_OPTIONS = [
  {
    flag: '--headers-timeout',
    property: 'headersTimeout',
    env: 'VOSTRO_HEADERS_TIMEOUT_MS',
    limit: 'headersTimeoutMs',
    value: '<ms>',
    maximum: 3_600_000,
    help: 'milliseconds a client may take to send request headers',
  },
  {
    flag: '--request-timeout',
    property: 'requestTimeout',
    env: 'VOSTRO_REQUEST_TIMEOUT_MS',
    limit: 'requestTimeoutMs',
    value: '<ms>',
    maximum: 3_600_000,
    help: 'milliseconds a client may take to send a whole request, body included',
  },
  {
    flag: '--keep-alive-timeout',
    property: 'keepAliveTimeout',
    env: 'VOSTRO_KEEP_ALIVE_TIMEOUT_MS',
    limit: 'keepAliveTimeoutMs',
    value: '<ms>',
    maximum: 3_600_000,
    help: 'milliseconds an idle kept-alive connection stays open',
  },
  {
    flag: '--socket-timeout',
    property: 'socketTimeout',
    env: 'VOSTRO_SOCKET_TIMEOUT_MS',
    limit: 'socketTimeoutMs',
    value: '<ms>',
    maximum: 3_600_000,
    help: 'milliseconds a connection may stay silent both ways',
  },
  {
    flag: '--max-connections',
    property: 'maxConnections',
    env: 'VOSTRO_MAX_CONNECTIONS',
    limit: 'connectionsMax',
    value: '<n>',
    maximum: 1_000_000,
    help: 'open connections at most; more are closed at once',
  },
  {
    flag: '--max-requests-per-connection',
    property: 'maxRequestsPerConnection',
    env: 'VOSTRO_MAX_REQUESTS_PER_CONNECTION',
    limit: 'requestsPerConnectionMax',
    value: '<n>',
    maximum: 1_000_000,
    help: 'requests one connection may carry (0: no limit)',
  },
] as const;

type ConnectionLimits = Partial<Pick<ApiLimits, (typeof CONNECTION_OPTIONS)[number]['limit']>>;
export type ConnectionFlags = {
  readonly [Option in (typeof CONNECTION_OPTIONS)[number] as Option['property']]?: string;
};

/** Adds the connection limit flags (timeouts, connection cap) to `serve` or `start`. */
export function addConnectionOptions(command: Command): Command {
  for (const option of CONNECTION_OPTIONS) {
    command.option(
      `${option.flag} ${option.value}`,
      `${option.help} (default: $${option.env}, else ${DEFAULT_LIMITS[option.limit]})`,
    );
  }
  return command;
}

/** The connection limits the flags and environment name; a malformed value or an impossible combination is a usage error. */
export function connectionLimits(flags: ConnectionFlags, env: CliIo['env']): ConnectionLimits {
  const limits: Record<string, number> = {};
  for (const option of CONNECTION_OPTIONS) {
    const flag = flags[option.property];
    const text = flag ?? env[option.env];
    if (text === undefined || text === '') continue;
    const name = flag === undefined ? option.env : option.flag;
    limits[option.limit] = parseIntegerOption(name, text, {
      minimum: option.limit === 'requestsPerConnectionMax' ? 0 : 1,
      maximum: option.maximum,
    });
  }
  const problem = connectionLimitsProblem({ ...DEFAULT_LIMITS, ...limits });
  if (problem !== undefined) throw new UsageError(problem);
  return limits;
}

/**
 * Listens until the io reports a shutdown signal, then stops accepting connections, lets the
 * requests in flight finish, writes what the group committer still holds, and returns; the
 * caller closes the store.
 */
export async function runServe(
  session: LedgerSession,
  options: {
    host: string;
    port: number;
    logLevel: LevelWithSilent;
    rateLimitPerSecond: number | undefined;
    connections?: ConnectionLimits;
    windows?: { seconds: number; currencies: readonly string[] };
    /** `--webhook-allow-host`: the hosts webhook endpoints may be on (default 127.0.0.1 and localhost). */
    webhookAllowedHosts?: readonly string[];
  },
  io: CliIo,
): Promise<number> {
  if (io.waitForShutdown === undefined)
    throw new Error('bug: serve needs an io that reports shutdown signals');
  // JSON log lines go to standard error through the io; no API key ever reaches one (api/logger.ts).
  const logger = apiLogger(options.logLevel, (line) => io.err(line));
  // PostgreSQL runs one transaction at a time: a second group would only wait (measured slower).
  // On SQLite the committer measures one and two groups in flight and keeps the faster.
  const committer = new GroupCommitter(
    session.ledger,
    session.store.kind === 'postgres' ? { concurrentGroups: 1 } : {},
  );
  const limits = {
    ...options.connections,
    ...(options.rateLimitPerSecond === undefined
      ? {}
      : {
          rateLimitPerSecond: options.rateLimitPerSecond,
          rateLimitBurst: Math.max(options.rateLimitPerSecond * 2, 1),
        }),
  };
  const app = await buildServer({
    ledger: session.ledger,
    store: session.store,
    logger,
    committer,
    limits,
    dashboard: DASHBOARD_ROOT,
    ...(options.webhookAllowedHosts === undefined
      ? {}
      : { webhookAllowedHosts: options.webhookAllowedHosts }),
  });
  const expiry = expireEverySecond(session, logger);
  let closed = false;
  const scheduler =
    options.windows === undefined
      ? undefined
      : new WindowScheduler(
          new WindowService(session.ledger, new ParticipantRegistry(session.ledger)),
          options.windows.currencies,
          options.windows.seconds * 1000,
          {
            closed: (id, next) =>
              logger.info({ window: id, next }, 'closed a settlement window on schedule'),
            failed: (currency, error) =>
              logger.error(
                { currency, err: error },
                'closing a settlement window on schedule failed',
              ),
          },
        );
  try {
    await listen(app, options.host, options.port);
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    io.out(
      `vostro serving http://${host}:${address.port} on ${session.dbPath} (reference: http://${host}:${address.port}/v1/docs)\n`,
    );
    io.out(
      dashboardBuilt(DASHBOARD_ROOT)
        ? `dashboard: http://${host}:${address.port}/ (sign in with an API key)\n`
        : 'dashboard: not built (`npm run build` builds it into dist/web)\n',
    );
    const signal = await io.waitForShutdown();
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    closed = true;
    await app.close();
    await committer.drain();
  } finally {
    await scheduler?.stop();
    await expiry.stop();
    if (app.server.listening || !closed) await app.close();
  }
  logger.info('stopped');
  return ExitCode.ok;
}

/** Why an address cannot be listened on, by the system's code: a refusal in one line, not a stack trace. */
const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE:
    'the address is already in use (another vostro serve, or another program, listens there)',
  EACCES: 'permission denied (ports below 1024 need privileges); choose a --port of 1024 or more',
  EADDRNOTAVAIL: "the address is not one of this machine's; check --host",
  ENOTFOUND: 'the host name does not resolve; check --host',
  EAI_AGAIN: 'the host name could not be resolved now; check --host',
};

/** How many ports after a busy one are tried for a free one to suggest. */
const FREE_PORT_SEARCH = 20;

/**
 * Fails fast when `host:port` cannot be listened on: `serve` and `start` call it before they open
 * the database or print anything, so a busy port ends in one line (with a free port to use
 * instead), not after a banner. The server listens for real later; should the port be taken in
 * between, that listen fails with the same line.
 */
export async function checkListenable(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const code = await listenProblem(host, port);
  if (code === undefined) return;
  throw await listenRefusal(code, host, port);
}

/** The system's error code for listening on `host:port` now; undefined when it can be listened on. */
async function listenProblem(host: string, port: number): Promise<string | undefined> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined || LISTEN_FAILURES[code] === undefined) throw error;
    return code;
  } finally {
    if (probe.listening) await new Promise((resolve) => probe.close(resolve));
  }
}

async function listenRefusal(code: string, host: string, port: number): Promise<RefusedError> {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  let advice = '';
  if (code === 'EADDRINUSE') {
    let free: number | undefined;
    for (let next = port + 1; next <= Math.min(port + FREE_PORT_SEARCH, 65_535); next += 1) {
      if ((await listenProblem(host, next).catch(() => 'unknown')) === undefined) {
        free = next;
        break;
      }
    }
    advice = `; stop that one, or choose another port${free === undefined ? ' with --port N' : `: --port ${free} is free`}`;
  }
  return new RefusedError(`cannot listen on ${address}: ${LISTEN_FAILURES[code]}${advice}`);
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    const code = String((error as NodeJS.ErrnoException).code);
    if (LISTEN_FAILURES[code] === undefined) throw error;
    throw await listenRefusal(code, host, port);
  }
}

/** Voids pending transfers past their timeout once a second; one run at a time. */
function expireEverySecond(session: LedgerSession, logger: pino.Logger): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = session.ledger
      .expireDue()
      .then((count) =>
        count > 0 ? logger.info({ count }, 'voided expired pending transfers') : undefined,
      )
      .catch((error: unknown) =>
        logger.error({ err: error }, 'voiding expired pending transfers failed'),
      )
      .finally(() => (busy = false));
  }, EXPIRY_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
