import type { AccountId } from '../ledger/ids.js';
import type { Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import type { AccountRole } from '../participants/accounts.js';
import { HUB_ID } from '../participants/participant.js';
import type { AccountEntry, ParticipantRegistry } from '../participants/registry.js';

/**
 * Who may pay from and into which account, for payments and for FX executions alike (both doors,
 * the API and the CLI, reach these through the services).
 *
 * - The payer: the operator may name any participant account; a participant key only one it owns
 *   or settles for (its customers', the vostro accounts it keeps). Anything else is answered as an
 *   account that does not exist.
 * - Neither side may be a cap or cap-source account: those are the hub's bookkeeping of caps
 *   (paying out of a cap account would turn cap headroom into money).
 * - The payee: an account of a participant that is not suspended, in the payment's currency. A
 *   participant key may not pay into the hub's own accounts (its central-bank settlement account,
 *   fee income, suspense): money reaches them only through the hub's own operations (funding,
 *   settlement, FX fees), and such a payment would be a claim on no participant, outside every cap
 *   and every netting.
 * - One answer for every refused payee that is not the caller's own: a participant learns nothing
 *   from a refusal about which accounts other participants hold (that an id exists, its currency,
 *   its role, a suspension). The answer is word for word the one for an id that belongs to no one,
 *   and it is reached by the same path (one read of the participant directory, which an unknown id
 *   costs anyway). The operator, and a participant naming its own account, get the precise reason.
 */

/** Roles no payment may debit or credit. */
const BOOKKEEPING_ROLES: ReadonlySet<AccountRole> = new Set<AccountRole>(['cap', 'cap_source']);

/** Whether a participant key's holder owns the account or settles for it. */
function actsFor(actor: Actor, entry: AccountEntry): boolean {
  return (
    actor.role === 'participant' &&
    actor.participant !== undefined &&
    (entry.participant === actor.participant || entry.settlesWith === actor.participant)
  );
}

/** Whether `actor` may order payments from `account`: the operator always; a participant for its own accounts and those it settles for. */
export async function mayActFor(
  registry: ParticipantRegistry,
  actor: Actor,
  account: AccountId,
): Promise<boolean> {
  if (actor.role === 'operator') return true;
  const entry = await registry.account(account);
  return entry !== undefined && actsFor(actor, entry);
}

/** The answer for a paying account the actor may not use: the same as for one that does not exist. */
export function payerNotFound(id: string, field: string): HubError {
  return new HubError('account_not_found', {
    field,
    message: `account ${id} belongs to no participant`,
  });
}

/**
 * The account `actor` may pay from, or the "belongs to no participant" answer, reached by the same
 * path whether the account does not exist or is someone else's.
 */
export async function requirePayer(
  registry: ParticipantRegistry,
  actor: Actor,
  id: AccountId,
  field = 'payer',
): Promise<AccountEntry> {
  const entry = await registry.account(id);
  if (entry !== undefined && (actor.role === 'operator' || actsFor(actor, entry))) return entry;
  if (entry !== undefined) await registry.refreshAfterMiss();
  throw payerNotFound(id, field);
}

/** The paying account, or a precise refusal (the account is the caller's own, so nothing is revealed). */
export async function payerAccount(
  registry: ParticipantRegistry,
  actor: Actor,
  id: AccountId,
  field = 'payer',
): Promise<AccountEntry> {
  const entry = await requirePayer(registry, actor, id, field);
  if (BOOKKEEPING_ROLES.has(entry.role))
    throw new HubError('account_role_mismatch', {
      field,
      message: `a ${entry.role} account is the hub's bookkeeping; payments do not use it`,
    });
  if ((await registry.cached(entry.participant))?.status === 'suspended')
    throw new HubError('participant_suspended', {
      field,
      message: `${entry.participant} is suspended`,
    });
  return entry;
}

/**
 * The receiving account of a payment in `currency`, or a refusal. `wrongCurrency` words the
 * refusal of an account in another currency for callers who may be told (the operator, or a
 * participant naming its own account).
 */
export async function payeeAccount(
  registry: ParticipantRegistry,
  actor: Actor,
  id: AccountId,
  currency: string,
  wrongCurrency: (entry: AccountEntry) => HubError,
  field = 'payee',
): Promise<AccountEntry> {
  const entry = await registry.account(id);
  const refusal =
    entry === undefined
      ? new HubError('account_not_found', {
          field,
          message: `account ${id} belongs to no participant`,
        })
      : await payeeRefusal(registry, actor, entry, currency, wrongCurrency, field);
  if (refusal === undefined && entry !== undefined) return entry;
  // (entry undefined means refusal is account_not_found)
  if (
    refusal !== undefined &&
    (actor.role === 'operator' || (entry !== undefined && actsFor(actor, entry)))
  )
    throw refusal;
  // Not the caller's own account: the unknown id's path and answer. An unknown id made
  // `registry.account` refresh the directory (when due); a known one is made to do the same here.
  if (entry !== undefined) await registry.refreshAfterMiss();
  throw new HubError('account_not_found', {
    field,
    message: `account ${id} cannot receive this payment: no participant account of that id takes ${currency} payments from this payer`,
  });
}

async function payeeRefusal(
  registry: ParticipantRegistry,
  actor: Actor,
  entry: AccountEntry,
  currency: string,
  wrongCurrency: (entry: AccountEntry) => HubError,
  field: string,
): Promise<HubError | undefined> {
  if (BOOKKEEPING_ROLES.has(entry.role))
    return new HubError('account_role_mismatch', {
      field,
      message: `a ${entry.role} account is the hub's bookkeeping; payments do not use it`,
    });
  if (entry.participant === HUB_ID && actor.role !== 'operator')
    return new HubError('account_role_mismatch', {
      field,
      message: `the hub's own accounts take no payments from participants`,
    });
  if (entry.currency !== currency) return wrongCurrency(entry);
  if ((await registry.cached(entry.participant))?.status === 'suspended')
    return new HubError('participant_suspended', {
      field,
      message: `${entry.participant} is suspended`,
    });
  return undefined;
}
