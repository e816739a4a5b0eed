/**
 * Exchange rates as exact decimals: `units / 10^scale`, never a float. A float cannot hold 0.1 or
 * most quoted rates exactly, and a rate multiplied into 2^63 minor units would silently lose the
 * low digits; with a scaled bigint every conversion is exact up to the one rounding that
 * `convert.ts` documents.
 *
 * Accepted text: a positive plain decimal with at most 12 integer and 12 fractional digits
 * (`"0.8734"`, `"1.14500000"`, `"92"`). No sign, exponent, separators, whitespace, leading zeros
 * (`"01.5"`), or bare point (`".5"`, `"5."`). Trailing zeros are kept (the scale is what was
 * written, so `formatRate(parseRate(s)) === s`); `normalizeRate` drops them.
 */
import { FxError } from './errors.js';
import { divDown, divRound, divUp, pow10, type Rounding } from './rounding.js';

export type { Rounding } from './rounding.js';

/** value = units / 10^scale, with units > 0 and 0 ≤ scale ≤ RATE_MAX_FRACTION_DIGITS. */
export interface Rate {
  readonly units: bigint;
  readonly scale: number;
}

/** At most 12 digits before the point: no real INR/RUB cross rate comes near 10^12. */
export const RATE_MAX_INTEGER_DIGITS = 12;
/** At most 12 digits after the point: finer than any market quote, small enough to keep products short. */
export const RATE_MAX_FRACTION_DIGITS = 12;

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Parses a rate string into an exact `Rate`. Throws `FxError('invalid_rate', field)` with a message
 * saying what is wrong; `field` names the input for the caller's problem document.
 */
export function parseRate(text: unknown, field = 'rate'): Rate {
  if (typeof text !== 'string')
    throw new FxError('invalid_rate', {
      field,
      message: `${field} must be a decimal string such as "0.8734"`,
    });
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  const match = text.length > 40 ? null : DECIMAL.exec(text);
  if (match === null) {
    throw new FxError('invalid_rate', {
      field,
      message: `${field} "${shown}" is not a plain positive decimal such as "0.8734" (no sign, exponent, spaces or leading zeros)`,
    });
  }
  const whole = match[1]!;
  const fraction = match[2] ?? '';
  if (whole.length > RATE_MAX_INTEGER_DIGITS) {
    throw new FxError('invalid_rate', {
      field,
      message: `${field} "${shown}" has more than ${RATE_MAX_INTEGER_DIGITS} digits before the decimal point`,
    });
  }
  if (fraction.length > RATE_MAX_FRACTION_DIGITS) {
    throw new FxError('invalid_rate', {
      field,
      message: `${field} "${shown}" has more than ${RATE_MAX_FRACTION_DIGITS} digits after the decimal point`,
    });
  }
  const units = BigInt(whole + fraction);
  if (units === 0n)
    throw new FxError('invalid_rate', { field, message: `${field} must be greater than zero` });
  return { units, scale: fraction.length };
}

/**
 * Checks a `Rate` built by code rather than parsed (from a store row, say) against the same bounds
 * as `parseRate`, so that every rate reaching the arithmetic obeys one contract.
 */
export function checkRate(rate: Rate, field = 'rate'): Rate {
  const { units, scale } = rate;
  if (
    typeof units !== 'bigint' ||
    !Number.isInteger(scale) ||
    scale < 0 ||
    scale > RATE_MAX_FRACTION_DIGITS
  ) {
    throw new FxError('invalid_rate', {
      field,
      message: `${field} must have bigint units and an integer scale of 0..${RATE_MAX_FRACTION_DIGITS}`,
    });
  }
  if (units <= 0n)
    throw new FxError('invalid_rate', { field, message: `${field} must be greater than zero` });
  if (units >= pow10(RATE_MAX_INTEGER_DIGITS + scale)) {
    throw new FxError('invalid_rate', {
      field,
      message: `${field} has more than ${RATE_MAX_INTEGER_DIGITS} digits before the decimal point`,
    });
  }
  return rate;
}

/** A rate given either as text or as a `Rate`, checked either way: what API inputs and stored values look like. */
export function toRate(value: Rate | string, field = 'rate'): Rate {
  return typeof value === 'string' ? parseRate(value, field) : checkRate(value, field);
}

/** The rate as text with exactly `scale` decimals (`{ units: 114500000n, scale: 8 }` → `"1.14500000"`). */
export function formatRate(rate: Rate): string {
  const digits = rate.units.toString().padStart(rate.scale + 1, '0');
  if (rate.scale === 0) return digits;
  const split = digits.length - rate.scale;
  return `${digits.slice(0, split)}.${digits.slice(split)}`;
}

