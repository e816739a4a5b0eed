import type { JournalEntry, JournalKind } from '../../ledger/journal.js';

/** Rows as pg returns them with the store's type parsers: int8 is bigint, int4/int2 number, uuid lower-case text. */
export type { AccountRow, TransferRow } from '../rows.js';

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
export const TRANSFER_FROM =
  'transfers t LEFT JOIN pending_transfers p ON p.timestamp = t.timestamp';

export { accountFromRow, PENDING_STATUS_CODES, transferFromRow } from '../rows.js';

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

/**
 * The ids of a lookup as the database can hold them, each once: parsed by the ledger's parser
 * (`parseAccountId` or `parseTransferId`, which also bring them to canonical lower case). Text
 * that cannot be a UUID cannot be stored either: it is left out of lookups rather than sent.
 */
export function storableIds<Id extends string>(
  ids: Iterable<string>,
  parse: (text: string) => Id | undefined,
): Id[] {
  const unique = new Set<Id>();
  for (const text of ids) {
    const id = parse(text);
    if (id !== undefined) unique.add(id);
  }
  return [...unique];
}

/** Canonical uuid text needs no quoting; null becomes SQL NULL. */
export function uuidArray(values: readonly (string | null)[]): string {
  return `{${values.map((value) => value ?? 'NULL').join(',')}}`;
}

export function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
