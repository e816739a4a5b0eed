// Money on the dashboard is exact: amounts arrive as strings (minor units in events and analytics,
// decimal major units elsewhere in the API), are held as bigint and printed digit by digit. A
// float never touches an amount shown as money (charts plot numbers, their labels go through here).

/** Digits after the decimal point of each currency the hub keeps (ISO 4217). */
const EXPONENTS: Record<string, number> = { INR: 2, RUB: 2, USD: 2, EUR: 2, CNY: 2, AED: 2 };
const SYMBOLS: Record<string, string> = { INR: '₹', RUB: '₽', USD: 'US$', EUR: '€', CNY: 'CN¥' };

export function exponentOf(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

const MINOR = /^-?[0-9]+$/;
const MAJOR = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

/** A string of minor units as a bigint; throws on anything else (never guesses). */
export function parseMinor(minor: string): bigint {
  if (!MINOR.test(minor)) throw new Error(`not an amount in minor units: ${minor}`);
  return BigInt(minor);
}

/** A decimal string in major units ("12500.00") as minor units of its currency, exactly. */
export function majorToMinor(major: string, currency: string): bigint {
  const match = MAJOR.exec(major);
  if (match === null) throw new Error(`not a decimal amount: ${major}`);
  const exponent = exponentOf(currency);
  const fraction = match[3] ?? '';
  if (fraction.length > exponent && /[1-9]/.test(fraction.slice(exponent)))
    throw new Error(`${major} has more than ${exponent} decimals for ${currency}`);
  const digits = (match[2] ?? '0') + fraction.slice(0, exponent).padEnd(exponent, '0');
  const value = BigInt(digits);
  return match[1] === '-' ? -value : value;
}

/**
 * Groups the digits of a non-negative integer: rupees the Indian way (12,34,56,789: thousands,
 * then lakhs and crores in pairs), everything else in thousands.
 */
export function groupDigits(digits: string, currency: string): string {
  if (digits.length <= 3) return digits;
  const last = digits.slice(-3);
  const rest = digits.slice(0, -3);
  const size = currency === 'INR' ? 2 : 3;
  const groups: string[] = [];
  for (let end = rest.length; end > 0; end -= size)
    groups.unshift(rest.slice(Math.max(0, end - size), end));
  return `${groups.join(',')},${last}`;
}

/** Minor units (bigint or string) as money: ₹12,34,567.89, ₽1,234,567.89; negative with a minus sign. */
export function formatMoney(minor: bigint | string, currency: string): string {
  const value = typeof minor === 'bigint' ? minor : parseMinor(minor);
  const exponent = exponentOf(currency);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(exponent + 1, '0');
  const whole = groupDigits(digits.slice(0, digits.length - exponent), currency);
  const fraction = exponent === 0 ? '' : `.${digits.slice(digits.length - exponent)}`;
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  return `${negative ? '−' : ''}${symbol}${whole}${fraction}`;
}

/** A decimal major-unit string from the API as money. */
export function formatMajor(major: string, currency: string): string {
  return formatMoney(majorToMinor(major, currency), currency);
}

/**
 * A short form for tiles, truncated (never rounded up): ₹14.78 crore, ₹3.50 lakh; ₽12.3 million.
 * The exact amount goes beside it (a title) wherever it is shown.
 */
export function formatCompact(minor: bigint | string, currency: string): string {
  const value = typeof minor === 'bigint' ? minor : parseMinor(minor);
  const negative = value < 0n;
  const units = (negative ? -value : value) / 10n ** BigInt(exponentOf(currency));
  const steps: [bigint, string][] =
    currency === 'INR'
      ? [
          [10_000_000n, 'crore'],
          [100_000n, 'lakh'],
        ]
      : [
          [1_000_000_000n, 'billion'],
          [1_000_000n, 'million'],
        ];
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  for (const [size, word] of steps) {
    if (units < size) continue;
    const hundredths = (units * 100n) / size;
    const text = `${groupDigits((hundredths / 100n).toString(), currency)}.${(hundredths % 100n).toString().padStart(2, '0')}`;
    return `${negative ? '−' : ''}${symbol}${text} ${word}`;
  }
  return formatMoney(value, currency);
}

/** Minor units as a plain number of major units, for a chart's scale only (never shown as money). */
export function chartValue(minor: string, currency: string): number {
  return Number(parseMinor(minor)) / 10 ** exponentOf(currency);
}
