import type pg from 'pg';
import { parseTransferId, type TransferId } from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import type { PairTotal, PairTotalsQuery, TalliesQuery } from '../store.js';
import { SchemaTooNewError } from '../store.js';
import { recordFromRow, type RecordRow } from '../rows.js';
import type { StoredRecord } from '../records.js';
import { pairTotals, readTallies } from './aggregates.js';
import { createClient, type PostgresTarget } from './connection.js';
import { POSTGRES_SCHEMA_VERSION } from './migrations.js';
import {
  ACCOUNT_COLUMNS,
  accountFromRow,
  journalFromRow,
  storableIds,
  TRANSFER_COLUMNS,
  TRANSFER_FROM,
  transferFromRow,
  uuidArray,
  type AccountRow,
  type JournalRow,
  type TransferRow,
} from './rows.js';

/**
 * One connection of its own inside one `REPEATABLE READ READ ONLY` transaction: every read sees
 * the same snapshot of the schema, whatever the store's writers commit meanwhile, and writers never
 * wait for it (MVCC). The verifier's worker thread reads through it (src/store/verify-worker.ts).
 * Balances are written with every batch, so the stored columns are the current ones.
 *
 * The transaction is idle only while the verifier hashes what it read, far less than the
 * session's idle-in-transaction limit. While it is open, VACUUM keeps row versions it could see.
 */
export class PostgresSnapshot {
  private constructor(private readonly client: pg.Client) {}

  static async open(
    target: Pick<PostgresTarget, 'connectionString' | 'schema'>,
    options: { connectTimeoutMs?: number } = {},
  ): Promise<PostgresSnapshot> {
    const client = createClient(target, {
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      idleInTransactionTimeoutMs: 60_000,
      applicationName: 'vostro verify',
    });
    await client.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The snapshot is taken by the first statement of the transaction: this one.
      const { rows } = await client.query<{ version: number | null }>(
        `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN NULL ELSE (SELECT coalesce(max(version), 0)::int4 FROM schema_migrations) END AS version`,
      );
      const version = rows[0]?.version ?? null;
      if (version === null) throw new Error(`no vostro ledger in schema ${target.schema}`);
      if (version > POSTGRES_SCHEMA_VERSION)
        throw new SchemaTooNewError(version, POSTGRES_SCHEMA_VERSION);
      if (version < POSTGRES_SCHEMA_VERSION)
        throw new Error(
          `the schema ${target.schema} is at version ${version}, older than this vostro's (${POSTGRES_SCHEMA_VERSION}); open it with vostro once to migrate it`,
        );
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return new PostgresSnapshot(client);
  }

  async counts(): Promise<{ accounts: number; transfers: number; journalEntries: number }> {
    const rows = await this.rows<{ accounts: bigint; transfers: bigint; journal: bigint }>(
      'SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM journal) AS journal',
      [],
    );
    const row = rows[0];
    return {
      accounts: Number(row?.accounts ?? 0n),
      transfers: Number(row?.transfers ?? 0n),
      journalEntries: Number(row?.journal ?? 0n),
    };
  }

  async journalEntries(afterSeq: bigint, limit: number): Promise<JournalEntry[]> {
    return (
      await this.rows<JournalRow>('SELECT * FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2', [
        afterSeq,
        limit,
      ])
    ).map(journalFromRow);
  }

  async accountsInRange(firstTimestamp: bigint, lastTimestamp: bigint): Promise<Account[]> {
    return (
      await this.rows<AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE timestamp BETWEEN $1 AND $2 ORDER BY timestamp`,
        [firstTimestamp, lastTimestamp],
      )
    ).map(accountFromRow);
  }

  async transfersInRange(firstTimestamp: bigint, lastTimestamp: bigint): Promise<StoredTransfer[]> {
    return (
      await this.rows<TransferRow>(
        `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.timestamp BETWEEN $1 AND $2 ORDER BY t.timestamp`,
        [firstTimestamp, lastTimestamp],
      )
    ).map(transferFromRow);
  }

  async getTransfers(ids: readonly TransferId[]): Promise<StoredTransfer[]> {
    const wanted = storableIds(ids, parseTransferId);
    if (wanted.length === 0) return [];
    return (
      await this.rows<TransferRow>(
        `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.id = ANY($1::uuid[])`,
        [uuidArray(wanted)],
      )
    ).map(transferFromRow);
  }

  /** Balances are written with every batch: the stored columns are current as of the newest entry. */
  async storedBalancesSeq(): Promise<bigint> {
    const rows = await this.rows<{ seq: bigint }>(
      'SELECT coalesce(max(seq), 0)::int8 AS seq FROM journal',
      [],
    );
    return rows[0]?.seq ?? 0n;
  }

  async storedAccountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]> {
    return this.accountsAfter(afterTimestamp, limit);
  }

  async accountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]> {
    return (
      await this.rows<AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE timestamp > $1 ORDER BY timestamp LIMIT $2`,
        [afterTimestamp, limit],
      )
    ).map(accountFromRow);
  }

  async getRecords(
    collection: string,
    keys: readonly string[],
  ): Promise<Map<string, StoredRecord>> {
    const rows = await this.rows<RecordRow>(
      'SELECT * FROM records WHERE collection = $1 AND key = ANY($2::text[])',
      [collection, [...new Set(keys)]],
    );
    return new Map(rows.map((row) => [row.key, recordFromRow(row)]));
  }

  async tallies(query: TalliesQuery): Promise<PairTotal[]> {
    return readTallies((text, values) => this.rows(text, values), query);
  }

  async pairTotals(query: PairTotalsQuery): Promise<PairTotal[]> {
    return pairTotals((text, values) => this.rows(text, values), query);
  }

  /** Ends the transaction (it wrote nothing) and the connection. */
  async close(): Promise<void> {
    await this.client.query('COMMIT').catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }

  private async rows<Row extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<Row[]> {
    return (await this.client.query<Row>(text, values)).rows;
  }
}
