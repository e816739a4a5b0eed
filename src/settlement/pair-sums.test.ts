import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AMOUNT_MAX } from '../ledger/currency.js';
import { PairSums, type PairTotal } from './pair-sums.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function asMap(totals: readonly PairTotal[]): Map<string, bigint> {
  const map = new Map<string, bigint>();
  for (const { debit, credit, amount } of totals) {
    const key = `${debit}>${credit}`;
    assert.equal(map.has(key), false, `pair ${key} reported twice`);
    map.set(key, amount);
  }
  return map;
}

describe('pair sums', () => {
  it('stays exact across 2^53 and beyond 2^63', () => {
    for (const limit of [0, 4, 1024]) {
      const sums = new PairSums(limit);
      sums.add(0, 1, SAFE);
      sums.add(0, 1, 1n); // 2^53: no longer a safe float sum
      sums.add(0, 1, 1n);
      sums.add(1, 0, AMOUNT_MAX);
      sums.add(1, 0, AMOUNT_MAX);
      sums.add(1, 0, 5n);
      sums.add(2, 3, SAFE - 1n);
      sums.add(2, 3, 1n); // exactly 2^53 − 1: still a float
      assert.deepEqual(
        asMap(sums.totals()),
        new Map([
          ['0>1', SAFE + 2n],
          ['1>0', 2n * AMOUNT_MAX + 5n],
          ['2>3', SAFE],
        ]),
        `dense limit ${limit}`,
      );
    }
  });

  it('grows the dense matrix and moves to rows past the limit without losing a sum', () => {
    const sums = new PairSums(100);
    sums.add(0, 1, 7n);
    sums.add(63, 64, 3n); // grows past the initial 64
    sums.add(99, 0, 2n);
    sums.add(0, 1, SAFE); // spills
    sums.add(150, 3, 11n); // past the limit: rows
    sums.add(0, 1, 1n);
    sums.add(63, 64, 4n);
    assert.deepEqual(
      asMap(sums.totals()),
      new Map([
        ['0>1', 8n + SAFE],
        ['63>64', 7n],
        ['99>0', 2n],
        ['150>3', 11n],
      ]),
    );
  });

  it('matches plain bigint sums for any sequence of additions', () => {
    const addition = fc.tuple(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 40 }),
      fc.oneof(
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        fc.bigInt({ min: SAFE - 1_000n, max: SAFE + 1_000n }),
        fc.bigInt({ min: 1n, max: AMOUNT_MAX }),
      ),
    );
    fc.assert(
      fc.property(
        fc.array(addition, { maxLength: 300 }),
        fc.constantFrom(0, 8, 30, 1024),
        (additions, limit) => {
          const sums = new PairSums(limit);
          const expected = new Map<string, bigint>();
          for (const [debit, credit, amount] of additions) {
            sums.add(debit, credit, amount);
            const key = `${debit}>${credit}`;
            expected.set(key, (expected.get(key) ?? 0n) + amount);
          }
          assert.deepEqual(asMap(sums.totals()), expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
