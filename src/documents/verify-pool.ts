import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../ledger/worker-thread.js';
import type { AlgorithmCheck, HybridSignature, PublicKeyJson } from './signature.js';
import type { VerificationReport, VerifyContext } from './verify.js';

/**
 * Document verification on worker threads. An ML-DSA-65 verification costs about 1.4 ms and an
 * Ed25519 one about 1.2 ms of CPU (noble, pure JavaScript), so a hub that verified documents on
 * the thread that serves requests would serve nothing else meanwhile, and would use one core of
 * the machine's several. `VerifierPool` keeps `size` worker threads (by default one per available
 * core) running src/documents/verify-pool-worker.ts, which does the same pure, synchronous work as
 * the calling thread would (`verifyDocument`, verify.ts), and answers each request with its result.
 * The request carries the document and the whole context (the register snapshot included) by
 * structured clone; give the document as the JSON text it arrived as, when there is one, which
 * clones for less than the parsed value.
 *
 * - Requests are queued in arrival order and handed to the least busy thread, at most
 *   `MAX_IN_FLIGHT` at a time per thread (so that a thread finds its next request waiting when it
 *   finishes one); results are matched to requests by id.
 * - Threads start when first needed, not when the pool is made.
 * - A failure surfaces as a rejection (`VerifierPoolError`): a request that cannot be sent (a value
 *   that cannot be cloned), an exception in the thread, a thread that died (its in-flight requests
 *   are rejected and a new thread takes the queue), a pool that is closed.
 * - Threads are unref'd while idle, so an idle pool never keeps the process alive, and ref'd while
 *   they hold a request, so a process waiting for an answer does not exit without it.
 * - `close()` rejects what is queued and terminates the threads.
 */
export class VerifierPool {
  private static sharedPool: VerifierPool | undefined;

  /** The process's pool, made on first use with one thread per available core. */
  static shared(): VerifierPool {
    VerifierPool.sharedPool ??= new VerifierPool();
    return VerifierPool.sharedPool;
  }

  /** The most threads this pool runs. */
  readonly size: number;
  private readonly threads: Thread[] = [];
  private readonly queue: Queued[] = [];
  private queueHead = 0;
  private nextId = 1;
  private closed = false;

  constructor(options: { size?: number } = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
  }

  /** `verifyDocument` (verify.ts) on a worker thread: the same report, every check with its reason. */
  verify(input: unknown, context: VerifyContext): Promise<VerificationReport> {
    return this.run({ kind: 'document', input, context }) as Promise<VerificationReport>;
  }

  /**
   * `verifyDigest` (signature.ts) on a worker thread: the two verdicts on a hybrid signature over a
   * document digest.
   */
  verifyDigest(
    digestHex: string,
    signature: HybridSignature,
    publicKey: PublicKeyJson,
  ): Promise<{ mlDsa65: AlgorithmCheck; ed25519: AlgorithmCheck }> {
    return this.run({ kind: 'digest', digestHex, signature, publicKey }) as Promise<{
      mlDsa65: AlgorithmCheck;
      ed25519: AlgorithmCheck;
    }>;
  }

  /** Requests waiting for a thread, and requests a thread is working on. */
  get pending(): { queued: number; inFlight: number } {
    return {
      queued: this.queue.length - this.queueHead,
      inFlight: this.threads.reduce((sum, thread) => sum + thread.inFlight.size, 0),
    };
  }

  /**
   * Rejects the queued requests, terminates the threads (their in-flight requests are rejected)
   * and refuses new requests. Closing the shared pool lets `shared()` make a new one.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (VerifierPool.sharedPool === this) VerifierPool.sharedPool = undefined;
    for (let i = this.queueHead; i < this.queue.length; i++)
      this.queue[i]?.reject(new VerifierPoolError('the verifier pool was closed'));
    this.queue.length = 0;
    this.queueHead = 0;
    const threads = this.threads.splice(0);
    await Promise.all(
      threads.map(async (thread) => {
        thread.retired = true;
        await thread.worker.terminate();
        failAll(thread, 'the verifier pool was closed');
      }),
    );
  }

  private run(task: PoolTask): Promise<unknown> {
    if (this.closed) return Promise.reject(new VerifierPoolError('the verifier pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  /** Hands queued requests to threads while some thread has room. */
  private dispatch(): void {
    while (this.queueHead < this.queue.length) {
      const thread = this.threadWithRoom();
      if (thread === undefined) break;
      const item = this.queue[this.queueHead] as Queued;
      this.queue[this.queueHead++] = undefined as unknown as Queued;
      const request: PoolRequest = { id: item.id, task: item.task };
      try {
        thread.worker.postMessage(request);
      } catch (error) {
        item.reject(
          new VerifierPoolError(
            `the request could not be sent to a verifier thread: ${error instanceof Error ? error.message : String(error)}`,
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
  private threadWithRoom(): Thread | undefined {
    let best: Thread | undefined;
    for (const thread of this.threads)
      if (
        thread.inFlight.size < MAX_IN_FLIGHT &&
        (best === undefined || thread.inFlight.size < best.inFlight.size)
      )
        best = thread;
    if (best?.inFlight.size === 0) return best;
    if (this.threads.length < this.size) return this.startThread();
    return best;
  }

  private startThread(): Thread {
    const worker = startWorker(import.meta.url, WORKER_NAME, null);
    worker.unref();
    const thread: Thread = { worker, inFlight: new Map(), retired: false };
    this.threads.push(thread);
    worker.on('message', (response: PoolResponse) => {
      const item = thread.inFlight.get(response.id);
      if (item === undefined) return;
      thread.inFlight.delete(response.id);
      if (thread.inFlight.size === 0) worker.unref();
      if (response.ok) item.resolve(response.result);
      else item.reject(new VerifierPoolError(`the verifier thread failed: ${response.message}`));
      this.dispatch();
    });
    const lost = (why: string): void => {
      if (thread.retired) return;
      thread.retired = true;
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      failAll(thread, why);
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error: Error) => lost(`the verifier thread failed: ${error.message}`));
    worker.on('exit', (code: number) => lost(`the verifier thread exited (code ${code})`));
    return thread;
  }
}

/** A request the pool could not carry out: see `VerifierPool`. */
export class VerifierPoolError extends Error {
  override readonly name = 'VerifierPoolError';
}

/** What the calling thread sends the worker (verify-pool-worker.ts). */
export type PoolTask =
  | { readonly kind: 'document'; readonly input: unknown; readonly context: VerifyContext }
  | {
      readonly kind: 'digest';
      readonly digestHex: string;
      readonly signature: HybridSignature;
      readonly publicKey: PublicKeyJson;
    };

export interface PoolRequest {
  readonly id: number;
  readonly task: PoolTask;
}

/** What the worker answers: the result of the task, or the message of what it threw. */
export type PoolResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** The worker module beside this file (`.ts` under tsx, `.js` from dist/). */
const WORKER_NAME = 'verify-pool-worker';
/** Requests handed to one thread at a time: one in work, one waiting in its port. */
const MAX_IN_FLIGHT = 2;

interface Queued {
  readonly id: number;
  readonly task: PoolTask;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Thread {
  readonly worker: Worker;
  readonly inFlight: Map<number, Queued>;
  /** Terminated or lost: its events no longer count. */
  retired: boolean;
}

function failAll(thread: Thread, why: string): void {
  for (const item of thread.inFlight.values()) item.reject(new VerifierPoolError(why));
  thread.inFlight.clear();
}
