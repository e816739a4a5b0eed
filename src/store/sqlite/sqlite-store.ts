import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { AccountId, TransferId } from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import type { PendingResolution } from '../../ledger/create-transfers.js';
import {
  DuplicateTransferIdError,
  EarlierBatchFailedError,
  RetryableWriteError,
  StoreUnavailableError,
  type AccountQuery,
  type AccountTransfersQuery,
  type LedgerStore,
  type PairTotal,
  type PairTotalsQuery,
  type SnapshotSource,
  type TalliesQuery,
  type WriteTransaction,
} from '../store.js';
import { accountFromRow, transferFromRow, type AccountRow, type TransferRow } from './rows.js';
import { auditFromRow, recordFromRow, type AuditRow, type RecordRow } from '../rows.js';
import {
  checkAuditEntry,
  checkRecordPut,
  recordMapKey,
  type AuditQuery,
  type RecordQuery,
  type StoredAuditEntry,
  type StoredRecord,
} from '../records.js';
import {
  journalFromRow,
  migrate,
  prepareStatements,
  previousOf,
  type JournalRow,
} from './statements.js';
import { BackgroundCheckpointer } from './checkpointer.js';
import { InFlight, UnitBuilder } from './staging.js';
import { SqliteWriter, WriteUnitError } from './writer.js';
import { recoverBalances } from './recovery.js';
import { pairTotals, readTallies } from './aggregates.js';
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
 * Two threads share the work. On this thread a batch runs against the in-memory account cache and
 * the read connection, and its writes are collected into a unit; the unit goes to the writer thread
 * (`writer-worker.ts`), which owns the only write connection, and the batch's results are released
 * when the writer reports the commit. Meanwhile the next batch can already run here: the rules of
 * batch N+1 overlap the inserts and fsync of batch N, and units that wait for the writer are
 * committed together. Reads during a batch see the effects of batches not yet committed through
 * `InFlight`. If a unit fails, every later unit of its epoch is refused by the writer, this thread
 * waits for the writer to go idle, drops its caches and starts a new epoch, and the Ledger runs the
 * refused batches again.
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
  private readonly statements: ReturnType<typeof prepareStatements>;
  /** Every account touched since the last balance flush, and others read for writing; authoritative. */
  private readonly accountCache = new Map<AccountId, Account>();
  /** The newest transfer of each cached account: the head of its history chain. */
  private readonly lastTransferOf = new Map<AccountId, bigint>();
  /** Accounts whose balances changed since the last flush was staged; always in the cache. */
  private readonly dirty = new Set<AccountId>();
  private readonly accountCacheMax: number;
  private readonly flushIntervalMs: number;
  private readonly inFlight = new InFlight();
  private readonly writer: SqliteWriter;
  private readonly checkpointer: BackgroundCheckpointer | undefined;
  private readonly flushTimer: NodeJS.Timeout;
  private lastJournal: JournalEntry | undefined | null = null; // null: not known
  /**
   * No transfer id greater than this is stored or in flight (ids are compared as their canonical
   * text); undefined: not known. Time-ordered ids (UUIDv7, what clients are told to use) nearly
   * always sort after it, so looking up a new batch's ids costs a comparison each, not a query.
   */
  private maxTransferId: string | undefined;
  /** The earliest expiry of a committed pending transfer still pending; undefined: not known. */
  private earliestStoredExpiry: bigint | undefined;
  private lastFlushMs = Date.now();
  private flushRequested = false;
  private epoch = 0;
  private mustReset = false;
  private closed = false;
  private staging: Promise<unknown> = Promise.resolve();
  /** Resolves when every unit handed to the writer so far has settled. */
  private settled: Promise<unknown> = Promise.resolve();

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
      this.accountCacheMax = options.accountCacheMax ?? 200_000;
      this.flushIntervalMs = options.flushIntervalMs ?? 1000;
      this.recover();
    } catch (error) {
      db?.close();
      this.claim.release({ discardCreated: true });
      throw error;
    }
    this.writer = new SqliteWriter({ path: this.claim.realPath, walRestartBytes: 8 * 1024 * 1024 });
    if (options.backgroundCheckpoints !== false)
      this.checkpointer = new BackgroundCheckpointer(this.claim.realPath);
    this.flushTimer = setInterval(() => this.flushWhenIdle(), this.flushIntervalMs);
    this.flushTimer.unref();
  }

  async write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the store is closed');
    const staged = this.staging.then(() => this.stage(work));
    this.staging = staged.catch(() => undefined);
    const { result, committed } = await staged;
    await committed;
    return result;
  }

  /** Runs one batch's work on this thread and hands its unit to the writer; one at a time. */
  private async stage<T>(
    work: (transaction: WriteTransaction) => Promise<T>,
  ): Promise<{ result: T; committed: Promise<unknown> }> {
    if (this.mustReset) await this.reset();
    this.shrinkCacheIfClean();
    const unit = new UnitBuilder(this.epoch, (bytes) => this.writer.takeBuffer(bytes));
    let result: T;
    try {
      result = await work(this.transactionFor(unit));
    } catch (error) {
      // The rules may have changed cached balances in place: start again from what is committed.
      this.mustReset = true;
      throw error;
    }
    this.flushIfDue(unit);
    // Even a batch that writes nothing may have read effects of batches still in flight, so its
    // results wait for them too; if one of them fails, so does this batch (and it is run again).
    if (!unit.empty) this.inFlight.add(unit);
    const committed = unit.empty
      ? this.settled.then(() => this.requireEpoch(unit.epoch))
      : this.submit(unit);
    this.settled = committed.catch(() => undefined);
    return { result, committed };
  }

  /**
   * Reads at a point in the order of batches: what every batch staged before it wrote, returned
   * once all of those have committed. So a read never sees a batch that might still fail.
   */
  private async consistentRead<T>(read: () => T): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.write(async () => read());
      } catch (error) {
        if (!(error instanceof RetryableWriteError) || attempt >= 5) throw error;
      }
    }
  }

  private requireEpoch(epoch: number): void {
    if (this.mustReset || epoch !== this.epoch)
      throw new EarlierBatchFailedError('an earlier batch it read from was not written');
  }

  private submit(unit: UnitBuilder): Promise<void> {
    return this.writer.submit(unit.build()).then(
      () => this.inFlight.forget(unit),
      (error: unknown) => {
        this.mustReset = true;
        if (error instanceof WriteUnitError && error.failure === 'duplicate_transfer_id')
          throw new DuplicateTransferIdError();
        if (error instanceof WriteUnitError && error.failure === 'reset')
          throw new EarlierBatchFailedError(error.message);
        if (error instanceof WriteUnitError && error.failure === 'stale')
          throw new RetryableWriteError(error.message);
        if (error instanceof WriteUnitError && error.failure === 'unavailable')
          throw new StoreUnavailableError(
            `the SQLite database cannot be written: ${error.message}`,
            { cause: error },
          );
        throw error;
      },
    );
  }

  /** Waits for the writer to go idle, then starts over from what is committed. */
  private async reset(): Promise<void> {
    await this.settled;
    this.inFlight.clear();
    this.lastJournal = null;
    this.earliestStoredExpiry = undefined;
    this.maxTransferId = undefined;
    this.epoch += 1;
    this.mustReset = false;
    this.recover();
  }

  /** Rebuilds the cache: the stored balance columns plus everything the journal holds after them. */
  private recover(): void {
    this.accountCache.clear();
    this.lastTransferOf.clear();
    this.dirty.clear();
    const recovered = this.db.transaction(() => recoverBalances(this.statements))();
    for (const [id, account] of recovered.accounts) {
      this.accountCache.set(id, account);
      this.dirty.add(id);
    }
    for (const [id, last] of recovered.lastTransferOf) this.lastTransferOf.set(id, last);
  }

  private shrinkCacheIfClean(): void {
    if (
      this.accountCache.size < this.accountCacheMax ||
      this.dirty.size > 0 ||
      this.writer.inFlight > 0
    )
      return;
    this.accountCache.clear();
    this.lastTransferOf.clear();
  }

  /**
   * Balance columns are written in flushes, not with every batch: a batch of single transfers to
   * random accounts otherwise rewrote a page per account, which was most of what its commit cost.
   * A flush rides on the batch being staged and carries every account changed since the last one.
   */
  private flushIfDue(unit: UnitBuilder): void {
    if (this.dirty.size === 0) return;
    const due =
      this.flushRequested ||
      this.dirty.size >= DIRTY_MAX ||
      Date.now() - this.lastFlushMs >= this.flushIntervalMs;
    if (!due) return;
    const accounts = [...this.dirty].map((id) => ({
      account: this.accountCache.get(id) as Account,
      lastTransfer: this.lastTransferOf.get(id) ?? 0n,
    }));
    unit.flushBalances(accounts, this.lastJournalEntry()?.seq ?? 0n);
    this.dirty.clear();
    this.flushRequested = false;
    this.lastFlushMs = Date.now();
  }

  private flushWhenIdle(): void {
    if (this.dirty.size === 0 || this.closed) return;
    this.flushRequested = true;
    void this.write(async () => undefined).catch(() => undefined);
  }

  private transactionFor(unit: UnitBuilder): WriteTransaction {
    return {
      lastJournalEntry: async () => this.lastJournalEntry(),
      loadAccounts: async (ids) => this.loadAccountsCached(ids),
      loadTransfers: async (ids) => this.loadTransfers(ids),
      duePendingTransfers: async (nowNs, limit) => this.duePending(nowNs, limit),
      insertAccounts: async (accounts) => {
        unit.addAccounts(accounts);
        for (const account of accounts) this.accountCache.set(account.id, { ...account });
      },
      insertTransfers: async (transfers) => this.stageTransfers(unit, transfers),
      updateBalances: async (accounts) => {
        for (const account of accounts) this.dirty.add(account.id);
      },
      resolvePending: async (resolutions: readonly PendingResolution[]) => {
        unit.addResolutions(resolutions);
        for (const resolution of resolutions)
          this.inFlight.statuses.set(resolution.pending.id, resolution.status);
      },
      appendJournal: async (entry) => {
        unit.setJournal(entry);
        this.lastJournal = entry;
      },
      getRecords: async (collection, keys) => this.readRecords(collection, keys, true),
      putRecords: async (puts, updatedAt) => {
        for (const put of puts) checkRecordPut(put);
        const stored = unit.addRecords(puts, updatedAt);
        for (const record of stored)
          this.inFlight.records.set(recordMapKey(record.collection, record.key), { record, unit });
      },
      appendAudit: async (entries) => {
        for (const entry of entries) checkAuditEntry(entry);
        unit.addAudit(entries);
      },
      addTallies: async (tallies) => {
        if (tallies.length > 0) unit.addTallies(tallies);
      },
    };
  }

  /** Committed documents, overlaid (inside a write) with those of batches still in flight. */
  private readRecords(
    collection: string,
    keys: readonly string[],
    withInFlight: boolean,
  ): Map<string, StoredRecord> {
    const found = new Map<string, StoredRecord>();
    for (const key of new Set(keys)) {
      const staged = withInFlight
        ? this.inFlight.records.get(recordMapKey(collection, key))
        : undefined;
      const row =
        staged === undefined
          ? (this.statements.recordByKey.get(collection, key) as RecordRow | undefined)
          : undefined;
      const record = staged?.record ?? (row === undefined ? undefined : recordFromRow(row));
      if (record !== undefined) found.set(key, record);
    }
    return found;
  }

  private lastJournalEntry(): JournalEntry | undefined {
    if (this.lastJournal === null) {
      const row = this.statements.lastJournal.get() as JournalRow | undefined;
      this.lastJournal = row === undefined ? undefined : journalFromRow(row);
    }
    return this.lastJournal;
  }

  private stageTransfers(unit: UnitBuilder, transfers: readonly StoredTransfer[]): void {
    let max = this.knownMaxTransferId();
    for (const transfer of transfers) if (transfer.id > max) max = transfer.id;
    this.maxTransferId = max;
    const previous = new BigInt64Array(
      this.writer.takeBuffer(transfers.length * 16),
      0,
      transfers.length * 2,
    );
    transfers.forEach((transfer, index) => {
      previous[index * 2] = this.lastTransferOf.get(transfer.debitAccountId) ?? 0n;
      previous[index * 2 + 1] = this.lastTransferOf.get(transfer.creditAccountId) ?? 0n;
      this.lastTransferOf.set(transfer.debitAccountId, transfer.timestamp);
      this.lastTransferOf.set(transfer.creditAccountId, transfer.timestamp);
    });
    unit.addTransfers(transfers, previous);
    for (const transfer of unit.pendingTransfers) {
      this.inFlight.pending.set(transfer.id, transfer);
      // Once committed it is a stored pending transfer: its expiry counts for the query's shortcut.
      const expiresAt = transfer.expiresAt ?? 0n;
      if (
        expiresAt !== 0n &&
        this.earliestStoredExpiry !== undefined &&
        expiresAt < this.earliestStoredExpiry
      )
        this.earliestStoredExpiry = expiresAt;
    }
  }

  private knownMaxTransferId(): string {
    this.maxTransferId ??= (this.statements.maxTransferId.pluck().get() as string | null) ?? '';
    return this.maxTransferId;
  }

  private loadTransfers(ids: readonly TransferId[]): Map<TransferId, StoredTransfer> {
    const found = new Map<TransferId, StoredTransfer>();
    const missing: TransferId[] = [];
    const max = this.knownMaxTransferId();
    for (const id of new Set(ids)) {
      if (id > max) continue; // neither stored nor in flight
      const staged = this.inFlight.find(id);
      if (staged === undefined) missing.push(id);
      else found.set(id, this.inFlight.withStatus(staged));
    }
    if (missing.length > 0) {
      for (const row of this.statements.transfersByIds.all<TransferRow>(missing)) {
        const transfer = this.inFlight.withStatus(transferFromRow(row));
        found.set(transfer.id, transfer);
      }
    }
    return found;
  }

  /**
   * Pending transfers due for expiry. The earliest expiry among committed pending transfers is
   * remembered, so that the query, which nearly always finds nothing, is skipped before then.
   */
  private duePending(nowNs: bigint, limit: number): StoredTransfer[] {
    this.earliestStoredExpiry ??=
      (this.statements.earliestExpiry.pluck().get() as bigint | null) ?? NEVER;
    const stored =
      nowNs < this.earliestStoredExpiry
        ? []
        : (this.statements.duePending.all(nowNs, limit) as TransferRow[]);
    // Having looked, the remembered earliest expiry is out of date either way: look it up again next time.
    if (nowNs >= this.earliestStoredExpiry) this.earliestStoredExpiry = undefined;
    const due = stored
      .map(transferFromRow)
      .filter((transfer) => !this.inFlight.statuses.has(transfer.id));
    for (const transfer of this.inFlight.pending.values()) {
      if (due.length >= limit) break;
      const expiresAt = transfer.expiresAt ?? 0n;
      if (!this.inFlight.statuses.has(transfer.id) && expiresAt !== 0n && expiresAt <= nowNs)
        due.push(transfer);
    }
    return due;
  }

  /**
   * Makes sure every account asked for is in the cache, and returns the cache itself: the rules
   * only look up the ids of their batch, and copying thousands of entries into a fresh map per
   * batch measured as a visible share of the batch's time.
   */
  private loadAccountsCached(ids: readonly AccountId[]): ReadonlyMap<AccountId, Account> {
    for (const id of ids) {
      if (!this.accountCache.has(id)) this.cacheFromRow(id);
    }
    return this.accountCache;
  }

  /** Not cached means not changed since the last flush, so the stored row is current. */
  private cacheFromRow(id: AccountId): Account | undefined {
    const row = this.statements.accountById.get(id) as AccountRow | undefined;
    if (row === undefined) return undefined;
    const account = accountFromRow(row);
    this.accountCache.set(id, account);
    this.lastTransferOf.set(id, row.last_transfer);
    return account;
  }

  /** A copy of the current balances: the cached account when there is one, else the stored row. */
  private current(row: AccountRow): Account {
    const cached = this.accountCache.get(row.id as AccountId);
    return cached === undefined ? accountFromRow(row) : { ...cached };
  }

  async getAccounts(ids: readonly AccountId[]): Promise<Account[]> {
    return this.consistentRead(() => {
      const rows = ids.map((id) => this.statements.accountById.get(id) as AccountRow | undefined);
      return rows
        .filter((row): row is AccountRow => row !== undefined)
        .map((row) => this.current(row));
    });
  }

  async getTransfers(ids: readonly TransferId[]): Promise<StoredTransfer[]> {
    const rows = ids.map((id) => this.statements.transferById.get(id) as TransferRow | undefined);
    return rows.filter((row): row is TransferRow => row !== undefined).map(transferFromRow);
  }

  async listAccounts(query: AccountQuery): Promise<Account[]> {
    return this.consistentRead(() => {
      const after = query.afterTimestamp ?? 0n;
      const rows =
        query.owner === undefined
          ? this.statements.accountsAfter.all(after, query.limit)
          : this.statements.accountsOfOwner.all(query.owner, after, query.limit);
      return (rows as AccountRow[]).map((row) => this.current(row));
    });
  }

  /**
   * Walks the account's history chain newest first. With a cursor that is one of the account's
   * transfers the walk starts right behind it; with any other timestamp it starts at the newest
   * and skips what is not older (at most HISTORY_SKIP_MAX steps).
   */
  async listAccountTransfers(query: AccountTransfersQuery): Promise<StoredTransfer[]> {
    const head = await this.consistentRead(() => {
      const row = this.statements.accountById.get(query.accountId) as AccountRow | undefined;
      if (row === undefined) return undefined;
      return this.lastTransferOf.get(query.accountId) ?? row.last_transfer;
    });
    if (head === undefined) return [];
    const accountId = query.accountId as string;
    let next = head;
    const before = query.beforeTimestamp;
    if (before !== undefined) {
      const cursor = this.statements.transferByTimestamp.get(before) as TransferRow | undefined;
      const involves =
        cursor !== undefined &&
        (cursor.debit_account_id === accountId || cursor.credit_account_id === accountId);
      if (cursor !== undefined && involves) next = previousOf(cursor, accountId);
      for (
        let skipped = 0;
        !involves && next !== 0n && next >= before && skipped < HISTORY_SKIP_MAX;
        skipped += 1
      ) {
        next = previousOf(this.statements.transferByTimestamp.get(next) as TransferRow, accountId);
      }
    }
    const found: StoredTransfer[] = [];
    while (next !== 0n && found.length < query.limit) {
      const row = this.statements.transferByTimestamp.get(next) as TransferRow;
      found.push(transferFromRow(row));
      next = previousOf(row, accountId);
    }
    return found;
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
  async pairTotals(query: PairTotalsQuery): Promise<PairTotal[]> {
    return pairTotals(this.db, query);
  }

  async tallies(query: TalliesQuery): Promise<PairTotal[]> {
    return this.consistentRead(() => readTallies(this.db, query));
  }

  async accountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]> {
    return this.consistentRead(() =>
      (this.statements.accountsAfter.all(afterTimestamp, limit) as AccountRow[]).map((row) =>
        this.current(row),
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
      Number(this.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as bigint);
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
    return this.consistentRead(() => this.readRecords(collection, keys, false));
  }

  async listRecords(query: RecordQuery): Promise<StoredRecord[]> {
    return this.consistentRead(() => {
      const prefix = query.prefix ?? '';
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
    return this.consistentRead(() => {
      const after = query.afterSeq ?? 0n;
      const rows =
        query.actor === undefined
          ? this.statements.auditAfter.all(after, query.limit)
          : this.statements.auditOfActorAfter.all(query.actor, after, query.limit);
      return (rows as AuditRow[]).map(auditFromRow);
    });
  }

  /** Writes out every balance still only in memory, waits for the writer, and closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.flushTimer);
    this.flushRequested = true;
    await this.write(async () => undefined).catch(() => undefined);
    this.closed = true;
    try {
      await this.staging;
      await this.settled;
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

const NEVER = (1n << 63n) - 1n;

/** A flush is forced once this many accounts wait for one, which bounds the cache and the replay at open. */
const DIRTY_MAX = 100_000;
const HISTORY_SKIP_MAX = 1_000_000;
