import type { AccountId, TransferId } from './ids.js';

/** The most items one batch may hold; a single operation is a batch of one. */
export const BATCH_MAX = 8190;

/** What kind of account this is; the ledger itself only requires a non-zero code. */
export const AccountKind = {
  settlement: 1,
  vostro: 2,
  nostro: 3,
  customer: 4,
  fxLiquidity: 5,
  fees: 6,
  suspense: 7,
  investment: 8,
  hub: 9,
  /** A bank's remaining net debit headroom in the open settlement window (see src/settlement/caps.ts). */
  netDebitCap: 10,
} as const;
export type AccountKindName = keyof typeof AccountKind;
export const accountKindNames = Object.keys(AccountKind) as AccountKindName[];

export function accountKindName(code: number): string {
  return accountKindNames.find((name) => AccountKind[name] === code) ?? `code-${code}`;
}

/** What a client asks for when it creates an account. */
export interface AccountInput {
  readonly id: AccountId;
  readonly ledger: number;
  readonly code: number;
  readonly flags: number;
  /** The participant that owns the account (a bank, an FX provider, a corporate, the hub); plain text (see text.ts). */
  readonly owner: string;
  /** Free reference text: plain text (see text.ts), at most REFERENCE_MAX_LENGTH characters (code points). */
  readonly reference: string;
  /** Free integer reference, 0 ≤ value ≤ 2^63−1. */
  readonly userData64: bigint;
  /** Free integer reference, 0 ≤ value ≤ 2^32−1. */
  readonly userData32: number;
}

export interface Balances {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

/** An account as stored: its input, the server timestamp of its creation and its balances. */
export interface Account extends AccountInput, Balances {
  /** Nanoseconds since the Unix epoch; unique and strictly increasing across the whole ledger. */
  readonly timestamp: bigint;
}

export interface TransferInput {
  readonly id: TransferId;
  readonly debitAccountId: AccountId;
  readonly creditAccountId: AccountId;
  /** Minor units. For post_pending, 0 means "the whole pending amount"; for void, 0 or the pending amount. */
  readonly amount: bigint;
  /** The pending transfer a post or void refers to; ZERO_ID otherwise. */
  readonly pendingId: TransferId;
  readonly ledger: number;
  readonly code: number;
  readonly flags: number;
  /** Seconds after which a pending transfer is voided by the ledger; 0 means never. */
  readonly timeoutSeconds: number;
  readonly reference: string;
  readonly userData64: bigint;
  readonly userData32: number;
}

/** A transfer as stored. Post and void transfers carry the accounts, ledger and code of their pending transfer. */
export interface Transfer extends TransferInput {
  readonly timestamp: bigint;
}

export type PendingStatus = 'pending' | 'posted' | 'voided' | 'expired';

/** A stored transfer together with, for a pending transfer, what became of it. */
export interface StoredTransfer extends Transfer {
  readonly pendingStatus?: PendingStatus;
  /** For a pending transfer with a timeout: when it expires (ns since epoch), else 0n. */
  readonly expiresAt?: bigint;
}

/** In characters (Unicode code points), as JSON Schema, PostgreSQL and SQLite count them. */
export const REFERENCE_MAX_LENGTH = 64;
export const USER_DATA_64_MAX = (1n << 63n) - 1n;
export const USER_DATA_32_MAX = 2 ** 32 - 1;
export const TIMEOUT_SECONDS_MAX = 2 ** 31 - 1;
