import { createHash, randomBytes, randomFillSync } from 'node:crypto';

/**
 * 128-bit ids chosen by the client, in canonical lower-case UUID text form. The brands keep an
 * account id from being passed where a transfer id belongs; `parseId` is the only way to make one.
 */
export type AccountId = string & { readonly brand: 'AccountId' };
export type TransferId = string & { readonly brand: 'TransferId' };
export type Id = AccountId | TransferId;

export const ZERO_ID = '00000000-0000-0000-0000-000000000000';
export const MAX_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(text: unknown): text is string {
  return typeof text === 'string' && text.length === 36 && UUID.test(text);
}

/** Parses any UUID text (any version, either case) into the canonical form, or undefined. */
export function parseAccountId(text: unknown): AccountId | undefined {
  return isUuid(text) ? (text.toLowerCase() as AccountId) : undefined;
}

export function parseTransferId(text: unknown): TransferId | undefined {
  return isUuid(text) ? (text.toLowerCase() as TransferId) : undefined;
}

/**
 * A new time-ordered id (UUIDv7). Recommended for every id a client creates: ids that grow with
 * time are appended to the end of the id index instead of landing at random pages of it.
 */
export function newAccountId(): AccountId {
  return uuidV7() as AccountId;
}

export function newTransferId(): TransferId {
  return uuidV7() as TransferId;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const RANDOM_POOL_BYTES = 16 * 1024;
const randomPool = Buffer.allocUnsafe(RANDOM_POOL_BYTES);
let randomOffset = RANDOM_POOL_BYTES;
let lastMs = 0;
let counter = 0;

/**
 * UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then a 12-bit counter (rand_a, restarted
 * at a random value below 2048 each millisecond) so ids made in one process always increase, then
 * 62 random bits. Randomness is drawn from a pool, because one system call per id was the single
 * largest cost of making ids in the benchmark.
 */
export function uuidV7(nowMs: number = Date.now()): string {
  if (randomOffset + 10 > RANDOM_POOL_BYTES) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const random = randomPool;
  const at = randomOffset;
  randomOffset += 10;
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = ((random[at + 8] as number) << 3) | ((random[at + 9] as number) & 0x07);
  } else if (++counter > 0xfff) {
    lastMs += 1; // more than 2,048 ids in one millisecond: borrow the next millisecond
    counter = 0;
  }
  const hi = Math.floor(lastMs / 0x10000);
  const lo = lastMs % 0x10000;
  const hex = (value: number): string => HEX[value & 0xff] as string;
  return (
    hex(hi >>> 24) + hex(hi >>> 16) + hex(hi >>> 8) + hex(hi) + '-' + hex(lo >>> 8) + hex(lo) + '-' +
    hex(0x70 | (counter >>> 8)) + hex(counter) + '-' +
    hex(0x80 | ((random[at] as number) & 0x3f)) + hex(random[at + 1] as number) + '-' +
    hex(random[at + 2] as number) + hex(random[at + 3] as number) + hex(random[at + 4] as number) +
    hex(random[at + 5] as number) + hex(random[at + 6] as number) + hex(random[at + 7] as number)
  );
}

/** A random (UUIDv4-shaped) id; the benchmark uses these to show what time ordering saves. */
export function randomTransferId(): TransferId {
  const bytes = randomBytes(16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return idFromBytes(bytes) as TransferId;
}

/** The id the ledger gives the void it writes when a pending transfer times out. */
export function expiryTransferId(pendingId: TransferId): TransferId {
  const bytes = createHash('sha256').update(`vostro:expiry:${pendingId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8: custom, derived
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return idFromBytes(bytes) as TransferId;
}

export function idToBytes(id: string): Buffer {
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

export function idFromBytes(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
