/**
 * The events outbox: what happened that a participant cares about (a transfer on its accounts, a
 * refused payment, a window closed or settled, a quote executed, a presentation judged), written
 * in the same store transaction as the change itself and numbered in one sequence per database.
 * Feeds and webhooks read it after a cursor (`LedgerStore.events`), so an event is delivered
 * exactly when its change committed, and never before.
 *
 * Each store assigns `seq` in commit order (SQLite: the writer thread, as it inserts; PostgreSQL:
 * inside the ledger's write lock), from 1 and without gaps, so a reader paging by `afterSeq` never
 * skips an event that commits later.
 */
import {
  findUnstorableText,
  jsonPointer,
  UnstorableTextError,
  unstorableReason,
} from '../ledger/text.js';
import type { StoredTransfer } from '../ledger/model.js';
import type { JsonObject } from './records.js';

export interface EventInput {
  /** Dotted lower-case, e.g. `transfer.created` (EVENT_TYPE_PATTERN). */
  readonly type: string;
  /** The main object's id: a transfer, window, quote or message id. */
  readonly subject: string;
  /** Participant ids that may see it (stored deduplicated; may be empty). Operator and auditor see all. */
  readonly participants: readonly string[];
  /** The body: JSON, so amounts are decimal strings and timestamps strings. */
  readonly data: JsonObject;
  /** Nanoseconds since the epoch. */
  readonly at: bigint;
}

export interface StoredEvent extends EventInput {
  /** One increasing sequence per database, from 1, in commit order. */
  readonly seq: bigint;
}

export interface EventQuery {
  /** Events after this one; 0n from the start. */
  readonly afterSeq: bigint;
  /** Only events naming this participant. */
  readonly participant?: string;
  /** Only events of these types. */
  readonly types?: readonly string[];
  /** At most EVENT_QUERY_LIMIT_MAX. */
  readonly limit: number;
}

/** The event types the hub writes. */
export const EVENT_TYPES = [
  'transfer.created',
  'transfer.posted',
  'transfer.voided',
  'transfer.expired',
  'payment.refused',
  'window.closed',
  'window.settled',
  'quote.executed',
  'presentation.accepted',
  'presentation.refused',
] as const;

export const TRANSFER_EVENT_TYPES = [
  'transfer.created',
  'transfer.posted',
  'transfer.voided',
  'transfer.expired',
] as const;
export type TransferEventType = (typeof TRANSFER_EVENT_TYPES)[number];

/**
 * The transfer events of one batch, as the ledger hands them to the store
 * (`WriteTransaction.appendTransferEvents`): per transfer the batch inserts, its event's type and
 * the two sides it concerns. A side is an account's owner followed by who else sees that
 * account's events (a corporate's bank, the bank that keeps a vostro account); an event's
 * participants are its two sides' (`transferEventParticipants`). The body of a transfer event is
 * the transfer itself, stored in the same transaction: stores render it from the transfer row when
 * the event is read (`transferEventData` in ../ledger/events.ts). So a batch of 8,190 transfers
 * builds no object and no JSON per event: a byte and two indexes per transfer, and one list per
 * side (a few hundred per batch at most).
 */
export interface TransferEvents {
  /** The transfers of the batch, the same array (in the same order) as given to insertTransfers. */
  readonly transfers: readonly StoredTransfer[];
  /** Per transfer: 0 for none (a cap leg), else 1 + the index of its type in TRANSFER_EVENT_TYPES. */
  readonly types: Uint8Array;
  /** Per transfer with an event: the index in `sides` of its debit account's side, and its credit account's. */
  readonly debitSides: Uint16Array;
  readonly creditSides: Uint16Array;
  /** Each side: the account's owner first (the hub's own too), then who else sees its events. */
  readonly sides: readonly (readonly string[])[];
}

/** The participants of a transfer event: both owners first, then the others, each once, never the hub. */
export function transferEventParticipants(
  debit: readonly string[],
  credit: readonly string[],
): string[] {
  const all = new Set<string>();
  if (debit[0] !== undefined) all.add(debit[0]);
  if (credit[0] !== undefined) all.add(credit[0]);
  for (let index = 1; index < debit.length; index += 1) all.add(debit[index] as string);
  for (let index = 1; index < credit.length; index += 1) all.add(credit[index] as string);
  all.delete(HUB_PARTICIPANT);
  return [...all];
}

