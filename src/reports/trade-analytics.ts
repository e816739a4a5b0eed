import { currencies, currencyByCode, currencyByLedger } from '../ledger/currency.js';
import type { Actor } from '../domain/actor.js';
import { invalidField } from '../domain/errors.js';
import type { Hub } from '../hub/hub.js';
import type { ParticipantRecord } from '../participants/registry.js';
import { TransferCode } from '../settlement/codes.js';
import { ALL_SCOPE } from '../ledger/flows.js';
import type { FlowDelta } from '../store/store.js';

/**
 * Bilateral trade as the hub sees it (GET /v1/analytics/trade, issue 16): payments per UTC month,
 * currency and direction, their totals and imbalance, the netting savings of the closed windows,
 * and where the hub's volume stands against the goal of US$100 billion of India–Russia trade by
 * 2030. The per-month sums are the ledger's monthly flow totals (src/ledger/flows.ts), kept by the
 * database in the same transaction as the transfers they count: a few rows per month are read
 * (LedgerStore.monthlyFlows), never a transfer, so a process's first call is as fast as its last.
 * A participant's rows are those of the payments on the accounts it sees (visibleAccounts), kept
 * under its own scope.
 *
 * What counts as a payment: a posted transfer with code `payment` (1), that is the main leg of a
 * payment (PaymentService, ISO 20022 payments, a documentary credit's release) — or, for a
 * two-phase payment, the transfer that posts it, with the amount posted. Cap legs (code 2),
 * settlement instructions (5), FX legs (4), funding, fees and sweeps have other codes and are not
 * counted; pending reservations and voids are not posts. So each payment counts once, in the month
 * it was posted. A raw transfer the operator writes with code 1 counts as a payment too.
 */

export type Direction = 'IN-RU' | 'RU-IN' | 'other';
const DIRECTIONS: readonly Direction[] = ['IN-RU', 'RU-IN', 'other'];

export interface Flow {
  readonly direction: Direction;
  readonly currency: string;
  readonly count: number;
  /** Minor units of the currency, as a decimal string. */
  readonly amount: string;
}

export interface CurrencyAmount {
  readonly currency: string;
  /** Minor units, as a (signed, for the imbalance) decimal string. */
  readonly amount: string;
}

/** Fixed reference rates, units of the currency per US dollar, as decimal strings. */
export interface UsdRates {
  readonly rates: Readonly<Record<string, string>>;
  readonly source: string;
  /** YYYY-MM-DD. */
  readonly asOf: string;
}

/**
 * The rates the hub's volume is converted to US dollars at: fixed, so that the figure does not
 * move with the market. The Reserve Bank of India's reference rate for the US dollar and the Bank
 * of Russia's official rate at the end of FY2024-25 (31 March 2025), rounded; the year the target's
 * baseline is measured in. Callers may pass their own.
 */
export const DEFAULT_USD_RATES: UsdRates = {
  rates: { INR: '85.5', RUB: '84.0' },
  source:
    'RBI reference rate (INR per USD) and Bank of Russia official rate (RUB per USD), end of FY2024-25, rounded',
  asOf: '2025-03-31',
};

/** The goal and its baseline: US$68.7 billion of bilateral trade in FY2024-25, US$100 billion by 2030. */
export const TRADE_TARGET = {
  goalUsd: 100_000_000_000,
  baselineUsd: 68_700_000_000,
  baselineYear: 'FY2024-25',
  goalYear: 2030,
  /** FY2024-25 ends in 2025: five years of growth to 2030. */
  baselineEndYear: 2025,
} as const;

export interface TradeAnalytics {
  readonly from: string;
  readonly to: string;
  readonly months: readonly { readonly month: string; readonly flows: readonly Flow[] }[];
  readonly totals: readonly Flow[];
  readonly imbalance: readonly CurrencyAmount[];
  readonly nationalCurrencyShare: number | null;
  readonly netting: {
    readonly windows: number;
    readonly gross: readonly CurrencyAmount[];
    readonly net: readonly CurrencyAmount[];
    readonly savedPercent: number | null;
  };
  readonly target: {
    readonly goalUsd: number;
    readonly baselineUsd: number;
    readonly baselineYear: string;
    readonly goalYear: number;
    readonly requiredYearlyGrowthPercent: number;
    readonly hubUsd: string;
    readonly usdRates: Readonly<Record<string, string>> & {
      readonly source: string;
      readonly asOf: string;
    };
  };
}

/** The longest range asked for at once. */
export const ANALYTICS_MONTHS_MAX = 120;
/** The range when none is given: the last 24 months up to the current one. */
const DEFAULT_MONTHS = 24;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const NATIONAL_CURRENCIES = new Set(['INR', 'RUB']);
/** Closed windows read per currency for the netting figures (the newest ones). */
const WINDOWS_READ = 1000;

