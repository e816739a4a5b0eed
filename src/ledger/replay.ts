import { TransferFlags } from './flags.js';
import type { Balances, Transfer } from './model.js';

/**
 * What a stored transfer did to the balances of its two accounts: the one definition shared by
 * the verifier and by a store that rebuilds balances from the journal after a restart.
 * `pendingAmount` is, for a post or void, the amount of the pending transfer it resolved.
 */
export function applyStoredTransfer(
  transfer: Transfer,
  debit: Balances,
  credit: Balances,
  pendingAmount: bigint,
): void {
  if ((transfer.flags & TransferFlags.pending) !== 0) {
    debit.debitsPending += transfer.amount;
    credit.creditsPending += transfer.amount;
    return;
  }
  if ((transfer.flags & (TransferFlags.postPending | TransferFlags.voidPending)) !== 0) {
    debit.debitsPending -= pendingAmount;
    credit.creditsPending -= pendingAmount;
    if ((transfer.flags & TransferFlags.postPending) === 0) return;
  }
  debit.debitsPosted += transfer.amount;
  credit.creditsPosted += transfer.amount;
}

export function resolvesPending(transfer: Transfer): boolean {
  return (transfer.flags & (TransferFlags.postPending | TransferFlags.voidPending)) !== 0;
}
