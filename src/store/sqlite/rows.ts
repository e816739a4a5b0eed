import type { AccountRow as StoreAccountRow, TransferRow as StoreTransferRow } from '../rows.js';

export { accountFromRow, PENDING_STATUS_CODES, transferFromRow } from '../rows.js';

/** Rows as better-sqlite3 returns them with safe integers on, with the SQLite store's history-chain columns. */
export interface AccountRow extends StoreAccountRow {
  /** The newest transfer of the account: the head of its history chain. */
  last_transfer: bigint;
}

export interface TransferRow extends StoreTransferRow {
  /** The previous transfer of the debit account, and of the credit account (0 when none). */
  debit_previous: bigint;
  credit_previous: bigint;
}
