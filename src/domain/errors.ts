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
] as const;
export type HubErrorCode = (typeof HUB_ERROR_CODES)[number];

export class HubError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export function invalidField(field: string, message: string): HubError {
  return new HubError('invalid_field', message, field);
}

/**
 * A one-line label or reference given by a caller (src/ledger/text.ts): plain text of at most `max`
 * characters, or an `invalid_field` refusal naming `field`. Every door (HTTP, CLI, importers) goes
 * through the services that call this, so none can store text the others would refuse.
 */
export function checkPlainText(
  field: string,
  text: string,
  max: number,
  what = `the ${field}`,
): string {
  if (typeof text !== 'string') throw invalidField(field, `${what} must be a string`);
  if (!fitsLength(text, max)) throw invalidField(field, `${what} is longer than ${max} characters`);
  const reason = notPlainReason(text);
  if (reason !== undefined) throw invalidField(field, `${what} ${reason}`);
  return text;
}
