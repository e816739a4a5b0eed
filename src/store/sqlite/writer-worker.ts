/**
 * The writer thread of the SQLite store. It owns the only write connection and applies units in
 * the order they arrive. Units that are waiting when it becomes free are written in one
 * transaction, so one fsync serves them all. A reply goes back only after COMMIT returns.
 */
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { ZERO_ID } from '../../ledger/ids.js';
import { decodeTransfers } from '../../ledger/journal.js';
import { HUB_PARTICIPANT } from '../events.js';
import { ChunkedStatement, placeholders } from './chunked.js';
import type {
  WriteFailure,
  WriteUnit,
  WriterOptions,
  WriterReply,
  WriterRequest,
} from './writer-protocol.js';

const TRANSFER_COLUMNS = 15;
/** The newest event's seq, of a service event or of a run of transfer events. */
const LAST_EVENT_SEQ = `SELECT max(coalesce((SELECT max(seq) FROM events), 0),
  coalesce((SELECT max(last_seq) FROM transfer_event_runs), 0))`;
/**
 * Rows of one insert statement, reused for every statement: decoding a whole batch into one
 * parameter array first (8,190 rows of 15 values, then a slice per statement) made this thread's
 * heap grow by megabytes per batch, most of it promoted before it died.
 */
const TRANSFER_ROWS_PER_STATEMENT = 64;
const transferParams: unknown[] = new Array(TRANSFER_ROWS_PER_STATEMENT * TRANSFER_COLUMNS).fill(
  null,
);

const options = workerData as WriterOptions;
const port = parentPort;
if (port === null) throw new Error('writer-worker must run as a worker thread');

const db = new Database(options.path);
db.defaultSafeIntegers(true);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 10000');
db.pragma('cache_size = -16384'); // 16 MiB: it appends, so few pages are hot
db.pragma('wal_autocheckpoint = 0');
const statements = prepare(db);
// Prepared once: db.exec would parse the SQL again for every transaction.
const beginStatement = db.prepare('BEGIN IMMEDIATE');
const commitStatement = db.prepare('COMMIT');
const dataVersionStatement = db.prepare('PRAGMA data_version').pluck();
let dataVersion = dataVersionStatement.get() as bigint;
let failedEpoch = -1;
let walBytesSinceRestart = 0;
const PAGE_BYTES = 4096;
let queue: WriteUnit[] = [];
let scheduled = false;

port.on('message', (request: WriterRequest) => {
  if (request.type === 'close') {
    db.close();
    port.close();
    return;
  }
  queue.push(request.unit);
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
});

/**
 * Replies for a unit and hands its buffers back (transferred, not copied): the main thread encodes
 * later units into them, instead of allocating new ones that would live until this thread's next
 * garbage collection.
 */
function reply(message: WriterReply, unit: WriteUnit): void {
  const buffers = [unit.transfers?.buffer, unit.previous?.buffer].filter(
    (buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer && buffer.byteLength > 0,
  );
  port?.postMessage(buffers.length === 0 ? message : { ...message, buffers }, buffers);
}

function drain(): void {
  scheduled = false;
  const units = queue.filter((unit) => {
    if (unit.epoch > failedEpoch) return true;
    reply(
      {
        unitId: unit.unitId,
        ok: false,
        failure: 'reset',
        message: 'an earlier write of this epoch failed',
      },
      unit,
    );
    return false;
  });
  queue = [];
  if (units.length > 0) writeTogether(units);
}

function writeTogether(units: readonly WriteUnit[]): void {
  beginStatement.run();
  const version = dataVersionStatement.get() as bigint;
  if (version !== dataVersion) {
    db.exec('ROLLBACK');
    dataVersion = version;
    fail(units, undefined, 'stale', 'another process wrote to the database');
    return;
  }
  let failedAt = -1;
  try {
    for (let index = 0; index < units.length; index += 1) {
      failedAt = index;
      apply(units[index] as WriteUnit);
    }
    failedAt = -1;
    writeFlows(units);
    commitStatement.run();
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: string }).code ?? '';
    const duplicate = code === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('transfers.id');
    const failure: WriteFailure = duplicate
      ? 'duplicate_transfer_id'
      : UNAVAILABLE.test(code) || failedAt < 0
        ? 'unavailable'
        : 'failed';
    // The units before the one at fault were built on nothing it did: they are written after all,
    // so that one unit the database refuses costs only the units that came after it.
    const written =
      failure === 'failed' || failure === 'duplicate_transfer_id'
        ? commitPrefix(units.slice(0, Math.max(failedAt, 0)))
        : 0;
    fail(units.slice(written), failedAt < 0 ? undefined : units[failedAt], failure, message);
    return;
  }
  countWalBytes(units); // before the replies, which hand the units' buffers back
  for (const unit of units) reply({ unitId: unit.unitId, ok: true }, unit);
  restartWalWhenFull();
}

