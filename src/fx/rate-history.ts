import { Type } from '@sinclair/typebox';
import type { Actor } from '../domain/actor.js';
import { documentKind, oneOf, strict } from '../domain/documents.js';
import { invalidField } from '../domain/errors.js';
import { isoTime } from '../domain/time.js';
import type { RecordPut } from '../store/records.js';
import type { LedgerStore } from '../store/store.js';
import { formatRate, invertRate, parseRate } from './rate.js';

export const FX_RATE_HISTORY = 'fx_rate_history';

/** Entries read from the store at most per page, whatever the caller asks. */
export const RATE_HISTORY_PAGE_MAX = 1000;

/**
 * One reference rate as it was set: by the operator (`PUT /v1/fx/rates`) or from a line of an
 * imported file of official rates, when, and by whom. Entries are never changed or removed: a rate
 * set again for the same date is a new entry beside the first.
 */
export interface RateHistoryRecord {
  /** The pair as it was set (INR → RUB, or RUB → INR). */
  readonly source: string;
  readonly target: string;
  readonly rate: string;
  /** ISO 8601 date (YYYY-MM-DD) the rate is official for. */
  readonly asOf: string;
  readonly origin: 'operator' | 'csv';
  /** ISO 8601 instant of the transaction that set it (the ledger's clock). */
  readonly setAt: string;
  /** Who set it: an actor id (`cli`, `operator`, a participant) and its role. */
  readonly setBy: string;
  readonly setByRole: string;
  /** The API key used, by its public id. */
  readonly keyId?: string;
}

/** An entry as read for a pair: in the pair's direction, `inverted` when it was set the other way. */
export interface RateHistoryEntry extends RateHistoryRecord {
  readonly inverted: boolean;
}

export interface RateHistoryQuery {
  readonly source: string;
  readonly target: string;
  /** First date (YYYY-MM-DD, inclusive) of `asOf`. */
  readonly from?: string;
  /** Last date (YYYY-MM-DD, inclusive) of `asOf`. */
  readonly to?: string;
  /** The `next` of the page before. */
  readonly after?: string;
  readonly limit: number;
}

export interface RateHistoryPage {
  readonly data: readonly RateHistoryEntry[];
  readonly next: string | null;
}

const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

/**
 * Under one key space per unordered pair (`INRRUB` for INR → RUB and RUB → INR alike), keyed
 * `INRRUB:<asOf>:<set at, ns, 20 digits>:<line, 6 digits>`: keys sort by the date the rate is for,
 * then by when it was set, so a page is one ordered range read and a cursor is the last key read.
 */
const historyDocuments = documentKind<RateHistoryRecord>(
  FX_RATE_HISTORY,
  Type.Object(
    {
      source: Type.String(),
      target: Type.String(),
      rate: Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' }),
      asOf: Type.String({ pattern: DATE }),
      origin: oneOf(['operator', 'csv']),
      setAt: Type.String(),
      setBy: Type.String(),
      setByRole: Type.String(),
      keyId: Type.Optional(Type.String()),
    },
    strict,
  ),
);

const pairKey = (source: string, target: string): string =>
  source < target ? `${source}${target}` : `${target}${source}`;

const CURSOR = /^([A-Z]{6}):([0-9]{4}-[0-9]{2}-[0-9]{2}):[0-9]{20}:[0-9]{6}$/;

/**
 * The history entries of rates set in one transaction (at `nowNs`), in the order given: written
 * with the rates themselves, so that the history and the current rate never disagree.
 */
export function rateHistoryPuts(
  records: readonly {
    source: string;
    target: string;
    rate: string;
    asOf: string;
    origin: 'operator' | 'csv';
  }[],
  actor: Actor,
  nowNs: bigint,
): RecordPut[] {
  const setAt = isoTime(nowNs);
  const stamp = nowNs.toString().padStart(20, '0');
  return records.map((record, index) => {
    const key = `${pairKey(record.source, record.target)}:${record.asOf}:${stamp}:${String(index).padStart(6, '0')}`;
    return historyDocuments.put(key, {
      source: record.source,
      target: record.target,
      rate: record.rate,
      asOf: record.asOf,
      origin: record.origin,
      setAt,
      setBy: actor.id,
      setByRole: actor.role,
      ...(actor.keyId === undefined ? {} : { keyId: actor.keyId }),
    });
  });
}

/**
 * A page of a pair's reference-rate history, oldest first: by the date each rate is for (`asOf`),
 * then by when it was set. Rates set for the opposite direction are shown as their inverse (12
 * decimals, half to even, as `FxService.rate` answers), marked `inverted`. The pair itself has been
 * checked by the caller; `from`, `to` and `after` are checked here, naming the parameter.
 */
export async function readRateHistory(
  store: Pick<LedgerStore, 'listRecords'>,
  query: RateHistoryQuery,
): Promise<RateHistoryPage> {
  const pair = pairKey(query.source, query.target);
  const from = query.from === undefined ? undefined : checkDate(query.from, 'from');
  const to = query.to === undefined ? undefined : checkDate(query.to, 'to');
  if (from !== undefined && to !== undefined && from > to)
    throw invalidField({ field: 'from', message: `from (${from}) is after to (${to})` });
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > RATE_HISTORY_PAGE_MAX)
    throw invalidField({
      field: 'limit',
      message: `limit is a whole number from 1 to ${RATE_HISTORY_PAGE_MAX}`,
    });
  const after = query.after === undefined ? undefined : checkCursor(query.after, pair);
  // Every key of a date at or after `from` sorts after `INRRUB:<from>`, which is a prefix of them.
  const floor = from === undefined ? undefined : `${pair}:${from}`;
  const afterKey =
    after === undefined ? floor : floor === undefined || after > floor ? after : floor;
  const stored = await store.listRecords({
    collection: FX_RATE_HISTORY,
    prefix: `${pair}:`,
    ...(afterKey === undefined ? {} : { afterKey }),
    limit: query.limit + 1,
  });
  const inRange = stored.filter((row) => to === undefined || row.key.slice(7, 17) <= to);
  const page = inRange.slice(0, query.limit);
  return {
    data: page.map((row) => entryFor(historyDocuments.parse(row.key, row.value), query)),
    next: inRange.length > query.limit ? (page.at(-1)?.key ?? null) : null,
  };
}

function entryFor(
  record: RateHistoryRecord,
  pair: { readonly source: string; readonly target: string },
): RateHistoryEntry {
  if (record.source === pair.source) return { ...record, inverted: false };
  return {
    ...record,
    source: pair.source,
    target: pair.target,
    rate: formatRate(invertRate(parseRate(record.rate), 12)),
    inverted: true,
  };
}

function checkDate(value: string, field: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (
    !new RegExp(DATE).test(value) ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== value
  )
    throw invalidField({
      field,
      message: `${field} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value.slice(0, 40))}`,
    });
  return value;
}

function checkCursor(value: string, pair: string): string {
  const match = CURSOR.exec(value);
  if (match === null || match[1] !== pair)
    throw invalidField({
      field: 'after',
      message: `after is not a cursor this server gave out for ${pair.slice(0, 3)}/${pair.slice(3)}: pass the page's next as it came`,
    });
  return value;
}
