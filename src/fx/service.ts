import { Type } from '@sinclair/typebox';
import { currencyByCode } from '../ledger/currency.js';
import { uuidV7, type AccountId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { decimalString, documentKind, oneOf, strict } from '../domain/documents.js';
import { checkPlainText, HubError, invalidField } from '../domain/errors.js';
import { participantAccountId } from '../participants/accounts.js';
import { HUB_ID } from '../participants/participant.js';
import type { AccountEntry, ParticipantRegistry } from '../participants/registry.js';
import { Batcher } from '../domain/batcher.js';
import { REFERENCE_MAX_LENGTH, type TransferInput } from '../ledger/model.js';
import type { AuditEntry, RecordPut } from '../store/records.js';
import type { EventInput } from '../store/events.js';
import { isoTime } from '../domain/time.js';
import { TransferCode } from '../settlement/codes.js';
import {
  chainInputs,
  chainOutcome,
  legId,
  paymentLegs,
  resolveInputs,
  type Leg,
} from '../settlement/legs.js';
import { payeeAccount, payerAccount } from '../settlement/parties.js';
import { releasedAs } from '../settlement/payments.js';
import type { StoredTransfer } from '../ledger/model.js';
import { FxError, fxRefusal } from './errors.js';
import {
  calculateQuote,
  DEFAULT_MAX_QUOTE_TTL_MS,
  DEFAULT_QUOTE_TTL_MS,
  MAX_QUOTE_TTL_MS,
  type Quote,
  type QuoteSide,
} from './quote.js';
import { formatRate, invertRate, parseRate } from './rate.js';
import {
  rateHistoryPuts,
  readRateHistory,
  type RateHistoryPage,
  type RateHistoryQuery,
} from './rate-history.js';

export const FX_RATES = 'fx_rates';
export const FX_SPREADS = 'fx_spreads';
export const QUOTES = 'quotes';
/** Per FX provider: the longest a quote of its may hold (see `QuoteLifetime`). */
export const FX_PROVIDERS = 'fx_providers';

/** How long a reservation of a quote made before the provider's maximum was recorded holds (as before). */
const LEGACY_RESERVATION_SECONDS = 3600;

/**
 * How long an FX provider's quotes may hold. The provider (with its own key) or the operator sets
 * the maximum, audited; a provider that never did gets the hub-wide default maximum (300 s). A
 * client may ask for any lifetime up to the maximum; without asking it gets 60 s (or the maximum,
 * if that is shorter). The maximum also bounds a reservation: the reserved legs of a quote are
 * released by the ledger once the maximum has passed since the quote was made.
 */
export interface QuoteLifetime {
  readonly provider: string;
  readonly maxTtlSeconds: number;
  readonly defaultTtlSeconds: number;
}

/** A reference rate: target major units per one source major unit, as of a date. */
export interface RateRecord {
  readonly source: string;
  readonly target: string;
  readonly rate: string;
  /** ISO 8601 date (YYYY-MM-DD) the rate is official for. */
  readonly asOf: string;
  readonly origin: 'operator' | 'csv';
}

/** A provider's terms on one pair: its margin against the reference rate and a fixed fee in source minor units. */
export interface SpreadRecord {
  readonly provider: string;
  readonly source: string;
  readonly target: string;
  readonly spreadBps: number;
  readonly feeMinor: string;
}

export interface QuoteRecord {
  readonly id: string;
  /**
   * `expired`: can no longer be used: an open quote past `expiresAtMs`, or a reservation whose legs
   * the ledger released when its timeout passed (reads derive it from the clock and the legs, so the
   * quote and its legs never disagree; the document itself is updated at the first post or void).
   */
  readonly status: 'open' | 'reserved' | 'executed' | 'voided' | 'expired';
  readonly providerId: string;
  readonly sourceCurrency: string;
  readonly targetCurrency: string;
  readonly side: QuoteSide;
  readonly sourceAmountMinor: string;
  readonly targetAmountMinor: string;
  readonly feeMinor: string;
  readonly totalDebitMinor: string;
  readonly referenceRate: string;
  readonly spreadBps: number;
  readonly rate: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly requestedBy: string;
  /** The provider's maximum quote lifetime when the quote was made: a reservation holds until `createdAtMs` plus this. */
  readonly maxTtlSeconds?: number;
  /** For a reserved quote, as read: when the ledger releases the reserved legs (ns since the epoch). */
  readonly reservedUntilNs?: string;
  readonly payer?: string;
  readonly payee?: string;
  readonly transferIds?: readonly string[];
}

/** What the store keeps per FX provider: the longest its quotes may hold, and when that was set. */
export interface ProviderRecord {
  readonly provider: string;
  readonly maxTtlSeconds: number;
  /** ISO 8601. */
  readonly updatedAt: string;
}

/** A rate as a decimal string, `1.0734` (see rate.ts). */
const rateString = () => Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' });

/**
 * Reference rates: the current one of a pair under `INRRUB`, and each dated one under
 * `INRRUB:2026-11-20`.
 */
const rateDocuments = documentKind<RateRecord>(
  FX_RATES,
  Type.Object(
    {
      source: Type.String(),
      target: Type.String(),
      rate: rateString(),
      asOf: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
      origin: oneOf(['operator', 'csv']),
    },
    strict,
  ),
);

/** Providers' spreads and fees, under `provider:INRRUB`. */
const spreadDocuments = documentKind<SpreadRecord>(
  FX_SPREADS,
  Type.Object(
    {
      provider: Type.String(),
      source: Type.String(),
      target: Type.String(),
      spreadBps: Type.Integer({ minimum: 0 }),
      feeMinor: decimalString(),
    },
    strict,
  ),
);

/** Quotes, under their ids. */
const quoteDocuments = documentKind<QuoteRecord>(
  QUOTES,
  Type.Object(
    {
      id: Type.String(),
      status: oneOf(['open', 'reserved', 'executed', 'voided', 'expired']),
      providerId: Type.String(),
      sourceCurrency: Type.String(),
      targetCurrency: Type.String(),
      side: oneOf(['source', 'target']),
      sourceAmountMinor: decimalString(),
      targetAmountMinor: decimalString(),
      feeMinor: decimalString(),
      totalDebitMinor: decimalString(),
      referenceRate: rateString(),
      spreadBps: Type.Integer({ minimum: 0 }),
      rate: rateString(),
      createdAtMs: Type.Integer({ minimum: 0 }),
      expiresAtMs: Type.Integer({ minimum: 0 }),
      requestedBy: Type.String(),
      maxTtlSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
      reservedUntilNs: Type.Optional(decimalString()),
      payer: Type.Optional(Type.String()),
      payee: Type.Optional(Type.String()),
      transferIds: Type.Optional(Type.Array(Type.String())),
    },
    strict,
  ),
);

/** Each FX provider's quote lifetime, under its id. */
const providerDocuments = documentKind<ProviderRecord>(
  FX_PROVIDERS,
  Type.Object(
    {
      provider: Type.String(),
      maxTtlSeconds: Type.Integer({ minimum: 1 }),
      updatedAt: Type.String(),
    },
    strict,
  ),
);

export interface QuoteRequestInput {
  readonly provider: string;
  readonly source: string;
  readonly target: string;
  readonly side: QuoteSide;
  readonly amountMinor: bigint;
  readonly ttlMs?: number;
}

/**
 * FX for the corridor: reference rates (set by the operator or imported from a CSV of dated
 * official rates), providers' spreads and fees, quotes that hold for a while (60 s by default), and
 * their execution as payment versus payment. Executing a quote writes one linked chain: the payer's
 * source-currency leg into the provider's liquidity account, the provider's target-currency leg
 * out of its liquidity account to the payee, the cap legs of both interbank movements and the fee
 * leg. Both currencies' legs post, or none does; a quote is used once, in that same transaction,
 * which also writes its `quote.executed` event (or, for a reservation, the transaction that posts it).
 */
export class FxService {
  /** The currencies of quotes this process made, newest last (see quotePair). */
  private readonly pairs = new Map<string, QuotePair>();
  private readonly executions = new Batcher<Execution, QuoteRecord>(
    (items) => this.executeGroup(items),
    { maxItems: 1024, concurrentGroups: 2, what: 'FX executions' },
  );

  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
  ) {}

  async setRate(
    input: { source: string; target: string; rate: string; asOf: string },
    actor: Actor,
    origin: RateRecord['origin'] = 'operator',
  ): Promise<RateRecord> {
    const record = validateRate(input, origin);
    await this.ledger.transact(async (tx) => {
      await tx.putRecords([...ratePuts(record), ...rateHistoryPuts([record], actor, tx.nowNs)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'fx.rates.set', `${record.source}${record.target}`, {
          rate: record.rate,
          as_of: record.asOf,
          origin,
        }),
      ]);
    });
    return record;
  }

  /**
   * Imports dated official rates from CSV text with a header `date,source,target,rate`. Every line
   * is checked first; one bad line refuses the whole file, naming its line and column, and nothing
   * is written. The newest date of each pair becomes its current rate.
   */
  async importRates(csv: string, actor: Actor): Promise<{ imported: number }> {
    const lines = csv.split(/\r?\n/).filter((line) => line.trim().length > 0);
    const header = (lines.shift() ?? '').split(',').map((cell) => cell.trim().toLowerCase());
    if (header.join(',') !== 'date,source,target,rate')
      throw invalidField({
        field: 'line 1',
        message: 'the header must be date,source,target,rate',
      });
    const records = lines.map((line, index) => {
      const cells = line.split(',').map((cell) => cell.trim());
      if (cells.length !== 4)
        throw invalidField({
          field: `line ${index + 2}`,
          message: `expected 4 columns, found ${cells.length}`,
        });
      const [asOf = '', source = '', target = '', rate = ''] = cells;
      return validateRate({ source, target, rate, asOf }, 'csv', `line ${index + 2}`);
    });
    if (records.length === 0)
      throw invalidField({ field: 'line 2', message: 'the file has no rates' });
    const newest = new Map<string, RateRecord>();
    for (const record of records) {
      const key = `${record.source}${record.target}`;
      const seen = newest.get(key);
      if (seen === undefined || seen.asOf <= record.asOf) newest.set(key, record);
    }
    await this.ledger.transact(async (tx) => {
      const current = await rateDocuments.getMany(tx, [...newest.keys()]);
      const puts = records.map((record) =>
        rateDocuments.put(`${record.source}${record.target}:${record.asOf}`, record),
      );
      for (const [key, record] of newest) {
        const existing = current.get(key);
        if (existing === undefined || existing.asOf <= record.asOf)
          puts.push(rateDocuments.put(key, record));
      }
      await tx.putRecords([...puts, ...rateHistoryPuts(records, actor, tx.nowNs)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'fx.rates.import', undefined, {
          lines: records.length,
          pairs: newest.size,
        }),
      ]);
    });
    return { imported: records.length };
  }

  /**
   * A page of the pair's reference-rate history: every rate set for it (or for the opposite pair,
   * shown as its inverse), oldest first by the date it is for, then by when it was set.
   */
  async rateHistory(query: RateHistoryQuery): Promise<RateHistoryPage> {
    checkPair(query.source, query.target);
    return readRateHistory(this.ledger.store, query);
  }

  /** The current rate of a pair; the inverse of the opposite pair when only that one is known. */
  async rate(source: string, target: string): Promise<RateRecord> {
    const found = await rateDocuments.getMany(this.ledger.store, [
      `${source}${target}`,
      `${target}${source}`,
    ]);
    const direct = found.get(`${source}${target}`);
    if (direct !== undefined) return direct;
    const opposite = found.get(`${target}${source}`);
    if (opposite === undefined)
      throw new HubError('rate_not_found', {
        field: 'target',
        message: `no rate for ${source}/${target}: set one or import a file of official rates`,
      });
    return {
      ...opposite,
      source,
      target,
      rate: formatRate(invertRate(parseRate(opposite.rate), 12)),
    };
  }

  async setSpread(
    input: {
      provider: string;
      source: string;
      target: string;
      spreadBps: number;
      feeMinor: bigint;
    },
    actor: Actor,
  ): Promise<SpreadRecord> {
    checkPair(input.source, input.target);
    if (!Number.isInteger(input.spreadBps) || input.spreadBps < 0 || input.spreadBps > 9_999)
      throw invalidField({
        field: 'spread_bps',
        message: 'the spread is a whole number of basis points, 0 to 9,999',
      });
    if (input.feeMinor < 0n)
      throw invalidField({ field: 'fee', message: 'the fee is zero or more' });
    const record: SpreadRecord = {
      provider: input.provider,
      source: input.source,
      target: input.target,
      spreadBps: input.spreadBps,
      feeMinor: input.feeMinor.toString(),
    };
    await this.ledger.transact(async (tx) => {
      const provider = await this.registry.require(tx, input.provider);
      if (provider.kind !== 'fx_provider')
        throw new HubError('participant_kind_mismatch', {
          field: 'provider',
          message: `${input.provider} is a ${provider.kind}, not an FX provider`,
        });
      await tx.putRecords([
        spreadDocuments.put(`${input.provider}:${input.source}${input.target}`, record),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'fx.spreads.set', input.provider, {
          pair: `${input.source}${input.target}`,
          spread_bps: input.spreadBps,
          fee: record.feeMinor,
        }),
      ]);
    });
    return record;
  }

  /** Prices a conversion through a provider and keeps the quote until it expires or is used. */
  async quote(input: QuoteRequestInput, actor: Actor): Promise<QuoteRecord> {
    checkPair(input.source, input.target);
    const provider = await this.registry.cached(input.provider);
    if (provider === undefined || provider.kind !== 'fx_provider')
      throw new HubError('participant_not_found', {
        field: 'provider',
        message: `no FX provider ${input.provider}`,
      });
    if (provider.status !== 'active')
      throw new HubError('participant_suspended', {
        field: 'provider',
        message: `${input.provider} is suspended`,
      });
    for (const currency of [input.source, input.target]) {
      if (!provider.currencies.includes(currency))
        throw new HubError('currency_not_used', {
          field: 'provider',
          message: `${input.provider} does not trade ${currency}`,
        });
    }
    const lifetime = await this.lifetimeOf(input.provider);
    const maxTtlMs = lifetime.maxTtlSeconds * 1000;
    if (input.ttlMs !== undefined && input.ttlMs > maxTtlMs) {
      throw invalidField({
        field: 'ttlSeconds',
        message: `ttlSeconds may be at most ${lifetime.maxTtlSeconds} for ${input.provider}: the longest its quotes hold (set by the provider or the operator)`,
      });
    }
    const reference = await this.rate(input.source, input.target);
    const spread = await spreadDocuments.get(
      this.ledger.store,
      `${input.provider}:${input.source}${input.target}`,
    );
    const quote = fx(() =>
      calculateQuote({
        pair: { source: input.source, target: input.target },
        side: input.side,
        amountMinor: input.amountMinor,
        referenceRate: reference.rate,
        spreadBps: spread?.spreadBps ?? 0,
        feeMinor: BigInt(spread?.feeMinor ?? '0'),
        providerId: input.provider,
        nowMs: Number(this.ledger.clock.nowNs() / 1_000_000n),
        ttlMs: input.ttlMs ?? Math.min(DEFAULT_QUOTE_TTL_MS, maxTtlMs),
      }),
    );
    const record: QuoteRecord = {
      ...quoteRecord(uuidV7(), quote, actor),
      maxTtlSeconds: lifetime.maxTtlSeconds,
    };
    await this.ledger.transact(async (tx) => {
      await tx.putRecords([quoteDocuments.put(record.id, record)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'fx.quotes.create', record.id, {
          provider: record.providerId,
          pair: `${record.sourceCurrency}${record.targetCurrency}`,
          rate: record.rate,
        }),
      ]);
    });
    this.rememberPair(record);
    return record;
  }

  /**
   * A quote as it stands now: an open quote past its expiry reads `expired`; a reserved one reads
   * what its legs say (`expired` once the ledger released them, `voided` or `executed` if they were
   * resolved some other way), with `reservedUntilNs`.
   */
  async getQuote(id: string): Promise<QuoteRecord> {
    const quote = await this.storedQuote(id);
    const nowNs = this.ledger.clock.nowNs();
    if (quote.status === 'open' && Number(nowNs / 1_000_000n) >= quote.expiresAtMs)
      return { ...quote, status: 'expired' };
    if (quote.status !== 'reserved') return quote;
    const [leg] = await this.ledger.lookupTransfers([quote.id as never]);
    if (leg === undefined) return quote;
    const status = legsState(leg, nowNs);
    return {
      ...quote,
      status: status ?? 'reserved',
      ...(status === undefined && leg.expiresAt !== undefined && leg.expiresAt !== 0n
        ? { reservedUntilNs: leg.expiresAt.toString() }
        : {}),
    };
  }

  /**
   * A quote's currencies, which never change once it is made: from memory for quotes this process
   * made (the usual case, and an execution then reads nothing before it joins its group; a read
   * through the store waits for every write before it), else from the store. Whether the quote is
   * still usable is checked in the execution's own transaction.
   */
  private async quotePair(id: string): Promise<QuotePair> {
    const known = this.pairs.get(id);
    if (known !== undefined) return known;
    const quote = await this.storedQuote(id);
    return { sourceCurrency: quote.sourceCurrency, targetCurrency: quote.targetCurrency };
  }

  private rememberPair(quote: QuoteRecord): void {
    this.pairs.set(quote.id, {
      sourceCurrency: quote.sourceCurrency,
      targetCurrency: quote.targetCurrency,
    });
    if (this.pairs.size > QUOTE_PAIRS_MAX) {
      const oldest = this.pairs.keys().next();
      if (oldest.done !== true) this.pairs.delete(oldest.value);
    }
  }

  private async storedQuote(id: string): Promise<QuoteRecord> {
    const found = await quoteDocuments.get(this.ledger.store, id);
    if (found === undefined)
      throw new HubError('quote_not_found', { field: 'quote', message: `no quote ${id}` });
    return found;
  }

  /** An FX provider's quote lifetimes. Any id that is not an FX provider's is `participant_not_found`. */
  async quoteLifetime(providerId: string): Promise<QuoteLifetime> {
    const provider = await this.registry.cached(providerId);
    if (provider === undefined || provider.kind !== 'fx_provider')
      throw new HubError('participant_not_found', {
        field: 'provider',
        message: `no FX provider ${providerId}`,
      });
    return this.lifetimeOf(providerId);
  }

  /**
   * Sets the longest an FX provider's quotes may hold, 1 s to a day (audited). The provider's own
   * key or the operator sets it; quotes made before keep their expiry.
   */
  async setQuoteLifetime(
    providerId: string,
    maxTtlSeconds: number,
    actor: Actor,
  ): Promise<QuoteLifetime> {
    if (
      !Number.isSafeInteger(maxTtlSeconds) ||
      maxTtlSeconds < 1 ||
      maxTtlSeconds * 1000 > MAX_QUOTE_TTL_MS
    ) {
      throw invalidField({
        field: 'maxTtlSeconds',
        message: `the maximum quote lifetime is a whole number of seconds from 1 to ${MAX_QUOTE_TTL_MS / 1000}`,
      });
    }
    await this.ledger.transact(async (tx) => {
      const provider = await this.registry.require(tx, providerId);
      if (provider.kind !== 'fx_provider')
        throw new HubError('participant_kind_mismatch', {
          field: 'provider',
          message: `${providerId} is a ${provider.kind}, not an FX provider`,
        });
      const previous = await providerDocuments.get(tx, providerId);
      await tx.putRecords([
        providerDocuments.put(providerId, {
          provider: providerId,
          maxTtlSeconds,
          updatedAt: new Date(Number(tx.nowNs / 1_000_000n)).toISOString(),
        }),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'fx.providers.quote_lifetime', providerId, {
          max_ttl_seconds: maxTtlSeconds,
          previous: previous?.maxTtlSeconds ?? DEFAULT_MAX_QUOTE_TTL_MS / 1000,
        }),
      ]);
    });
    return lifetime(providerId, maxTtlSeconds);
  }

  private async lifetimeOf(providerId: string): Promise<QuoteLifetime> {
    const found = await providerDocuments.get(this.ledger.store, providerId);
    return lifetime(providerId, found?.maxTtlSeconds ?? DEFAULT_MAX_QUOTE_TTL_MS / 1000);
  }

  /**
   * Executes a quote: payment versus payment. With `pending`, every leg is reserved (pending) and
   * `resolve` later posts or voids them all together. Refusals (expired or used quote, too little
   * FX liquidity, a cap exceeded, too little money on the payer's account) leave both ledgers as
   * they were and the quote unused.
   */
  async execute(input: ExecuteInput, actor: Actor): Promise<QuoteRecord> {
    if (input.reference !== undefined)
      checkPlainText(input.reference, { field: 'reference', max: REFERENCE_MAX_LENGTH });
    const quote = await this.quotePair(input.quote);
    const payer = await payerAccount(this.registry, actor, input.payer);
    if (payer.currency !== quote.sourceCurrency)
      throw new HubError('payment_refused', {
        field: 'payer',
        message: `the payer's account is in ${payer.currency}; the quote converts from ${quote.sourceCurrency}`,
      });
    const payee = await payeeAccount(
      this.registry,
      actor,
      input.payee,
      quote.targetCurrency,
      (entry) =>
        new HubError('payment_refused', {
          field: 'payee',
          message: `the payee's account is in ${entry.currency}; the quote converts to ${quote.targetCurrency}`,
        }),
    );
    return this.executions.submit({ input, actor, payer, payee });
  }

  /**
   * Executions waiting together share one transaction: each quote is checked, their chains are
   * written as one ledger batch (each chain all-or-nothing on its own), and each caller gets its
   * own outcome. A quote named twice in a group is used by the first and refused for the second.
   */
  private async executeGroup(items: readonly Execution[]): Promise<(QuoteRecord | Error)[]> {
    return this.ledger.transact(async (tx) => {
      const outcomes = new Array<QuoteRecord | Error>(items.length);
      const stored = await quoteDocuments.getMany(
        tx,
        items.map((item) => item.input.quote),
      );
      const nowMs = Number(tx.nowNs / 1_000_000n);
      const claimed = new Set<string>();
      const chains: { index: number; quote: QuoteRecord; legs: Leg[]; inputs: TransferInput[] }[] =
        [];
      items.forEach((item, index) => {
        try {
          const quote = stored.get(item.input.quote);
          checkExecutable(quote, item, nowMs, claimed);
          const usable = quote as QuoteRecord;
          claimed.add(usable.id);
          const legs = pvpLegs(
            usable,
            item.payer,
            item.payee,
            item.input.reference ?? `fx ${usable.id}`,
          );
          chains.push({
            index,
            quote: usable,
            legs,
            inputs: chainInputs(usable.id, legs, {
              pending: item.input.pending === true,
              timeoutSeconds: item.input.pending === true ? reservationSeconds(usable, nowMs) : 0,
            }),
          });
        } catch (error) {
          outcomes[index] = error as Error;
        }
      });
      const results =
        chains.length === 0
          ? []
          : await tx.createTransfers(chains.flatMap((chain) => chain.inputs));
      const puts: RecordPut[] = [];
      const audit: AuditEntry[] = [];
      const events: EventInput[] = [];
      let offset = 0;
      for (const chain of chains) {
        const item = items[chain.index] as Execution;
        const chainResults = results.slice(offset, offset + chain.inputs.length);
        offset += chain.inputs.length;
        try {
          if (chainOutcome(chain.legs, chainResults, { payerField: 'payer' }).status === 'exists')
            throw new HubError('quote_already_used', {
              field: 'quote',
              message: `quote ${chain.quote.id} was used already`,
            });
        } catch (error) {
          outcomes[chain.index] = error as Error;
          continue;
        }
        const pending = item.input.pending === true;
        const legIds = chain.inputs.map((leg) => leg.id);
        const executed: QuoteRecord = {
          ...chain.quote,
          status: pending ? 'reserved' : 'executed',
          payer: item.payer.id,
          payee: item.payee.id,
          transferIds: legIds,
        };
        outcomes[chain.index] = executed;
        puts.push(quoteDocuments.put(executed.id, executed));
        if (!pending)
          events.push(
            quoteExecutedEvent(executed, item.payer, item.payee, tx.nowNs, false, legIds),
          );
        audit.push(
          auditEntry(
            item.actor,
            tx.nowNs,
            pending ? 'fx.quotes.reserve' : 'fx.quotes.execute',
            executed.id,
            {
              payer: item.payer.id,
              payee: item.payee.id,
              source: `${executed.totalDebitMinor} ${executed.sourceCurrency}`,
              target: `${executed.targetAmountMinor} ${executed.targetCurrency}`,
              legs: chain.legs.length,
            },
          ),
        );
      }
      if (puts.length > 0) await tx.putRecords(puts);
      if (audit.length > 0) await tx.appendAudit(audit);
      if (events.length > 0) await tx.appendEvents(events);
      return outcomes;
    });
  }

  /**
   * Posts or voids every leg of a reserved cross-currency payment together. A reservation the
   * ledger released (its timeout passed) is `quote_expired`, and the quote says `expired` from then
   * on; one whose legs were resolved some other way takes their state and is `quote_already_used`.
   */
  async resolve(quoteId: string, action: 'post' | 'void', actor: Actor): Promise<QuoteRecord> {
    const outcome = await this.ledger.transact(
      async (tx): Promise<{ resolved: QuoteRecord } | { lapsed: QuoteRecord }> => {
        const quote = await quoteDocuments.get(tx, quoteId);
        if (quote === undefined)
          throw new HubError('quote_not_found', { field: 'quote', message: `no quote ${quoteId}` });
        if (quote.status !== 'reserved' || quote.payer === undefined || quote.payee === undefined)
          return { lapsed: quote };
        const payer = await this.registry.account(quote.payer as AccountId);
        const payee = await this.registry.account(quote.payee as AccountId);
        if (payer === undefined || payee === undefined)
          throw new Error(`bug: the accounts of quote ${quoteId} are gone`);
        const legs = pvpLegs(quote, payer, payee, `fx ${quote.id}`);
        const results = await tx.createTransfers(resolveInputs(quote.id, legs, action));
        const released = releasedAs(results);
        if (released !== undefined) {
          const lapsed: QuoteRecord = {
            ...quote,
            status: released === 'posted' ? 'executed' : released,
          };
          await tx.putRecords([quoteDocuments.put(quote.id, lapsed)]);
          await tx.appendAudit([
            auditEntry(actor, tx.nowNs, 'fx.quotes.released', quote.id, {
              status: lapsed.status,
              attempted: action,
            }),
          ]);
          return { lapsed };
        }
        chainOutcome(legs, results, { payerField: 'quote' });
        const resolved: QuoteRecord = {
          ...quote,
          status: action === 'post' ? 'executed' : 'voided',
        };
        await tx.putRecords([quoteDocuments.put(quote.id, resolved)]);
        await tx.appendAudit([
          auditEntry(actor, tx.nowNs, `fx.quotes.${action}`, quote.id, { legs: legs.length }),
        ]);
        if (action === 'post')
          await tx.appendEvents([
            quoteExecutedEvent(
              resolved,
              payer,
              payee,
              tx.nowNs,
              true,
              legs.map((_, index) => legId(quote.id, index)),
            ),
          ]);
        return { resolved };
      },
    );
    if ('resolved' in outcome) return outcome.resolved;
    const quote = outcome.lapsed;
    if (quote.status === 'expired')
      throw new HubError('quote_expired', {
        field: 'quote',
        message: `quote ${quote.id} expired: the ledger released its reserved legs when their timeout passed`,
      });
    throw new HubError('quote_already_used', {
      field: 'quote',
      message: `quote ${quote.id} is ${quote.status}, not reserved`,
    });
  }
}

