import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AMOUNT_MAX, currencyByCode, type Currency } from '../ledger/currency.js';
import { FxError } from './errors.js';
import { resolveCurrency, sourceForTarget, targetForSource } from './convert.js';
import { anyRate, fxCode, marketRate } from './fx.test-helper.js';
import { invertRate, parseRate, type Rate } from './rate.js';
import { pow10 } from './rounding.js';

const INR = currencyByCode('INR') as Currency;
const RUB = currencyByCode('RUB') as Currency;
/** Rows with other exponents than the table's 2, to prove the exponent is honoured. */
const JPY: Currency = { code: 'JPY', ledger: 392, exponent: 0, name: 'Japanese yen' };
const BHD: Currency = { code: 'BHD', ledger: 48, exponent: 3, name: 'Bahraini dinar' };
const currencyPair = fc.constantFrom<[Currency, Currency]>(
  [INR, RUB],
  [RUB, INR],
  [INR, JPY],
  [JPY, BHD],
  [BHD, INR],
  [JPY, RUB],
);
const amount = fc.oneof(
  fc.bigInt({ min: 1n, max: 100_000n }),
  fc.bigInt({ min: 1n, max: AMOUNT_MAX }),
  fc.bigInt({ min: AMOUNT_MAX - 1_000n, max: AMOUNT_MAX }),
);

/** Numerator and denominator of the exact target/source ratio in minor units: target = source · n / d. */
function ratio(from: Currency, to: Currency, rate: Rate): { n: bigint; d: bigint } {
  return { n: rate.units * pow10(to.exponent), d: pow10(from.exponent + rate.scale) };
}

/** targetForSource, or the error code it throws (only the two range codes are expected). */
function tryTarget(
  source: bigint,
  from: Currency,
  to: Currency,
  rate: Rate,
): bigint | 'amount_too_small' | 'amount_too_large' {
  try {
    return targetForSource(source, from, to, rate);
  } catch (error) {
    if (
      error instanceof FxError &&
      (error.code === 'amount_too_small' || error.code === 'amount_too_large')
    )
      return error.code;
    throw error;
  }
}

function trySource(
  target: bigint,
  from: Currency,
  to: Currency,
  rate: Rate,
): bigint | 'amount_too_large' {
  try {
    return sourceForTarget(target, from, to, rate);
  } catch (error) {
    if (error instanceof FxError && error.code === 'amount_too_large') return error.code;
    throw error;
  }
}

