import type { Database as SqliteDatabase } from 'better-sqlite3';
import { joinAmount, type FlowDelta } from '../../ledger/flows.js';
import { TransferFlags } from '../../ledger/flags.js';
import type { AccountId } from '../../ledger/ids.js';
import type {
  FlowPair,
  FlowTotal,
  FlowTotalsQuery,
  MonthlyFlowsQuery,
  PairTotal,
  PairTotalsQuery,
  TalliesQuery,
} from '../store.js';

/**
 * Reads of many transfers at once on the SQLite read connection, for netting: sums per ledger and
 * account pair over a range of the ledger.
 */

/**
 * Summed by SQLite in one scan of the parts' whole span (the per-part ranges are plain filters,
 * `+timestamp`, so the planner does not split the scan), into a small temporary table keyed by
 * (ledger, debit, credit) with an upsert per row: measured about twice as fast as GROUP BY, which
 * sorts every row of the window. A pair's total cannot overflow: it is at most its debit account's
 * `debits_posted`, which the ledger keeps within 2^63 − 1 (SQLite's `+` would otherwise turn it into
 * a float, which the check below would catch).
 */
export function pairTotals(db: SqliteDatabase, query: PairTotalsQuery): PairTotal[] {
  if (query.parts.length === 0) return [];
  const integer = (value: number): number => Math.trunc(value);
  const codes = query.codes.map(integer).join(', ');
  const first = query.parts.reduce(
    (least, part) => (part.firstTimestamp < least ? part.firstTimestamp : least),
    query.parts[0]?.firstTimestamp ?? 0n,
  );
  const last = query.parts.reduce(
    (most, part) => (part.lastTimestamp > most ? part.lastTimestamp : most),
    0n,
  );
  const filter = query.parts.map(() => '(ledger = ? AND +timestamp BETWEEN ? AND ?)').join(' OR ');
  const values = query.parts.flatMap((part) => [
    integer(part.ledger),
    part.firstTimestamp,
    part.lastTimestamp,
  ]);
  const rows = db.transaction(() => {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS netting_pairs (ledger INTEGER NOT NULL, debit TEXT NOT NULL, credit TEXT NOT NULL,
      amount INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (ledger, debit, credit)) WITHOUT ROWID`);
    db.exec('DELETE FROM temp.netting_pairs');
    db.prepare(
      `INSERT INTO temp.netting_pairs SELECT ledger, debit_account_id, credit_account_id, amount, 1 FROM transfers
      WHERE timestamp BETWEEN ? AND ? AND (${filter}) AND code IN (${codes}) AND (flags & ?) = 0
      ON CONFLICT (ledger, debit, credit) DO UPDATE SET amount = amount + excluded.amount, count = count + 1`,
    ).run(first, last, ...values, query.excludeFlags);
    const found = db
      .prepare('SELECT ledger, debit, credit, amount, count FROM temp.netting_pairs')
      .raw()
      .all() as [bigint, string, string, bigint | number, bigint][];
    db.exec('DELETE FROM temp.netting_pairs');
    return found;
  })();
  if (rows.some((row) => typeof row[3] !== 'bigint'))
    throw new Error('bug: a pair total is past 2^63 − 1, more than any account can hold');
  return rows.map(([ledger, debitAccountId, creditAccountId, amount, count]) => ({
    ledger: Number(ledger),
    debitAccountId,
    creditAccountId,
    amount: amount as bigint,
    count: Number(count),
  }));
}

/**
 * The tallies of each part's ledger and period, summed over `codes` per account pair (a few thousand
 * rows). One primary-key range per part and code; the sum over codes is done here: SQLite's GROUP BY
 * sorted the rows first, which took longer than reading them (measured 57–79 ms against 30–37 ms for
 * 19,800 pairs).
 */
export function readTallies(db: SqliteDatabase, query: TalliesQuery): PairTotal[] {
  const statement = db
    .prepare(
      `SELECT debit_account_id, credit_account_id, amount, count FROM pair_tallies WHERE ledger = ? AND period = ? AND code = ?`,
    )
    .raw();
  const totals: PairTotal[] = [];
  for (const part of query.parts) {
    const byPair = new Map<
      string,
      {
        ledger: number;
        debitAccountId: string;
        creditAccountId: string;
        amount: bigint;
        count: number;
      }
    >();
    for (const code of new Set(query.codes)) {
      for (const [debitAccountId, creditAccountId, amount, count] of statement.all(
        Math.trunc(part.ledger),
        Math.trunc(part.period),
        Math.trunc(code),
      ) as [string, string, bigint, bigint][]) {
        const key = `${debitAccountId} ${creditAccountId}`;
        const found = byPair.get(key);
        // A pair's total over codes stays within its debit account's debits, which fit in 63 bits.
        if (found === undefined)
          byPair.set(key, {
            ledger: part.ledger,
            debitAccountId,
            creditAccountId,
            amount,
            count: Number(count),
          });
        else {
          found.amount += amount;
          found.count += Number(count);
        }
      }
    }
    totals.push(...byPair.values());
  }
  return totals;
}

/**
 * Flows per period, ledger and pair of owners' countries (see LedgerStore.flowTotals). The periods
 * are the outer loop: each is a range of the transfers' primary key (the timestamp), so a period
 * reads only its own rows. The transfers are first summed per account pair (a few thousand rows),
 * and only those pairs are joined to their accounts and owners' countries.
 */
export function flowTotals(db: SqliteDatabase, query: FlowTotalsQuery): FlowTotal[] {
  if (query.periods.length === 0 || query.accounts?.length === 0) return [];
  const periods = query.periods.map((_, index) => `(${index}, ?, ?)`).join(', ');
  const bounds = query.periods.flatMap((period) => [period.firstTimestamp, period.lastTimestamp]);
  const scope =
    query.accounts === undefined
      ? ''
      : 'AND (t.debit_account_id IN (SELECT value FROM json_each(?)) OR t.credit_account_id IN (SELECT value FROM json_each(?)))';
  const scopeValues =
    query.accounts === undefined
      ? []
      : [JSON.stringify(query.accounts), JSON.stringify(query.accounts)];
  const rows = db
    .prepare(
      `WITH periods(period, first, last) AS (VALUES ${periods}),
      pairs AS (
        SELECT p.period AS period, t.ledger AS ledger, t.debit_account_id AS debit, t.credit_account_id AS credit,
          sum(t.amount) AS amount, count(*) AS count
        FROM periods p CROSS JOIN transfers t
        WHERE t.timestamp BETWEEN p.first AND p.last AND t.code = ? AND (t.flags & ?) = 0 ${scope}
        GROUP BY p.period, t.ledger, t.debit_account_id, t.credit_account_id
      ),
      countries(owner, country) AS MATERIALIZED (SELECT key, value FROM json_each(?))
      SELECT pairs.period, pairs.ledger, coalesce(dc.country, '') AS debit_country, coalesce(cc.country, '') AS credit_country,
        sum(pairs.amount) AS amount, sum(pairs.count) AS count
      FROM pairs
        LEFT JOIN accounts da ON da.id = pairs.debit LEFT JOIN countries dc ON dc.owner = da.owner
        LEFT JOIN accounts ca ON ca.id = pairs.credit LEFT JOIN countries cc ON cc.owner = ca.owner
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    )
    .raw()
    .all(
      ...bounds,
      Math.trunc(query.code),
      Math.trunc(query.excludeFlags),
      ...scopeValues,
      JSON.stringify(Object.fromEntries(query.ownerCountries)),
    ) as [bigint, bigint, string, string, bigint | number, bigint][];
  // sum() of integers stays an integer or fails ("integer overflow"); a float here would be a bug.
  if (rows.some((row) => typeof row[4] !== 'bigint'))
    throw new Error('bug: a flow total is not an integer');
  return rows.map(([period, ledger, debitCountry, creditCountry, amount, count]) => ({
    period: Number(period),
    ledger: Number(ledger),
    debitCountry,
    creditCountry,
    amount: amount as bigint,
    count: Number(count),
  }));
}

/** The stored monthly flow totals of one scope and code (see LedgerStore.monthlyFlows): a primary-key range. */
export function monthlyFlows(db: SqliteDatabase, query: MonthlyFlowsQuery): FlowDelta[] {
  const rows = db
    .prepare(
      `SELECT month, ledger, debit_country, credit_country, amount_high, amount_low, count FROM flow_totals
      WHERE scope = ? AND code = ? AND month BETWEEN ? AND ? ORDER BY month, ledger, debit_country, credit_country`,
    )
    .raw()
    .all(
      query.scope,
      Math.trunc(query.code),
      Math.trunc(query.firstMonth),
      Math.trunc(query.lastMonth),
    ) as [bigint, bigint, string, string, bigint, bigint, bigint][];
  return rows.map(([month, ledger, debitCountry, creditCountry, high, low, count]) => ({
    scope: query.scope,
    code: query.code,
    month: Number(month),
    ledger: Number(ledger),
    debitCountry,
    creditCountry,
    amount: joinAmount(high, low),
    count: Number(count),
  }));
}

/**
 * Posted transfers of a range of timestamps per (ledger, code, debit, credit), for building the
 * flow totals from the transfers already stored (LedgerStore.flowPairs): one primary-key range.
 */
export function flowPairs(
  db: SqliteDatabase,
  firstTimestamp: bigint,
  lastTimestamp: bigint,
): FlowPair[] {
  const rows = db
    .prepare(
      `SELECT ledger, code, debit_account_id, credit_account_id, sum(amount), count(*) FROM transfers
      WHERE timestamp BETWEEN ? AND ? AND (flags & ?) = 0
      GROUP BY ledger, code, debit_account_id, credit_account_id`,
    )
    .raw()
    .all(firstTimestamp, lastTimestamp, TransferFlags.pending | TransferFlags.voidPending) as [
    bigint,
    bigint,
    AccountId,
    AccountId,
    bigint | number,
    bigint,
  ][];
  // A pair's sum stays within its debit account's debits_posted (< 2^63): an integer.
  if (rows.some((row) => typeof row[4] !== 'bigint'))
    throw new Error('bug: a pair total is not an integer');
  return rows.map(([ledger, code, debitAccountId, creditAccountId, amount, count]) => ({
    ledger: Number(ledger),
    code: Number(code),
    debitAccountId,
    creditAccountId,
    amount: amount as bigint,
    count: Number(count),
  }));
}