/** A month as a count of months since year 0. */
function parseMonth(value: string, field: string): number {
  const match = MONTH.exec(value);
  if (match === null)
    throw invalidField({ field, message: `${field} is a month, YYYY-MM (e.g. 2026-01)` });
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

const monthText = (month: number): string =>
  `${String(Math.floor(month / 12)).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;

/** The months asked for, checked: `from` and `to` as YYYY-MM, from ≤ to, at most 120 months. */
export function analyticsRange(
  query: { readonly from?: string; readonly to?: string },
  nowMs: number,
): { readonly first: number; readonly last: number } {
  const now = new Date(nowMs);
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const last = query.to === undefined ? undefined : parseMonth(query.to, 'to');
  const first = query.from === undefined ? undefined : parseMonth(query.from, 'from');
  const to = last ?? (first === undefined ? current : Math.max(current, first));
  const from = first ?? to - DEFAULT_MONTHS + 1;
  if (from > to)
    throw invalidField({
      field: 'from',
      message: `from (${monthText(from)}) is after to (${monthText(to)})`,
    });
  if (to - from + 1 > ANALYTICS_MONTHS_MAX)
    throw invalidField({
      field: 'to',
      message: `at most ${ANALYTICS_MONTHS_MAX} months at once; ${monthText(from)} to ${monthText(to)} is ${to - from + 1}`,
    });
  return { first: from, last: to };
}

function direction(flow: FlowDelta): Direction {
  if (flow.debitCountry === 'IN' && flow.creditCountry === 'RU') return 'IN-RU';
  if (flow.debitCountry === 'RU' && flow.creditCountry === 'IN') return 'RU-IN';
  return 'other';
}

/**
 * The accounts whose payments a participant sees, as in its events feed (eventParties): its own,
 * its corporate customers' (when it is their bank) and the vostro and nostro accounts it keeps.
 */
export function visibleAccounts(
  participant: string,
  registry: readonly ParticipantRecord[],
): string[] {
  const accounts: string[] = [];
  for (const record of registry)
    for (const account of record.accounts)
      if (
        record.id === participant ||
        (record.kind === 'corporate' && record.bank === participant) ||
        account.heldAt === participant
      )
        accounts.push(account.id);
  return accounts;
}

/** Exact decimal `value` as units / 10^scale. */
function decimal(value: string): { units: bigint; scale: number } {
  const [whole = '0', fraction = ''] = value.split('.');
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

/** Minor units of `currency` in US cents at `rates`, rounded down; undefined without a rate. */
function usdCents(minor: bigint, currency: string, rates: UsdRates): bigint | undefined {
  const rate = rates.rates[currency];
  const exponent = currencyByCode(currency)?.exponent;
  if (rate === undefined || exponent === undefined) return undefined;
  const { units, scale } = decimal(rate);
  if (units <= 0n) return undefined;
  return (minor * 100n * 10n ** BigInt(scale)) / (10n ** BigInt(exponent) * units);
}

const centsText = (cents: bigint): string =>
  `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;

/** A ratio as a percentage with one decimal (or two for the growth), as people read it. */
const percent = (ratio: number, digits = 1): number =>
  Math.round(ratio * 100 * 10 ** digits) / 10 ** digits;

function byCurrency(amounts: ReadonlyMap<string, bigint>): CurrencyAmount[] {
  return [...amounts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ currency, amount: amount.toString() }));
}

function add(map: Map<string, bigint>, key: string, amount: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + amount);
}

export interface TradeAnalyticsOptions {
  readonly from?: string;
  readonly to?: string;
  readonly nowMs?: number;
  readonly usdRates?: UsdRates;
}

/**
 * The whole answer of GET /v1/analytics/trade for `actor`: staff see every payment and every
 * window's netting; a participant sees only payments that debit or credit an account it may see
 * (visibleAccounts) and only its own position in each window's netting.
 */
