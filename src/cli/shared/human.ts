import { formatAmount, type Currency } from '../../ledger/currency.js';
import { amountText, currencyCode } from '../../views/amounts.js';

/**
 * Amounts for people: tables and sentences group the digits of the whole part in thousands
 * (1,234,567.89), the same for every currency, so INR and RUB columns read alike. JSON, CSV and
 * everything a script reads stay exact, ungrouped decimal strings (src/views/amounts.ts).
 */

const DECIMAL = /^(-?)(\d+)(\.\d+)?$/;

/** "1234567.89" → "1,234,567.89", "-1234" → "-1,234"; anything else is returned unchanged. */
export function groupDigits(decimal: string): string {
  const match = DECIMAL.exec(decimal);
  if (match === null) return decimal;
  const [, sign = '', whole = '', fraction = ''] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction}`;
}

/** Minor units in the ledger's currency, grouped. */
export function humanAmount(amountMinor: bigint, ledger: number): string {
  return groupDigits(amountText(amountMinor, ledger));
}

/** Minor units in the ledger's currency, grouped, then the currency code: "12,500.00 INR". */
export function humanAmountWithCode(amountMinor: bigint, ledger: number): string {
  return `${humanAmount(amountMinor, ledger)} ${currencyCode(ledger)}`;
}

/** Minor units of a currency, grouped. */
export function humanAmountIn(amountMinor: bigint, currency: Currency): string {
  return groupDigits(formatAmount(amountMinor, currency));
}