export interface ExecuteInput {
  readonly quote: string;
  readonly payer: AccountId;
  readonly payee: AccountId;
  readonly pending?: boolean;
  readonly reference?: string;
}

interface Execution {
  readonly input: ExecuteInput;
  readonly actor: Actor;
  readonly payer: AccountEntry;
  readonly payee: AccountEntry;
}

function checkExecutable(
  quote: QuoteRecord | undefined,
  item: Execution,
  nowMs: number,
  claimed: ReadonlySet<string>,
): void {
  const id = item.input.quote;
  if (quote === undefined)
    throw new HubError('quote_not_found', { field: 'quote', message: `no quote ${id}` });
  if (quote.status !== 'open' || claimed.has(quote.id))
    throw new HubError('quote_already_used', {
      field: 'quote',
      message: `quote ${quote.id} was used already (${claimed.has(quote.id) ? 'executed' : quote.status})`,
    });
  if (nowMs >= quote.expiresAtMs)
    throw new HubError('quote_expired', {
      field: 'quote',
      message: `quote ${quote.id} expired at ${new Date(quote.expiresAtMs).toISOString()}`,
    });
  if (item.payer.currency !== quote.sourceCurrency)
    throw new HubError('payment_refused', {
      field: 'payer',
      message: `the payer's account is in ${item.payer.currency}; the quote converts from ${quote.sourceCurrency}`,
    });
  if (item.payee.currency !== quote.targetCurrency)
    throw new HubError('payment_refused', {
      field: 'payee',
      message: `the payee's account is in ${item.payee.currency}; the quote converts to ${quote.targetCurrency}`,
    });
}

