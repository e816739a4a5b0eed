import type { LedgerTotals, VerifyReport } from '../ledger/verify.js';
import { amountText } from './amounts.js';

/** The verifier's report as the API (`GET /v1/verify`) and `vostro verify --json` show it. */

/** One currency's totals, amounts as decimal strings. */
export function ledgerTotalsJson(totals: LedgerTotals) {
  const amount = (minor: bigint): string => amountText(minor, totals.ledger);
  return {
    currency: totals.currency,
    ledger: totals.ledger,
    accounts: totals.accounts,
    debitsPosted: amount(totals.debitsPosted),
    creditsPosted: amount(totals.creditsPosted),
    debitsPending: amount(totals.debitsPending),
    creditsPending: amount(totals.creditsPending),
  };
}

export function verifyReportJson(report: VerifyReport) {
  const { ok, journalEntries, accounts, transfers, problems } = report;
  return {
    ok,
    journalEntries,
    accounts,
    transfers,
    ledgers: report.ledgers.map(ledgerTotalsJson),
    problems,
  };
}
