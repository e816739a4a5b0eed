import { randomUUID } from 'node:crypto';
import { startWorker } from './worker-thread.js';
import { VERIFY_WORKER, type SnapshotSource } from '../store/store.js';
import type { VerifyProgress, VerifyReport } from './verify.js';

/**
 * Verifications off the calling thread. `verifyInWorker` runs one on a worker thread of its own
 * (src/store/verify-worker.ts: the stores open their snapshots, the ledger knows none of them),
 * against a read-only snapshot of the database, so the thread that serves requests and runs
 * batches only receives progress messages and the report. `VerifyRuns` is what the HTTP API keeps: one run at
 * a time, a minimum pause between runs, and the recent runs with their progress and reports.
 */

/** What the worker is started with. */
export interface VerifyWorkerData {
  readonly source: SnapshotSource;
  /** Progress messages at most this often (and at every change of phase). */
  readonly progressIntervalMs: number;
}

export type VerifyWorkerMessage =
  | { readonly type: 'progress'; readonly progress: VerifyProgress }
  | { readonly type: 'done'; readonly report: VerifyReport }
  | { readonly type: 'failed'; readonly message: string };

/** The verification could not be carried out (the database could not be read, say): no report. */
export class VerificationError extends Error {}

export interface VerifyJob {
  /** The report; rejects with VerificationError when the verification could not run to the end. */
  readonly report: Promise<VerifyReport>;
  /** Stops the worker; `report` then rejects. */
  cancel(): Promise<void>;
}

/** Runs one verification of the database `source` names on a new worker thread. */
export function verifyInWorker(
  source: SnapshotSource,
  options: { onProgress?: (progress: VerifyProgress) => void; progressIntervalMs?: number } = {},
): VerifyJob {
  const worker = startWorker(VERIFY_WORKER.besideUrl, VERIFY_WORKER.name, {
    source,
    progressIntervalMs: options.progressIntervalMs ?? 100,
  } satisfies VerifyWorkerData);
  let cancelled = false;
  const report = new Promise<VerifyReport>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on('message', (message: VerifyWorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.report));
      else settle(() => reject(new VerificationError(message.message)));
    });
    worker.on('error', (error: Error) =>
      settle(() =>
        reject(
          new VerificationError(`the verifier's thread failed: ${error.message}`, { cause: error }),
        ),
      ),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(
          new VerificationError(
            cancelled
              ? 'the verification was stopped'
              : `the verifier's thread exited (${code}) without a report`,
          ),
        ),
      ),
    );
  });
  return {
    report,
    async cancel() {
      cancelled = true;
      await worker.terminate();
    },
  };
}

export type VerifyRunStatus = 'running' | 'passed' | 'failed' | 'error';

/** Who started a run: an API key's holder. */
export interface VerifyRunner {
  readonly actor: string;
  readonly role: string;
  readonly keyId?: string;
}

export interface VerifyRun {
  readonly id: string;
  /** `passed` and `failed` have a report (failed: problems were found); `error`: it could not run. */
  readonly status: VerifyRunStatus;
  readonly startedBy: VerifyRunner;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly finishedAt?: number;
  /** Undefined until the worker has opened its snapshot and counted what it will read. */
  readonly progress?: VerifyProgress;
  readonly report?: VerifyReport;
  readonly error?: string;
}

