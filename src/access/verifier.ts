import type { ActorRole } from '../domain/actor.js';
import { parseKey, secretMatches } from './secret.js';

/** What a stored key record must hold for the verifier (see `ApiKeyRecord` in api-keys.ts). */
export interface VerifiableKeyRecord {
  readonly keyId: string;
  readonly role: ActorRole;
  readonly participant?: string;
  readonly salt: string;
  readonly hash: string;
  /** ISO 8601; the key stops working at this instant (in the future during a rotation's grace period). */
  readonly revokedAt?: string;
}

/** Who a verified key speaks for. */
export interface VerifiedKey {
  readonly keyId: string;
  readonly role: ActorRole;
  readonly participant?: string;
}

/**
 * The outcome of checking a key. `unknown` covers a key id that is not stored and a wrong secret
 * for one that is: a caller cannot tell the two apart. `revoked` is only said to a caller whose
 * secret matched, that is, to the key's holder.
 */
export type Verification =
  | { readonly ok: true; readonly key: VerifiedKey }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'revoked' };

export interface KeyVerifierOptions {
  /** Reads one key record from the store (undefined when there is none). */
  readonly load: (keyId: string) => Promise<VerifiableKeyRecord | undefined>;
  /** How long a record read from the store is trusted; a revocation by another process shows after at most this long. */
  readonly ttlMs?: number;
  /** Records kept at most; past this the least recently loaded is dropped. */
  readonly maxEntries?: number;
  readonly nowMs?: () => number;
}

interface Entry {
  /** Undefined: no such key (remembered too, so repeated tries of one unknown id do not each read the store). */
  readonly key: VerifiedKey | undefined;
  readonly salt: Buffer;
  readonly hash: Buffer;
  readonly revokedAtMs: number;
  readonly expiresAtMs: number;
}

const MALFORMED: Verification = { ok: false, reason: 'malformed' };
const UNKNOWN: Verification = { ok: false, reason: 'unknown' };
const REVOKED: Verification = { ok: false, reason: 'revoked' };
const EMPTY = Buffer.alloc(0);

export const DEFAULT_KEY_CACHE_TTL_MS = 5000;
export const DEFAULT_KEY_CACHE_ENTRIES = 10_000;

/**
 * Checks API keys on every request. Records read from the store are kept for a short time (5 s by
 * default), so a request with a known key costs a Map lookup and one SHA-256 of 59 bytes, a few
 * microseconds, and no store read. The cache is bounded (10,000 keys by default) and holds salts and
 * hashes, never a secret.
 *
 * Revocation: `forget` (called by `ApiKeys` after it commits a revocation or rotation) drops the
 * key at once, so a revocation made through this process takes effect before the call returns. A
 * revocation written by another process (the CLI, a second server) takes effect here within the
 * TTL. A rotation's grace period is enforced on every check against `revokedAt`, not by the cache.
 */
export class KeyVerifier {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  /** Counts `forget` calls: a load that overlapped one is not trusted and is read again. */
  private generation = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly nowMs: () => number;

  constructor(private readonly options: KeyVerifierOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_KEY_CACHE_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_KEY_CACHE_ENTRIES);
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Keys currently cached (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }

  /**
   * The outcome from the cache alone, without touching the store; undefined when the key's record
   * is not cached (or is stale) and `verify` must read it.
   */
  verifyCached(text: string): Verification | undefined {
    const parsed = parseKey(text);
    if (parsed === undefined) return MALFORMED;
    const entry = this.cache.get(parsed.keyId);
    const now = this.nowMs();
    if (entry === undefined || entry.expiresAtMs <= now) return undefined;
    return check(entry, parsed.secret, now);
  }

  async verify(text: string): Promise<Verification> {
    const cached = this.verifyCached(text);
    if (cached !== undefined) return cached;
    const parsed = parseKey(text) as { keyId: string; secret: string };
    const entry = await this.load(parsed.keyId);
    return check(entry, parsed.secret, this.nowMs());
  }

  /** Drops a key from the cache, so its next use reads the store (after a revocation or rotation). */
  forget(keyId: string): void {
    this.generation += 1;
    this.cache.delete(keyId);
    this.loading.delete(keyId);
  }

  /** Reads a key's record, once for all concurrent callers asking for the same key. */
  private load(keyId: string): Promise<Entry> {
    const running = this.loading.get(keyId);
    if (running !== undefined) return running;
    const loading = this.read(keyId).finally(() => {
      if (this.loading.get(keyId) === loading) this.loading.delete(keyId);
    });
    this.loading.set(keyId, loading);
    return loading;
  }

  private async read(keyId: string): Promise<Entry> {
    for (;;) {
      const generation = this.generation;
      const record = await this.options.load(keyId);
      const entry = toEntry(keyId, record, this.nowMs() + this.ttlMs);
      // A revocation committed while this read was under way may not be in what it read.
      if (generation !== this.generation) continue;
      this.remember(keyId, entry);
      return entry;
    }
  }

  private remember(keyId: string, entry: Entry): void {
    this.cache.delete(keyId);
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(keyId, entry);
  }
}

function check(entry: Entry, secret: string, now: number): Verification {
  if (entry.key === undefined || !secretMatches(entry.salt, entry.hash, secret)) return UNKNOWN;
  if (now >= entry.revokedAtMs) return REVOKED;
  return { ok: true, key: entry.key };
}

const HEX_32_BYTES = /^[0-9a-f]{64}$/;
const HEX_16_BYTES = /^[0-9a-f]{32}$/;

function toEntry(
  keyId: string,
  record: VerifiableKeyRecord | undefined,
  expiresAtMs: number,
): Entry {
  if (
    record === undefined ||
    record.keyId !== keyId ||
    !HEX_32_BYTES.test(record.hash) ||
    !HEX_16_BYTES.test(record.salt)
  ) {
    return { key: undefined, salt: EMPTY, hash: EMPTY, revokedAtMs: 0, expiresAtMs };
  }
  const revokedAtMs =
    record.revokedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(record.revokedAt);
  return {
    key: {
      keyId,
      role: record.role,
      ...(record.participant === undefined ? {} : { participant: record.participant }),
    },
    salt: Buffer.from(record.salt, 'hex'),
    hash: Buffer.from(record.hash, 'hex'),
    // An unreadable date fails closed: the key counts as revoked.
    revokedAtMs: Number.isNaN(revokedAtMs) ? 0 : revokedAtMs,
    expiresAtMs,
  };
}
