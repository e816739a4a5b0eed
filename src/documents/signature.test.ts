import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { HubError } from '../domain/errors.js';
import { documentHash } from './canonical.js';
import {
  generateKeyPair,
  keyIdOf,
  ML_DSA_CONTEXT,
  mlDsa65Scheme,
  parsePublicKey,
  SIGNATURE_ALGORITHM,
  signDigest,
  verifyDigest,
  type HybridSignature,
  type PublicKeyJson,
} from './signature.js';

/** The committed subset of NIST's ACVP vectors for ML-DSA-65 (testdata/acvp-ml-dsa-65.json). */
interface AcvpGroup<Test> {
  tgId: number;
  parameterSet: string;
  deterministic?: boolean;
  signatureInterface?: string;
  preHash?: string;
  tests: Test[];
}
interface Acvp {
  source: string;
  keyGen: {
    testGroups: AcvpGroup<{ tcId: number; seed: string; expected: { pk: string; sk: string } }>[];
  };
  sigGen: {
    testGroups: AcvpGroup<{
      tcId: number;
      message: string;
      sk: string;
      context: string;
      rnd?: string;
      expected: { signature: string };
    }>[];
  };
  sigVer: {
    testGroups: AcvpGroup<{
      tcId: number;
      pk: string;
      message: string;
      context: string;
      signature: string;
      expected: { testPassed: boolean };
    }>[];
  };
}
const acvp = JSON.parse(
  readFileSync(new URL('./testdata/acvp-ml-dsa-65.json', import.meta.url), 'utf8'),
) as Acvp;
const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const CONTEXT = new TextEncoder().encode(ML_DSA_CONTEXT);

function seedOf(byte: number): Uint8Array {
  return new Uint8Array(64).fill(byte);
}

// Keys are made once for the file: ML-DSA-65 key generation and signing cost milliseconds.
const alice = generateKeyPair(seedOf(1));
const bob = generateKeyPair(seedOf(2));
const digest = documentHash({ type: 'commercial_invoice', number: 'INV-1', total: '1250000.00' });
const signed = signDigest(digest, alice);

describe('ML-DSA-65 wiring against NIST ACVP vectors (FIPS 204)', () => {
  it('the committed subset is ML-DSA-65 through the external, pure interface, and names NIST', () => {
    assert.match(acvp.source, /NIST ACVP-Server/);
    for (const part of [acvp.keyGen, acvp.sigGen, acvp.sigVer])
      for (const group of part.testGroups) {
        assert.equal(group.parameterSet, 'ML-DSA-65');
        if (group.signatureInterface !== undefined) {
          assert.equal(group.signatureInterface, 'external');
          assert.equal(group.preHash, 'pure');
        }
      }
  });

  for (const group of acvp.keyGen.testGroups)
    for (const test of group.tests)
      it(`keyGen tcId ${test.tcId}: the seed gives NIST's key pair, also through generateKeyPair`, () => {
        const { publicKey, secretKey } = mlDsa65Scheme.keygen(hex(test.seed));
        assert.equal(toHex(publicKey), test.expected.pk);
        assert.equal(toHex(secretKey), test.expected.sk);
        // generateKeyPair takes the ML-DSA seed from the first 32 bytes of its 64.
        const pair = generateKeyPair(new Uint8Array([...hex(test.seed), ...new Uint8Array(32)]));
        assert.equal(pair.publicKey.mlDsa65, b64(hex(test.expected.pk)));
        assert.equal(toHex(pair.secretKey.mlDsa65), test.expected.sk);
      });

  for (const group of acvp.sigGen.testGroups)
    for (const test of group.tests)
      it(`sigGen tcId ${test.tcId} (${group.deterministic === true ? 'deterministic' : 'hedged, rnd given'}): NIST's signature, byte for byte`, () => {
        // FIPS 204: the deterministic variant is the hedged one with rnd = 32 zero bytes.
        const rnd = group.deterministic === true ? new Uint8Array(32) : hex(test.rnd as string);
        const signature = mlDsa65Scheme.sign(
          hex(test.message),
          hex(test.sk),
          hex(test.context),
          rnd,
        );
        assert.equal(toHex(signature), test.expected.signature);
      });

  for (const group of acvp.sigVer.testGroups)
    for (const test of group.tests)
      it(`sigVer tcId ${test.tcId}: ${test.expected.testPassed ? 'verifies' : 'is refused'} as NIST says`, () => {
        const verified = mlDsa65Scheme.verify(
          hex(test.signature),
          hex(test.message),
          hex(test.pk),
          hex(test.context),
        );
        assert.equal(verified, test.expected.testPassed);
      });

  it('a passing vector fails with its context dropped or its arguments swapped', () => {
    const passing = acvp.sigVer.testGroups
      .flatMap((group) => group.tests)
      .find((test) => test.expected.testPassed);
    assert.ok(passing !== undefined);
    const [signature, message, pk, context] = [
      hex(passing.signature),
      hex(passing.message),
      hex(passing.pk),
      hex(passing.context),
    ];
    assert.equal(mlDsa65Scheme.verify(signature, message, pk, context), true);
    assert.equal(mlDsa65Scheme.verify(signature, message, pk, new Uint8Array(0)), false);
    assert.equal(mlDsa65Scheme.verify(message, signature, pk, context), false);
    assert.throws(() => mlDsa65Scheme.verify(signature, pk, message, context), RangeError);
  });
});

