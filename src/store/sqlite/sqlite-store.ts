import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { AccountId, TransferId } from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import type { FlowDelta } from '../../ledger/flows.js';
import { isStorableText } from '../../ledger/text.js';
import type {
  AccountQuery,
  AccountTransfersQuery,
  LedgerStore,
  FlowPair,
  FlowTotal,
  FlowTotalsQuery,
  MonthlyFlowsQuery,
  PairTotal,
  PairTotalsQuery,
  SnapshotSource,
  TalliesQuery,
  WriteTransaction,
} from '../store.js';
import { accountFromRow, transferFromRow, type AccountRow, type TransferRow } from './rows.js';
import { auditFromRow, recordFromRow, type AuditRow, type RecordRow } from '../rows.js';
import type { EventQuery, StoredEvent } from '../events.js';
import { SqliteEventReader } from './event-reads.js';
import type { AuditQuery, RecordQuery, StoredAuditEntry, StoredRecord } from '../records.js';
import {
  journalFromRow,
  migrate,
  prepareStatements,
  type JournalRow,
  type Statements,
} from './statements.js';
import { AccountCache } from './account-cache.js';
import { walkAccountHistory } from './account-history.js';
import { SqliteTransferSearch } from './transfer-search.js';
import {
  parseSearchCursor,
  type TransferSearchPage,
  type TransferSearchQuery,
} from '../transfer-search.js';
import { BackgroundCheckpointer } from './checkpointer.js';
import { StagedState } from './sqlite-transaction.js';
import { WritePipeline } from './write-pipeline.js';
import { SqliteWriter } from './writer.js';
import { flowPairs, flowTotals, monthlyFlows, pairTotals, readTallies } from './aggregates.js';
import { claimDatabaseFile, type DatabaseFileClaim } from './process-lock.js';

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:'. */
  readonly path: string;
  /** Accounts kept in memory between batches; the cache is dropped whole when it grows past this. */
  readonly accountCacheMax?: number;
  /** Run WAL checkpoints on a worker thread (default); false leaves them to the writer's WAL restarts. */
  readonly backgroundCheckpoints?: boolean;
  /** How often balances only held in memory are written to their columns (default 1,000 ms). */
  readonly flushIntervalMs?: number;
}

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a batch is on disk
 * before its results are returned.
 *
 * Two threads share the work. On this thread a batch runs against the in-memory account cache
 * (`account-cache.ts`) and the read connection (`sqlite-transaction.ts`), and its writes are
 * collected into a unit; the unit goes to the writer thread (`writer-worker.ts`), which owns the
 * only write connection, and the batch's results are released when the writer reports the commit.
 * Meanwhile the next batch can already run here: the rules of batch N+1 overlap the inserts and
 * fsync of batch N, and units that wait for the writer are committed together. Reads during a batch
 * see the effects of batches not yet committed through `InFlight`. If a unit fails, every later
 * unit of its epoch is refused by the writer, this thread waits for the writer to go idle, drops
 * its caches and starts a new epoch, and the Ledger runs the refused batches again
 * (`write-pipeline.ts`).
 *
 * The account cache is only valid while this process is the only writer, so a store holds a lock
 * on the file from open to close and a second store, in this process or another, is refused at
 * once (`process-lock.ts`). As a safety net the writer still checks SQLite's `data_version` in every
 * transaction and refuses (`stale`) when another connection has committed since, which resets the
 * cache the same way.
 */
export class SqliteStore implements LedgerStore {
  readonly kind = 'sqlite' as const;
  /** A unit that fails fails every later unit of its epoch (built on its effects), so no stored id may reach the writer. */
  readonly lookUpIdsFirst = true;
  readonly description: string;
  private readonly path: string;
  private readonly db: SqliteDatabase;
  /** The writer lock on the file, held from open to close. */
  private readonly claim: DatabaseFileClaim;
  private readonly statements: Statements;
  private readonly eventReader: SqliteEventReader;
  private readonly search: SqliteTransferSearch;
  private readonly cache: AccountCache;
  private readonly staged: StagedState;
  private readonly writer: SqliteWriter;
  private readonly pipeline: WritePipeline;
  private readonly checkpointer: BackgroundCheckpointer | undefined;
  private readonly flushTimer: NodeJS.Timeout;

