import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { newTransferId } from '../../ledger/ids.js';
import { ExitCode } from '../io.js';
import {
  createAccount,
  storeCounts,
  tempDb,
  vostro,
  vostroJson,
  vostroOk,
  type CliRun,
} from './cli.test-helper.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** `vostro` as its own process, as a person or a script runs it. */
function vostroProcess(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

async function runToEnd(args: readonly string[]): Promise<CliRun> {
  const child = vostroProcess(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve) =>
    child.on('exit', (exit, signal) => resolve(exit ?? (signal === null ? -1 : 128))),
  );
  return { code, stdout, stderr };
}

describe('one process per SQLite file: the CLI while `vostro serve` holds it', () => {
  const db = tempDb();
  let sbi = '';
  let sberbank = '';
  let key = '';
  let server: ChildProcessWithoutNullStreams | undefined;
  let url = '';
  let serverExited: Promise<NodeJS.Signals | null> = Promise.resolve(null);
  after(() => {
    server?.kill('SIGKILL');
    db.cleanup();
  });

  before(async () => {
    await vostroOk(['init', '--db', db.path]);
    sbi = await createAccount(db.path, 'sbi', 'INR');
    sberbank = await createAccount(db.path, 'sberbank', 'INR');
    key = (await vostroOk(['key', 'issue', '--db', db.path, '--role', 'operator'])).stdout.trim();
    const child = vostroProcess([
      'serve',
      '--db',
      db.path,
      '--port',
      '0',
      '--log-level',
      'warn',
      '--rate-limit',
      '0',
    ]);
    server = child;
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    serverExited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        if (found !== undefined) resolve(found);
      });
      void serverExited.then(() => reject(new Error(`vostro serve exited: ${errors}`)));
    });
  });

  const pay = async (): Promise<number> => {
    const response = await fetch(`${url}/v1/transfers`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        connection: 'close',
      },
      body: JSON.stringify({
        id: newTransferId(),
        debitAccountId: sbi,
        creditAccountId: sberbank,
        amount: '1.00',
        currency: 'INR',
        code: 1,
      }),
    });
    await response.arrayBuffer();
    return response.status;
  };

  let paid = 0;

  it(
    'a `vostro transfer create` in another process while the server writes is refused at once with exit 3 and a message naming the server, writing nothing',
    { timeout: 120_000 },
    async () => {
      // The server keeps writing throughout: a bounded stream of payments through its API.
      const payments = { writing: true };
      const load = (async () => {
        const statuses: number[] = [];
        for (let sent = 0; payments.writing && sent < 2000; sent += 1) statuses.push(await pay());
        return statuses;
      })();
      try {
        for (const args of [
          [
            'transfer',
            'create',
            '--db',
            db.path,
            '--debit',
            sbi,
            '--credit',
            sberbank,
            '--amount',
            '7.00',
          ],
          [
            'account',
            'create',
            '--db',
            db.path,
            '--owner',
            'vtb',
            '--currency',
            'INR',
            '--kind',
            'settlement',
          ],
        ]) {
          const run = await runToEnd(args);
          assert.equal(run.code, ExitCode.unavailable, `${args.join(' ')}: ${run.stderr}`);
          assert.equal(run.stdout, '');
          assert.equal(
            run.stderr,
            `error: the database ${db.path} is in use by another process (pid ${server?.pid}): only one process at a time may open a SQLite database. If it is \`vostro serve\`, use its HTTP API (/v1) instead, or stop it and try again\n`,
          );
        }
      } finally {
        payments.writing = false;
      }
      const statuses = await load;
      assert.ok(
        statuses.length > 0 && statuses.every((status) => status === 201),
        `statuses: ${[...new Set(statuses)].join(',')}`,
      );
      paid += statuses.length;
    },
  );

  it(
    'read commands (verify, balance) are refused the same way: the server answers them through its API, and its /v1/verify finds nothing wrong',
    { timeout: 120_000 },
    async () => {
      for (const args of [
        ['verify', '--db', db.path],
        ['balance', sbi, '--db', db.path],
      ]) {
        const run = await runToEnd(args);
        assert.equal(run.code, ExitCode.unavailable, `${args.join(' ')}: ${run.stderr}`);
        assert.match(
          run.stderr,
          /^error: the database .* is in use by another process \(pid \d+\)/,
        );
      }
      // The same from within a process of its own (as the in-process CLI tests run commands).
      const inProcess = await vostro(['balance', sbi, '--db', db.path]);
      assert.equal(inProcess.code, ExitCode.unavailable);
      assert.match(inProcess.stderr, /in use by another process/);
      const verify = await fetch(`${url}/v1/verify`, {
        headers: { authorization: `Bearer ${key}`, connection: 'close' },
      });
      const report = (await verify.json()) as { ok: boolean; problems: string[] };
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
    },
  );

  it(
    'once the server is SIGKILLed the CLI opens the file again: everything the server acknowledged is there, nothing of the refused commands, and it verifies',
    { timeout: 120_000 },
    async () => {
      server?.kill('SIGKILL');
      assert.equal(await serverExited, 'SIGKILL');
      const report = await vostroJson<{
        ok: boolean;
        transfers: number;
        accounts: number;
        problems: string[];
      }>(['verify', '--db', db.path]);
      assert.deepEqual(report.problems, []);
      assert.equal(report.transfers, paid, 'the API payments, and not the refused CLI transfer');
      assert.equal(
        (await storeCounts(db.path)).accounts,
        24 + 2,
        "the hub's 24 accounts and the two of the test, not the refused one",
      );
      const balance = await vostroJson<{ balances: { creditsPosted: string } }>([
        'balance',
        sberbank,
        '--db',
        db.path,
      ]);
      assert.equal(balance.balances.creditsPosted, `${paid}.00`);
    },
  );
});

describe('vostro on a path that is not a database file', () => {
  it('`vostro verify --db /dev/null` is refused with exit 1 and a clear message, and creates nothing', async () => {
    const companions = ['-journal', '-wal', '-shm', '-lock'].map((suffix) => `/dev/null${suffix}`);
    assert.deepEqual(
      companions.filter((file) => existsSync(file)),
      [],
    );
    const run = await vostro(['verify', '--db', '/dev/null']);
    assert.equal(run.code, ExitCode.refused);
    assert.equal(
      run.stderr,
      'error: /dev/null is not a regular file (it is a character device), so it cannot be a SQLite database\n',
    );
    assert.deepEqual(
      companions.filter((file) => existsSync(file)),
      [],
    );
  });
});
