import type { PendingResolution } from '../../ledger/create-transfers.js';
import { ZERO_ID } from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import {
  eventParties,
  TRANSFER_EVENT_DATA,
  TRANSFER_EVENT_TYPES,
  transferEventParticipants,
  type EventInput,
  type TransferEvents,
} from '../events.js';
import { numberArray, PENDING_STATUS_CODES, textArray, uuidArray } from './rows.js';

/**
 * A batch's writes, collected while the Ledger runs and sent as one statement: the new
 * transfers, their pending rows, the balances, the resolved pending transfers and the journal
 * entry are data-modifying parts of one WITH query. That is one round trip instead of four or
 * five, which is most of what a small batch (group commit) costs.
 *
 * The parts of one statement all see the database as it was before it, so a pending transfer
 * created and resolved in the same batch is inserted with its final status rather than updated.
 */
export class BatchWrite {
  private transfers: readonly StoredTransfer[] = [];
  private readonly balances = new Map<bigint, Account>();
  private readonly resolutions: PendingResolution[] = [];
  /** The ledger's transfer events, then the service's own, as SQLite numbers them. */
  private readonly transferEvents = new EventColumns();
  private readonly events = new EventColumns();
  journal: JournalEntry | undefined;

  get empty(): boolean {
    return (
      this.transfers.length === 0 &&
      this.balances.size === 0 &&
      this.resolutions.length === 0 &&
      this.events.count === 0 &&
      this.transferEvents.count === 0 &&
      this.journal === undefined
    );
  }

  addTransfers(transfers: readonly StoredTransfer[]): void {
    this.transfers = this.transfers.length === 0 ? transfers : [...this.transfers, ...transfers];
  }

  addBalances(accounts: Iterable<Account>): void {
    for (const account of accounts) this.balances.set(account.timestamp, account);
  }

  addResolutions(resolutions: readonly PendingResolution[]): void {
    this.resolutions.push(...resolutions);
  }

  addEvents(events: readonly EventInput[]): void {
    for (const event of events) {
      const parties = eventParties(event.participants);
      this.events.add(
        event.at,
        event.type,
        event.subject,
        parties,
        JSON.stringify(parties),
        JSON.stringify(event.data),
      );
    }
  }

  /** The ledger's transfer events, a row each but no body (it is the transfer; see TransferEvents). */
  addTransferEvents(events: TransferEvents): void {
    if (events.transfers !== this.transfers)
      throw new Error('bug: transfer events for transfers this transaction did not insert');
    if (this.transferEvents.count > 0)
      throw new Error('bug: transfer events appended twice in one transaction');
    const { types, debitSides, creditSides, sides } = events;
    // Transfers between the same two sides share one participants list.
    const lists = new Map<number, { parties: readonly string[]; json: string }>();
    events.transfers.forEach((transfer, index) => {
      const type = TRANSFER_EVENT_TYPES[(types[index] as number) - 1];
      if (type === undefined) return;
      const debit = debitSides[index] as number;
      const credit = creditSides[index] as number;
      const key = debit * 0x10000 + credit;
      let list = lists.get(key);
      if (list === undefined) {
        const parties = transferEventParticipants(sides[debit] ?? [], sides[credit] ?? []);
        list = { parties, json: JSON.stringify(parties) };
        lists.set(key, list);
      }
      this.transferEvents.add(
        transfer.timestamp,
        type,
        transfer.id,
        list.parties,
        list.json,
        TRANSFER_EVENT_DATA,
      );
    });
  }

