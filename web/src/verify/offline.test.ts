import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyDocument } from '../../../src/documents/verify.ts';
import {
  copy,
  sampleContents,
  sampleRegister,
  signAs,
  TRADE,
  TRADE_ID,
} from '../../../src/documents/documents.test-helper.ts';
import { offlineLimits, readRegister, verifyFile, type RegisterSnapshot } from './offline.ts';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2));
const statusOf = (checks: readonly { name: string; status: string }[], name: string) =>
  checks.find((check) => check.name === name)?.status;

function register(): RegisterSnapshot {
  const read = readRegister(JSON.parse(JSON.stringify(sampleRegister())));
  assert.ok(read.ok, read.ok ? '' : read.problem);
  return read.register;
}

const nothingKnown = {
  trade: () => undefined,
  receivedAt: () => undefined,
  now: new Date('2026-03-16T10:00:00Z'),
};

describe('the offline verifier (web/src/verify/offline.ts)', () => {
  it('reads the register as the hub sends it, and refuses one with a key that is not its id, naming the field', () => {
    assert.equal(register().issuers.length, sampleRegister().issuers.length);
    const forged = copy(sampleRegister()) as unknown as {
      issuers: { keys: { keyId: string }[] }[];
    };
    forged.issuers[0]!.keys[0]!.keyId = `key:${'0'.repeat(32)}`;
    const read = readRegister(forged);
    assert.ok(!read.ok);
    assert.match(
      read.problem,
      /register\/issuers\/0\/keys\/0\/keyId: key:0+ is not the id of its public key/,
    );
    assert.equal(readRegister({ format: 'nope' }).ok, false);
  });

  it('verifies a file with the checks and reasons the hub gives, against the trade the page knows', () => {
    const signed = signAs(sampleContents().commercial_invoice);
    const file = encode(signed);
    const checked = verifyFile(file, register(), {
      ...nothingKnown,
      trade: (id) => (id === TRADE_ID ? TRADE : undefined),
    });
    assert.equal(checked.trade, TRADE_ID);
    assert.equal(checked.receivedByHub, false);
    assert.equal(checked.receivedAt, '2026-03-16T10:00:00.000Z');
    assert.equal(checked.report.valid, true, JSON.stringify(checked.report.checks));
    assert.deepEqual(
      checked.report,
      verifyDocument(file, {
        register: sampleRegister(),
        receivedAt: '2026-03-16T10:00:00.000Z',
        trade: TRADE,
      }),
      'the same report as the hub’s verifier',
    );
    assert.equal(statusOf(checked.report.checks, 'trade_amounts'), 'pass');
    assert.equal(statusOf(checked.report.checks, 'signature_ml_dsa_65'), 'pass');
  });

  it('without a trade the page knows, skips the trade checks and says why', () => {
    const signed = signAs(sampleContents().certificate_of_origin);
    const checked = verifyFile(encode(signed), register(), nothingKnown);
    assert.equal(checked.trade, undefined);
    assert.equal(checked.report.valid, true);
    const parties = checked.report.checks.find((check) => check.name === 'trade_parties');
    assert.deepEqual(parties, {
      name: 'trade_parties',
      status: 'skipped',
      reason: 'not checked: no trade was given to check the document against',
    });
  });

  it('fails a file with one byte changed in a signed field: canonical_hash, with the reason', () => {
    const signed = signAs(sampleContents().commercial_invoice);
    const text = JSON.stringify(signed);
    const tampered = new TextEncoder().encode(text.replace('"total":"', '"total":"9'));
    assert.equal(tampered.length, new TextEncoder().encode(text).length + 1);
    const one = new TextEncoder().encode(text);
    const at = text.indexOf('"number":"') + '"number":"'.length;
    one[at] = one[at] === 0x41 ? 0x42 : 0x41;
    const checked = verifyFile(one, register(), nothingKnown);
    assert.equal(checked.report.valid, false);
    const hash = checked.report.checks.find((check) => check.name === 'canonical_hash');
    assert.ok(hash !== undefined);
    assert.equal(hash.status, 'fail');
    assert.match(
      hash.reason,
      /^the content hashes to sha256:[0-9a-f]{64}, not the stated sha256:[0-9a-f]{64}: the content was changed after it was hashed, or the stated hash is wrong$/,
    );
    assert.equal(verifyFile(tampered, register(), nothingKnown).report.valid, false);
  });

  it('judges a document the hub holds at its receipt time: a key revoked since leaves it valid', () => {
    const signed = signAs(sampleContents().commercial_invoice);
    const revoked = copy(sampleRegister());
    const key = revoked.issuers.find((issuer) => issuer.id === signed.content.issuer)?.keys[0];
    assert.ok(key !== undefined);
    key.revokedAt = '2026-03-15T00:00:00Z';
    key.revocationReason = 'key compromised';
    const read = readRegister(revoked);
    assert.ok(read.ok);
    const now = verifyFile(encode(signed), read.register, nothingKnown);
    assert.equal(statusOf(now.report.checks, 'key_not_revoked'), 'fail');
    const held = verifyFile(encode(signed), read.register, {
      ...nothingKnown,
      receivedAt: (hash) => (hash === signed.hash ? '2026-03-14T09:00:00Z' : undefined),
    });
    assert.equal(held.receivedByHub, true);
    assert.equal(held.receivedAt, '2026-03-14T09:00:00Z');
    assert.equal(statusOf(held.report.checks, 'key_not_revoked'), 'pass');
  });

  it('answers a file that is not a document with the size and schema checks, never throwing', () => {
    for (const bytes of [
      new Uint8Array([0xff, 0xfe]),
      new TextEncoder().encode('not json'),
      new TextEncoder().encode('{"hello":"world"}'),
      new Uint8Array(300 * 1024).fill(0x20),
    ]) {
      const checked = verifyFile(bytes, register(), nothingKnown);
      assert.equal(checked.report.valid, false);
      assert.ok(
        checked.report.checks.some(
          (check) => (check.name === 'size' || check.name === 'schema') && check.status === 'fail',
        ),
      );
    }
  });

  it('names what an offline check cannot know', () => {
    const limits = offlineLimits('2026-03-16T10:00:00Z', true).join(' ');
    assert.match(limits, /revoked or superseded.*2026-03-16T10:00:00Z/);
    assert.match(limits, /title was surrendered/);
    assert.match(limits, /presentation_period/);
    assert.match(offlineLimits('x', false).join(' '), /trade checks are skipped/);
  });
});
