import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FxError } from './errors.js';
import { anyRate, fxCode } from './fx.test-helper.js';
import {
  applySpread,
  checkRate,
  compareRates,
  formatRate,
  invertRate,
  normalizeRate,
  parseRate,
  type Rate,
} from './rate.js';
import { divDown, divRound, divUp, pow10 } from './rounding.js';

describe('rates', () => {
  it('parses decimal strings exactly, keeping the written scale', () => {
    assert.deepEqual(parseRate('0.8734'), { units: 8734n, scale: 4 });
    assert.deepEqual(parseRate('1.14500000'), { units: 114500000n, scale: 8 });
    assert.deepEqual(parseRate('92'), { units: 92n, scale: 0 });
    assert.deepEqual(parseRate('0.000000000001'), { units: 1n, scale: 12 });
    assert.deepEqual(parseRate('999999999999.999999999999'), {
      units: 999999999999999999999999n,
      scale: 12,
    });
    assert.equal(formatRate(parseRate('1.14500000')), '1.14500000');
    assert.equal(formatRate(normalizeRate(parseRate('1.14500000'))), '1.145');
    assert.equal(formatRate(normalizeRate(parseRate('10.000'))), '10');
    assert.equal(formatRate({ units: 5n, scale: 3 }), '0.005');
  });

  it('refuses every other form as invalid_rate with the field named', () => {
    for (const text of [
      '',
      '0',
      '0.0',
      '0.000000000000',
      '-1',
      '+1',
      '1e3',
      '1E-2',
      '.5',
      '5.',
      ' 1',
      '1 ',
      '1,5',
      '01.5',
      '00',
      'NaN',
      'Infinity',
      '0x1F',
      '１',
      '1.2.3',
      '1_000',
    ]) {
      assert.equal(
        fxCode(() => parseRate(text)),
        'invalid_rate',
        JSON.stringify(text),
      );
    }
    assert.equal(
      fxCode(() => parseRate('1000000000000')),
      'invalid_rate',
      '13 integer digits',
    );
    assert.equal(
      fxCode(() => parseRate('0.1234567890123')),
      'invalid_rate',
      '13 fractional digits',
    );
    assert.equal(
      fxCode(() => parseRate(0.5)),
      'invalid_rate',
    );
    assert.equal(
      fxCode(() => parseRate(null)),
      'invalid_rate',
    );
    assert.equal(
      fxCode(() => parseRate('9'.repeat(100))),
      'invalid_rate',
    );
    try {
      parseRate('0.1234567890123', 'referenceRate');
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof FxError);
      assert.equal(error.field, 'referenceRate');
      assert.match(
        error.message,
        /referenceRate "0\.1234567890123" has more than 12 digits after the decimal point/,
      );
    }
    assert.equal(
      fxCode(() => checkRate({ units: 0n, scale: 2 })),
      'invalid_rate',
    );
    assert.equal(
      fxCode(() => checkRate({ units: 1n, scale: 13 })),
      'invalid_rate',
    );
    assert.equal(
      fxCode(() => checkRate({ units: 10n ** 14n, scale: 2 })),
      'invalid_rate',
    );
  });

  it('formats and parses back every rate unchanged', () => {
    fc.assert(
      fc.property(anyRate, (rate) => {
        assert.deepEqual(parseRate(formatRate(rate)), rate);
        assert.equal(compareRates(normalizeRate(rate), rate), 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('compares by value', () => {
    assert.equal(compareRates(parseRate('1.5'), parseRate('1.50')), 0);
    assert.equal(compareRates(parseRate('1.49999'), parseRate('1.5')), -1);
    assert.equal(compareRates(parseRate('2'), parseRate('1.999999999999')), 1);
  });

  it('divides a named numerator by a named denominator, rounded as asked', () => {
    const sevenThirds = { numerator: 7n, denominator: 3n };
    assert.deepEqual(
      [divDown(sevenThirds), divUp(sevenThirds), divRound(sevenThirds, 'half_even')],
      [2n, 3n, 2n],
    );
    assert.equal(divRound({ numerator: 5n, denominator: 2n }, 'half_even'), 2n);
    assert.equal(divRound({ numerator: 7n, denominator: 2n }, 'half_even'), 4n);
    // Never called: tsc checks that numerator and denominator are named, never positional.
    // @ts-expect-error the old divDown(n, d)
    const positional = () => divDown(7n, 3n);
    assert.equal(typeof positional, 'function');
  });

  it('inverts with half-even rounding by default, or the rounding asked for', () => {
    assert.equal(formatRate(invertRate(parseRate('0.8'), 4)), '1.25');
    assert.equal(formatRate(invertRate(parseRate('3'), 6)), '0.333333');
    assert.equal(formatRate(invertRate(parseRate('3'), 6, 'up')), '0.333334');
    assert.equal(formatRate(invertRate(parseRate('1.5'), 0)), '1', '0.666… rounds to 1');
    assert.equal(formatRate(invertRate(parseRate('8'), 2)), '0.12', '0.125 ties to even');
    assert.equal(formatRate(invertRate(parseRate('8'), 2, 'up')), '0.13');
    assert.equal(formatRate(invertRate(parseRate('0.8734'), 12)), '1.144950767117');
    assert.equal(
      fxCode(() => invertRate(parseRate('999999999999'), 6)),
      'rate_out_of_range',
      'rounds to 0',
    );
    assert.equal(
      fxCode(() => invertRate(parseRate('0.000000000001'), 0)),
      'rate_out_of_range',
      '10^12 has 13 digits',
    );
    assert.equal(
      fxCode(() => invertRate(parseRate('2'), 13)),
      'invalid_parameter',
    );
    assert.equal(
      fxCode(() => invertRate(parseRate('2'), 1.5)),
      'invalid_parameter',
    );
  });

  it('an inverse rounded down never exceeds 1/rate, rounded up never falls below, half-even is within half a digit', () => {
    fc.assert(
      fc.property(anyRate, fc.integer({ min: 0, max: 12 }), (rate, digits) => {
        const one = pow10(rate.scale + digits); // 1/rate = one / units, in units of 10^-digits
        const check = (rounding: 'down' | 'up' | 'half_even', ok: (scaled: bigint) => boolean) => {
          let inverse: Rate;
          try {
            inverse = invertRate(rate, digits, rounding);
          } catch (error) {
            assert.ok(error instanceof FxError && error.code === 'rate_out_of_range');
            return;
          }
          const scaled = inverse.units * pow10(digits - inverse.scale); // back to `digits` decimals
          assert.ok(ok(scaled), `${formatRate(rate)} ${rounding} ${formatRate(inverse)}`);
        };
        check('down', (q) => q * rate.units <= one && (q + 1n) * rate.units > one);
        check('up', (q) => q * rate.units >= one && (q - 1n) * rate.units < one);
        check('half_even', (q) => {
          const twiceError = 2n * (q * rate.units - one);
          return twiceError <= rate.units && -twiceError <= rate.units;
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('applies a spread in basis points: bid below, ask above, exact when it fits in 12 decimals', () => {
    assert.equal(formatRate(applySpread(parseRate('0.8734'), 25, 'bid')), '0.8712165');
    assert.equal(formatRate(applySpread(parseRate('0.8734'), 25, 'ask')), '0.8755835');
    assert.equal(formatRate(applySpread(parseRate('1.14500000'), 0, 'bid')), '1.145');
    assert.equal(
      formatRate(applySpread(parseRate('0.333333333333'), 1, 'bid')),
      '0.333299999999',
      'rounded down at 12 decimals',
    );
    assert.equal(
      formatRate(applySpread(parseRate('0.333333333333'), 1, 'ask')),
      '0.333366666667',
      'rounded up at 12 decimals',
    );
    assert.equal(
      fxCode(() => applySpread(parseRate('1'), 10_000, 'bid')),
      'invalid_parameter',
    );
    assert.equal(
      fxCode(() => applySpread(parseRate('1'), -1, 'bid')),
      'invalid_parameter',
    );
    assert.equal(
      fxCode(() => applySpread(parseRate('1'), 2.5, 'bid')),
      'invalid_parameter',
    );
    assert.equal(
      fxCode(() => applySpread(parseRate('0.000000000001'), 1, 'bid')),
      'rate_out_of_range',
    );
    assert.equal(
      fxCode(() => applySpread(parseRate('999999999999'), 1, 'ask')),
      'rate_out_of_range',
    );
  });

  it('a bid never exceeds reference × (1 − bps) and an ask is never below reference × (1 + bps)', () => {
    fc.assert(
      fc.property(anyRate, fc.integer({ min: 0, max: 9_999 }), (rate, bps) => {
        const exact = (factor: number) => ({
          units: rate.units * BigInt(factor),
          scale: rate.scale + 4,
        });
        try {
          const bid = applySpread(rate, bps, 'bid');
          const exactBid = exact(10_000 - bps);
          // compareRates needs scales ≤ 24 only; both sides are exact rationals over powers of ten.
          if (rate.scale + 4 <= 12)
            assert.equal(compareRates(bid, exactBid), 0, 'exact when it fits');
          else {
            // Rounded down at 12 decimals: bid ≤ exact < bid + 10^-12.
            assert.ok(compareRates(bid, exactBid) <= 0);
            assert.equal(
              compareRates({ units: bid.units * pow10(12 - bid.scale) + 1n, scale: 12 }, exactBid),
              1,
            );
          }
        } catch (error) {
          assert.ok(error instanceof FxError && error.code === 'rate_out_of_range');
        }
        try {
          assert.ok(compareRates(applySpread(rate, bps, 'ask'), exact(10_000 + bps)) >= 0);
        } catch (error) {
          assert.ok(error instanceof FxError && error.code === 'rate_out_of_range');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
