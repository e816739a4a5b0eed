import { LedgerOverloadedError } from '../ledger/group-commit.js';
import { mayBeOneItemsFault } from '../store/store.js';

/**
 * Most items a Batcher lets wait by default: the ledger's group commit lets as many transfers wait
 * (GroupCommitter's `queueMax`), and past that, as there, a caller is told to retry instead of
 * queueing without bound while the store falls behind.
 */
export const BATCHER_QUEUE_MAX = 65_536;

/**
 * A Batcher's queue is full. It is the ledger's overload error (the API answers both with 503
 * `ledger_overloaded` and Retry-After), naming what waits.
 */
export class BatcherOverloadedError extends LedgerOverloadedError {
  constructor(queueMax: number, what: string) {
    super(queueMax);
    this.message = `${queueMax} ${what} are waiting to be written; retry shortly`;
  }
}

export interface BatcherOptions {
  /** Most items in one group (one transaction). */
  readonly maxItems: number;
  /** Groups being run at once. */
  readonly concurrentGroups: number;
  /** Most items waiting at once; past this, `submit` refuses with BatcherOverloadedError. Default BATCHER_QUEUE_MAX. */
  readonly queueMax?: number;
  /** What the items are, for the overload message (`FX executions`); default `items`. */
  readonly what?: string;
}

/**
 * Group commit for hub operations: callers submit one item each; items waiting together are run
 * by `run` as one group (one store transaction, one fsync), and each caller gets its own outcome.
 * `run` returns one outcome per item, in order: a value, or an Error for that item alone (a
 * refused payment does not fail its neighbours, whose linked chains are independent). If `run`
 * itself throws, the group is split to find the item at fault (see `runGroup`); an error that is no
 * item's fault (the database is unreachable) goes to every item of the group.
 */
export class Batcher<Item, Result> {
  private queue: Waiting<Item, Result>[] = [];
  private running = 0;
  private scheduled = false;
  private readonly queueMax: number;

  constructor(
    private readonly run: (items: readonly Item[]) => Promise<readonly (Result | Error)[]>,
    private readonly options: BatcherOptions,
  ) {
    this.queueMax = options.queueMax ?? BATCHER_QUEUE_MAX;
    if (!Number.isSafeInteger(this.queueMax) || this.queueMax < 1)
      throw new Error(`bug: a Batcher's queueMax must be a positive integer, not ${this.queueMax}`);
  }

  /** The item's outcome; BatcherOverloadedError at once, and nothing run, when the queue is full. */
  submit(item: Item): Promise<Result> {
    if (this.queue.length >= this.queueMax)
      return Promise.reject(
        new BatcherOverloadedError(this.queueMax, this.options.what ?? 'items'),
      );
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.concurrentGroups) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.running < this.options.concurrentGroups) {
      const share =
        this.running === 0
          ? Math.ceil(this.queue.length / this.options.concurrentGroups)
          : this.queue.length;
      const group = this.queue.splice(0, Math.min(share, this.options.maxItems));
      this.running += 1;
      void this.runGroup(group).finally(() => {
        this.running -= 1;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  /**
   * Runs one group. If the whole group fails with an error one of its items may have caused (the
   * store could not write something it holds), the group is halved and each half run on its own,
   * down to the item at fault, so that only that item's caller gets the error.
   */
  private async runGroup(group: readonly Waiting<Item, Result>[]): Promise<void> {
    let outcomes: readonly (Result | Error)[];
    try {
      outcomes = await this.run(group.map((waiting) => waiting.item));
    } catch (error) {
      if (group.length > 1 && mayBeOneItemsFault(error)) {
        const half = Math.ceil(group.length / 2);
        await Promise.all([this.runGroup(group.slice(0, half)), this.runGroup(group.slice(half))]);
      } else {
        for (const waiting of group) waiting.reject(error);
      }
      return;
    }
    group.forEach((waiting, index) => {
      const outcome = outcomes[index];
      if (outcome instanceof Error) waiting.reject(outcome);
      else waiting.resolve(outcome as Result);
    });
  }
}

interface Waiting<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}