/** The same value with trailing fractional zeros removed (`"1.14500000"` → `"1.145"`), the form results are shown in. */
export function normalizeRate(rate: Rate): Rate {
  let { units, scale } = rate;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return units === rate.units ? rate : { units, scale };
}

/** -1, 0 or 1 as a is below, equal to or above b, by value (`"1.5"` equals `"1.50"`). */
export function compareRates(a: Rate, b: Rate): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const left = a.units * pow10(scale - a.scale);
  const right = b.units * pow10(scale - b.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

function checkDigits(digits: number, field: string): void {
  if (!Number.isInteger(digits) || digits < 0 || digits > RATE_MAX_FRACTION_DIGITS) {
    throw new FxError('invalid_parameter', {
      field,
      message: `${field} must be an integer from 0 to ${RATE_MAX_FRACTION_DIGITS}`,
    });
  }
}

function checkResult(units: bigint, scale: number, what: string): Rate {
  if (units === 0n)
    throw new FxError('rate_out_of_range', {
      field: 'rate',
      message: `${what} rounds to zero at ${scale} decimal places`,
    });
  if (units >= pow10(RATE_MAX_INTEGER_DIGITS + scale)) {
    throw new FxError('rate_out_of_range', {
      field: 'rate',
      message: `${what} has more than ${RATE_MAX_INTEGER_DIGITS} digits before the decimal point`,
    });
  }
  return normalizeRate({ units, scale });
}

/**
 * 1 / rate, to `digits` decimal places (0..12), rounded as `rounding` says: by default half to even,
 * the unbiased choice for deriving a reference rate for the opposite direction (RUB→INR from an
 * INR→RUB reference). Client-facing rates then get their margin from `applySpread`, and amounts
 * their rounding from `convert.ts`, so no client-facing rounding happens here. Pass `'down'` to
 * get an inverse that never exceeds the exact 1/rate. Trailing zeros are dropped. Throws
 * `rate_out_of_range` when the inverse rounds to 0 or has more than 12 integer digits.
 */
export function invertRate(rate: Rate, digits: number, rounding: Rounding = 'half_even'): Rate {
  checkRate(rate);
  checkDigits(digits, 'digits');
  // 1 / (u / 10^s) = 10^s / u; at `digits` decimals the units are 10^(s + digits) / u.
  const units = divRound(
    { numerator: pow10(rate.scale + digits), denominator: rate.units },
    rounding,
  );
  return checkResult(units, digits, `the inverse of ${formatRate(rate)}`);
}

/** Which side of the provider's two-way price: it buys the base currency at the bid and sells it at the ask. */
export type SpreadSide = 'bid' | 'ask';

/** 100% in basis points; a spread must stay below it so the bid stays positive. */
export const BPS_PER_UNIT = 10_000;

/**
 * The provider's price around a reference rate (quoted as quote-currency units per 1 base unit):
 * bid = reference × (1 − bps/10 000), ask = reference × (1 + bps/10 000), in integer arithmetic.
 * The exact product has 4 more decimals than the reference; when that exceeds 12 it is rounded
 * against the client (bid down, ask up), so a spread never gives the client more than the stated
 * margin. Trailing zeros are dropped. `spreadBps` is an integer 0..9 999.
 */
export function applySpread(
  reference: Rate,
  spreadBps: number,
  side: SpreadSide,
  field = 'spreadBps',
): Rate {
  checkRate(reference, 'referenceRate');
  if (!Number.isInteger(spreadBps) || spreadBps < 0 || spreadBps >= BPS_PER_UNIT) {
    throw new FxError('invalid_parameter', {
      field,
      message: `${field} must be an integer from 0 to ${BPS_PER_UNIT - 1} basis points`,
    });
  }
  const factor = BigInt(side === 'bid' ? BPS_PER_UNIT - spreadBps : BPS_PER_UNIT + spreadBps);
  const exactUnits = reference.units * factor; // scale + 4
  const exactScale = reference.scale + 4;
  const scale = Math.min(exactScale, RATE_MAX_FRACTION_DIGITS);
  const divisor = pow10(exactScale - scale);
  const exact = { numerator: exactUnits, denominator: divisor };
  const units = side === 'bid' ? divDown(exact) : divUp(exact);
  return checkResult(
    units,
    scale,
    `the ${side} at ${spreadBps} bps around ${formatRate(reference)}`,
  );
}
