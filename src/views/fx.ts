import type { QuoteRecord, SpreadRecord } from '../fx/service.js';
import { amountsIn } from './amounts.js';

/** FX providers' spreads and quotes as the API (`/v1/fx/…`) and the CLI's `fx … --json` show them. */

export function spreadJson(record: SpreadRecord) {
  return {
    provider: record.provider,
    source: record.source,
    target: record.target,
    spreadBps: record.spreadBps,
    fee: amountsIn(record.source)(BigInt(record.feeMinor)),
  };
}

/** A quote: amounts as decimal strings, the source side's (fee, total debit) in the source currency. */
export function quoteJson(quote: QuoteRecord) {
  const source = amountsIn(quote.sourceCurrency);
  const target = amountsIn(quote.targetCurrency);
  return {
    id: quote.id,
    status: quote.status,
    provider: quote.providerId,
    sourceCurrency: quote.sourceCurrency,
    targetCurrency: quote.targetCurrency,
    fixed: quote.side,
    sourceAmount: source(BigInt(quote.sourceAmountMinor)),
    targetAmount: target(BigInt(quote.targetAmountMinor)),
    fee: source(BigInt(quote.feeMinor)),
    totalDebit: source(BigInt(quote.totalDebitMinor)),
    referenceRate: quote.referenceRate,
    spreadBps: quote.spreadBps,
    rate: quote.rate,
    expiresAt: new Date(quote.expiresAtMs).toISOString(),
    ...(quote.payer === undefined ? {} : { payer: quote.payer }),
    ...(quote.payee === undefined ? {} : { payee: quote.payee }),
    ...(quote.transferIds === undefined ? {} : { transferIds: [...quote.transferIds] }),
    ...(quote.reservedUntilNs === undefined
      ? {}
      : {
          reservedUntil: new Date(Number(BigInt(quote.reservedUntilNs) / 1_000_000n)).toISOString(),
        }),
  };
}
