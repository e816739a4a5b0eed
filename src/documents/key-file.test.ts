import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../domain/errors.js';
import { documentHash } from './canonical.js';
import { keyFileOf, parseKeyFile, type SigningKeyFile } from './key-file.js';
import { generateKeyPair, signDigest, verifyDigest } from './signature.js';

// Made once for the file: ML-DSA-65 key generation costs milliseconds.
const carrier = generateKeyPair(new Uint8Array(64).fill(7));
const other = generateKeyPair(new Uint8Array(64).fill(8));
const file = keyFileOf(carrier, 'maersk-in');

function text(change: (file: Record<string, unknown>) => void): string {
  const copy = JSON.parse(JSON.stringify(file)) as Record<string, unknown>;
  change(copy);
  return JSON.stringify(copy);
}

function refused(fileText: string, field: string, message: string | RegExp): void {
  assert.throws(
    () => parseKeyFile(fileText),
    (error: unknown) => {
      assert.ok(error instanceof HubError, String(error));
      assert.equal(error.code, 'invalid_field');
      assert.equal(error.field, field);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
  );
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('signing key files', () => {
  it('a key file holds the format, key id, issuer, public key and both secret keys in base64', () => {
    assert.deepEqual(Object.keys(file), ['format', 'keyId', 'issuer', 'publicKey', 'secretKey']);
    assert.equal(file.format, 'vostro-signing-key/1');
    assert.equal(file.keyId, carrier.keyId);
    assert.deepEqual(file.publicKey, carrier.publicKey);
    assert.equal(Buffer.from(file.secretKey.mlDsa65, 'base64').length, 4032);
    assert.equal(Buffer.from(file.secretKey.ed25519, 'base64').length, 32);
    assert.throws(() => keyFileOf(carrier, 'line\nbreak'), {
      code: 'invalid_field',
      field: 'issuer',
    });
  });

  it('reads back the pair it was written from, which signs documents that verify', () => {
    const { issuer, pair } = parseKeyFile(JSON.stringify(file, null, 2));
    assert.equal(issuer, 'maersk-in');
    assert.deepEqual(pair, carrier);
    const digest = documentHash({ type: 'bill_of_lading', number: 'MAEU-1' });
    const verdict = verifyDigest(digest, signDigest(digest, pair), carrier.publicKey);
    assert.ok(verdict.mlDsa65.ok && verdict.ed25519.ok);
  });

  it('refuses a file that is not a key file, naming the field at fault', () => {
    refused('{"format":', 'keyFile', /^the key file is not JSON \(/);
    refused('[]', 'keyFile', 'the key file must hold one JSON object');
    refused(
      text((f) => (f.format = 'vostro-signing-key/2')),
      'format',
      'the key file\'s format must be "vostro-signing-key/1", got "vostro-signing-key/2"',
    );
    refused(
      text((f) => (f.password = 'x')),
      'password',
      'the key file has an unknown property "password" (expected format, keyId, issuer, publicKey, secretKey)',
    );
    refused(
      text((f) => delete f.issuer),
      'issuer',
      'the issuer must be a string',
    );
    refused(
      text((f) => (f.issuer = '')),
      'issuer',
      'the issuer is empty',
    );
    refused(
      text((f) => ((f.secretKey as Record<string, unknown>).seed = 'AAAA')),
      'secretKey/seed',
      'secretKey has an unknown property "seed" (expected mlDsa65, ed25519)',
    );
    refused(
      text((f) => (f.secretKey = 'secret')),
      'secretKey',
      'secretKey must be an object { mlDsa65, ed25519 }',
    );
  });

  it('refuses keys of the wrong size, naming which', () => {
    const secretMlDsa = Buffer.from(file.secretKey.mlDsa65, 'base64');
    refused(
      text(
        (f) =>
          ((f.secretKey as SigningKeyFile['secretKey']).mlDsa65 = b64(secretMlDsa.subarray(1))),
      ),
      'secretKey/mlDsa65',
      'secretKey/mlDsa65 is 4031 bytes; an ML-DSA-65 secret key must be 4032 bytes',
    );
    refused(
      text((f) => ((f.secretKey as SigningKeyFile['secretKey']).ed25519 = b64(new Uint8Array(31)))),
      'secretKey/ed25519',
      'secretKey/ed25519 is 31 bytes; an Ed25519 secret key must be 32 bytes',
    );
    refused(
      text((f) => ((f.secretKey as SigningKeyFile['secretKey']).ed25519 = '%%%')),
      'secretKey/ed25519',
      'secretKey/ed25519 (Ed25519 secret key) is not base64',
    );
    refused(
      text(
        (f) => ((f.publicKey as SigningKeyFile['publicKey']).mlDsa65 = b64(new Uint8Array(1953))),
      ),
      'publicKey/mlDsa65',
      'publicKey/mlDsa65 is 1953 bytes; an ML-DSA-65 public key must be 1952 bytes',
    );
  });

  it("refuses a key id that is not the public key's, and secret keys of another public key", () => {
    refused(
      text((f) => (f.keyId = other.keyId)),
      'keyId',
      `the key id "${other.keyId}" is not the public key's id (${carrier.keyId})`,
    );
    const others = keyFileOf(other, 'maersk-in');
    refused(
      text(
        (f) => ((f.secretKey as SigningKeyFile['secretKey']).mlDsa65 = others.secretKey.mlDsa65),
      ),
      'secretKey/mlDsa65',
      'the ML-DSA-65 secret key does not belong to publicKey/mlDsa65',
    );
    refused(
      text(
        (f) => ((f.secretKey as SigningKeyFile['secretKey']).ed25519 = others.secretKey.ed25519),
      ),
      'secretKey/ed25519',
      'the Ed25519 secret key does not belong to publicKey/ed25519',
    );
    // The public key and its id swapped together for another's: the secret keys no longer belong.
    refused(
      text((f) => {
        f.publicKey = others.publicKey;
        f.keyId = others.keyId;
      }),
      'secretKey/mlDsa65',
      'the ML-DSA-65 secret key does not belong to publicKey/mlDsa65',
    );
  });

  it('finds a damaged ML-DSA-65 secret key the public key does not depend on', () => {
    // FIPS 204 skEncode: rho (32) || K (32) || tr (64) || s1 || s2 || t0. tr = H(pk) is not
    // used to compute the public key, but every signature depends on it.
    const damaged = Buffer.from(file.secretKey.mlDsa65, 'base64');
    damaged[64] = (damaged[64] as number) ^ 1;
    refused(
      text((f) => ((f.secretKey as SigningKeyFile['secretKey']).mlDsa65 = b64(damaged))),
      'secretKey/mlDsa65',
      'the ML-DSA-65 secret key is damaged: a test signature made with it does not verify',
    );
    // Bits of s1 beyond its range: not a FIPS 204 secret key at all.
    const garbage = Buffer.from(file.secretKey.mlDsa65, 'base64');
    garbage.fill(0xff, 128, 640);
    refused(
      text((f) => ((f.secretKey as SigningKeyFile['secretKey']).mlDsa65 = b64(garbage))),
      'secretKey/mlDsa65',
      /^the ML-DSA-65 secret key (does not belong to publicKey\/mlDsa65|is damaged)/,
    );
  });
});
