import { createHash, randomBytes, randomFillSync } from 'node:crypto';

/**
 * 128-bit ids chosen by the client, in canonical lower-case UUID text form. The brands keep an
 * account id from being passed where a transfer id belongs; text from outside becomes one only
 * through `parseAccountId` / `parseTransferId` (the stores brand what they read back from their
 * own tables, see src/store/rows.ts).
 */
export type AccountId = string & { readonly brand: 'AccountId' };
export type TransferId = string & { readonly brand: 'TransferId' };

export const ZERO_ID = '00000000-0000-0000-0000-000000000000';
export const MAX_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
/** ZERO_ID as each kind of id: "none", as in the `pendingId` of a transfer that resolves nothing. */
export const ZERO_ACCOUNT_ID = ZERO_ID as AccountId;
export const ZERO_TRANSFER_ID = ZERO_ID as TransferId;

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

let lastMs = 0;
let counter = 0;
/** The text of the id being made, written in place; each id is one flat string copied out of it. */
const idText = Buffer.alloc(36, '00000000-0000-7000-8000-000000000000', 'latin1');
/** Random bytes drawn 4 KiB at a time, 10 per id: a system call per id was the largest cost of the benchmark's client. */
const randomPool = new Uint8Array(4096);
const randomView = new DataView(randomPool.buffer);
let randomOffset = randomPool.length;

/**
 * UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, version 7, a 12-bit counter (rand_a,
 * restarted at a random value below 2,048 each millisecond) so ids made in one process always
 * increase, then the variant and 62 random bits.
 *
 * The text is written digit by digit into one buffer and copied out as a single flat string (56
 * bytes on the heap). Assembling it from `crypto.randomUUID()` with slices and a template literal
 * made a tree of string pieces that kept about 180 bytes alive per id and allocated about 700: in
 * the batch benchmark that was a third of all allocation on the main thread, and since ids live as
 * long as their batch, those 180 bytes were promoted to the old generation with it.
 */
export function uuidV7(nowMs: number = Date.now()): string {
  if (randomOffset + 10 > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const random = randomOffset;
  randomOffset += 10;
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = randomView.getUint16(random + 8) & 0x7ff;
    writeTime(lastMs);
  } else if (++counter > 0xfff) {
    lastMs += 1; // more than 2,048 ids in one millisecond: borrow the next millisecond
    counter = 0;
    writeTime(lastMs);
  }
  writeHex(counter, 15, 3);
  const high = randomView.getUint32(random);
  writeHex(high >>> 16, 19, 4);
  idText[19] = hexDigit(0b1000 | ((high >>> 28) & 0b11)); // the variant, 10xx
  writeHex(high & 0xffff, 24, 4);
  writeHex(randomView.getUint32(random + 4), 28, 8);
  return idText.toString('latin1');
}

function writeTime(ms: number): void {
  writeHex(Math.floor(ms / 0x10000), 0, 8);
  writeHex(ms % 0x10000, 9, 4);
}

/** Writes the low `digits` hex digits of `value` (at most 32 bits) into idText at `at`. */
function writeHex(value: number, at: number, digits: number): void {
  let rest = value;
  for (let index = digits - 1; index >= 0; index -= 1) {
    idText[at + index] = hexDigit(rest & 0xf);
    rest >>>= 4;
  }
}

/** The character code of a hex digit, lower case. */
function hexDigit(value: number): number {
  return value < 10 ? 48 + value : 87 + value;
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
  return derivedId(`vostro:expiry:${pendingId}`) as TransferId;
}

/**
 * An id derived from a name (UUIDv8, the first 128 bits of its SHA-256, version and variant set):
 * the same name always gives the same id, so an operation retried with the same name finds what
 * its first attempt created (the ledger answers `exists`) instead of creating it twice.
 */
export function derivedId(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8: custom, derived
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return idFromBytes(bytes);
}

export function idFromBytes(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