/**
 * The `quote.executed` event of a conversion that has just become final: executed at once, or a
 * reservation whose legs were posted (`reserved`). Written in the transaction that posts the legs.
 * Amounts are minor units as decimal strings, as in every event: the source side's (amount, fee,
 * total debit) in the source currency. Its participants are the owners of the payer's and the
 * payee's accounts, the banks they settle with (a corporate's bank, the bank that keeps a vostro
 * account) and the FX provider: those who see the conversion's transfer events, and the provider.
 */
function quoteExecutedEvent(
  quote: QuoteRecord,
  payer: AccountEntry,
  payee: AccountEntry,
  nowNs: bigint,
  reserved: boolean,
  /** The legs' ids (for a reservation posted now, the reserved legs'). */
  legIds: readonly string[],
): EventInput {
  const parties = new Set<string>([payer.participant, payee.participant]);
  if (payer.settlesWith !== undefined) parties.add(payer.settlesWith);
  if (payee.settlesWith !== undefined) parties.add(payee.settlesWith);
  parties.add(quote.providerId);
  parties.delete(HUB_ID);
  return {
    type: 'quote.executed',
    subject: quote.id,
    participants: [...parties],
    data: {
      id: quote.id,
      provider: quote.providerId,
      pair: `${quote.sourceCurrency}${quote.targetCurrency}`,
      sourceCurrency: quote.sourceCurrency,
      targetCurrency: quote.targetCurrency,
      fixed: quote.side,
      sourceAmount: quote.sourceAmountMinor,
      targetAmount: quote.targetAmountMinor,
      fee: quote.feeMinor,
      totalDebit: quote.totalDebitMinor,
      rate: quote.rate,
      referenceRate: quote.referenceRate,
      spreadBps: quote.spreadBps,
      payer: payer.id,
      payee: payee.id,
      payerOwner: payer.participant,
      payeeOwner: payee.participant,
      transferIds: [...legIds],
      reserved,
      executedAt: isoTime(nowNs),
    },
    at: nowNs,
  };
}

