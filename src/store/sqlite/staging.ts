import type { TransferId } from '../../ledger/ids.js';
import { encodeTransfers, type JournalEntry } from '../../ledger/journal.js';
import type { Account, PendingStatus, StoredTransfer } from '../../ledger/model.js';
import type { PendingResolution } from '../../ledger/create-transfers.js';
import type { PairTally } from '../../ledger/tallies.js';
import type { FlowDelta } from '../../ledger/flows.js';
import { recordMapKey, type AuditEntry, type RecordPut, type StoredRecord } from '../records.js';
import { eventParties, type EventInput, type TransferEvents } from '../events.js';
import { PENDING_STATUS_CODES } from './rows.js';
import type { WriteUnit } from './writer-protocol.js';

/**
 * What the main thread knows that the database does not show yet: the effects of batches handed
 * to the writer thread and not yet committed. Reads during a later batch consult it first.
 */
export class InFlight {
  /** The units handed to the writer and not yet committed, oldest first. */
  private readonly units = new Set<UnitBuilder>();
  /** Pending transfers created by those units, for the expiry sweep. */
  readonly pending = new Map<TransferId, StoredTransfer>();
  readonly statuses = new Map<TransferId, PendingStatus>();
  /** Documents written by those units, by `recordMapKey`, with the unit that wrote them last. */
  readonly records = new Map<
    string,
    { readonly record: StoredRecord; readonly unit: UnitBuilder }
  >();

  add(unit: UnitBuilder): void {
    this.units.add(unit);
  }

  /** A transfer written by a unit in flight, newest unit first. Rare, so each unit's index is built on demand. */
  find(id: TransferId): StoredTransfer | undefined {
    let found: StoredTransfer | undefined;
    for (const unit of this.units) found = unit.transferById(id) ?? found;
    return found;
  }

  /** A stored or in-flight transfer with its in-flight pending status applied. */
  withStatus(transfer: StoredTransfer): StoredTransfer {
    const status = this.statuses.get(transfer.id);
    return status === undefined || transfer.pendingStatus === undefined
      ? transfer
      : { ...transfer, pendingStatus: status };
  }

  forget(unit: UnitBuilder): void {
    this.units.delete(unit);
    for (const transfer of unit.pendingTransfers) this.pending.delete(transfer.id);
    for (const id of unit.resolvedIds) this.statuses.delete(id);
    for (const key of unit.recordKeys) {
      if (this.records.get(key)?.unit === unit) this.records.delete(key);
    }
  }

  clear(): void {
    this.units.clear();
    this.pending.clear();
    this.statuses.clear();
    this.records.clear();
  }
}

/** Values per event row of a unit (see WriteUnit.events). */
const EVENT_COLUMNS = 5;

/** Collects one batch's writes into a unit for the writer thread. */
export class UnitBuilder {
  readonly pendingTransfers: StoredTransfer[] = [];
  readonly resolvedIds: TransferId[] = [];
  readonly recordKeys: string[] = [];
  private recordRows: unknown[] | undefined;
  private auditRows: unknown[] | undefined;
  private tallyRows: unknown[] | undefined;
  private flowRows: unknown[] | undefined;
  private flowsReplace = false;
  private eventRows: unknown[] | undefined;
  private eventPartyRows: unknown[] | undefined;
  private transferEvents: WriteUnit['transferEvents'];
  private records: readonly StoredTransfer[] = [];
  private byId: Map<TransferId, StoredTransfer> | undefined;
  private accounts: unknown[] | undefined;
  private transfers: Uint8Array | undefined;
  private previous: BigInt64Array | undefined;
  private pending: bigint[] = [];
  private resolutions: bigint[] = [];
  private balances: BigInt64Array | undefined;
  private balancesSeq: bigint | undefined;
  private journal: WriteUnit['journal'];

  /** @param allocate supplies the memory of the buffers the unit hands the writer thread (SqliteWriter.takeBuffer). */
  constructor(
    readonly epoch: number,
    private readonly allocate?: (bytes: number) => ArrayBuffer,
  ) {}

  get empty(): boolean {
    return (
      this.journal === undefined &&
      this.balances === undefined &&
      this.recordRows === undefined &&
      this.auditRows === undefined &&
      this.tallyRows === undefined &&
      this.flowRows === undefined &&
      this.eventRows === undefined &&
      this.transferEvents === undefined
    );
  }

  /** Stages documents and returns them as stored, for the in-flight overlay. */
  addRecords(puts: readonly RecordPut[], updatedAt: bigint): StoredRecord[] {
    this.recordRows ??= [];
    return puts.map((put) => {
      this.recordRows?.push(put.collection, put.key, JSON.stringify(put.value), updatedAt);
      this.recordKeys.push(recordMapKey(put.collection, put.key));
      return { collection: put.collection, key: put.key, value: put.value, updatedAt };
    });
  }

  addAudit(entries: readonly AuditEntry[]): void {
    this.auditRows ??= [];
    for (const entry of entries) {
      this.auditRows.push(
        entry.at,
        entry.actor,
        entry.role,
        entry.keyId ?? null,
        entry.requestId ?? null,
        entry.action,
        entry.target ?? null,
        JSON.stringify(entry.detail),
      );
    }
  }

  /** Events in order; the writer thread numbers them as it inserts them (see writer-worker.ts). */
  addEvents(events: readonly EventInput[]): void {
    const rows = (this.eventRows ??= []);
    const parties = (this.eventPartyRows ??= []);
    for (const event of events) {
      const participants = eventParties(event.participants);
      const index = rows.length / EVENT_COLUMNS;
      rows.push(
        event.at,
        event.type,
        event.subject,
        JSON.stringify(participants),
        JSON.stringify(event.data),
      );
      for (const participant of participants) parties.push(index, participant);
    }
  }

