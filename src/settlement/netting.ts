/**
 * Netting of the posted interbank payments of a closed settlement window, per currency.
 *
 * Input: items `{ debitParticipant, creditParticipant, currency, amount }`, one per posted payment:
 * the debit participant paid the credit participant `amount` minor units. Items whose two
 * participants are the same are on-us (a book transfer inside one bank): counted, never netted.
 *
 * The model, per currency:
 * - **Gross** G = Σ amount over the interbank items: the money that would move if every payment
 *   settled on its own.
 * - **Multilateral net position** of participant p: net(p) = credits(p) − debits(p). Positive means
 *   the window owes p money. Σₚ net(p) = 0 exactly (every amount is one credit and one debit).
 * - **Settlement through the central settlement account (the hub)**: every participant with
 *   net < 0 pays the hub |net| (`pay_in`); the hub pays every participant with net > 0 its net
 *   (`pay_out`). The pay-ins exactly fund the pay-outs, so the hub ends at zero; applying the
 *   instructions brings every position to zero.
 * - **Money moved** M = Σ of the pay-ins = Σ of the pay-outs = ½ Σₚ |net(p)|: each unit of money
 *   moved is counted once, when its payer pays it (the pay-out is the same money passing through
 *   the hub). M ≤ G always, since a payer's |net| ≤ its debits: netting never increases money moved.
 * - **Netting efficiency** = 1 − M / G = (G − M) / G, as an exact reduced fraction and as a decimal
 *   string TRUNCATED to `efficiencyDigits` places (default 4), so it never overstates the saving;
 *   `null` when G = 0 (nothing to net).
 * - **Bilateral netting**, for comparison and for bilateral settlement: for each pair {A, B}
 *   (A < B by id), net = (B→A) − (A→B) from A's side; the one that owes pays the other |net|.
 *   Bilateral money moved = Σ over pairs |net| and lies between M and G. A participant's bilateral
 *   nets add up to its multilateral net.
 *
 * Speed: participants are interned to small integers; each item costs two Map lookups and one
 * exact addition into its (debit, credit) pair cell (`pair-sums.ts`: a float64 while the sum is
 * below 2^53, a bigint beyond). Positions, bilateral nets and instructions are all derived
 * afterwards from the pair totals (`net-pairs.ts`, at most one per ordered pair seen), so the cost
 * per item does not depend on the outputs. `NettingAccumulator` takes items one at a time so a
 * database cursor can be streamed into it without building an array.
 */
import { AMOUNT_MAX, currencyByCode, currencyByLedger, type Currency } from '../ledger/currency.js';
import { shownValue } from '../domain/errors.js';
import { SettlementError } from './errors.js';
import { netPairTotals, type CurrencyNetting } from './net-pairs.js';
import { PAIR_INDEX_LIMIT, PairSums } from './pair-sums.js';

export type {
  BilateralPosition,
  CurrencyNetting,
  NetPosition,
  SettlementInstruction,
} from './net-pairs.js';

/** One posted interbank payment: `debitParticipant` paid `creditParticipant` `amount` minor units of `currency`. */
export interface NettingItem {
  readonly debitParticipant: string;
  readonly creditParticipant: string;
  /** ISO 4217 code (`"INR"`) or ledger number (356). */
  readonly currency: string | number;
  /** Minor units, 1..AMOUNT_MAX. */
  readonly amount: bigint;
}

export interface NettingResult {
  /** One per currency seen, sorted by code. */
  readonly currencies: readonly CurrencyNetting[];
  /** Calls of add / addTransfer / addAggregate that were accepted (on-us included). */
  readonly itemCount: number;
}

export interface NettingOptions {
  /** Decimal places of `efficiency.text`, 0..18; default 4. */
  readonly efficiencyDigits?: number;
  /**
   * Whether to list bilateral positions and instructions (default true). They are one object per
   * pair of participants, which dominates the cost with hundreds of banks; with `false` the lists
   * are empty, while `bilateralMovedMinor` and `bilateralEfficiency` are still computed.
   */
  readonly bilateral?: boolean;
}

