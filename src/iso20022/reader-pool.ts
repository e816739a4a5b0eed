/**
 * Reading inbound messages on worker threads. Parsing and validating a message against its XSD
 * (libxml2 compiled to WebAssembly) and walking its tree is most of what a message costs the hub:
 * about 0.2 ms for a one-transaction pacs.008 and 40 ms for one of 1,000 transactions, measured
 * (docs/benchmarks.md). Done on the thread that serves requests, it holds every other request
 * meanwhile and leaves the machine's other cores idle; here a `WorkerPool` of threads running
 * reader-pool-worker.ts does it (`readInbound`, the same function, and the SHA-256 of the bytes),
 * and the serving thread only maps and books what comes back.
 *
 * A large message (a file of some hundreds of transactions and more) is read on the calling
 * thread instead: copying its content back from a thread (about 7 ms for 1,000 transactions) and
 * waiting for the hand-over made a file sent on its own slower, not faster (measured,
 * docs/benchmarks.md).
 */
import { createHash } from 'node:crypto';
import { WorkerPool } from '../domain/worker-pool.js';
import { readInbound, type InboundMessage } from './inbound.js';
import { IsoFormatError, type IsoFormatCode, type OriginalHeader } from './xml.js';

/** A message read: its content and the SHA-256 (hex) of its bytes. */
export interface ReadMessage {
  readonly message: InboundMessage;
  readonly hash: string;
}

/**
 * What a thread answers for one message: the message read, the IsoFormatError it was refused with,
 * or what else the reader threw (a fault of that message's reading alone: the other messages of
 * its batch are answered as usual).
 */
export type ReaderResult =
  | { readonly read: ReadMessage }
  | { readonly failed: string }
  | {
      readonly refused: {
        readonly code: IsoFormatCode;
        readonly message: string;
        readonly errors: readonly { path: string; message: string }[];
        readonly original?: OriginalHeader;
      };
    };

/** A failure of the pool itself (a thread that died, a closed pool), not of a message. */
export class IsoReaderPoolError extends Error {
  override readonly name = 'IsoReaderPoolError';
}

export class IsoReaderPool {
  private static sharedPool: IsoReaderPool | undefined;

  /** The process's pool, made on first use. */
  static shared(): IsoReaderPool {
    IsoReaderPool.sharedPool ??= new IsoReaderPool();
    return IsoReaderPool.sharedPool;
  }

  private readonly pool: WorkerPool<readonly Uint8Array[], string>;
  /** Messages waiting for the next batch. */
  private waiting: Waiting[] = [];
  private waitingBytes = 0;
  private inFlight = 0;
  private scheduled = false;

  constructor(options: { size?: number } = {}) {
    this.pool = new WorkerPool({
      importMetaUrl: import.meta.url,
      workerName: 'reader-pool-worker',
      size: options.size ?? 1,
      maxInFlight: 1,
      what: 'ISO 20022 reader',
      error: (message, errorOptions) => new IsoReaderPoolError(message, errorOptions),
    });
  }

  /**
   * `readInbound(xml)` and the bytes' SHA-256 on a worker thread: the same message, or the same
   * IsoFormatError, as on this thread. A string is read as its UTF-8 bytes.
   */
  async read(xml: string | Uint8Array): Promise<ReadMessage> {
    if ((typeof xml === 'string' ? xml.length : xml.byteLength) >= READ_HERE_FROM_BYTES)
      return readHere(xml);
    // A copy of exactly the message's bytes, moved to the thread (a Buffer may be a slice of a
    // larger shared one, which would be copied whole).
    const bytes = typeof xml === 'string' ? new TextEncoder().encode(xml) : new Uint8Array(xml);
    const result = await new Promise<ReaderResult>((resolve, reject) => {
      this.waiting.push({ bytes, resolve, reject });
      this.waitingBytes += bytes.byteLength;
      this.schedule();
    });
    if ('read' in result) return result.read;
    if ('failed' in result)
      throw new IsoReaderPoolError(`the ISO 20022 reader failed: ${result.failed}`);
    const { code, message, errors, original } = result.refused;
    throw new IsoFormatError(code, message, errors, original);
  }

  /** Messages waiting for a thread, and batches a thread is reading. */
  get pending(): { waiting: number; batches: number } {
    return { waiting: this.waiting.length, batches: this.inFlight };
  }

  /** Terminates the threads; closing the shared pool lets `shared()` make a new one. */
  async close(): Promise<void> {
    if (IsoReaderPool.sharedPool === this) IsoReaderPool.sharedPool = undefined;
    await this.pool.close();
  }

  /**
   * Messages that arrive while every thread is busy wait and go together, as one batch, to the
   * next thread free: one wake-up of a thread per batch, not per message.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.pool.size) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }

  private send(): void {
    while (this.waiting.length > 0 && this.inFlight < this.pool.size) {
      let count = 0;
      let bytes = 0;
      while (
        count < this.waiting.length &&
        (count === 0 || (count < BATCH_MAX && bytes < BATCH_MAX_BYTES))
      ) {
        bytes += (this.waiting[count] as Waiting).bytes.byteLength;
        count += 1;
      }
      const batch = this.waiting.splice(0, count);
      this.waitingBytes -= bytes;
      this.inFlight += 1;
      this.pool
        .run(
          batch.map((item) => item.bytes),
          batch.map((item) => item.bytes.buffer),
        )
        .then(
          (json) => {
            // JSON text: parsed here in about half the time a structured clone of the same
            // objects takes to arrive.
            const results = JSON.parse(json) as ReaderResult[];
            batch.forEach((item, index) => item.resolve(results[index] as ReaderResult));
          },
          (error: unknown) => batch.forEach((item) => item.reject(error as Error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          if (this.waiting.length > 0) this.schedule();
        });
    }
  }
}

interface Waiting {
  readonly bytes: Uint8Array<ArrayBuffer>;
  resolve(result: ReaderResult): void;
  reject(error: Error): void;
}

/** Messages of this many bytes or more are read on the calling thread (see the file comment). */
const READ_HERE_FROM_BYTES = 256 * 1024;

/**
 * One message of a batch, as a thread answers it (reader-pool-worker.ts): never throws, so that
 * one message whose reading fails unexpectedly fails only itself, not the messages batched with it.
 */
export function readOne(
  bytes: Uint8Array,
  read: (bytes: Uint8Array) => InboundMessage = readInbound,
): ReaderResult {
  try {
    const message = read(bytes);
    return { read: { message, hash: createHash('sha256').update(bytes).digest('hex') } };
  } catch (error) {
    if (!(error instanceof IsoFormatError))
      return { failed: error instanceof Error ? error.message : String(error) };
    const { code, message, errors, original } = error;
    return {
      refused: { code, message, errors, ...(original === undefined ? {} : { original }) },
    };
  }
}

/** `readInbound` and the SHA-256 of the bytes, on this thread. */
export async function readHere(xml: string | Uint8Array): Promise<ReadMessage> {
  await Promise.resolve();
  const message = readInbound(xml);
  return { message, hash: createHash('sha256').update(xml).digest('hex') };
}

/** At most this many messages, or about this many bytes, go to a thread at once. */
const BATCH_MAX = 256;
const BATCH_MAX_BYTES = 1 << 20;