/**
 * The seconds a reservation of `quote` made at `nowMs` holds: until the provider's maximum
 * lifetime has passed since the quote was made (at least 1 s; an hour for quotes made before the
 * maximum was recorded).
 */
function reservationSeconds(quote: QuoteRecord, nowMs: number): number {
  if (quote.maxTtlSeconds === undefined) return LEGACY_RESERVATION_SECONDS;
  return Math.max(1, Math.ceil((quote.createdAtMs + quote.maxTtlSeconds * 1000 - nowMs) / 1000));
}

/** What a reserved quote's first leg says about the reservation at `nowNs`; undefined while it holds. */
function legsState(
  leg: StoredTransfer,
  nowNs: bigint,
): 'expired' | 'voided' | 'executed' | undefined {
  if (leg.pendingStatus === 'expired') return 'expired';
  if (leg.pendingStatus === 'voided') return 'voided';
  if (leg.pendingStatus === 'posted') return 'executed';
  if (leg.expiresAt !== undefined && leg.expiresAt !== 0n && leg.expiresAt <= nowNs)
    return 'expired';
  return undefined;
}

function lifetime(provider: string, maxTtlSeconds: number): QuoteLifetime {
  return {
    provider,
    maxTtlSeconds,
    defaultTtlSeconds: Math.min(DEFAULT_QUOTE_TTL_MS / 1000, maxTtlSeconds),
  };
}

