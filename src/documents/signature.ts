import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { invalidField } from '../domain/errors.js';
import { canonicalJson, sha256Hex } from './canonical.js';

/**
 * Hybrid signatures of trade documents: every signature is a pair, one **ML-DSA-65** (FIPS 204,
 * the lattice signature NIST standardised against quantum computers; `@noble/post-quantum`) and
 * one **Ed25519** (RFC 8032; `@noble/curves`), over the same document digest, and a document
 * verifies only if both do. ML-DSA protects against a future quantum computer that breaks Ed25519;
 * Ed25519, two decades old and widely analysed, protects against a flaw yet to be found in the young
 * ML-DSA or in its implementation. An attacker has to break both.
 *
 * What is signed is the 32 bytes of the document hash (`documentHash`: SHA-256 of the content's
 * RFC 8785 canonical form), never the JSON text:
 * - ML-DSA-65 through FIPS 204's external ("pure") interface, `ML-DSA.Sign(sk, M, ctx)` with the
 *   context string `ctx` = the UTF-8 bytes of `ML_DSA_CONTEXT`, hedged (fresh randomness per
 *   signature, FIPS 204's default; the signature still verifies the same way);
 * - Ed25519 (pure, strict RFC 8032 verification: no ZIP-215 leniency) over
 *   UTF-8(`ML_DSA_CONTEXT`) || 0x00 || digest, so that an Ed25519 signature made for anything
 *   else with the same key cannot be replayed as a document signature.
 *
 * Keys and signatures travel as standard base64 (RFC 4648 §4, padded). A key's id is derived from
 * the key itself (`keyIdOf`), so a signature names the key it claims and a register entry cannot
 * carry the wrong id.
 */
export const SIGNATURE_ALGORITHM = 'ML-DSA-65+Ed25519';
/** The ML-DSA-65 context string (its UTF-8 bytes), also the prefix of the Ed25519 message. */
export const ML_DSA_CONTEXT = 'vostro/trade-document/v1';

/** A public key as the register stores it and issuers publish it. */
export interface PublicKeyJson {
  algorithm: typeof SIGNATURE_ALGORITHM;
  /** base64 of the 1,952-byte ML-DSA-65 public key */
  mlDsa65: string;
  /** base64 of the 32-byte Ed25519 public key */
  ed25519: string;
}

/** A key pair as an issuer holds it (see key-file.ts for how it is kept on disk). */
export interface SigningKeyPair {
  keyId: string;
  publicKey: PublicKeyJson;
  secretKey: {
    /** the 4,032-byte ML-DSA-65 secret key (FIPS 204 encoding) */
    mlDsa65: Uint8Array;
    /** the 32-byte Ed25519 secret key (RFC 8032's seed) */
    ed25519: Uint8Array;
  };
}

/** One hybrid signature over a document digest. */
export interface HybridSignature {
  algorithm: typeof SIGNATURE_ALGORITHM;
  /** the id of the key that made it (`keyIdOf`) */
  keyId: string;
  /** base64 of the 3,309-byte ML-DSA-65 signature */
  mlDsa65: string;
  /** base64 of the 64-byte Ed25519 signature */
  ed25519: string;
}

/** The verdict on one of the two signatures; `reason` says what passed or exactly what failed. */
export interface AlgorithmCheck {
  ok: boolean;
  reason?: string;
}

const ML_DSA_65_PUBLIC_KEY_BYTES = 1952;
const ML_DSA_65_SECRET_KEY_BYTES = 4032;
const ML_DSA_65_SIGNATURE_BYTES = 3309;
const ED25519_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
const SEED_BYTES = 64;

const CONTEXT_BYTES = new TextEncoder().encode(ML_DSA_CONTEXT);

/**
 * The three ML-DSA-65 calls every signature of vostro goes through, in FIPS 204's terms:
 * `ML-DSA.KeyGen_internal(ξ)` from a 32-byte seed, `ML-DSA.Sign(sk, M, ctx)` and
 * `ML-DSA.Verify(pk, M, σ, ctx)` (the external, pure interface: M' = 0 || |ctx| || ctx || M).
 * `sign` is hedged when `rnd` is not given, and uses `rnd` as FIPS 204's 32-byte `rnd` when it is
 * (32 zero bytes is the deterministic variant). The NIST ACVP tests (signature.test.ts) run these
 * very functions, so a wrong parameter set, a swapped argument or a lost context fails a test.
 */
