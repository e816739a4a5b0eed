import { currencyByCode, type Currency } from '../ledger/currency.js';
import { fitsLength, notPlainReason } from '../ledger/text.js';

/**
 * Refusals of the hub's operations (participants, keys, FX, settlement windows): a machine code
 * from a closed set, the input field at fault when there is one, and a sentence for people. The
 * HTTP layer maps every code to one status in one exhaustive table (src/api/hub-status.ts); the
 * command line prints the message and exits with 1 (2 for usage errors).
 */
export const HUB_ERROR_CODES = [
  'invalid_field',
  'participant_exists',
  'participant_not_found',
  'participant_suspended',
  'participant_kind_mismatch',
  'bank_not_found',
  'currency_not_used',
  'unknown_currency',
  'account_not_found',
  'account_role_mismatch',
  'key_not_found',
  'key_revoked',
  'rate_not_found',
  'invalid_rate',
  'same_currency',
  'invalid_parameter',
  'quote_not_found',
  'quote_expired',
  'quote_already_used',
  'amount_too_small',
  'amount_too_large',
  'insufficient_fx_liquidity',
  'liquidity_cap_exceeded',
  'insufficient_funds',
  'cap_below_current_use',
  'window_not_found',
  'window_not_closed',
  'window_already_closed',
  'window_already_settled',
  'payment_refused',
  'payment_not_found',
  'payment_not_pending',
  'issuer_exists',
  'issuer_not_found',
  'issuer_key_exists',
  'document_too_large',
  'document_invalid',
  'document_not_found',
  'title_conflict',
  'title_invalid',
  'title_surrendered',
  'unknown_hs_code',
  'trade_not_found',
  'trade_exists',
  'trade_status_conflict',
  'trade_already_paid',
  'trade_expired',
  'presentation_exists',
  'forbidden',
  'identifier_exists',
  'identifier_not_found',
  'webhook_not_found',
  'webhook_status_conflict',
] as const;
export type HubErrorCode = (typeof HUB_ERROR_CODES)[number];

/**
 * What a refusal says besides its code: a sentence for people and, when one input is at fault,
 * that input's name (a body field such as `currencies/0`, or `path.id` / `query.after`). Every
 * refusal class takes these as one options object after its code, so that the two strings cannot
 * be swapped without the compiler noticing.
 */
export interface RefusalDetails {
  readonly message: string;
  readonly field?: string;
}

/**
 * The one shape of every expected failure a domain module throws: a machine `code` from the
 * module's closed set, the `field` at fault and a `message`. `HubError` is what the services
 * answer with; the FX arithmetic (src/fx/errors.ts) and the netting accumulator
 * (src/settlement/errors.ts) have their own code sets, each mapped to a hub code by one exhaustive
 * table there.
 */
export abstract class DomainError<Code extends string> extends Error {
  readonly field: string | undefined;

  constructor(
    readonly code: Code,
    details: RefusalDetails,
  ) {
    super(details.message);
    this.field = details.field;
  }
}

export class HubError extends DomainError<HubErrorCode> {
  override readonly name = 'HubError';
}

export function invalidField(details: {
  readonly field: string;
  readonly message: string;
}): HubError {
  return new HubError('invalid_field', details);
}

/**
 * A value as a refusal shows it: JSON where JSON can show it (`"INR"`, `356`, `null`), else its
 * string form (`undefined`, a function, a symbol), for values that came from an untyped caller.
 */
export function shownValue(value: unknown): string {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol')
    return String(value);
  return JSON.stringify(value);
}

/**
 * A one-line label or reference given by a caller (src/ledger/text.ts): plain text of at most `max`
 * characters, or an `invalid_field` refusal naming `field` (named, so that the text and the field's
 * name, both strings, cannot be swapped unnoticed). Every door (HTTP, CLI, importers) goes
 * through the services that call this, so none can store text the others would refuse.
 */
export function checkPlainText(
  text: string,
  { field, max, what = `the ${field}` }: { field: string; max: number; what?: string },
): string {
  if (typeof text !== 'string') throw invalidField({ field, message: `${what} must be a string` });
  if (!fitsLength(text, max))
    throw invalidField({ field, message: `${what} is longer than ${max} characters` });
  const reason = notPlainReason(text);
  if (reason !== undefined) throw invalidField({ field, message: `${what} ${reason}` });
  return text;
}

/** The currency of an ISO 4217 code, or the refusal `unknown_currency` on the field `currency`. */
export function supportedCurrency(code: string): Currency {
  const currency = currencyByCode(code);
  if (currency === undefined)
    throw new HubError('unknown_currency', {
      field: 'currency',
      message: `${code} is not a supported currency`,
    });
  return currency;
}
