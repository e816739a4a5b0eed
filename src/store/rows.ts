import { ZERO_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import type { Account, PendingStatus, StoredTransfer } from '../ledger/model.js';
import type { JsonObject, StoredAuditEntry, StoredRecord } from './records.js';
import type { StoredEvent } from './events.js';

/**
 * Rows of the accounts and transfers tables as both stores read them, and the one mapping to the
 * ledger's values. Column names and meanings are the same in SQLite and PostgreSQL; small integers
 * come back as bigint from SQLite (safe integers) and as number from PostgreSQL (int2/int4).
 */
type SmallInteger = number | bigint;

export interface AccountRow {
  timestamp: bigint;
  id: string;
  ledger: SmallInteger;
  code: SmallInteger;
  flags: SmallInteger;
  owner: string;
  reference: string;
  user_data_64: bigint;
  user_data_32: SmallInteger;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
}

export interface TransferRow {
  timestamp: bigint;
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  pending_id: string | null;
  ledger: SmallInteger;
  code: SmallInteger;
  flags: SmallInteger;
  timeout: SmallInteger;
  reference: string;
  user_data_64: bigint;
  user_data_32: SmallInteger;
  /** From the pending_transfers table: null for a transfer that is not pending. */
  status: SmallInteger | null;
  expires_at: bigint | null;
}

/** What became of a pending transfer, as stored in pending_transfers.status. */
export const PENDING_STATUS_CODES: Record<PendingStatus, number> = {
  pending: 1,
  posted: 2,
  voided: 3,
  expired: 4,
};
const PENDING_STATUS_BY_CODE: readonly (PendingStatus | undefined)[] = [
  undefined,
  'pending',
  'posted',
  'voided',
  'expired',
];

/**
 * An id read back from the store's own tables, as the ledger's branded type. Only for those: the
 * tables hold nothing but ids the ledger parsed (`parseAccountId`, `parseTransferId`: canonical
 * lower-case UUID text), and both databases return them as written, so they are branded without
 * being parsed again on every row. This is the one place a store turns database text into ledger
 * ids; ids from anywhere else (requests, files, arguments) go through the ledger's parsers.
 */
export function storedAccountId(text: string): AccountId {
  return text as AccountId;
}

/** A transfer id read back from the store's own tables; see `storedAccountId`. */
export function storedTransferId(text: string): TransferId {
  return text as TransferId;
}

export function accountFromRow(row: AccountRow): Account {
  return {
    id: storedAccountId(row.id),
    ledger: Number(row.ledger),
    code: Number(row.code),
    flags: Number(row.flags),
    owner: row.owner,
    reference: row.reference,
    userData64: row.user_data_64,
    userData32: Number(row.user_data_32),
    timestamp: row.timestamp,
    debitsPending: row.debits_pending,
    debitsPosted: row.debits_posted,
    creditsPending: row.credits_pending,
    creditsPosted: row.credits_posted,
  };
}

export function transferFromRow(row: TransferRow): StoredTransfer {
  const transfer: StoredTransfer = {
    id: storedTransferId(row.id),
    debitAccountId: storedAccountId(row.debit_account_id),
    creditAccountId: storedAccountId(row.credit_account_id),
    amount: row.amount,
    pendingId: storedTransferId(row.pending_id ?? ZERO_ID),
    ledger: Number(row.ledger),
    code: Number(row.code),
    flags: Number(row.flags),
    timeoutSeconds: Number(row.timeout),
    reference: row.reference,
    userData64: row.user_data_64,
    userData32: Number(row.user_data_32),
    timestamp: row.timestamp,
  };
  if (row.status === null) return transfer;
  return {
    ...transfer,
    pendingStatus: PENDING_STATUS_BY_CODE[Number(row.status)],
    expiresAt: row.expires_at ?? 0n,
  };
}

/** A records row as both stores return it (the value as JSON text). */
export interface RecordRow {
  collection: string;
  key: string;
  value: string | JsonObject;
  updated_at: bigint;
}

export function recordFromRow(row: RecordRow): StoredRecord {
  return {
    collection: row.collection,
    key: row.key,
    value: typeof row.value === 'string' ? (JSON.parse(row.value) as JsonObject) : row.value,
    updatedAt: row.updated_at,
  };
}

export interface AuditRow {
  seq: bigint;
  at: bigint;
  actor: string;
  role: string;
  key_id: string | null;
  request_id: string | null;
  action: string;
  target: string | null;
  detail: string | JsonObject;
}

export function auditFromRow(row: AuditRow): StoredAuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    role: row.role,
    ...(row.key_id === null ? {} : { keyId: row.key_id }),
    ...(row.request_id === null ? {} : { requestId: row.request_id }),
    action: row.action,
    ...(row.target === null ? {} : { target: row.target }),
    detail: typeof row.detail === 'string' ? (JSON.parse(row.detail) as JsonObject) : row.detail,
  };
}

/** An events row as both stores return it: SQLite gives the JSON columns as text, pg parses them. */
export interface EventRow {
  seq: bigint;
  at: bigint;
  type: string;
  subject: string;
  participants: string | string[];
  data: string | JsonObject | null;
}

/**
 * An event as stored. `body` renders the data of an event stored without (JSON null: a
 * PostgreSQL transfer event, whose body is its transfer's; see TransferEvents in events.ts).
 */
export function eventFromRow<Row extends EventRow>(
  row: Row,
  body: (row: Row) => JsonObject = noBody,
): StoredEvent {
  const data =
    typeof row.data === 'string' ? (JSON.parse(row.data) as JsonObject | null) : row.data;
  return {
    seq: row.seq,
    at: row.at,
    type: row.type,
    subject: row.subject,
    participants:
      typeof row.participants === 'string'
        ? (JSON.parse(row.participants) as string[])
        : row.participants,
    data: data ?? body(row),
  };
}

function noBody(row: EventRow): never {
  throw new Error(`bug: event ${row.seq} has no data`);
}
