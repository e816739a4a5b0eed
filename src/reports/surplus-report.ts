import { currencyByCode, formatAmount, type Currency } from '../ledger/currency.js';
import type { SurplusNow, SurplusSeries, SweepResult } from '../settlement/surplus.js';
import { csvText, toCsv } from './csv.js';
import { isoOfNs } from '../domain/time.js';

/**
 * Renderings of the rupee surplus (src/settlement/surplus.ts): JSON with amounts as major-unit
 * decimal strings, and the series as one RFC 4180 table (one row per point, one column per bank,
 * then the total).
 */
function currencyOf(code: string): Currency {
  const currency = currencyByCode(code);
  if (currency === undefined) throw new Error(`bug: unknown currency ${code}`);
  return currency;
}

export function surplusNowJson(surplus: SurplusNow) {
  const currency = currencyOf(surplus.currency);
  const amount = (minor: bigint): string => formatAmount(minor, currency);
  return {
    currency: surplus.currency,
    asOf: surplus.asOfIso,
    total: amount(surplus.totalMinor),
    investedTotal: amount(surplus.investedTotalMinor),
    banks: surplus.banks.map((bank) => ({
      bank: bank.bank,
      name: bank.name,
      surplus: amount(bank.surplusMinor),
      invested: amount(bank.investedMinor),
      investmentAccountId: bank.investmentAccountId ?? null,
      vostro: bank.vostro.map((account) => ({
        accountId: account.accountId,
        heldAt: account.heldAt,
        balance: amount(account.balanceMinor),
      })),
    })),
  };
}

export function surplusSeriesJson(series: SurplusSeries) {
  const currency = currencyOf(series.currency);
  const amount = (minor: bigint): string => formatAmount(minor, currency);
  return {
    currency: series.currency,
    kind: series.kind,
    utcOffsetMinutes: series.utcOffsetMinutes,
    convention:
      'posted INR vostro balances of Russian banks including every posting with timestamp ≤ at',
    banks: series.banks.map((bank) => ({ bank: bank.bank, name: bank.name })),
    points: series.points.map((point) => ({
      label: point.label,
      at: { timestamp: point.atNs.toString(), time: isoOfNs(point.atNs) },
      byBank: Object.fromEntries(
        series.banks.map((bank, index) => [bank.bank, amount(point.byBankMinor[index] ?? 0n)]),
      ),
      total: amount(point.totalMinor),
    })),
  };
}

/** One row per point: label (date or window), the instant, one column per bank (by id), total. */
export function surplusSeriesCsv(series: SurplusSeries): string {
  const currency = currencyOf(series.currency);
  const amount = (minor: bigint): string => formatAmount(minor, currency);
  return toCsv(
    [
      series.kind === 'daily' ? 'date' : 'window',
      'at',
      'timestamp',
      ...series.banks.map((bank) => csvText(bank.bank)),
      'total',
    ],
    series.points.map((point) => [
      point.label,
      isoOfNs(point.atNs),
      point.atNs.toString(),
      ...series.banks.map((_, index) => amount(point.byBankMinor[index] ?? 0n)),
      amount(point.totalMinor),
    ]),
  );
}

export function sweepResultJson(result: SweepResult) {
  return {
    id: result.id,
    status: result.status,
    bank: result.bank,
    from: result.from,
    heldAt: result.heldAt,
    to: result.to,
    amount: formatAmount(result.amountMinor, currencyOf(result.currency)),
    currency: result.currency,
    instrument: result.instrument,
    transferReference: result.transferReference,
  };
}
