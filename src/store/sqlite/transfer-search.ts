import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { AccountId } from '../../ledger/ids.js';
import type { StoredTransfer } from '../../ledger/model.js';
import {
  InvalidCursorError,
  matchesSearch,
  scanBefore,
  scanPage,
  searchCursorText,
  searchFilterSql,
  type SearchCursor,
  type TransferSearchPage,
  type TransferSearchQuery,
} from '../transfer-search.js';
import { transferFromRow, type TransferRow } from './rows.js';
import { previousOf, TRANSFER_COLUMNS, type Statements } from './statements.js';

/**
 * `searchTransfers` on SQLite (see ../transfer-search.ts). SQLite keeps no index on a transfer's
 * accounts (migrations.ts says why), so:
 *
 * - with accounts, the search walks their history chains together, newest first (each transfer
 *   row links to the previous transfer of its debit and of its credit account): a k-way merge
 *   through the primary key. The cursor carries where each chain stands, so a later page starts
 *   there without walking the newer part again: every page costs at most `scanMax` row reads;
 * - without, it scans the newest `scanMax` transfers older than the cursor by primary key, and
 *   the database filters them.
 */
export class SqliteTransferSearch {
  private readonly scans = new Map<string, Statement>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly statements: Statements,
  ) {}

  /** Every transfer, newest first: one primary-key range of at most `scanMax` rows, filtered by the database. */
  scan(query: TransferSearchQuery): TransferSearchPage {
    const before = scanBefore(query);
    const filter = searchFilterSql(query, () => '?');
    const sql = `WITH s AS (SELECT timestamp FROM transfers WHERE timestamp < ? AND timestamp >= ? ORDER BY timestamp DESC LIMIT ?)
      SELECT (SELECT count(*) FROM s) AS scanned, (SELECT min(timestamp) FROM s) AS lowest, m.*
      FROM (SELECT 1) one LEFT JOIN (
        SELECT ${TRANSFER_COLUMNS} FROM s JOIN transfers t ON t.timestamp = s.timestamp
          LEFT JOIN pending_transfers p ON p.timestamp = t.timestamp
        WHERE ${filter.sql} ORDER BY t.timestamp DESC LIMIT ?
      ) m`;
    let statement = this.scans.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.scans.set(sql, statement);
    }
    const rows = statement.all(
      before,
      query.fromTimestamp ?? 0n,
      query.scanMax,
      ...filter.params,
      query.limit,
    ) as (TransferRow & { scanned: bigint; lowest: bigint | null })[];
    const first = rows[0];
    const matches = rows
      .filter((row) => (row.timestamp as bigint | null) !== null)
      .map(transferFromRow);
    return scanPage(query, Number(first?.scanned ?? 0), first?.lowest ?? undefined, matches);
  }

  /**
   * The accounts' transfers, newest first, walking their history chains from `heads` (each
   * account's newest transfer, 0 for none) or from where the cursor left them.
   */
  walk(
    query: TransferSearchQuery,
    accounts: readonly AccountId[],
    cursor: SearchCursor | undefined,
    heads: ReadonlyMap<AccountId, bigint> | undefined,
  ): TransferSearchPage {
    const next = new Map<AccountId, bigint>();
    const before = cursor?.before;
    if (cursor !== undefined && cursor.positions.length > 0) {
      const wanted = new Set(accounts);
      for (const position of cursor.positions) {
        const row = this.statements.transferByTimestamp.get(position) as TransferRow | undefined;
        const sides = [row?.debit_account_id, row?.credit_account_id].filter(
          (id): id is AccountId => id !== undefined && wanted.has(id as AccountId),
        );
        if (sides.length === 0)
          throw new InvalidCursorError('not a cursor this server gave out for this search');
        // A position's transfer may also be one further down another account's chain: each
        // account's own position is the newest of its chain's not yet walked.
        for (const id of sides) if (position > (next.get(id) ?? 0n)) next.set(id, position);
      }
    } else {
      for (const id of accounts) {
        const head = heads?.get(id) ?? 0n;
        if (head !== 0n) next.set(id, head);
      }
    }
    const from = query.fromTimestamp ?? 0n;
    const found: StoredTransfer[] = [];
    let examined = 0;
    let newest: bigint;
    for (;;) {
      newest = 0n;
      for (const position of next.values()) if (position > newest) newest = position;
      if (newest === 0n || newest < from) return { transfers: found };
      if (found.length >= query.limit || examined >= query.scanMax) break;
      const row = this.statements.transferByTimestamp.get(newest) as TransferRow;
      examined += 1;
      for (const [id, position] of next) {
        if (position !== newest) continue;
        const previous = previousOf(row, id);
        if (previous === 0n) next.delete(id);
        else next.set(id, previous);
      }
      const transfer = transferFromRow(row);
      if ((before === undefined || transfer.timestamp < before) && matchesSearch(transfer, query))
        found.push(transfer);
    }
    const positions = [...new Set(next.values())].filter((position) => position >= from);
    return {
      transfers: found,
      next: searchCursorText({ before: newest + 1n, positions: positions.sort(descending) }),
    };
  }
}

const descending = (a: bigint, b: bigint): number => (a > b ? -1 : a < b ? 1 : 0);
