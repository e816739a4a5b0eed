import type pg from 'pg';
import {
  parseAccountId,
  parseTransferId,
  type AccountId,
  type TransferId,
} from '../../ledger/ids.js';
import type { JournalEntry } from '../../ledger/journal.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import type { FlowDelta } from '../../ledger/flows.js';
import { isStorableText } from '../../ledger/text.js';
import type {
  AccountQuery,
  AccountTransfersQuery,
  LedgerStore,
  FlowPair,
  FlowTotal,
  FlowTotalsQuery,
  MonthlyFlowsQuery,
  PairTotal,
  PairTotalsQuery,
  SnapshotSource,
  TalliesQuery,
  WriteTransaction,
} from '../store.js';
import { flowPairs, flowTotals, monthlyFlows, pairTotals, readTallies } from './aggregates.js';
import {
  createPool,
  parsePostgresUrl,
  type PostgresPool,
  type PostgresTarget,
} from './connection.js';
import { migrate } from './migrations.js';
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
import { PostgresConnectionError, runWriteTransaction } from './write-transaction.js';
import type { AuditQuery, RecordQuery, StoredAuditEntry, StoredRecord } from '../records.js';
import {
  auditFromRow,
  eventFromRow,
  recordFromRow,
  type AuditRow,
  type EventRow,
  type RecordRow,
} from '../rows.js';
import { checkEventQuery, type EventQuery, type StoredEvent } from '../events.js';
import { transferEventData } from '../../ledger/events.js';
import type { JsonObject } from '../records.js';
import {
  scanBefore,
  scanPage,
  searchFilterSql,
  type TransferSearchPage,
  type TransferSearchQuery,
} from '../transfer-search.js';

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database, optionally `?schema=name` (default `public`). */
  readonly url: string;
  /** Connections at most: one writes at a time, the others serve reads (default 4). */
  readonly poolMax?: number;
  /** How long to wait for a connection, from the pool or the server (default 10,000 ms). */
  readonly connectTimeoutMs?: number;
  /** The server ends a session idle inside a transaction after this long, freeing the write lock (default 60,000 ms). */
  readonly idleInTransactionTimeoutMs?: number;
  /**
   * How long a batch whose connection broke during COMMIT keeps asking the (possibly new) primary
   * whether it committed, before it is answered as unknown (default 30,000 ms; see commit-outcome.ts).
   */
  readonly commitCheckTimeoutMs?: number;
}

const NEWEST = (1n << 63n) - 1n;
/**
 * A page of events (the inner query) with, for a transfer event, the transfer it stands for and
 * its accounts' owners, from which its body is rendered (see TransferEvents in ../events.ts).
 */
const eventPage = (page: string): string => `SELECT e.seq, e.at, e.type, e.subject, e.participants,
    e.data, ${TRANSFER_COLUMNS}, d.owner AS debit_owner, c.owner AS credit_owner
  FROM (${page}) e
  LEFT JOIN transfers t ON json_typeof(e.data) = 'null' AND t.timestamp = e.at
  LEFT JOIN pending_transfers p ON p.timestamp = t.timestamp
  LEFT JOIN accounts d ON d.id = t.debit_account_id
  LEFT JOIN accounts c ON c.id = t.credit_account_id
  ORDER BY e.seq`;

type TransferEventRow = EventRow &
  TransferRow & { debit_owner: string | null; credit_owner: string | null };

function transferEventBody(row: TransferEventRow): JsonObject {
  if (row.debit_owner === null || row.credit_owner === null)
    throw new Error(`bug: the transfer of event ${row.seq} (${row.subject}) is not stored`);
  return transferEventData(transferFromRow(row), row.type, row.debit_owner, row.credit_owner);
}

/**
 * The server store: PostgreSQL through a bounded pool. Each batch is one database transaction
 * that first locks the ledger's head row, so that the writers of every process sharing the
 * schema take turns in one order (the journal's hash chain and the timestamps need one), then
 * reads what it needs, locking the batch's account rows in id order, and writes every effect in
 * a few multi-row statements. Nothing is cached between batches: another process may write.
 * Balances are written with each batch, so stored balances are always the current ones.
 *
 * Within this process, `write` runs the callbacks one at a time in call order (a promise chain):
 * a second transaction could only wait for the head lock anyway, holding a connection meanwhile.
 */
export class PostgresStore implements LedgerStore {
  readonly kind = 'postgres' as const;
  readonly lookUpIdsFirst = false;
  readonly description: string;
  private readonly target: PostgresTarget;
  private readonly pool: PostgresPool;
  private readonly commitCheckTimeoutMs: number;
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(target: PostgresTarget, pool: PostgresPool, commitCheckTimeoutMs: number) {
    this.target = target;
    this.pool = pool;
    this.commitCheckTimeoutMs = commitCheckTimeoutMs;
    this.description = target.description;
  }

