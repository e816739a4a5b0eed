import type { HubErrorCode } from '../domain/errors.js';

/**
 * One HTTP status per hub error code (src/domain/errors.ts). The table is an exhaustive `Record`, so
 * a code added there does not compile until it has a status here. The rules, as for the ledger's
 * result codes (result-status.ts):
 *
 * - 400: the request itself is malformed (a field's shape or value).
 * - 403: the caller may not do this at all (a participant key acting as another participant, e.g.
 *   submitting an ISO 20022 message as another bank's BIC).
 * - 404: the thing the request is about, named by id, does not exist (or, for a participant key,
 *   is not its own: see src/api/access.ts).
 * - 409: it conflicts with the current state: it exists already, was used, closed or revoked.
 * - 413: a signed trade document larger than the hub accepts (DOCUMENT_MAX_BYTES).
 * - 422: understood but refused by the hub's rules, including a thing named *inside* the request
 *   that is missing (a corporate's bank, a payment's account), as the ledger's `…_not_found`
 *   results are.
 */
export const HUB_ERROR_STATUS: Record<HubErrorCode, number> = {
  invalid_field: 400,
  unknown_currency: 400,
  invalid_rate: 400,
  same_currency: 400,
  invalid_parameter: 400,
  participant_not_found: 404,
  key_not_found: 404,
  window_not_found: 404,
  quote_not_found: 404,
  payment_not_found: 404,
  participant_exists: 409,
  key_revoked: 409,
  quote_expired: 409,
  quote_already_used: 409,
  window_not_closed: 409,
  window_already_closed: 409,
  window_already_settled: 409,
  cap_below_current_use: 409,
  payment_not_pending: 409,
  participant_suspended: 422,
  participant_kind_mismatch: 422,
  bank_not_found: 422,
  currency_not_used: 422,
  account_not_found: 422,
  account_role_mismatch: 422,
  rate_not_found: 422,
  amount_too_small: 422,
  amount_too_large: 422,
  insufficient_fx_liquidity: 422,
  liquidity_cap_exceeded: 422,
  insufficient_funds: 422,
  payment_refused: 422,
  issuer_not_found: 404,
  document_not_found: 404,
  issuer_exists: 409,
  issuer_key_exists: 409,
  title_conflict: 409,
  title_surrendered: 409,
  document_too_large: 413,
  document_invalid: 422,
  title_invalid: 422,
  unknown_hs_code: 400,
  trade_not_found: 404,
  trade_exists: 409,
  trade_status_conflict: 409,
  trade_already_paid: 409,
  trade_expired: 409,
  presentation_exists: 409,
  forbidden: 403,
  identifier_exists: 409,
  identifier_not_found: 404,
  webhook_not_found: 404,
  webhook_status_conflict: 409,
};
