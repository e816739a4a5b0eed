import { currencyByCode, parseAmount, type Currency } from '../ledger/currency.js';
import { AccountFlags, TransferFlags } from '../ledger/flags.js';
import {
  parseAccountId,
  parseTransferId,
  ZERO_ID,
  type AccountId,
  type TransferId,
} from '../ledger/ids.js';
import { AccountKind, type AccountInput, type TransferInput } from '../ledger/model.js';
import { ApiProblem, invalidField } from './problems.js';
import type { AccountCreate, PendingResolve, TransferCreate } from './schemas.js';

/**
 * Request bodies (already checked against their schemas) into ledger inputs. What the schema
 * cannot say, such as how many decimals a currency allows, is checked here; whether a transfer
 * may happen is decided by the ledger alone. An error names the field by its JSON Pointer; for an
 * item of a batch, `itemInputs` puts the item's pointer in front (`/transfers/3/amount`).
 */

function currencyOf(code: string): Currency {
  const currency = currencyByCode(code);
  // The schema lists the supported codes, so this is reached only if the two tables disagree.
  if (currency === undefined) throw invalidField('/currency', `unsupported currency ${code}`);
  return currency;
}

export function amountMinor(
  text: string,
  currency: Currency,
  field: string,
  allowZero = false,
): bigint {
  const parsed = parseAmount(text, currency, { allowZero });
  if (!parsed.ok) throw invalidField(field, parsed.error.message, parsed.error.code);
  return parsed.amountMinor;
}

const flag = (set: boolean | undefined, bit: number): number => (set === true ? bit : 0);

const ID_REASON = 'must be a UUID such as 0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51';

/**
 * An account id from the request, in canonical (lower-case) form, through the ledger's one id
 * parser: text that is not a UUID is a 400 naming `field` (a JSON Pointer such as `/payer`, or
 * `path.id`). The schemas match ids against the UUID pattern first, so this refuses only what a
 * schema let through; it keeps the branded id made by the parser rather than by a cast.
 */
export function accountIdOf(text: string, field: string): AccountId {
  const id = parseAccountId(text);
  if (id === undefined) throw invalidField(field, ID_REASON);
  return id;
}

/** A transfer (or payment, or pending transfer) id from the request; see `accountIdOf`. */
export function transferIdOf(text: string, field: string): TransferId {
  const id = parseTransferId(text);
  if (id === undefined) throw invalidField(field, ID_REASON);
  return id;
}

/** The zero id, which the ledger reads as "none": no pending transfer, or accounts taken from it. */
function zeroId<Id>(parse: (text: string) => Id | undefined): Id {
  const id = parse(ZERO_ID);
  if (id === undefined) throw new Error('bug: ZERO_ID is not a UUID');
  return id;
}
const NO_ACCOUNT = zeroId(parseAccountId);
const NO_TRANSFER = zeroId(parseTransferId);
const userData64 = (text: string | undefined): bigint => (text === undefined ? 0n : BigInt(text));

export function accountInput(body: AccountCreate): AccountInput {
  return {
    id: accountIdOf(body.id, '/id'),
    ledger: currencyOf(body.currency).ledger,
    code: AccountKind[body.kind],
    flags:
      flag(body.linked, AccountFlags.linked) |
      flag(body.debitsMustNotExceedCredits, AccountFlags.debitsMustNotExceedCredits) |
      flag(body.creditsMustNotExceedDebits, AccountFlags.creditsMustNotExceedDebits) |
      flag(body.tallied, AccountFlags.tallied),
    owner: body.owner,
    reference: body.reference ?? '',
    userData64: userData64(body.userData64),
    userData32: body.userData32 ?? 0,
  };
}

export function transferInput(body: TransferCreate): TransferInput {
  const currency = currencyOf(body.currency);
  return {
    id: transferIdOf(body.id, '/id'),
    debitAccountId: accountIdOf(body.debitAccountId, '/debitAccountId'),
    creditAccountId: accountIdOf(body.creditAccountId, '/creditAccountId'),
    amount: amountMinor(body.amount, currency, '/amount'),
    pendingId: NO_TRANSFER,
    ledger: currency.ledger,
    code: body.code,
    flags: flag(body.pending, TransferFlags.pending) | flag(body.linked, TransferFlags.linked),
    timeoutSeconds: body.timeoutSeconds ?? 0,
    reference: body.reference ?? '',
    userData64: userData64(body.userData64),
    userData32: body.userData32 ?? 0,
  };
}

/**
 * A post or void of a pending transfer. Accounts, ledger and code are left zero: the ledger takes
 * them from the pending transfer, so the client names only the pending id and, for a partial
 * post, the amount in the pending transfer's currency.
 */
export function resolveInput(options: {
  body: PendingResolve;
  pendingId: TransferId;
  currency: Currency;
  flags: number;
}): TransferInput {
  const { body, pendingId, currency, flags } = options;
  return {
    id: transferIdOf(body.id, '/id'),
    debitAccountId: NO_ACCOUNT,
    creditAccountId: NO_ACCOUNT,
    amount: body.amount === undefined ? 0n : amountMinor(body.amount, currency, '/amount'),
    pendingId,
    ledger: 0,
    code: 0,
    flags,
    timeoutSeconds: 0,
    reference: body.reference ?? '',
    userData64: 0n,
    userData32: 0,
  };
}

/**
 * The items of a batch body converted one by one. A field error of item `index` is thrown again
 * with the item's pointer in front, so the pointer string is built only for the item that failed,
 * not twice for each of a thousand that did not.
 */
export function itemInputs<Item, Input>(
  items: readonly Item[],
  pointer: string,
  convert: (item: Item) => Input,
): Input[] {
  const inputs = new Array<Input>(items.length);
  for (let index = 0; index < items.length; index += 1) {
    try {
      inputs[index] = convert(items[index] as Item);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const field = error.extra.errors?.length === 1 ? error.extra.errors[0] : undefined;
      if (field === undefined) throw error;
      throw invalidField(`${pointer}/${index}${field.field}`, field.reason, error.code);
    }
  }
  return inputs;
}
