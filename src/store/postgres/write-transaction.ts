import type pg from 'pg';
import { CommitOutcomeUnknownError, wasBatchCommitted } from './commit-outcome.js';
import type { JournalEntry } from '../../ledger/journal.js';
import {
  DuplicateTransferIdError,
  RetryableWriteError,
  StoreUnavailableError,
  type WriteTransaction,
} from '../store.js';
import { constraintOf, isConnectionError, sqlState, type PostgresPool } from './connection.js';
import { PostgresTransaction } from './postgres-transaction.js';
import { journalFromRow, type JournalRow } from './rows.js';

/**
 * The connection to PostgreSQL failed during a batch. `outcome` says what became of the batch:
 * `not_written` when its transaction certainly rolled back, `unknown` when the connection broke
 * during COMMIT and the journal could not be read afterwards to find out.
 */
export class PostgresConnectionError extends StoreUnavailableError {
  constructor(
    message: string,
    readonly outcome: 'not_written' | 'unknown',
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'PostgresConnectionError';
  }
}

/**
 * Opens the transaction, takes the ledger's write lock (the head row; writers of every process
 * queue on it) and reads the newest journal entry, in one round trip. Each statement of a simple
 * query gets its own snapshot, so the journal read already sees what the previous holder committed.
 */
const BEGIN_AND_LOCK = `BEGIN ISOLATION LEVEL READ COMMITTED;
  SELECT id FROM ledger_head WHERE id = 1 FOR UPDATE;
  SELECT * FROM journal ORDER BY seq DESC LIMIT 1;
  SELECT min(expires_at) AS earliest FROM pending_transfers WHERE status = 1 AND expires_at > 0`;

/** Runs `work` as one database transaction on a pooled connection; commits, or leaves nothing behind. */
export async function runWriteTransaction<T>(
  pool: PostgresPool,
  work: (transaction: WriteTransaction) => Promise<T>,
  /** How long to keep asking whether a batch whose COMMIT was cut off committed (see commit-outcome.ts). */
  commitCheckTimeoutMs = 30_000,
): Promise<T> {
  const client = await connect(pool);
  // A connection that breaks between two statements reports it as an event; without a listener
  // the process would end. The next statement then fails, and is handled below.
  const onError = (): void => undefined;
  client.on('error', onError);
  let transaction: PostgresTransaction | undefined;
  let done: { result: T } | undefined;
  try {
    const results = (await client.query(BEGIN_AND_LOCK)) as unknown as pg.QueryResult[];
    const headRow = results[2]?.rows[0] as JournalRow | undefined;
    if (results[1]?.rowCount !== 1)
      throw new Error('the ledger_head row is missing: the schema was damaged');
    const earliestExpiry =
      (results[3]?.rows[0] as { earliest: bigint | null } | undefined)?.earliest ?? undefined;
    transaction = new PostgresTransaction(
      client,
      headRow === undefined ? undefined : journalFromRow(headRow),
      earliestExpiry,
    );
    const result = await work(transaction);
    await transaction.flush();
    done = { result };
    await client.query('COMMIT');
    release(client, onError, false);
    return done.result;
  } catch (error) {
    if (!isConnectionError(error)) {
      await rollback(client, onError);
      throw translate(error);
    }
    pool.failed(client);
    release(client, onError, true);
    // Broken during COMMIT: the batch is written exactly when its journal entry is there. A batch
    // that appended none wrote nothing, and its results (all refusals) stand either way. Broken
    // before COMMIT was sent: the server rolls the transaction back when the session ends.
    const appended = transaction?.appended;
    if (done !== undefined && appended === undefined && transaction?.writesRecords === true) {
      throw new PostgresConnectionError(
        `lost the connection to PostgreSQL while committing (${describe(error)}): whether the hub records of this request were written is unknown; read them back`,
        'unknown',
        { cause: error },
      );
    }
    if (
      done !== undefined &&
      (appended === undefined || (await wasCommitted(pool, appended, error, commitCheckTimeoutMs)))
    )
      return done.result;
    throw lostBeforeCommit(error);
  }
}

async function connect(pool: PostgresPool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw new PostgresConnectionError(
      `cannot reach PostgreSQL (${describe(error)}); the batch was not written`,
      'not_written',
      { cause: error },
    );
  }
}

function release(client: pg.PoolClient, onError: () => void, destroy: boolean): void {
  client.removeListener('error', onError);
  client.release(destroy);
}

async function rollback(client: pg.PoolClient, onError: () => void): Promise<void> {
  try {
    await client.query('ROLLBACK');
    release(client, onError, false);
  } catch {
    // The connection is unusable; dropping it rolls the transaction back on the server.
    release(client, onError, true);
  }
}

/** SQL errors the Ledger knows how to handle; anything else is passed on as it is. */
function translate(error: unknown): unknown {
  const state = sqlState(error);
  if (state === '23505' && constraintOf(error) === 'transfers_id_key')
    return new DuplicateTransferIdError();
  // Another writer got between (it should not, past the head lock), or the server chose this
  // transaction to break a deadlock or a serialisation conflict: nothing was written, run it again.
  if (state === '23505' && constraintOf(error) === 'journal_pkey')
    return new RetryableWriteError('another writer appended to the journal first');
  if (state === '40001' || state === '40P01')
    return new RetryableWriteError(
      `PostgreSQL refused the transaction (${describe(error)}); it was rolled back`,
    );
  return error;
}

function lostBeforeCommit(error: unknown): PostgresConnectionError {
  return new PostgresConnectionError(
    `lost the connection to PostgreSQL during the batch (${describe(error)}); its transaction was rolled back and nothing of it was written`,
    'not_written',
    { cause: error },
  );
}

/**
 * The connection broke while COMMIT was on its way: the server may have committed or not. The
 * batch's journal entry says which: it is there, with this hash, exactly when the batch committed.
 */
async function wasCommitted(
  pool: PostgresPool,
  appended: JournalEntry,
  cause: unknown,
  timeoutMs: number,
): Promise<boolean> {
  try {
    return await wasBatchCommitted(pool, appended, timeoutMs);
  } catch (error) {
    const why = error instanceof CommitOutcomeUnknownError ? error.message : describe(error);
    throw new PostgresConnectionError(
      `lost the connection to PostgreSQL while committing journal entry ${appended.seq} (${describe(cause)}), and could not read the journal afterwards (${why}): whether the batch was written is unknown; look for journal entry ${appended.seq}`,
      'unknown',
      { cause },
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
