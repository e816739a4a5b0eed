/**
 * The verifier's worker thread (started by src/ledger/verify-runs.ts, which finds it through
 * `VERIFY_WORKER` in store.ts): opens its own read-only snapshot of the store's database with the
 * implementation the `SnapshotSource` names, runs the ledger's `verifyLedger` on it, and posts
 * progress and the report back. The thread that serves requests only receives messages, so a
 * verification of millions of transfers never holds up its event loop. It lives with the stores,
 * not in src/ledger, because it opens their snapshots: the ledger knows no store implementation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyLedger, type VerifyProgress, type VerifySource } from '../ledger/verify.js';
import type { VerifyWorkerData, VerifyWorkerMessage } from '../ledger/verify-runs.js';
import type { SnapshotSource } from './store.js';

const port = parentPort;
if (port === null) throw new Error('verify-worker must run as a worker thread');
const { source, progressIntervalMs } = workerData as VerifyWorkerData;

const post = (message: VerifyWorkerMessage): void => port.postMessage(message);

async function openSnapshot(
  target: SnapshotSource,
): Promise<VerifySource & { close(): Promise<void> }> {
  if (target.kind === 'sqlite') {
    const { SqliteSnapshot } = await import('./sqlite/snapshot.js');
    return new SqliteSnapshot(target.path);
  }
  const { PostgresSnapshot } = await import('./postgres/snapshot.js');
  return PostgresSnapshot.open(target);
}

try {
  const snapshot = await openSnapshot(source);
  try {
    let lastPosted = 0;
    let lastPhase: VerifyProgress['phase'] | undefined;
    const report = await verifyLedger(snapshot, (progress) => {
      const now = Date.now();
      if (progress.phase === lastPhase && now - lastPosted < progressIntervalMs) return;
      lastPosted = now;
      lastPhase = progress.phase;
      post({ type: 'progress', progress: { ...progress } });
    });
    post({ type: 'done', report });
  } finally {
    await snapshot.close();
  }
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
port.close();