export const mlDsa65Scheme = {
  keygen(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
    return ml_dsa65.keygen(seed);
  },
  /** The public key recomputed from a secret key (to check that a key file's halves belong). */
  publicKeyOf(secretKey: Uint8Array): Uint8Array {
    return ml_dsa65.getPublicKey(secretKey);
  },
  sign(message: Uint8Array, secretKey: Uint8Array, context: Uint8Array, rnd?: Uint8Array) {
    return ml_dsa65.sign(message, secretKey, { context, extraEntropy: rnd });
  },
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, context: Uint8Array) {
    return ml_dsa65.verify(signature, message, publicKey, { context });
  },
};

/**
 * A key's id: `key:` and the first 32 hex digits (128 bits) of the SHA-256 of the public key's
 * canonical JSON (algorithm and both keys, nothing else).
 */
export function keyIdOf(publicKey: PublicKeyJson): string {
  const { algorithm, mlDsa65: mlDsa, ed25519: ed } = publicKey;
  return `key:${sha256Hex(canonicalJson({ algorithm, mlDsa65: mlDsa, ed25519: ed })).slice(0, 32)}`;
}

/**
 * A new key pair. With `seed` (64 bytes: the first 32 are ML-DSA-65's key-generation seed ξ, the
 * last 32 the Ed25519 secret key) the pair is reproducible, which tests and test fixtures use;
 * without, the seed comes from the operating system's CSPRNG.
 */
export function generateKeyPair(seed?: Uint8Array): SigningKeyPair {
  if (seed !== undefined && (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES))
    throw invalidField({
      field: 'seed',
      message: `a key seed is ${SEED_BYTES} bytes (32 for ML-DSA-65, 32 for Ed25519), got ${seed instanceof Uint8Array ? seed.length : typeof seed}`,
    });
  const material = seed ?? new Uint8Array(randomBytes(SEED_BYTES));
  const mlDsa = mlDsa65Scheme.keygen(material.subarray(0, 32));
  const edSecret = material.slice(32, 64);
  const publicKey: PublicKeyJson = {
    algorithm: SIGNATURE_ALGORITHM,
    mlDsa65: toBase64(mlDsa.publicKey),
    ed25519: toBase64(ed25519.getPublicKey(edSecret)),
  };
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    secretKey: { mlDsa65: mlDsa.secretKey, ed25519: edSecret },
  };
}

/**
 * Reads a public key given by a caller (a register entry, a key file), refusing with an
 * `invalid_field` error that names the part at fault under `field` (`key/mlDsa65`): not an object,
 * another algorithm, a property it does not know, a key that is not base64 or has the wrong size
 * (ML-DSA-65 public keys are 1,952 bytes, Ed25519 ones 32), or an Ed25519 key that is not a point
 * of the curve or is a weak point of small order. The result holds only the three known properties.
 */
export function parsePublicKey(value: unknown, field: string): PublicKeyJson {
  return decodePublicKey(value, field).json;
}

/** `parsePublicKey`, with the two keys' bytes. */
function decodePublicKey(
  value: unknown,
  field: string,
): { json: PublicKeyJson; mlDsa: Uint8Array; ed: Uint8Array } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidField({
      field,
      message: `${field} must be an object { algorithm, mlDsa65, ed25519 }`,
    });
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (key !== 'algorithm' && key !== 'mlDsa65' && key !== 'ed25519')
      throw invalidField({
        field: `${field}/${key}`,
        message: `${field} has an unknown property ${JSON.stringify(key)} (expected algorithm, mlDsa65, ed25519)`,
      });
  if (record.algorithm !== SIGNATURE_ALGORITHM)
    throw invalidField({
      field: `${field}/algorithm`,
      message: `${field}/algorithm must be ${JSON.stringify(SIGNATURE_ALGORITHM)}, got ${shown(record.algorithm)}`,
    });
  const mlDsa = decodeSized(record.mlDsa65, {
    field: `${field}/mlDsa65`,
    what: 'ML-DSA-65 public key',
    bytes: ML_DSA_65_PUBLIC_KEY_BYTES,
  });
  const ed = decodeSized(record.ed25519, {
    field: `${field}/ed25519`,
    what: 'Ed25519 public key',
    bytes: ED25519_KEY_BYTES,
  });
  if (!ed25519.utils.isValidPublicKey(ed, false))
    throw invalidField({
      field: `${field}/ed25519`,
      message: `${field}/ed25519 is not an Ed25519 public key (not the encoding of a point of the curve)`,
    });
  if (ed25519.Point.fromBytes(ed, false).isSmallOrder())
    throw invalidField({
      field: `${field}/ed25519`,
      message: `${field}/ed25519 is a point of small order, a weak key that no key generation makes`,
    });
  return {
    json: { algorithm: SIGNATURE_ALGORITHM, mlDsa65: toBase64(mlDsa), ed25519: toBase64(ed) },
    mlDsa,
    ed,
  };
}

