import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expiryTransferId,
  isUuid,
  newTransferId,
  parseAccountId,
  parseTransferId,
  randomTransferId,
  uuidV7,
} from './ids.js';

describe('ids', () => {
  it('makes UUIDv7 ids that carry the time, the version and the variant, and always increase', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidV7());
    for (const id of ids) {
      assert.ok(isUuid(id), id);
      assert.equal(id[14], '7');
      assert.ok('89ab'.includes(id[19] as string), id);
    }
    for (let index = 1; index < ids.length; index += 1)
      assert.ok(
        (ids[index] as string) > (ids[index - 1] as string),
        `${ids[index]} after ${ids[index - 1]}`,
      );
    const ms = parseInt((ids[0] as string).slice(0, 8) + (ids[0] as string).slice(9, 13), 16);
    assert.ok(
      Math.abs(ms - Date.now()) < 60_000,
      'the first 48 bits are the current Unix milliseconds',
    );
  });

  it('keeps increasing when more ids are made in one millisecond than the counter holds', () => {
    const now = Date.now() + 10_000;
    const ids = Array.from({ length: 5_000 }, () => uuidV7(now));
    for (let index = 1; index < ids.length; index += 1)
      assert.ok((ids[index] as string) > (ids[index - 1] as string));
  });

  it('fills the 62 random bits: every random digit takes every value, the variant digit 8 to b', () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let count = 0; count < 2_000; count += 1) {
      const id = uuidV7();
      for (let index = 0; index < 36; index += 1) seen[index]?.add(id[index] as string);
    }
    assert.deepEqual([...(seen[19] as Set<string>)].sort(), ['8', '9', 'a', 'b']);
    for (const index of [20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35])
      assert.equal(seen[index]?.size, 16, `digit ${index}`);
  });

  it('parses any UUID into the canonical lower-case form and refuses anything else', () => {
    assert.equal(
      parseAccountId('0190A5B2-7C3E-7D4F-8A1B-2C3D4E5F6A7B'),
      '0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b',
    );
    for (const bad of [
      '',
      'abc',
      '0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7',
      '0190a5b2x7c3e-7d4f-8a1b-2c3d4e5f6a7b',
      12,
      null,
      undefined,
      '{0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b}',
    ]) {
      assert.equal(parseTransferId(bad), undefined, String(bad));
    }
    assert.ok(isUuid(randomTransferId()));
    assert.notEqual(newTransferId(), newTransferId());
  });

  it('derives the id of an expiry from its pending transfer, the same every time', () => {
    const pending = newTransferId();
    const id = expiryTransferId(pending);
    assert.ok(isUuid(id));
    assert.equal(expiryTransferId(pending), id);
    assert.notEqual(expiryTransferId(newTransferId()), id);
    assert.equal(id[14], '8');
  });
});
