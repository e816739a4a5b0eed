import type pg from 'pg';
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
 * Reads of many transfers at once, for netting and the verifier: sums per ledger and account pair.
 * They take the function that runs a query, so the store's pool and the verifier's snapshot
 * connection (snapshot.ts) run the same SQL.
 */
export type RunQuery = <Row extends pg.QueryResultRow>(
  text: string,
  values: unknown[],
) => Promise<Row[]>;

/** sum(int8) is numeric in PostgreSQL: exact (and no pair can exceed its debit account's total anyway). One scan of the parts' span. */
export async function pairTotals(run: RunQuery, query: PairTotalsQuery): Promise<PairTotal[]> {
  if (query.parts.length === 0) return [];
  const values: unknown[] = [];
  const parameter = (value: unknown): string => `$${values.push(value)}`;
  const first = query.parts.reduce(
    (least, part) => (part.firstTimestamp < least ? part.firstTimestamp : least),
    query.parts[0]?.firstTimestamp ?? 0n,
  );
  const last = query.parts.reduce(
    (most, part) => (part.lastTimestamp > most ? part.lastTimestamp : most),
    0n,
  );
  const span = `timestamp BETWEEN ${parameter(first)} AND ${parameter(last)}`;
  const filter = query.parts
    .map(
      (part) =>
        `(ledger = ${parameter(part.ledger)} AND timestamp BETWEEN ${parameter(part.firstTimestamp)} AND ${parameter(part.lastTimestamp)})`,
    )
    .join(' OR ');
  const rows = await run<{
    ledger: number;
    debit_account_id: string;
    credit_account_id: string;
    amount: string;
    count: bigint;
  }>(
    `SELECT ledger, debit_account_id, credit_account_id, sum(amount)::text AS amount, count(*) AS count FROM transfers
      WHERE ${span} AND (${filter}) AND code = ANY(${parameter(query.codes)}::int4[]) AND (flags & ${parameter(query.excludeFlags)}) = 0
      GROUP BY ledger, debit_account_id, credit_account_id`,
    values,
  );
  return rows.map((row) => ({
    ledger: Number(row.ledger),
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: BigInt(row.amount),
    count: Number(row.count),
  }));
}

/** Sums over codes per pair; sum(int8) is numeric, exact, and bounded by the debit account's total. */
export async function readTallies(run: RunQuery, query: TalliesQuery): Promise<PairTotal[]> {
  if (query.parts.length === 0 || query.codes.length === 0) return [];
  const values: unknown[] = [];
  const parameter = (value: unknown): string => `$${values.push(value)}`;
  const filter = query.parts
    .map((part) => `(ledger = ${parameter(part.ledger)} AND period = ${parameter(part.period)})`)
    .join(' OR ');
  const rows = await run<{
    ledger: number;
    debit_account_id: string;
    credit_account_id: string;
    amount: string;
    count: string;
  }>(
    `SELECT ledger, debit_account_id, credit_account_id, sum(amount)::text AS amount, sum(count)::text AS count FROM pair_tallies
      WHERE (${filter}) AND code = ANY(${parameter(query.codes)}::int4[]) GROUP BY ledger, debit_account_id, credit_account_id`,
    values,
  );
  return rows.map((row) => ({
    ledger: Number(row.ledger),
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: BigInt(row.amount),
    count: Number(row.count),
  }));
}

/**
 * Flows per period, ledger and pair of owners' countries (see LedgerStore.flowTotals): the
 * transfers of each period (a range of the primary key) summed per account pair first, then only
 * the pairs joined to their accounts and owners' countries. sum(int8) is numeric: exact.
 */