export interface AccumulatorOptions {
  /**
   * Participants up to which pair sums are kept in a dense matrix (8 bytes × limit² per currency);
   * beyond it, in one Map per debit participant. Default 1 024. A tuning and testing knob only:
   * results are identical either way.
   */
  readonly denseParticipantLimit?: number;
}

/** Per-currency accumulation: exact sums per ordered pair of participant indexes, and counts. */
interface Book {
  readonly currency: Currency;
  readonly sums: PairSums;
  transferCount: number;
  onUsCount: number;
}

/**
 * Accumulates posted payments for netting: `add` / `addTransfer` / `addMany`, then `result()`.
 * A malformed item throws a `SettlementError` (naming its 0-based position among all items added)
 * and is not added; items added before it stay. `result()` may be called at any time, and again
 * after more items.
 */
export class NettingAccumulator {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly booksByLedger: (Book | undefined)[] = [];
  private readonly booksByCode = new Map<string, Book>();
  private readonly books: Book[] = [];
  private readonly denseLimit: number;
  private itemCount = 0;

  constructor(options: AccumulatorOptions = {}) {
    const limit = options.denseParticipantLimit ?? 1024;
    if (!Number.isInteger(limit) || limit < 0 || limit > 4096) {
      throw new SettlementError('invalid_parameter', {
        field: 'denseParticipantLimit',
        message: 'denseParticipantLimit must be an integer from 0 to 4096',
        itemIndex: -1,
      });
    }
    this.denseLimit = limit;
  }

  /** Adds one item. */
  add(item: NettingItem): void {
    this.addTransfer(item.debitParticipant, item.creditParticipant, item.currency, item.amount);
  }

  /** Adds every item of an array, generator or cursor, in order. */
  addMany(items: Iterable<NettingItem>): void {
    if (Array.isArray(items)) {
      // Indexed loop: no iterator objects, and fast before the optimising compiler has warmed up.
      const array = items as readonly NettingItem[];
      for (let index = 0; index < array.length; index++) {
        const item = array[index]!;
        this.addTransfer(item.debitParticipant, item.creditParticipant, item.currency, item.amount);
      }
      return;
    }
    for (const item of items)
      this.addTransfer(item.debitParticipant, item.creditParticipant, item.currency, item.amount);
  }

  /** Adds one payment given as fields, so that a cursor's row needs no intermediate object. */
  addTransfer(
    debitParticipant: string,
    creditParticipant: string,
    currency: string | number,
    amount: bigint,
  ): void {
    if (typeof amount !== 'bigint' || amount <= 0n || amount > AMOUNT_MAX) this.badAmount(amount);
    const book =
      (typeof currency === 'number'
        ? this.booksByLedger[currency]
        : this.booksByCode.get(currency)) ?? this.bookFor(currency);
    let debit = this.ids.get(debitParticipant);
    if (debit === undefined) debit = this.intern(debitParticipant, 'debitParticipant');
    let credit = this.ids.get(creditParticipant);
    if (credit === undefined) credit = this.intern(creditParticipant, 'creditParticipant');
    this.itemCount++;
    if (debit === credit) {
      book.onUsCount++;
      return;
    }
    book.transferCount++;
    book.sums.add(debit, credit, amount);
  }

  /**
   * Adds a total already summed by the caller (e.g. `GROUP BY debit, credit` in SQL, or a scan that
   * sums per account pair): `amountMinor` may exceed AMOUNT_MAX, since it is a sum of transfers,
   * and `transferCount` (default 1) is how many transfers it stands for, so that `transferCount` in
   * the result still counts transfers. Otherwise the same checks and effect as `addTransfer`.
   */
  addAggregate(
    debitParticipant: string,
    creditParticipant: string,
    currency: string | number,
    amountMinor: bigint,
    transferCount = 1,
  ): void {
    if (typeof amountMinor !== 'bigint' || amountMinor <= 0n) {
      throw new SettlementError('invalid_amount', {
        field: 'amount',
        message: `an aggregate amount must be a positive bigint number of minor units, got ${typeof amountMinor === 'bigint' ? amountMinor : `a ${typeof amountMinor}`}`,
        itemIndex: this.itemCount,
      });
    }
    if (!Number.isSafeInteger(transferCount) || transferCount < 1) {
      throw new SettlementError('invalid_parameter', {
        field: 'transferCount',
        message: 'transferCount must be a positive integer',
        itemIndex: this.itemCount,
      });
    }
    const book =
      (typeof currency === 'number'
        ? this.booksByLedger[currency]
        : this.booksByCode.get(currency)) ?? this.bookFor(currency);
    let debit = this.ids.get(debitParticipant);
    if (debit === undefined) debit = this.intern(debitParticipant, 'debitParticipant');
    let credit = this.ids.get(creditParticipant);
    if (credit === undefined) credit = this.intern(creditParticipant, 'creditParticipant');
    this.itemCount++;
    if (debit === credit) {
      book.onUsCount += transferCount;
      return;
    }
    book.transferCount += transferCount;
    book.sums.add(debit, credit, amountMinor);
  }