  /**
   * The ledger's transfer events, for the transfers this unit inserts. No row is built here: the
   * unit carries each transfer's type code and sides as they are, and the sides once, as JSON; the
   * writer thread, which decodes every transfer's timestamp anyway, stores them as one run.
   */
  addTransferEvents(events: TransferEvents): void {
    if (events.transfers !== this.records)
      throw new Error('bug: transfer events for transfers this transaction did not insert');
    if (this.transferEvents !== undefined)
      throw new Error('bug: transfer events appended twice in one transaction');
    this.transferEvents = {
      types: events.types,
      debitSides: events.debitSides,
      creditSides: events.creditSides,
      sides: JSON.stringify(events.sides),
    };
  }

  addTallies(tallies: readonly PairTally[]): void {
    this.tallyRows ??= [];
    for (const tally of tallies) {
      this.tallyRows.push(
        tally.ledger,
        tally.period,
        tally.code,
        tally.debitAccountId,
        tally.creditAccountId,
        tally.amount,
        tally.count,
      );
    }
  }

  addFlows(rows: readonly FlowDelta[], replace: boolean): void {
    this.flowRows ??= [];
    if (replace) {
      this.flowRows.length = 0;
      this.flowsReplace = true;
    }
    for (const row of rows)
      this.flowRows.push(
        row.scope,
        row.code,
        row.month,
        row.ledger,
        row.debitCountry,
        row.creditCountry,
        row.amount,
        row.count,
      );
  }

  addAccounts(accounts: readonly Account[]): void {
    this.accounts ??= [];
    for (const account of accounts) {
      this.accounts.push(
        account.timestamp,
        account.id,
        account.ledger,
        account.code,
        account.flags,
        account.owner,
        account.reference,
        account.userData64,
        account.userData32,
      );
    }
  }

  /** `previousOf` gives, per transfer, the timestamps of the previous transfer of its two accounts. */
  addTransfers(transfers: readonly StoredTransfer[], previous: BigInt64Array): void {
    // Not a copy: the journal hash is computed from this same encoding before the unit goes to the
    // writer thread, which takes the buffer (transferred) and hands it back when done with it.
    this.transfers = encodeTransfers(transfers, this.allocate);
    this.previous = previous;
    this.records = transfers;
    for (const transfer of transfers) {
      if (transfer.pendingStatus === undefined) continue;
      this.pending.push(
        transfer.timestamp,
        transfer.expiresAt ?? 0n,
        BigInt(PENDING_STATUS_CODES[transfer.pendingStatus]),
      );
      this.pendingTransfers.push(transfer);
    }
  }

  transferById(id: TransferId): StoredTransfer | undefined {
    if (this.records.length === 0) return undefined;
    this.byId ??= new Map(this.records.map((transfer) => [transfer.id, transfer]));
    return this.byId.get(id);
  }

  addResolutions(resolutions: readonly PendingResolution[]): void {
    for (const resolution of resolutions) {
      this.resolutions.push(
        BigInt(PENDING_STATUS_CODES[resolution.status]),
        resolution.resolvedBy,
        resolution.pending.timestamp,
      );
      this.resolvedIds.push(resolution.pending.id);
    }
  }

  /** Makes this unit a flush: the balances of these accounts are current as of journal entry `seq`. */
  flushBalances(
    accounts: readonly { account: Account; lastTransfer: bigint }[],
    seq: bigint,
  ): void {
    const balances = new BigInt64Array(accounts.length * 6);
    accounts.forEach(({ account, lastTransfer }, index) => {
      balances.set(
        [
          account.timestamp,
          account.debitsPending,
          account.debitsPosted,
          account.creditsPending,
          account.creditsPosted,
          lastTransfer,
        ],
        index * 6,
      );
    });
    this.balances = balances;
    this.balancesSeq = seq;
  }

  setJournal(entry: JournalEntry): void {
    this.journal = [
      entry.seq,
      entry.kind,
      entry.firstTimestamp,
      entry.lastTimestamp,
      entry.count,
      entry.prevHash,
      entry.hash,
    ];
  }

  build(): Omit<WriteUnit, 'unitId'> {
    return {
      epoch: this.epoch,
      ...(this.accounts === undefined ? {} : { accounts: this.accounts }),
      ...(this.transfers === undefined
        ? {}
        : { transfers: this.transfers, previous: this.previous }),
      ...(this.pending.length === 0 ? {} : { pending: BigInt64Array.from(this.pending) }),
      ...(this.resolutions.length === 0
        ? {}
        : { resolutions: BigInt64Array.from(this.resolutions) }),
      ...(this.balances === undefined
        ? {}
        : { balances: this.balances, balancesSeq: this.balancesSeq }),
      ...(this.recordRows === undefined ? {} : { records: this.recordRows }),
      ...(this.auditRows === undefined ? {} : { audit: this.auditRows }),
      ...(this.tallyRows === undefined ? {} : { tallies: this.tallyRows }),
      ...(this.flowRows === undefined ? {} : { flows: this.flowRows }),
      ...(this.flowsReplace ? { flowsReplace: true } : {}),
      ...(this.transferEvents === undefined ? {} : { transferEvents: this.transferEvents }),
      ...(this.eventRows === undefined
        ? {}
        : { events: this.eventRows, eventParties: this.eventPartyRows ?? [] }),
      ...(this.journal === undefined ? {} : { journal: this.journal }),
    };
  }
}
