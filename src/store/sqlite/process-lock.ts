import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * One writing process per SQLite file.
 *
 * The SQLite store keeps authoritative balances in memory (see sqlite-store.ts), so a second
 * process writing the same file makes the first one's view wrong. Rather than detect that after the
 * fact, a store takes a lock on a companion file, `<database>-lock`, when it opens, and holds it until
 * it closes; a second opener, in another process or in this one, is refused at once with
 * DatabaseInUseError.
 *
 * The lock is a POSIX record lock, taken through SQLite (Node has no file-lock API and this needs no
 * native code beyond better-sqlite3): a connection to the lock file holds an open `BEGIN EXCLUSIVE`
 * transaction. It writes nothing, so the lock file stays empty. The kernel drops the lock when the
 * holder's process ends, however it ends (SIGKILL included), so a lock is never left behind. SQLite
 * also tracks the lock among the connections of one process, worker threads included, where POSIX
 * locks alone would not tell them apart. The lock file itself is never deleted once a store has
 * opened the database: removing it while a holder runs would let a second process lock a new file.
 *
 * Two caveats, as for SQLite's own locks: a network file system may not honour them, and a
 * database reached through two hard links has two lock files (symlinks are resolved).
 */

/** The path names something that cannot be a SQLite database: a directory, a device, a FIFO. */
export class NotADatabaseFileError extends Error {
  override readonly name = 'NotADatabaseFileError';
}

/** Another store holds the database (another process, or another store in this one). */
export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';
  constructor(
    readonly path: string,
    /** The holder's process id, where the system says (Linux: /proc/locks); undefined otherwise. */
    readonly holderPid: number | undefined,
  ) {
    super(inUseMessage(path, holderPid));
  }
}

function inUseMessage(path: string, pid: number | undefined): string {
  if (pid === process.pid)
    return `the database ${path} is already open in this process; only one store at a time may open a SQLite database`;
  const holder = pid === undefined ? 'another process' : `another process (pid ${pid})`;
  return `the database ${path} is in use by ${holder}: only one process at a time may open a SQLite database. If it is \`vostro serve\`, use its HTTP API (/v1) instead, or stop it and try again`;
}

/** What `claimDatabaseFile` holds: release it when the store has closed the database. */
export interface DatabaseFileClaim {
  /** The database file, symlinks resolved. */
  readonly realPath: string;
  readonly lockPath: string;
  /** Whether the database file was created by this claim (it did not exist before). */
  readonly created: boolean;
  /**
   * Drops the lock. With `discardCreated` (the open failed), the files this claim created are
   * removed again, so that a refused path is left as it was found.
   */
  release(options?: { discardCreated?: boolean }): void;
}

/** Databases held by stores of this thread, by real path: refused without touching the lock file. */
const heldHere = new Set<string>();

/**
 * Checks that `path` can be a database, takes the writer lock, and creates the file (mode 0600,
 * so only its owner can read the ledger; SQLite gives the -wal and -shm files it makes beside it
 * the same mode) if it does not exist yet. Throws NotADatabaseFileError or DatabaseInUseError
 * having created nothing.
 */
export function claimDatabaseFile(path: string): DatabaseFileClaim {
  const absolute = resolve(path);
  const existing = statSync(absolute, { throwIfNoEntry: false });
  if (existing !== undefined) requireRegularFile(path, existing, 'a SQLite database');
  if (existing === undefined) mkdirSync(dirname(absolute), { recursive: true });
  const realPath =
    existing === undefined
      ? join(realpathSync(dirname(absolute)), basename(absolute))
      : realpathSync(absolute);
  if (heldHere.has(realPath)) throw new DatabaseInUseError(path, process.pid);

  const lockPath = `${realPath}-lock`;
  const lockStats = statSync(lockPath, { throwIfNoEntry: false });
  if (lockStats !== undefined)
    requireRegularFile(lockPath, lockStats, 'the lock file of a SQLite database');
  const createdLock = lockStats === undefined && createPrivateFile(lockPath);
  let lock: SqliteDatabase | undefined;
  try {
    lock = new Database(lockPath, { timeout: 0 });
    lock.pragma('journal_mode = MEMORY'); // else BEGIN EXCLUSIVE leaves a -lock-journal file
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock?.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new DatabaseInUseError(path, lockHolderPid(lockPath));
    // Not held by anyone else (that would be SQLITE_BUSY): what this call created can go again.
    if (createdLock) rmSync(lockPath, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot lock the database ${path} through ${lockPath}: ${reason}`, {
      cause: error,
    });
  }

  const created =
    statSync(realPath, { throwIfNoEntry: false }) === undefined && createPrivateFile(realPath);
  heldHere.add(realPath);
  let released = false;
  const held = lock;
  return {
    realPath,
    lockPath,
    created,
    release(options = {}) {
      if (released) return;
      released = true;
      if (options.discardCreated === true) {
        // Still holding the lock, so no other store is using what is removed.
        if (created)
          for (const suffix of ['', '-wal', '-shm', '-journal'])
            rmSync(`${realPath}${suffix}`, { force: true });
        if (createdLock) rmSync(lockPath, { force: true });
      }
      held.close();
      heldHere.delete(realPath);
    },
  };
}

function requireRegularFile(path: string, stats: Stats, what: string): void {
  if (stats.isFile()) return;
  throw new NotADatabaseFileError(
    `${path} is not a regular file (it is ${fileKind(stats)}), so it cannot be ${what}`,
  );
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** Creates an empty file only its owner can read and write; false when it appeared meanwhile. */
function createPrivateFile(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The process holding a lock on the file, from Linux's /proc/locks (undefined elsewhere, or when
 * the file system reports devices differently). Reading /proc/locks, unlike opening the lock file,
 * cannot disturb this process's own POSIX locks (closing any descriptor of a file drops them all).
 */
function lockHolderPid(lockPath: string): number | undefined {
  try {
    const stats = statSync(lockPath, { bigint: true });
    const major = ((stats.dev >> 8n) & 0xfffn) | ((stats.dev >> 32n) & ~0xfffn);
    const minor = (stats.dev & 0xffn) | ((stats.dev >> 12n) & ~0xffn);
    const file = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${stats.ino}`;
    for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
      // "1: POSIX  ADVISORY  WRITE 4242 fe:00:2146498 1073741824 1073742335"; "->" marks a waiter.
      const fields = line.trim().split(/\s+/);
      if (fields.includes('->') || fields[5] !== file) continue;
      const pid = Number(fields[4]);
      if (Number.isSafeInteger(pid) && pid > 0) return pid;
    }
  } catch {
    // Not Linux, or /proc not mounted: the message goes without a pid.
  }
  return undefined;
}