/** SQLite result codes that say the database cannot be written now, whatever the unit holds. */
const UNAVAILABLE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM|CORRUPT|NOTADB)/;

/** Writes `units` in a transaction of their own and replies for them; returns how many were written (0 if even that failed). */
function commitPrefix(units: readonly WriteUnit[]): number {
  if (units.length === 0) return 0;
  try {
    beginStatement.run();
    for (const unit of units) apply(unit);
    writeFlows(units);
    commitStatement.run();
  } catch {
    if (db.inTransaction) db.exec('ROLLBACK');
    return 0;
  }
  countWalBytes(units);
  for (const unit of units) reply({ unitId: unit.unitId, ok: true }, unit);
  return units.length;
}

function fail(
  units: readonly WriteUnit[],
  culprit: WriteUnit | undefined,
  failure: WriteFailure,
  message: string,
): void {
  for (const unit of units) {
    failedEpoch = Math.max(failedEpoch, unit.epoch);
    if (unit === culprit || culprit === undefined)
      reply({ unitId: unit.unitId, ok: false, failure, message }, unit);
    else
      reply(
        {
          unitId: unit.unitId,
          ok: false,
          failure: 'reset',
          message: 'written in one transaction with a unit that failed',
        },
        unit,
      );
  }
}

/**
 * A WAL that keeps growing makes every fsync also commit the file's new size, which measured about
 * twice as slow as overwriting a WAL already on disk. So after about `walRestartBytes` of writes
 * the writer restarts the WAL, and later commits overwrite the same file from its start; the
 * background checkpointer has copied most frames already, so the restart is short. The bytes are
 * estimated from what the units carried: the file's size says nothing once it is being reused.
 */
function countWalBytes(units: readonly WriteUnit[]): void {
  for (const unit of units) {
    walBytesSinceRestart +=
      PAGE_BYTES +
      2 * (unit.transfers?.byteLength ?? 0) +
      8 * (unit.balances?.length ?? 0) * 4 +
      64 * ((unit.records?.length ?? 0) + (unit.audit?.length ?? 0)) +
      96 * ((unit.events?.length ?? 0) + (unit.eventParties?.length ?? 0)) +
      8 * (unit.transferEvents?.types.length ?? 0) +
      16 * (unit.tallies?.length ?? 0) +
      8 * (unit.flows?.length ?? 0);
  }
}

function restartWalWhenFull(): void {
  if (walBytesSinceRestart < options.walRestartBytes) return;
  // RESTART waits (busy_timeout, 10 s) for every reader still on an older snapshot, and every unit
  // would wait behind it: a verification holds one snapshot for as long as it reads (snapshot.ts).
  // So it does not wait: what can be copied is, and with a reader in the way the WAL is restarted
  // on a later attempt (after another WAL_RETRY_BYTES) instead.
  db.pragma('busy_timeout = 0');
  try {
    const [result] = db.pragma('wal_checkpoint(RESTART)') as { busy: bigint | number }[];
    walBytesSinceRestart =
      Number(result?.busy ?? 0) === 0 ? 0 : options.walRestartBytes - WAL_RETRY_BYTES;
  } finally {
    db.pragma('busy_timeout = 10000');
  }
}

const WAL_RETRY_BYTES = 1024 * 1024;

