import { newTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { driveWorkload } from './workload-driver.js';

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

export async function runPostgresWorkload(
  options: PostgresWorkloadOptions,
): Promise<PostgresWorkloadResult> {
  const store = await PostgresStore.open({ url: options.url });
  try {
    // One group at a time: the PostgreSQL store runs one transaction at a time, so a second group
    // only waits, and the callers it holds would have made the first group larger (measured: about
    // 7,100 transfers/s with one group against 5,700 with two).
    const result = await driveWorkload(new Ledger(store), {
      kind: options.scenario === 'group-commit-64' ? 'group-commit' : 'batches',
      accounts: options.accounts,
      transfers: options.transfers,
      makeId: newTransferId,
      concurrentGroups: options.concurrentGroups ?? 1,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return { scenario: options.scenario, transfers: options.transfers, ...result };
  } finally {
    await store.close();
  }
}
