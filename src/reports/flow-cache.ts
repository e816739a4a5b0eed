import type { FlowTotal, FlowTotalsQuery, LedgerStore } from '../store/store.js';

/**
 * `LedgerStore.flowTotals` with the sums already read kept in memory (GET /v1/analytics/trade,
 * issue 16: p50 < 50 ms on a million transfers, where the query itself scans every transfer of the
 * range). It rests on the ledger's timestamps: every write gets a timestamp greater than the last
 * committed one (`LedgerStore.lastTimestamp`), and transfers never change, so the sums of a range
 * of timestamps up to the last committed one are final. Each period's sums are kept with the
 * timestamp they are complete up to; a later call reads from the store only what was written
 * after it (the rest of the current month, usually a few rows), adds it, and moves the mark.
 *
 * Entries are per store and per query apart from its periods (code, flags, owners' countries and
 * accounts: a participant's answer and the operator's are kept apart, and a new participant, which
 * changes the countries, starts afresh). The least recently used are dropped beyond ENTRIES_MAX.
 */

/** Queries (actors and country maps) kept per store; each holds a few rows per period. */
const ENTRIES_MAX = 256;

interface PeriodSums {
  /** Everything up to and including this timestamp is summed in `rows`. */
  covered: bigint;
  /** Per `ledger debitCountry creditCountry`. */
  readonly rows: Map<
    string,
    { ledger: number; debit: string; credit: string; amount: bigint; count: number }
  >;
}

interface Entry {
  /** Per period, by `first last`. */
  readonly periods: Map<string, PeriodSums>;
  /** Reads of this entry in flight finish in order: one at a time. */
  busy: Promise<void>;
}

const caches = new WeakMap<LedgerStore, Map<string, Entry>>();

function entryKey(query: FlowTotalsQuery): string {
  return JSON.stringify([
    query.code,
    query.excludeFlags,
    [...query.ownerCountries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    query.accounts === undefined ? null : [...query.accounts].sort(),
  ]);
}

/** The same answer as `store.flowTotals(query)`, from memory as far as it can be. */
export async function cachedFlowTotals(
  store: LedgerStore,
  query: FlowTotalsQuery,
): Promise<FlowTotal[]> {
  if (query.periods.length === 0 || query.accounts?.length === 0) return [];
  let entries = caches.get(store);
  if (entries === undefined) caches.set(store, (entries = new Map<string, Entry>()));
  const key = entryKey(query);
  let entry = entries.get(key);
  if (entry === undefined) entry = { periods: new Map(), busy: Promise.resolve() };
  // Most recently used last: re-inserted on every use, the oldest dropped first.
  entries.delete(key);
  entries.set(key, entry);
  while (entries.size > ENTRIES_MAX) entries.delete(entries.keys().next().value as string);

  const current = entry;
  const work = current.busy.then(() => update(store, query, current));
  current.busy = work.then(
    () => undefined,
    () => undefined,
  );
  return work;
}

async function update(
  store: LedgerStore,
  query: FlowTotalsQuery,
  entry: Entry,
): Promise<FlowTotal[]> {
  const last = await store.lastTimestamp();
  const sums = query.periods.map((period) => {
    const key = `${period.firstTimestamp} ${period.lastTimestamp}`;
    let found = entry.periods.get(key);
    if (found === undefined)
      entry.periods.set(key, (found = { covered: period.firstTimestamp - 1n, rows: new Map() }));
    return found;
  });
  // What was written since each period's mark, up to the last committed timestamp: one query.
  const missing: { index: number; firstTimestamp: bigint; lastTimestamp: bigint }[] = [];
  query.periods.forEach((period, index) => {
    const from = (sums[index] as PeriodSums).covered + 1n;
    const to = period.lastTimestamp < last ? period.lastTimestamp : last;
    if (from <= to) missing.push({ index, firstTimestamp: from, lastTimestamp: to });
  });
  if (missing.length > 0) {
    const added = await store.flowTotals({ ...query, periods: missing });
    for (const row of added) {
      const target = sums[(missing[row.period] as { index: number }).index] as PeriodSums;
      const rowKey = `${row.ledger} ${row.debitCountry} ${row.creditCountry}`;
      const found = target.rows.get(rowKey);
      if (found === undefined)
        target.rows.set(rowKey, {
          ledger: row.ledger,
          debit: row.debitCountry,
          credit: row.creditCountry,
          amount: row.amount,
          count: row.count,
        });
      else {
        found.amount += row.amount;
        found.count += row.count;
      }
    }
    for (const part of missing) (sums[part.index] as PeriodSums).covered = part.lastTimestamp;
  }
  // In the store's order: period, ledger, debit country, credit country.
  const answer: FlowTotal[] = [];
  sums.forEach((period, index) => {
    const rows = [...period.rows.values()].sort(
      (a, b) =>
        a.ledger - b.ledger ||
        (a.debit < b.debit ? -1 : a.debit > b.debit ? 1 : 0) ||
        (a.credit < b.credit ? -1 : a.credit > b.credit ? 1 : 0),
    );
    for (const row of rows)
      answer.push({
        period: index,
        ledger: row.ledger,
        debitCountry: row.debit,
        creditCountry: row.credit,
        amount: row.amount,
        count: row.count,
      });
  });
  return answer;
}
