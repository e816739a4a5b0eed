import type { Statement } from 'better-sqlite3';
import type { AccountId, TransferId } from '../../ledger/ids.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import { applyStoredTransfer, resolvesPending } from '../../ledger/replay.js';
import { accountFromRow, transferFromRow, type AccountRow, type TransferRow } from './rows.js';

export interface RecoveryStatements {
  readonly balancesSeq: Statement;
  readonly journalAfter: Statement;
  readonly transfersInRange: Statement;
  readonly transferById: Statement;
  readonly accountById: Statement;
}

export interface RecoveredState {
  /** Accounts changed after the balances flush, with their balances brought up to date. */
  readonly accounts: Map<AccountId, Account>;
  /** The newest transfer of each of those accounts. */
  readonly lastTransferOf: Map<AccountId, bigint>;
  readonly transfersReplayed: number;
}

const PAGE = 1000;

/**
 * Brings balances up to date after a restart: the balance columns are current as of
 * `ledger_state.balances_seq`; every transfer the journal holds after that entry is applied to
 * them again. Must run inside one read transaction so the journal cannot move meanwhile.
 */
export function recoverBalances(statements: RecoveryStatements): RecoveredState {
  const accounts = new Map<AccountId, Account>();
  const lastTransferOf = new Map<AccountId, bigint>();
  const pendingAmounts = new Map<TransferId, bigint>();
  const load = (id: AccountId): Account => {
    let account = accounts.get(id);
    if (account === undefined) {
      account = accountFromRow(statements.accountById.get(id) as AccountRow);
      accounts.set(id, account);
    }
    return account;
  };
  const pendingAmount = (transfer: StoredTransfer): bigint => {
    if (!resolvesPending(transfer)) return 0n;
    const known = pendingAmounts.get(transfer.pendingId);
    if (known !== undefined) return known;
    return (statements.transferById.get(transfer.pendingId) as TransferRow).amount;
  };
  let replayed = 0;
  let after = statements.balancesSeq.pluck().get() as bigint;
  for (;;) {
    const entries = statements.journalAfter.all(after, PAGE) as {
      seq: bigint;
      kind: string;
      first_timestamp: bigint;
      last_timestamp: bigint;
    }[];
    for (const entry of entries) {
      if (entry.kind !== 'transfers') continue;
      for (const row of statements.transfersInRange.all(
        entry.first_timestamp,
        entry.last_timestamp,
      ) as TransferRow[]) {
        const transfer = transferFromRow(row);
        if (transfer.pendingStatus !== undefined) pendingAmounts.set(transfer.id, transfer.amount);
        applyStoredTransfer(
          transfer,
          load(transfer.debitAccountId),
          load(transfer.creditAccountId),
          pendingAmount(transfer),
        );
        lastTransferOf.set(transfer.debitAccountId, transfer.timestamp);
        lastTransferOf.set(transfer.creditAccountId, transfer.timestamp);
        replayed += 1;
      }
    }
    if (entries.length < PAGE) break;
    after = (entries.at(-1) as { seq: bigint }).seq;
  }
  return { accounts, lastTransferOf, transfersReplayed: replayed };
}
