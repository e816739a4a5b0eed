import { ZERO_ID, type AccountId, type TransferId } from '../../ledger/ids.js';
import type { JournalEntry, JournalKind } from '../../ledger/journal.js';
import type { Account, PendingStatus, StoredTransfer } from '../../ledger/model.js';

/** Rows as pg returns them with the store's type parsers: int8 is bigint, int4/int2 number, uuid lower-case text. */
export interface AccountRow {
  timestamp: bigint;
  id: string;
  ledger: number;
  code: number;
  flags: number;
  owner: string;
  reference: string;
  user_data_64: bigint;
  user_data_32: bigint;
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
  ledger: number;
  code: number;
  flags: number;
  timeout: bigint;
  reference: string;
  user_data_64: bigint;
  user_data_32: bigint;
  status: number | null;
  expires_at: bigint | null;
}

export interface JournalRow {
  seq: bigint;
  kind: JournalKind;
  first_timestamp: bigint;
  last_timestamp: bigint;
  count: number;
  prev_hash: Buffer;
  hash: Buffer;
}

export const ACCOUNT_COLUMNS = `timestamp, id, ledger, code, flags, owner, reference, user_data_64, user_data_32,
  debits_pending, debits_posted, credits_pending, credits_posted`;
export const TRANSFER_COLUMNS = `t.timestamp, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id, t.ledger, t.code,
  t.flags, t.timeout, t.reference, t.user_data_64, t.user_data_32, p.status, p.expires_at`;
export const TRANSFER_FROM = 'transfers t LEFT JOIN pending_transfers p ON p.timestamp = t.timestamp';

export const PENDING_STATUS_CODES: Record<PendingStatus, number> = { pending: 1, posted: 2, voided: 3, expired: 4 };
const PENDING_STATUS_BY_CODE: readonly (PendingStatus | undefined)[] = [undefined, 'pending', 'posted', 'voided', 'expired'];

export function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id as AccountId,
    ledger: row.ledger,
    code: row.code,
    flags: row.flags,
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
    id: row.id as TransferId,
    debitAccountId: row.debit_account_id as AccountId,
    creditAccountId: row.credit_account_id as AccountId,
    amount: row.amount,
    pendingId: (row.pending_id ?? ZERO_ID) as TransferId,
    ledger: row.ledger,
    code: row.code,
    flags: row.flags,
    timeoutSeconds: Number(row.timeout),
    reference: row.reference,
    userData64: row.user_data_64,
    userData32: Number(row.user_data_32),
    timestamp: row.timestamp,
  };
  if (row.status === null) return transfer;
  return { ...transfer, pendingStatus: PENDING_STATUS_BY_CODE[row.status], expiresAt: row.expires_at ?? 0n };
}

export function journalFromRow(row: JournalRow): JournalEntry {
  return {
    seq: row.seq,
    kind: row.kind,
    firstTimestamp: row.first_timestamp,
    lastTimestamp: row.last_timestamp,
    count: row.count,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * PostgreSQL array literals built directly: a batch's columns go to the server as one text
 * parameter each and are expanded with `unnest`, so a batch of 8,190 transfers is one INSERT with
 * 13 parameters. Numbers and uuids need no quoting; text is quoted and escaped.
 */
export function numberArray(values: readonly (bigint | number)[]): string {
  return `{${values.join(',')}}`;
}

/** Canonical uuid text needs no quoting; null becomes SQL NULL. */
export function uuidArray(values: readonly (string | null)[]): string {
  return `{${values.map((value) => value ?? 'NULL').join(',')}}`;
}

export function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
