/**
 * Expected failures of the settlement code, thrown as one error class with a closed set of codes.
 * Netting streams a million rows through one tight loop; a result object per row would cost
 * allocations on the hot path, so a bad row throws instead, naming the row's position and field so
 * that the caller can report exactly which posted transfer was malformed.
 */
export type SettlementErrorCode =
  /** A currency code or ledger number not in the currency table. */
  | 'unknown_currency'
  /** An amount that is not a bigint in 1..AMOUNT_MAX. */
  | 'invalid_amount'
  /** A participant id that is not a non-empty string. */
  | 'invalid_participant'
  /** An option or count (efficiency digits, an aggregate's transfer count) outside its range. */
  | 'invalid_parameter';

/** A malformed netting input: `code` for machines, `field` and `itemIndex` point at it, `message` for people. */
export class SettlementError extends Error {
  override readonly name = 'SettlementError';
  constructor(
    readonly code: SettlementErrorCode,
    /** The item field at fault: `currency`, `amount`, `debitParticipant` or `creditParticipant` (or the option's name). */
    readonly field: string,
    message: string,
    /**
     * How many items the accumulator had accepted before this one: its 0-based position when every
     * earlier item was accepted (as in one `addMany`, which stops at the first bad item); -1 for an option.
     */
    readonly itemIndex: number,
  ) {
    super(message);
  }
}

/** HTTP status per code: every settlement input error is the caller's (400). */
export const settlementErrorHttpStatus: Readonly<Record<SettlementErrorCode, 400>> = {
  unknown_currency: 400,
  invalid_amount: 400,
  invalid_participant: 400,
  invalid_parameter: 400,
};