/** The legs of a conversion: source in, target out (each with its cap leg when interbank), then the fee. */
function pvpLegs(
  quote: QuoteRecord,
  payer: AccountEntry,
  payee: AccountEntry,
  reference: string,
): Leg[] {
  const provider = quote.providerId;
  const sourceLiquidity: AccountEntry = {
    id: participantAccountId(provider, quote.sourceCurrency, 'fx_liquidity'),
    participant: provider,
    role: 'fx_liquidity',
    currency: quote.sourceCurrency,
    settlesWith: provider,
  };
  const targetLiquidity: AccountEntry = {
    id: participantAccountId(provider, quote.targetCurrency, 'fx_liquidity'),
    participant: provider,
    role: 'fx_liquidity',
    currency: quote.targetCurrency,
    settlesWith: provider,
  };
  const legs = [
    ...paymentLegs(
      payer,
      sourceLiquidity,
      BigInt(quote.sourceAmountMinor),
      TransferCode.fxLeg,
      reference,
      'fx_source',
    ),
    ...paymentLegs(
      targetLiquidity,
      payee,
      BigInt(quote.targetAmountMinor),
      TransferCode.fxLeg,
      reference,
      'fx_target',
    ),
  ];
  if (BigInt(quote.feeMinor) > 0n) {
    legs.push({
      kind: 'fee',
      debit: payer.id,
      credit: participantAccountId(HUB_ID, quote.sourceCurrency, 'fees'),
      amount: BigInt(quote.feeMinor),
      currency: quote.sourceCurrency,
      code: TransferCode.fee,
      reference,
    });
  }
  return legs;
}

