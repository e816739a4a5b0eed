import type { AccountId } from '../ledger/ids.js';
import { TransferFlags } from '../ledger/flags.js';
import type { PendingStatus, StoredTransfer } from '../ledger/model.js';
import { PENDING_STATUS_CODES } from './rows.js';

/**
 * Searching transfers (`LedgerStore.searchTransfers`): newest first, by the accounts they debit or
 * credit, currency, amount, status and time, a page at a time, with a bounded amount of work per
 * page whatever the filters.
 *
 * A transfer's status:
 * - a pending transfer: what became of it (pending, posted, voided, expired);
 * - a plain transfer and a post of a pending one: posted;
 * - a void: voided; the ledger's expiry of a pending transfer: expired.
 *
 * Each page examines at most `scanMax` transfers (the query's accounts' transfers when it names
 * accounts, every transfer otherwise). A page may therefore hold fewer than `limit` transfers, even
 * none, and still have a `next` cursor: a reader follows `next` until there is none. Paging through
 * every `next` yields exactly the matching transfers, newest first, each once.
 */
export type TransferStatus = PendingStatus;

export interface TransferSearchQuery {
  /** Only transfers that debit or credit one of these accounts; every transfer when undefined. */
  readonly accounts?: readonly AccountId[];
  readonly ledger?: number;
  /** Minor units, inclusive. */
  readonly amountMin?: bigint;
  readonly amountMax?: bigint;
  /** Any of these; every status when undefined. */
  readonly statuses?: readonly TransferStatus[];
  /** `fromTimestamp ≤ timestamp < toTimestamp` (ns). */
  readonly fromTimestamp?: bigint;
  readonly toTimestamp?: bigint;
  /** The `next` of the previous page, as it came. */
  readonly cursor?: string;
  readonly limit: number;
  /** The most transfers one page examines (see above). */
  readonly scanMax: number;
}

export interface TransferSearchPage {
  readonly transfers: StoredTransfer[];
  /** Where the next page starts; undefined when there is none. Opaque to callers. */
  readonly next?: string;
}

/** A cursor this store did not give out (or one naming transfers outside the query's accounts). */
export class InvalidCursorError extends Error {}

/** The most positions a cursor carries (one per account of the query with older transfers). */
const CURSOR_PARTS_MAX = 1_001;
const TIMESTAMP_MAX = (1n << 63n) - 1n;

/**
 * A cursor: `<before>` (every later page holds only transfers older than it), then, for a walk of
 * accounts' histories (SQLite), `.<position>` for each account history's next transfer.
 */
export interface SearchCursor {
  readonly before: bigint;
  readonly positions: readonly bigint[];
}

export function parseSearchCursor(text: string): SearchCursor {
  const parts = text.split('.');
  if (parts.length > CURSOR_PARTS_MAX || parts.some((part) => !/^(0|[1-9][0-9]{0,18})$/.test(part)))
    throw new InvalidCursorError('not a cursor this server gave out');
  const [before, ...positions] = parts.map(BigInt) as [bigint, ...bigint[]];
  if (before > TIMESTAMP_MAX || positions.some((position) => position <= 0n || position >= before))
    throw new InvalidCursorError('not a cursor this server gave out');
  return { before, positions };
}

export function searchCursorText(cursor: SearchCursor): string {
  return [cursor.before, ...cursor.positions].join('.');
}

export function transferStatus(transfer: StoredTransfer): TransferStatus {
  if ((transfer.flags & TransferFlags.pending) !== 0) return transfer.pendingStatus ?? 'pending';
  if ((transfer.flags & TransferFlags.expired) !== 0) return 'expired';
  if ((transfer.flags & TransferFlags.voidPending) !== 0) return 'voided';
  return 'posted';
}

/** Whether a transfer passes the query's filters (accounts and cursor aside). */
export function matchesSearch(transfer: StoredTransfer, query: TransferSearchQuery): boolean {
  return (
    (query.ledger === undefined || transfer.ledger === query.ledger) &&
    (query.amountMin === undefined || transfer.amount >= query.amountMin) &&
    (query.amountMax === undefined || transfer.amount <= query.amountMax) &&
    (query.fromTimestamp === undefined || transfer.timestamp >= query.fromTimestamp) &&
    (query.toTimestamp === undefined || transfer.timestamp < query.toTimestamp) &&
    (query.statuses === undefined || query.statuses.includes(transferStatus(transfer)))
  );
}

/**
 * The filters as SQL over `transfers t LEFT JOIN pending_transfers p` (the same in both stores'
 * dialects), with their parameters in order; `placeholder(n)` writes the n-th (0-based) after
 * `offset` parameters already used.
 */
export function searchFilterSql(
  query: TransferSearchQuery,
  placeholder: (index: number) => string,
): { sql: string; params: (bigint | number)[] } {
  const clauses: string[] = [];
  const params: (bigint | number)[] = [];
  const add = (clause: (p: string) => string, value: bigint | number): void => {
    clauses.push(clause(placeholder(params.length)));
    params.push(value);
  };
  if (query.ledger !== undefined) add((p) => `t.ledger = ${p}`, query.ledger);
  if (query.amountMin !== undefined) add((p) => `t.amount >= ${p}`, query.amountMin);
  if (query.amountMax !== undefined) add((p) => `t.amount <= ${p}`, query.amountMax);
  if (query.toTimestamp !== undefined) add((p) => `t.timestamp < ${p}`, query.toTimestamp);
  if (query.statuses !== undefined) {
    const codes = query.statuses.map((status) => PENDING_STATUS_CODES[status]);
    clauses.push(`${STATUS_SQL} IN (${codes.length === 0 ? 'NULL' : codes.join(', ')})`);
  }
  return { sql: clauses.length === 0 ? 'TRUE' : clauses.join(' AND '), params };
}

/** `transferStatus` in SQL, as pending_transfers.status codes. */
const STATUS_SQL = `(CASE WHEN (t.flags & ${TransferFlags.pending}) <> 0 THEN p.status WHEN (t.flags & ${TransferFlags.expired}) <> 0 THEN ${PENDING_STATUS_CODES.expired} WHEN (t.flags & ${TransferFlags.voidPending}) <> 0 THEN ${PENDING_STATUS_CODES.voided} ELSE ${PENDING_STATUS_CODES.posted} END)`;

/**
 * The page of a scan of the newest `scanMax` transfers older than the cursor (by timestamp),
 * given how many it examined, the oldest of them, and the matches (at most `limit`).
 */
export function scanPage(
  query: TransferSearchQuery,
  scanned: number,
  lowest: bigint | undefined,
  matches: StoredTransfer[],
): TransferSearchPage {
  const last = matches.at(-1);
  if (matches.length >= query.limit && last !== undefined)
    return { transfers: matches, next: String(last.timestamp) };
  if (scanned >= query.scanMax && lowest !== undefined && lowest > (query.fromTimestamp ?? 0n))
    return { transfers: matches, next: String(lowest) };
  return { transfers: matches };
}

/** Where a scan starts (exclusive): the cursor's `before`, or the `to` bound if earlier. */
export function scanBefore(query: TransferSearchQuery): bigint {
  const before =
    query.cursor === undefined ? TIMESTAMP_MAX : parseSearchCursor(query.cursor).before;
  const to = query.toTimestamp;
  return to !== undefined && to < before ? to : before;
}
