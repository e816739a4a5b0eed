import { availableParallelism } from 'node:os';
import { parentPort, type Transferable, type Worker } from 'node:worker_threads';
import { startWorker } from '../ledger/worker-thread.js';

/**
 * Pure, synchronous CPU work on worker threads, so that the thread serving requests is not held
 * by it and the machine's other cores take part. A pool keeps up to `size` threads (by default one
 * per available core), each running a worker module (beside the module that makes the pool) that
 * answers every task with `serveWorkerTasks`. Documents' signatures (src/documents/verify-pool.ts)
 * and ISO 20022 messages' schema validation (src/iso20022/reader-pool.ts) are checked this way.
 *
 * - Tasks are queued in arrival order and handed to the least busy thread, at most
 *   `maxInFlight` at a time per thread (so that a thread finds its next task waiting when it
 *   finishes one); results are matched to tasks by id.
 * - Threads start when first needed, not when the pool is made.
 * - A failure surfaces as a rejection with the pool's error class: a task that cannot be sent (a
 *   value that cannot be cloned), an exception in the thread, a thread that died (its in-flight
 *   tasks are rejected and a new thread takes the queue), a pool that is closed.
 * - Threads are unref'd while idle, so an idle pool never keeps the process alive, and ref'd while
 *   they hold a task, so a process waiting for an answer does not exit without it.
 * - `close()` rejects what is queued and terminates the threads.
 */
export class WorkerPool<Task, Result> {
  /** The most threads this pool runs. */
  readonly size: number;
  private readonly threads: Thread<Result>[] = [];
  private readonly queue: Queued<Task, Result>[] = [];
  private queueHead = 0;
  private nextId = 1;
  private closed = false;
  private readonly maxInFlight: number;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  }

  /** Runs `task` on a thread; `transfer` lists buffers moved to it instead of copied. */
  run(task: Task, transfer: readonly Transferable[] = []): Promise<Result> {
    if (this.closed) return Promise.reject(this.error(`the ${this.options.what} pool is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Tasks waiting for a thread, and tasks a thread is working on. */
  get pending(): { queued: number; inFlight: number } {
    return {
      queued: this.queue.length - this.queueHead,
      inFlight: this.threads.reduce((sum, thread) => sum + thread.inFlight.size, 0),
    };
  }

  /** Rejects the queued tasks, terminates the threads (their tasks are rejected), refuses new ones. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const why = `the ${this.options.what} pool was closed`;
    for (let i = this.queueHead; i < this.queue.length; i++) this.queue[i]?.reject(this.error(why));
    this.queue.length = 0;
    this.queueHead = 0;
    const threads = this.threads.splice(0);
    await Promise.all(
      threads.map(async (thread) => {
        thread.retired = true;
        await thread.worker.terminate();
        this.failAll(thread, why);
      }),
    );
  }

  private error(message: string, options?: ErrorOptions): Error {
    return this.options.error(message, options);
  }

  /** Hands queued tasks to threads while some thread has room. */
  private dispatch(): void {
    while (this.queueHead < this.queue.length) {
      const thread = this.threadWithRoom();
      if (thread === undefined) break;
      const item = this.queue[this.queueHead] as Queued<Task, Result>;
      this.queue[this.queueHead++] = undefined as unknown as Queued<Task, Result>;
      const request: WorkerRequest<Task> = { id: item.id, task: item.task };
      try {
        thread.worker.postMessage(request, item.transfer);
      } catch (error) {
        item.reject(
          this.error(
            `the request could not be sent to a ${this.options.what} thread: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          ),
        );
        continue;
      }
      if (thread.inFlight.size === 0) thread.worker.ref();
      thread.inFlight.set(item.id, item);
    }
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  /** An idle thread, else a new one while fewer than `size` run, else the least busy with room. */
  private threadWithRoom(): Thread<Result> | undefined {
    let best: Thread<Result> | undefined;
    for (const thread of this.threads)
      if (
        thread.inFlight.size < this.maxInFlight &&
        (best === undefined || thread.inFlight.size < best.inFlight.size)
      )
        best = thread;
    if (best?.inFlight.size === 0) return best;
    if (this.threads.length < this.size) return this.startThread();
    return best;
  }

  private startThread(): Thread<Result> {
    const worker = startWorker(this.options.importMetaUrl, this.options.workerName, null);
    worker.unref();
    const thread: Thread<Result> = { worker, inFlight: new Map(), retired: false };
    this.threads.push(thread);
    worker.on('message', (response: WorkerResponse<Result>) => {
      const item = thread.inFlight.get(response.id);
      if (item === undefined) return;
      thread.inFlight.delete(response.id);
      if (thread.inFlight.size === 0) worker.unref();
      if (response.ok) item.resolve(response.result);
      else item.reject(this.error(`the ${this.options.what} thread failed: ${response.message}`));
      this.dispatch();
    });
    const lost = (why: string): void => {
      if (thread.retired) return;
      thread.retired = true;
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      this.failAll(thread, why);
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error: Error) =>
      lost(`the ${this.options.what} thread failed: ${error.message}`),
    );
    worker.on('exit', (code: number) =>
      lost(`the ${this.options.what} thread exited (code ${code})`),
    );
    return thread;
  }

  private failAll(thread: Thread<Result>, why: string): void {
    for (const item of thread.inFlight.values()) item.reject(this.error(why));
    thread.inFlight.clear();
  }
}

export interface WorkerPoolOptions {
  /** `import.meta.url` of the module the worker module sits beside. */
  readonly importMetaUrl: string;
  /** The worker module's name, without extension (`.ts` under tsx, `.js` from dist/). */
  readonly workerName: string;
  /** Threads; by default one per available core. */
  readonly size?: number;
  /** Tasks handed to one thread at a time (default 2: one in work, one waiting in its port). */
  readonly maxInFlight?: number;
  /** What the threads do, for messages: "the verifier thread failed: …". */
  readonly what: string;
  /** Makes the pool's errors (its own class, so that callers can tell them apart). */
  readonly error: (message: string, options?: ErrorOptions) => Error;
}

/**
 * In a worker module: answers each task with `run(task)` or with the message of what it threw.
 * The result is sent by structured clone; `transfer(result)` may name buffers to move instead.
 */
export function serveWorkerTasks<Task, Result>(
  run: (task: Task) => Result,
  transfer: (result: Result) => readonly Transferable[] = () => [],
): void {
  const port = parentPort;
  if (port === null) throw new Error('a worker pool module must run as a worker thread');
  port.on('message', (request: WorkerRequest<Task>) => {
    let response: WorkerResponse<Result>;
    let moved: readonly Transferable[] = [];
    try {
      const result = run(request.task);
      moved = transfer(result);
      response = { id: request.id, ok: true, result };
    } catch (error) {
      response = {
        id: request.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      };
    }
    port.postMessage(response, moved);
  });
}

interface WorkerRequest<Task> {
  readonly id: number;
  readonly task: Task;
}

type WorkerResponse<Result> =
  | { readonly id: number; readonly ok: true; readonly result: Result }
  | { readonly id: number; readonly ok: false; readonly message: string };

interface Queued<Task, Result> {
  readonly id: number;
  readonly task: Task;
  readonly transfer: readonly Transferable[];
  resolve(value: Result): void;
  reject(error: Error): void;
}

interface Thread<Result> {
  readonly worker: Worker;
  readonly inFlight: Map<number, Queued<unknown, Result>>;
  /** Terminated or lost: its events no longer count. */
  retired: boolean;
}
