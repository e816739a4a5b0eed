import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves WAL checkpoints off the writing thread. With automatic checkpoints, every few hundred
 * batches one commit also copied the whole WAL into the database file and synced it, on the same
 * thread that runs the ledger; measured, that cost about a third of the throughput. Here a worker
 * thread with its own connection runs a PASSIVE checkpoint (which never blocks the writer) every
 * `intervalMs`, on the second core. If the WAL still grows past `walMaxBytes`, the writer runs a
 * blocking TRUNCATE checkpoint itself (`afterCommit`), so the file cannot grow without bound.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private commits = 0;

  constructor(
    private readonly path: string,
    private readonly options: { intervalMs?: number; walMaxBytes?: number } = {},
  ) {
    const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(
      `
      const { workerData, parentPort } = require('node:worker_threads');
      const Database = require(workerData.sqlitePath);
      const db = new Database(workerData.path);
      db.pragma('busy_timeout = 1000');
      const timer = setInterval(() => {
        try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: try again next time */ }
      }, workerData.intervalMs);
      parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
      `,
      { eval: true, workerData: { path, sqlitePath, intervalMs: options.intervalMs ?? 100 } },
    );
    this.worker.unref();
  }

  /** Call after each commit; returns true when the WAL is over its limit and must be truncated now. */
  walTooLarge(): boolean {
    this.commits += 1;
    if (this.commits % 16 !== 0) return false;
    try {
      return statSync(`${this.path}-wal`).size > (this.options.walMaxBytes ?? 512 * 1024 * 1024);
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    // Unreferenced so it never holds a process open, but waiting for its exit must keep the loop alive.
    this.worker.ref();
    this.worker.postMessage('stop');
    await new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      setTimeout(() => void this.worker.terminate().then(() => resolve()), 2000).unref();
    });
  }
}