function apply(unit: WriteUnit): void {
  if (unit.accounts !== undefined) {
    for (let index = 0; index < unit.accounts.length; index += 9)
      statements.insertAccount.run(unit.accounts.slice(index, index + 9));
  }
  if (unit.transfers !== undefined)
    insertTransfers(
      unit.transfers,
      unit.previous ?? new BigInt64Array(0),
      unit.transferEvents !== undefined,
    );
  if (unit.pending !== undefined && unit.pending.length > 0)
    statements.insertPending.run([...unit.pending]);
  const resolutions = unit.resolutions ?? new BigInt64Array(0);
  for (let index = 0; index < resolutions.length; index += 3) {
    statements.resolvePending.run(
      resolutions[index],
      resolutions[index + 1],
      resolutions[index + 2],
    );
  }
  const balances = unit.balances ?? new BigInt64Array(0);
  for (let index = 0; index < balances.length; index += 6) {
    statements.updateBalances.run(
      balances[index + 1],
      balances[index + 2],
      balances[index + 3],
      balances[index + 4],
      balances[index + 5],
      balances[index],
    );
  }
  if (unit.balancesSeq !== undefined) statements.setBalancesSeq.run(unit.balancesSeq);
  const records = unit.records ?? [];
  for (let index = 0; index < records.length; index += 4)
    statements.putRecord.run(records.slice(index, index + 4));
  const audit = unit.audit ?? [];
  for (let index = 0; index < audit.length; index += 8)
    statements.insertAudit.run(audit.slice(index, index + 8));
  if (unit.tallies !== undefined) statements.addTallies.run(unit.tallies);
  if (unit.events !== undefined || unit.transferEvents !== undefined) insertEvents(unit);
  if (unit.journal !== undefined) {
    const [seq, kind, first, last, count, prevHash, hash] = unit.journal;
    statements.insertJournal.run(
      seq,
      kind,
      first,
      last,
      count,
      Buffer.from(prevHash),
      Buffer.from(hash),
    );
  }
}

const FLOW_COLUMNS = 8;

/**
 * The monthly flow totals of the units written in one commit (../../ledger/flows.ts), summed per
 * row first: one upsert per (scope, code, month, ledger, countries) per commit, however many
 * batches it carries. A unit that rebuilds the totals empties them first; the units before it in
 * the same commit are counted in its rows (the ledger rebuilds only with nothing in flight).
 */
function writeFlows(units: readonly WriteUnit[]): void {
  let replace = false;
  let only: unknown[] | undefined;
  let merged: Map<string, unknown[]> | undefined;
  for (const unit of units) {
    if (unit.flowsReplace === true) {
      replace = true;
      only = undefined;
      merged = undefined;
    }
    const rows = unit.flows;
    if (rows === undefined || rows.length === 0) continue;
    if (only === undefined && merged === undefined) {
      only = rows; // each unit's rows have distinct keys: one unit needs no merging
      continue;
    }
    if (merged === undefined) {
      merged = new Map();
      mergeFlowRows(merged, only ?? []);
      only = undefined;
    }
    mergeFlowRows(merged, rows);
  }
  if (replace) statements.clearFlows.run();
  const rows = merged === undefined ? (only ?? []) : [...merged.values()].flat();
  if (rows.length === 0) return;
  const params: unknown[] = [];
  for (let index = 0; index < rows.length; index += FLOW_COLUMNS) {
    const amount = rows[index + 6] as bigint;
    params.push(
      rows[index],
      rows[index + 1],
      rows[index + 2],
      rows[index + 3],
      rows[index + 4],
      rows[index + 5],
      amount >> 32n,
      amount & 0xffff_ffffn,
      rows[index + 7],
    );
  }
  statements.addFlows.run(params);
}

function mergeFlowRows(into: Map<string, unknown[]>, rows: readonly unknown[]): void {
  for (let index = 0; index < rows.length; index += FLOW_COLUMNS) {
    const key = `${rows[index] as string}\u0000${rows[index + 1] as number}\u0000${rows[index + 2] as number}\u0000${rows[index + 3] as number}\u0000${rows[index + 4] as string}\u0000${rows[index + 5] as string}`;
    const found = into.get(key);
    if (found === undefined) into.set(key, rows.slice(index, index + FLOW_COLUMNS));
    else {
      found[6] = (found[6] as bigint) + (rows[index + 6] as bigint);
      found[7] = Number(found[7]) + Number(rows[index + 7]);
    }
  }
}

/** The timestamps of the unit's transfers, kept by insertTransfers for their events. */
const decodedTimestamps: bigint[] = [];

