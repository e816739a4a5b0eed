import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { createAccount, tempDb, vostro, vostroOk } from './cli.test-helper.js';

interface VerifyJson {
  ok: boolean;
  journalEntries: number;
  accounts: number;
  transfers: number;
  ledgers: {
    currency: string;
    ledger: number;
    accounts: number;
    debitsPosted: string;
    creditsPosted: string;
    debitsPending: string;
    creditsPending: string;
  }[];
  problems: string[];
}

describe('vostro verify', () => {
  const { path: db, cleanup } = tempDb();
  let sbi = '';
  before(async () => {
    await vostroOk(['init', '--db', db]);
    // Tallied (as the hub opens participant accounts): init made the database tally code 1.
    sbi = await createAccount(db, 'sbi', 'INR', ['--tallied']);
    const sberbank = await createAccount(db, 'sberbank', 'INR', ['--tallied']);
    const vtb = await createAccount(db, 'vtb', 'RUB');
    const hub = await createAccount(db, 'hub', 'RUB');
    await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      sberbank,
      '--amount',
      '10.10',
    ]);
    await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      hub,
      '--credit',
      vtb,
      '--amount',
      '7',
      '--pending',
    ]);
  });
  after(cleanup);

  it('passes on a sound ledger, with per-currency totals', async () => {
    const run = await vostroOk(['verify', '--db', db]);
    // Four accounts of the test and the hub's own 24, opened by init.
    assert.match(run.stdout, /28 accounts, 2 transfers replayed/);
    assert.match(run.stdout, /INR .*10\.10 .*10\.10/);
    assert.match(run.stdout, /^ok: /m);
  });

  it('--json has the report shape', async () => {
    const run = await vostroOk(['verify', '--db', db, '--json']);
    const report = JSON.parse(run.stdout) as VerifyJson;
    assert.equal(report.ok, true);
    assert.equal(report.accounts, 28);
    assert.equal(report.transfers, 2);
    assert.deepEqual(report.problems, []);
    // Each currency also has the hub's four accounts, opened by init.
    assert.deepEqual(
      report.ledgers.filter((ledger) => ledger.currency === 'INR' || ledger.currency === 'RUB'),
      [
        {
          currency: 'INR',
          ledger: 356,
          accounts: 6,
          debitsPosted: '10.10',
          creditsPosted: '10.10',
          debitsPending: '0.00',
          creditsPending: '0.00',
        },
        {
          currency: 'RUB',
          ledger: 643,
          accounts: 6,
          debitsPosted: '0.00',
          creditsPosted: '0.00',
          debitsPending: '7.00',
          creditsPending: '7.00',
        },
      ],
    );
  });

  it('draws a progress bar on stderr only when interactive', async () => {
    const io = { ...recordingIo(), interactive: true };
    assert.equal(await runCli(['verify', '--db', db], io), 0);
    assert.match(io.stderr.join(''), /verifying journal/);
    assert.match(
      io.stderr.join(''),
      /7\/7 entries, 30\/30 accounts and transfers, done/,
      'it ends at the totals',
    );
    const quiet = await vostroOk(['verify', '--db', db]);
    assert.equal(quiet.stderr, '');
  });

  it('fails with exit 1 and names the problem when a balance was tampered with', async () => {
    // Tampering as an intruder would: straight into the file, past vostro.
    const intruder = new Database(db);
    try {
      intruder.exec(`UPDATE accounts SET credits_posted = credits_posted + 1 WHERE id = '${sbi}'`);
    } finally {
      intruder.close();
    }
    const run = await vostro(['verify', '--db', db]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /FAILED/);
    assert.match(run.stdout, new RegExp(`account ${sbi}: stored creditsPosted 1, replay gives 0`));
    const json = await vostro(['verify', '--db', db, '--json']);
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as VerifyJson).ok, false);
  });

  it('names a pair tally that no longer matches the transfers it counts', async () => {
    // The rupee payment of code 1 between two tallied accounts is in period 0.
    const intruder = new Database(db);
    try {
      assert.deepEqual(
        intruder.prepare('SELECT amount, count FROM pair_tallies WHERE ledger = 356').all(),
        [{ amount: 1010, count: 1 }],
      );
      intruder.exec(
        `UPDATE pair_tallies SET amount = amount + 5 WHERE ledger = 356 AND debit_account_id = '${sbi}'`,
      );
    } finally {
      intruder.close();
    }
    const run = await vostro(['verify', '--db', db]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /ledger 356: pair tallies of period 0 differ from its transfers \(tallied .*: 1015 in 1; transfers say .*: 1010 in 1\)/,
    );
  });
});