  /** Connects, migrates a schema that is behind, and refuses one that is ahead (SchemaTooNewError). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const target = parsePostgresUrl(options.url);
    const pool = createPool(target, {
      poolMax: options.poolMax ?? 4,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs ?? 60_000,
    });
    try {
      const client = await pool.connect().catch((error: unknown) => {
        throw new PostgresConnectionError(
          `cannot reach PostgreSQL at ${target.description}: ${error instanceof Error ? error.message : String(error)}`,
          'not_written',
          { cause: error },
        );
      });
      try {
        await migrate(client, target.schema);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(target, pool, options.commitCheckTimeoutMs ?? 30_000);
  }

  get schema(): string {
    return this.target.schema;
  }

  write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const run = this.writes.then(() =>
      runWriteTransaction(this.pool, work, this.commitCheckTimeoutMs),
    );
    this.writes = run.catch(() => undefined);
    return run;
  }

  async getAccounts(ids: readonly AccountId[]): Promise<Account[]> {
    const wanted = storableIds(ids, parseAccountId);
    if (wanted.length === 0) return [];
    const rows = await this.rows<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ANY($1::uuid[])`,
      [uuidArray(wanted)],
    );
    const byId = new Map(rows.map((row) => [row.id, accountFromRow(row)]));
    return inInputOrder(ids, byId);
  }

  async getTransfers(ids: readonly TransferId[]): Promise<StoredTransfer[]> {
    const wanted = storableIds(ids, parseTransferId);
    if (wanted.length === 0) return [];
    const rows = await this.rows<TransferRow>(
      `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.id = ANY($1::uuid[])`,
      [uuidArray(wanted)],
    );
    const byId = new Map(rows.map((row) => [row.id, transferFromRow(row)]));
    return inInputOrder(ids, byId);
  }

  async listAccounts(query: AccountQuery): Promise<Account[]> {
    // Text PostgreSQL cannot hold is no one's name; sent, a NUL fails the statement and a lone surrogate matches U+FFFD.
    if (query.owner !== undefined && !isStorableText(query.owner)) return [];
    const after = query.afterTimestamp ?? 0n;
    const rows =
      query.owner === undefined
        ? await this.rows<AccountRow>(
            `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE timestamp > $1 ORDER BY timestamp LIMIT $2`,
            [after, query.limit],
          )
        : await this.rows<AccountRow>(
            `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE owner = $1 AND timestamp > $2 ORDER BY timestamp LIMIT $3`,
            [query.owner, after, query.limit],
          );
    return rows.map(accountFromRow);
  }

  /**
   * Newest first, strictly older than `beforeTimestamp` when given (the same cursor as the SQLite
   * store's). Each half walks one history index backwards and stops after `limit` rows; a
   * transfer never debits and credits the same account, so the halves never overlap.
   */
  async listAccountTransfers(query: AccountTransfersQuery): Promise<StoredTransfer[]> {
    if (parseAccountId(query.accountId) === undefined || query.limit <= 0) return [];
    const half = (column: string): string =>
      `(SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.${column} = $1 AND t.timestamp < $2 ORDER BY t.timestamp DESC LIMIT $3)`;
    const rows = await this.rows<TransferRow>(
      `SELECT * FROM (${half('debit_account_id')} UNION ALL ${half('credit_account_id')}) h ORDER BY timestamp DESC LIMIT $3`,
      [query.accountId, query.beforeTimestamp ?? NEWEST, query.limit],
    );
    return rows.map(transferFromRow);
  }

