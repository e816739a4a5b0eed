import { DomainError, HubError, type HubErrorCode } from '../domain/errors.js';

/**
 * Expected failures of the FX code, thrown as one error class with a closed set of machine codes.
 * FX values are computed deep inside quote and payment code, where threading a result type through
 * every arithmetic helper would obscure the arithmetic; a typed throw keeps the helpers plain while
 * the caller (API, CLI) still switches on `code` and points at `field` in an RFC 9457 problem.
 * `FX_REFUSAL` maps every code to the hub refusal it is, so a new code without one does not compile.
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
export class FxError extends DomainError<FxErrorCode> {
  override readonly name = 'FxError';
  /** The input field at fault (`referenceRate`, `amount`, `pair.source`...). */
  declare readonly field: string;

  constructor(code: FxErrorCode, details: { readonly field: string; readonly message: string }) {
    super(code, details);
  }
}

/**
 * The hub refusal each FX failure is, when the FX service meets it (see `fxRefusal`). Exhaustive:
 * a new FX code does not compile until it is mapped here. The HTTP status follows from the hub code
 * (src/api/hub-status.ts): malformed input is 400, well-formed input with no representable answer
 * (a side that rounds to 0, a total over the largest amount) is 422. A computed rate out of range
 * is refused as the rate it came from (`invalid_rate`), and an amount that is not one as any
 * invalid field.
 */
export const FX_REFUSAL: Readonly<Record<FxErrorCode, HubErrorCode>> = {
  invalid_rate: 'invalid_rate',
  rate_out_of_range: 'invalid_rate',
  invalid_parameter: 'invalid_parameter',
  invalid_amount: 'invalid_field',
  unknown_currency: 'unknown_currency',
  same_currency: 'same_currency',
  amount_too_small: 'amount_too_small',
  amount_too_large: 'amount_too_large',
};

/**
 * An FX failure as the hub refusal it is (`FX_REFUSAL`), naming the same field; `line`, for a rate
 * read from a file, names the line instead and starts the message with it.
 */
export function fxRefusal(error: FxError, line?: string): HubError {
  return new HubError(FX_REFUSAL[error.code], {
    field: line ?? error.field,
    message: line === undefined ? error.message : `${line}: ${error.message}`,
  });
}