describe('hybrid signatures', () => {
  it('generateKeyPair: sizes, a key id derived from the public key, reproducible from a seed', () => {
    assert.equal(alice.publicKey.algorithm, SIGNATURE_ALGORITHM);
    assert.equal(fromB64(alice.publicKey.mlDsa65).length, 1952);
    assert.equal(fromB64(alice.publicKey.ed25519).length, 32);
    assert.equal(alice.secretKey.mlDsa65.length, 4032);
    assert.equal(alice.secretKey.ed25519.length, 32);
    assert.match(alice.keyId, /^key:[0-9a-f]{32}$/);
    assert.equal(alice.keyId, keyIdOf(alice.publicKey));
    assert.deepEqual(generateKeyPair(seedOf(1)).publicKey, alice.publicKey);
    assert.notEqual(bob.keyId, alice.keyId);
    const random = generateKeyPair();
    assert.notEqual(random.keyId, generateKeyPair().keyId);
    assert.throws(() => generateKeyPair(new Uint8Array(32)), {
      code: 'invalid_field',
      field: 'seed',
      message: 'a key seed is 64 bytes (32 for ML-DSA-65, 32 for Ed25519), got 32',
    });
  });

  it('the Ed25519 half is RFC 8032 Ed25519 (section 7.1, TEST 1) from the last 32 seed bytes', () => {
    const secret = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const pair = generateKeyPair(new Uint8Array([...new Uint8Array(32), ...secret]));
    assert.equal(
      Buffer.from(fromB64(pair.publicKey.ed25519)).toString('hex'),
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    assert.equal(
      Buffer.from(ed25519.sign(new Uint8Array(0), pair.secretKey.ed25519)).toString('hex'),
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('signs the digest bytes: ML-DSA-65 with the context, Ed25519 over context || 0x00 || digest', () => {
    const bytes = hex(digest.slice('sha256:'.length));
    assert.equal(signed.algorithm, SIGNATURE_ALGORITHM);
    assert.equal(signed.keyId, alice.keyId);
    const mlDsa = fromB64(signed.mlDsa65);
    const ed = fromB64(signed.ed25519);
    assert.equal(mlDsa.length, 3309);
    assert.equal(ed.length, 64);
    const pk = fromB64(alice.publicKey.mlDsa65);
    assert.equal(mlDsa65Scheme.verify(mlDsa, bytes, pk, CONTEXT), true);
    assert.equal(mlDsa65Scheme.verify(mlDsa, bytes, pk, new Uint8Array(0)), false);
    const edPk = fromB64(alice.publicKey.ed25519);
    const edMessage = new Uint8Array([...CONTEXT, 0, ...bytes]);
    assert.equal(ed25519.verify(ed, edMessage, edPk), true);
    assert.equal(ed25519.verify(ed, bytes, edPk), false, 'domain separated from the bare digest');
    // An Ed25519 signature the same key made over the bare digest is not a document signature.
    const bare = { ...signed, ed25519: b64(ed25519.sign(bytes, alice.secretKey.ed25519)) };
    assert.equal(verifyDigest(digest, bare, alice.publicKey).ed25519.ok, false);
  });

  it('verifies with or without the sha256: prefix; both halves pass', () => {
    const verdict = verifyDigest(digest, signed, alice.publicKey);
    assert.deepEqual(verdict, {
      mlDsa65: { ok: true, reason: `the ML-DSA-65 signature verifies with key ${alice.keyId}` },
      ed25519: { ok: true, reason: `the Ed25519 signature verifies with key ${alice.keyId}` },
    });
    assert.deepEqual(verifyDigest(digest.slice(7), signed, alice.publicKey), verdict);
    assert.deepEqual(
      verifyDigest(digest, signDigest(digest.slice(7), alice), alice.publicKey),
      verdict,
    );
  });

  it('says exactly why each half fails', () => {
    const reasons = (
      signature: unknown,
      key: unknown = alice.publicKey,
      hash: unknown = digest,
    ) => {
      const verdict = verifyDigest(
        hash as string,
        signature as HybridSignature,
        key as PublicKeyJson,
      );
      return [
        verdict.mlDsa65.ok,
        verdict.mlDsa65.reason,
        verdict.ed25519.ok,
        verdict.ed25519.reason,
      ];
    };
    const short = b64(fromB64(signed.mlDsa65).subarray(1));
    assert.deepEqual(reasons({ ...signed, mlDsa65: short }), [
      false,
      'signature is 3308 bytes; ML-DSA-65 signatures are 3309',
      true,
      `the Ed25519 signature verifies with key ${alice.keyId}`,
    ]);
    const long = b64(new Uint8Array([...fromB64(signed.ed25519), 0]));
    assert.deepEqual(reasons({ ...signed, ed25519: long }).slice(2), [
      false,
      'signature is 65 bytes; Ed25519 signatures are 64',
    ]);
    assert.deepEqual(
      reasons({ ...signed, mlDsa65: `${signed.mlDsa65.slice(0, -4)}!!!!` }).slice(0, 2),
      [false, 'the ML-DSA-65 signature is not base64'],
    );
    assert.deepEqual(reasons({ ...signed, ed25519: 42 }).slice(2), [
      false,
      'the Ed25519 signature is 42, not a base64 string',
    ]);
    const other = documentHash({ type: 'commercial_invoice', number: 'INV-2' });
    assert.deepEqual(reasons(signed, alice.publicKey, other), [
      false,
      `the ML-DSA-65 signature does not verify with key ${alice.keyId}`,
      false,
      `the Ed25519 signature does not verify with key ${alice.keyId}`,
    ]);
    const mismatch = `the signature's key id "${alice.keyId}" does not match the key (${bob.keyId})`;
    assert.deepEqual(reasons(signed, bob.publicKey), [false, mismatch, false, mismatch]);
    // Bob's key, with the signature relabelled as his: both halves fail on their own.
    assert.deepEqual(reasons({ ...signed, keyId: bob.keyId }, bob.publicKey), [
      false,
      `the ML-DSA-65 signature does not verify with key ${bob.keyId}`,
      false,
      `the Ed25519 signature does not verify with key ${bob.keyId}`,
    ]);
    assert.equal(
      reasons({ ...signed, algorithm: 'Ed25519' })[1],
      `the signature's algorithm is "Ed25519", not "ML-DSA-65+Ed25519"`,
    );
    assert.equal(
      reasons(signed, alice.publicKey, 'sha256:abc')[1],
      'the digest is not 64 hex digits (optionally after "sha256:"): "sha256:abc"',
    );
    assert.equal(
      reasons(signed, { ...alice.publicKey, ed25519: 'AAAA' })[1],
      'the public key is unusable: publicKey/ed25519 is 3 bytes; an Ed25519 public key must be 32 bytes',
    );
    // A key already used (and so decoded once and kept) is still checked whole every time.
    assert.equal(
      reasons(signed, { ...alice.publicKey, comment: 'x' })[1],
      'the public key is unusable: publicKey has an unknown property "comment" (expected algorithm, mlDsa65, ed25519)',
    );
    assert.equal(
      reasons(signed, { ...alice.publicKey, algorithm: 'Ed25519' })[1],
      'the public key is unusable: publicKey/algorithm must be "ML-DSA-65+Ed25519", got "Ed25519"',
    );
  });

  it('never throws, whatever it is given', () => {
    const throwing = {
      algorithm: SIGNATURE_ALGORITHM,
      get keyId(): string {
        throw new Error('boom');
      },
    };
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      'text',
      [],
      [signed],
      {},
      { ...signed, mlDsa65: null },
      { ...signed, ed25519: { length: 64 } },
      { ...signed, keyId: 7 },
      Object.create(null) as object,
      throwing,
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      ),
    ];
    for (const signature of hostile) {
      for (const key of [alice.publicKey, null, 'key', { algorithm: SIGNATURE_ALGORITHM }]) {
        for (const hash of [digest, 42, null, '']) {
          const verdict = verifyDigest(
            hash as string,
            signature as HybridSignature,
            key as PublicKeyJson,
          );
          assert.ok(!(verdict.mlDsa65.ok && verdict.ed25519.ok));
          assert.equal(typeof verdict.mlDsa65.reason, 'string');
          assert.equal(typeof verdict.ed25519.reason, 'string');
        }
      }
    }
    assert.equal(
      verifyDigest(digest, throwing as unknown as HybridSignature, alice.publicKey).mlDsa65.reason,
      'the signature could not be read: boom',
    );
  });

  it('any change to any byte of either half makes that half, and only that half, fail', () => {
    const halves = { mlDsa65: fromB64(signed.mlDsa65), ed25519: fromB64(signed.ed25519) };
    fc.assert(
      fc.property(
        fc.constantFrom('mlDsa65' as const, 'ed25519' as const),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (half, at, xor) => {
          const bytes = halves[half].slice();
          const index = at % bytes.length;
          bytes[index] = (bytes[index] as number) ^ xor;
          const verdict = verifyDigest(digest, { ...signed, [half]: b64(bytes) }, alice.publicKey);
          const other = half === 'mlDsa65' ? 'ed25519' : 'mlDsa65';
          assert.equal(verdict[half].ok, false, `byte ${index} of ${half}`);
          assert.match(verdict[half].reason as string, /does not verify/);
          assert.equal(verdict[other].ok, true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('signDigest refuses what is not a digest, and a pair whose key id is not its key', () => {
    assert.throws(() => signDigest('sha256:XYZ', alice), {
      code: 'invalid_field',
      field: 'digest',
      message: 'a digest is 64 hex digits (optionally after "sha256:"), got "sha256:XYZ"',
    });
    assert.throws(() => signDigest(digest, { ...alice, keyId: bob.keyId }), {
      code: 'invalid_field',
      field: 'key/keyId',
      message: `the key pair says it is ${bob.keyId}, but its public key is ${alice.keyId}`,
    });
  });
});

describe('parsePublicKey', () => {
  const refused = (value: unknown, field: string, message: string) =>
    assert.throws(
      () => parsePublicKey(value, 'key'),
      (error: unknown) =>
        error instanceof HubError &&
        error.code === 'invalid_field' &&
        error.field === field &&
        error.message === message,
      `${field}: ${message}`,
    );
  const good = alice.publicKey;

  it('returns the key with only its three properties', () => {
    assert.deepEqual(parsePublicKey(JSON.parse(JSON.stringify(good)), 'key'), good);
  });

  it('refuses keys that are not base64, of the wrong size, or not on the curve, naming the part', () => {
    refused(null, 'key', 'key must be an object { algorithm, mlDsa65, ed25519 }');
    refused([good], 'key', 'key must be an object { algorithm, mlDsa65, ed25519 }');
    refused(
      { ...good, algorithm: 'ML-DSA-44+Ed25519' },
      'key/algorithm',
      'key/algorithm must be "ML-DSA-65+Ed25519", got "ML-DSA-44+Ed25519"',
    );
    refused(
      { ...good, comment: 'x' },
      'key/comment',
      'key has an unknown property "comment" (expected algorithm, mlDsa65, ed25519)',
    );
    refused(
      { ...good, mlDsa65: 17 },
      'key/mlDsa65',
      'key/mlDsa65 (ML-DSA-65 public key) must be a base64 string',
    );
    refused(
      { ...good, mlDsa65: 'not base64!' },
      'key/mlDsa65',
      'key/mlDsa65 (ML-DSA-65 public key) is not base64',
    );
    // Base64url, and base64 whose padding bits are not zero: other spellings of some bytes.
    refused(
      { ...good, ed25519: Buffer.from(new Uint8Array(32).fill(0xfb)).toString('base64url') },
      'key/ed25519',
      'key/ed25519 (Ed25519 public key) is not base64',
    );
    refused(
      { ...good, ed25519: 'AB==' },
      'key/ed25519',
      'key/ed25519 (Ed25519 public key) is not base64',
    );
    refused(
      { ...good, mlDsa65: b64(fromB64(good.mlDsa65).subarray(1)) },
      'key/mlDsa65',
      'key/mlDsa65 is 1951 bytes; an ML-DSA-65 public key must be 1952 bytes',
    );
    refused(
      { ...good, ed25519: good.mlDsa65 },
      'key/ed25519',
      'key/ed25519 is 1952 bytes; an Ed25519 public key must be 32 bytes',
    );
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2; // y = 2: x² = (y² − 1)/(d·y² + 1) has no square root mod p
    refused(
      { ...good, ed25519: b64(notAPoint) },
      'key/ed25519',
      'key/ed25519 is not an Ed25519 public key (not the encoding of a point of the curve)',
    );
    const identity = new Uint8Array(32);
    identity[0] = 1; // y = 1: the neutral element, of order 1
    refused(
      { ...good, ed25519: b64(identity) },
      'key/ed25519',
      'key/ed25519 is a point of small order, a weak key that no key generation makes',
    );
  });
});
