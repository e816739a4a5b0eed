import { DomainError, HubError, type HubErrorCode } from '../domain/errors.js';

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
export class SettlementError extends DomainError<SettlementErrorCode> {
  override readonly name = 'SettlementError';
  /** The item field at fault: `currency`, `amount`, `debitParticipant` or `creditParticipant` (or the option's name). */
  declare readonly field: string;
  /**
   * How many items the accumulator had accepted before this one: its 0-based position when every
   * earlier item was accepted (as in one `addMany`, which stops at the first bad item); -1 for an option.
   */
  readonly itemIndex: number;

  constructor(
    code: SettlementErrorCode,
    details: { readonly field: string; readonly message: string; readonly itemIndex: number },
  ) {
    super(code, details);
    this.itemIndex = details.itemIndex;
  }
}

/**
 * The hub refusal each netting failure is (see `settlementRefusal`). Exhaustive: a new code does
 * not compile until it is mapped here. Every one is an input error, 400 over HTTP
 * (src/api/hub-status.ts).
 */
export const SETTLEMENT_REFUSAL: Readonly<Record<SettlementErrorCode, HubErrorCode>> = {
  unknown_currency: 'unknown_currency',
  invalid_amount: 'invalid_field',
  invalid_participant: 'invalid_field',
  invalid_parameter: 'invalid_parameter',
};

/** A netting failure as the hub refusal it is (`SETTLEMENT_REFUSAL`), naming the same field. */
export function settlementRefusal(error: SettlementError): HubError {
  return new HubError(SETTLEMENT_REFUSAL[error.code], {
    field: error.field,
    message: error.message,
  });
}