  /**
   * See ../transfer-search.ts. The newest `scanMax` candidates older than the cursor are chosen
   * through indexes only: by primary key without accounts; with accounts, per account the newest
   * `scanMax` of `transfers_debit_history` and of `transfers_credit_history` (a LATERAL index
   * scan each, backwards), merged. The database then filters those candidates and returns at
   * most `limit`, with how many it examined and the oldest of them (the cursor when the page is
   * short). A page reads at most 2 × accounts × scanMax index entries, however large the table.
   */
  async searchTransfers(query: TransferSearchQuery): Promise<TransferSearchPage> {
    const before = scanBefore(query);
    const accounts =
      query.accounts === undefined ? undefined : storableIds(query.accounts, parseAccountId);
    if (accounts?.length === 0 || query.limit <= 0) return { transfers: [] };
    // Unfiltered, the first `limit` candidates are the page: no need to read further per account.
    const filtered =
      query.ledger !== undefined ||
      query.amountMin !== undefined ||
      query.amountMax !== undefined ||
      query.statuses !== undefined;
    const params: unknown[] = [
      before,
      query.fromTimestamp ?? 0n,
      filtered ? query.scanMax : Math.min(query.limit, query.scanMax),
    ];
    const side = (column: string): string =>
      `SELECT x.ts FROM unnest($4::uuid[]) a(id) CROSS JOIN LATERAL (SELECT timestamp AS ts FROM transfers
        WHERE ${column} = a.id AND timestamp < $1 AND timestamp >= $2 ORDER BY timestamp DESC LIMIT $3) x`;
    let candidates: string;
    if (accounts === undefined) {
      candidates =
        'SELECT timestamp AS ts FROM transfers WHERE timestamp < $1 AND timestamp >= $2 ORDER BY timestamp DESC LIMIT $3';
    } else {
      params.push(uuidArray(accounts));
      candidates = `SELECT ts FROM (${side('debit_account_id')} UNION ${side('credit_account_id')}) u ORDER BY ts DESC LIMIT $3`;
    }
    const offset = params.length;
    const filter = searchFilterSql(query, (index) => `$${offset + index + 1}`);
    params.push(...filter.params, query.limit);
    const rows = await this.rows<TransferRow & { scanned: bigint; lowest: bigint | null }>(
      `WITH s AS MATERIALIZED (${candidates})
      SELECT c.scanned, c.lowest, m.* FROM (SELECT count(*) AS scanned, min(ts) AS lowest FROM s) c
      LEFT JOIN LATERAL (
        SELECT ${TRANSFER_COLUMNS} FROM s JOIN transfers t ON t.timestamp = s.ts
          LEFT JOIN pending_transfers p ON p.timestamp = t.timestamp
        WHERE ${filter.sql} ORDER BY t.timestamp DESC LIMIT $${params.length}
      ) m ON TRUE`,
      params,
    );
    const first = rows[0];
    const matches = rows
      .filter((row) => (row.timestamp as bigint | null) !== null)
      .map(transferFromRow);
    return scanPage(query, Number(first?.scanned ?? 0), first?.lowest ?? undefined, matches);
  }

  async journalEntries(afterSeq: bigint, limit: number): Promise<JournalEntry[]> {
    const rows = await this.rows<JournalRow>(
      'SELECT * FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2',
      [afterSeq, limit],
    );
    return rows.map(journalFromRow);
  }

  async accountsInRange(firstTimestamp: bigint, lastTimestamp: bigint): Promise<Account[]> {
    const rows = await this.rows<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE timestamp BETWEEN $1 AND $2 ORDER BY timestamp`,
      [firstTimestamp, lastTimestamp],
    );
    return rows.map(accountFromRow);
  }

  async transfersInRange(firstTimestamp: bigint, lastTimestamp: bigint): Promise<StoredTransfer[]> {
    const rows = await this.rows<TransferRow>(
      `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.timestamp BETWEEN $1 AND $2 ORDER BY t.timestamp`,
      [firstTimestamp, lastTimestamp],
    );
    return rows.map(transferFromRow);
  }

  /** See aggregates.ts. */
  async flowTotals(query: FlowTotalsQuery): Promise<FlowTotal[]> {
    return flowTotals((text, values) => this.rows(text, values), query);
  }

  async monthlyFlows(query: MonthlyFlowsQuery): Promise<FlowDelta[]> {
    return monthlyFlows((text, values) => this.rows(text, values), query);
  }

  async flowPairs(firstTimestamp: bigint, lastTimestamp: bigint): Promise<FlowPair[]> {
    return flowPairs((text, values) => this.rows(text, values), firstTimestamp, lastTimestamp);
  }

  async lastTimestamp(): Promise<bigint> {
    const rows = await this.rows<{ last_timestamp: bigint }>(
      'SELECT last_timestamp FROM journal ORDER BY seq DESC LIMIT 1',
      [],
    );
    return rows[0]?.last_timestamp ?? 0n;
  }

  /** See aggregates.ts. */
  async pairTotals(query: PairTotalsQuery): Promise<PairTotal[]> {
    return pairTotals((text, values) => this.rows(text, values), query);
  }

  async tallies(query: TalliesQuery): Promise<PairTotal[]> {
    return readTallies((text, values) => this.rows(text, values), query);
  }

  async accountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]> {
    const rows = await this.rows<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE timestamp > $1 ORDER BY timestamp LIMIT $2`,
      [afterTimestamp, limit],
    );
    return rows.map(accountFromRow);
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

