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
  for (const participant of event.participants) {
    if (participant.length === 0 || participant.length > PARTICIPANT_MAX)
      throw new Error(`bug: event participant of length ${participant.length}`);
    const reason = unstorableReason(participant);
    if (reason !== undefined)
      throw new UnstorableTextError(`a participant of a ${event.type} event`, reason);
  }
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

/** Refuses a query no caller should make (the API bounds `limit` first). */
export function checkEventQuery(query: EventQuery): void {
  if (!Number.isInteger(query.limit) || query.limit < 0 || query.limit > EVENT_QUERY_LIMIT_MAX)
    throw new Error(`bug: event query limit ${query.limit}`);
  if (query.afterSeq < 0n) throw new Error(`bug: event query after ${query.afterSeq}`);
}

/** The participants of an event as stored: each once, in the order first given. */
export function eventParties(event: EventInput): readonly string[] {
  const { participants } = event;
  if (participants.length < 2) return participants;
  if (participants.length === 2)
    return participants[0] === participants[1] ? [participants[0] as string] : participants;
  return [...new Set(participants)];
}
