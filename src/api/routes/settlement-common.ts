import type { Currency } from '../../ledger/currency.js';
import type { AccountId } from '../../ledger/ids.js';
import type { Actor } from '../../domain/actor.js';
import { HubError, supportedCurrency } from '../../domain/errors.js';
import { requirePayer as payerOf } from '../../settlement/parties.js';
import type { ApiContext } from '../context.js';
import { problemResponse } from '../schemas.js';

/**
 * What the payment, cap, window and FX routes share: the refusals their services answer with, and
 * the checks of an account or currency named in a request.
 */

/** The service refusals every settlement and FX route may answer with, besides `commonErrors`. */
export const refused = {
  404: problemResponse('not found (or, for a participant key, not its own)'),
  409: problemResponse('conflicts with the current state (used, closed, settled, expired)'),
  422: problemResponse(
    'refused by the hub’s rules (cap exceeded, too little money or FX liquidity, …)',
  ),
};

/** A service refusal about the payment or quote id: the id is the one in the path. */
export function pathId(error: unknown): never {
  if (error instanceof HubError && (error.field === 'id' || error.field === 'quote'))
    throw new HubError(error.code, { field: 'path.id', message: error.message });
  throw error;
}

/** A participant key pays only from accounts it owns or settles for (its customers', the vostro accounts it keeps). */
export async function requirePayer(
  context: ApiContext,
  actor: Actor,
  account: AccountId,
  field: string,
): Promise<void> {
  if (actor.role === 'operator') return;
  await payerOf(context.hub.participants, actor, account, field);
}

/** The currency of a participant's account, which the amounts of a payment or funding are in. */
export async function accountCurrency(
  context: ApiContext,
  account: AccountId,
  field: string,
): Promise<Currency> {
  const entry = await context.hub.participants.account(account);
  if (entry === undefined)
    throw new HubError('account_not_found', {
      field: field,
      message: `account ${account} belongs to no participant`,
    });
  return supportedCurrency(entry.currency);
}
