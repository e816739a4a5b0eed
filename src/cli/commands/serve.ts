import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { pino, LevelWithSilent } from 'pino';
import { connectionLimitsProblem, DEFAULT_LIMITS, type ApiLimits } from '../../api/limits.js';
import { apiLogger } from '../../api/logger.js';
import { buildServer } from '../../api/server.js';
import { GroupCommitter } from '../../ledger/group-commit.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import {
  addDbOption,
  commandAction,
  RefusedError,
  runLedgerCommand,
  type LedgerSession,
} from '../ledger-context.js';
import { parseCurrencyOption, parseIntegerOption } from '../options.js';
import { ParticipantRegistry } from '../../participants/registry.js';
import { WindowScheduler } from '../../settlement/schedule.js';
import { WindowService } from '../../settlement/windows.js';
import { UsageError } from '../errors.js';
import type { RegisterCommand } from '../program.js';

/** How often pending transfers past their timeout are voided while serving. */
const EXPIRY_INTERVAL_MS = 1000;
const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

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
  return limits as ConnectionLimits;
}

interface ServeOptions extends ConnectionFlags {
  readonly host: string;
  readonly port: string;
  readonly rateLimit?: string;
  readonly logLevel: string;
  readonly windowSeconds?: string;
  readonly windowCurrencies: string;
  readonly db?: string;
}

/** `vostro serve`: the HTTP API on the SQLite store until SIGTERM or SIGINT. */
export const registerServe: RegisterCommand = (program, context) => {
  const command = addDbOption(
    program
      .command('serve')
      .description(
        'serve the HTTP API (/v1, OpenAPI at /v1/openapi.json, reference at /v1/docs) until SIGTERM or SIGINT; every /v1 route needs an API key (`vostro key issue`); binds to 127.0.0.1 by default',
      )
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
      .option(
        '--rate-limit <per-second>',
        'requests per second each client may sustain (0 turns the limit off; default 5000)',
      )
      .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, 'info')
      .option(
        '--window-seconds <n>',
        'close the open settlement window of each --window-currencies every n seconds (default: only when the operator closes them)',
      )
      .option(
        '--window-currencies <codes>',
        'currencies whose windows --window-seconds closes',
        'INR,RUB',
      ),
  );
  addConnectionOptions(command).action(
    commandAction(context, async (options: ServeOptions) => {
      const port = parseIntegerOption('--port', options.port, { minimum: 0, maximum: 65_535 });
      const rateLimitPerSecond =
        options.rateLimit === undefined
          ? undefined
          : parseIntegerOption('--rate-limit', options.rateLimit, {
              minimum: 0,
              maximum: 10_000_000,
            });
      const logLevel = LOG_LEVELS.find((level) => level === options.logLevel);
      if (logLevel === undefined)
        throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
      const windowSeconds =
        options.windowSeconds === undefined
          ? undefined
          : parseIntegerOption('--window-seconds', options.windowSeconds, {
              minimum: 1,
              maximum: 31 * 86_400,
            });
      const windowCurrencies = options.windowCurrencies
        .split(',')
        .map((code) => parseCurrencyOption('--window-currencies', code.trim()).code);
      const connections = connectionLimits(options, context.io.env);
      await runLedgerCommand(context, { dbOption: options.db, create: true }, (session) =>
        runServe(
          session,
          {
            host: options.host,
            port,
            logLevel,
            rateLimitPerSecond,
            connections,
            ...(windowSeconds === undefined
              ? {}
              : { windows: { seconds: windowSeconds, currencies: windowCurrencies } }),
          },
          context.io,
        ),
      );
    }),
  );
};

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
    'the address is already in use (another vostro serve, or another program, listens there); choose another --port or stop that one',
  EACCES: 'permission denied (ports below 1024 need privileges); choose a --port of 1024 or more',
  EADDRNOTAVAIL: "the address is not one of this machine's; check --host",
  ENOTFOUND: 'the host name does not resolve; check --host',
  EAI_AGAIN: 'the host name could not be resolved now; check --host',
};

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    const reason = LISTEN_FAILURES[String((error as NodeJS.ErrnoException).code)];
    if (reason === undefined) throw error;
    throw new RefusedError(
      `cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}: ${reason}`,
    );
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
