import { GroupCommitter } from '../ledger/group-commit.js';
import { newAccountId, ZERO_TRANSFER_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import { BATCH_MAX, type TransferInput } from '../ledger/model.js';

/**
 * The ledger benchmark's workload, the same on every store: accounts, then transfers between random
 * pairs, either in batches of 8,190 with two in flight or from 64 callers of single transfers
 * through group commit. The store-specific scripts open the store and report.
 */
export interface DriveOptions {
  readonly kind: 'batches' | 'group-commit';
  readonly accounts: number;
  readonly transfers: number;
  readonly makeId: () => TransferId;
  /** Groups the group committer writes at once (its default when not given). */
  readonly concurrentGroups?: number;
  readonly onProgress?: (done: number) => void;
}

export interface DriveResult {
  readonly seconds: number;
  readonly transfersPerSecond: number;
  /** Latency of one write: a batch, or one caller's single transfer under group commit. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly averageGroupSize?: number;
}

const CALLERS = 64;

export async function driveWorkload(ledger: Ledger, options: DriveOptions): Promise<DriveResult> {
  const accountIds = await createAccounts(ledger, options.accounts);
  const latenciesMs: number[] = [];
  const started = performance.now();
  const averageGroupSize =
    options.kind === 'group-commit'
      ? await runGroupCommit(ledger, accountIds, options, latenciesMs)
      : await runBatches(ledger, accountIds, options, latenciesMs);
  const seconds = (performance.now() - started) / 1000;
  latenciesMs.sort((left, right) => left - right);
  return {
    seconds,
    transfersPerSecond: options.transfers / seconds,
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
    ...(averageGroupSize === undefined ? {} : { averageGroupSize }),
  };
}

async function createAccounts(ledger: Ledger, count: number): Promise<AccountId[]> {
  const ids: AccountId[] = [];
  for (let start = 0; start < count; start += BATCH_MAX) {
    const batch = Array.from({ length: Math.min(BATCH_MAX, count - start) }, (_, index) => ({
      id: newAccountId(),
      ledger: 356,
      code: 1,
      flags: 0,
      owner: `bank-${(start + index) % 100}`,
      reference: '',
      userData64: 0n,
      userData32: 0,
    }));
    const outcome = await ledger.createAccounts(batch);
    if (!outcome.ok || outcome.results.some((result) => result !== 'ok'))
      throw new Error('benchmark accounts were refused');
    ids.push(...batch.map((account) => account.id));
  }
  return ids;
}

function randomTransfer(accountIds: readonly AccountId[], id: TransferId): TransferInput {
  const debit = Math.floor(Math.random() * accountIds.length);
  const credit =
    (debit + 1 + Math.floor(Math.random() * (accountIds.length - 1))) % accountIds.length;
  return {
    id,
    debitAccountId: accountIds[debit]!,
    creditAccountId: accountIds[credit]!,
    amount: BigInt(1 + Math.floor(Math.random() * 1_000_000)),
    pendingId: ZERO_TRANSFER_ID,
    ledger: 356,
    code: 1,
    flags: 0,
    timeoutSeconds: 0,
    reference: '',
    userData64: 0n,
    userData32: 0,
  };
}

/** Batches in flight at once: a client that waits for each batch before sending the next leaves the writer idle. */
const BATCHES_IN_FLIGHT = 2;

async function runBatches(
  ledger: Ledger,
  accountIds: readonly AccountId[],
  options: DriveOptions,
  latenciesMs: number[],
): Promise<undefined> {
  const makeId = options.makeId;
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
      if (!outcome.ok || outcome.results.some((result) => result !== 'ok'))
        throw new Error('a benchmark batch was refused');
      done += size;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, client));
  return undefined;
}

/** 64 callers, each submitting one transfer at a time and waiting for its result before the next. */
async function runGroupCommit(
  ledger: Ledger,
  accountIds: readonly AccountId[],
  options: DriveOptions,
  latenciesMs: number[],
): Promise<number> {
  const committer = new GroupCommitter(
    ledger,
    options.concurrentGroups === undefined ? {} : { concurrentGroups: options.concurrentGroups },
  );
  let issued = 0;
  let done = 0;
  const caller = async (): Promise<void> => {
    while (issued < options.transfers) {
      issued += 1;
      const started = performance.now();
      const result = await committer.submit(randomTransfer(accountIds, options.makeId()));
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
