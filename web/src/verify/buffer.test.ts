import assert from 'node:assert/strict';
import { Buffer as NodeBuffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Buffer } from './buffer.ts';

const bytes = (value: Uint8Array) => [...value];

describe("the browser's Buffer (web/src/verify/buffer.ts)", () => {
  it('reads hex as Node does, up to the first pair that is not hex', () => {
    for (const text of ['', '00ff7a', 'ABCDEF', '1a7', '1ag123', 'zz', 'a'.repeat(64)])
      assert.deepEqual(bytes(Buffer.from(text, 'hex')), bytes(NodeBuffer.from(text, 'hex')), text);
  });

  it('reads base64 as Node does: padded or not, URL-safe, stray characters, non-zero padding bits', () => {
    const random = NodeBuffer.from(randomBytes(3309)).toString('base64');
    for (const text of [
      '',
      'QQ==',
      'QQ',
      'QR==',
      'QUI=',
      'QUJD',
      'QUJDRA',
      'Q',
      '-_-_',
      '+/+/',
      'QU JD\nRA==',
      'QQ==QQ==',
      random,
    ])
      assert.deepEqual(
        bytes(Buffer.from(text, 'base64')),
        bytes(NodeBuffer.from(text, 'base64')),
        text,
      );
  });

  it('prints bytes as Node does, base64, hex and UTF-8, from a view of an ArrayBuffer', () => {
    const data = new Uint8Array([...randomBytes(1000), ...new TextEncoder().encode('₹ рубль')]);
    const view = data.subarray(7, 1003);
    for (const encoding of ['base64', 'hex', 'utf8'] as const)
      assert.equal(
        Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString(encoding),
        NodeBuffer.from(view.buffer, view.byteOffset, view.byteLength).toString(encoding),
        encoding,
      );
    // Larger than one String.fromCharCode call takes at once.
    const large = randomBytes(200_000);
    assert.equal(
      Buffer.from(large.buffer, large.byteOffset, large.byteLength).toString('base64'),
      large.toString('base64'),
    );
    // A round trip through base64 keeps exactly the canonical spellings, as signature.ts relies on.
    for (const text of ['QQ==', 'QR==', 'QUJD'])
      assert.equal(
        Buffer.from(text, 'base64').toString('base64') === text,
        NodeBuffer.from(text, 'base64').toString('base64') === text,
        text,
      );
  });
});