  constructor(options: SqliteStoreOptions) {
    if (options.path === ':memory:')
      throw new Error('the SQLite store needs a file: its writer thread opens it separately');
    this.description = `sqlite:${options.path}`;
    // One writing process per file (process-lock.ts): refused at once, before anything is opened.
    this.claim = claimDatabaseFile(options.path);
    this.path = this.claim.realPath;
    let db: SqliteDatabase | undefined;
    try {
      db = new Database(this.claim.realPath);
      db.defaultSafeIntegers(true);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 10000');
      db.pragma('cache_size = -16384'); // 16 MiB: this connection only reads, mostly single rows
      db.pragma('wal_autocheckpoint = 0');
      migrate(db);
      this.db = db;
      this.statements = prepareStatements(this.db);
      this.eventReader = new SqliteEventReader(this.db, this.statements);
      this.search = new SqliteTransferSearch(this.db, this.statements);
      this.cache = new AccountCache(this.db, this.statements, options.accountCacheMax ?? 200_000);
      this.cache.recover();
    } catch (error) {
      db?.close();
      this.claim.release({ discardCreated: true });
      throw error;
    }
    this.staged = new StagedState(this.statements);
    this.writer = new SqliteWriter({ path: this.claim.realPath, walRestartBytes: 8 * 1024 * 1024 });
    const flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.pipeline = new WritePipeline(this.writer, this.staged, this.cache, flushIntervalMs);
    if (options.backgroundCheckpoints !== false)
      this.checkpointer = new BackgroundCheckpointer(this.claim.realPath);
    this.flushTimer = setInterval(() => this.pipeline.flushWhenIdle(), flushIntervalMs);
    this.flushTimer.unref();
  }

