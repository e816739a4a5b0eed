import type { PendingResolution } from '../../ledger/create-transfers.js';
import type { AccountId, TransferId } from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import type { PairTally } from '../../ledger/tallies.js';
import type { FlowDelta } from '../../ledger/flows.js';
import { isStorableText } from '../../ledger/text.js';
import {
  checkAuditEntry,
  checkRecordPut,
  recordMapKey,
  type AuditEntry,
  type RecordPut,
  type StoredRecord,
} from '../records.js';
import { recordFromRow, type RecordRow } from '../rows.js';
import type { WriteTransaction } from '../store.js';
import {
  checkEventInput,
  checkTransferEvents,
  type EventInput,
  type TransferEvents,
} from '../events.js';
import type { AccountCache } from './account-cache.js';
import { transferFromRow, type TransferRow } from './rows.js';
import { InFlight, type UnitBuilder } from './staging.js';
import { journalFromRow, type JournalRow, type Statements } from './statements.js';

/**
 * What this thread knows beyond the rows its read connection sees: the effects of the units handed
 * to the writer and not yet committed (`inFlight`), and answers remembered between batches so that
 * they are not asked again (the newest journal entry, the greatest transfer id, the earliest stored
 * expiry). All of it belongs to one epoch of the write pipeline: `forget` drops it when the
 * pipeline starts over from what is committed.
 */
export class StagedState {
  readonly inFlight = new InFlight();
  private lastJournal: JournalEntry | undefined | null = null; // null: not known
  /**
   * No transfer id greater than this is stored or in flight (ids are compared as their canonical
   * text); undefined: not known. Time-ordered ids (UUIDv7, what clients are told to use) nearly
   * always sort after it, so looking up a new batch's ids costs a comparison each, not a query.
   */
  private maxTransferId: string | undefined;
  /** The earliest expiry of a committed pending transfer still pending; undefined: not known. */
  private earliestStoredExpiry: bigint | undefined;

  constructor(private readonly statements: Statements) {}

  forget(): void {
    this.inFlight.clear();
    this.lastJournal = null;
    this.earliestStoredExpiry = undefined;
    this.maxTransferId = undefined;
  }

  lastJournalEntry(): JournalEntry | undefined {
    if (this.lastJournal === null) {
      const row = this.statements.lastJournal.get() as JournalRow | undefined;
      this.lastJournal = row === undefined ? undefined : journalFromRow(row);
    }
    return this.lastJournal;
  }

  /** The journal entry of the batch being staged: the newest from now on. */
  journalAppended(entry: JournalEntry): void {
    this.lastJournal = entry;
  }

  /** Committed documents, overlaid (inside a write) with those of batches still in flight. */
  readRecords(
    collection: string,
    keys: readonly string[],
    withInFlight: boolean,
  ): Map<string, StoredRecord> {
    const found = new Map<string, StoredRecord>();
    for (const key of new Set(keys)) {
      // Text no store can hold (../../ledger/text.ts) is never a key: better-sqlite3 would send a
      // lone surrogate as U+FFFD (under Node 24) and find the document keyed so.
      if (!isStorableText(key)) continue;
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

  loadTransfers(ids: readonly TransferId[]): Map<TransferId, StoredTransfer> {
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
  duePending(nowNs: bigint, limit: number): StoredTransfer[] {
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

  /** Transfers about to be staged: the greatest id known so far grows with them. */
  transfersStaged(transfers: readonly StoredTransfer[]): void {
    let max = this.knownMaxTransferId();
    for (const transfer of transfers) if (transfer.id > max) max = transfer.id;
    this.maxTransferId = max;
  }

  /** The pending transfers of a unit about to go to the writer: in flight, and due for the expiry sweep. */
  pendingStaged(pendingTransfers: readonly StoredTransfer[]): void {
    for (const transfer of pendingTransfers) {
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
}

/**
 * One batch's write transaction on the SQLite store. It runs on the store's thread: reads see the
 * committed rows overlaid with what is still in flight (StagedState) and the account cache; writes
 * are collected into the batch's unit for the writer thread, and the cache and StagedState are
 * updated at once, so that the next batch can be staged before this one has committed.
 */
export class SqliteTransaction implements WriteTransaction {
  /** @param allocate supplies the memory of the buffers the unit hands the writer thread (SqliteWriter.takeBuffer). */
  constructor(
    private readonly unit: UnitBuilder,
    private readonly state: StagedState,
    private readonly cache: AccountCache,
    private readonly allocate: (bytes: number) => ArrayBuffer,
  ) {}

  async lastJournalEntry(): Promise<JournalEntry | undefined> {
    return this.state.lastJournalEntry();
  }

  async loadAccounts(ids: readonly AccountId[]): Promise<ReadonlyMap<AccountId, Account>> {
    return this.cache.load(ids);
  }

  async loadTransfers(ids: readonly TransferId[]): Promise<Map<TransferId, StoredTransfer>> {
    return this.state.loadTransfers(ids);
  }

  async duePendingTransfers(nowNs: bigint, limit: number): Promise<StoredTransfer[]> {
    return this.state.duePending(nowNs, limit);
  }

  async insertAccounts(accounts: readonly Account[]): Promise<void> {
    this.unit.addAccounts(accounts);
    this.cache.insert(accounts);
  }

  async insertTransfers(transfers: readonly StoredTransfer[]): Promise<void> {
    this.state.transfersStaged(transfers);
    const previous = new BigInt64Array(
      this.allocate(transfers.length * 16),
      0,
      transfers.length * 2,
    );
    this.cache.chain(transfers, previous);
    this.unit.addTransfers(transfers, previous);
    this.state.pendingStaged(this.unit.pendingTransfers);
  }

  async updateBalances(accounts: Iterable<Account>): Promise<void> {
    this.cache.markChanged(accounts);
  }

  async resolvePending(resolutions: readonly PendingResolution[]): Promise<void> {
    this.unit.addResolutions(resolutions);
    for (const resolution of resolutions)
      this.state.inFlight.statuses.set(resolution.pending.id, resolution.status);
  }

  async appendJournal(entry: JournalEntry): Promise<void> {
    this.unit.setJournal(entry);
    this.state.journalAppended(entry);
  }

  async getRecords(
    collection: string,
    keys: readonly string[],
  ): Promise<Map<string, StoredRecord>> {
    return this.state.readRecords(collection, keys, true);
  }

  async putRecords(puts: readonly RecordPut[], updatedAt: bigint): Promise<void> {
    for (const put of puts) checkRecordPut(put);
    const stored = this.unit.addRecords(puts, updatedAt);
    for (const record of stored)
      this.state.inFlight.records.set(recordMapKey(record.collection, record.key), {
        record,
        unit: this.unit,
      });
  }

  async appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    for (const entry of entries) checkAuditEntry(entry);
    this.unit.addAudit(entries);
  }

  async appendEvents(events: readonly EventInput[]): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) checkEventInput(event);
    this.unit.addEvents(events);
  }

  async appendTransferEvents(events: TransferEvents): Promise<void> {
    checkTransferEvents(events);
    this.unit.addTransferEvents(events);
  }

  async addTallies(tallies: readonly PairTally[]): Promise<void> {
    if (tallies.length > 0) this.unit.addTallies(tallies);
  }

  async addFlows(rows: readonly FlowDelta[], replace = false): Promise<void> {
    if (rows.length > 0 || replace) this.unit.addFlows(rows, replace);
  }
}

const NEVER = (1n << 63n) - 1n;
