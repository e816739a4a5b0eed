import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newTransferId, randomTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { driveWorkload } from './workload-driver.js';

export type Scenario = 'batch-time-ordered' | 'batch-random-ids' | 'group-commit-64';
export const SCENARIOS: readonly Scenario[] = [
  'batch-time-ordered',
  'batch-random-ids',
  'group-commit-64',
];

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

/** Runs one scenario on a fresh SQLite file with durable commits (WAL, synchronous=FULL). */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const directory = mkdtempSync(join(options.directory, 'vostro-bench-'));
  const store = new SqliteStore({ path: join(directory, 'bench.db') });
  try {
    const result = await driveWorkload(new Ledger(store), {
      kind: options.scenario === 'group-commit-64' ? 'group-commit' : 'batches',
      accounts: options.accounts,
      transfers: options.transfers,
      makeId: options.scenario === 'batch-random-ids' ? randomTransferId : newTransferId,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return {
      scenario: options.scenario,
      transfers: options.transfers,
      ...result,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
