import { currencyByLedger, formatAmount } from '../ledger/currency.js';
import { supportedCurrency } from '../domain/errors.js';

/**
 * Amounts as the API and the CLI's `--json` show them: exact decimal strings in major units, no
 * digit grouping, never through a float. (The CLI groups digits in its tables: src/cli/shared/human.ts.)
 */

export function currencyCode(ledger: number): string {
  return currencyByLedger(ledger)?.code ?? `ledger-${ledger}`;
}

/** Minor units as a decimal string in the ledger's currency; an unknown ledger shows minor units. */
export function amountText(amountMinor: bigint, ledger: number): string {
  const currency = currencyByLedger(ledger);
  return currency === undefined ? amountMinor.toString() : formatAmount(amountMinor, currency);
}

/** Formats minor units of one currency as a decimal string. */
export type AmountText = (minor: bigint) => string;

/** Decimal strings in the currency of `code` (a window's, a cap's, a quote's side). */
export function amountsIn(code: string): AmountText {
  const currency = supportedCurrency(code);
  return (minor) => formatAmount(minor, currency);
}