function quoteRecord(id: string, quote: Quote, actor: Actor): QuoteRecord {
  return {
    id,
    status: 'open',
    providerId: quote.providerId,
    sourceCurrency: quote.sourceCurrency,
    targetCurrency: quote.targetCurrency,
    side: quote.side,
    sourceAmountMinor: quote.sourceAmountMinor.toString(),
    targetAmountMinor: quote.targetAmountMinor.toString(),
    feeMinor: quote.feeMinor.toString(),
    totalDebitMinor: quote.totalDebitMinor.toString(),
    referenceRate: quote.referenceRate,
    spreadBps: quote.spreadBps,
    rate: quote.rate,
    createdAtMs: quote.createdAtMs,
    expiresAtMs: quote.expiresAtMs,
    requestedBy: actor.id,
  };
}

/** A rate as given by the operator, or read from `line` of a file of rates (the refusal then names the line). */
function validateRate(
  input: { source: string; target: string; rate: string; asOf: string },
  origin: RateRecord['origin'],
  line?: string,
): RateRecord {
  try {
    checkPair(input.source, input.target);
  } catch (error) {
    if (error instanceof HubError && line !== undefined)
      throw new HubError(error.code, { field: line, message: `${line}: ${error.message}` });
    throw error;
  }
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(input.asOf) ||
    Number.isNaN(Date.parse(`${input.asOf}T00:00:00Z`)) ||
    new Date(`${input.asOf}T00:00:00Z`).toISOString().slice(0, 10) !== input.asOf
  ) {
    const message = 'the date must be a calendar date YYYY-MM-DD';
    throw invalidField(
      line === undefined
        ? { field: 'as_of', message }
        : { field: line, message: `${line}: ${message}` },
    );
  }
  const rate = fx(() => formatRate(parseRate(input.rate, 'rate')), line);
  return { source: input.source, target: input.target, rate, asOf: input.asOf, origin };
}

