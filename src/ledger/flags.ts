/** Account flags, a bit set as in TigerBeetle. */
export const AccountFlags = {
  none: 0,
  /** This account and the next in the batch succeed or fail together. */
  linked: 1 << 0,
  /** debits_pending + debits_posted may never exceed credits_posted (a liability must stay funded). */
  debitsMustNotExceedCredits: 1 << 1,
  /** credits_pending + credits_posted may never exceed debits_posted. */
  creditsMustNotExceedDebits: 1 << 2,
  /**
   * Transfers between two tallied accounts are added to the pair tallies, when their code is one the
   * database tallies (see tallies.ts). The hub opens every participant account tallied, so that
   * netting reads its windows' tallies; other accounts cost nothing to keep.
   */
  tallied: 1 << 3,
} as const;
export const ACCOUNT_FLAGS_KNOWN =
  AccountFlags.linked |
  AccountFlags.debitsMustNotExceedCredits |
  AccountFlags.creditsMustNotExceedDebits |
  AccountFlags.tallied;

/** Transfer flags. `expired` is set only by the ledger itself, on the void it writes at a timeout. */
export const TransferFlags = {
  none: 0,
  linked: 1 << 0,
  pending: 1 << 1,
  postPending: 1 << 2,
  voidPending: 1 << 3,
  expired: 1 << 4,
} as const;
/** The flags a client may set; `expired` is reserved to the ledger. */
export const TRANSFER_FLAGS_CLIENT =
  TransferFlags.linked |
  TransferFlags.pending |
  TransferFlags.postPending |
  TransferFlags.voidPending;

export const accountFlagNames = {
  linked: AccountFlags.linked,
  debits_must_not_exceed_credits: AccountFlags.debitsMustNotExceedCredits,
  credits_must_not_exceed_debits: AccountFlags.creditsMustNotExceedDebits,
  tallied: AccountFlags.tallied,
} as const;

export function flagNames(flags: number, names: Readonly<Record<string, number>>): string[] {
  return Object.entries(names)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
}

export function hasFlag(flags: number, bit: number): boolean {
  return (flags & bit) !== 0;
}
