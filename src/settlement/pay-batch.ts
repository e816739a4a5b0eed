import type { LedgerTransaction } from '../ledger/ledger.js';
import { BATCH_MAX, type TransferInput } from '../ledger/model.js';
import type { Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import { chainOutcome, type Leg } from './legs.js';

/**
 * Many payments in one ledger transaction and one batch (PaymentService.payBatch). Each payment
 * is its own linked chain, the same transfers `pay` writes (so an id stored by either answers
 * `exists` to both). Two modes:
 *
 * - per payment (`atomic: false`): each chain posts or fails on its own, and each outcome is its
 *   own: a refused request or a refused chain fails only that item;
 * - atomic: all post or none does. If any item is refused, or a stored id (`exists`) stands
 *   beside new payments (booking the rest would book part of the batch), the transaction is rolled
 *   back whole: the refused items keep their own refusal, every other item gets
 *   `BatchRejectedError` naming the first item at fault (a stored one keeps `exists`); payBatch's
 *   `extra` then runs in a transaction of its own. A batch whose every id is stored (a retry)
 *   answers `exists` for each.
 *
 * Atomicity comes from the transaction, not from linking every chain into one: linking would
 * change the last leg's flags, and an id stored by `pay` would then read as "used with different
 * content" instead of `exists`.
 */

/** Most payments in one batch: an interbank payment is two transfers, and a batch holds BATCH_MAX. */
export const PAY_BATCH_MAX = Math.floor(BATCH_MAX / 2);

/** An item of an atomic batch that was refused only because another item was. */
export class BatchRejectedError extends HubError {
  constructor(
    /** The index of the item at fault. */
    readonly culprit: number,
    cause: HubError | 'exists',
    id: string,
  ) {
    super('payment_refused', {
      field: 'id',
      message:
        cause === 'exists'
          ? `rejected with the batch: payment ${id} (item ${culprit}) was written before, and a batch is booked whole or not at all`
          : `rejected with the batch: payment ${id} (item ${culprit}) was refused: ${cause.message}`,
    });
  }
}

/** What the batch needs of a checked payment request. */
export interface BatchPayment {
  readonly id: string;
  readonly legs: readonly Leg[];
  readonly inputs: readonly TransferInput[];
}

export interface BatchOptions<Result> {
  readonly atomic: boolean;
  /**
   * Runs inside the batch's transaction with every item's outcome (the caller's documents, audit
   * entries, events), and commits with it. It may run more than once (a transaction retried after a
   * conflict), so it must have no effect outside `tx`.
   */
  readonly extra?: (
    tx: LedgerTransaction,
    results: readonly (Result | HubError)[],
  ) => Promise<void>;
}

/**
 * Requests checked and planned by `prepareBatch`, for `writeBatchIn`: opaque to callers (its items
 * cannot be made but by `prepareBatch`), and joined with others into one batch by `join`.
 */
export class PreparedBatch {
  readonly #items: readonly (BatchPayment | HubError)[];

  constructor(items: readonly (BatchPayment | HubError)[]) {
    this.#items = items;
  }

  get length(): number {
    return this.#items.length;
  }

  static items(batch: PreparedBatch): readonly (BatchPayment | HubError)[] {
    return batch.#items;
  }

  /** One batch of the requests of `batches`, in order. */
  static join(batches: readonly PreparedBatch[]): PreparedBatch {
    return new PreparedBatch(batches.flatMap((batch) => batch.#items));
  }
}

/** Consecutive items of one actor together (a batch of one caller is one group). */
export function groupByActor<Item extends { readonly actor: Actor }>(
  items: readonly Item[],
): Item[][] {
  const groups: Item[][] = [];
  for (const item of items) {
    const last = groups.at(-1);
    if (last !== undefined && (last[0] as Item).actor === item.actor) last.push(item);
    else groups.push([item]);
  }
  return groups;
}

/**
 * An atomic batch that cannot be booked whole, found after its transfers were staged: thrown out
 * of the transaction, which rolls it back, with every item's outcome.
 */
export class AtomicBatchRefused<Result> extends Error {
  override readonly name = 'AtomicBatchRefused';
  constructor(readonly outcomes: readonly (Result | HubError)[]) {
    super('an atomic batch is refused: nothing of it may be written');
  }
}

/**
 * Writes the checked items (a HubError for each request refused before the transaction; `ids` are
 * the requests' ids, in the same order) inside `tx` as its one ledger batch, and returns one
 * outcome per item: `result(item, status)` or a HubError. `written` adds what goes with the
 * payments created (documents, audit entries). An atomic batch refused after its transfers were
 * staged throws AtomicBatchRefused: the caller lets it end the transaction.
 */
export async function writePaymentBatch<Item extends BatchPayment, Result>(
  tx: LedgerTransaction,
  ids: readonly string[],
  items: readonly (Item | HubError)[],
  atomic: boolean,
  hooks: {
    readonly result: (item: Item, status: 'created' | 'exists') => Result;
    readonly written: (tx: LedgerTransaction, created: readonly Item[]) => Promise<void>;
  },
): Promise<(Result | HubError)[]> {
  const outcomes = new Array<Result | HubError>(items.length);
  const chains: { index: number; item: Item }[] = [];
  items.forEach((item, index) => {
    if (item instanceof HubError) outcomes[index] = item;
    else chains.push({ index, item });
  });
  const refused = items.findIndex((item) => item instanceof HubError);
  if (atomic && refused >= 0) {
    rejectWith(ids, outcomes, refused, outcomes[refused] as HubError);
    return outcomes;
  }
  const inputs = chains.flatMap((chain) => chain.item.inputs);
  const results = inputs.length === 0 ? [] : await tx.createTransfers(inputs);
  const created: Item[] = [];
  let offset = 0;
  for (const { index, item } of chains) {
    const chainResults = results.slice(offset, offset + item.inputs.length);
    offset += item.inputs.length;
    try {
      const { status } = chainOutcome(item.legs, chainResults, { payerField: 'payer' });
      outcomes[index] = hooks.result(item, status);
      if (status === 'created') created.push(item);
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      outcomes[index] = error;
    }
  }
  if (atomic && chains.length > 0) {
    const culprit = chains.find((chain) => outcomes[chain.index] instanceof HubError);
    if (culprit !== undefined) {
      rejectWith(ids, outcomes, culprit.index, outcomes[culprit.index] as HubError);
      throw new AtomicBatchRefused(outcomes);
    }
    if (created.length > 0 && created.length < chains.length) {
      // Stored ids beside new ones: the stored keep `exists`, the new are refused with the batch.
      const stored = chains.find((chain) => !created.includes(chain.item)) as (typeof chains)[0];
      for (const chain of chains)
        if (created.includes(chain.item))
          outcomes[chain.index] = new BatchRejectedError(stored.index, 'exists', stored.item.id);
      throw new AtomicBatchRefused(outcomes);
    }
  }
  if (created.length > 0) await hooks.written(tx, created);
  return outcomes;
}

/** Every item not refused on its own refused with the batch, because of `culprit`. */
function rejectWith<Result>(
  ids: readonly string[],
  outcomes: (Result | HubError)[],
  culprit: number,
  cause: HubError,
): void {
  ids.forEach((_, index) => {
    if (!(outcomes[index] instanceof HubError))
      outcomes[index] = new BatchRejectedError(culprit, cause, ids[culprit] ?? '');
  });
}
