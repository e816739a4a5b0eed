import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../ledger/worker-thread.js';
import type {
  WriteFailure,
  WriteUnit,
  WriterOptions,
  WriterReply,
  WriterRequest,
} from './writer-protocol.js';

/** A unit the writer refused; `failure` says why. */
export class WriteUnitError extends Error {
  constructor(
    readonly failure: WriteFailure,
    message: string,
  ) {
    super(`the SQLite writer refused a batch (${failure}): ${message}`);
  }
}

/**
 * The main-thread handle of the writer thread: `submit` sends a unit and resolves when it is
 * durably committed, or rejects with WriteUnitError.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: () => void; reject: (error: Error) => void }
  >();
  private nextUnitId = 1;
  private crashed: Error | undefined;
  /** Buffers the writer thread has handed back, smallest first; see takeBuffer. */
  private readonly spareBuffers: ArrayBuffer[] = [];

  constructor(options: WriterOptions) {
    this.worker = startWorker(import.meta.url, 'writer-worker', options);
    this.worker.on('message', (message: WriterReply) => this.settle(message));
    this.worker.on('error', (error: Error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      if (this.waiting.size > 0)
        this.failAll(new Error(`the SQLite writer thread exited (${code})`));
    });
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  submit(unit: Omit<WriteUnit, 'unitId'>): Promise<void> {
    if (this.crashed !== undefined) return Promise.reject(this.crashed);
    const unitId = this.nextUnitId++;
    const full: WriteUnit = { ...unit, unitId };
    const transfer = [full.transfers, full.previous, full.pending, full.resolutions, full.balances]
      .filter((part): part is Uint8Array | BigInt64Array => part !== undefined)
      .map((part) => part.buffer as ArrayBuffer);
    return new Promise((resolve, reject) => {
      this.waiting.set(unitId, { resolve, reject });
      const request: WriterRequest = { type: 'unit', unit: full };
      this.worker.postMessage(request, transfer);
    });
  }

  /**
   * A buffer of at least `bytes` for a unit's encoded transfers or other typed arrays: one the
   * writer thread has handed back, or a new one. A new buffer for every unit lived until the
   * writer thread's next garbage collection, which at 25 batches a second let tens of megabytes of
   * them pile up; with two units in flight, a few buffers now go round.
   */
  takeBuffer(bytes: number): ArrayBuffer {
    const index = this.spareBuffers.findIndex((buffer) => buffer.byteLength >= bytes);
    if (index >= 0) return this.spareBuffers.splice(index, 1)[0] as ArrayBuffer;
    return new ArrayBuffer(Math.ceil(bytes / BUFFER_GRANULE_BYTES) * BUFFER_GRANULE_BYTES);
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    const request: WriterRequest = { type: 'close' };
    this.worker.postMessage(request);
    await exited;
  }

  private settle(message: WriterReply): void {
    const waiter = this.waiting.get(message.unitId);
    if (waiter === undefined) return;
    this.waiting.delete(message.unitId);
    for (const buffer of message.buffers ?? []) this.keepSpare(buffer);
    if (message.ok) waiter.resolve();
    else waiter.reject(new WriteUnitError(message.failure, message.message));
  }

  private keepSpare(buffer: ArrayBuffer): void {
    const index = this.spareBuffers.findIndex((spare) => spare.byteLength >= buffer.byteLength);
    this.spareBuffers.splice(index < 0 ? this.spareBuffers.length : index, 0, buffer);
    // Past the limit the smallest goes: a buffer that fits a big batch also fits a small one.
    if (this.spareBuffers.length > SPARE_BUFFERS_MAX) this.spareBuffers.shift();
  }

  private failAll(error: Error): void {
    this.crashed = error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

/** Spare buffers kept at most: two units in flight use two or three pairs. */
const SPARE_BUFFERS_MAX = 8;
/** Buffers are made in multiples of this, so that batches of nearly the same size share them. */
const BUFFER_GRANULE_BYTES = 64 * 1024;