export async function flowTotals(run: RunQuery, query: FlowTotalsQuery): Promise<FlowTotal[]> {
  if (query.periods.length === 0 || query.accounts?.length === 0) return [];
  const values: unknown[] = [];
  const parameter = (value: unknown): string => `$${values.push(value)}`;
  const periods = `unnest(${parameter(query.periods.map((_, index) => index))}::int4[], ${parameter(
    query.periods.map((period) => period.firstTimestamp.toString()),
  )}::int8[], ${parameter(query.periods.map((period) => period.lastTimestamp.toString()))}::int8[])`;
  let scope = '';
  if (query.accounts !== undefined) {
    const accounts = parameter(query.accounts);
    scope = `AND (t.debit_account_id = ANY(${accounts}::uuid[]) OR t.credit_account_id = ANY(${accounts}::uuid[]))`;
  }
  const owners = [...query.ownerCountries.keys()];
  const countries = owners.map((owner) => query.ownerCountries.get(owner) ?? '');
  const rows = await run<{
    period: number;
    ledger: number;
    debit_country: string;
    credit_country: string;
    amount: string;
    count: string;
  }>(
    `WITH periods(period, first, last) AS (SELECT * FROM ${periods}),
      pairs AS (
        SELECT p.period, t.ledger, t.debit_account_id AS debit, t.credit_account_id AS credit,
          sum(t.amount) AS amount, count(*) AS count
        FROM periods p JOIN transfers t ON t.timestamp BETWEEN p.first AND p.last
        WHERE t.code = ${parameter(query.code)} AND (t.flags & ${parameter(query.excludeFlags)}) = 0 ${scope}
        GROUP BY p.period, t.ledger, t.debit_account_id, t.credit_account_id
      ),
      countries(owner, country) AS (SELECT * FROM unnest(${parameter(owners)}::text[], ${parameter(countries)}::text[]))
      SELECT pairs.period, pairs.ledger, coalesce(dc.country, '') AS debit_country, coalesce(cc.country, '') AS credit_country,
        sum(pairs.amount)::text AS amount, sum(pairs.count)::text AS count
      FROM pairs
        LEFT JOIN accounts da ON da.id = pairs.debit LEFT JOIN countries dc ON dc.owner = da.owner
        LEFT JOIN accounts ca ON ca.id = pairs.credit LEFT JOIN countries cc ON cc.owner = ca.owner
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    values,
  );
  return rows.map((row) => ({
    period: Number(row.period),
    ledger: Number(row.ledger),
    debitCountry: row.debit_country,
    creditCountry: row.credit_country,
    amount: BigInt(row.amount),
    count: Number(row.count),
  }));
}

/** The stored monthly flow totals of one scope and code (see LedgerStore.monthlyFlows): a primary-key range. */
export async function monthlyFlows(run: RunQuery, query: MonthlyFlowsQuery): Promise<FlowDelta[]> {
  const rows = await run<{
    month: number;
    ledger: number;
    debit_country: string;
    credit_country: string;
    amount_high: bigint;
    amount_low: bigint;
    count: bigint;
  }>(
    `SELECT month, ledger, debit_country, credit_country, amount_high, amount_low, count FROM flow_totals
      WHERE scope = $1 AND code = $2 AND month BETWEEN $3 AND $4
      ORDER BY month, ledger, debit_country COLLATE "C", credit_country COLLATE "C"`,
    [query.scope, query.code, query.firstMonth, query.lastMonth],
  );
  return rows.map((row) => ({
    scope: query.scope,
    code: query.code,
    month: Number(row.month),
    ledger: Number(row.ledger),
    debitCountry: row.debit_country,
    creditCountry: row.credit_country,
    amount: joinAmount(BigInt(row.amount_high), BigInt(row.amount_low)),
    count: Number(row.count),
  }));
}

/** Posted transfers of a range per (ledger, code, debit, credit) (see LedgerStore.flowPairs); sum(int8) is numeric: exact. */
export async function flowPairs(
  run: RunQuery,
  firstTimestamp: bigint,
  lastTimestamp: bigint,
): Promise<FlowPair[]> {
  const rows = await run<{
    ledger: number;
    code: number;
    debit_account_id: AccountId;
    credit_account_id: AccountId;
    amount: string;
    count: string;
  }>(
    `SELECT ledger, code, debit_account_id, credit_account_id, sum(amount)::text AS amount, count(*)::text AS count
      FROM transfers WHERE timestamp BETWEEN $1 AND $2 AND (flags & $3) = 0
      GROUP BY ledger, code, debit_account_id, credit_account_id`,
    [firstTimestamp, lastTimestamp, TransferFlags.pending | TransferFlags.voidPending],
  );
  return rows.map((row) => ({
    ledger: Number(row.ledger),
    code: Number(row.code),
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: BigInt(row.amount),
    count: Number(row.count),
  }));
}
