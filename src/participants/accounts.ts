import { Type } from '@sinclair/typebox';
import { accountIdString, oneOf, strict } from '../domain/documents.js';
import { AccountFlags } from '../ledger/flags.js';
import { derivedId, type AccountId } from '../ledger/ids.js';
import { AccountKind, type AccountKindName } from '../ledger/model.js';
import type { AccountIdentifier } from './identifiers.js';
import type { ParticipantKind } from './participant.js';

/**
 * The accounts a participant holds at the hub, by role. Opening a participant opens the accounts
 * its kind needs in each of its currencies; vostro, nostro, investment and suspense accounts are
 * opened on request. Account ids are derived from (participant, currency, role[, bank]), so every
 * store and every process finds the same account for the same role, and an opening retried after
 * a lost reply finds the accounts it already made.
 *
 * Sign conventions: money a participant holds is a credit balance on its account; the hub's
 * settlement account is debited when money enters the hub (a prefunding) and so holds a debit
 * balance equal to what the hub holds for everyone.
 */
export const ACCOUNT_ROLES = {
  /** A bank's or FX provider's own money at the hub (prefunded; may not go below zero). */
  settlement: {
    kind: 'settlement',
    flags: AccountFlags.debitsMustNotExceedCredits,
    description: 'settlement account',
  },
  /** Headroom left under the net debit cap in the open window (see src/settlement/caps.ts). */
  cap: {
    kind: 'netDebitCap',
    flags: AccountFlags.debitsMustNotExceedCredits,
    description: 'net debit cap headroom',
  },
  /** An FX provider's liquidity in one currency: the legs of its conversions. */
  fx_liquidity: {
    kind: 'fxLiquidity',
    flags: AccountFlags.debitsMustNotExceedCredits,
    description: 'FX liquidity',
  },
  /** A corporate's account with its bank. */
  customer: {
    kind: 'customer',
    flags: AccountFlags.debitsMustNotExceedCredits,
    description: 'customer account',
  },
  /** A foreign bank's account kept by a domestic bank (for a Russian bank's rupees: the Special Rupee Vostro Account). */
  vostro: {
    kind: 'vostro',
    flags: AccountFlags.debitsMustNotExceedCredits,
    description: 'vostro account',
  },
  /** A bank's own account kept by a foreign bank, as the bank records it. */
  nostro: {
    kind: 'nostro',
    flags: AccountFlags.debitsMustNotExceedCredits,
    description: 'nostro account',
  },
  /** Where surplus vostro balances are invested (treasury bills, government securities). */
  investment: {
    kind: 'investment',
    flags: AccountFlags.debitsMustNotExceedCredits,
    description: 'investment account',
  },
  /** Money whose destination is being cleared up. */
  suspense: { kind: 'suspense', flags: AccountFlags.none, description: 'suspense account' },
  /** The hub's account at the central bank: where prefunding enters and settlement leaves. */
  hub_settlement: {
    kind: 'hub',
    flags: AccountFlags.none,
    description: 'settlement account at the central bank',
  },
  /** The other side of every bank's cap headroom. */
  cap_source: { kind: 'hub', flags: AccountFlags.none, description: 'net debit cap source' },
  /** The hub's fee income. */
  fees: { kind: 'fees', flags: AccountFlags.none, description: 'fee income' },
} as const satisfies Record<string, { kind: AccountKindName; flags: number; description: string }>;
export type AccountRole = keyof typeof ACCOUNT_ROLES;
/** Every role, in the order of ACCOUNT_ROLES (`Object.keys` is typed `string[]`; these are its keys). */
export const ACCOUNT_ROLE_NAMES = Object.keys(ACCOUNT_ROLES) as readonly AccountRole[];

/** Roles opened with a participant, in each of its currencies. */
export const ROLES_OPENED_WITH: Readonly<Record<ParticipantKind, readonly AccountRole[]>> = {
  bank: ['settlement', 'cap'],
  fx_provider: ['settlement', 'cap', 'fx_liquidity'],
  corporate: ['customer'],
  hub: ['hub_settlement', 'cap_source', 'fees', 'suspense'],
  customs: [],
};

/** Roles a participant of each kind may open later. */
export const ROLES_OPENED_LATER: Readonly<Record<ParticipantKind, readonly AccountRole[]>> = {
  bank: ['vostro', 'nostro', 'investment', 'suspense'],
  fx_provider: ['suspense'],
  corporate: [],
  hub: [],
  customs: [],
};

export interface ParticipantAccount {
  readonly role: AccountRole;
  readonly currency: string;
  readonly id: AccountId;
  /** For vostro and nostro accounts: the bank that keeps the account. */
  readonly heldAt?: string;
  /** IBANs and other identifiers the account answers to in ISO 20022 messages (see identifiers.ts). */
  readonly identifiers?: readonly AccountIdentifier[];
}

/** A ParticipantAccount as a participant's document holds it (see src/domain/documents.ts). */
export const ParticipantAccountSchema = Type.Object(
  {
    role: oneOf(ACCOUNT_ROLE_NAMES),
    currency: Type.String(),
    id: accountIdString(),
    heldAt: Type.Optional(Type.String()),
    identifiers: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Object({ iban: Type.String() }, strict),
          Type.Object({ other: Type.String() }, strict),
        ]),
      ),
    ),
  },
  strict,
);

/**
 * Derived ids are a SHA-256 each, and every payment and conversion names several accounts: the ids
 * of accounts this process has named are remembered (a few per participant, bounded all the same).
 */
const knownAccountIds = new Map<string, AccountId>();
const KNOWN_ACCOUNT_IDS_MAX = 100_000;

export function participantAccountId(
  participant: string,
  currency: string,
  role: AccountRole,
  heldAt?: string,
): AccountId {
  const name = `vostro:account:${participant}:${currency}:${role}${heldAt === undefined ? '' : `@${heldAt}`}`;
  let id = knownAccountIds.get(name);
  if (id === undefined) {
    if (knownAccountIds.size >= KNOWN_ACCOUNT_IDS_MAX) knownAccountIds.clear();
    id = derivedId(name) as AccountId;
    knownAccountIds.set(name, id);
  }
  return id;
}

export function accountCode(role: AccountRole): number {
  return AccountKind[ACCOUNT_ROLES[role].kind];
}
