import type { Static } from '@sinclair/typebox';
import type { VerifyReport as VerifyReportValue } from '../ledger/verify.js';
import type { StoredAuditEntry } from '../store/records.js';
import { AccountFlags, hasFlag, TransferFlags } from '../ledger/flags.js';
import { ZERO_ID } from '../ledger/ids.js';
import {
  accountKindName,
  type Account as AccountValue,
  type StoredTransfer,
} from '../ledger/model.js';
import {
  amountText,
  availableMinor,
  currencyCode,
  isoTime,
  netPostedMinor,
  transferKind,
  ledgerTotalsJson,
} from '../cli/format.js';
import type { Account, AccountBalance, Balances, Transfer, VerifyReport } from './schemas.js';

/**
 * Ledger values as the API shows them. Amounts are decimal strings in major units, 64-bit
 * integers decimal strings, flags booleans; the shapes are the schemas' `Static` types, so the
 * compiler checks them against what `/v1/openapi.json` publishes.
 */

export function balancesJson(account: AccountValue): Static<typeof Balances> {
  const amount = (minor: bigint): string => amountText(minor, account.ledger);
  return {
    debitsPosted: amount(account.debitsPosted),
    creditsPosted: amount(account.creditsPosted),
    debitsPending: amount(account.debitsPending),
    creditsPending: amount(account.creditsPending),
    netPosted: amount(netPostedMinor(account)),
    available: amount(availableMinor(account)),
  };
}

export function accountJson(account: AccountValue): Static<typeof Account> {
  return {
    id: account.id,
    owner: account.owner,
    currency: currencyCode(account.ledger),
    kind: accountKindName(account.code),
    code: account.code,
    linked: hasFlag(account.flags, AccountFlags.linked),
    debitsMustNotExceedCredits: hasFlag(account.flags, AccountFlags.debitsMustNotExceedCredits),
    creditsMustNotExceedDebits: hasFlag(account.flags, AccountFlags.creditsMustNotExceedDebits),
    tallied: hasFlag(account.flags, AccountFlags.tallied),
    reference: account.reference,
    userData64: account.userData64.toString(),
    userData32: account.userData32,
    createdAt: isoTime(account.timestamp),
    timestamp: account.timestamp.toString(),
    balances: balancesJson(account),
  };
}

export function accountBalanceJson(
  account: AccountValue,
  asOfNs: bigint,
): Static<typeof AccountBalance> {
  return {
    accountId: account.id,
    currency: currencyCode(account.ledger),
    balances: balancesJson(account),
    asOf: isoTime(asOfNs),
  };
}

export function transferJson(transfer: StoredTransfer): Static<typeof Transfer> {
  return {
    id: transfer.id,
    kind: transferKind(transfer),
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: amountText(transfer.amount, transfer.ledger),
    currency: currencyCode(transfer.ledger),
    code: transfer.code,
    pending: hasFlag(transfer.flags, TransferFlags.pending),
    linked: hasFlag(transfer.flags, TransferFlags.linked),
    postPending: hasFlag(transfer.flags, TransferFlags.postPending),
    voidPending: hasFlag(transfer.flags, TransferFlags.voidPending),
    expired: hasFlag(transfer.flags, TransferFlags.expired),
    pendingId: transfer.pendingId === ZERO_ID ? null : transfer.pendingId,
    timeoutSeconds: transfer.timeoutSeconds,
    reference: transfer.reference,
    userData64: transfer.userData64.toString(),
    userData32: transfer.userData32,
    createdAt: isoTime(transfer.timestamp),
    timestamp: transfer.timestamp.toString(),
    pendingStatus: transfer.pendingStatus ?? null,
    expiresAt:
      transfer.expiresAt !== undefined && transfer.expiresAt !== 0n
        ? isoTime(transfer.expiresAt)
        : null,
  };
}

export function verifyReportJson(report: VerifyReportValue): Static<typeof VerifyReport> {
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

/** An audit entry as the API and `vostro audit --json` show it: seq as a string, time in ISO 8601 with nanoseconds. */
export function auditJson(entry: StoredAuditEntry) {
  return {
    seq: entry.seq.toString(),
    at: isoTime(entry.at),
    actor: entry.actor,
    role: entry.role,
    ...(entry.keyId === undefined ? {} : { keyId: entry.keyId }),
    ...(entry.requestId === undefined ? {} : { requestId: entry.requestId }),
    action: entry.action,
    ...(entry.target === undefined ? {} : { target: entry.target }),
    detail: entry.detail,
  };
}
