import type pg from 'pg';
import { SchemaTooNewError } from '../store.js';

/**
 * Versioned schema of the PostgreSQL store. Append new migrations; never edit one that has shipped.
 *
 * The tables mirror the SQLite store's (`../sqlite/migrations.ts`) column for column and in
 * meaning, with three differences:
 * - ids are `uuid` (16 bytes; PostgreSQL prints them in canonical lower-case text, the form the
 *   journal hashes), and a transfer without a pending id stores NULL, as in SQLite;
 * - balances are written with every batch (SQLite writes them lazily), so the stored balances
 *   are always current and there is no `ledger_state`;
 * - an account's history comes from ordinary indexes on (debit_account_id, timestamp) and
 *   (credit_account_id, timestamp) instead of SQLite's chain of previous-transfer columns:
 *   PostgreSQL's WAL logs index inserts as small records, not whole pages;
 * - accounts are rewritten by nearly every batch, so their pages are kept 40 % full: the new row
 *   version then fits on the same page (a HOT update) and none of the account indexes is touched.
 *   At 100 % only about half the updates were HOT.
 *
 * `ledger_head` has one row, locked FOR UPDATE by every write transaction before it reads
 * anything: that lock puts all writers of this schema, in every process, into one order, which
 * the journal's hash chain and the strictly increasing timestamps need (see docs/architecture.md).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ledger',
    sql: `
      CREATE FUNCTION vostro_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$;

      CREATE TABLE accounts (
        timestamp int8 PRIMARY KEY CHECK (timestamp > 0),
        id uuid NOT NULL UNIQUE,
        ledger int4 NOT NULL CHECK (ledger > 0),
        code int4 NOT NULL CHECK (code > 0),
        flags int4 NOT NULL CHECK (flags >= 0),
        owner text NOT NULL CHECK (length(owner) > 0),
        reference text NOT NULL CHECK (length(reference) <= 64),
        user_data_64 int8 NOT NULL CHECK (user_data_64 >= 0),
        user_data_32 int8 NOT NULL CHECK (user_data_32 BETWEEN 0 AND 4294967295),
        debits_pending int8 NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
        debits_posted int8 NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
        credits_pending int8 NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
        credits_posted int8 NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
        CHECK ((flags & 2) = 0 OR debits_pending + debits_posted <= credits_posted),
        CHECK ((flags & 4) = 0 OR credits_pending + credits_posted <= debits_posted)
      ) WITH (fillfactor = 40);
      CREATE INDEX accounts_owner ON accounts (owner, timestamp);

      CREATE TABLE transfers (
        timestamp int8 PRIMARY KEY CHECK (timestamp > 0),
        id uuid NOT NULL UNIQUE,
        debit_account_id uuid NOT NULL,
        credit_account_id uuid NOT NULL,
        amount int8 NOT NULL CHECK (amount > 0),
        pending_id uuid,
        ledger int4 NOT NULL CHECK (ledger > 0),
        code int4 NOT NULL CHECK (code > 0),
        flags int4 NOT NULL CHECK (flags >= 0),
        timeout int8 NOT NULL CHECK (timeout >= 0),
        reference text NOT NULL CHECK (length(reference) <= 64),
        user_data_64 int8 NOT NULL,
        user_data_32 int8 NOT NULL,
        CHECK (debit_account_id <> credit_account_id)
      );
      CREATE INDEX transfers_debit_history ON transfers (debit_account_id, timestamp);
      CREATE INDEX transfers_credit_history ON transfers (credit_account_id, timestamp);
      CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON transfers
        FOR EACH STATEMENT EXECUTE FUNCTION vostro_append_only();

      -- What became of each pending transfer: 1 pending, 2 posted, 3 voided, 4 expired.
      CREATE TABLE pending_transfers (
        timestamp int8 PRIMARY KEY,
        expires_at int8 NOT NULL CHECK (expires_at >= 0),
        status int2 NOT NULL CHECK (status BETWEEN 1 AND 4),
        resolved_by int8
      );
      CREATE INDEX pending_transfers_due ON pending_transfers (expires_at) WHERE status = 1 AND expires_at > 0;

      CREATE TABLE journal (
        seq int8 PRIMARY KEY CHECK (seq > 0),
        kind text NOT NULL CHECK (kind IN ('accounts', 'transfers')),
        first_timestamp int8 NOT NULL,
        last_timestamp int8 NOT NULL CHECK (last_timestamp >= first_timestamp),
        count int4 NOT NULL CHECK (count > 0),
        prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
        hash bytea NOT NULL CHECK (length(hash) = 32)
      );
      CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON journal
        FOR EACH STATEMENT EXECUTE FUNCTION vostro_append_only();

      CREATE TABLE ledger_head (id int4 PRIMARY KEY CHECK (id = 1));
      INSERT INTO ledger_head (id) VALUES (1);
      CREATE TRIGGER ledger_head_fixed BEFORE DELETE OR TRUNCATE ON ledger_head
        FOR EACH STATEMENT EXECUTE FUNCTION vostro_append_only();
    `,
  },
  {
    version: 2,
    name: 'records and audit log',
    // The hub's documents (../records.ts) and the append-only audit log, as in SQLite's version 3.
    sql: `
      CREATE TABLE records (
        collection text NOT NULL,
        key text NOT NULL,
        value jsonb NOT NULL,
        updated_at int8 NOT NULL,
        PRIMARY KEY (collection, key)
      );

      CREATE TABLE audit_log (
        seq int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at int8 NOT NULL,
        actor text NOT NULL,
        role text NOT NULL,
        key_id text,
        request_id text,
        action text NOT NULL,
        target text,
        detail jsonb NOT NULL
      );
      CREATE INDEX audit_log_actor ON audit_log (actor, seq);
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION vostro_append_only();
    `,
  },
  {
    version: 3,
    name: 'pair tallies',
    // Running totals per ledger, period, code and account pair (../../ledger/tallies.ts), as in
    // SQLite's version 4; added to in the same transaction as the transfers they count.
    sql: `
      CREATE TABLE pair_tallies (
        ledger int4 NOT NULL,
        period int4 NOT NULL,
        code int4 NOT NULL,
        debit_account_id uuid NOT NULL,
        credit_account_id uuid NOT NULL,
        amount int8 NOT NULL CHECK (amount >= 0),
        count int8 NOT NULL CHECK (count >= 0),
        PRIMARY KEY (ledger, period, code, debit_account_id, credit_account_id)
      );
    `,
  },
  {
    version: 4,
    name: 'events outbox',
    // The events outbox (../events.ts), as in SQLite's version 5. Seqs are assigned by the batch's
    // statement as max(seq) + n while the transaction holds the ledger_head lock, so they follow
    // commit order and a rolled-back batch leaves no gap. \`data\` is json, not jsonb: it is only
    // stored and read back whole, and json keeps its keys in the order written.
    sql: `
      CREATE TABLE events (
        seq int8 PRIMARY KEY CHECK (seq > 0),
        at int8 NOT NULL,
        type text NOT NULL,
        subject text NOT NULL,
        participants json NOT NULL,
        data json NOT NULL
      );
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION vostro_append_only();

      CREATE TABLE event_parties (
        participant text NOT NULL,
        seq int8 NOT NULL,
        PRIMARY KEY (participant, seq)
      );
      CREATE TRIGGER event_parties_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON event_parties
        FOR EACH STATEMENT EXECUTE FUNCTION vostro_append_only();
    `,
  },
  {
    version: 5,
    name: 'audit log by target',
    // As SQLite's version 7: the audit entries about one thing (GET /v1/audit?target=), by index.
    sql: `
      CREATE INDEX audit_log_target ON audit_log (target, seq) WHERE target IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'monthly flow totals',
    // As in SQLite's version 8 (../../ledger/flows.ts): added to in the same transaction as the
    // transfers they count; amount = amount_high × 2^32 + amount_low, so adding never overflows.
    sql: `
      CREATE TABLE flow_totals (
        scope text NOT NULL,
        code int4 NOT NULL,
        month int4 NOT NULL,
        ledger int4 NOT NULL,
        debit_country text NOT NULL,
        credit_country text NOT NULL,
        amount_high int8 NOT NULL CHECK (amount_high >= 0),
        amount_low int8 NOT NULL CHECK (amount_low >= 0),
        count int8 NOT NULL CHECK (count >= 0),
        PRIMARY KEY (scope, code, month, ledger, debit_country, credit_country)
      );
    `,
  },
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the schema up to date, or refuses one newer than this code. Several processes may start
 * at once: an advisory lock per schema lets one migrate while the others wait, then find nothing
 * left to do. Each migration commits together with its row in schema_migrations.
 */
export async function migrate(
  client: pg.PoolClient,
  schema: string,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch(async (error: unknown) => {
    // Two processes creating the same schema at once: one of them gets a duplicate error.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) throw error;
  });
  await client.query('BEGIN');
  try {
    await client.query(
      "SELECT pg_advisory_xact_lock(hashtext('vostro-migrations'), hashtext($1))",
      [schema],
    );
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version int4 PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>(
      'SELECT coalesce(max(version), 0)::int4 AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) throw new SchemaTooNewError(current, latest);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