function insertTransfers(encoded: Uint8Array, previous: BigInt64Array, keep: boolean): void {
  const params = transferParams;
  decodedTimestamps.length = 0;
  let index = 0;
  let filled = 0;
  decodeTransfers(
    encoded,
    (
      id,
      debit,
      credit,
      pending,
      amount,
      ledger,
      code,
      flags,
      timeout,
      userData64,
      userData32,
      timestamp,
      reference,
    ) => {
      params[filled] = timestamp;
      params[filled + 1] = id;
      params[filled + 2] = debit;
      params[filled + 3] = credit;
      params[filled + 4] = amount;
      params[filled + 5] = pending === ZERO_ID ? null : pending;
      params[filled + 6] = ledger;
      params[filled + 7] = code;
      params[filled + 8] = flags;
      params[filled + 9] = timeout;
      params[filled + 10] = reference;
      params[filled + 11] = userData64;
      params[filled + 12] = userData32;
      params[filled + 13] = previous[index * 2];
      params[filled + 14] = previous[index * 2 + 1];
      if (keep) decodedTimestamps.push(timestamp);
      filled += TRANSFER_COLUMNS;
      index += 1;
      if (filled === params.length) {
        statements.insertTransfers.runChunk(params);
        filled = 0;
      }
    },
  );
  if (filled > 0) statements.insertTransfers.runChunk(params.slice(0, filled));
}

/**
 * Numbers a unit's events after the newest one written, in this transaction: units are applied in
 * commit order, so seqs are too, and a rolled-back unit leaves no gap (its numbers are used again).
 * The ledger's transfer events come first, as one run (migration 6), then the service's own.
 *
 * Seqs are bound as numbers (binding a bigint costs better-sqlite3 about a microsecond each; seqs
 * stay far below 2^53). Participants' rows go in key order, grouped by participant: inserted in
 * event order, each row landed on another leaf of the (participant, seq) key and cost about ten
 * times as much.
 */
function insertEvents(unit: WriteUnit): void {
  const base = Number(statements.lastEventSeq.get()) + 1;
  const byParticipant = new Map<string, number[]>();
  const addParty = (participant: string, seq: number): void => {
    let seqs = byParticipant.get(participant);
    if (seqs === undefined) byParticipant.set(participant, (seqs = []));
    seqs.push(seq);
  };
  let seq = base;
  if (unit.transferEvents !== undefined)
    seq = insertTransferRun(unit.transferEvents, base, addParty);
  const rows = unit.events ?? [];
  const eventParams: unknown[] = [];
  const serviceBase = seq;
  for (let index = 0; index < rows.length; index += 5) {
    eventParams.push(
      seq,
      rows[index],
      rows[index + 1],
      rows[index + 2],
      rows[index + 3],
      rows[index + 4],
    );
    seq += 1;
  }
  const eventParties = unit.eventParties ?? [];
  for (let index = 0; index < eventParties.length; index += 2)
    addParty(eventParties[index + 1] as string, serviceBase + (eventParties[index] as number));
  if (eventParams.length > 0) statements.insertEvents.run(eventParams);
  if (byParticipant.size === 0) return;
  const partyParams: unknown[] = [];
  for (const participant of [...byParticipant.keys()].sort()) {
    for (const partySeq of byParticipant.get(participant) ?? [])
      partyParams.push(participant, partySeq);
  }
  statements.insertEventParties.run(partyParams);
}

/**
 * A batch's transfer events as one run: 7 bytes per event (type, debit side, credit side, the
 * transfer's timestamp less the batch's first), numbered from `base`; each participant of the
 * run's events gets one key, at the run's last seq. Returns the next free seq.
 */
function insertTransferRun(
  events: NonNullable<WriteUnit['transferEvents']>,
  base: number,
  addParty: (participant: string, seq: number) => void,
): number {
  const { types, debitSides, creditSides } = events;
  if (decodedTimestamps.length !== types.length)
    throw new Error('bug: transfer events do not match the transfers of their unit');
  let count = 0;
  for (const type of types) if (type !== 0) count += 1;
  if (count === 0) return base;
  const first = decodedTimestamps[0] as bigint;
  const packed = Buffer.alloc(count * 7);
  const used = new Set<number>();
  let at = 0;
  for (let index = 0; index < types.length; index += 1) {
    const type = types[index] as number;
    if (type === 0) continue;
    const offset = Number((decodedTimestamps[index] as bigint) - first);
    if (offset > 0xffff) throw new Error('bug: a batch spans more timestamps than a run holds');
    const debit = debitSides[index] as number;
    const credit = creditSides[index] as number;
    packed.writeUInt8(type, at);
    packed.writeUInt16LE(debit, at + 1);
    packed.writeUInt16LE(credit, at + 3);
    packed.writeUInt16LE(offset, at + 5);
    used.add(debit);
    used.add(credit);
    at += 7;
  }
  const last = base + count - 1;
  const sides = JSON.parse(events.sides) as string[][];
  const participants = new Set<string>();
  for (const side of used)
    for (const participant of sides[side] ?? []) participants.add(participant);
  participants.delete(HUB_PARTICIPANT);
  for (const participant of participants) addParty(participant, last);
  statements.insertTransferRun.run(last, base, first, packed, events.sides);
  return last + 1;
}

