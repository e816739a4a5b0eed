import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Ledger } from '../ledger/ledger.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { isPostgresUrl, openStore as openStoreTarget } from '../store/open-store.js';
import { maskPassword, PostgresUrlError } from '../store/postgres/connection.js';
import { PostgresConnectionError } from '../store/postgres/write-transaction.js';
import { DatabaseInUseError, NotADatabaseFileError } from '../store/sqlite/process-lock.js';
import { SchemaTooNewError, type LedgerStore } from '../store/store.js';
import type { CliIo } from './io.js';
import { ExitCode } from './io.js';
import { UsageError } from './errors.js';
import type { CliContext } from './context.js';

/** Where the database lives when neither `--db` nor `VOSTRO_DB` says otherwise. */
export const DEFAULT_DB_PATH = './.vostro/vostro.db';

export const DB_OPTION_HELP = `SQLite database file, or a postgres:// URL for PostgreSQL (default: $VOSTRO_DATABASE_URL, else $VOSTRO_DB, else ${DEFAULT_DB_PATH})`;

/** Adds the `--db <path>` option every ledger command shares. */
export function addDbOption(command: Command): Command {
  return command.option('--db <path>', DB_OPTION_HELP);
}

/** The flag wins over the environment (a PostgreSQL URL before a SQLite path), the environment over the default. */
export function resolveDbPath(option: string | undefined, env: CliIo['env']): string {
  const chosen = option ?? env['VOSTRO_DATABASE_URL'] ?? env['VOSTRO_DB'] ?? DEFAULT_DB_PATH;
  return chosen === ':memory:' || isPostgresUrl(chosen) ? chosen : resolve(chosen);
}

export interface LedgerSession {
  readonly ledger: Ledger;
  readonly store: LedgerStore;
  /** Where the ledger is, fit to print: a PostgreSQL URL with its password masked. */
  readonly dbPath: string;
}

/**
 * A command's failure that is not a usage error: something asked for was not found or refused.
 * `runLedgerCommand` prints it and exits with 1, so a command body can stop with one `throw`.
 */
export class RefusedError extends Error {}

/**
 * The database is there but cannot be used now: another process (a running `vostro serve`, say)
 * holds it. `runLedgerCommand` prints it and exits with 3, so a script can tell "try again later or
 * use the server's API" from a refusal (1).
 */
export class UnavailableError extends Error {}

export interface LedgerCommandOptions {
  readonly dbOption: string | undefined;
  /**
   * Whether a missing file may be created. Only `init` and `start` create databases: every other
   * command would otherwise leave an empty database behind a mistyped path and report "not found".
   */
  readonly create: boolean;
}

/**
 * Opens the store and the ledger, voids pending transfers whose timeout has passed (so every
 * command sees the ledger as it stands now), runs `work`, and closes the store whatever happens.
 * A `RefusedError` from `work` becomes a message on stderr and exit code 1; a database another
 * process holds, a message and exit code 3 (`UnavailableError`).
 */
export async function runLedgerCommand(
  context: CliContext,
  options: LedgerCommandOptions,
  work: (session: LedgerSession) => Promise<number>,
): Promise<void> {
  const dbPath = resolveDbPath(options.dbOption, context.io.env);
  try {
    if (!options.create && dbPath !== ':memory:' && !isPostgresUrl(dbPath) && !existsSync(dbPath)) {
      throw new RefusedError(
        `no database at ${dbPath}; create one with \`vostro init --db ${dbPath}\` or point --db / VOSTRO_DB at an existing one`,
      );
    }
    const store = await openStore(dbPath, dbSource(options.dbOption, context.io.env));
    try {
      const ledger = new Ledger(store);
      // Transfers written here count in the monthly flow totals as the hub counts them.
      ledger.setFlowAccounts(new ParticipantRegistry(ledger).flowAccounts);
      await ledger.expireDue();
      context.setExitCode(await work({ ledger, store, dbPath: printable(dbPath) }));
    } finally {
      await store.close();
    }
  } catch (error) {
    if (!(error instanceof RefusedError) && !(error instanceof UnavailableError)) throw error;
    context.io.err(`error: ${error.message}\n`);
    context.setExitCode(
      error instanceof UnavailableError ? ExitCode.unavailable : ExitCode.refused,
    );
  }
}

/** Which setting named the database, for messages about a URL that cannot be used. */
function dbSource(option: string | undefined, env: CliIo['env']): string {
  if (option !== undefined) return '--db';
  return env['VOSTRO_DATABASE_URL'] !== undefined ? 'VOSTRO_DATABASE_URL' : 'VOSTRO_DB';
}

async function openStore(dbPath: string, source: string): Promise<LedgerStore> {
  try {
    return await openStoreTarget(dbPath);
  } catch (error) {
    if (error instanceof DatabaseInUseError) throw new UnavailableError(error.message);
    if (error instanceof PostgresUrlError) throw new RefusedError(`${source}: ${error.message}`);
    if (
      error instanceof SchemaTooNewError ||
      error instanceof PostgresConnectionError ||
      error instanceof NotADatabaseFileError
    )
      throw new RefusedError(error.message);
    const reason = error instanceof Error ? error.message : String(error);
    throw new RefusedError(`cannot open the database at ${printable(dbPath)}: ${reason}`);
  }
}

/** Never print a password: it would end up in terminals, logs and CI output. */
function printable(target: string): string {
  return isPostgresUrl(target) ? maskPassword(target) : target;
}

/**
 * Wraps a command's action: a malformed option value (UsageError) is printed as `error: …` and
 * ends the command with exit code 2, the same as commander's own usage errors; a refusal before
 * any database is opened (a busy port, say: RefusedError) with exit code 1, as inside one.
 */
export function commandAction<Args extends unknown[]>(
  context: CliContext,
  body: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    try {
      await body(...args);
    } catch (error) {
      if (!(error instanceof UsageError) && !(error instanceof RefusedError)) throw error;
      context.io.err(`error: ${error.message}\n`);
      context.setExitCode(error instanceof UsageError ? ExitCode.usage : ExitCode.refused);
    }
  };
}
