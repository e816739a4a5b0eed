/**
 * Versioned schema of the SQLite store. Append new migrations; never edit one that has shipped.
 *
 * Ids are canonical lower-case UUID text (36 characters): no conversion on the hot path, and the
 * same text the journal hashes. `timestamp` (nanoseconds, strictly increasing, assigned by the ledger)
 * is the integer primary key of accounts and transfers, so new rows are appended at the end of the
 * table. Transfers and journal entries are append-only: triggers refuse updates and deletes.
 *
 * There is deliberately no index on a transfer's accounts. With thousands of accounts, every batch
 * would insert into nearly every leaf page of such an index, and WAL mode writes each dirty page
 * whole at commit: a batch of 8,190 transfers wrote tens of megabytes. Instead each account keeps
 * the timestamp of its newest transfer (`last_transfer`), and each transfer the timestamp of the
 * previous transfer of its debit account and of its credit account (`debit_previous`,
 * `credit_previous`): an account's history is a chain walked newest first through the primary
 * key, and writing it costs two integers per transfer.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ledger',
    sql: `
      CREATE TABLE accounts (
        timestamp INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
        ledger INTEGER NOT NULL CHECK (ledger > 0),
        code INTEGER NOT NULL CHECK (code > 0),
        flags INTEGER NOT NULL CHECK (flags >= 0),
        owner TEXT NOT NULL CHECK (length(owner) > 0),
        reference TEXT NOT NULL,
        user_data_64 INTEGER NOT NULL CHECK (user_data_64 >= 0),
        user_data_32 INTEGER NOT NULL CHECK (user_data_32 >= 0),
        debits_pending INTEGER NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
        debits_posted INTEGER NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
        credits_pending INTEGER NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
        credits_posted INTEGER NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
        last_transfer INTEGER NOT NULL DEFAULT 0,
        CHECK ((flags & 2) = 0 OR debits_pending + debits_posted <= credits_posted),
        CHECK ((flags & 4) = 0 OR credits_pending + credits_posted <= debits_posted)
      );
      CREATE INDEX accounts_owner ON accounts (owner, timestamp);

      CREATE TABLE transfers (
        timestamp INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
        debit_account_id TEXT NOT NULL,
        credit_account_id TEXT NOT NULL,
        amount INTEGER NOT NULL CHECK (amount > 0),
        pending_id TEXT,
        ledger INTEGER NOT NULL CHECK (ledger > 0),
        code INTEGER NOT NULL CHECK (code > 0),
        flags INTEGER NOT NULL CHECK (flags >= 0),
        timeout INTEGER NOT NULL CHECK (timeout >= 0),
        reference TEXT NOT NULL,
        user_data_64 INTEGER NOT NULL,
        user_data_32 INTEGER NOT NULL,
        debit_previous INTEGER NOT NULL,
        credit_previous INTEGER NOT NULL,
        CHECK (debit_account_id <> credit_account_id)
      );
      CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
      CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;

      -- What became of each pending transfer: 1 pending, 2 posted, 3 voided, 4 expired.
      CREATE TABLE pending_transfers (
        timestamp INTEGER PRIMARY KEY,
        expires_at INTEGER NOT NULL,
        status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 4),
        resolved_by INTEGER
      );
      CREATE INDEX pending_transfers_due ON pending_transfers (expires_at) WHERE status = 1 AND expires_at > 0;

      CREATE TABLE journal (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('accounts', 'transfers')),
        first_timestamp INTEGER NOT NULL,
        last_timestamp INTEGER NOT NULL CHECK (last_timestamp >= first_timestamp),
        count INTEGER NOT NULL CHECK (count > 0),
        prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
        hash BLOB NOT NULL CHECK (length(hash) = 32)
      );
      CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
      CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'lazy balances',
    // Balance columns (and last_transfer) are written in periodic flushes, not with every batch;
    // balances_seq is the journal entry they are current up to. The journal after it is replayed
    // at open (see recovery.ts). Databases from version 1 had them current with every batch.
    sql: `
      CREATE TABLE ledger_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        balances_seq INTEGER NOT NULL CHECK (balances_seq >= 0)
      );
      INSERT INTO ledger_state (id, balances_seq) SELECT 1, coalesce(max(seq), 0) FROM journal;
    `,
  },
  {
    version: 3,
    name: 'records and audit log',
    // The hub's documents (participants, keys, rates, quotes, windows: see ../records.ts) and the
    // append-only audit log. Both are written by the writer thread in the same transaction as the
    // ledger batch they go with.
    sql: `
      CREATE TABLE records (
        collection TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL CHECK (json_valid(value)),
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (collection, key)
      ) WITHOUT ROWID;

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        key_id TEXT,
        request_id TEXT,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT NOT NULL CHECK (json_valid(detail))
      );
      CREATE INDEX audit_log_actor ON audit_log (actor, seq);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 4,
    name: 'pair tallies',
    // Running totals per ledger, period, code and account pair (../../ledger/tallies.ts), added to
    // by the writer thread in the same transaction as the transfers they count.
    sql: `
      CREATE TABLE pair_tallies (
        ledger INTEGER NOT NULL,
        period INTEGER NOT NULL,
        code INTEGER NOT NULL,
        debit_account_id TEXT NOT NULL,
        credit_account_id TEXT NOT NULL,
        amount INTEGER NOT NULL CHECK (amount >= 0),
        count INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (ledger, period, code, debit_account_id, credit_account_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: 'events outbox',
    // The events outbox (../events.ts). The writer thread numbers events as it inserts them, in
    // commit order: a reader paging by seq never skips one that commits later. \`participants\` is
    // the JSON array of the event's participants (read back with the event); \`event_parties\` holds
    // the same per participant, for a participant's own feed. Both are append-only.
    sql: `
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY CHECK (seq > 0),
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        subject TEXT NOT NULL,
        participants TEXT NOT NULL,
        data TEXT NOT NULL CHECK (json_valid(data))
      );
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

      CREATE TABLE event_parties (
        participant TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (participant, seq)
      ) WITHOUT ROWID;
      CREATE TRIGGER event_parties_no_update BEFORE UPDATE ON event_parties BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER event_parties_no_delete BEFORE DELETE ON event_parties BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `,
  },
  {
    version: 6,
    name: 'transfer event runs',
    // The ledger's transfer events of one batch, as one row: the batch's events are numbered
    // first_seq..last_seq, and \`events\` holds 7 bytes per event (type code; debit and credit side,
    // indexes into \`sides\`; the transfer's timestamp less first_timestamp, all little-endian
    // uint16 but the type), in seq order. \`sides\` is the JSON list of the batch's sides, each an
    // account owner followed by who else sees its events (../events.ts, TransferEvents). A body is
    // rendered from the transfer when read. \`event_parties\` holds (participant, last_seq) for every
    // participant of a run's events. Rows per batch instead of per transfer: one row and one key
    // per participant, where an event row and two keys per transfer doubled what a batch wrote.
    sql: `
      CREATE TABLE transfer_event_runs (
        last_seq INTEGER PRIMARY KEY,
        first_seq INTEGER NOT NULL CHECK (first_seq > 0 AND first_seq <= last_seq),
        first_timestamp INTEGER NOT NULL,
        events BLOB NOT NULL CHECK (length(events) = 7 * (last_seq - first_seq + 1)),
        sides TEXT NOT NULL CHECK (json_valid(sides))
      );
      CREATE TRIGGER transfer_event_runs_no_update BEFORE UPDATE ON transfer_event_runs BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER transfer_event_runs_no_delete BEFORE DELETE ON transfer_event_runs BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `,
  },
  {
    version: 7,
    name: 'audit log by target',
    // The audit entries about one thing (a payment, a quote, a transfer: GET /v1/audit?target=),
    // read by index. One entry per audited request, so the index costs one insert per request.
    sql: `
      CREATE INDEX audit_log_target ON audit_log (target, seq) WHERE target IS NOT NULL;
    `,
  },
  {
    version: 8,
    name: 'monthly flow totals',
    // Posted amounts and counts per scope, code, UTC month, ledger and pair of owners' countries
    // (../../ledger/flows.ts), added to by the writer thread in the same transaction as the
    // transfers they count, one row per key per commit. The amount is high × 2^32 + low, so that
    // adding to it never overflows. A database that already holds transfers is filled from them
    // once by the ledger (Ledger.ensureFlowTotals), which needs the hub's participants' countries.
    sql: `
      CREATE TABLE flow_totals (
        scope TEXT NOT NULL,
        code INTEGER NOT NULL,
        month INTEGER NOT NULL,
        ledger INTEGER NOT NULL,
        debit_country TEXT NOT NULL,
        credit_country TEXT NOT NULL,
        amount_high INTEGER NOT NULL CHECK (amount_high >= 0),
        amount_low INTEGER NOT NULL CHECK (amount_low >= 0),
        count INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (scope, code, month, ledger, debit_country, credit_country)
      ) WITHOUT ROWID;
    `,
  },
];
