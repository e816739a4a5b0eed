import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { AccountId, TransferId } from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import type { PairTotal, PairTotalsQuery, TalliesQuery } from '../store.js';
import { SchemaTooNewError } from '../store.js';
import { recordFromRow, storedAccountId, type RecordRow } from '../rows.js';
import type { StoredRecord } from '../records.js';
import { pairTotals, readTallies } from './aggregates.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { recoverBalances } from './recovery.js';
import { accountFromRow, transferFromRow, type AccountRow, type TransferRow } from './rows.js';
import { journalFromRow, prepareStatements, type JournalRow } from './statements.js';

/**
 * One read-only connection to a SQLite ledger file, inside one read transaction: every read sees
 * the same committed state (WAL readers keep the snapshot they began with), whatever the store's
 * writer commits meanwhile. The verifier's worker thread reads through it (src/store/verify-worker.ts).
 *
 * The store keeps some state only in memory: balances changed since the last flush (the columns
 * are current as of `ledger_state.balances_seq`). `accountsAfter` therefore gives the stored
 * columns with every transfer the snapshot's journal holds after that entry applied to them, the
 * same recovery the store runs at open (`recovery.ts`): the balances the store's cache held when
 * the snapshot's newest batch committed.
 *
 * While the snapshot is open, SQLite cannot restart the WAL past it, so the WAL grows with what
 * is written meanwhile; the store's writer never waits for it (writer-worker.ts).
 */
export class SqliteSnapshot {
  private readonly db: SqliteDatabase;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private current: Map<AccountId, Account> | undefined;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      this.db.defaultSafeIntegers(true);
      this.db.pragma('busy_timeout = 10000');
      this.db.pragma('cache_size = -16384');
      const version = Number(
        this.db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get(),
      );
      const latest = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;
      if (version > latest) throw new SchemaTooNewError(version, latest);
      if (version < latest)
        throw new Error(
          `the database schema is at version ${version}, older than this vostro's (${latest}); open it with vostro once to migrate it`,
        );
      this.statements = prepareStatements(this.db);
      // BEGIN is deferred: the snapshot is taken by the first read inside it.
      this.db.exec('BEGIN');
      this.statements.balancesSeq.pluck().get();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  async counts(): Promise<{ accounts: number; transfers: number; journalEntries: number }> {
    const count = (table: string): number =>
      Number(this.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
    return {
      accounts: count('accounts'),
      transfers: count('transfers'),
      journalEntries: count('journal'),
    };
  }

  async journalEntries(afterSeq: bigint, limit: number): Promise<JournalEntry[]> {
    return (this.statements.journalAfter.all(afterSeq, limit) as JournalRow[]).map(journalFromRow);
  }

  async accountsInRange(firstTimestamp: bigint, lastTimestamp: bigint): Promise<Account[]> {
    return (this.statements.accountsInRange.all(firstTimestamp, lastTimestamp) as AccountRow[]).map(
      accountFromRow,
    );
  }

  async transfersInRange(firstTimestamp: bigint, lastTimestamp: bigint): Promise<StoredTransfer[]> {
    return (
      this.statements.transfersInRange.all(firstTimestamp, lastTimestamp) as TransferRow[]
    ).map(transferFromRow);
  }

  async getTransfers(ids: readonly TransferId[]): Promise<StoredTransfer[]> {
    return this.statements.transfersByIds.all<TransferRow>([...new Set(ids)]).map(transferFromRow);
  }

  async storedBalancesSeq(): Promise<bigint> {
    return this.statements.balancesSeq.pluck().get() as bigint;
  }

  async storedAccountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]> {
    return (this.statements.accountsAfter.all(afterTimestamp, limit) as AccountRow[]).map(
      accountFromRow,
    );
  }

  /** The stored columns brought up to the snapshot's newest journal entry (see the class comment). */
  async accountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]> {
    this.current ??= recoverBalances(this.statements).accounts;
    const current = this.current;
    return (this.statements.accountsAfter.all(afterTimestamp, limit) as AccountRow[]).map((row) => {
      const recovered = current.get(storedAccountId(row.id));
      return recovered === undefined ? accountFromRow(row) : { ...recovered };
    });
  }

  async getRecords(
    collection: string,
    keys: readonly string[],
  ): Promise<Map<string, StoredRecord>> {
    const found = new Map<string, StoredRecord>();
    for (const key of new Set(keys)) {
      const row = this.statements.recordByKey.get(collection, key) as RecordRow | undefined;
      if (row !== undefined) found.set(key, recordFromRow(row));
    }
    return found;
  }

  async tallies(query: TalliesQuery): Promise<PairTotal[]> {
    return readTallies(this.db, query);
  }

  async pairTotals(query: PairTotalsQuery): Promise<PairTotal[]> {
    return pairTotals(this.db, query);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }
}
