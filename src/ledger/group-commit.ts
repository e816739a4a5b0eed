import { TransferFlags } from './flags.js';
import type { AuditEntry } from '../store/records.js';
import { mayBeOneItemsFault } from '../store/store.js';
import type { Ledger } from './ledger.js';
import { BATCH_MAX, type StoredTransfer, type TransferInput } from './model.js';
import type { CreateTransferResult } from './results.js';

export interface GroupCommitOptions {
  /** Most transfers waiting at once; past this, `submit` refuses with `LedgerOverloadedError`. */
  readonly queueMax?: number;
  /** Most transfers in one transaction. */
  readonly batchMax?: number;
  /**
   * How long the first waiting transfer may wait for others before its batch is written. 0 writes
   * once the current turn's callbacks have run: callers woken by one commit all resubmit in the
   * same turn, so they still form one group, without waiting a whole event-loop cycle.
   */
  readonly maxWaitMs?: number;
  /**
   * Groups being written at once. Two let the next group's rules run during a commit, but then each
   * commit carries only the callers that came back from the one before: 64 callers make two fsyncs
   * per 64 transfers instead of one, and both threads of the SQLite store must run at once. Which is
   * faster depends on the disk and on what else runs on the machine, so by default the committer
   * measures both and uses the faster (see `adapt`); a number here fixes it.
   */
  readonly concurrentGroups?: number;
}

/** The queue is full: the caller should back off and retry (HTTP 503 with Retry-After). */
export class LedgerOverloadedError extends Error {
  constructor(readonly queueMax: number) {
    super(`the ledger has ${queueMax} transfers waiting; retry shortly`);
  }
}

/** A single transfer's result and, for `ok`, the transfer as the ledger stored it. */
export interface SubmitOutcome {
  readonly result: CreateTransferResult;
  readonly stored: StoredTransfer | undefined;
}

