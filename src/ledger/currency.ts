/**
 * Currencies by ISO 4217 code. Each currency is its own ledger, numbered by its ISO 4217 numeric
 * code, so a ledger number means the same thing in every store and every message.
 */
export interface Currency {
  /** ISO 4217 alphabetic code, e.g. `INR`. */
  readonly code: string;
  /** ISO 4217 numeric code, used as the ledger number. */
  readonly ledger: number;
  /** Minor-unit exponent: 2 means amounts are kept in hundredths (paise, kopecks). */
  readonly exponent: number;
  readonly name: string;
}

/** Add a row to support another currency; nothing else needs to change. */
const CURRENCY_TABLE: readonly Currency[] = [
  { code: 'INR', ledger: 356, exponent: 2, name: 'Indian rupee' },
  { code: 'RUB', ledger: 643, exponent: 2, name: 'Russian rouble' },
  { code: 'USD', ledger: 840, exponent: 2, name: 'US dollar' },
  { code: 'AED', ledger: 784, exponent: 2, name: 'UAE dirham' },
  { code: 'CNY', ledger: 156, exponent: 2, name: 'Chinese yuan renminbi' },
  { code: 'EUR', ledger: 978, exponent: 2, name: 'Euro' },
];

const byCode = new Map(CURRENCY_TABLE.map((currency) => [currency.code, currency]));
const byLedger = new Map(CURRENCY_TABLE.map((currency) => [currency.ledger, currency]));

export const currencies: readonly Currency[] = CURRENCY_TABLE;

export function currencyByCode(code: string): Currency | undefined {
  return byCode.get(code.toUpperCase());
}

export function currencyByLedger(ledger: number): Currency | undefined {
  return byLedger.get(ledger);
}

/** The largest amount one transfer may carry, and the largest balance an account may reach. */
export const AMOUNT_MAX = (1n << 63n) - 1n;

export type AmountParseError =
  | { readonly code: 'amount_not_a_string'; readonly message: string }
  | { readonly code: 'amount_malformed'; readonly message: string }
  | { readonly code: 'amount_too_precise'; readonly message: string }
  | { readonly code: 'amount_out_of_range'; readonly message: string };

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Parses a decimal string in major units (`"12500.00"`) into minor units as a bigint. Refuses
 * signs, exponents, separators, more decimals than the currency has, and values outside
 * 1..AMOUNT_MAX (or 0..AMOUNT_MAX when `allowZero`). Never goes through a float.
 */
export function parseAmount(
  text: unknown,
  currency: Currency,
  options: { allowZero?: boolean } = {},
): { ok: true; amountMinor: bigint } | { ok: false; error: AmountParseError } {
  if (typeof text !== 'string') {
    return {
      ok: false,
      error: {
        code: 'amount_not_a_string',
        message: 'amount must be a decimal string such as "12500.00"',
      },
    };
  }
  const match = DECIMAL.exec(text);
  if (match === null || text.length > 40) {
    return {
      ok: false,
      error: {
        code: 'amount_malformed',
        message: `amount "${text.slice(0, 40)}" is not a plain decimal number such as "12500.00"`,
      },
    };
  }
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > currency.exponent) {
    return {
      ok: false,
      error: {
        code: 'amount_too_precise',
        message: `${currency.code} allows at most ${currency.exponent} decimal places`,
      },
    };
  }
  const amountMinor = BigInt(whole + fraction.padEnd(currency.exponent, '0'));
  const minimum = options.allowZero === true ? 0n : 1n;
  if (amountMinor < minimum || amountMinor > AMOUNT_MAX) {
    return {
      ok: false,
      error: {
        code: 'amount_out_of_range',
        message: `amount must be between ${formatAmount(minimum, currency)} and ${formatAmount(AMOUNT_MAX, currency)} ${currency.code}`,
      },
    };
  }
  return { ok: true, amountMinor };
}

/** Formats minor units as a decimal string with exactly the currency's decimals (`-12.50`). */
export function formatAmount(amountMinor: bigint, currency: Currency): string {
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor)
    .toString()
    .padStart(currency.exponent + 1, '0');
  const split = digits.length - currency.exponent;
  const text =
    currency.exponent === 0 ? digits : `${digits.slice(0, split)}.${digits.slice(split)}`;
  return negative ? `-${text}` : text;
}
