import { ed25519 } from '@noble/curves/ed25519.js';
import { checkPlainText, invalidField, shownValue } from '../domain/errors.js';
import { sha256Hex } from './canonical.js';
import {
  decodeSized,
  KEY_SIZES,
  keyIdOf,
  mlDsa65Scheme,
  parsePublicKey,
  signDigest,
  toBase64,
  verifyDigest,
  type PublicKeyJson,
  type SigningKeyPair,
} from './signature.js';

/**
 * An issuer's signing key on disk, as `vostro signing-key generate` writes it (mode 0600) and
 * `vostro document sign` reads it: JSON, with the format's name and version first, the key's id,
 * the register issuer it signs for, the public key exactly as the register will hold it, and the
 * two secret keys in base64. The hub never sees this file: issuers make and keep their keys, and
 * send the hub only the public key (to register) and signed documents.
 *
 * ```json
 * { "format": "vostro-signing-key/1", "keyId": "key:…", "issuer": "maersk-in",
 *   "publicKey": { "algorithm": "ML-DSA-65+Ed25519", "mlDsa65": "…", "ed25519": "…" },
 *   "secretKey": { "mlDsa65": "…4,032 bytes…", "ed25519": "…32 bytes…" } }
 * ```
 */
export interface SigningKeyFile {
  format: typeof KEY_FILE_FORMAT;
  keyId: string;
  issuer: string;
  publicKey: PublicKeyJson;
  secretKey: { mlDsa65: string; ed25519: string };
}

const KEY_FILE_FORMAT = 'vostro-signing-key/1';
const ISSUER_MAX = 120;
const KEY_FILE_FIELDS = ['format', 'keyId', 'issuer', 'publicKey', 'secretKey'];

/** The key file of `pair`, signing for the register issuer `issuer`. */
export function keyFileOf(pair: SigningKeyPair, issuer: string): SigningKeyFile {
  checkPlainText(issuer, { field: 'issuer', max: ISSUER_MAX, what: 'the issuer' });
  return {
    format: KEY_FILE_FORMAT,
    keyId: pair.keyId,
    issuer,
    publicKey: { ...pair.publicKey },
    secretKey: {
      mlDsa65: toBase64(pair.secretKey.mlDsa65),
      ed25519: toBase64(pair.secretKey.ed25519),
    },
  };
}

/**
 * Reads a key file, refusing with an `invalid_field` error that names the field at fault: text that
 * is not JSON, another format, a property it does not know, an issuer that is not plain text, a
 * public key `parsePublicKey` refuses, secret keys that are not base64 or have the wrong size
 * (ML-DSA-65 secret keys are 4,032 bytes, Ed25519 ones 32), a key id that is not the public key's,
 * and secret keys that do not belong to the public key (each public key is recomputed from its
 * secret key and compared; then a test digest is signed and verified, which finds a damaged part
 * of the ML-DSA-65 secret key that the public key does not depend on).
 */
export function parseKeyFile(text: string): { issuer: string; pair: SigningKeyPair } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidField({
      field: 'keyFile',
      message: `the key file is not JSON (${error instanceof Error ? error.message : 'unreadable'})`,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidField({ field: 'keyFile', message: 'the key file must hold one JSON object' });
  const file = value as Record<string, unknown>;
  for (const key of Object.keys(file))
    if (!KEY_FILE_FIELDS.includes(key))
      throw invalidField({
        field: key,
        message: `the key file has an unknown property ${JSON.stringify(key)} (expected ${KEY_FILE_FIELDS.join(', ')})`,
      });
  if (file.format !== KEY_FILE_FORMAT)
    throw invalidField({
      field: 'format',
      message: `the key file's format must be ${JSON.stringify(KEY_FILE_FORMAT)}, got ${shownValue(file.format)}`,
    });
  const issuer = checkPlainText(file.issuer as string, {
    field: 'issuer',
    max: ISSUER_MAX,
    what: 'the issuer',
  });
  if (issuer.length === 0) throw invalidField({ field: 'issuer', message: 'the issuer is empty' });
  const publicKey = parsePublicKey(file.publicKey, 'publicKey');
  const keyId = keyIdOf(publicKey);
  if (file.keyId !== keyId)
    throw invalidField({
      field: 'keyId',
      message: `the key id ${shownValue(file.keyId)} is not the public key's id (${keyId})`,
    });
  const secret = file.secretKey;
  if (typeof secret !== 'object' || secret === null || Array.isArray(secret))
    throw invalidField({
      field: 'secretKey',
      message: 'secretKey must be an object { mlDsa65, ed25519 }',
    });
  const secrets = secret as Record<string, unknown>;
  for (const key of Object.keys(secrets))
    if (key !== 'mlDsa65' && key !== 'ed25519')
      throw invalidField({
        field: `secretKey/${key}`,
        message: `secretKey has an unknown property ${JSON.stringify(key)} (expected mlDsa65, ed25519)`,
      });
  const mlDsa = decodeSized(secrets.mlDsa65, {
    field: 'secretKey/mlDsa65',
    what: 'ML-DSA-65 secret key',
    bytes: KEY_SIZES.mlDsa65SecretKey,
  });
  const ed = decodeSized(secrets.ed25519, {
    field: 'secretKey/ed25519',
    what: 'Ed25519 secret key',
    bytes: KEY_SIZES.ed25519Key,
  });
  if (mlDsaPublicKeyOf(mlDsa) !== publicKey.mlDsa65)
    throw invalidField({
      field: 'secretKey/mlDsa65',
      message: 'the ML-DSA-65 secret key does not belong to publicKey/mlDsa65',
    });
  if (toBase64(ed25519.getPublicKey(ed)) !== publicKey.ed25519)
    throw invalidField({
      field: 'secretKey/ed25519',
      message: 'the Ed25519 secret key does not belong to publicKey/ed25519',
    });
  const pair: SigningKeyPair = { keyId, publicKey, secretKey: { mlDsa65: mlDsa, ed25519: ed } };
  const probe = sha256Hex(`vostro key file self-test ${keyId}`);
  if (!selfTest(probe, pair))
    throw invalidField({
      field: 'secretKey/mlDsa65',
      message: 'the ML-DSA-65 secret key is damaged: a test signature made with it does not verify',
    });
  return { issuer, pair };
}

/** The base64 public key an ML-DSA-65 secret key implies, or '' if it is no FIPS 204 secret key. */
function mlDsaPublicKeyOf(secretKey: Uint8Array): string {
  try {
    return toBase64(mlDsa65Scheme.publicKeyOf(secretKey));
  } catch {
    return '';
  }
}

/** Whether a test digest signed with `pair` verifies with its ML-DSA-65 half. */
function selfTest(probe: string, pair: SigningKeyPair): boolean {
  try {
    return verifyDigest(probe, signDigest(probe, pair), pair.publicKey).mlDsa65.ok;
  } catch {
    return false;
  }
}
