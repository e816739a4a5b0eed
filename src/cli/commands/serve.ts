import type { AddressInfo } from 'node:net';
import type { pino, LevelWithSilent } from 'pino';
import { apiLogger } from '../../api/logger.js';
import { buildServer } from '../../api/server.js';
import { GroupCommitter } from '../../ledger/group-commit.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, runLedgerCommand, type LedgerSession } from '../ledger-context.js';
import { parseCurrencyOption, parseIntegerOption } from '../options.js';
import { ParticipantRegistry } from '../../participants/registry.js';
import { WindowScheduler } from '../../settlement/schedule.js';
import { WindowService } from '../../settlement/windows.js';
import { UsageError } from '../errors.js';
import type { RegisterCommand } from '../program.js';

/** How often pending transfers past their timeout are voided while serving. */
const EXPIRY_INTERVAL_MS = 1000;
const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

interface ServeOptions {
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
  addDbOption(
    program
      .command('serve')
      .description('serve the HTTP API (/v1, OpenAPI at /v1/openapi.json, reference at /v1/docs) until SIGTERM or SIGINT; every /v1 route needs an API key (`vostro key issue`); binds to 127.0.0.1 by default')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
      .option('--rate-limit <per-second>', 'requests per second each client may sustain (0 turns the limit off; default 5000)')
      .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, 'info')
      .option('--window-seconds <n>', 'close the open settlement window of each --window-currencies every n seconds (default: only when the operator closes them)')
      .option('--window-currencies <codes>', 'currencies whose windows --window-seconds closes', 'INR,RUB'),
  ).action(commandAction(context, async (options: ServeOptions) => {
    const port = parseIntegerOption('--port', options.port, { minimum: 0, maximum: 65_535 });
    const rateLimitPerSecond = options.rateLimit === undefined ? undefined : parseIntegerOption('--rate-limit', options.rateLimit, { minimum: 0, maximum: 10_000_000 });
    const logLevel = LOG_LEVELS.find((level) => level === options.logLevel);
    if (logLevel === undefined) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
    const windowSeconds = options.windowSeconds === undefined ? undefined : parseIntegerOption('--window-seconds', options.windowSeconds, { minimum: 1, maximum: 31 * 86_400 });
    const windowCurrencies = options.windowCurrencies.split(',').map((code) => parseCurrencyOption('--window-currencies', code.trim()).code);
    await runLedgerCommand(context, { dbOption: options.db, create: true }, (session) =>
      runServe(session, { host: options.host, port, logLevel, rateLimitPerSecond, ...(windowSeconds === undefined ? {} : { windows: { seconds: windowSeconds, currencies: windowCurrencies } }) }, context.io));
  }));
};

/**
 * Listens until the io reports a shutdown signal, then stops accepting connections, lets the
 * requests in flight finish, writes what the group committer still holds, and returns; the
 * caller closes the store.
 */
export async function runServe(
  session: LedgerSession,
  options: { host: string; port: number; logLevel: LevelWithSilent; rateLimitPerSecond: number | undefined; windows?: { seconds: number; currencies: readonly string[] } },
  io: CliIo,
): Promise<number> {
  if (io.waitForShutdown === undefined) throw new Error('bug: serve needs an io that reports shutdown signals');
  // JSON log lines go to standard error through the io; no API key ever reaches one (api/logger.ts).
  const logger = apiLogger(options.logLevel, (line) => io.err(line));
  // PostgreSQL runs one transaction at a time: a second group would only wait (measured slower).
  // On SQLite the committer measures one and two groups in flight and keeps the faster.
  const committer = new GroupCommitter(session.ledger, session.store.kind === 'postgres' ? { concurrentGroups: 1 } : {});
  const limits = options.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: options.rateLimitPerSecond, rateLimitBurst: Math.max(options.rateLimitPerSecond * 2, 1) };
  const app = await buildServer({ ledger: session.ledger, store: session.store, logger, committer, limits });
  const expiry = expireEverySecond(session, logger);
  const scheduler = options.windows === undefined ? undefined : new WindowScheduler(new WindowService(session.ledger, new ParticipantRegistry(session.ledger)), options.windows.currencies, options.windows.seconds * 1000, {
    closed: (id, next) => logger.info({ window: id, next }, 'closed a settlement window on schedule'),
    failed: (currency, error) => logger.error({ currency, err: error }, 'closing a settlement window on schedule failed'),
  });
  try {
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    io.out(`vostro serving http://${host}:${address.port} on ${session.dbPath} (reference: http://${host}:${address.port}/v1/docs)\n`);
    const signal = await io.waitForShutdown();
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    await app.close();
    await committer.drain();
  } finally {
    await scheduler?.stop();
    await expiry.stop();
    if (app.server.listening) await app.close();
  }
  logger.info('stopped');
  return ExitCode.ok;
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
      .then((count) => (count > 0 ? logger.info({ count }, 'voided expired pending transfers') : undefined))
      .catch((error: unknown) => logger.error({ err: error }, 'voiding expired pending transfers failed'))
      .finally(() => (busy = false));
  }, EXPIRY_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
