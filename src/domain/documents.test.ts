import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { CorruptDocumentError, decimalString, documentKind, oneOf, strict } from './documents.js';

interface Sample {
  readonly name: string;
  readonly state: 'on' | 'off';
  readonly amountMinor: string;
  readonly note?: string;
  readonly tags?: readonly string[];
}

const samples = documentKind<Sample>(
  'samples',
  Type.Object(
    {
      name: Type.String(),
      state: oneOf(['on', 'off']),
      amountMinor: decimalString(),
      note: Type.Optional(Type.String()),
      tags: Type.Optional(Type.Array(Type.String())),
    },
    strict,
  ),
);

const fault = (run: () => unknown): CorruptDocumentError => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof CorruptDocumentError, String(error));
    return error;
  }
  assert.fail('no error');
};

describe('documents', () => {
  it('reads a document of the right shape as it is', () => {
    const value = { name: 'a', state: 'on', amountMinor: '12', tags: ['x'] };
    assert.deepEqual(samples.parse('k', value), value);
  });

  it('refuses a missing, renamed, mistyped or unknown field, naming collection, key and field', () => {
    const missing = fault(() => samples.parse('k1', { name: 'a', amountMinor: '1' }));
    assert.deepEqual([missing.collection, missing.key, missing.field], ['samples', 'k1', '/state']);
    assert.match(missing.message, /^the samples document "k1" is corrupt: \/state /);
    assert.equal(
      fault(() => samples.parse('k', { name: 'a', status: 'on', amountMinor: '1' })).field,
      '/state',
    );
    assert.equal(
      fault(() => samples.parse('k', { name: 'a', state: 'maybe', amountMinor: '1' })).field,
      '/state',
    );
    assert.equal(
      fault(() => samples.parse('k', { name: 'a', state: 'on', amountMinor: '-1' })).field,
      '/amountMinor',
    );
    assert.equal(
      fault(() => samples.parse('k', { name: 'a', state: 'on', amountMinor: '1', extra: 1 })).field,
      '/extra',
    );
    assert.equal(
      fault(() => samples.parse('k', { name: 'a', state: 'on', amountMinor: '1', tags: [1] }))
        .field,
      '/tags/0',
    );
  });

  it('writes JSON without the undefined fields, and refuses to write what it could not read', () => {
    assert.deepEqual(
      samples.put('k', { name: 'a', state: 'off', amountMinor: '0', note: undefined }),
      {
        collection: 'samples',
        key: 'k',
        value: { name: 'a', state: 'off', amountMinor: '0' },
      },
    );
    assert.throws(
      () => samples.put('k', { name: 'a', state: 'off', amountMinor: '1.5' }),
      /^Error: bug: a samples document written under "k" does not have its collection's shape: \/amountMinor/,
    );
    const withExtra = { name: 'a', state: 'on' as const, amountMinor: '1', extra: true };
    assert.throws(() => samples.put('k', withExtra), /\/extra/);
    const withBigint = { name: 'a', state: 'on' as const, amountMinor: '1', note: 5n as unknown };
    assert.throws(
      () => samples.put('k', withBigint as Sample),
      /bug: a samples document cannot hold a bigint \(5\) at \/note/,
    );
  });
});
