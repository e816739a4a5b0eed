import type pg from 'pg';
import type { PairTotal, PairTotalsQuery, TalliesQuery } from '../store.js';

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
