import type { AddressInfo } from 'node:net';
import { pino, type LevelWithSilent } from 'pino';
import { buildServer } from '../../api/server.js';
import { GroupCommitter } from '../../ledger/group-commit.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, runLedgerCommand, type LedgerSession } from '../ledger-context.js';
import { parseIntegerOption } from '../options.js';
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
  readonly db?: string;
}

/** `vostro serve`: the HTTP API on the SQLite store until SIGTERM or SIGINT. */
export const registerServe: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('serve')
      .description('serve the HTTP API (/v1, OpenAPI at /v1/openapi.json, reference at /v1/docs) until SIGTERM or SIGINT; unauthenticated for now, so it binds to 127.0.0.1 by default')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
      .option('--rate-limit <per-second>', 'requests per second each client may sustain (0 turns the limit off; default 5000)')
      .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, 'info'),
  ).action(commandAction(context, async (options: ServeOptions) => {
    const port = parseIntegerOption('--port', options.port, { minimum: 0, maximum: 65_535 });
    const rateLimitPerSecond = options.rateLimit === undefined ? undefined : parseIntegerOption('--rate-limit', options.rateLimit, { minimum: 0, maximum: 10_000_000 });
    const logLevel = LOG_LEVELS.find((level) => level === options.logLevel);
    if (logLevel === undefined) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
    await runLedgerCommand(context, { dbOption: options.db, create: true }, (session) =>
      runServe(session, { host: options.host, port, logLevel, rateLimitPerSecond }, context.io));
  }));
};

/**
 * Listens until the io reports a shutdown signal, then stops accepting connections, lets the
 * requests in flight finish, writes what the group committer still holds, and returns; the
 * caller closes the store.
 */
export async function runServe(
  session: LedgerSession,
  options: { host: string; port: number; logLevel: LevelWithSilent; rateLimitPerSecond: number | undefined },
  io: CliIo,
): Promise<number> {
  if (io.waitForShutdown === undefined) throw new Error('bug: serve needs an io that reports shutdown signals');
  // JSON log lines go to standard error through the io; the request serializer never includes
  // headers, and the redaction is a second guard should a header ever be logged.
  const logger = pino({ level: options.logLevel, redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'] }, { write: (line: string) => io.err(line) });
  // One group at a time on both stores. PostgreSQL runs one transaction at a time, so a second
  // group would only wait (measured slower). On SQLite a second group overlaps its staging with
  // the commit of the first, but under HTTP load it halved the group size (16 instead of 26–30
  // transfers at 64 connections), and the per-group work (staging, the hand-off to the writer
  // thread) cost more than the overlap saved: more server CPU per request and lower throughput
  // in 4 of 5 alternating runs (docs/benchmarks.md, HTTP API). The HTTP work of the other
  // requests fills the main thread while a group commits.
  const committer = new GroupCommitter(session.ledger, { concurrentGroups: 1 });
  const limits = options.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: options.rateLimitPerSecond, rateLimitBurst: Math.max(options.rateLimitPerSecond * 2, 1) };
  const app = await buildServer({ ledger: session.ledger, store: session.store, logger, committer, limits });
  const expiry = expireEverySecond(session, logger);
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
