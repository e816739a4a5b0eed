import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HubError } from '../domain/errors.js';
import { canonicalJson, documentHash, sha256Hex } from './canonical.js';

/** RFC 8785's own examples, transcribed into testdata/rfc8785.json (the file names its sections). */
interface Rfc8785Vectors {
  source: string;
  sample: { inputJsonText: string; canonical: string; canonicalUtf8Hex: string };
  sorting: { inputJsonText: string; valuesInCanonicalOrder: string[] };
  numbers: { vectors: { ieee754: string; canonical: string | null; comment?: string }[] };
}
const rfc = JSON.parse(
  readFileSync(new URL('./testdata/rfc8785.json', import.meta.url), 'utf8'),
) as Rfc8785Vectors;

function doubleOf(bitsHex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bitsHex}`));
  return view.getFloat64(0);
}

/** Asserts that `canonicalJson(value)` is refused as invalid_field on `field`, with `message`. */
function refused(value: unknown, field: string, message: RegExp | string): void {
  assert.throws(
    () => canonicalJson(value),
    (error: unknown) => {
      assert.ok(error instanceof HubError, `expected a HubError, got ${String(error)}`);
      assert.equal(error.code, 'invalid_field');
      assert.equal(error.field, field);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
  );
}

describe('canonicalJson (RFC 8785)', () => {
  it('writes the sample of section 3.2.2 as the RFC does, byte for byte (section 3.2.4)', () => {
    const canonical = canonicalJson(JSON.parse(rfc.sample.inputJsonText));
    assert.equal(canonical, rfc.sample.canonical);
    const hex = Buffer.from(canonical, 'utf8').toString('hex');
    assert.equal(hex, rfc.sample.canonicalUtf8Hex.replaceAll(' ', ''));
  });

  it('sorts property names by UTF-16 code units (section 3.2.3), not by code point or locale', () => {
    const input = JSON.parse(rfc.sorting.inputJsonText) as Record<string, string>;
    const canonical = canonicalJson(input);
    const positions = rfc.sorting.valuesInCanonicalOrder.map((value) =>
      canonical.indexOf(`"${value}"`),
    );
    assert.ok(
      positions.every((position) => position > 0),
      `every value appears: ${canonical}`,
    );
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
      `in the RFC's order: ${canonical}`,
    );
    // U+1F600 (a surrogate pair starting 0xD83D) sorts before U+FB33, which code-point order
    // would put after it; "\r" is escaped, U+0080 is written as itself.
    assert.ok(canonical.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"'));
    assert.ok(canonical.indexOf('\u{1F600}') < canonical.indexOf('\uFB33'));
    // The order of the input does not matter.
    const reversed = Object.fromEntries(Object.entries(input).reverse());
    assert.equal(canonicalJson(reversed), canonical);
  });

  for (const { ieee754, canonical, comment } of rfc.numbers.vectors) {
    const label = `${ieee754}${comment === undefined ? '' : ` (${comment})`}`;
    if (canonical === null) {
      it(`refuses the number ${label} of Appendix B, which JSON cannot hold`, () => {
        const value = doubleOf(ieee754);
        refused(value, 'value', /^value is (NaN|Infinity), which JSON cannot hold$/);
        refused({ n: [value] }, 'value/n/0', /^value\/n\/0 is /);
      });
    } else {
      it(`writes the number ${label} of Appendix B as ${canonical}`, () => {
        assert.equal(canonicalJson(doubleOf(ieee754)), canonical);
        assert.equal(canonicalJson({ n: doubleOf(ieee754) }), `{"n":${canonical}}`);
      });
    }
  }

  it('refuses every value JSON cannot hold, naming the path at fault', () => {
    refused(Number.NEGATIVE_INFINITY, 'value', 'value is -Infinity, which JSON cannot hold');
    refused(
      { amount: 10n },
      'value/amount',
      'value/amount is a bigint (10n), which JSON cannot hold; write it as a decimal string',
    );
    refused(undefined, 'value', /^value is undefined/);
    refused({ lines: [{ hs: '090111', note: undefined }] }, 'value/lines/0/note', /is undefined/);
    refused([1, undefined], 'value/1', /is undefined/);
    refused({ f: () => 1 }, 'value/f', 'value/f is a function, which JSON cannot hold');
    refused({ s: Symbol('s') }, 'value/s', 'value/s is a symbol, which JSON cannot hold');
    refused({ name: 'a\uD800b' }, 'value/name', /lone surrogate/);
    refused({ ['k\uDC00']: 1 }, 'value/k\uDC00', /a property name in value contains a lone/);
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    refused([1, , 3], 'value/1', 'value/1 is a hole in a sparse array, which JSON cannot hold');
    refused({ at: new Date(0) }, 'value/at', /^value\/at is a Date, not a plain object/);
    refused({ m: new Map() }, 'value/m', /^value\/m is a Map, not a plain object/);
    const cyclic: Record<string, unknown> = { a: { b: [] } };
    (cyclic.a as { b: unknown[] }).b.push(cyclic);
    refused(cyclic, 'value/a/b/0', 'value/a/b/0 refers back to itself (a cycle)');
    assert.throws(() => canonicalJson(Number.NaN, 'content'), { field: 'content' });
  });

  it('accepts an object that appears twice side by side, and null-prototype objects', () => {
    const shared = { x: 1 };
    assert.equal(
      canonicalJson({ b: shared, a: [shared, shared] }),
      '{"a":[{"x":1},{"x":1}],"b":{"x":1}}',
    );
    const bare = Object.assign(Object.create(null) as object, { z: null, y: true });
    assert.equal(canonicalJson(bare), '{"y":true,"z":null}');
  });

  it('handles deep nesting without overflowing the stack', () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) value = [value];
    const canonical = canonicalJson(value);
    assert.equal(canonical.length, 40_000 + '"leaf"'.length);
  });
});

describe('sha256Hex and documentHash', () => {
  it('hash as FIPS 180-4 says: SHA-256("abc"), the same for the string and its UTF-8 bytes', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    assert.equal(sha256Hex('abc'), abc);
    assert.equal(sha256Hex(new TextEncoder().encode('abc')), abc);
    assert.equal(
      sha256Hex('€'),
      sha256Hex(Uint8Array.of(0xe2, 0x82, 0xac)),
      'strings are hashed as UTF-8',
    );
  });

  it('a document hash is sha256: and the hash of the canonical bytes, whatever the key order', () => {
    const content = { type: 'commercial_invoice', total: '1250000.00', lines: [{ amount: 4.5 }] };
    const hash = documentHash(content);
    assert.match(hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(hash, `sha256:${sha256Hex(canonicalJson(content))}`);
    assert.equal(
      hash,
      documentHash({ lines: [{ amount: 4.5 }], total: '1250000.00', type: 'commercial_invoice' }),
    );
    assert.notEqual(hash, documentHash({ ...content, total: '1250000.01' }));
    assert.throws(() => documentHash({ total: Number.NaN }), {
      code: 'invalid_field',
      field: 'content/total',
      message: 'content/total is NaN, which JSON cannot hold',
    });
  });
});