describe('conversion', () => {
  it('converts at target units per source unit, down when the source is fixed and up when the target is', () => {
    const rate = parseRate('1.0734');
    assert.equal(targetForSource(100_000n, 'INR', 'RUB', rate), 107_340n); // 1 000.00 INR → 1 073.40 RUB
    assert.equal(sourceForTarget(107_340n, 'INR', 'RUB', rate), 100_000n);
    assert.equal(targetForSource(1_999n, INR, RUB, rate), 2_145n); // 21.456… → 21.45
    assert.equal(sourceForTarget(2_146n, INR, RUB, rate), 2_000n); // 19.9925… → 20.00
    assert.equal(
      fxCode(() => targetForSource(1n, 356, 643, parseRate('0.5'))),
      'amount_too_small',
    ); // half a kopeck
    assert.equal(targetForSource(2n, 356, 643, parseRate('0.5')), 1n);
  });

  it('handles a rate that does not divide evenly (1/3)', () => {
    const third = parseRate('0.333333333333');
    assert.equal(targetForSource(100n, INR, RUB, third), 33n); // 33.33… kopecks → 33
    assert.equal(targetForSource(99n, INR, RUB, third), 32n); // 32.99999999996… → 32, not 33
    assert.equal(sourceForTarget(33n, INR, RUB, third), 100n); // 99.0000000000099… → 100
    assert.equal(targetForSource(300_000_000_000_000n, INR, RUB, third), 99_999_999_999_900n);
    assert.equal(sourceForTarget(1n, INR, RUB, third), 4n);
    assert.equal(
      fxCode(() => targetForSource(2n, INR, RUB, third)),
      'amount_too_small',
    );
    assert.equal(targetForSource(3n, INR, RUB, invertRate(parseRate('3'), 12, 'up')), 1n);
  });

  it("honours each currency's exponent", () => {
    const rate = parseRate('1.5'); // 1.5 target major per source major
    assert.equal(targetForSource(100n, INR, JPY, rate), 1n); // 1.00 INR → 1.5 JPY → 1 yen
    assert.equal(sourceForTarget(1n, INR, JPY, rate), 67n); // 0.67 INR buys 1.005 JPY
    assert.equal(targetForSource(7n, JPY, BHD, rate), 10_500n); // 7 yen → 10.500 BHD
    assert.equal(sourceForTarget(10_501n, JPY, BHD, rate), 8n);
    assert.equal(targetForSource(1_234n, BHD, INR, rate), 185n); // 1.234 BHD → 1.851 INR → 1.85
  });

  it('reaches AMOUNT_MAX in both directions and refuses one more', () => {
    const one = parseRate('1');
    assert.equal(targetForSource(AMOUNT_MAX, INR, RUB, one), AMOUNT_MAX);
    assert.equal(sourceForTarget(AMOUNT_MAX, INR, RUB, one), AMOUNT_MAX);
    assert.equal(
      fxCode(() => targetForSource(AMOUNT_MAX, INR, RUB, parseRate('1.000000000001'))),
      'amount_too_large',
    );
    assert.equal(
      fxCode(() => sourceForTarget(AMOUNT_MAX, INR, RUB, parseRate('0.999999999999'))),
      'amount_too_large',
    );
    assert.equal(
      targetForSource(AMOUNT_MAX, INR, RUB, parseRate('0.999999999999')),
      AMOUNT_MAX - 9_223_373n,
    ); // floor(M − M·10^-12)
    assert.equal(
      sourceForTarget(AMOUNT_MAX, INR, RUB, parseRate('1.000000000001')),
      AMOUNT_MAX - 9_223_372n,
    ); // ceil(M / (1 + 10^-12))
    // The largest source that converts at 2.5, and the largest target reachable at 0.4.
    // floor(5a/2) ≤ M  ⇔  5a < 2(M + 1)
    const largestSource = (2n * (AMOUNT_MAX + 1n) - 1n) / 5n;
    assert.equal(targetForSource(largestSource, INR, RUB, parseRate('2.5')), AMOUNT_MAX);
    assert.equal(
      fxCode(() => targetForSource(largestSource + 1n, INR, RUB, parseRate('2.5'))),
      'amount_too_large',
    );
    // ceil(5t/2) ≤ M  ⇔  5t ≤ 2M
    const largestTarget = (2n * AMOUNT_MAX) / 5n;
    assert.equal(sourceForTarget(largestTarget, INR, RUB, parseRate('0.4')), AMOUNT_MAX - 2n);
    assert.equal(
      fxCode(() => sourceForTarget(largestTarget + 1n, INR, RUB, parseRate('0.4'))),
      'amount_too_large',
    );
  });

  it('refuses bad input with precise codes', () => {
    const rate = parseRate('1');
    assert.equal(
      fxCode(() => targetForSource(0n, INR, RUB, rate)),
      'invalid_amount',
    );
    assert.equal(
      fxCode(() => targetForSource(-5n, INR, RUB, rate)),
      'invalid_amount',
    );
    assert.equal(
      fxCode(() => targetForSource(AMOUNT_MAX + 1n, INR, RUB, rate)),
      'invalid_amount',
    );
    assert.equal(
      fxCode(() => sourceForTarget(0n, INR, RUB, rate)),
      'invalid_amount',
    );
    assert.equal(
      fxCode(() => targetForSource(5 as unknown as bigint, INR, RUB, rate)),
      'invalid_amount',
    );
    assert.equal(
      fxCode(() => targetForSource(5n, 'XXX', RUB, rate)),
      'unknown_currency',
    );
    assert.equal(
      fxCode(() => targetForSource(5n, INR, 999, rate)),
      'unknown_currency',
    );
    assert.equal(
      fxCode(() => targetForSource(5n, INR, RUB, { units: 0n, scale: 0 })),
      'invalid_rate',
    );
    assert.equal(resolveCurrency('rub').code, 'RUB');
    assert.equal(resolveCurrency(356).code, 'INR');
    try {
      resolveCurrency('XYZ', 'pair.source');
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof FxError);
      assert.deepEqual(
        [error.code, error.field, error.message],
        [
          'unknown_currency',
          'pair.source',
          'pair.source "XYZ" is not a supported currency (ISO 4217 code or ledger number)',
        ],
      );
    }
  });

  it('source fixed: the target is the exact product rounded down, and converting back never gives more than the source', () => {
    fc.assert(
      fc.property(
        amount,
        currencyPair,
        fc.oneof(marketRate, anyRate),
        (source, [from, to], rate) => {
          const { n, d } = ratio(from, to, rate);
          const target = tryTarget(source, from, to, rate);
          if (target === 'amount_too_small') return assert.ok(source * n < d);
          if (target === 'amount_too_large') return assert.ok(source * n >= (AMOUNT_MAX + 1n) * d);
          assert.ok(
            target * d <= source * n && source * n < (target + 1n) * d,
            'floor of the exact product',
          );
          // Back with the target fixed: the smallest source that buys `target` is at most what was paid.
          const needed = trySource(target, from, to, rate);
          assert.ok(needed !== 'amount_too_large' && needed <= source);
          // Back at the inverse rate (rounded down), source fixed: never more than the original source.
          let inverse: Rate;
          try {
            inverse = invertRate(rate, 12, 'down');
          } catch {
            return;
          }
          const back = tryTarget(target, to, from, inverse);
          if (typeof back === 'bigint') assert.ok(back <= source, `${back} > ${source}`);
          else assert.equal(back, 'amount_too_small');
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('target fixed: the source is the smallest S with targetForSource(S) ≥ target', () => {
    fc.assert(
      fc.property(
        amount,
        currencyPair,
        fc.oneof(marketRate, anyRate),
        (target, [from, to], rate) => {
          const { n, d } = ratio(from, to, rate);
          const source = trySource(target, from, to, rate);
          if (source === 'amount_too_large') return assert.ok(target * d > AMOUNT_MAX * n);
          const got = tryTarget(source, from, to, rate);
          assert.ok(
            typeof got === 'bigint' ? got >= target : got === 'amount_too_large',
            'S buys at least the target',
          );
          if (source > 1n) {
            const less = tryTarget(source - 1n, from, to, rate);
            assert.ok(
              less === 'amount_too_small' || (typeof less === 'bigint' && less < target),
              'S − 1 does not',
            );
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('is monotonic, exhaustively for small amounts at awkward rates', () => {
    for (const text of [
      '0.333333333333',
      '0.666666666667',
      '1.000000000001',
      '0.999999999999',
      '0.0137',
      '72.9',
      '3',
    ]) {
      const rate = parseRate(text);
      let previous = 0n;
      for (let source = 1n; source <= 3_000n; source++) {
        const target = tryTarget(source, INR, RUB, rate);
        const value = typeof target === 'bigint' ? target : 0n;
        assert.ok(value >= previous, `${text}: not monotonic at ${source}`);
        for (let t = previous + 1n; t <= value; t++) {
          assert.equal(
            sourceForTarget(t, INR, RUB, rate),
            source,
            `${text}: smallest source for ${t}`,
          );
        }
        previous = value;
      }
    }
  });
});