/** A rate as the pair's current one and as the one of its date. */
function ratePuts(record: RateRecord): RecordPut[] {
  return [
    rateDocuments.put(`${record.source}${record.target}`, record),
    rateDocuments.put(`${record.source}${record.target}:${record.asOf}`, record),
  ];
}

function checkPair(source: string, target: string): void {
  if (currencyByCode(source)?.code !== source)
    throw new HubError('unknown_currency', {
      field: 'source',
      message: `${JSON.stringify(source)} is not a supported ISO 4217 code`,
    });
  if (currencyByCode(target)?.code !== target)
    throw new HubError('unknown_currency', {
      field: 'target',
      message: `${JSON.stringify(target)} is not a supported ISO 4217 code`,
    });
  if (source === target)
    throw new HubError('same_currency', {
      field: 'target',
      message: 'source and target currencies must differ',
    });
}

/** FX arithmetic refusals as the hub refusals they are (`fxRefusal`), naming the field or the file's line. */
function fx<T>(compute: () => T, line?: string): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof FxError)) throw error;
    throw fxRefusal(error, line);
  }
}

/** The part of a quote an execution checks before it joins a group: it never changes. */
interface QuotePair {
  readonly sourceCurrency: string;
  readonly targetCurrency: string;
}

/** Quote currencies kept in memory at most (a few MB). */
const QUOTE_PAIRS_MAX = 100_000;
