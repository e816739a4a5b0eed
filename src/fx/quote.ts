/**
 * A pure quote calculator: what a client pays and receives for a conversion through one FX provider,
 * and until when that price holds. No I/O and no clock: the caller passes `nowMs`, stores the quote
 * and later asks `checkQuoteUsable` with its own clock, so a quote is reproducible in tests.
 *
 * The model, in the client's direction (source → target, e.g. INR → RUB):
 * - `referenceRate` is target major units per 1 source major unit.
 * - The provider buys the source currency from the client, so the client gets the provider's bid:
 *   `rate = applySpread(referenceRate, spreadBps, 'bid')`, rounded against the client at 12 decimals.
 * - Amounts follow the one rounding rule of `convert.ts` at that rate: with `side: 'source'` the
 *   client converts exactly `amountMinor` and the target is rounded down; with `side: 'target'` the
 *   payee gets exactly `amountMinor` and the source is rounded up.
 * - `feeMinor` is a fixed fee in source minor units charged ON TOP of the converted amount: the payer
 *   is debited `totalDebitMinor = sourceAmountMinor + feeMinor`. It is not converted.
 * - The quote is usable while `nowMs < expiresAtMs` (`expiresAtMs = nowMs + ttlMs`, ttl 60 s by default).
 *
 * A `Quote` is plain data (bigints for amounts, a decimal string for rates, ms for times); `quoteJson`
 * gives the API form (amounts as major-unit decimal strings, times as ISO 8601).
 */
import { AMOUNT_MAX, formatAmount, type Currency } from '../ledger/currency.js';
import {
  checkAmount,
  resolveCurrency,
  sourceForTarget,
  targetForSource,
  type CurrencyRef,
} from './convert.js';
import { shownValue } from '../domain/errors.js';
import { FxError } from './errors.js';
import { applySpread, formatRate, normalizeRate, toRate, type Rate } from './rate.js';

/** Which amount the client fixed: what it pays (`source`) or what the payee must receive (`target`). */
export type QuoteSide = 'source' | 'target';

/** How long a quote holds unless the provider says otherwise: long enough to confirm, short enough to limit market risk. */
export const DEFAULT_QUOTE_TTL_MS = 60_000;
/** The longest validity accepted: a day. A provider will not hold a price longer. */
export const MAX_QUOTE_TTL_MS = 86_400_000;
/**
 * The longest a provider's quotes may hold until the provider (or the operator) sets its own
 * maximum (`FxService.setQuoteLifetime`): five minutes. A longer quote is an option on the rate
 * that the client gets for free, so the client never chooses past what the provider accepted.
 */
export const DEFAULT_MAX_QUOTE_TTL_MS = 300_000;

export interface QuoteRequest {
  /** Source (base of the rate, what the client pays) and target (what the payee receives). */
  readonly pair: { readonly source: CurrencyRef; readonly target: CurrencyRef };
  readonly side: QuoteSide;
  /** The fixed amount, in minor units of the source (`side: 'source'`) or target currency. */
  readonly amountMinor: bigint;
  /** Target major units per 1 source major unit, as text (`"1.0734"`) or a `Rate`. */
  readonly referenceRate: Rate | string;
  /** The provider's margin in basis points, applied against the client (0..9 999). */
  readonly spreadBps: number;
  /** A fixed fee in source minor units, charged on top; may be 0. */
  readonly feeMinor: bigint;
  readonly providerId: string;
  /** The time of quoting, ms since the epoch. */
  readonly nowMs: number;
  /** Validity in ms, 1..MAX_QUOTE_TTL_MS; DEFAULT_QUOTE_TTL_MS when absent. */
  readonly ttlMs?: number;
}

export interface Quote {
  readonly providerId: string;
  /** ISO 4217 codes. */
  readonly sourceCurrency: string;
  readonly targetCurrency: string;
  readonly side: QuoteSide;
  /** The source minor units converted (the fee is not included). */
  readonly sourceAmountMinor: bigint;
  /** The target minor units the payee receives. */
  readonly targetAmountMinor: bigint;
  /** Fee in source minor units. */
  readonly feeMinor: bigint;
  /** What the payer is debited: sourceAmountMinor + feeMinor. */
  readonly totalDebitMinor: bigint;
  /** The reference rate as given, normalised (no trailing zeros). */
  readonly referenceRate: string;
  readonly spreadBps: number;
  /** The rate applied to the client (the bid), at most 12 decimals, parseable by `parseRate`. */
  readonly rate: string;
  readonly createdAtMs: number;
  /** First instant at which the quote is no longer usable. */
  readonly expiresAtMs: number;
}

/** The last instant a JavaScript Date (and so an ISO 8601 string) can show. */
const LATEST_DATE_MS = 8_640_000_000_000_000;

function checkTime(value: number, field: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new FxError('invalid_parameter', {
      field,
      message: `${field} must be an integer number of milliseconds from ${min} to ${max}`,
    });
  }
  return value;
}

/** Quotes only use currencies of the table (by code, ledger number or row), so that `quoteJson` can find them again by code. */
function tableCurrency(ref: CurrencyRef, field: string): Currency {
  const given: unknown = ref; // as received: null from parsed JSON is refused by resolveCurrency
  return resolveCurrency(typeof ref === 'object' && given !== null ? String(ref.code) : ref, field);
}

