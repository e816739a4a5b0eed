/**
 * Expected failures of the FX code, thrown as one error class with a closed set of machine codes.
 * FX values are computed deep inside quote and payment code, where threading a result type through
 * every arithmetic helper would obscure the arithmetic; a typed throw keeps the helpers plain while
 * the caller (API, CLI) still switches on `code` and points at `field` in an RFC 9457 problem.
 * `fxErrorHttpStatus` is exhaustive, so a new code without a status does not compile.
 */
export type FxErrorCode =
  /** A rate string or value that is not a positive decimal with at most 12 + 12 digits. */
  | 'invalid_rate'
  /** A computed rate (inverse, spread) that is 0 or has more than 12 integer digits. */
  | 'rate_out_of_range'
  /** A digit count, spread or ttl that is not an integer in its allowed range. */
  | 'invalid_parameter'
  /** An input amount that is not a bigint in 1..AMOUNT_MAX (or 0..AMOUNT_MAX for a fee). */
  | 'invalid_amount'
  /** A currency code or ledger number not in the currency table. */
  | 'unknown_currency'
  /** A quote whose source and target currency are the same. */
  | 'same_currency'
  /** A conversion whose result rounds to 0 minor units. */
  | 'amount_too_small'
  /** A conversion (or amount plus fee) whose result exceeds AMOUNT_MAX minor units. */
  | 'amount_too_large';

/** A failed FX computation: `code` for machines, `field` names the input at fault, `message` for people. */
export class FxError extends Error {
  override readonly name = 'FxError';
  constructor(
    readonly code: FxErrorCode,
    /** The input field at fault (`referenceRate`, `amount`, `pair.source`...), for a problem document's `errors[].field`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status per code: malformed input is 400; well-formed input with no representable answer is 422. */
export const fxErrorHttpStatus: Readonly<Record<FxErrorCode, 400 | 422>> = {
  invalid_rate: 400,
  rate_out_of_range: 422,
  invalid_parameter: 400,
  invalid_amount: 400,
  unknown_currency: 400,
  same_currency: 400,
  amount_too_small: 422,
  amount_too_large: 422,
};
