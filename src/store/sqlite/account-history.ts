import type { StoredTransfer } from '../../ledger/model.js';
import type { AccountTransfersQuery } from '../store.js';
import { transferFromRow, type TransferRow } from './rows.js';
import { previousOf, type Statements } from './statements.js';

const HISTORY_SKIP_MAX = 1_000_000;

/**
 * An account's transfers from its history chain, newest first: each transfer row links to the
 * previous transfer of its debit account and of its credit account (`debit_previous`,
 * `credit_previous`), and `head` is the account's newest. With a cursor (`beforeTimestamp`) that
 * is one of the account's transfers the walk starts right behind it; with any other timestamp it
 * starts at the head and skips what is not older (at most HISTORY_SKIP_MAX steps).
 */
export function walkAccountHistory(
  statements: Statements,
  query: AccountTransfersQuery,
  head: bigint,
): StoredTransfer[] {
  const accountId = query.accountId;
  let next = head;
  const before = query.beforeTimestamp;
  if (before !== undefined) {
    const cursor = statements.transferByTimestamp.get(before) as TransferRow | undefined;
    const involves =
      cursor !== undefined &&
      (cursor.debit_account_id === accountId || cursor.credit_account_id === accountId);
    if (cursor !== undefined && involves) next = previousOf(cursor, accountId);
    for (
      let skipped = 0;
      !involves && next !== 0n && next >= before && skipped < HISTORY_SKIP_MAX;
      skipped += 1
    ) {
      next = previousOf(statements.transferByTimestamp.get(next) as TransferRow, accountId);
    }
  }
  const found: StoredTransfer[] = [];
  while (next !== 0n && found.length < query.limit) {
    const row = statements.transferByTimestamp.get(next) as TransferRow;
    found.push(transferFromRow(row));
    next = previousOf(row, accountId);
  }
  return found;
}
