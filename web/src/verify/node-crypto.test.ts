import assert from 'node:assert/strict';
import * as node from 'node:crypto';
import { describe, it } from 'node:test';
import { createHash, randomBytes } from './node-crypto.ts';

describe("the browser's node:crypto (web/src/verify/node-crypto.ts)", () => {
  it('hashes strings as UTF-8 and bytes, in one or several updates, exactly as Node does', () => {
    const inputs: (string | Uint8Array)[] = [
      '',
      'abc',
      '{"type":"commercial_invoice","total":"78750000.00"}',
      'рубль ₹ 𝄞 — non-ASCII text',
      new Uint8Array(0),
      new Uint8Array([0, 1, 2, 255]),
      node.randomBytes(100_000),
    ];
    for (const input of inputs)
      assert.equal(
        createHash('sha256').update(input).digest('hex'),
        node.createHash('sha256').update(input).digest('hex'),
      );
    assert.equal(
      createHash('sha256')
        .update('ab')
        .update(new Uint8Array([99]))
        .digest('hex'),
      node.createHash('sha256').update('abc').digest('hex'),
    );
  });

  it('refuses what src/documents never asks for, rather than answering wrongly', () => {
    assert.throws(() => createHash('sha512'), /only sha256/);
    assert.throws(() => createHash('sha256').digest('base64'), /only a hex digest/);
  });

  it('gives random bytes of the size asked for', () => {
    const bytes = randomBytes(64);
    assert.equal(bytes.length, 64);
    assert.notDeepEqual(bytes, randomBytes(64));
  });
});
