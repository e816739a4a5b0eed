import type pg from 'pg';
import type { PendingResolution } from '../../ledger/create-transfers.js';
import { isUuid, type AccountId, type TransferId } from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import { BatchWrite } from './batch-write.js';
import type { WriteTransaction } from '../store.js';
import {
  ACCOUNT_COLUMNS, accountFromRow, numberArray, textArray, TRANSFER_COLUMNS, TRANSFER_FROM, transferFromRow, uuidArray,
  type AccountRow, type TransferRow,
} from './rows.js';

/** Statements of the write path, named so that each connection parses and plans them once. */
const SQL = {
  // The head lock already orders all writers; locking the rows as well (in id order, so two
  // writers never deadlock) keeps a balance from changing under a batch even if something else
  // writes accounts without it. It measured as no slower than a plain read.
  lockAccounts: { name: 'vostro_lock_accounts', text: `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE` },
  transfersByIds: { name: 'vostro_transfers_by_ids', text: `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.id = ANY($1::uuid[])` },
  duePending: {
    name: 'vostro_due_pending',
    text: `SELECT ${TRANSFER_COLUMNS} FROM pending_transfers p JOIN transfers t ON t.timestamp = p.timestamp
      WHERE p.status = 1 AND p.expires_at > 0 AND p.expires_at <= $1 ORDER BY p.expires_at, p.timestamp LIMIT $2`,
  },
  insertAccounts: {
    name: 'vostro_insert_accounts',
    text: `INSERT INTO accounts (timestamp, id, ledger, code, flags, owner, reference, user_data_64, user_data_32)
      SELECT * FROM unnest($1::int8[], $2::uuid[], $3::int4[], $4::int4[], $5::int4[], $6::text[], $7::text[], $8::int8[], $9::int8[])`,
  },
} as const;

/** Ids that cannot be UUIDs cannot be stored either: they are left out of lookups rather than sent. */
export function uuidsOnly(ids: Iterable<string>): string[] {
  const unique = new Set<string>();
  for (const id of ids) if (isUuid(id)) unique.add(id.toLowerCase());
  return [...unique];
}

/**
 * One batch's view of the database, on the connection that holds the ledger's write lock. Every
 * read happens inside the transaction, after the lock: nothing is cached between batches, since
 * another process may have written since.
 */
export class PostgresTransaction implements WriteTransaction {
  private readonly batch = new BatchWrite();

  /**
   * `head` is the newest journal entry and `earliestExpiry` the earliest expiry of a pending
   * transfer still pending (undefined: none), both read right after the write lock was taken.
   */
  constructor(private readonly client: pg.PoolClient, private readonly head: JournalEntry | undefined, private readonly earliestExpiry: bigint | undefined) {}

  async lastJournalEntry(): Promise<JournalEntry | undefined> {
    return this.batch.journal ?? this.head;
  }

  /** Locks the rows in id order, so two writers that both lock several accounts never deadlock. */
  async loadAccounts(ids: readonly AccountId[]): Promise<ReadonlyMap<AccountId, Account>> {
    const found = new Map<AccountId, Account>();
    const wanted = uuidsOnly(ids);
    if (wanted.length === 0) return found;
    const { rows } = await this.client.query<AccountRow>({ ...SQL.lockAccounts, values: [uuidArray(wanted)] });
    for (const row of rows) found.set(row.id as AccountId, accountFromRow(row));
    return found;
  }

  async loadTransfers(ids: readonly TransferId[]): Promise<Map<TransferId, StoredTransfer>> {
    const found = new Map<TransferId, StoredTransfer>();
    const wanted = uuidsOnly(ids);
    if (wanted.length === 0) return found;
    const { rows } = await this.client.query<TransferRow>({ ...SQL.transfersByIds, values: [uuidArray(wanted)] });
    for (const row of rows) found.set(row.id as TransferId, transferFromRow(row));
    return found;
  }

  /** Nearly always nothing is due: the earliest expiry read with the lock saves the query then. */
  async duePendingTransfers(nowNs: bigint, limit: number): Promise<StoredTransfer[]> {
    if (this.earliestExpiry === undefined || nowNs < this.earliestExpiry) return [];
    const { rows } = await this.client.query<TransferRow>({ ...SQL.duePending, values: [nowNs, limit] });
    return rows.map(transferFromRow);
  }

  async insertAccounts(accounts: readonly Account[]): Promise<void> {
    if (accounts.length === 0) return;
    // Accounts go in their own statement, ahead of the batch's other writes: batches of accounts
    // are rare, and a transfer of the same batch never refers to them.
    await this.client.query({
      ...SQL.insertAccounts,
      values: [
        numberArray(accounts.map((account) => account.timestamp)),
        uuidArray(accounts.map((account) => account.id)),
        numberArray(accounts.map((account) => account.ledger)),
        numberArray(accounts.map((account) => account.code)),
        numberArray(accounts.map((account) => account.flags)),
        textArray(accounts.map((account) => account.owner)),
        textArray(accounts.map((account) => account.reference)),
        numberArray(accounts.map((account) => account.userData64)),
        numberArray(accounts.map((account) => account.userData32)),
      ],
    });
  }

  insertTransfers(transfers: readonly StoredTransfer[]): Promise<void> {
    this.batch.addTransfers(transfers);
    return Promise.resolve();
  }

  updateBalances(accounts: Iterable<Account>): Promise<void> {
    this.batch.addBalances(accounts);
    return Promise.resolve();
  }

  resolvePending(resolutions: readonly PendingResolution[]): Promise<void> {
    this.batch.addResolutions(resolutions);
    return Promise.resolve();
  }

  appendJournal(entry: JournalEntry): Promise<void> {
    this.batch.journal = entry;
    return Promise.resolve();
  }

  /** The journal entry this transaction appends, so a commit whose outcome is unknown can be checked. */
  get appended(): JournalEntry | undefined {
    return this.batch.journal;
  }

  /**
   * Sends the collected writes. A transfer id that is already stored fails the statement with a
   * unique violation, which the store turns into DuplicateTransferIdError after the rollback.
   */
  async flush(): Promise<void> {
    if (this.batch.empty) return;
    await this.client.query(this.batch.toQuery());
  }
}
