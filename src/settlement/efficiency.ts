/**
 * Netting efficiency, 1 − moved / gross, kept as an exact fraction so that reports and tests can
 * compare it without float error, with a decimal text for people. The text is TRUNCATED, never
 * rounded up, so a report never claims a saving larger than the exact one.
 */
export interface NettingEfficiency {
  /** (gross − moved) / d, reduced. */
  readonly numerator: bigint;
  /** gross / d, reduced; > 0. */
  readonly denominator: bigint;
  /** numerator / denominator truncated to the requested decimals, e.g. `"0.8734"`. */
  readonly text: string;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * A non-negative fraction as a decimal string truncated to `digits` places (`1/3`, 4 → `"0.3333"`).
 * Numerator and denominator come named, in one object, so that they cannot be swapped unnoticed.
 */
export function truncatedDecimal(
  { numerator, denominator }: { readonly numerator: bigint; readonly denominator: bigint },
  digits: number,
): string {
  const scaled = ((numerator * 10n ** BigInt(digits)) / denominator)
    .toString()
    .padStart(digits + 1, '0');
  if (digits === 0) return scaled;
  return `${scaled.slice(0, scaled.length - digits)}.${scaled.slice(scaled.length - digits)}`;
}

/**
 * 1 − movedMinor / grossMinor as a reduced fraction and a decimal truncated to `digits` places;
 * null when grossMinor is 0 (no interbank payments: there was nothing to save). Expects
 * 0 ≤ movedMinor ≤ grossMinor, which netting guarantees. The two sums come named, in one object.
 */
export function nettingEfficiency(
  { grossMinor, movedMinor }: { readonly grossMinor: bigint; readonly movedMinor: bigint },
  digits = 4,
): NettingEfficiency | null {
  if (grossMinor === 0n) return null;
  const saved = grossMinor - movedMinor;
  const divisor = gcd(saved, grossMinor);
  const numerator = saved / divisor;
  const denominator = grossMinor / divisor;
  return { numerator, denominator, text: truncatedDecimal({ numerator, denominator }, digits) };
}