  /** The statement and its parameters; its name identifies which parts it has, for the prepared-statement cache. */
  toQuery(): { name: string; text: string; values: unknown[] } {
    const values: unknown[] = [];
    const parts: string[] = [];
    const parameter = (value: unknown, cast: string): string => `$${values.push(value)}::${cast}`;
    const resolvedHere = new Map<bigint, PendingResolution>();
    const createdTimestamps = new Set(this.transfers.map((transfer) => transfer.timestamp));
    for (const resolution of this.resolutions) {
      if (createdTimestamps.has(resolution.pending.timestamp))
        resolvedHere.set(resolution.pending.timestamp, resolution);
    }
    if (this.transfers.length > 0) parts.push(insertTransfersPart(this.transfers, parameter));
    const pending = this.transfers.filter((transfer) => transfer.pendingStatus !== undefined);
    if (pending.length > 0) parts.push(insertPendingPart(pending, resolvedHere, parameter));
    if (this.balances.size > 0)
      parts.push(updateBalancesPart([...this.balances.values()], parameter));
    const stored = this.resolutions.filter(
      (resolution) => !resolvedHere.has(resolution.pending.timestamp),
    );
    if (stored.length > 0) parts.push(resolvePart(stored, parameter));
    if (this.journal !== undefined) parts.push(journalPart(this.journal, parameter));
    const allEvents = this.transferEvents.concat(this.events);
    const events = allEvents.count > 0 ? eventsParts(allEvents, parameter) : [];
    const name = `vostro_write_${this.transfers.length > 0 ? 't' : ''}${pending.length > 0 ? 'p' : ''}${this.balances.size > 0 ? 'b' : ''}${stored.length > 0 ? 'r' : ''}${this.journal === undefined ? '' : 'j'}${events.length > 0 ? 'e' : ''}`;
    parts.push(...events);
    const text = `WITH ${parts.map((part, index) => `w${index} AS (${part})`).join(',\n')} SELECT 1`;
    return { name, text, values };
  }
}

type Parameter = (value: unknown, cast: string) => string;

function insertTransfersPart(transfers: readonly StoredTransfer[], parameter: Parameter): string {
  const column = <Value>(pick: (transfer: StoredTransfer) => Value): Value[] => transfers.map(pick);
  const arrays = [
    parameter(numberArray(column((transfer) => transfer.timestamp)), 'int8[]'),
    parameter(uuidArray(column((transfer) => transfer.id)), 'uuid[]'),
    parameter(uuidArray(column((transfer) => transfer.debitAccountId)), 'uuid[]'),
    parameter(uuidArray(column((transfer) => transfer.creditAccountId)), 'uuid[]'),
    parameter(numberArray(column((transfer) => transfer.amount)), 'int8[]'),
    parameter(
      uuidArray(column((transfer) => (transfer.pendingId === ZERO_ID ? null : transfer.pendingId))),
      'uuid[]',
    ),
    parameter(numberArray(column((transfer) => transfer.ledger)), 'int4[]'),
    parameter(numberArray(column((transfer) => transfer.code)), 'int4[]'),
    parameter(numberArray(column((transfer) => transfer.flags)), 'int4[]'),
    parameter(numberArray(column((transfer) => transfer.timeoutSeconds)), 'int8[]'),
    parameter(textArray(column((transfer) => transfer.reference)), 'text[]'),
    parameter(numberArray(column((transfer) => transfer.userData64)), 'int8[]'),
    parameter(numberArray(column((transfer) => transfer.userData32)), 'int8[]'),
  ];
  return `INSERT INTO transfers (timestamp, id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, flags, timeout,
    reference, user_data_64, user_data_32) SELECT * FROM unnest(${arrays.join(', ')})`;
}

function insertPendingPart(
  pending: readonly StoredTransfer[],
  resolvedHere: ReadonlyMap<bigint, PendingResolution>,
  parameter: Parameter,
): string {
  const status = (transfer: StoredTransfer): number => {
    const resolution = resolvedHere.get(transfer.timestamp);
    return PENDING_STATUS_CODES[resolution?.status ?? transfer.pendingStatus ?? 'pending'];
  };
  const arrays = [
    parameter(numberArray(pending.map((transfer) => transfer.timestamp)), 'int8[]'),
    parameter(numberArray(pending.map((transfer) => transfer.expiresAt ?? 0n)), 'int8[]'),
    parameter(numberArray(pending.map(status)), 'int2[]'),
    parameter(
      `{${pending.map((transfer) => resolvedHere.get(transfer.timestamp)?.resolvedBy ?? 'NULL').join(',')}}`,
      'int8[]',
    ),
  ];
  return `INSERT INTO pending_transfers (timestamp, expires_at, status, resolved_by) SELECT * FROM unnest(${arrays.join(', ')})`;
}

function updateBalancesPart(accounts: readonly Account[], parameter: Parameter): string {
  const arrays = [
    parameter(numberArray(accounts.map((account) => account.timestamp)), 'int8[]'),
    parameter(numberArray(accounts.map((account) => account.debitsPending)), 'int8[]'),
    parameter(numberArray(accounts.map((account) => account.debitsPosted)), 'int8[]'),
    parameter(numberArray(accounts.map((account) => account.creditsPending)), 'int8[]'),
    parameter(numberArray(accounts.map((account) => account.creditsPosted)), 'int8[]'),
  ];
  return `UPDATE accounts a SET debits_pending = u.debits_pending, debits_posted = u.debits_posted,
      credits_pending = u.credits_pending, credits_posted = u.credits_posted
    FROM unnest(${arrays.join(', ')}) AS u(timestamp, debits_pending, debits_posted, credits_pending, credits_posted)
    WHERE a.timestamp = u.timestamp`;
}