/** The hub's own participant id: never listed (operator and auditor see every event anyway). */
export const HUB_PARTICIPANT = 'hub';

/**
 * The `data` column of a transfer event: JSON `null`, which no other event has (their data is an
 * object), meaning "the transfer stored at this event's `at`".
 */
export const TRANSFER_EVENT_DATA = 'null';

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_.]{0,63}$/;
/** A subject is an id; ids in this hub are far shorter. */
export const EVENT_SUBJECT_MAX = 200;
/** Participant ids are short; this bounds what a bug could write. */
const PARTICIPANT_MAX = 200;
export const EVENT_QUERY_LIMIT_MAX = 10_000;

/**
 * Refuses an event no domain module should produce: like `checkAuditEntry`, these are bugs, not
 * user errors (the services write events from values they have already checked).
 */
export function checkEventInput(event: EventInput): void {
  if (!EVENT_TYPE_PATTERN.test(event.type))
    throw new Error(`bug: event type ${JSON.stringify(event.type)}`);
  if (event.subject.length === 0 || event.subject.length > EVENT_SUBJECT_MAX)
    throw new Error(`bug: event subject of length ${event.subject.length}`);
  const subjectReason = unstorableReason(event.subject);
  if (subjectReason !== undefined)
    throw new UnstorableTextError(`the subject of a ${event.type} event`, subjectReason);
  if (typeof event.at !== 'bigint' || event.at < 0n)
    throw new Error(`bug: event time ${String(event.at)}`);
  checkParticipants(event.type, event.participants);
  const data: unknown = event.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new Error(`bug: the data of a ${event.type} event is not an object`);
  const fault = findUnstorableText(event.data);
  if (fault !== undefined)
    throw new UnstorableTextError(
      `the data of a ${event.type} event at ${jsonPointer(fault.path)}`,
      fault.reason,
    );
}

/**
 * The same guard for a batch's transfer events: every side once, and the codes and indexes within
 * bounds. The transfers themselves were checked by the ledger's rules.
 */
export function checkTransferEvents(events: TransferEvents): void {
  const { transfers, types, debitSides, creditSides, sides } = events;
  if (
    types.length !== transfers.length ||
    debitSides.length !== transfers.length ||
    creditSides.length !== transfers.length
  )
    throw new Error('bug: transfer events do not match the transfers of their batch');
  for (let index = 0; index < types.length; index += 1) {
    const type = types[index] as number;
    if (type > TRANSFER_EVENT_TYPES.length)
      throw new Error(`bug: transfer event type code ${type}`);
    if (
      type !== 0 &&
      ((debitSides[index] as number) >= sides.length ||
        (creditSides[index] as number) >= sides.length)
    )
      throw new Error(`bug: a transfer event's side is not in its batch's list`);
  }
  for (const side of sides) {
    if (side.length === 0) throw new Error('bug: a transfer event side without its owner');
    checkParticipants('transfer', side);
  }
}

function checkParticipants(type: string, participants: readonly string[]): void {
  for (const participant of participants) {
    if (participant.length === 0 || participant.length > PARTICIPANT_MAX)
      throw new Error(`bug: event participant of length ${participant.length}`);
    const reason = unstorableReason(participant);
    if (reason !== undefined)
      throw new UnstorableTextError(`a participant of a ${type} event`, reason);
  }
}

/** Refuses a query no caller should make (the API bounds `limit` first). */
export function checkEventQuery(query: EventQuery): void {
  if (!Number.isInteger(query.limit) || query.limit < 0 || query.limit > EVENT_QUERY_LIMIT_MAX)
    throw new Error(`bug: event query limit ${query.limit}`);
  if (query.afterSeq < 0n) throw new Error(`bug: event query after ${query.afterSeq}`);
}

/** The participants of an event as stored: each once, in the order first given. */
export function eventParties(participants: readonly string[]): readonly string[] {
  if (participants.length < 2) return participants;
  if (participants.length === 2)
    return participants[0] === participants[1] ? [participants[0] as string] : participants;
  return [...new Set(participants)];
}
