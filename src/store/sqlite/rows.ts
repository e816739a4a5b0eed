import { ZERO_ID, type AccountId, type TransferId } from '../../ledger/ids.js';
import type { Account, PendingStatus, StoredTransfer } from '../../ledger/model.js';

/** Rows as better-sqlite3 returns them with safe integers on: every INTEGER is a bigint. */
export interface AccountRow {
  timestamp: bigint;
  id: string;
  ledger: bigint;
  code: bigint;
  flags: bigint;
  owner: string;
  reference: string;
  user_data_64: bigint;
  user_data_32: bigint;
  last_transfer: bigint;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
}

export interface TransferRow {
  timestamp: bigint;
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  pending_id: string | null;
  ledger: bigint;
  code: bigint;
  flags: bigint;
  timeout: bigint;
  reference: string;
  user_data_64: bigint;
  user_data_32: bigint;
  debit_previous: bigint;
  credit_previous: bigint;
  status: bigint | null;
  expires_at: bigint | null;
}

export const PENDING_STATUS_CODES: Record<PendingStatus, number> = { pending: 1, posted: 2, voided: 3, expired: 4 };
const PENDING_STATUS_BY_CODE: readonly (PendingStatus | undefined)[] = [undefined, 'pending', 'posted', 'voided', 'expired'];

export function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id as AccountId,
    ledger: Number(row.ledger),
    code: Number(row.code),
    flags: Number(row.flags),
    owner: row.owner,
    reference: row.reference,
    userData64: row.user_data_64,
    userData32: Number(row.user_data_32),
    timestamp: row.timestamp,
    debitsPending: row.debits_pending,
    debitsPosted: row.debits_posted,
    creditsPending: row.credits_pending,
    creditsPosted: row.credits_posted,
  };
}

export function transferFromRow(row: TransferRow): StoredTransfer {
  const transfer: StoredTransfer = {
    id: row.id as TransferId,
    debitAccountId: row.debit_account_id as AccountId,
    creditAccountId: row.credit_account_id as AccountId,
    amount: row.amount,
    pendingId: (row.pending_id ?? ZERO_ID) as TransferId,
    ledger: Number(row.ledger),
    code: Number(row.code),
    flags: Number(row.flags),
    timeoutSeconds: Number(row.timeout),
    reference: row.reference,
    userData64: row.user_data_64,
    userData32: Number(row.user_data_32),
    timestamp: row.timestamp,
  };
  if (row.status === null) return transfer;
  return { ...transfer, pendingStatus: PENDING_STATUS_BY_CODE[Number(row.status)], expiresAt: row.expires_at ?? 0n };
}

/** Appends the insert parameters of one transfer to `params`, in column order. */
export function pushTransferParams(params: unknown[], transfer: StoredTransfer, debitPrevious: bigint, creditPrevious: bigint): void {
  params.push(
    transfer.timestamp,
    transfer.id,
    transfer.debitAccountId,
    transfer.creditAccountId,
    transfer.amount,
    transfer.pendingId === ZERO_ID ? null : transfer.pendingId,
    transfer.ledger,
    transfer.code,
    transfer.flags,
    transfer.timeoutSeconds,
    transfer.reference,
    transfer.userData64,
    transfer.userData32,
    debitPrevious,
    creditPrevious,
  );
}