interface Waiting {
  readonly transfer: TransferInput;
  /** Written with the group, in its transaction. */
  readonly audit: AuditEntry | undefined;
  readonly resolve: (result: CreateTransferResult, stored: StoredTransfer | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: many callers that each submit one transfer are written together, one transaction
 * (and one fsync) per group, and each caller gets its own result. A single transfer is a batch of
 * one, so a `linked` flag on it leaves its chain open, exactly as it would alone.
 */
export class GroupCommitter {
  private readonly queueMax: number;
  private readonly batchMax: number;
  private readonly maxWaitMs: number;
  private concurrentGroups: number;
  private readonly adaptive: boolean;
  /** Transfers written per millisecond with one and with two groups at once, smoothed; 0: not measured yet. */
  private readonly rates = [0, 0];
  private windowStart = performance.now();
  private windowDone = 0;
  private windows = 0;
  private queue: Waiting[] = [];
  private writing = 0;
  private scheduled = false;
  /** Sizes of the batches written, for metrics. */
  readonly batchSizes: number[] = [];

  constructor(
    private readonly ledger: Ledger,
    options: GroupCommitOptions = {},
  ) {
    this.queueMax = options.queueMax ?? 65_536;
    this.batchMax = Math.min(options.batchMax ?? BATCH_MAX, BATCH_MAX);
    this.maxWaitMs = options.maxWaitMs ?? 0;
    this.adaptive = options.concurrentGroups === undefined;
    this.concurrentGroups = options.concurrentGroups ?? 1;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** `audit`, when given, is written in the same transaction as the group that holds `transfer`. */
  submit(transfer: TransferInput, audit?: AuditEntry): Promise<CreateTransferResult> {
    return this.enqueue(transfer, audit, (resolve) => (result) => resolve(result));
  }

  /**
   * Like `submit`, and for `ok` also the stored transfer (timestamp and all), so a caller that
   * answers with it need not read it back; it is handed out only after the commit, like the result.
   */
  submitStored(transfer: TransferInput, audit?: AuditEntry): Promise<SubmitOutcome> {
    return this.enqueue(
      transfer,
      audit,
      (resolve) => (result, stored) => resolve({ result, stored }),
    );
  }

  private enqueue<T>(
    transfer: TransferInput,
    audit: AuditEntry | undefined,
    settle: (resolve: (value: T) => void) => Waiting['resolve'],
  ): Promise<T> {
    if ((transfer.flags & TransferFlags.linked) !== 0) {
      return new Promise((resolve) => settle(resolve)('linked_event_chain_open', undefined));
    }
    if (this.queue.length >= this.queueMax)
      return Promise.reject(new LedgerOverloadedError(this.queueMax));
    return new Promise((resolve, reject) => {
      this.queue.push({ transfer, audit, resolve: settle(resolve), reject });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far has been written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.writing > 0)
      await new Promise((resolve) => setImmediate(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.writing >= this.concurrentGroups) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.flush();
    };
    if (this.maxWaitMs > 0) setTimeout(run, this.maxWaitMs);
    else queueMicrotask(run);
  }

  /**
   * Starts groups while there is room; each finished group makes room for the next. When nothing
   * is being written, the waiting transfers are split across the allowed groups, so that the
   * rules of the second group run while the first one commits, instead of the two threads of the
   * store taking turns; when a group is already being written, everything waiting goes in one.
   */
  private flush(): void {
    while (this.queue.length > 0 && this.writing < this.concurrentGroups) {
      const size =
        this.writing === 0 ? Math.ceil(this.queue.length / this.concurrentGroups) : this.batchMax;
      const take = Math.min(size, this.batchMax);
      const group = this.queue.length <= take ? this.queue : this.queue.slice(0, take);
      this.queue = this.queue.length <= take ? [] : this.queue.slice(take);
      this.writing += 1;
      void this.write(group).finally(() => {
        this.writing -= 1;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async write(group: Waiting[]): Promise<void> {
    this.recordBatchSize(group.length);
    try {
      const audit: AuditEntry[] = [];
      for (const waiting of group) if (waiting.audit !== undefined) audit.push(waiting.audit);
      const outcome = await this.ledger.createTransfers(
        group.map((waiting) => waiting.transfer),
        { audit },
      );
      if (!outcome.ok) throw new Error(`bug: group of ${group.length} refused as ${outcome.error}`);
      // `created` holds one record per `ok`, in order; the id check guards that pairing.
      let next = 0;
      group.forEach((waiting, index) => {
        const result = outcome.results[index] as CreateTransferResult;
        const stored = result === 'ok' ? outcome.created[next++] : undefined;
        waiting.resolve(result, stored?.id === waiting.transfer.id ? stored : undefined);
      });
      if (this.adaptive) this.adapt(group.length);
    } catch (error) {
      // One caller's transfer that the store cannot write must not fail the others grouped with
      // it: the group is halved and each half written on its own, down to the transfer at fault
      // (a few more transactions, once). Errors that every transfer would meet end the group.
      if (group.length > 1 && mayBeOneItemsFault(error)) {
        const half = Math.ceil(group.length / 2);
        await Promise.all([this.write(group.slice(0, half)), this.write(group.slice(half))]);
        return;
      }
      for (const waiting of group) waiting.reject(error);
    }
  }

  /**
   * Counts written transfers in windows of ADAPT_WINDOW_MS. A busy window's rate updates the
   * estimate for the current number of groups; then the faster setting is used, except that every
   * ADAPT_EXPLORE_EVERY-th busy window tries the other one, so the estimates follow the machine.
   * Windows with little traffic say nothing about capacity and change nothing.
   */
  private adapt(written: number): void {
    this.windowDone += written;
    const now = performance.now();
    const elapsed = now - this.windowStart;
    if (elapsed < ADAPT_WINDOW_MS) return;
    if (this.windowDone >= ADAPT_BUSY_TRANSFERS) {
      const current = this.concurrentGroups - 1;
      const other = 1 - current;
      const rate = this.windowDone / elapsed;
      this.rates[current] =
        this.rates[current] === 0 ? rate : ((this.rates[current] as number) + rate) / 2;
      this.windows += 1;
      const explore = this.rates[other] === 0 || this.windows % ADAPT_EXPLORE_EVERY === 0;
      const best = (this.rates[0] as number) >= (this.rates[1] as number) ? 1 : 2;
      this.concurrentGroups = explore ? other + 1 : best;
    }
    this.windowStart = now;
    this.windowDone = 0;
  }

  private recordBatchSize(size: number): void {
    if (this.batchSizes.length >= 10_000) this.batchSizes.splice(0, 5_000);
    this.batchSizes.push(size);
  }
}

const ADAPT_WINDOW_MS = 100;
/** A window with fewer written transfers than this was not limited by the store. */
const ADAPT_BUSY_TRANSFERS = 500;
const ADAPT_EXPLORE_EVERY = 10;
