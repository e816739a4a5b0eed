import { AccountFlags, hasFlag } from '../ledger/flags.js';
import { accountKindName, type Account } from '../ledger/model.js';
import { amountText, currencyCode } from './amounts.js';
import { isoTime } from './time.js';

/**
 * An account and its balances as the API (`GET /v1/accounts/{id}`, `…/balance`) and the CLI's
 * `--json` (`account show|list|create`, `balance`) show them; src/api/to-json.ts checks the shapes
 * against the published schemas.
 */

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

export function balancesJson(account: Account) {
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

export function accountJson(account: Account) {
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

/** The balances of one account as of a moment (the ledger's clock when they were read). */
export function accountBalanceJson(account: Account, asOfNs: bigint) {
  return {
    accountId: account.id,
    currency: currencyCode(account.ledger),
    balances: balancesJson(account),
    asOf: isoTime(asOfNs),
  };
}
