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
  for (const account of accounts)
    size +=
      ACCOUNT_FIXED_BYTES + Buffer.byteLength(account.owner) + Buffer.byteLength(account.reference);
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

const encodedTransfers = new WeakMap<readonly Transfer[], Buffer>();

/**
 * The canonical binary form of a batch of transfers: what the journal hashes, and what the SQLite
 * store hands its writer thread (which decodes it with `decodeTransfers`). Remembered per array, so
 * hashing and storing the same batch encode it once. `allocate`, when given, supplies the memory
 * (at least the bytes asked for), so that a caller can reuse buffers.
 */
export function encodeTransfers(
  transfers: readonly Transfer[],
  allocate?: (bytes: number) => ArrayBuffer,
): Buffer {
  const remembered = encodedTransfers.get(transfers);
  if (remembered !== undefined) return remembered;
  let size = 1;
  for (const transfer of transfers)
    size += TRANSFER_FIXED_BYTES + Buffer.byteLength(transfer.reference);
  const buffer =
    allocate === undefined ? Buffer.allocUnsafe(size) : Buffer.from(allocate(size), 0, size);
  // DataView's big-endian setters are built into the engine; Buffer's bigint writers are not.
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let offset = buffer.writeUInt8(2, 0);
  for (const transfer of transfers) {
    // One write of the four ids together: fewer calls into the buffer code than four.
    offset += buffer.write(
      transfer.id + transfer.debitAccountId + transfer.creditAccountId + transfer.pendingId,
      offset,
      'latin1',
    );
    view.setBigUint64(offset, transfer.amount);
    view.setUint32(offset + 8, transfer.ledger);
    view.setUint16(offset + 12, transfer.code);
    view.setUint16(offset + 14, transfer.flags);
    view.setUint32(offset + 16, transfer.timeoutSeconds);
    view.setBigUint64(offset + 20, transfer.userData64);
    view.setUint32(offset + 28, transfer.userData32);
    view.setBigUint64(offset + 32, transfer.timestamp);
    offset = writeText(buffer, offset + 40, transfer.reference);
  }
  const encoded = buffer.subarray(0, offset);
  encodedTransfers.set(transfers, encoded);
  return encoded;
}

/** Reads back what `encodeTransfers` wrote, calling `row` once per transfer with its fields in order. */
export function decodeTransfers(
  encoded: Uint8Array,
  row: (
    id: string,
    debitAccountId: string,
    creditAccountId: string,
    pendingId: string,
    amount: bigint,
    ledger: number,
    code: number,
    flags: number,
    timeoutSeconds: number,
    userData64: bigint,
    userData32: number,
    timestamp: bigint,
    reference: string,
  ) => void,
): void {
  const buffer = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  if (buffer.readUInt8(0) !== 2) throw new Error('not an encoded batch of transfers');
  let offset = 1;
  while (offset < buffer.length) {
    const id = buffer.toString('latin1', offset, offset + 36);
    const debit = buffer.toString('latin1', offset + 36, offset + 72);
    const credit = buffer.toString('latin1', offset + 72, offset + 108);
    const pending = buffer.toString('latin1', offset + 108, offset + 144);
    offset += 144;
    const amount = view.getBigUint64(offset);
    const ledger = view.getUint32(offset + 8);
    const code = view.getUint16(offset + 12);
    const flags = view.getUint16(offset + 14);
    const timeout = view.getUint32(offset + 16);
    const userData64 = view.getBigUint64(offset + 20);
    const userData32 = view.getUint32(offset + 28);
    const timestamp = view.getBigUint64(offset + 32);
    const referenceLength = view.getUint16(offset + 40);
    const reference = buffer.toString('utf8', offset + 42, offset + 42 + referenceLength);
    offset += 42 + referenceLength;
    row(
      id,
      debit,
      credit,
      pending,
      amount,
      ledger,
      code,
      flags,
      timeout,
      userData64,
      userData32,
      timestamp,
      reference,
    );
  }
}

export function hashTransfers(prevHash: Buffer, transfers: readonly Transfer[]): Buffer {
  return createHash('sha256').update(prevHash).update(encodeTransfers(transfers)).digest();
}

function writeText(buffer: Buffer, offset: number, text: string): number {
  const length = buffer.write(text, offset + 2, 'utf8');
  buffer.writeUInt16BE(length, offset);
  return offset + 2 + length;
}
