import type pg from 'pg';
import type { PendingResolution } from '../../ledger/create-transfers.js';
import {
  parseAccountId,
  parseTransferId,
  type AccountId,
  type TransferId,
} from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import { BatchWrite } from './batch-write.js';
import type { WriteTransaction } from '../store.js';
import type { PairTally } from '../../ledger/tallies.js';
import { mergeFlowDeltas, splitAmount, type FlowDelta } from '../../ledger/flows.js';
import { isStorableText } from '../../ledger/text.js';
import {
  checkAuditEntry,
  checkRecordPut,
  type AuditEntry,
  type RecordPut,
  type StoredRecord,
} from '../records.js';
import { recordFromRow, type RecordRow } from '../rows.js';
import {
  checkEventInput,
  checkTransferEvents,
  type EventInput,
  type TransferEvents,
} from '../events.js';
import {
  ACCOUNT_COLUMNS,
  accountFromRow,
  numberArray,
  storableIds,
  textArray,
  TRANSFER_COLUMNS,
  TRANSFER_FROM,
  transferFromRow,
  uuidArray,
  type AccountRow,
  type TransferRow,
} from './rows.js';

/** Statements of the write path, named so that each connection parses and plans them once. */
const SQL = {
  // The head lock already orders all writers; locking the rows as well (in id order, so two
  // writers never deadlock) keeps a balance from changing under a batch even if something else
  // writes accounts without it. It measured as no slower than a plain read.
  lockAccounts: {
    name: 'vostro_lock_accounts',
    text: `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
  },
  transfersByIds: {
    name: 'vostro_transfers_by_ids',
    text: `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.id = ANY($1::uuid[])`,
  },
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

/**
 * One batch's view of the database, on the connection that holds the ledger's write lock. Every
 * read happens inside the transaction, after the lock: nothing is cached between batches, since
 * another process may have written since.
 */
export class PostgresTransaction implements WriteTransaction {
  private readonly batch = new BatchWrite();
  /** Documents written by this transaction, by collection and key, sent with `flush`. */
  private readonly records = new Map<string, Map<string, StoredRecord>>();
  private readonly audit: AuditEntry[] = [];
  private readonly tallies: PairTally[] = [];
  private readonly flows: FlowDelta[][] = [];
  private flowsReplace = false;
  private readonly loaded = new Map<AccountId, Account>();
  private eventCount = 0;

  /**
   * `head` is the newest journal entry and `earliestExpiry` the earliest expiry of a pending
   * transfer still pending (undefined: none), both read right after the write lock was taken.
   */
  constructor(
    private readonly client: pg.PoolClient,
    private readonly head: JournalEntry | undefined,
    private readonly earliestExpiry: bigint | undefined,
  ) {}

  async lastJournalEntry(): Promise<JournalEntry | undefined> {
    return this.batch.journal ?? this.head;
  }

  /** Locks the rows in id order, so two writers that both lock several accounts never deadlock. */
  async loadAccounts(ids: readonly AccountId[]): Promise<ReadonlyMap<AccountId, Account>> {
    const found = new Map<AccountId, Account>();
    // Accounts this transaction loaded before are returned as the same objects: the rules change
    // balances in place, and those changes are only sent to the server at `flush`.
    const wanted = storableIds(ids, parseAccountId).filter((id) => {
      const loaded = this.loaded.get(id);
      if (loaded !== undefined) found.set(id, loaded);
      return loaded === undefined;
    });
    if (wanted.length === 0) return found;
    const { rows } = await this.client.query<AccountRow>({
      ...SQL.lockAccounts,
      values: [uuidArray(wanted)],
    });
    for (const row of rows) {
      const account = accountFromRow(row);
      found.set(account.id, account);
      this.loaded.set(account.id, account);
    }
    return found;
  }

  async loadTransfers(ids: readonly TransferId[]): Promise<Map<TransferId, StoredTransfer>> {
    const found = new Map<TransferId, StoredTransfer>();
    const wanted = storableIds(ids, parseTransferId);
    if (wanted.length === 0) return found;
    const { rows } = await this.client.query<TransferRow>({
      ...SQL.transfersByIds,
      values: [uuidArray(wanted)],
    });
    for (const row of rows) {
      const transfer = transferFromRow(row);
      found.set(transfer.id, transfer);
    }
    return found;
  }

  /** Nearly always nothing is due: the earliest expiry read with the lock saves the query then. */
  async duePendingTransfers(nowNs: bigint, limit: number): Promise<StoredTransfer[]> {
    if (this.earliestExpiry === undefined || nowNs < this.earliestExpiry) return [];
    const { rows } = await this.client.query<TransferRow>({
      ...SQL.duePending,
      values: [nowNs, limit],
    });
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

  async getRecords(
    collection: string,
    keys: readonly string[],
  ): Promise<Map<string, StoredRecord>> {
    const found = new Map<string, StoredRecord>();
    const written = this.records.get(collection);
    // Text PostgreSQL cannot hold (../../ledger/text.ts) is never a key: it matches nothing, and
    // must not reach the server (a NUL fails the statement; a lone surrogate would match U+FFFD).
    const missing = [...new Set(keys)].filter((key) => {
      if (!isStorableText(key)) return false;
      const record = written?.get(key);
      if (record !== undefined) found.set(key, record);
      return record === undefined;
    });
    if (missing.length === 0) return found;
    const { rows } = await this.client.query<RecordRow>(
      'SELECT * FROM records WHERE collection = $1 AND key = ANY($2::text[]) FOR UPDATE',
      [collection, missing],
    );
    for (const row of rows) found.set(row.key, recordFromRow(row));
    return found;
  }

  putRecords(puts: readonly RecordPut[], updatedAt: bigint): Promise<void> {
    for (const put of puts) {
      checkRecordPut(put);
      let collection = this.records.get(put.collection);
      if (collection === undefined)
        this.records.set(put.collection, (collection = new Map<string, StoredRecord>()));
      collection.set(put.key, {
        collection: put.collection,
        key: put.key,
        value: put.value,
        updatedAt,
      });
    }
    return Promise.resolve();
  }

  appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    for (const entry of entries) checkAuditEntry(entry);
    this.audit.push(...entries);
    return Promise.resolve();
  }

  /** Sent with the batch's statement (batch-write.ts), which numbers them inside the write lock. */
  appendEvents(events: readonly EventInput[]): Promise<void> {
    for (const event of events) checkEventInput(event);
    this.batch.addEvents(events);
    this.eventCount += events.length;
    return Promise.resolve();
  }

  appendTransferEvents(events: TransferEvents): Promise<void> {
    checkTransferEvents(events);
    this.batch.addTransferEvents(events);
    this.eventCount += events.transfers.length;
    return Promise.resolve();
  }

  addTallies(tallies: readonly PairTally[]): Promise<void> {
    this.tallies.push(...tallies);
    return Promise.resolve();
  }

  addFlows(rows: readonly FlowDelta[], replace = false): Promise<void> {
    if (replace) {
      this.flows.length = 0;
      this.flowsReplace = true;
    }
    if (rows.length > 0) this.flows.push([...rows]);
    return Promise.resolve();
  }

  /** True when the transaction writes documents, audit entries or events, which have no journal entry to check a lost COMMIT by. */
  get writesRecords(): boolean {
    return this.records.size > 0 || this.audit.length > 0 || this.eventCount > 0;
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
    if (!this.batch.empty) await this.client.query(this.batch.toQuery());
    const records = [...this.records.values()].flatMap((collection) => [...collection.values()]);
    if (records.length > 0) {
      await this.client.query({
        name: 'vostro_put_records',
        text: `INSERT INTO records (collection, key, value, updated_at)
          SELECT c, k, v::jsonb, u FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[]) AS r(c, k, v, u)
          ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        values: [
          records.map((r) => r.collection),
          records.map((r) => r.key),
          records.map((r) => JSON.stringify(r.value)),
          records.map((r) => r.updatedAt.toString()),
        ],
      });
    }
    if (this.tallies.length > 0) {
      // One row per pair: the ledger sums a batch's transfers per pair before they get here.
      const column = <Value>(pick: (tally: PairTally) => Value): Value[] => this.tallies.map(pick);
      await this.client.query({
        name: 'vostro_add_tallies',
        text: `INSERT INTO pair_tallies (ledger, period, code, debit_account_id, credit_account_id, amount, count)
          SELECT * FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::uuid[], $5::uuid[], $6::int8[], $7::int8[])
          ON CONFLICT (ledger, period, code, debit_account_id, credit_account_id)
          DO UPDATE SET amount = pair_tallies.amount + excluded.amount, count = pair_tallies.count + excluded.count`,
        values: [
          column((t) => t.ledger),
          column((t) => t.period),
          column((t) => t.code),
          column((t) => t.debitAccountId),
          column((t) => t.creditAccountId),
          column((t) => t.amount.toString()),
          column((t) => t.count),
        ],
      });
    }
    if (this.flowsReplace) await this.client.query('DELETE FROM flow_totals');
    if (this.flows.length > 0) {
      // One row per key: the transaction's batches (one, nearly always) summed first.
      const rows = mergeFlowDeltas(this.flows);
      const column = <Value>(pick: (row: FlowDelta) => Value): Value[] => rows.map(pick);
      await this.client.query({
        name: 'vostro_add_flows',
        text: `INSERT INTO flow_totals (scope, code, month, ledger, debit_country, credit_country, amount_high, amount_low, count)
          SELECT * FROM unnest($1::text[], $2::int4[], $3::int4[], $4::int4[], $5::text[], $6::text[], $7::int8[], $8::int8[], $9::int8[])
          ON CONFLICT (scope, code, month, ledger, debit_country, credit_country) DO UPDATE SET
          amount_high = flow_totals.amount_high + excluded.amount_high,
          amount_low = flow_totals.amount_low + excluded.amount_low, count = flow_totals.count + excluded.count`,
        values: [
          column((row) => row.scope),
          column((row) => row.code),
          column((row) => row.month),
          column((row) => row.ledger),
          column((row) => row.debitCountry),
          column((row) => row.creditCountry),
          column((row) => splitAmount(row.amount).high.toString()),
          column((row) => splitAmount(row.amount).low.toString()),
          column((row) => row.count),
        ],
      });
    }
    if (this.audit.length > 0) {
      const column = <Value>(pick: (entry: AuditEntry) => Value): Value[] => this.audit.map(pick);
      await this.client.query({
        name: 'vostro_append_audit',
        text: `INSERT INTO audit_log (at, actor, role, key_id, request_id, action, target, detail)
          SELECT a, ac, r, k, q, x, t, d::jsonb FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS e(a, ac, r, k, q, x, t, d)`,
        values: [
          column((e) => e.at.toString()),
          column((e) => e.actor),
          column((e) => e.role),
          column((e) => e.keyId ?? null),
          column((e) => e.requestId ?? null),
          column((e) => e.action),
          column((e) => e.target ?? null),
          column((e) => JSON.stringify(e.detail)),
        ],
      });
    }
  }
}
