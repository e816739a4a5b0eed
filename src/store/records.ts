/**
 * The hub's own state beside the ledger: participants, API keys, FX rates and quotes, settlement
 * windows, caps. Each is a small JSON document in a named collection under a key, written in the
 * same store transaction as the ledger batch it belongs with (a quote is marked used together with
 * the transfers that execute it), so the two never disagree. The ledger's rows stay typed columns
 * for speed; these documents are few and change rarely, and a document table lets both stores keep
 * them without a migration per field. Domain modules own their documents' shapes and validate them.
 *
 * The audit log is its own append-only table: who did what, when, under which request id.
 */
import {
  findUnstorableText,
  jsonPointer,
  UnstorableTextError,
  unstorableReason,
} from '../ledger/text.js';

/** What a document may hold: JSON, so no bigint (amounts are decimal strings, timestamps strings). */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Collection names: lower-case words and underscores, so they are safe in logs and keys. */
export const COLLECTION_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** Keys: printable, at most 200 characters. */
export const RECORD_KEY_MAX = 200;

export interface RecordPut {
  readonly collection: string;
  readonly key: string;
  /** The whole new document; it replaces any earlier one under the same key. */
  readonly value: JsonObject;
}

export interface StoredRecord {
  readonly collection: string;
  readonly key: string;
  readonly value: JsonObject;
  /** Nanoseconds since the epoch when the document was last written. */
  readonly updatedAt: bigint;
}

export interface RecordQuery {
  readonly collection: string;
  /** Only keys starting with this. */
  readonly prefix?: string;
  /** Only keys after this one (keys are ordered as byte strings). */
  readonly afterKey?: string;
  readonly limit: number;
}

export interface AuditEntry {
  /** Nanoseconds since the epoch. */
  readonly at: bigint;
  /** Who: a participant id, or `operator` / `auditor` for the hub's own staff, or `cli` for the command line. */
  readonly actor: string;
  readonly role: string;
  /** The API key used, by its public id (never the secret). */
  readonly keyId?: string;
  readonly requestId?: string;
  /** What, e.g. `transfers.create`, `participants.create`, `keys.revoke`, `window.close`. */
  readonly action: string;
  /** The main object acted on, e.g. an account or transfer id. */
  readonly target?: string;
  /** The rest: counts, results, amounts as strings. */
  readonly detail: JsonObject;
}

export interface StoredAuditEntry extends AuditEntry {
  readonly seq: bigint;
}

export interface AuditQuery {
  readonly afterSeq?: bigint;
  readonly actor?: string;
  /** Only entries about this (their target: a payment's, quote's or transfer's id, a participant…). */
  readonly target?: string;
  readonly limit: number;
}

/**
 * Refuses names a domain module should never produce, and any text no store can hold exactly
 * (../ledger/text.ts): these are bugs, not user errors — the services refuse such input first.
 */
export function checkRecordPut(put: RecordPut): void {
  if (!COLLECTION_PATTERN.test(put.collection))
    throw new Error(`bug: collection name ${JSON.stringify(put.collection)}`);
  if (put.key.length === 0 || put.key.length > RECORD_KEY_MAX)
    throw new Error(`bug: record key of length ${put.key.length}`);
  const keyReason = unstorableReason(put.key);
  if (keyReason !== undefined)
    throw new UnstorableTextError(`the key of a ${put.collection} document`, keyReason);
  const fault = findUnstorableText(put.value);
  if (fault !== undefined)
    throw new UnstorableTextError(
      `${put.collection} document ${JSON.stringify(put.key)} at ${jsonPointer(fault.path)}`,
      fault.reason,
    );
}

/** The same for an audit entry: every text field and the detail document. */
export function checkAuditEntry(entry: AuditEntry): void {
  for (const field of ['actor', 'role', 'keyId', 'requestId', 'action', 'target'] as const) {
    const value = entry[field];
    const reason = value === undefined ? undefined : unstorableReason(value);
    if (reason !== undefined) throw new UnstorableTextError(`the audit entry's ${field}`, reason);
  }
  const fault = findUnstorableText(entry.detail);
  if (fault !== undefined)
    throw new UnstorableTextError(
      `the audit entry's detail at ${jsonPointer(fault.path)}`,
      fault.reason,
    );
}

export function recordMapKey(collection: string, key: string): string {
  return `${collection}\u0000${key}`;
}
