import { createHash, randomBytes, randomUUID } from 'node:crypto';

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

const COUNTER_HEX = Array.from({ length: 4096 }, (_, value) => value.toString(16).padStart(3, '0'));
let lastMs = 0;
let counter = 0;
let timePrefix = '';

/**
 * UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, version 7, a 12-bit counter (rand_a,
 * restarted at a random value below 2,048 each millisecond) so ids made in one process always
 * increase, then the variant and 62 random bits. The random tail is taken from
 * `crypto.randomUUID()`, which draws from a pooled random source: making ids one by one with a
 * system call each was the largest cost of the benchmark's client.
 */
export function uuidV7(nowMs: number = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V the variant
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = parseInt(random.slice(15, 18), 16) & 0x7ff;
    timePrefix = formatTimePrefix(lastMs);
  } else if (++counter > 0xfff) {
    lastMs += 1; // more than 2,048 ids in one millisecond: borrow the next millisecond
    counter = 0;
    timePrefix = formatTimePrefix(lastMs);
  }
  return `${timePrefix}-7${COUNTER_HEX[counter] as string}${random.slice(18)}`;
}

function formatTimePrefix(ms: number): string {
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
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

export function idToBytes(id: string): Buffer {
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

export function idFromBytes(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
