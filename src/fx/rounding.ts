/**
 * Integer division with an explicit rounding direction, for non-negative numerators and positive
 * denominators only (every FX quantity is positive). BigInt `/` truncates, which for these operands
 * is rounding down; the other directions are written out here once so that no caller improvises.
 */
export type Rounding = 'down' | 'up' | 'half_even';

/**
 * n / d, named: the division helpers take one object so that numerator and denominator (both
 * bigints) cannot be swapped unnoticed.
 */
export interface Fraction {
  /** n ≥ 0. */
  readonly numerator: bigint;
  /** d > 0. */
  readonly denominator: bigint;
}

/** ⌊n / d⌋ for n ≥ 0, d > 0. */
export function divDown({ numerator: n, denominator: d }: Fraction): bigint {
  return n / d;
}

/** ⌈n / d⌉ for n ≥ 0, d > 0. */
export function divUp({ numerator: n, denominator: d }: Fraction): bigint {
  const q = n / d;
  return q * d === n ? q : q + 1n;
}

/** n / d rounded to the nearest integer, ties to the even neighbour (no bias over many roundings). */
function divHalfEven({ numerator: n, denominator: d }: Fraction): bigint {
  const q = n / d;
  const twice = 2n * (n - q * d);
  if (twice < d) return q;
  if (twice > d) return q + 1n;
  return q % 2n === 0n ? q : q + 1n;
}

/** n / d rounded as `rounding` says, for n ≥ 0, d > 0. */
export function divRound(fraction: Fraction, rounding: Rounding): bigint {
  if (rounding === 'down') return divDown(fraction);
  if (rounding === 'up') return divUp(fraction);
  return divHalfEven(fraction);
}

const POWERS: bigint[] = [1n];

/** 10^exponent as a bigint, cached: rates and currencies use only small exponents. */
export function pow10(exponent: number): bigint {
  let power = POWERS[exponent];
  if (power !== undefined) return power;
  for (let i = POWERS.length; i <= exponent; i++) POWERS.push(POWERS[i - 1]! * 10n);
  power = POWERS[exponent]!;
  return power;
}
