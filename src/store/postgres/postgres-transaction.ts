import type pg from 'pg';
import type { PendingResolution } from '../../ledger/create-transfers.js';
import { isUuid, ZERO_ID, type AccountId, type TransferId } from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import type { WriteTransaction } from '../store.js';
import {
  ACCOUNT_COLUMNS, accountFromRow, numberArray, PENDING_STATUS_CODES, textArray, TRANSFER_COLUMNS, TRANSFER_FROM, transferFromRow, uuidArray,
  type AccountRow, type TransferRow,
} from './rows.js';

/** Statements of the write path, named so that each connection parses and plans them once. */
const SQL = {
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
  insertTransfers: {
    name: 'vostro_insert_transfers',
    text: `INSERT INTO transfers (timestamp, id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, flags, timeout,
        reference, user_data_64, user_data_32)
      SELECT * FROM unnest($1::int8[], $2::uuid[], $3::uuid[], $4::uuid[], $5::int8[], $6::uuid[], $7::int4[], $8::int4[], $9::int4[],
        $10::int8[], $11::text[], $12::int8[], $13::int8[])`,
  },
  insertPending: {
    name: 'vostro_insert_pending',
    text: 'INSERT INTO pending_transfers (timestamp, expires_at, status) SELECT * FROM unnest($1::int8[], $2::int8[], $3::int2[])',
  },
  updateBalances: {
    name: 'vostro_update_balances',
    text: `UPDATE accounts a SET debits_pending = u.debits_pending, debits_posted = u.debits_posted,
        credits_pending = u.credits_pending, credits_posted = u.credits_posted
      FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::int8[])
        AS u(timestamp, debits_pending, debits_posted, credits_pending, credits_posted)
      WHERE a.timestamp = u.timestamp`,
  },
  resolvePending: {
    name: 'vostro_resolve_pending',
    text: `UPDATE pending_transfers p SET status = u.status, resolved_by = u.resolved_by
      FROM unnest($1::int8[], $2::int2[], $3::int8[]) AS u(timestamp, status, resolved_by) WHERE p.timestamp = u.timestamp`,
  },
  appendJournal: {
    name: 'vostro_append_journal',
    text: 'INSERT INTO journal (seq, kind, first_timestamp, last_timestamp, count, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)',
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
  /** The journal entry this transaction appended, so a commit whose outcome is unknown can be checked. */
  appended: JournalEntry | undefined;

  constructor(private readonly client: pg.PoolClient, private readonly head: JournalEntry | undefined) {}

  async lastJournalEntry(): Promise<JournalEntry | undefined> {
    return this.appended ?? this.head;
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

  async duePendingTransfers(nowNs: bigint, limit: number): Promise<StoredTransfer[]> {
    const { rows } = await this.client.query<TransferRow>({ ...SQL.duePending, values: [nowNs, limit] });
    return rows.map(transferFromRow);
  }

  async insertAccounts(accounts: readonly Account[]): Promise<void> {
    if (accounts.length === 0) return;
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

  async insertTransfers(transfers: readonly StoredTransfer[]): Promise<void> {
    if (transfers.length === 0) return;
    await this.client.query({ ...SQL.insertTransfers, values: transferColumns(transfers) });
    const pending = transfers.filter((transfer) => transfer.pendingStatus !== undefined);
    if (pending.length === 0) return;
    await this.client.query({
      ...SQL.insertPending,
      values: [
        numberArray(pending.map((transfer) => transfer.timestamp)),
        numberArray(pending.map((transfer) => transfer.expiresAt ?? 0n)),
        numberArray(pending.map((transfer) => PENDING_STATUS_CODES[transfer.pendingStatus ?? 'pending'])),
      ],
    });
  }

  async updateBalances(accounts: Iterable<Account>): Promise<void> {
    const list = [...accounts];
    if (list.length === 0) return;
    await this.client.query({
      ...SQL.updateBalances,
      values: [
        numberArray(list.map((account) => account.timestamp)),
        numberArray(list.map((account) => account.debitsPending)),
        numberArray(list.map((account) => account.debitsPosted)),
        numberArray(list.map((account) => account.creditsPending)),
        numberArray(list.map((account) => account.creditsPosted)),
      ],
    });
  }

  async resolvePending(resolutions: readonly PendingResolution[]): Promise<void> {
    if (resolutions.length === 0) return;
    await this.client.query({
      ...SQL.resolvePending,
      values: [
        numberArray(resolutions.map((resolution) => resolution.pending.timestamp)),
        numberArray(resolutions.map((resolution) => PENDING_STATUS_CODES[resolution.status])),
        numberArray(resolutions.map((resolution) => resolution.resolvedBy)),
      ],
    });
  }

  async appendJournal(entry: JournalEntry): Promise<void> {
    await this.client.query({
      ...SQL.appendJournal,
      values: [entry.seq, entry.kind, entry.firstTimestamp, entry.lastTimestamp, entry.count, entry.prevHash, entry.hash],
    });
    this.appended = entry;
  }
}

/** The 13 column arrays of a batch of transfers, in the order of `insertTransfers`'s unnest. */
function transferColumns(transfers: readonly StoredTransfer[]): string[] {
  const timestamps: bigint[] = [];
  const ids: string[] = [];
  const debits: string[] = [];
  const credits: string[] = [];
  const amounts: bigint[] = [];
  const pendingIds: (string | null)[] = [];
  const ledgers: number[] = [];
  const codes: number[] = [];
  const flags: number[] = [];
  const timeouts: number[] = [];
  const references: string[] = [];
  const userData64: bigint[] = [];
  const userData32: number[] = [];
  for (const transfer of transfers) {
    timestamps.push(transfer.timestamp);
    ids.push(transfer.id);
    debits.push(transfer.debitAccountId);
    credits.push(transfer.creditAccountId);
    amounts.push(transfer.amount);
    pendingIds.push(transfer.pendingId === ZERO_ID ? null : transfer.pendingId);
    ledgers.push(transfer.ledger);
    codes.push(transfer.code);
    flags.push(transfer.flags);
    timeouts.push(transfer.timeoutSeconds);
    references.push(transfer.reference);
    userData64.push(transfer.userData64);
    userData32.push(transfer.userData32);
  }
  return [
    numberArray(timestamps), uuidArray(ids), uuidArray(debits), uuidArray(credits), numberArray(amounts), uuidArray(pendingIds),
    numberArray(ledgers), numberArray(codes), numberArray(flags), numberArray(timeouts), textArray(references),
    numberArray(userData64), numberArray(userData32),
  ];
}
