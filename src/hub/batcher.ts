/**
 * Group commit for hub operations: callers submit one item each; items waiting together are run
 * by `run` as one group (one store transaction, one fsync), and each caller gets its own outcome.
 * `run` returns one outcome per item, in order: a value, or an Error for that item alone (a
 * refused payment does not fail its neighbours, whose linked chains are independent). If `run`
 * itself throws, every item of the group gets that error.
 */
export class Batcher<Item, Result> {
  private queue: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
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
      const share = this.running === 0 ? Math.ceil(this.queue.length / this.options.concurrentGroups) : this.queue.length;
      const group = this.queue.splice(0, Math.min(share, this.options.maxItems));
      this.running += 1;
      void this.run(group.map((waiting) => waiting.item)).then(
        (outcomes) => group.forEach((waiting, index) => {
          const outcome = outcomes[index];
          if (outcome instanceof Error) waiting.reject(outcome);
          else waiting.resolve(outcome as Result);
        }),
        (error: unknown) => group.forEach((waiting) => waiting.reject(error)),
      ).finally(() => {
        this.running -= 1;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }
}
