import { currencyByLedger, formatAmount } from '../ledger/currency.js';
import { accountFlagNames, flagNames, TransferFlags } from '../ledger/flags.js';
import { ZERO_ID } from '../ledger/ids.js';
import {
  accountKindName,
  type Account,
  type StoredTransfer,
  type Transfer,
} from '../ledger/model.js';
import type { LedgerTotals } from '../ledger/verify.js';

/**
 * How ledger values look on the command line, shared by the table and the JSON forms so the two
 * never disagree. Amounts are decimal strings in major units; nothing here goes through a float.
 */

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

export function currencyCode(ledger: number): string {
  return currencyByLedger(ledger)?.code ?? `ledger-${ledger}`;
}

/** Minor units as a decimal string in the ledger's currency; an unknown ledger shows minor units. */
export function amountText(amountMinor: bigint, ledger: number): string {
  const currency = currencyByLedger(ledger);
  return currency === undefined ? amountMinor.toString() : formatAmount(amountMinor, currency);
}

export function amountWithCode(amountMinor: bigint, ledger: number): string {
  return `${amountText(amountMinor, ledger)} ${currencyCode(ledger)}`;
}

/**
 * The hub's accounts are its liabilities to their owners, so the balance shown is credits minus
 * debits: positive means the hub owes the owner that much.
 */
export function netPostedMinor(account: Account): bigint {
  return account.creditsPosted - account.debitsPosted;
}

/** What the owner could still pay out: posted credits less posted and pending debits. */
export function availableMinor(account: Account): bigint {
  return account.creditsPosted - account.debitsPosted - account.debitsPending;
}

export type TransferKind = 'plain' | 'pending' | 'post' | 'void' | 'expired';

export function transferKind(transfer: Transfer): TransferKind {
  if ((transfer.flags & TransferFlags.pending) !== 0) return 'pending';
  if ((transfer.flags & TransferFlags.postPending) !== 0) return 'post';
  if ((transfer.flags & TransferFlags.expired) !== 0) return 'expired';
  if ((transfer.flags & TransferFlags.voidPending) !== 0) return 'void';
  return 'plain';
}

/** How much a transfer moved the posted balances: pending, void and expiry move only pending ones. */
export function postedAmountMinor(transfer: Transfer): bigint {
  const kind = transferKind(transfer);
  return kind === 'plain' || kind === 'post' ? transfer.amount : 0n;
}

export function balancesJson(account: Account) {
  return {
    debitsPosted: amountText(account.debitsPosted, account.ledger),
    creditsPosted: amountText(account.creditsPosted, account.ledger),
    debitsPending: amountText(account.debitsPending, account.ledger),
    creditsPending: amountText(account.creditsPending, account.ledger),
    netPosted: amountText(netPostedMinor(account), account.ledger),
    available: amountText(availableMinor(account), account.ledger),
  };
}

export function accountJson(account: Account) {
  return {
    id: account.id,
    owner: account.owner,
    currency: currencyCode(account.ledger),
    ledger: account.ledger,
    kind: accountKindName(account.code),
    code: account.code,
    flags: flagNames(account.flags, accountFlagNames),
    reference: account.reference,
    createdAt: isoTime(account.timestamp),
    timestamp: account.timestamp.toString(),
    balances: balancesJson(account),
  };
}

export function transferJson(transfer: StoredTransfer) {
  return {
    id: transfer.id,
    kind: transferKind(transfer),
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: amountText(transfer.amount, transfer.ledger),
    currency: currencyCode(transfer.ledger),
    code: transfer.code,
    pendingId: transfer.pendingId === ZERO_ID ? null : transfer.pendingId,
    timeoutSeconds: transfer.timeoutSeconds,
    reference: transfer.reference,
    time: isoTime(transfer.timestamp),
    timestamp: transfer.timestamp.toString(),
    pendingStatus: transfer.pendingStatus ?? null,
    expiresAt:
      transfer.expiresAt !== undefined && transfer.expiresAt !== 0n
        ? isoTime(transfer.expiresAt)
        : null,
  };
}

/** One currency's totals from the verifier, amounts as decimal strings (the CLI's --json and the API). */
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