/**
 * Signs a document digest with both halves of `key`. `digestHex` is the document hash, with or
 * without its `sha256:` prefix (64 hex digits); the 32 bytes it spells are what is signed.
 */
export function signDigest(digestHex: string, key: SigningKeyPair): HybridSignature {
  const digest = digestBytes(digestHex);
  if (digest === undefined)
    throw invalidField({
      field: 'digest',
      message: `a digest is 64 hex digits (optionally after "sha256:"), got ${shown(digestHex)}`,
    });
  const keyId = keyIdOf(key.publicKey);
  if (key.keyId !== keyId)
    throw invalidField({
      field: 'key/keyId',
      message: `the key pair says it is ${key.keyId}, but its public key is ${keyId}`,
    });
  return {
    algorithm: SIGNATURE_ALGORITHM,
    keyId,
    mlDsa65: toBase64(mlDsa65Scheme.sign(digest, key.secretKey.mlDsa65, CONTEXT_BYTES)),
    ed25519: toBase64(ed25519.sign(ed25519Message(digest), key.secretKey.ed25519)),
  };
}

/**
 * Checks a hybrid signature over a document digest against a public key, each algorithm on its
 * own, and says why each failed: the digest is not a digest, the signature is not a hybrid
 * signature of this algorithm, its key id is not the key's, a half is not base64 or has the wrong
 * length (`signature is 3308 bytes; ML-DSA-65 signatures are 3309`), or does not verify. The
 * caller decides validity: a document verifies only if both are `ok`. It never throws: the
 * signature and the key may come from anyone, in any shape.
 */
export function verifyDigest(
  digestHex: string,
  signature: HybridSignature,
  publicKey: PublicKeyJson,
): { mlDsa65: AlgorithmCheck; ed25519: AlgorithmCheck } {
  try {
    return verifyBoth(digestHex, signature, publicKey);
  } catch (error) {
    // Only a value built to throw when read (a getter, a proxy) gets here: JSON never does.
    const reason = `the signature could not be read: ${error instanceof Error ? error.message : 'error'}`;
    return { mlDsa65: { ok: false, reason }, ed25519: { ok: false, reason } };
  }
}

function verifyBoth(
  digestHex: unknown,
  signature: unknown,
  publicKey: unknown,
): { mlDsa65: AlgorithmCheck; ed25519: AlgorithmCheck } {
  const both = (reason: string) => ({
    mlDsa65: { ok: false, reason },
    ed25519: { ok: false, reason },
  });
  const digest = digestBytes(digestHex);
  if (digest === undefined)
    return both(
      `the digest is not 64 hex digits (optionally after "sha256:"): ${shown(digestHex)}`,
    );
  let key: DecodedKey;
  try {
    key = decodedPublicKey(publicKey);
  } catch (error) {
    return both(
      `the public key is unusable: ${error instanceof Error ? error.message : 'invalid'}`,
    );
  }
  if (typeof signature !== 'object' || signature === null || Array.isArray(signature))
    return both('the signature is not an object { algorithm, keyId, mlDsa65, ed25519 }');
  const record = signature as Record<string, unknown>;
  if (record.algorithm !== SIGNATURE_ALGORITHM)
    return both(
      `the signature's algorithm is ${shown(record.algorithm)}, not ${JSON.stringify(SIGNATURE_ALGORITHM)}`,
    );
  const keyId = key.keyId;
  if (record.keyId !== keyId)
    return both(`the signature's key id ${shown(record.keyId)} does not match the key (${keyId})`);
  return {
    mlDsa65: checkOne(record.mlDsa65, {
      what: 'ML-DSA-65',
      bytes: ML_DSA_65_SIGNATURE_BYTES,
      keyId,
      verify: (bytes) => mlDsa65Scheme.verify(bytes, digest, key.mlDsa, CONTEXT_BYTES),
    }),
    ed25519: checkOne(record.ed25519, {
      what: 'Ed25519',
      bytes: ED25519_SIGNATURE_BYTES,
      keyId,
      verify: (bytes) => ed25519.verify(bytes, ed25519Message(digest), key.ed, { zip215: false }),
    }),
  };
}

/** A register key as the verifier uses it: checked, decoded, with its id. */
interface DecodedKey {
  readonly keyId: string;
  readonly mlDsa: Uint8Array;
  readonly ed: Uint8Array;
}

