import type { ApiLimits } from './limits.js';
import { invalidField } from './problems.js';

/** The page size asked for, within the limit; the schema has already checked it is 1–9999 digits. */
export function pageLimit(text: string | undefined, limits: ApiLimits): number {
  if (text === undefined) return limits.pageItemsDefault;
  const limit = Number(text);
  if (limit > limits.pageItemsMax)
    throw invalidField('query.limit', `at most ${limits.pageItemsMax} items per page`);
  return limit;
}

/**
 * Cursors are the server timestamp (ns) of the last item of the previous page. Clients should
 * treat them as opaque: pass `next` back as it came.
 */
export function parseCursor(text: string | undefined, field: string): bigint | undefined {
  if (text === undefined) return undefined;
  const value = BigInt(text);
  if (value >= 1n << 63n) throw invalidField(field, 'not a cursor this server gave out');
  return value;
}
