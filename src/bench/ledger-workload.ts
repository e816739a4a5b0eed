import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GroupCommitter } from '../ledger/group-commit.js';
import { newAccountId, newTransferId, randomTransferId, ZERO_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { BATCH_MAX, type TransferInput } from '../ledger/model.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

export type Scenario = 'batch-time-ordered' | 'batch-random-ids' | 'group-commit-64';
export const SCENARIOS: readonly Scenario[] = ['batch-time-ordered', 'batch-random-ids', 'group-commit-64'];

export interface WorkloadOptions {
  readonly scenario: Scenario;
  readonly accounts: number;
  readonly transfers: number;
  /** Where the database file goes; a fresh subdirectory is made and removed. */
  readonly directory: string;
  readonly onProgress?: (done: number) => void;
}

export interface WorkloadResult {
  readonly scenario: Scenario;
  readonly transfers: number;
  readonly seconds: number;
  readonly transfersPerSecond: number;
  /** Latency of one write (a batch, or one caller's single transfer under group commit). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly peakRssMb: number;
  readonly averageGroupSize?: number;
}

const CALLERS = 64;

/** Runs one scenario on a fresh SQLite file with durable commits (WAL, synchronous=FULL). */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const directory = mkdtempSync(join(options.directory, 'vostro-bench-'));
  const store = new SqliteStore({ path: join(directory, 'bench.db'), backgroundCheckpoints: process.env.NOCKPT === undefined });
  try {
    const ledger = new Ledger(store);
    const accountIds = await createAccounts(ledger, options.accounts);
    const latenciesMs: number[] = [];
    const started = performance.now();
    let averageGroupSize: number | undefined;
    if (options.scenario === 'group-commit-64') {
      averageGroupSize = await runGroupCommit(ledger, accountIds, options, latenciesMs);
    } else {
      await runBatches(ledger, accountIds, options, latenciesMs);
    }
    const seconds = (performance.now() - started) / 1000;
    latenciesMs.sort((left, right) => left - right);
    return {
      scenario: options.scenario,
      transfers: options.transfers,
      seconds,
      transfersPerSecond: options.transfers / seconds,
      p50Ms: percentile(latenciesMs, 0.5),
      p99Ms: percentile(latenciesMs, 0.99),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      ...(averageGroupSize === undefined ? {} : { averageGroupSize }),
    };
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function createAccounts(ledger: Ledger, count: number): Promise<AccountId[]> {
  const ids: AccountId[] = [];
  for (let start = 0; start < count; start += BATCH_MAX) {
    const batch = Array.from({ length: Math.min(BATCH_MAX, count - start) }, (_, index) => ({
      id: newAccountId(), ledger: 356, code: 1, flags: 0, owner: `bank-${(start + index) % 100}`, reference: '', userData64: 0n, userData32: 0,
    }));
    const outcome = await ledger.createAccounts(batch);
    if (!outcome.ok || outcome.results.some((result) => result !== 'ok')) throw new Error('benchmark accounts were refused');
    ids.push(...batch.map((account) => account.id));
  }
  return ids;
}

function randomTransfer(accountIds: readonly AccountId[], id: TransferId): TransferInput {
  const debit = Math.floor(Math.random() * accountIds.length);
  const credit = (debit + 1 + Math.floor(Math.random() * (accountIds.length - 1))) % accountIds.length;
  return {
    id, debitAccountId: accountIds[debit] as AccountId, creditAccountId: accountIds[credit] as AccountId,
    amount: BigInt(1 + Math.floor(Math.random() * 1_000_000)), pendingId: ZERO_ID as TransferId,
    ledger: 356, code: 1, flags: 0, timeoutSeconds: 0, reference: '', userData64: 0n, userData32: 0,
  };
}

/** Batches in flight at once: a client that waits for each batch before sending the next leaves the writer idle. */
const BATCHES_IN_FLIGHT = 2;

async function runBatches(ledger: Ledger, accountIds: readonly AccountId[], options: WorkloadOptions, latenciesMs: number[]): Promise<void> {
  const makeId = options.scenario === 'batch-random-ids' ? randomTransferId : newTransferId;
  let issued = 0;
  let done = 0;
  const client = async (): Promise<void> => {
    while (issued < options.transfers) {
      const size = Math.min(BATCH_MAX, options.transfers - issued);
      issued += size;
      const batch = Array.from({ length: size }, () => randomTransfer(accountIds, makeId()));
      const started = performance.now();
      const outcome = await ledger.createTransfers(batch);
      latenciesMs.push(performance.now() - started);
      if (!outcome.ok || outcome.results.some((result) => result !== 'ok')) throw new Error('a benchmark batch was refused');
      done += size;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, client));
}

/** 64 callers, each submitting one transfer at a time and waiting for its result before the next. */
async function runGroupCommit(ledger: Ledger, accountIds: readonly AccountId[], options: WorkloadOptions, latenciesMs: number[]): Promise<number> {
  const committer = new GroupCommitter(ledger, { concurrentGroups: Number(process.env.GC_CONC ?? 2) });
  let issued = 0;
  let done = 0;
  const caller = async (): Promise<void> => {
    while (issued < options.transfers) {
      issued += 1;
      const started = performance.now();
      const result = await committer.submit(randomTransfer(accountIds, newTransferId()));
      latenciesMs.push(performance.now() - started);
      if (result !== 'ok') throw new Error(`a benchmark transfer was refused: ${result}`);
      done += 1;
      if (done % 10_000 === 0) options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const sizes = committer.batchSizes;
  return sizes.reduce((sum, size) => sum + size, 0) / Math.max(1, sizes.length);
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
}