/**
 * Keys already checked and decoded, by their two base64 strings: a register holds few keys and
 * every document is verified against one of them, so decoding (base64, the Ed25519 point's
 * decompression and checks) and hashing the key for its id are done once per key, not per
 * document. Bounded: emptied when full. Only keys that passed every check are kept.
 */
const decodedKeys = new Map<string, DecodedKey>();
const DECODED_KEYS_MAX = 256;

function decodedPublicKey(value: unknown): DecodedKey {
  const record = value as Partial<Record<string, unknown>> | null;
  const cacheKey =
    typeof record === 'object' &&
    record !== null &&
    typeof record.mlDsa65 === 'string' &&
    typeof record.ed25519 === 'string'
      ? `${record.ed25519}:${record.mlDsa65}`
      : undefined;
  const cached = cacheKey === undefined ? undefined : decodedKeys.get(cacheKey);
  // A cached key still needs the same shape: the algorithm and no other property.
  if (
    cached !== undefined &&
    record?.algorithm === SIGNATURE_ALGORITHM &&
    Object.keys(record).length === 3
  )
    return cached;
  const { json, mlDsa, ed } = decodePublicKey(value, 'publicKey');
  const decoded: DecodedKey = { keyId: keyIdOf(json), mlDsa, ed };
  if (cacheKey !== undefined) {
    if (decodedKeys.size >= DECODED_KEYS_MAX) decodedKeys.clear();
    decodedKeys.set(cacheKey, decoded);
  }
  return decoded;
}

function checkOne(
  value: unknown,
  how: { what: string; bytes: number; keyId: string; verify: (bytes: Uint8Array) => boolean },
): AlgorithmCheck {
  const { what, bytes } = how;
  if (typeof value !== 'string')
    return { ok: false, reason: `the ${what} signature is ${shown(value)}, not a base64 string` };
  const decoded = fromBase64(value);
  if (decoded === undefined) return { ok: false, reason: `the ${what} signature is not base64` };
  if (decoded.length !== bytes)
    return {
      ok: false,
      reason: `signature is ${decoded.length} bytes; ${what} signatures are ${bytes}`,
    };
  let verified: boolean;
  try {
    verified = how.verify(decoded);
  } catch {
    verified = false;
  }
  return verified
    ? { ok: true, reason: `the ${what} signature verifies with key ${how.keyId}` }
    : { ok: false, reason: `the ${what} signature does not verify with key ${how.keyId}` };
}

/** The Ed25519 message: UTF-8(ML_DSA_CONTEXT) || 0x00 || digest. */
function ed25519Message(digest: Uint8Array): Uint8Array {
  const message = new Uint8Array(CONTEXT_BYTES.length + 1 + digest.length);
  message.set(CONTEXT_BYTES, 0);
  message.set(digest, CONTEXT_BYTES.length + 1);
  return message;
}

const DIGEST = /^(?:sha256:)?([0-9a-f]{64})$/;

function digestBytes(value: unknown): Uint8Array | undefined {
  const match = typeof value === 'string' ? DIGEST.exec(value) : null;
  return match === null ? undefined : new Uint8Array(Buffer.from(match[1] as string, 'hex'));
}

/** Standard padded base64 of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes of a standard padded base64 string, or undefined if it is not one in its one canonical
 * spelling (Node's decoder would skip stray characters and ignore non-zero padding bits, so two
 * texts could name the same key or signature).
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

/**
 * Decodes a base64 key of a known size, or refuses it with an `invalid_field` error on `field`
 * saying what it is and what is wrong (not a string, not base64, the wrong number of bytes).
 */
export function decodeSized(
  value: unknown,
  { field, what, bytes }: { field: string; what: string; bytes: number },
): Uint8Array {
  if (typeof value !== 'string')
    throw invalidField({ field, message: `${field} (${what}) must be a base64 string` });
  const decoded = fromBase64(value);
  if (decoded === undefined)
    throw invalidField({ field, message: `${field} (${what}) is not base64` });
  if (decoded.length !== bytes)
    throw invalidField({
      field,
      message: `${field} is ${decoded.length} bytes; an ${what} must be ${bytes} bytes`,
    });
  return decoded;
}

export const KEY_SIZES = {
  mlDsa65PublicKey: ML_DSA_65_PUBLIC_KEY_BYTES,
  mlDsa65SecretKey: ML_DSA_65_SECRET_KEY_BYTES,
  ed25519Key: ED25519_KEY_BYTES,
} as const;

function shown(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol')
    return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return typeof value;
  }
}
