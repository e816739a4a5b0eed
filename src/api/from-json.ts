import { currencyByCode, parseAmount, type Currency } from '../ledger/currency.js';
import { AccountFlags, TransferFlags } from '../ledger/flags.js';
import { parseAccountId, parseTransferId, ZERO_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import { AccountKind, type AccountInput, type TransferInput } from '../ledger/model.js';
import { invalidField } from './problems.js';
import type { AccountCreate, PendingResolve, TransferCreate } from './schemas.js';

/**
 * Request bodies (already checked against their schemas) into ledger inputs. What the schema
 * cannot say, such as how many decimals a currency allows, is checked here; whether a transfer
 * may happen is decided by the ledger alone. `path` is the JSON Pointer of the item, so an error
 * names the field as the client sent it (`/transfers/3/amount`).
 */

function currencyOf(code: string, path: string): Currency {
  const currency = currencyByCode(code);
  // The schema lists the supported codes, so this is reached only if the two tables disagree.
  if (currency === undefined) throw invalidField(`${path}/currency`, `unsupported currency ${code}`);
  return currency;
}

export function amountMinor(text: string, currency: Currency, field: string, allowZero = false): bigint {
  const parsed = parseAmount(text, currency, { allowZero });
  if (!parsed.ok) throw invalidField(field, parsed.error.message, parsed.error.code);
  return parsed.amountMinor;
}

const flag = (set: boolean | undefined, bit: number): number => (set === true ? bit : 0);

export function accountInput(body: AccountCreate, path = ''): AccountInput {
  return {
    id: parseAccountId(body.id) as AccountId,
    ledger: currencyOf(body.currency, path).ledger,
    code: AccountKind[body.kind as keyof typeof AccountKind],
    flags:
      flag(body.linked, AccountFlags.linked) |
      flag(body.debitsMustNotExceedCredits, AccountFlags.debitsMustNotExceedCredits) |
      flag(body.creditsMustNotExceedDebits, AccountFlags.creditsMustNotExceedDebits),
    owner: body.owner,
    reference: body.reference ?? '',
    userData64: BigInt(body.userData64 ?? '0'),
    userData32: body.userData32 ?? 0,
  };
}

export function transferInput(body: TransferCreate, path = ''): TransferInput {
  const currency = currencyOf(body.currency, path);
  return {
    id: parseTransferId(body.id) as TransferId,
    debitAccountId: parseAccountId(body.debitAccountId) as AccountId,
    creditAccountId: parseAccountId(body.creditAccountId) as AccountId,
    amount: amountMinor(body.amount, currency, `${path}/amount`),
    pendingId: ZERO_ID as TransferId,
    ledger: currency.ledger,
    code: body.code,
    flags: flag(body.pending, TransferFlags.pending) | flag(body.linked, TransferFlags.linked),
    timeoutSeconds: body.timeoutSeconds ?? 0,
    reference: body.reference ?? '',
    userData64: BigInt(body.userData64 ?? '0'),
    userData32: body.userData32 ?? 0,
  };
}

/**
 * A post or void of a pending transfer. Accounts, ledger and code are left zero: the ledger takes
 * them from the pending transfer, so the client names only the pending id and, for a partial
 * post, the amount in the pending transfer's currency.
 */
export function resolveInput(options: { body: PendingResolve; pendingId: TransferId; currency: Currency; flags: number }): TransferInput {
  const { body, pendingId, currency, flags } = options;
  return {
    id: parseTransferId(body.id) as TransferId,
    debitAccountId: ZERO_ID as AccountId,
    creditAccountId: ZERO_ID as AccountId,
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
