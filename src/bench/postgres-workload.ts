import { GroupCommitter } from '../ledger/group-commit.js';
import { newAccountId, newTransferId, ZERO_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { BATCH_MAX, type TransferInput } from '../ledger/model.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';

/**
 * The ledger benchmark's workload (the shape of `ledger-workload.ts`: 10,000 accounts, random
 * pairs, batches of 8,190 with two in flight, or 64 callers of single transfers through group
 * commit) on the PostgreSQL store, in a schema of its own that the caller drops afterwards.
 */
export type PostgresScenario = 'batch-8190' | 'group-commit-64';

export interface PostgresWorkloadOptions {
  readonly scenario: PostgresScenario;
  /** A postgres:// URL naming a fresh schema (`?schema=`). */
  readonly url: string;
  readonly accounts: number;
  readonly transfers: number;
  /** Groups written at once by the group committer (default 1). */
  readonly concurrentGroups?: number;
  readonly onProgress?: (done: number) => void;
}

export interface PostgresWorkloadResult {
  readonly scenario: PostgresScenario;
  readonly transfers: number;
  readonly seconds: number;
  readonly transfersPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly averageGroupSize?: number;
}

const CALLERS = 64;
const BATCHES_IN_FLIGHT = 2;

export async function runPostgresWorkload(options: PostgresWorkloadOptions): Promise<PostgresWorkloadResult> {
  const store = await PostgresStore.open({ url: options.url });
  try {
    const ledger = new Ledger(store);
    const accountIds = await createAccounts(ledger, options.accounts);
    const latenciesMs: number[] = [];
    const started = performance.now();
    const averageGroupSize = options.scenario === 'group-commit-64'
      ? await runGroupCommit(ledger, accountIds, options, latenciesMs)
      : await runBatches(ledger, accountIds, options, latenciesMs);
    const seconds = (performance.now() - started) / 1000;
    latenciesMs.sort((left, right) => left - right);
    return {
      scenario: options.scenario,
      transfers: options.transfers,
      seconds,
      transfersPerSecond: options.transfers / seconds,
      p50Ms: percentile(latenciesMs, 0.5),
      p99Ms: percentile(latenciesMs, 0.99),
      ...(averageGroupSize === undefined ? {} : { averageGroupSize }),
    };
  } finally {
    await store.close();
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

function randomTransfer(accountIds: readonly AccountId[]): TransferInput {
  const debit = Math.floor(Math.random() * accountIds.length);
  const credit = (debit + 1 + Math.floor(Math.random() * (accountIds.length - 1))) % accountIds.length;
  return {
    id: newTransferId(), debitAccountId: accountIds[debit] as AccountId, creditAccountId: accountIds[credit] as AccountId,
    amount: BigInt(1 + Math.floor(Math.random() * 1_000_000)), pendingId: ZERO_ID as TransferId,
    ledger: 356, code: 1, flags: 0, timeoutSeconds: 0, reference: '', userData64: 0n, userData32: 0,
  };
}

async function runBatches(ledger: Ledger, accountIds: readonly AccountId[], options: PostgresWorkloadOptions, latenciesMs: number[]): Promise<undefined> {
  let issued = 0;
  let done = 0;
  const client = async (): Promise<void> => {
    while (issued < options.transfers) {
      const size = Math.min(BATCH_MAX, options.transfers - issued);
      issued += size;
      const batch = Array.from({ length: size }, () => randomTransfer(accountIds));
      const started = performance.now();
      const outcome = await ledger.createTransfers(batch);
      latenciesMs.push(performance.now() - started);
      if (!outcome.ok || outcome.results.some((result) => result !== 'ok')) throw new Error('a benchmark batch was refused');
      done += size;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, client));
  return undefined;
}

/** 64 callers, each submitting one transfer and waiting for its result before the next. */
async function runGroupCommit(ledger: Ledger, accountIds: readonly AccountId[], options: PostgresWorkloadOptions, latenciesMs: number[]): Promise<number> {
  // One group at a time: the PostgreSQL store runs one transaction at a time, so a second group
  // only waits, and the callers it holds would have made the first group larger (measured: about
  // 7,100 transfers/s with one group against 5,700 with two).
  const committer = new GroupCommitter(ledger, { concurrentGroups: options.concurrentGroups ?? 1 });
  let issued = 0;
  let done = 0;
  const caller = async (): Promise<void> => {
    while (issued < options.transfers) {
      issued += 1;
      const started = performance.now();
      const result = await committer.submit(randomTransfer(accountIds));
      latenciesMs.push(performance.now() - started);
      if (result !== 'ok') throw new Error(`a benchmark transfer was refused: ${result}`);
      done += 1;
      if (done % 5_000 === 0) options.onProgress?.(done);
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