  /** The netting of everything added so far, one entry per currency seen (sorted by code). */
  result(options: NettingOptions = {}): NettingResult {
    const digits = options.efficiencyDigits ?? 4;
    if (!Number.isInteger(digits) || digits < 0 || digits > 18) {
      throw new SettlementError('invalid_parameter', {
        field: 'efficiencyDigits',
        message: 'efficiencyDigits must be an integer from 0 to 18',
        itemIndex: -1,
      });
    }
    const rank = rankByName(this.names);
    const currencies = this.books
      .filter((book) => book.transferCount + book.onUsCount > 0)
      .map((book) =>
        netPairTotals(book.currency, book.sums.totals(), {
          names: this.names,
          rank,
          transferCount: book.transferCount,
          onUsCount: book.onUsCount,
          digits,
          bilateralLists: options.bilateral !== false,
        }),
      )
      .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
    return { currencies, itemCount: this.itemCount };
  }

  private bookFor(key: unknown): Book {
    const currency =
      typeof key === 'string'
        ? currencyByCode(key)
        : typeof key === 'number'
          ? currencyByLedger(key)
          : undefined;
    if (currency === undefined) {
      throw new SettlementError('unknown_currency', {
        field: 'currency',
        message: `currency ${shownValue(key)} is not a supported currency (ISO 4217 code or ledger number)`,
        itemIndex: this.itemCount,
      });
    }
    let book = this.books.find((known) => known.currency.ledger === currency.ledger);
    if (book === undefined) {
      book = { currency, sums: new PairSums(this.denseLimit), transferCount: 0, onUsCount: 0 };
      this.books.push(book);
    }
    if (typeof key === 'number') this.booksByLedger[key] = book;
    else this.booksByCode.set(key as string, book);
    return book;
  }

  private badAmount(amount: unknown): never {
    const shown = typeof amount === 'bigint' ? `${amount}` : `a ${typeof amount}`;
    throw new SettlementError('invalid_amount', {
      field: 'amount',
      message: `amount must be a bigint number of minor units from 1 to ${AMOUNT_MAX}, got ${shown}`,
      itemIndex: this.itemCount,
    });
  }

  private intern(participant: unknown, field: string): number {
    if (typeof participant !== 'string' || participant.length === 0) {
      throw new SettlementError('invalid_participant', {
        field,
        message: `${field} must be a non-empty string`,
        itemIndex: this.itemCount,
      });
    }
    if (this.names.length >= PAIR_INDEX_LIMIT) {
      throw new SettlementError('invalid_participant', {
        field,
        message: `a window may hold at most ${PAIR_INDEX_LIMIT} participants`,
        itemIndex: this.itemCount,
      });
    }
    const index = this.names.length;
    this.names.push(participant);
    this.ids.set(participant, index);
    return index;
  }
}

/** Nets a whole window at once: `new NettingAccumulator()`, `addMany(items)`, `result(options)`. */
export function netTransfers(
  items: Iterable<NettingItem>,
  options: NettingOptions = {},
): NettingResult {
  const accumulator = new NettingAccumulator();
  accumulator.addMany(items);
  return accumulator.result(options);
}

/** rank[index] = position of names[index] in id order (UTF-16 code unit order, as `<` compares). */
function rankByName(names: readonly string[]): Int32Array {
  const order = names
    .map((_, index) => index)
    .sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const rank = new Int32Array(names.length);
  order.forEach((index, position) => (rank[index] = position));
  return rank;
}
