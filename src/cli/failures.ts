import { isConnectionError } from '../store/postgres/connection.js';
import { PostgresConnectionError } from '../store/postgres/write-transaction.js';

/** SQLite's messages for a database it cannot write, as they reach us through the writer thread too. */
const SQLITE_FULL = /database or disk is full|SQLITE_FULL/i;
const SQLITE_READONLY = /readonly database|SQLITE_READONLY/i;
const SQLITE_IOERR = /disk I\/O error|SQLITE_IOERR/i;
const SQLITE_CANTOPEN = /unable to open database|SQLITE_CANTOPEN/i;

/**
 * A failure of the machine, the disk or the network rather than of vostro (the disk is full, the
 * database is read-only or unreachable), as one line for the operator; undefined for anything
 * else, which is a bug. Whatever a command acknowledged before such a failure was committed: the
 * stores acknowledge nothing before its transaction commits.
 */
export function environmentFailure(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const given = (error as Error & { code?: unknown }).code;
  const code = typeof given === 'string' ? given : '';
  const text = `${code} ${error.message}`;
  const after = 'what was acknowledged before is committed';
  if (SQLITE_FULL.test(text) || code === 'ENOSPC' || code === 'EDQUOT')
    return `the disk holding the database is full (${error.message}); ${after}; free space, then start again`;
  if (SQLITE_READONLY.test(text) || code === 'EROFS')
    return `the database cannot be written: it is read-only (${error.message}); ${after}`;
  if (SQLITE_IOERR.test(text) || code === 'EIO')
    return `the disk failed while writing the database (${error.message}); ${after}; run \`vostro verify\` once the disk is sound`;
  if (SQLITE_CANTOPEN.test(text)) return `the database file cannot be opened (${error.message})`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${error.message})`;
  if (error instanceof PostgresConnectionError) return error.message;
  if (isConnectionError(error))
    return `lost the connection to PostgreSQL (${error.message}); ${after}`;
  return undefined;
}