  write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    return this.pipeline.write(work);
  }

  async getAccounts(ids: readonly AccountId[]): Promise<Account[]> {
    return this.pipeline.consistentRead(() => {
      const rows = ids.map((id) => this.statements.accountById.get(id) as AccountRow | undefined);
      return rows
        .filter((row): row is AccountRow => row !== undefined)
        .map((row) => this.cache.current(row));
    });
  }

  async getTransfers(ids: readonly TransferId[]): Promise<StoredTransfer[]> {
    const rows = ids.map((id) => this.statements.transferById.get(id) as TransferRow | undefined);
    return rows.filter((row): row is TransferRow => row !== undefined).map(transferFromRow);
  }

  async listAccounts(query: AccountQuery): Promise<Account[]> {
    // Text no store can hold is no one's name; sent, a lone surrogate would match U+FFFD.
    if (query.owner !== undefined && !isStorableText(query.owner)) return [];
    return this.pipeline.consistentRead(() => {
      const after = query.afterTimestamp ?? 0n;
      const rows =
        query.owner === undefined
          ? this.statements.accountsAfter.all(after, query.limit)
          : this.statements.accountsOfOwner.all(query.owner, after, query.limit);
      return (rows as AccountRow[]).map((row) => this.cache.current(row));
    });
  }

  /** Walks the account's history chain (account-history.ts) from its newest transfer, as of the batches staged so far. */
  async listAccountTransfers(query: AccountTransfersQuery): Promise<StoredTransfer[]> {
    const head = await this.pipeline.consistentRead(() => {
      const row = this.statements.accountById.get(query.accountId) as AccountRow | undefined;
      if (row === undefined) return undefined;
      return this.cache.historyHead(query.accountId) ?? row.last_transfer;
    });
    return head === undefined ? [] : walkAccountHistory(this.statements, query, head);
  }

  /**
   * See transfer-search.ts. With accounts, the walk starts at their history heads as of the
   * batches staged so far (as `listAccountTransfers`), or where the cursor left their chains.
   */
  async searchTransfers(query: TransferSearchQuery): Promise<TransferSearchPage> {
    const accounts = query.accounts;
    if (accounts === undefined) return this.search.scan(query);
    const cursor = query.cursor === undefined ? undefined : parseSearchCursor(query.cursor);
    if (cursor !== undefined && cursor.positions.length > 0)
      return this.search.walk(query, accounts, cursor, undefined);
    const heads = await this.pipeline.consistentRead(() => {
      const found = new Map<AccountId, bigint>();
      for (const id of accounts) {
        const row = this.statements.accountById.get(id) as AccountRow | undefined;
        if (row !== undefined) found.set(id, this.cache.historyHead(id) ?? row.last_transfer);
      }
      return found;
    });
    return this.search.walk(query, accounts, cursor, heads);
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

  /** See aggregates.ts. */
  async flowTotals(query: FlowTotalsQuery): Promise<FlowTotal[]> {
    return this.pipeline.consistentRead(() => flowTotals(this.db, query));
  }

  async monthlyFlows(query: MonthlyFlowsQuery): Promise<FlowDelta[]> {
    return this.pipeline.consistentRead(() => monthlyFlows(this.db, query));
  }

  async flowPairs(firstTimestamp: bigint, lastTimestamp: bigint): Promise<FlowPair[]> {
    return this.pipeline.consistentRead(() => flowPairs(this.db, firstTimestamp, lastTimestamp));
  }

  async lastTimestamp(): Promise<bigint> {
    return this.pipeline.consistentRead(
      () => (this.statements.lastJournal.get() as JournalRow | undefined)?.last_timestamp ?? 0n,
    );
  }

  /** See aggregates.ts. */
  async pairTotals(query: PairTotalsQuery): Promise<PairTotal[]> {
    return pairTotals(this.db, query);
  }

  async tallies(query: TalliesQuery): Promise<PairTotal[]> {
    return this.pipeline.consistentRead(() => readTallies(this.db, query));
  }

  async accountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]> {
    return this.pipeline.consistentRead(() =>
      (this.statements.accountsAfter.all(afterTimestamp, limit) as AccountRow[]).map((row) =>
        this.cache.current(row),
      ),
    );
  }

  async storedBalancesSeq(): Promise<bigint> {
    return this.statements.balancesSeq.pluck().get() as bigint;
  }

  async storedAccountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]> {
    return (this.statements.accountsAfter.all(afterTimestamp, limit) as AccountRow[]).map(
      accountFromRow,
    );
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

  /** The file: a read-only connection's transaction sees a consistent snapshot of what is committed (WAL). */
  snapshotSource(): SnapshotSource {
    return { kind: 'sqlite', path: this.path };
  }

  async getRecords(
    collection: string,
    keys: readonly string[],
  ): Promise<Map<string, StoredRecord>> {
    return this.pipeline.consistentRead(() => this.staged.readRecords(collection, keys, false));
  }

  async listRecords(query: RecordQuery): Promise<StoredRecord[]> {
    const prefix = query.prefix ?? '';
    if (!isStorableText(prefix) || !isStorableText(query.afterKey ?? '')) return [];
    return this.pipeline.consistentRead(() => {
      const after = query.afterKey ?? '';
      return (
        this.statements.recordsAfter.all(
          query.collection,
          after,
          prefix,
          prefix,
          query.limit,
        ) as RecordRow[]
      ).map(recordFromRow);
    });
  }

  async auditEntries(query: AuditQuery): Promise<StoredAuditEntry[]> {
    if (query.actor !== undefined && !isStorableText(query.actor)) return [];
    if (query.target !== undefined && !isStorableText(query.target)) return [];
    return this.pipeline.consistentRead(() => {
      const after = query.afterSeq ?? 0n;
      const actor = query.actor ?? null;
      const rows =
        query.target !== undefined
          ? this.statements.auditOfTargetAfter.all(query.target, actor, actor, after, query.limit)
          : query.actor === undefined
            ? this.statements.auditAfter.all(after, query.limit)
            : this.statements.auditOfActorAfter.all(query.actor, after, query.limit);
      return (rows as AuditRow[]).map(auditFromRow);
    });
  }

  /**
   * Read on this thread's connection, outside the order of batches: it sees only what is
   * committed, and the writer numbers events in commit order, so a page never has a gap.
   */
  async events(query: EventQuery): Promise<StoredEvent[]> {
    return this.eventReader.read(query);
  }

  async lastEventSeq(): Promise<bigint> {
    return this.eventReader.lastSeq();
  }

  /** Writes out every balance still only in memory, waits for the writer, and closes. */
  async close(): Promise<void> {
    if (this.pipeline.isClosed) return;
    clearInterval(this.flushTimer);
    await this.pipeline.close();
    try {
      await this.writer.close();
      await this.checkpointer?.stop();
      if (this.db.open) {
        // A final checkpoint only tidies the WAL (the next open replays it); on a full disk it
        // fails, and the file must still be closed and its lock released.
        try {
          this.db.pragma('wal_checkpoint(TRUNCATE)');
        } finally {
          this.db.close();
        }
      }
    } finally {
      this.claim.release();
    }
  }
}
