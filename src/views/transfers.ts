import { hasFlag, TransferFlags } from '../ledger/flags.js';
import { ZERO_ID } from '../ledger/ids.js';
import type { StoredTransfer, Transfer } from '../ledger/model.js';
import { amountText, currencyCode } from './amounts.js';
import { isoTime } from './time.js';

/** A transfer as the API (`GET /v1/transfers/{id}`) and the CLI's `transfer … --json` show it. */

export type TransferKind = 'plain' | 'pending' | 'post' | 'void' | 'expired';

export function transferKind(transfer: Transfer): TransferKind {
  if ((transfer.flags & TransferFlags.pending) !== 0) return 'pending';
  if ((transfer.flags & TransferFlags.postPending) !== 0) return 'post';
  if ((transfer.flags & TransferFlags.expired) !== 0) return 'expired';
  if ((transfer.flags & TransferFlags.voidPending) !== 0) return 'void';
  return 'plain';
}

/** How much a transfer moved the posted balances: pending, void and expiry move only pending ones. */
export function postedAmountMinor(transfer: Transfer): bigint {
  const kind = transferKind(transfer);
  return kind === 'plain' || kind === 'post' ? transfer.amount : 0n;
}

export function transferJson(transfer: StoredTransfer) {
  return {
    id: transfer.id,
    kind: transferKind(transfer),
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: amountText(transfer.amount, transfer.ledger),
    currency: currencyCode(transfer.ledger),
    code: transfer.code,
    pending: hasFlag(transfer.flags, TransferFlags.pending),
    linked: hasFlag(transfer.flags, TransferFlags.linked),
    postPending: hasFlag(transfer.flags, TransferFlags.postPending),
    voidPending: hasFlag(transfer.flags, TransferFlags.voidPending),
    expired: hasFlag(transfer.flags, TransferFlags.expired),
    pendingId: transfer.pendingId === ZERO_ID ? null : transfer.pendingId,
    timeoutSeconds: transfer.timeoutSeconds,
    reference: transfer.reference,
    userData64: transfer.userData64.toString(),
    userData32: transfer.userData32,
    createdAt: isoTime(transfer.timestamp),
    timestamp: transfer.timestamp.toString(),
    pendingStatus: transfer.pendingStatus ?? null,
    expiresAt:
      transfer.expiresAt !== undefined && transfer.expiresAt !== 0n
        ? isoTime(transfer.expiresAt)
        : null,
  };
}

/**
 * A transfer found by a search or in a chain (`GET /v1/transfers`, `GET /v1/transfers/{id}/chain`):
 * the transfer, its status (what became of it: see src/store/transfer-search.ts) and the owners
 * of its two accounts ('' for an account not found).
 */
export function transferFoundJson(
  transfer: StoredTransfer,
  owners: ReadonlyMap<string, string>,
  status: 'pending' | 'posted' | 'voided' | 'expired',
) {
  return {
    ...transferJson(transfer),
    status,
    debitOwner: owners.get(transfer.debitAccountId) ?? '',
    creditOwner: owners.get(transfer.creditAccountId) ?? '',
  };
}
