import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';

/** What one in-process run of `vostro` printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fresh database path in its own temporary directory; `cleanup` removes the directory. */
export function tempDb(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vostro-cli-'));
  return {
    path: join(dir, 'ledger.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function vostro(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const io = recordingIo(env);
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

/** Runs a command expected to succeed, failing the test with its stderr when it does not. */
export async function vostroOk(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const run = await vostro(argv, env);
  if (run.code !== 0) throw new Error(`vostro ${argv.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run;
}

export async function vostroJson<T = Record<string, unknown>>(argv: readonly string[]): Promise<T> {
  return JSON.parse((await vostroOk([...argv, '--json'])).stdout) as T;
}

/** Counts read straight from the store, to check that a refused command wrote nothing. */
export async function storeCounts(
  path: string,
): Promise<{ accounts: number; transfers: number; journalEntries: number }> {
  const store = new SqliteStore({ path, backgroundCheckpoints: false });
  try {
    return await store.counts();
  } finally {
    await store.close();
  }
}

export async function createAccount(
  db: string,
  owner: string,
  currency: string,
  extra: readonly string[] = [],
): Promise<string> {
  const run = await vostroOk([
    'account',
    'create',
    '--db',
    db,
    '--owner',
    owner,
    '--currency',
    currency,
    '--kind',
    'settlement',
    ...extra,
  ]);
  return run.stdout.trim();
}

export async function transfer(
  db: string,
  debit: string,
  credit: string,
  amount: string,
  extra: readonly string[] = [],
): Promise<CliRun> {
  return vostro([
    'transfer',
    '--db',
    db,
    '--debit',
    debit,
    '--credit',
    credit,
    '--amount',
    amount,
    ...extra,
  ]);
}