/** A new run would start sooner than `minIntervalMs` after the last one finished. */
export class VerifyTooSoonError extends Error {
  constructor(
    readonly retryAfterMs: number,
    readonly latest: VerifyRun,
  ) {
    super(
      `a verification finished less than the minimum interval ago (run ${latest.id}); the next may start in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}

/** The runs are being shut down (the server is closing). */
export class VerifyRunsClosedError extends Error {}

export interface VerifyRunsOptions {
  /** After a run has finished, a new one may start only this much later (0: at once). */
  readonly minIntervalMs: number;
  /** Finished runs kept for `get` and `list` (default 16). */
  readonly keep?: number;
  readonly progressIntervalMs?: number;
  readonly nowMs?: () => number;
}

interface RunState {
  id: string;
  status: VerifyRunStatus;
  startedBy: VerifyRunner;
  startedAt: number;
  finishedAt?: number;
  progress?: VerifyProgress;
  report?: VerifyReport;
  error?: string;
  finished: Promise<void>;
  job: VerifyJob;
}

/**
 * The verifications of one server. At most one runs at a time: `start` while one runs returns
 * that one, so concurrent callers share it. After a run has finished (passed or failed), the next
 * may start `minIntervalMs` later at the earliest: a caller asking in a loop gets
 * VerifyTooSoonError, and a verification can take at most a share of a core. A run that could not
 * be carried out (`error`) does not count. Runs live in memory; a restart forgets them.
 */
export class VerifyRuns {
  private readonly runs: RunState[] = [];
  private readonly keep: number;
  private readonly nowMs: () => number;
  private closed = false;

  constructor(
    private readonly source: () => SnapshotSource,
    private readonly options: VerifyRunsOptions,
  ) {
    this.keep = options.keep ?? 16;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The running run, else a new one; throws VerifyTooSoonError or VerifyRunsClosedError. */
  start(startedBy: VerifyRunner): { run: VerifyRun; started: boolean } {
    if (this.closed)
      throw new VerifyRunsClosedError('the server is shutting down; no verification starts');
    const running = this.runs.find((run) => run.status === 'running');
    if (running !== undefined) return { run: view(running), started: false };
    const latest = this.runs.find((run) => run.status === 'passed' || run.status === 'failed');
    const now = this.nowMs();
    if (latest?.finishedAt !== undefined && now < latest.finishedAt + this.options.minIntervalMs) {
      throw new VerifyTooSoonError(
        latest.finishedAt + this.options.minIntervalMs - now,
        view(latest),
      );
    }
    // The callbacks run later, once `state` exists.
    const job = verifyInWorker(this.source(), {
      ...(this.options.progressIntervalMs === undefined
        ? {}
        : { progressIntervalMs: this.options.progressIntervalMs }),
      onProgress: (progress) => (state.progress = progress),
    });
    const finished = job.report.then(
      (report) => {
        state.finishedAt = this.nowMs();
        state.report = report;
        state.status = report.ok ? 'passed' : 'failed';
      },
      (error: unknown) => {
        state.finishedAt = this.nowMs();
        state.error = error instanceof Error ? error.message : String(error);
        state.status = 'error';
      },
    );
    const state: RunState = {
      id: randomUUID(),
      status: 'running',
      startedBy,
      startedAt: now,
      job,
      finished,
    };
    this.runs.unshift(state);
    this.forgetOld();
    return { run: view(state), started: true };
  }

  get(id: string): VerifyRun | undefined {
    const state = this.runs.find((run) => run.id === id);
    return state === undefined ? undefined : view(state);
  }

  /** The runs kept, newest first. */
  list(): VerifyRun[] {
    return this.runs.map(view);
  }

  /** The run once it has finished (it never rejects: a run that could not be carried out has status `error`). */
  async finished(id: string): Promise<VerifyRun> {
    const state = this.runs.find((run) => run.id === id);
    if (state === undefined) throw new Error(`bug: no verification run ${id}`);
    await state.finished;
    return view(state);
  }

  /** Stops a running verification and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.runs) {
      if (run.status === 'running') await run.job.cancel();
    }
    await Promise.all(this.runs.map((run) => run.finished));
  }

  private forgetOld(): void {
    // Never the running one: it is the newest.
    while (this.runs.length > this.keep) this.runs.pop();
  }
}

function view(state: RunState): VerifyRun {
  return {
    id: state.id,
    status: state.status,
    startedBy: state.startedBy,
    startedAt: state.startedAt,
    ...(state.finishedAt === undefined ? {} : { finishedAt: state.finishedAt }),
    ...(state.progress === undefined ? {} : { progress: { ...state.progress } }),
    ...(state.report === undefined ? {} : { report: state.report }),
    ...(state.error === undefined ? {} : { error: state.error }),
  };
}
