import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { JournalEntry, JournalKind } from '../../ledger/journal.js';
import { SchemaTooNewError } from '../store.js';
import { ChunkedStatement } from './chunked.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import type { TransferRow } from './rows.js';

/** The SQL the main thread's read connection runs, prepared once. */

export const TRANSFER_COLUMNS = `t.timestamp, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id, t.ledger, t.code,
  t.flags, t.timeout, t.reference, t.user_data_64, t.user_data_32, t.debit_previous, t.credit_previous, p.status, p.expires_at`;
const TRANSFER_FROM = 'transfers t LEFT JOIN pending_transfers p ON p.timestamp = t.timestamp';

export interface JournalRow {
  seq: bigint;
  kind: JournalKind;
  first_timestamp: bigint;
  last_timestamp: bigint;
  count: bigint;
  prev_hash: Buffer;
  hash: Buffer;
}

export function journalFromRow(row: JournalRow): JournalEntry {
  return {
    seq: row.seq,
    kind: row.kind,
    firstTimestamp: row.first_timestamp,
    lastTimestamp: row.last_timestamp,
    count: Number(row.count),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function migrate(db: SqliteDatabase): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const current = Number(
    db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get(),
  );
  const latest = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;
  if (current > latest) throw new SchemaTooNewError(current, latest);
  for (const migration of SQLITE_MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}

/** The next older transfer of the account in its history chain. */
export function previousOf(row: TransferRow, accountId: string): bigint {
  return row.debit_account_id === accountId ? row.debit_previous : row.credit_previous;
}

export type Statements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: SqliteDatabase) {
  const prepare = (sql: string): Statement => db.prepare(sql);
  return {
    lastJournal: prepare('SELECT * FROM journal ORDER BY seq DESC LIMIT 1'),
    maxTransferId: prepare('SELECT max(id) FROM transfers'),
    journalAfter: prepare('SELECT * FROM journal WHERE seq > ? ORDER BY seq LIMIT ?'),
    accountById: prepare('SELECT * FROM accounts WHERE id = ?'),
    accountsAfter: prepare('SELECT * FROM accounts WHERE timestamp > ? ORDER BY timestamp LIMIT ?'),
    accountsOfOwner: prepare(
      'SELECT * FROM accounts WHERE owner = ? AND timestamp > ? ORDER BY timestamp LIMIT ?',
    ),
    accountsInRange: prepare(
      'SELECT * FROM accounts WHERE timestamp BETWEEN ? AND ? ORDER BY timestamp',
    ),
    transferById: prepare(`SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.id = ?`),
    transferByTimestamp: prepare(
      `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.timestamp = ?`,
    ),
    transfersByIds: new ChunkedStatement(
      db,
      256,
      1,
      (rows) =>
        `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.id IN (${new Array(rows).fill('?').join(', ')})`,
    ),
    transfersInRange: prepare(
      `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.timestamp BETWEEN ? AND ? ORDER BY t.timestamp`,
    ),
    recordByKey: prepare('SELECT * FROM records WHERE collection = ? AND key = ?'),
    recordsAfter: prepare(
      'SELECT * FROM records WHERE collection = ? AND key > ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT ?',
    ),
    auditAfter: prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?'),
    auditOfActorAfter: prepare(
      'SELECT * FROM audit_log WHERE actor = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    auditOfTargetAfter: prepare(
      'SELECT * FROM audit_log WHERE target = ? AND (? IS NULL OR actor = ?) AND seq > ? ORDER BY seq LIMIT ?',
    ),
    balancesSeq: prepare('SELECT balances_seq FROM ledger_state WHERE id = 1'),
    earliestExpiry: prepare(
      'SELECT min(expires_at) FROM pending_transfers WHERE status = 1 AND expires_at > 0',
    ),
    duePending:
      prepare(`SELECT ${TRANSFER_COLUMNS} FROM pending_transfers p JOIN transfers t ON t.timestamp = p.timestamp
      WHERE p.status = 1 AND p.expires_at > 0 AND p.expires_at <= ? ORDER BY p.expires_at LIMIT ?`),
  };
}
