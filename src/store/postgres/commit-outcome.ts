import { setTimeout as sleep } from 'node:timers/promises';
import type { JournalEntry } from '../../ledger/journal.js';
import { isConnectionError, sqlState, type PostgresPool } from './connection.js';

/** lock_not_available: the lock wait ran past `lock_timeout`. */
const LOCK_NOT_AVAILABLE = '55P03';
/** Between two tries while no writable server answers (e.g. until a standby is promoted). */
const RETRY_PAUSE_MS = 200;

/** The commit check could not reach a writable server, or not take the lock, in time. */
export class CommitOutcomeUnknownError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'CommitOutcomeUnknownError';
  }
}

/**
 * Whether a batch whose connection broke while its COMMIT was on the way did commit. Its
 * journal entry says so: the batch committed exactly when journal entry `entry.seq` is there with
 * `entry.hash` (each batch appends one, inside the ledger's write lock, with the hash of its
 * transfers' ids and amounts chained to the previous entry; no other batch can write that hash).
 *
 * The question is asked of the server the pool writes to now: after a failover, the promoted
 * standby, which with synchronous replication has every commit the old primary acknowledged,
 * and, if the old primary died between committing locally and hearing from the standby, not
 * that one: the answer "not committed" is then the truth of the database the hub goes on with.
 *
 * Before reading, it takes the ledger_head lock (FOR SHARE): a session whose client has gone may
 * still be in its COMMIT (waiting for the synchronous standby, say) and holds that lock until it
 * ends, so the read happens after the batch's fate is settled, not before. While no writable
 * server answers, it tries again until `timeoutMs` has passed, then throws
 * CommitOutcomeUnknownError.
 */
export async function wasBatchCommitted(
  pool: PostgresPool,
  entry: JournalEntry,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new CommitOutcomeUnknownError(
        `no answer within ${timeoutMs} ms (${lastError instanceof Error ? lastError.message : String(lastError)})`,
        { cause: lastError },
      );
    try {
      return await readCommitted(pool, entry, remaining);
    } catch (error) {
      if (!isConnectionError(error) && sqlState(error) !== LOCK_NOT_AVAILABLE) throw error;
      lastError = error;
      await sleep(Math.min(RETRY_PAUSE_MS, Math.max(0, deadline - Date.now())));
    }
  }
}

async function readCommitted(
  pool: PostgresPool,
  entry: JournalEntry,
  lockTimeoutMs: number,
): Promise<boolean> {
  const client = await pool.connect();
  const onError = (): void => undefined;
  client.on('error', onError);
  let broken = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.ceil(lockTimeoutMs))}`);
    await client.query('SELECT id FROM ledger_head WHERE id = 1 FOR SHARE');
    // A new statement, so a new snapshot: it sees what the lock holder committed.
    const { rows } = await client.query<{ hash: Buffer }>(
      'SELECT hash FROM journal WHERE seq = $1',
      [entry.seq],
    );
    // Not COMMIT: the row lock gave this transaction an id, and its COMMIT would wait for the
    // synchronous standby, which may be the very thing that is down. Nothing here needs keeping.
    await client.query('ROLLBACK');
    const row = rows[0];
    return row !== undefined && row.hash.equals(entry.hash);
  } catch (error) {
    broken = true;
    if (isConnectionError(error)) pool.failed(client);
    throw error;
  } finally {
    client.removeListener('error', onError);
    // Any failure closes the connection: that also rolls back the open transaction.
    client.release(broken);
  }
}
