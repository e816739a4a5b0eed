import { invalidField } from './errors.js';

/**
 * Instants for reports. The ledger's timestamps are nanoseconds since the Unix epoch; people give
 * dates (`2025-04-01`, meaning 00:00 UTC that day) or ISO 8601 date-times with an explicit zone
 * (`2025-04-01T09:30:00+05:30`, `...Z`, up to nine fractional digits). A date-time without a zone
 * is refused rather than read in the server's local time. Parsing is exact integer arithmetic:
 * no float, and `2025-02-30` is refused, not rolled over into March.
 */
const NS_PER_MS = 1_000_000n;
const NS_PER_DAY = 86_400_000_000_000n;
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An ISO date or zoned date-time (see above), or nanoseconds as a bigint, as ns since the epoch. */
export function parseInstant(value: string | bigint, field: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n) throw invalidField({ field, message: `${field} must not be before 1970` });
    return value;
  }
  const match = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (match === null)
    throw invalidField({
      field,
      message: `${field} must be an ISO 8601 date (2025-04-01) or date-time with a zone (2025-04-01T09:30:00Z), got ${JSON.stringify(value)}`,
    });
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    year < 1970 ||
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw invalidField({
      field,
      message: `${field}: ${JSON.stringify(value)} is not a valid date or time`,
    });
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59)
      throw invalidField({
        field,
        message: `${field}: ${JSON.stringify(value)} has an invalid zone offset`,
      });
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zh * 60 + zm);
  }
  const ns =
    BigInt(ms) * NS_PER_MS -
    BigInt(offsetMinutes) * 60_000n * NS_PER_MS +
    BigInt(fraction.padEnd(9, '0') || '0');
  if (ns < 0n) throw invalidField({ field, message: `${field} must not be before 1970` });
  return ns;
}

/** A calendar date `YYYY-MM-DD` as its day number since 1970-01-01. */
export function parseDay(value: string, field: string): number {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (match === null)
    throw invalidField({
      field,
      message: `${field} must be a date such as 2025-04-01, got ${JSON.stringify(value)}`,
    });
  const ns = parseInstant(value, field);
  return Number(ns / NS_PER_DAY);
}

/** Day number → `YYYY-MM-DD`. */
export function dayText(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The first nanosecond of a day (UTC, shifted by `offsetMinutes` east of UTC: +330 for India). */
export function dayStartNs(day: number, offsetMinutes = 0): bigint {
  return BigInt(day) * NS_PER_DAY - BigInt(offsetMinutes) * 60_000n * NS_PER_MS;
}

/** ISO 8601 in UTC with milliseconds (the nanoseconds beyond are cut, never rounded up). */
export function isoOfNs(ns: bigint): string {
  return new Date(Number(ns / NS_PER_MS)).toISOString();
}

/**
 * ISO 8601 in UTC with all nine decimals of the nanosecond timestamp, so the text is exact:
 * two transfers of one batch differ in the last digits, not only in the raw integer.
 */
export function isoTime(timestampNs: bigint): string {
  const seconds = timestampNs / 1_000_000_000n;
  const fraction = (timestampNs % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}