/**
 * Prices a conversion. Throws `FxError`: `unknown_currency` / `same_currency` (pair), `invalid_rate`
 * (referenceRate), `invalid_parameter` (spreadBps, providerId, nowMs, ttlMs), `rate_out_of_range`
 * (the bid rounds to 0), `invalid_amount` (amount, fee), `amount_too_small` (a side rounds to 0),
 * `amount_too_large` (a side or the total debit exceeds AMOUNT_MAX).
 */
export function calculateQuote(request: QuoteRequest): Quote {
  const source = tableCurrency(request.pair.source, 'pair.source');
  const target = tableCurrency(request.pair.target, 'pair.target');
  if (source.code === target.code)
    throw new FxError('same_currency', {
      field: 'pair.target',
      message: `a quote needs two different currencies, got ${source.code} twice`,
    });
  const side: unknown = request.side; // as received, from a caller that may not be typed
  if (side !== 'source' && side !== 'target') {
    throw new FxError('invalid_parameter', {
      field: 'side',
      message: `side must be "source" or "target", got ${shownValue(side)}`,
    });
  }
  if (typeof request.providerId !== 'string' || request.providerId.length === 0) {
    throw new FxError('invalid_parameter', {
      field: 'providerId',
      message: 'providerId must be a non-empty string',
    });
  }
  const nowMs = checkTime(request.nowMs, 'nowMs', 0, LATEST_DATE_MS - MAX_QUOTE_TTL_MS);
  const ttlMs = checkTime(request.ttlMs ?? DEFAULT_QUOTE_TTL_MS, 'ttlMs', 1, MAX_QUOTE_TTL_MS);
  const reference = normalizeRate(toRate(request.referenceRate, 'referenceRate'));
  const rate = applySpread(reference, request.spreadBps, 'bid');
  const fee = request.feeMinor;
  if (typeof fee !== 'bigint' || fee < 0n || fee > AMOUNT_MAX) {
    throw new FxError('invalid_amount', {
      field: 'feeMinor',
      message: `feeMinor must be a bigint number of minor units from 0 to ${AMOUNT_MAX}`,
    });
  }
  checkAmount(request.amountMinor, 'amount');

  const sourceAmountMinor =
    request.side === 'source'
      ? request.amountMinor
      : sourceForTarget(request.amountMinor, source, target, rate, 'amount');
  const targetAmountMinor =
    request.side === 'target'
      ? request.amountMinor
      : targetForSource(request.amountMinor, source, target, rate, 'amount');
  const totalDebitMinor = sourceAmountMinor + fee;
  if (totalDebitMinor > AMOUNT_MAX) {
    throw new FxError('amount_too_large', {
      field: 'amount',
      message: `the converted amount plus the fee exceeds the largest amount a transfer can carry (${AMOUNT_MAX} minor units of ${source.code})`,
    });
  }
  return {
    providerId: request.providerId,
    sourceCurrency: source.code,
    targetCurrency: target.code,
    side: request.side,
    sourceAmountMinor,
    targetAmountMinor,
    feeMinor: fee,
    totalDebitMinor,
    referenceRate: formatRate(reference),
    spreadBps: request.spreadBps,
    rate: formatRate(rate),
    createdAtMs: nowMs,
    expiresAtMs: nowMs + ttlMs,
  };
}

/** Whether a quote may still be accepted at `nowMs`: usable strictly before `expiresAtMs`. */
export function checkQuoteUsable(
  quote: Pick<Quote, 'expiresAtMs'>,
  nowMs: number,
): 'ok' | 'quote_expired' {
  return nowMs < quote.expiresAtMs ? 'ok' : 'quote_expired';
}

/** The API form of a quote: amounts as major-unit decimal strings in their currency, times as ISO 8601. */
export interface QuoteJson {
  readonly providerId: string;
  readonly sourceCurrency: string;
  readonly targetCurrency: string;
  readonly side: QuoteSide;
  readonly sourceAmount: string;
  readonly targetAmount: string;
  readonly fee: string;
  readonly totalDebit: string;
  readonly referenceRate: string;
  readonly spreadBps: number;
  readonly rate: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** `Quote` → `QuoteJson`, e.g. `sourceAmount: "12500.00"` (what `parseAmount` reads back). */
export function quoteJson(quote: Quote): QuoteJson {
  const source = resolveCurrency(quote.sourceCurrency, 'sourceCurrency');
  const target = resolveCurrency(quote.targetCurrency, 'targetCurrency');
  return {
    providerId: quote.providerId,
    sourceCurrency: source.code,
    targetCurrency: target.code,
    side: quote.side,
    sourceAmount: formatAmount(quote.sourceAmountMinor, source),
    targetAmount: formatAmount(quote.targetAmountMinor, target),
    fee: formatAmount(quote.feeMinor, source),
    totalDebit: formatAmount(quote.totalDebitMinor, source),
    referenceRate: quote.referenceRate,
    spreadBps: quote.spreadBps,
    rate: quote.rate,
    createdAt: new Date(quote.createdAtMs).toISOString(),
    expiresAt: new Date(quote.expiresAtMs).toISOString(),
  };
}
