import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { TransferFlags } from '../../ledger/flags.js';
import { newAccountId, newTransferId, ZERO_TRANSFER_ID, type AccountId } from '../../ledger/ids.js';
import { Ledger } from '../../ledger/ledger.js';
import { verifyLedger } from '../../ledger/verify.js';
import { CRASH_BATCH_SIZE } from '../conformance/crash-child.js';
import { DatabaseInUseError, NotADatabaseFileError } from './process-lock.js';
import { SqliteStore } from './sqlite-store.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-lock-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(directory, `ledger-${++counter}.db`);
const CRASH_CHILD = fileURLToPath(new URL('../conformance/crash-child.ts', import.meta.url));

async function payOnce(ledger: Ledger, debit: AccountId, credit: AccountId): Promise<void> {
  const outcome = await ledger.createTransfers([
    {
      id: newTransferId(),
      debitAccountId: debit,
      creditAccountId: credit,
      amount: 5n,
      pendingId: ZERO_TRANSFER_ID,
      ledger: 356,
      code: 1,
      flags: TransferFlags.none,
      timeoutSeconds: 0,
      reference: '',
      userData64: 0n,
      userData32: 0,
    },
  ]);
  assert.ok(
    outcome.ok && outcome.results.every((result) => result === 'ok'),
    JSON.stringify(outcome, (_key, value: unknown) =>
      typeof value === 'bigint' ? String(value) : value,
    ),
  );
}

async function openAccounts(ledger: Ledger): Promise<[AccountId, AccountId]> {
  const ids = [newAccountId(), newAccountId()] as const;
  await ledger.createAccounts(
    ids.map((id) => ({
      id,
      ledger: 356,
      code: 1,
      flags: 0,
      owner: 'lock-test',
      reference: '',
      userData64: 0n,
      userData32: 0,
    })),
  );
  return [ids[0], ids[1]];
}

describe('SQLite: one writing process per file', () => {
  it('a second store on the same file in this process is refused at once, also through a symlink; the first goes on; after close it opens again', async () => {
    const path = freshPath();
    const first = new SqliteStore({ path });
    const ledger = new Ledger(first);
    try {
      const [a, b] = await openAccounts(ledger);
      await payOnce(ledger, a, b);
      const link = join(directory, `link-${counter}.db`);
      symlinkSync(path, link);
      for (const other of [path, link]) {
        assert.throws(
          () => new SqliteStore({ path: other, backgroundCheckpoints: false }),
          (error: unknown) => {
            assert.ok(error instanceof DatabaseInUseError, String(error));
            assert.match(error.message, /already open in this process/);
            assert.ok(error.message.includes(other), error.message);
            return true;
          },
        );
      }
      await payOnce(ledger, a, b);
      assert.equal((await first.counts()).transfers, 2);
      assert.deepEqual((await verifyLedger(first)).problems, []);
    } finally {
      await first.close();
    }
    const again = new SqliteStore({ path, backgroundCheckpoints: false });
    try {
      assert.equal((await again.counts()).transfers, 2);
      assert.deepEqual((await verifyLedger(again)).problems, []);
    } finally {
      await again.close();
    }
  });

  it(
    'while another process writes to the file, opening it here is refused at once naming that process; once it is SIGKILLed the file opens and verifies',
    { timeout: 120_000 },
    async () => {
      const path = freshPath();
      // The crash test's writer: opens a store, then writes batch after batch until it is killed.
      const holder = spawn(process.execPath, ['--import', 'tsx', CRASH_CHILD, path], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let errors = '';
      holder.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        holder.on('exit', (_code, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        let output = '';
        holder.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('ack 1\n')) resolve(); // writing, and with balances to lose if it were shared
        });
        void exited.then(() => reject(new Error(`the holder exited early: ${errors}`)));
      });
      try {
        for (let attempt = 0; attempt < 3; attempt += 1) {
          assert.throws(
            () => new SqliteStore({ path }),
            (error: unknown) => {
              assert.ok(error instanceof DatabaseInUseError, String(error));
              if (process.platform === 'linux') assert.equal(error.holderPid, holder.pid);
              assert.match(
                error.message,
                new RegExp(`in use by another process \\(pid ${holder.pid}\\).*use its HTTP API`),
              );
              return true;
            },
          );
        }
      } finally {
        holder.kill('SIGKILL');
      }
      assert.equal(await exited, 'SIGKILL');
      const store = new SqliteStore({ path, backgroundCheckpoints: false });
      try {
        const { transfers } = await store.counts();
        assert.ok(
          transfers >= 2 * CRASH_BATCH_SIZE && transfers % CRASH_BATCH_SIZE === 0,
          `${transfers} transfers`,
        );
        assert.deepEqual((await verifyLedger(store)).problems, []);
        // And it writes: the dead holder's lock is gone for good.
        const ledger = new Ledger(store);
        const [a, b] = await openAccounts(ledger);
        await payOnce(ledger, a, b);
      } finally {
        await store.close();
      }
    },
  );

  it('creates the database, its -wal and -shm and the lock file readable by their owner only (0600)', async () => {
    const path = join(directory, 'private', 'ledger.db');
    const store = new SqliteStore({ path });
    try {
      const ledger = new Ledger(store);
      const [a, b] = await openAccounts(ledger);
      await payOnce(ledger, a, b);
      const files = readdirSync(join(directory, 'private')).sort();
      assert.deepEqual(files, ['ledger.db', 'ledger.db-lock', 'ledger.db-shm', 'ledger.db-wal']);
      for (const file of files)
        assert.equal(
          (statSync(join(directory, 'private', file)).mode & 0o777).toString(8),
          '600',
          file,
        );
    } finally {
      await store.close();
    }
  });

  it('refuses a path that is not a regular file (/dev/null, a directory, a FIFO) and creates nothing', () => {
    const fifo = join(directory, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const folder = join(directory, 'folder');
    mkdirSync(folder);
    for (const [path, kind] of [
      ['/dev/null', 'a character device'],
      [folder, 'a directory'],
      [fifo, 'a FIFO'],
    ] as const) {
      const companions = ['-journal', '-wal', '-shm', '-lock'].map((suffix) => `${path}${suffix}`);
      assert.deepEqual(
        companions.filter((file) => existsSync(file)),
        [],
        'none there before',
      );
      assert.throws(
        () => new SqliteStore({ path, backgroundCheckpoints: false }),
        (error: unknown) => {
          assert.ok(error instanceof NotADatabaseFileError, String(error));
          assert.equal(
            error.message,
            `${path} is not a regular file (it is ${kind}), so it cannot be a SQLite database`,
          );
          return true;
        },
      );
      assert.deepEqual(
        companions.filter((file) => existsSync(file)),
        [],
        `nothing created beside ${path}`,
      );
    }
    assert.deepEqual(readdirSync(folder), []);
  });

  it('refuses a file that is not a SQLite database and leaves no lock file behind', () => {
    const path = join(directory, 'notes.txt');
    writeFileSync(
      path,
      'not a database, just some text that is long enough to have a header\n'.repeat(20),
    );
    assert.throws(
      () => new SqliteStore({ path, backgroundCheckpoints: false }),
      /file is not a database/,
    );
    assert.deepEqual(
      readdirSync(directory).filter((file) => file.startsWith('notes.txt')),
      ['notes.txt'],
    );
  });
});
