import {
  DuplicateTransferIdError,
  EarlierBatchFailedError,
  RetryableWriteError,
  StoreUnavailableError,
  type WriteTransaction,
} from '../store.js';
import type { AccountCache } from './account-cache.js';
import { SqliteTransaction, type StagedState } from './sqlite-transaction.js';
import { UnitBuilder } from './staging.js';
import { WriteUnitError, type SqliteWriter } from './writer.js';

/** A flush is forced once this many accounts wait for one, which bounds the cache and the replay at open. */
const DIRTY_MAX = 100_000;

/**
 * The SQLite store's writes, batch after batch. `write` runs a batch's work on this thread (a
 * SqliteTransaction over the account cache and StagedState) and hands the unit it collected to
 * the writer thread; the batch's result is released when the writer reports the commit.
 * Meanwhile the next batch is already staged here, on top of the effects of those in flight.
 *
 * If a unit fails, every later unit of its epoch is refused by the writer: the pipeline then waits
 * for the writer to go idle, forgets what it knew (the cache is rebuilt from what is committed)
 * and starts a new epoch; the refused batches reject with a RetryableWriteError, and the Ledger
 * runs them again.
 *
 * Balance columns are written in flushes, not with every batch: see `flushIfDue`.
 */
export class WritePipeline {
  private epoch = 0;
  private mustReset = false;
  private closed = false;
  private staging: Promise<unknown> = Promise.resolve();
  /** Resolves when every unit handed to the writer so far has settled. */
  private settled: Promise<unknown> = Promise.resolve();
  private lastFlushMs = Date.now();
  private flushRequested = false;

  constructor(
    private readonly writer: SqliteWriter,
    private readonly state: StagedState,
    private readonly cache: AccountCache,
    private readonly flushIntervalMs: number,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  async write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the store is closed');
    const staged = this.staging.then(() => this.stage(work));
    this.staging = staged.catch(() => undefined);
    const { result, committed } = await staged;
    await committed;
    return result;
  }

  /**
   * Reads at a point in the order of batches: what every batch staged before it wrote, returned
   * once all of those have committed. So a read never sees a batch that might still fail.
   */
  async consistentRead<T>(read: () => T): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.write(async () => read());
      } catch (error) {
        if (!(error instanceof RetryableWriteError) || attempt >= 5) throw error;
      }
    }
  }

  /** Writes out the balances only held in memory with an empty batch, unless there are none. */
  flushWhenIdle(): void {
    if (this.cache.changedCount === 0 || this.closed) return;
    this.flushRequested = true;
    void this.write(async () => undefined).catch(() => undefined);
  }

  /** Writes out every balance still only in memory, refuses further writes and waits for the writer to go idle. */
  async close(): Promise<void> {
    this.flushRequested = true;
    await this.write(async () => undefined).catch(() => undefined);
    this.closed = true;
    await this.staging;
    await this.settled;
  }

  /** Runs one batch's work on this thread and hands its unit to the writer; one at a time. */
  private async stage<T>(
    work: (transaction: WriteTransaction) => Promise<T>,
  ): Promise<{ result: T; committed: Promise<unknown> }> {
    if (this.mustReset) await this.reset();
    this.cache.shrinkIfClean(this.writer.inFlight);
    const allocate = (bytes: number): ArrayBuffer => this.writer.takeBuffer(bytes);
    const unit = new UnitBuilder(this.epoch, allocate);
    let result: T;
    try {
      result = await work(new SqliteTransaction(unit, this.state, this.cache, allocate));
    } catch (error) {
      // The rules may have changed cached balances in place: start again from what is committed.
      this.mustReset = true;
      throw error;
    }
    this.flushIfDue(unit);
    // Even a batch that writes nothing may have read effects of batches still in flight, so its
    // results wait for them too; if one of them fails, so does this batch (and it is run again).
    if (!unit.empty) this.state.inFlight.add(unit);
    const committed = unit.empty
      ? this.settled.then(() => this.requireEpoch(unit.epoch))
      : this.submit(unit);
    this.settled = committed.catch(() => undefined);
    return { result, committed };
  }

  private requireEpoch(epoch: number): void {
    if (this.mustReset || epoch !== this.epoch)
      throw new EarlierBatchFailedError('an earlier batch it read from was not written');
  }

  private submit(unit: UnitBuilder): Promise<void> {
    return this.writer.submit(unit.build()).then(
      () => this.state.inFlight.forget(unit),
      (error: unknown) => {
        this.mustReset = true;
        if (error instanceof WriteUnitError && error.failure === 'duplicate_transfer_id')
          throw new DuplicateTransferIdError();
        if (error instanceof WriteUnitError && error.failure === 'reset')
          throw new EarlierBatchFailedError(error.message);
        if (error instanceof WriteUnitError && error.failure === 'stale')
          throw new RetryableWriteError(error.message);
        if (error instanceof WriteUnitError && error.failure === 'unavailable')
          throw new StoreUnavailableError(
            `the SQLite database cannot be written: ${error.message}`,
            { cause: error },
          );
        throw error;
      },
    );
  }

  /** Waits for the writer to go idle, then starts over from what is committed. */
  private async reset(): Promise<void> {
    await this.settled;
    this.state.forget();
    this.epoch += 1;
    this.mustReset = false;
    this.cache.recover();
  }

  /**
   * Balance columns are written in flushes, not with every batch: a batch of single transfers to
   * random accounts otherwise rewrote a page per account, which was most of what its commit cost.
   * A flush rides on the batch being staged and carries every account changed since the last one.
   */
  private flushIfDue(unit: UnitBuilder): void {
    if (this.cache.changedCount === 0) return;
    const due =
      this.flushRequested ||
      this.cache.changedCount >= DIRTY_MAX ||
      Date.now() - this.lastFlushMs >= this.flushIntervalMs;
    if (!due) return;
    unit.flushBalances(this.cache.takeChanged(), this.state.lastJournalEntry()?.seq ?? 0n);
    this.flushRequested = false;
    this.lastFlushMs = Date.now();
  }
}
