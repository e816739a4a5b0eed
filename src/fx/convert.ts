/**
 * Converting amounts between currencies at a rate quoted as "target major units per 1 source major
 * unit", in integer arithmetic only, for currencies of any minor-unit exponent.
 *
 * THE ROUNDING RULE (the only one; every conversion in vostro goes through these two functions):
 *
 * - **Source amount fixed** (`targetForSource`): the target amount is rounded DOWN to a whole minor
 *   unit. The payee never receives more than the rate gives: target ≤ source × rate, exactly.
 * - **Target amount fixed** (`sourceForTarget`): the source amount is rounded UP to a whole minor
 *   unit. The payer never pays less than target / rate: it is the SMALLEST source amount S with
 *   `targetForSource(S) ≥ target`.
 *
 * Either way the fraction of a minor unit lost to rounding stays with the FX provider, never with
 * the hub's books as an unexplained residue, and the two functions agree:
 * `sourceForTarget(targetForSource(S)) ≤ S` and `targetForSource(sourceForTarget(T)) ≥ T`.
 *
 * Exact formula: with source amount a (minor units, exponent eₛ), target exponent eₜ and rate
 * u / 10^s, the exact target is a·u·10^eₜ / 10^(eₛ+s) minor units; it is floored (source fixed), and
 * for a target T the source is ⌈T·10^(eₛ+s) / (u·10^eₜ)⌉.
 *
 * Amounts must be bigints in 1..AMOUNT_MAX; a result of 0 is refused as `amount_too_small`, one
 * above AMOUNT_MAX as `amount_too_large` (a transfer could not carry it).
 */
import { AMOUNT_MAX, currencyByCode, currencyByLedger, type Currency } from '../ledger/currency.js';
import { shownValue } from '../domain/errors.js';
import { FxError } from './errors.js';
import { checkRate, formatRate, type Rate } from './rate.js';
import { divDown, divUp, pow10 } from './rounding.js';

/**
 * A currency as callers hold it: its ISO code (`"INR"`) or ledger number (356), both looked up in
 * the currency table, or a `Currency` row, used as given (so that tests and future rows with other
 * exponents, such as JPY's 0 or BHD's 3, work without touching the table).
 */
export type CurrencyRef = Currency | string | number;

/** The `Currency` for a reference; `unknown_currency` (naming `field`) for anything not in the table or not a valid row. */
export function resolveCurrency(ref: CurrencyRef, field = 'currency'): Currency {
  // As received: a caller holding parsed JSON may pass null, refused below like any non-currency.
  const given: unknown = ref;
  if (typeof ref === 'object' && given !== null) {
    if (
      typeof ref.code === 'string' &&
      Number.isInteger(ref.exponent) &&
      ref.exponent >= 0 &&
      ref.exponent <= 18
    )
      return ref;
    throw new FxError('unknown_currency', {
      field,
      message: `${field} is not a currency row with a code and an exponent of 0..18`,
    });
  }
  const found =
    typeof ref === 'string'
      ? currencyByCode(ref)
      : typeof ref === 'number'
        ? currencyByLedger(ref)
        : undefined;
  if (found === undefined)
    throw new FxError('unknown_currency', {
      field,
      message: `${field} ${shownValue(given)} is not a supported currency (ISO 4217 code or ledger number)`,
    });
  return found;
}

/** Checks an input amount: a bigint in 1..AMOUNT_MAX, else `invalid_amount` naming `field`. */
export function checkAmount(amountMinor: bigint, field = 'amount'): bigint {
  if (typeof amountMinor !== 'bigint' || amountMinor < 1n || amountMinor > AMOUNT_MAX) {
    throw new FxError('invalid_amount', {
      field,
      message: `${field} must be a bigint number of minor units from 1 to ${AMOUNT_MAX}`,
    });
  }
  return amountMinor;
}

function checkResult(result: bigint, target: Currency, field: string, what: string): bigint {
  if (result < 1n)
    throw new FxError('amount_too_small', {
      field,
      message: `${what} is less than one minor unit of ${target.code}`,
    });
  if (result > AMOUNT_MAX)
    throw new FxError('amount_too_large', {
      field,
      message: `${what} exceeds the largest amount a transfer can carry (${AMOUNT_MAX} minor units of ${target.code})`,
    });
  return result;
}

/**
 * Target minor units bought by `sourceMinor` at `rate`, rounded DOWN (see the rule above).
 * Throws `amount_too_small` when that is 0, `amount_too_large` above AMOUNT_MAX.
 */
export function targetForSource(
  sourceMinor: bigint,
  source: CurrencyRef,
  target: CurrencyRef,
  rate: Rate,
  field = 'amount',
): bigint {
  checkAmount(sourceMinor, field);
  checkRate(rate);
  const from = resolveCurrency(source, 'source');
  const to = resolveCurrency(target, 'target');
  const exact = divDown({
    numerator: sourceMinor * rate.units * pow10(to.exponent),
    denominator: pow10(from.exponent + rate.scale),
  });
  return checkResult(
    exact,
    to,
    field,
    `${sourceMinor} minor units of ${from.code} at ${formatRate(rate)}`,
  );
}

/**
 * Source minor units needed so that the payee gets at least `targetMinor` at `rate`, rounded UP:
 * the smallest S with `targetForSource(S) ≥ targetMinor` (see the rule above). Throws
 * `amount_too_large` when that S exceeds AMOUNT_MAX.
 */
export function sourceForTarget(
  targetMinor: bigint,
  source: CurrencyRef,
  target: CurrencyRef,
  rate: Rate,
  field = 'amount',
): bigint {
  checkAmount(targetMinor, field);
  checkRate(rate);
  const from = resolveCurrency(source, 'source');
  const to = resolveCurrency(target, 'target');
  const exact = divUp({
    numerator: targetMinor * pow10(from.exponent + rate.scale),
    denominator: rate.units * pow10(to.exponent),
  });
  return checkResult(
    exact,
    from,
    field,
    `the ${from.code} needed for ${targetMinor} minor units of ${to.code} at ${formatRate(rate)}`,
  );
}