function prepare(database: SqliteDatabase) {
  const statement = (sql: string): Statement => database.prepare(sql);
  return {
    insertAccount:
      statement(`INSERT INTO accounts (timestamp, id, ledger, code, flags, owner, reference, user_data_64, user_data_32)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    // 64 rows a statement (TRANSFER_ROWS_PER_STATEMENT): a group of 64 single transfers is one statement, not two.
    insertTransfers: new ChunkedStatement(
      database,
      TRANSFER_ROWS_PER_STATEMENT,
      TRANSFER_COLUMNS,
      (rows) => `INSERT INTO transfers (timestamp, id, debit_account_id, credit_account_id,
      amount, pending_id, ledger, code, flags, timeout, reference, user_data_64, user_data_32, debit_previous, credit_previous)
      VALUES ${placeholders(rows, TRANSFER_COLUMNS)}`,
    ),
    insertPending: new ChunkedStatement(
      database,
      64,
      3,
      (rows) =>
        `INSERT INTO pending_transfers (timestamp, expires_at, status) VALUES ${placeholders(rows, 3)}`,
    ),
    resolvePending: statement(
      'UPDATE pending_transfers SET status = ?, resolved_by = ? WHERE timestamp = ?',
    ),
    updateBalances:
      statement(`UPDATE accounts SET debits_pending = ?, debits_posted = ?, credits_pending = ?, credits_posted = ?,
      last_transfer = ? WHERE timestamp = ?`),
    setBalancesSeq: statement('UPDATE ledger_state SET balances_seq = ? WHERE id = 1'),
    putRecord:
      statement(`INSERT INTO records (collection, key, value, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    // Adds to each pair's running total; rows of one statement are applied in order, so a pair
    // twice in one chunk (two units written together) adds up too.
    addTallies: new ChunkedStatement(
      database,
      64,
      7,
      (
        rows,
      ) => `INSERT INTO pair_tallies (ledger, period, code, debit_account_id, credit_account_id,
      amount, count) VALUES ${placeholders(rows, 7)}
      ON CONFLICT (ledger, period, code, debit_account_id, credit_account_id) DO UPDATE SET amount = amount + excluded.amount, count = count + excluded.count`,
    ),
    // One row per key (writeFlows sums the commit's units first); see ../../ledger/flows.ts.
    addFlows: new ChunkedStatement(
      database,
      64,
      9,
      (rows) => `INSERT INTO flow_totals (scope, code, month, ledger, debit_country, credit_country,
      amount_high, amount_low, count) VALUES ${placeholders(rows, 9)}
      ON CONFLICT (scope, code, month, ledger, debit_country, credit_country) DO UPDATE SET
      amount_high = amount_high + excluded.amount_high, amount_low = amount_low + excluded.amount_low,
      count = count + excluded.count`,
    ),
    clearFlows: statement('DELETE FROM flow_totals'),
    insertAudit: statement(
      'INSERT INTO audit_log (at, actor, role, key_id, request_id, action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    lastEventSeq: statement(LAST_EVENT_SEQ).pluck(),
    insertTransferRun: statement(
      'INSERT INTO transfer_event_runs (last_seq, first_seq, first_timestamp, events, sides) VALUES (?, ?, ?, ?, ?)',
    ),
    insertEvents: new ChunkedStatement(
      database,
      64,
      6,
      (rows) =>
        `INSERT INTO events (seq, at, type, subject, participants, data) VALUES ${placeholders(rows, 6)}`,
    ),
    insertEventParties: new ChunkedStatement(
      database,
      128,
      2,
      (rows) => `INSERT INTO event_parties (participant, seq) VALUES ${placeholders(rows, 2)}`,
    ),
    insertJournal: statement(
      'INSERT INTO journal (seq, kind, first_timestamp, last_timestamp, count, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
  };
}