function resolvePart(resolutions: readonly PendingResolution[], parameter: Parameter): string {
  const arrays = [
    parameter(numberArray(resolutions.map((resolution) => resolution.pending.timestamp)), 'int8[]'),
    parameter(
      numberArray(resolutions.map((resolution) => PENDING_STATUS_CODES[resolution.status])),
      'int2[]',
    ),
    parameter(numberArray(resolutions.map((resolution) => resolution.resolvedBy)), 'int8[]'),
  ];
  return `UPDATE pending_transfers p SET status = u.status, resolved_by = u.resolved_by
    FROM unnest(${arrays.join(', ')}) AS u(timestamp, status, resolved_by) WHERE p.timestamp = u.timestamp`;
}

/** A batch's events as the columns the statement sends, and each participant's row. */
class EventColumns {
  readonly at: bigint[] = [];
  readonly type: string[] = [];
  readonly subject: string[] = [];
  readonly participants: string[] = [];
  readonly data: string[] = [];
  readonly parties: string[] = [];
  /** Per row of `parties`: the event's position, from 1. */
  readonly partyEvents: number[] = [];

  get count(): number {
    return this.at.length;
  }

  /** These events, then `other`'s. */
  concat(other: EventColumns): EventColumns {
    if (other.count === 0) return this;
    if (this.count === 0) return other;
    const joined = new EventColumns();
    for (const columns of [this, other]) {
      const offset = joined.count;
      joined.at.push(...columns.at);
      joined.type.push(...columns.type);
      joined.subject.push(...columns.subject);
      joined.participants.push(...columns.participants);
      joined.data.push(...columns.data);
      joined.parties.push(...columns.parties);
      joined.partyEvents.push(...columns.partyEvents.map((position) => position + offset));
    }
    return joined;
  }

  add(
    at: bigint,
    type: string,
    subject: string,
    participants: readonly string[],
    participantsJson: string,
    dataJson: string,
  ): void {
    const position = this.at.push(at);
    this.type.push(type);
    this.subject.push(subject);
    this.participants.push(participantsJson);
    this.data.push(dataJson);
    for (const participant of participants) {
      this.parties.push(participant);
      this.partyEvents.push(position);
    }
  }
}

/**
 * The events, numbered after the newest stored one. The statement runs while the transaction holds
 * the ledger_head lock, and every part of it sees the database as it was before it, so `base` is
 * the seq of the last event committed before this batch: seqs follow commit order, without gaps.
 */
function eventsParts(events: EventColumns, parameter: Parameter): string[] {
  const base = '(SELECT coalesce(max(seq), 0) FROM events)';
  const arrays = [
    parameter(numberArray(events.at), 'int8[]'),
    parameter(textArray(events.type), 'text[]'),
    parameter(textArray(events.subject), 'text[]'),
    parameter(textArray(events.participants), 'text[]'),
    parameter(textArray(events.data), 'text[]'),
  ];
  const insertEvents = `INSERT INTO events (seq, at, type, subject, participants, data)
    SELECT ${base} + u.n, u.at, u.type, u.subject, u.participants::json, u.data::json
    FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS u(at, type, subject, participants, data, n)`;
  const insertParties = `INSERT INTO event_parties (participant, seq)
    SELECT u.participant, ${base} + u.n
    FROM unnest(${parameter(textArray(events.parties), 'text[]')}, ${parameter(numberArray(events.partyEvents), 'int8[]')}) AS u(participant, n)`;
  return [insertEvents, insertParties];
}

function journalPart(entry: JournalEntry, parameter: Parameter): string {
  return `INSERT INTO journal (seq, kind, first_timestamp, last_timestamp, count, prev_hash, hash) VALUES (${[
    parameter(entry.seq, 'int8'),
    parameter(entry.kind, 'text'),
    parameter(entry.firstTimestamp, 'int8'),
    parameter(entry.lastTimestamp, 'int8'),
    parameter(entry.count, 'int4'),
    parameter(entry.prevHash, 'bytea'),
    parameter(entry.hash, 'bytea'),
  ].join(', ')})`;
}
