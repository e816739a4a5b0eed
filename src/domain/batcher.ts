import { mayBeOneItemsFault } from '../store/store.js';

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

  constructor(
    private readonly run: (items: readonly Item[]) => Promise<readonly (Result | Error)[]>,
    private readonly options: { readonly maxItems: number; readonly concurrentGroups: number },
  ) {}

  submit(item: Item): Promise<Result> {
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
