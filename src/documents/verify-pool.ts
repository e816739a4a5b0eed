import { WorkerPool } from '../domain/worker-pool.js';
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
 * The threads are a `WorkerPool` (src/domain/worker-pool.ts: queueing, thread loss, closing, and
 * keeping the process alive only while an answer is awaited); its failures are `VerifierPoolError`.
 */
export class VerifierPool {
  private static sharedPool: VerifierPool | undefined;

  /** The process's pool, made on first use with one thread per available core. */
  static shared(): VerifierPool {
    VerifierPool.sharedPool ??= new VerifierPool();
    return VerifierPool.sharedPool;
  }

  private readonly pool: WorkerPool<PoolTask, unknown>;

  constructor(options: { size?: number } = {}) {
    this.pool = new WorkerPool({
      importMetaUrl: import.meta.url,
      workerName: 'verify-pool-worker',
      ...(options.size === undefined ? {} : { size: options.size }),
      what: 'verifier',
      error: (message, errorOptions) => new VerifierPoolError(message, errorOptions),
    });
  }

  /** The most threads this pool runs. */
  get size(): number {
    return this.pool.size;
  }

  /** `verifyDocument` (verify.ts) on a worker thread: the same report, every check with its reason. */
  verify(input: unknown, context: VerifyContext): Promise<VerificationReport> {
    return this.pool.run({ kind: 'document', input, context }) as Promise<VerificationReport>;
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
    return this.pool.run({ kind: 'digest', digestHex, signature, publicKey }) as Promise<{
      mlDsa65: AlgorithmCheck;
      ed25519: AlgorithmCheck;
    }>;
  }

  /** Requests waiting for a thread, and requests a thread is working on. */
  get pending(): { queued: number; inFlight: number } {
    return this.pool.pending;
  }

  /**
   * Rejects the queued requests, terminates the threads (their in-flight requests are rejected)
   * and refuses new requests. Closing the shared pool lets `shared()` make a new one.
   */
  async close(): Promise<void> {
    if (VerifierPool.sharedPool === this) VerifierPool.sharedPool = undefined;
    await this.pool.close();
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
