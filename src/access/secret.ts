import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key text: `vostro_<keyId>_<secret>`.
 *
 * - `keyId` is 16 lower-case hex characters (64 random bits). It is public: it names the key in
 *   listings, the audit log and log lines, and it is how the stored record is found.
 * - `secret` is 32 random bytes in base64url without padding (43 characters). It is shown once,
 *   when the key is issued, and never stored: the store keeps a random salt and
 *   `SHA-256(salt || secret)`, where `secret` is the 43 ASCII characters as the client sends them.
 *
 * Why a salted SHA-256 and not bcrypt, scrypt or Argon2: slow hashes exist to make guessing a
 * *human-chosen* password from its hash expensive, because such passwords come from a small space.
 * This secret is 256 bits from the operating system's CSPRNG; no amount of hashing speed makes a
 * 2^256 search feasible, so a stolen hash table gives an attacker nothing to brute-force. A fast
 * hash is also what lets every request be verified in about a microsecond. The salt makes equal
 * secrets (there are none in practice) hash differently and rules out precomputed tables.
 *
 * Comparisons of hashes use `crypto.timingSafeEqual`, so the time a wrong key takes to refuse does
 * not depend on how many leading bytes of its hash happen to match.
 */
export const KEY_PREFIX = 'vostro_';
export const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
const SECRET_BYTES = 32;
const SALT_BYTES = 16;
/** `vostro_` + 16 hex + `_` + 43 base64url characters. */
const KEY_PATTERN = /^vostro_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
export const KEY_LENGTH = KEY_PREFIX.length + 16 + 1 + 43;

export interface ParsedKey {
  readonly keyId: string;
  readonly secret: string;
}

/** Splits a key into its id and secret; undefined for anything that is not exactly a key. */
export function parseKey(text: string): ParsedKey | undefined {
  if (text.length !== KEY_LENGTH) return undefined;
  const match = KEY_PATTERN.exec(text);
  if (match === null) return undefined;
  return { keyId: match[1] as string, secret: match[2] as string };
}

export function newKeyId(): string {
  return randomBytes(8).toString('hex');
}

export interface NewSecret {
  readonly secret: string;
  /** Hex. */
  readonly salt: string;
  /** Hex SHA-256(salt || secret). */
  readonly hash: string;
}

export function newSecret(): NewSecret {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const salt = randomBytes(SALT_BYTES);
  return { secret, salt: salt.toString('hex'), hash: hashSecret(salt, secret).toString('hex') };
}

export function keyText(keyId: string, secret: string): string {
  return `${KEY_PREFIX}${keyId}_${secret}`;
}

export function hashSecret(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'latin1').digest();
}

/** Whether `secret` hashes to `expected` under `salt`; constant-time in the content of the hashes. */
export function secretMatches(salt: Buffer, expected: Buffer, secret: string): boolean {
  const actual = hashSecret(salt, secret);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
