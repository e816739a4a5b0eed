import { createHash } from 'node:crypto';
import type { Account, Transfer } from './model.js';

/**
 * The append-only journal: one entry per committed batch, naming the range of timestamps it
 * wrote and a SHA-256 hash over the previous entry's hash and every record of the batch. Changing,
 * adding or removing any record, or any entry, breaks the chain from that point on.
 */
export type JournalKind = 'accounts' | 'transfers';

export interface JournalEntry {
  readonly seq: bigint;
  readonly kind: JournalKind;
  readonly firstTimestamp: bigint;
  readonly lastTimestamp: bigint;
  readonly count: number;
  readonly prevHash: Buffer;
  readonly hash: Buffer;
}

export const GENESIS_HASH = Buffer.alloc(32, 0);

const ACCOUNT_FIXED_BYTES = 36 + 4 + 2 + 2 + 8 + 4 + 8 + 4;
const TRANSFER_FIXED_BYTES = 36 * 4 + 8 + 4 + 2 + 2 + 4 + 8 + 4 + 8 + 4;

export function hashAccounts(prevHash: Buffer, accounts: readonly Account[]): Buffer {
  let size = 1;
  for (const account of accounts) size += ACCOUNT_FIXED_BYTES + Buffer.byteLength(account.owner) + Buffer.byteLength(account.reference);
  const buffer = Buffer.allocUnsafe(size);
  let offset = buffer.writeUInt8(1, 0);
  for (const account of accounts) {
    offset += buffer.write(account.id, offset, 'latin1');
    offset = buffer.writeUInt32BE(account.ledger, offset);
    offset = buffer.writeUInt16BE(account.code, offset);
    offset = buffer.writeUInt16BE(account.flags, offset);
    offset = buffer.writeBigUInt64BE(account.userData64, offset);
    offset = buffer.writeUInt32BE(account.userData32, offset);
    offset = buffer.writeBigUInt64BE(account.timestamp, offset);
    offset = writeText(buffer, offset, account.owner);
    offset = writeText(buffer, offset, account.reference);
  }
  return createHash('sha256').update(prevHash).update(buffer.subarray(0, offset)).digest();
}

export function hashTransfers(prevHash: Buffer, transfers: readonly Transfer[]): Buffer {
  let size = 1;
  for (const transfer of transfers) size += TRANSFER_FIXED_BYTES + Buffer.byteLength(transfer.reference);
  const buffer = Buffer.allocUnsafe(size);
  let offset = buffer.writeUInt8(2, 0);
  for (const transfer of transfers) {
    offset += buffer.write(transfer.id, offset, 'latin1');
    offset += buffer.write(transfer.debitAccountId, offset, 'latin1');
    offset += buffer.write(transfer.creditAccountId, offset, 'latin1');
    offset += buffer.write(transfer.pendingId, offset, 'latin1');
    offset = buffer.writeBigUInt64BE(transfer.amount, offset);
    offset = buffer.writeUInt32BE(transfer.ledger, offset);
    offset = buffer.writeUInt16BE(transfer.code, offset);
    offset = buffer.writeUInt16BE(transfer.flags, offset);
    offset = buffer.writeUInt32BE(transfer.timeoutSeconds, offset);
    offset = buffer.writeBigUInt64BE(transfer.userData64, offset);
    offset = buffer.writeUInt32BE(transfer.userData32, offset);
    offset = buffer.writeBigUInt64BE(transfer.timestamp, offset);
    offset = writeText(buffer, offset, transfer.reference);
  }
  return createHash('sha256').update(prevHash).update(buffer.subarray(0, offset)).digest();
}

function writeText(buffer: Buffer, offset: number, text: string): number {
  const length = buffer.write(text, offset + 2, 'utf8');
  buffer.writeUInt16BE(length, offset);
  return offset + 2 + length;
}
