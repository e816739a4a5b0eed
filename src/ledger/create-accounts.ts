import { currencyByLedger } from './currency.js';
import { AccountFlags, ACCOUNT_FLAGS_KNOWN } from './flags.js';
import { MAX_ID, ZERO_ID, type AccountId } from './ids.js';
import type { LedgerView } from './ledger-view.js';
import {
  REFERENCE_MAX_LENGTH,
  USER_DATA_32_MAX,
  USER_DATA_64_MAX,
  type Account,
  type AccountInput,
} from './model.js';
import type { CreateAccountResult } from './results.js';
import { forEachChain } from './linked-chains.js';
import { fitsLength, isPlainText } from './text.js';

export interface CreateAccountsOutcome {
  readonly results: CreateAccountResult[];
  /** The accounts to insert, in timestamp order. */
  readonly created: Account[];
}

/**
 * The rules for creating accounts. Pure: reads the view, returns results and the new rows.
 * Event i of the batch gets timestamp `firstTimestamp + i`, whether or not it succeeds.
 */
export function createAccounts(
  events: readonly AccountInput[],
  view: LedgerView,
  firstTimestamp: bigint,
): CreateAccountsOutcome {
  const results = new Array<CreateAccountResult>(events.length);
  const created: Account[] = [];
  const createdInBatch = new Map<AccountId, Account>();
  forEachChain(events, (event) => (event.flags & AccountFlags.linked) !== 0, results, {
    begin: () => created.length,
    apply: (event, index) => {
      const existing = createdInBatch.get(event.id) ?? view.account(event.id);
      const result =
        existing === undefined ? validateAccount(event) : compareExistingAccount(event, existing);
      if (result !== 'ok') return result;
      const account: Account = {
        ...event,
        timestamp: firstTimestamp + BigInt(index),
        debitsPending: 0n,
        debitsPosted: 0n,
        creditsPending: 0n,
        creditsPosted: 0n,
      };
      created.push(account);
      createdInBatch.set(account.id, account);
      return 'ok';
    },
    rollback: (mark) => {
      for (const account of created.splice(mark)) createdInBatch.delete(account.id);
    },
  });
  return { results, created };
}

function validateAccount(event: AccountInput): CreateAccountResult {
  if ((event.flags & ~ACCOUNT_FLAGS_KNOWN) !== 0) return 'reserved_flag';
  if (event.id === ZERO_ID) return 'id_must_not_be_zero';
  if (event.id === MAX_ID) return 'id_must_not_be_int_max';
  const limitFlags =
    AccountFlags.debitsMustNotExceedCredits | AccountFlags.creditsMustNotExceedDebits;
  if ((event.flags & limitFlags) === limitFlags) return 'flags_are_mutually_exclusive';
  if (event.ledger === 0) return 'ledger_must_not_be_zero';
  if (currencyByLedger(event.ledger) === undefined) return 'ledger_not_supported';
  if (event.code === 0) return 'code_must_not_be_zero';
  if (event.owner.length === 0) return 'owner_must_not_be_empty';
  if (!isPlainText(event.owner)) return 'owner_must_be_plain_text';
  if (!fitsLength(event.reference, REFERENCE_MAX_LENGTH)) return 'reference_too_long';
  if (!isPlainText(event.reference)) return 'reference_must_be_plain_text';
  if (event.userData64 < 0n || event.userData64 > USER_DATA_64_MAX) return 'user_data_out_of_range';
  if (event.userData32 < 0 || event.userData32 > USER_DATA_32_MAX) return 'user_data_out_of_range';
  return 'ok';
}

function compareExistingAccount(event: AccountInput, existing: Account): CreateAccountResult {
  if ((event.flags & ~ACCOUNT_FLAGS_KNOWN) !== 0) return 'reserved_flag';
  if (event.flags !== existing.flags) return 'exists_with_different_flags';
  if (event.owner !== existing.owner) return 'exists_with_different_owner';
  if (event.reference !== existing.reference) return 'exists_with_different_reference';
  if (event.userData64 !== existing.userData64 || event.userData32 !== existing.userData32)
    return 'exists_with_different_user_data';
  if (event.ledger !== existing.ledger) return 'exists_with_different_ledger';
  if (event.code !== existing.code) return 'exists_with_different_code';
  return 'exists';
}
