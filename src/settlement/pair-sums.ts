/**
 * Exact sums of amounts per ordered pair (debit participant, credit participant) of small integer
 * indexes, for one currency: the one data structure netting accumulates into.
 *
 * Why not a bigint per pair: every bigint addition allocates, and with a million items the
 * allocations and the scattered cells cost about three times the rest of netting. Here a sum is a
 * float64 holding an exact integer for as long as it stays ≤ 2^53 − 1 (Number.MAX_SAFE_INTEGER;
 * every integer up to there is exact in a double, and the sum of two such integers is computed
 * exactly whenever the true sum is ≤ 2^53, and is otherwise > 2^53 − 1, so overflow is always
 * detected). An addition that would pass that bound, or an amount above it, moves the pair's
 * running sum into a bigint "spill" cell instead. Totals are therefore always exact: the pair's
 * total is the float part plus its spill part, converted to bigint once, when read.
 *
 * Layout: while indexes stay below `denseLimit` (1 024 by default, 8 MiB per currency at most),
 * a dense `cap × cap` Float64Array, doubled as needed: the fast path is one multiply-add and a
 * compare. Past the limit the sums move to one Map per debit row, so memory follows the pairs
 * actually seen rather than the square of the participant count.
 */

/** Indexes must stay below this so that `debit · 2^26 + credit` is an exact, unique number key. */
export const PAIR_INDEX_LIMIT = 1 << 26;
const SPILL_STRIDE = 2 ** 26;
const SAFE_SUM = Number.MAX_SAFE_INTEGER;
const SAFE_AMOUNT = BigInt(Number.MAX_SAFE_INTEGER);
const INITIAL_CAP = 64;

/** One ordered pair's exact total. */
export interface PairTotal {
  readonly debit: number;
  readonly credit: number;
  readonly amount: bigint;
}

export class PairSums {
  private cap = 0;
  private cells: Float64Array | null = null;
  private rows: Map<number, number>[] | null = null;
  private readonly spill = new Map<number, bigint>();

  constructor(private readonly denseLimit = 1024) {}

  /** Adds `amount` (a positive bigint) to the pair (debit, credit); indexes in 0..PAIR_INDEX_LIMIT − 1. */
  add(debit: number, credit: number, amount: bigint): void {
    const cells = this.cells;
    const cap = this.cap;
    if (cells !== null && debit < cap && credit < cap && amount <= SAFE_AMOUNT) {
      const cell = debit * cap + credit;
      const sum = cells[cell]! + Number(amount);
      if (sum <= SAFE_SUM) {
        cells[cell] = sum;
        return;
      }
    }
    this.addSlowly(debit, credit, amount);
  }

  /** Every pair with at least one amount, with its exact total, in no particular order. */
  totals(): PairTotal[] {
    const totals: PairTotal[] = [];
    // Only pairs that spilled need finding again, and pairs rarely spill: index them only then.
    const positions = this.spill.size > 0 ? new Map<number, number>() : null;
    const cells = this.cells;
    if (cells !== null) {
      const cap = this.cap;
      for (let debit = 0; debit < cap; debit++) {
        for (let credit = 0, cell = debit * cap; credit < cap; credit++, cell++) {
          const sum = cells[cell]!;
          if (sum === 0) continue;
          positions?.set(debit * SPILL_STRIDE + credit, totals.length);
          totals.push({ debit, credit, amount: BigInt(sum) });
        }
      }
    }
    this.rows?.forEach((row, debit) => {
      for (const [credit, sum] of row) {
        if (sum === 0) continue;
        positions?.set(debit * SPILL_STRIDE + credit, totals.length);
        totals.push({ debit, credit, amount: BigInt(sum) });
      }
    });
    for (const [key, spilled] of this.spill) {
      const debit = Math.floor(key / SPILL_STRIDE);
      const credit = key % SPILL_STRIDE;
      const position = positions!.get(key);
      if (position === undefined) totals.push({ debit, credit, amount: spilled });
      else totals[position] = { debit, credit, amount: totals[position]!.amount + spilled };
    }
    return totals;
  }

  private addSlowly(debit: number, credit: number, amount: bigint): void {
    const needed = Math.max(debit, credit) + 1;
    if (this.rows === null && needed > this.cap) {
      if (needed <= this.denseLimit) {
        this.grow(needed);
        this.add(debit, credit, amount); // comes back here only if the sum overflows
        return;
      }
      this.toRows();
    }
    const key = debit * SPILL_STRIDE + credit;
    if (this.rows !== null) {
      let row = this.rows[debit];
      if (row === undefined) row = this.rows[debit] = new Map();
      const current = row.get(credit) ?? 0;
      const sum = current + Number(amount);
      if (amount <= SAFE_AMOUNT && sum <= SAFE_SUM) row.set(credit, sum);
      else {
        row.set(credit, 0);
        this.spill.set(key, (this.spill.get(key) ?? 0n) + BigInt(current) + amount);
      }
      return;
    }
    // Dense, and either the amount or the new sum is past 2^53 − 1: move this pair's sum to the spill.
    const cells = this.cells!;
    const cell = debit * this.cap + credit;
    const current = cells[cell]!;
    cells[cell] = 0;
    this.spill.set(key, (this.spill.get(key) ?? 0n) + BigInt(current) + amount);
  }

  private grow(needed: number): void {
    let cap = Math.max(this.cap, INITIAL_CAP);
    while (cap < needed) cap *= 2;
    cap = Math.min(cap, Math.max(this.denseLimit, needed));
    const cells = new Float64Array(cap * cap);
    const old = this.cells;
    if (old !== null)
      for (let debit = 0; debit < this.cap; debit++)
        cells.set(old.subarray(debit * this.cap, (debit + 1) * this.cap), debit * cap);
    this.cells = cells;
    this.cap = cap;
  }

  private toRows(): void {
    const rows: Map<number, number>[] = [];
    const cells = this.cells;
    if (cells !== null) {
      for (let debit = 0; debit < this.cap; debit++) {
        for (let credit = 0; credit < this.cap; credit++) {
          const sum = cells[debit * this.cap + credit]!;
          if (sum === 0) continue;
          let row = rows[debit];
          if (row === undefined) row = rows[debit] = new Map();
          row.set(credit, sum);
        }
      }
    }
    this.rows = rows;
    this.cells = null;
    this.cap = 0;
  }
}