export async function tradeAnalytics(
  hub: Hub,
  actor: Actor,
  options: TradeAnalyticsOptions = {},
): Promise<TradeAnalytics> {
  const { first, last } = analyticsRange(options, options.nowMs ?? Date.now());
  const rates = options.usdRates ?? DEFAULT_USD_RATES;
  const participant = actor.role === 'participant' ? actor.participant : undefined;
  // The totals are kept by the ledger (src/ledger/flows.ts): a few rows per month, no transfer read.
  // Read beside the windows (on PostgreSQL each is a round trip of its own).
  const [flows, netting] = await Promise.all([
    hub.ledger.ensureFlowTotals().then(() =>
      hub.ledger.store.monthlyFlows({
        scope: participant ?? ALL_SCOPE,
        code: TransferCode.payment,
        firstMonth: first,
        lastMonth: last,
      }),
    ),
    windowNetting(hub, participant, first, last, rates),
  ]);

  // Rows come per (month, ledger, debit country, credit country): fold them into directions.
  const monthFlows = new Map<
    number,
    Map<string, { count: number; amount: bigint; flow: Omit<Flow, 'count' | 'amount'> }>
  >();
  const totals = new Map<
    string,
    { count: number; amount: bigint; flow: Omit<Flow, 'count' | 'amount'> }
  >();
  for (const row of flows) {
    const currency = currencyByLedger(row.ledger)?.code ?? String(row.ledger);
    const flow = { direction: direction(row), currency };
    const key = `${flow.direction} ${currency}`;
    let month = monthFlows.get(row.month);
    if (month === undefined) monthFlows.set(row.month, (month = new Map<string, never>()));
    for (const into of [month, totals]) {
      const found = into.get(key);
      if (found === undefined) into.set(key, { count: row.count, amount: row.amount, flow });
      else {
        found.count += row.count;
        found.amount += row.amount;
      }
    }
  }
  const order = (
    a: { flow: Omit<Flow, 'count' | 'amount'> },
    b: { flow: Omit<Flow, 'count' | 'amount'> },
  ): number =>
    DIRECTIONS.indexOf(a.flow.direction) - DIRECTIONS.indexOf(b.flow.direction) ||
    a.flow.currency.localeCompare(b.flow.currency);
  const listed = (
    map: ReadonlyMap<
      string,
      { count: number; amount: bigint; flow: Omit<Flow, 'count' | 'amount'> }
    >,
  ): Flow[] =>
    [...map.values()]
      .sort(order)
      .map(({ count, amount, flow }) => ({ ...flow, count, amount: amount.toString() }));

  const months = [];
  for (let month = first; month <= last; month += 1)
    months.push({ month: monthText(month), flows: listed(monthFlows.get(month) ?? new Map()) });

  const imbalance = new Map<string, bigint>();
  let value = 0n;
  let national = 0n;
  let hubCents = 0n;
  for (const { count, amount, flow } of totals.values()) {
    if (count === 0) continue;
    if (flow.direction === 'IN-RU') add(imbalance, flow.currency, amount);
    if (flow.direction === 'RU-IN') add(imbalance, flow.currency, -amount);
    const cents = usdCents(amount, flow.currency, rates);
    if (cents !== undefined) {
      hubCents += cents;
      value += cents;
      if (NATIONAL_CURRENCIES.has(flow.currency)) national += cents;
    }
  }
  for (const flow of totals.values())
    if (flow.flow.direction !== 'other' && !imbalance.has(flow.flow.currency))
      imbalance.set(flow.flow.currency, 0n);

  const years = TRADE_TARGET.goalYear - TRADE_TARGET.baselineEndYear;
  return {
    from: monthText(first),
    to: monthText(last),
    months,
    totals: listed(totals),
    imbalance: byCurrency(imbalance),
    nationalCurrencyShare: value === 0n ? null : Number((national * 10_000n) / value) / 10_000,
    netting,
    target: {
      goalUsd: TRADE_TARGET.goalUsd,
      baselineUsd: TRADE_TARGET.baselineUsd,
      baselineYear: TRADE_TARGET.baselineYear,
      goalYear: TRADE_TARGET.goalYear,
      requiredYearlyGrowthPercent: percent(
        (TRADE_TARGET.goalUsd / TRADE_TARGET.baselineUsd) ** (1 / years) - 1,
      ),
      hubUsd: centsText(hubCents),
      usdRates: { ...rates.rates, source: rates.source, asOf: rates.asOf },
    },
  };
}

/**
 * Gross against net of the closed and settled windows that closed within the months asked for:
 * for staff, every interbank payment netted (gross) against what settlement moved (net); for a
 * participant, what it paid and was paid between other participants (gross) against its own net
 * position (net). savedPercent compares the two in US dollars at the reference rates.
 */
async function windowNetting(
  hub: Hub,
  participant: string | undefined,
  first: number,
  last: number,
  rates: UsdRates,
): Promise<TradeAnalytics['netting']> {
  const firstIso = `${monthText(first)}-01`;
  const afterIso = `${monthText(last + 1)}-01`;
  const gross = new Map<string, bigint>();
  const net = new Map<string, bigint>();
  let windows = 0;
  const lists = await Promise.all(
    currencies.map((currency) => hub.windows.list(currency.code, WINDOWS_READ)),
  );
  for (const [index, currency] of currencies.entries()) {
    for (const window of lists[index] ?? []) {
      if (window.status === 'open' || window.closedAtIso === undefined) continue;
      if (window.closedAtIso < firstIso || window.closedAtIso >= afterIso) continue;
      const { netting } = await hub.windows.net(window.id);
      if (netting === undefined) continue;
      if (participant === undefined) {
        windows += 1;
        add(gross, currency.code, netting.grossMinor);
        add(net, currency.code, netting.movedMinor);
        continue;
      }
      const position = netting.positions.find((found) => found.participant === participant);
      if (position === undefined) continue;
      windows += 1;
      add(gross, currency.code, position.debitsMinor + position.creditsMinor);
      add(net, currency.code, position.netMinor < 0n ? -position.netMinor : position.netMinor);
    }
  }
  let grossCents = 0n;
  let netCents = 0n;
  for (const [currency, amount] of gross) grossCents += usdCents(amount, currency, rates) ?? 0n;
  for (const [currency, amount] of net) netCents += usdCents(amount, currency, rates) ?? 0n;
  return {
    windows,
    gross: byCurrency(gross),
    net: byCurrency(net),
    savedPercent:
      grossCents === 0n ? null : Number(((grossCents - netCents) * 1000n) / grossCents) / 10,
  };
}