  /**
   * The server the store writes to now (of a multi-host URL, the current primary) and the same
   * schema: a REPEATABLE READ transaction there sees one consistent snapshot.
   */
  snapshotSource(): SnapshotSource {
    return {
      kind: 'postgres',
      connectionString: this.pool.currentConnectionString,
      schema: this.target.schema,
    };
  }

  async getRecords(
    collection: string,
    keys: readonly string[],
  ): Promise<Map<string, StoredRecord>> {
    const rows = await this.rows<RecordRow>(
      'SELECT * FROM records WHERE collection = $1 AND key = ANY($2::text[])',
      [collection, [...new Set(keys)].filter(isStorableText)],
    );
    return new Map(rows.map((row) => [row.key, recordFromRow(row)]));
  }

  /** `COLLATE "C"` orders keys as byte strings, as SQLite does. */
  async listRecords(query: RecordQuery): Promise<StoredRecord[]> {
    const prefix = query.prefix ?? '';
    if (!isStorableText(prefix) || !isStorableText(query.afterKey ?? '')) return [];
    const rows = await this.rows<RecordRow>(
      `SELECT * FROM records WHERE collection = $1 AND key COLLATE "C" > $2 AND left(key, length($3)) = $3 ORDER BY key COLLATE "C" LIMIT $4`,
      [query.collection, query.afterKey ?? '', prefix, query.limit],
    );
    return rows.map(recordFromRow);
  }

  async auditEntries(query: AuditQuery): Promise<StoredAuditEntry[]> {
    if (query.actor !== undefined && !isStorableText(query.actor)) return [];
    if (query.target !== undefined && !isStorableText(query.target)) return [];
    const after = query.afterSeq ?? 0n;
    if (query.target !== undefined)
      return (
        await this.rows<AuditRow>(
          'SELECT * FROM audit_log WHERE target = $1 AND ($2::text IS NULL OR actor = $2) AND seq > $3 ORDER BY seq LIMIT $4',
          [query.target, query.actor ?? null, after, query.limit],
        )
      ).map(auditFromRow);
    const rows =
      query.actor === undefined
        ? await this.rows<AuditRow>(
            'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
            [after, query.limit],
          )
        : await this.rows<AuditRow>(
            'SELECT * FROM audit_log WHERE actor = $1 AND seq > $2 ORDER BY seq LIMIT $3',
            [query.actor, after, query.limit],
          );
    return rows.map(auditFromRow);
  }

  /**
   * Committed events only (READ COMMITTED). Seqs are assigned inside the ledger's write lock, so
   * whatever a reader sees is a prefix of the sequence: a page never has a gap a later commit fills.
   */
  async events(query: EventQuery): Promise<StoredEvent[]> {
    checkEventQuery(query);
    if (query.limit === 0) return [];
    const { participant, types } = query;
    if (participant !== undefined && !isStorableText(participant)) return [];
    if (types?.length === 0) return [];
    const values: unknown[] = [query.afterSeq, query.limit];
    const typeFilter =
      types === undefined
        ? ''
        : `AND e.type = ANY($${values.push(types.filter(isStorableText))}::text[])`;
    const rows =
      participant === undefined
        ? await this.rows<TransferEventRow>(
            eventPage(
              `SELECT * FROM events e WHERE e.seq > $1 ${typeFilter} ORDER BY e.seq LIMIT $2`,
            ),
            values,
          )
        : await this.rows<TransferEventRow>(
            eventPage(`SELECT e.* FROM event_parties p JOIN events e ON e.seq = p.seq
            WHERE p.participant = $${values.push(participant)} AND p.seq > $1 ${typeFilter} ORDER BY p.seq LIMIT $2`),
            values,
          );
    return rows.map((row) => eventFromRow(row, transferEventBody));
  }

  async lastEventSeq(): Promise<bigint> {
    const rows = await this.rows<{ seq: bigint }>(
      'SELECT coalesce(max(seq), 0)::int8 AS seq FROM events',
      [],
    );
    return rows[0]?.seq ?? 0n;
  }

  /** Waits for the batches already handed in, then closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes;
    await this.pool.end();
  }

  private async rows<Row extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<Row[]> {
    if (this.closed) throw new Error('the store is closed');
    return (await this.pool.query<Row>(text, values)).rows;
  }
}

/** One item per id asked for that exists, in the order asked (as the SQLite store answers). */
function inInputOrder<Item>(ids: readonly string[], byId: ReadonlyMap<string, Item>): Item[] {
  const found: Item[] = [];
  for (const id of ids) {
    const item = byId.get(id.toLowerCase());
    if (item !== undefined) found.push(item);
  }
  return found;
}
