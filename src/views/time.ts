const NANOSECONDS_PER_SECOND = 1_000_000_000n;

/**
 * ISO 8601 in UTC with all nine decimals of the nanosecond timestamp, so the text is exact:
 * two transfers of one batch differ in the last digits, not only in the raw integer.
 */
export function isoTime(timestampNs: bigint): string {
  const seconds = timestampNs / NANOSECONDS_PER_SECOND;
  const fraction = (timestampNs % NANOSECONDS_PER_SECOND).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}
