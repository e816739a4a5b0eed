import fc from 'fast-check';
import { FxError, type FxErrorCode } from './errors.js';
import type { Rate } from './rate.js';
import { pow10 } from './rounding.js';

/** The FxError code a call throws, undefined if it returns; anything else is rethrown. */
export function fxCode(run: () => unknown): FxErrorCode | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof FxError) return error.code;
    throw error;
  }
}

/** Any valid rate: scale 0..12, 1 ≤ units < 10^(12 + scale). */
export const anyRate: fc.Arbitrary<Rate> = fc
  .integer({ min: 0, max: 12 })
  .chain((scale) =>
    fc.bigInt({ min: 1n, max: pow10(12 + scale) - 1n }).map((units) => ({ units, scale })),
  );

/** Rates near real INR/RUB quotes (0.5..2, up to 12 decimals), where most amounts convert without overflow. */
export const marketRate: fc.Arbitrary<Rate> = fc
  .integer({ min: 0, max: 12 })
  .chain((scale) =>
    fc
      .bigInt({ min: pow10(scale) / 2n, max: 2n * pow10(scale) })
      .map((units) => ({ units: units === 0n ? 1n : units, scale })),
  );
