/**
 * The values outgoing messages are made of, each checked against its schema type so that a
 * builder never writes an invalid message: texts cut to their MaxNText length, dates and times
 * in the form xs:dateTime accepts, amounts within 18 digits, identifiers matching their patterns
 * (or left out when optional). Values that have no valid form and no optional element to drop
 * (a negative entry amount, an amount of more than 18 digits, an unknown currency) throw
 * `RangeError`: a bug of the caller, never a message.
 */
import { currencyByCode, formatAmount } from '../ledger/currency.js';
import { escapeAttribute, escapeXml, fitText, splitText } from './xml.js';

/** ISO's placeholder for a mandatory reference the sender did not give. */
export const NOT_PROVIDED = 'NOTPROVIDED';

/** `<name>text</name>` with `text` escaped; '' when the text is empty (an optional element). */
export function element(name: string, text: string | undefined): string {
  return text === undefined || text === '' ? '' : `<${name}>${escapeXml(text)}</${name}>`;
}

/** A MaxNText element, cut to `max` characters; '' when absent or empty. */
export function textElement(name: string, text: string | undefined, max: number): string {
  return text === undefined ? '' : element(name, fitText(text, max));
}

/** A mandatory Max35Text: cut to 35 characters, NOTPROVIDED when empty. */
export function requiredText35(name: string, text: string | undefined): string {
  const fitted = fitText(text ?? '', 35);
  return element(name, fitted === '' ? NOT_PROVIDED : fitted);
}

/** A repeated MaxNText element holding long lines in pieces of `max`, at most 10 per line. */
export function linesElement(
  name: string,
  lines: readonly string[] | undefined,
  max: number,
): string {
  return (lines ?? [])
    .flatMap((line) => splitText(line, max, 10))
    .map((piece) => element(name, piece))
    .join('');
}

/** An instant as xs:dateTime in UTC with milliseconds (years 1 to 9999). */
export function dateTime(date: Date): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) {
    throw new RangeError(`${String(date)} cannot be written as an ISO 20022 date and time`);
  }
  return date.toISOString();
}

/** The UTC day of an instant as xs:date. */
export function isoDate(date: Date): string {
  return dateTime(date).slice(0, 10);
}

const XS_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))?$/;

/** Whether `text` (as another message wrote it) is an xs:dateTime libxml2 accepts. */
export function isXsDateTime(text: string): boolean {
  const match = XS_DATE_TIME.exec(text);
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (year === undefined || month === undefined || day === undefined) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    year !== 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    (hour ?? 24) <= 23 &&
    (minute ?? 60) <= 59 &&
    (second ?? 60) <= 59 &&
    offsetMinutes <= 59 &&
    (offsetHours < 14 || (offsetHours === 14 && offsetMinutes === 0))
  );
}

/** ISO 20022 amounts (xs:decimal with totalDigits 18): significant digits of a plain decimal. */
function significantDigits(decimal: string): number {
  const [whole = '', fraction = ''] = decimal.split('.');
  return whole.replace(/^0+/, '').length + fraction.replace(/0+$/, '').length;
}

/**
 * Minor units as a decimal string with the currency's decimals: `formatMinor(123450n, 'INR')`
 * is `'1234.50'`. Never through a float. Throws `RangeError` for a currency vostro does not know.
 */
export function formatMinor(amount: bigint, currency: string): string {
  const known = currencyByCode(currency);
  if (known === undefined || known.code !== currency) {
    throw new RangeError(`unknown currency "${currency}"`);
  }
  return formatAmount(amount, known);
}

/** An amount element (`<Amt Ccy="INR">1234.50</Amt>`); the amount must fit 18 digits. */
export function amountElement(name: string, amount: bigint, currency: string): string {
  if (amount < 0n) throw new RangeError(`${name}: amount ${amount} is negative`);
  const decimal = formatMinor(amount, currency);
  if (significantDigits(decimal) > 18) {
    throw new RangeError(
      `${name}: ${decimal} ${currency} has more than the 18 digits ISO 20022 amounts have`,
    );
  }
  return `<${name} Ccy="${escapeAttribute(currency)}">${decimal}</${name}>`;
}

/** A decimal number (DecimalNumber: 18 digits, not negative here), '' when it does not fit. */
export function decimalElement(name: string, amount: bigint, currency: string): string {
  const decimal = formatMinor(amount < 0n ? -amount : amount, currency);
  return significantDigits(decimal) > 18 ? '' : `<${name}>${decimal}</${name}>`;
}

const PLAIN_DECIMAL = /^\+?(\d*)(?:\.(\d*))?$/;

/**
 * An amount as another message wrote it (`'1234.50'`), or '' when it is not one an ISO 20022
 * amount element takes (at most 5 decimals, 18 digits, not negative; currency [A-Z]{3}).
 */
export function writtenAmountElement(
  name: string,
  amount: { readonly currency: string; readonly decimal: string } | undefined,
): string {
  if (amount === undefined || !/^[A-Z]{3}$/.test(amount.currency)) return '';
  const match = PLAIN_DECIMAL.exec(amount.decimal.trim());
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (match === null || (whole === '' && fraction === '') || fraction.length > 5) return '';
  const decimal = `${whole === '' ? '0' : whole}${fraction === '' ? '' : `.${fraction}`}`;
  if (significantDigits(decimal) > 18) return '';
  return `<${name} Ccy="${amount.currency}">${decimal}</${name}>`;
}

const BICFI = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** A BranchAndFinancialInstitutionIdentification6 naming a BIC, '' when it is not one. */
export function agentElement(name: string, bic: string | undefined): string {
  return bic !== undefined && BICFI.test(bic)
    ? `<${name}><FinInstnId><BICFI>${bic}</BICFI></FinInstnId></${name}>`
    : '';
}

const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;

/** A UETR element (UUIDv4Identifier, lower case), '' when the value is not a version 4 UUID. */
export function uetrElement(name: string, uetr: string | undefined): string {
  const lower = uetr?.toLowerCase();
  return lower !== undefined && UUID_V4.test(lower) ? `<${name}>${lower}</${name}>` : '';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An account or transfer id as ISO writes it: a UUID as 32 hex digits, anything else cut to 34. */
export function compactId(id: string): string {
  return UUID.test(id) ? id.replaceAll('-', '').toLowerCase() : fitText(id, 34);
}

/** A closed code (status, reason, purpose…) of at most 4 characters; throws on anything else. */
export function code<T extends string>(value: T, what: string): T {
  if (!/^[A-Z0-9]{1,4}$/.test(value)) throw new RangeError(`${what} "${value}" is not an ISO code`);
  return value;
}
