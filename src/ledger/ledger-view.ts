import type { AccountId, TransferId } from './ids.js';
import type { Account, StoredTransfer } from './model.js';

/**
 * What the posting rules may read: the accounts and transfers a batch refers to, loaded by the
 * store before the rules run. Accounts are the store's working copies; the rules change their
 * balances in place and report which ones they touched, and the store writes those back.
 */
export interface LedgerView {
  account(id: AccountId): Account | undefined;
  transfer(id: TransferId): StoredTransfer | undefined;
}

/** A view over two maps, which is all any store needs to hand the rules. */
export function mapView(
  accounts: ReadonlyMap<AccountId, Account>,
  transfers: ReadonlyMap<TransferId, StoredTransfer>,
): LedgerView {
  return {
    account: (id) => accounts.get(id),
    transfer: (id) => transfers.get(id),
  };
}
