import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { verifyLedger } from '../../ledger/verify.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { createAccount, storeCounts, tempDb, vostro, vostroOk } from './cli.test-helper.js';

/**
 * Issue 12, items 2 and 3 at the command line: text no store can hold exactly (U+0000, an unpaired
 * surrogate) and control characters in labels are refused with a message naming the option and a
 * non-zero exit, and nothing is written. A shell cannot pass a NUL in an argument, but the same
 * commands run in-process (as here) and from scripts and files, so the rule does not depend on it.
 */
describe('vostro: text the stores cannot hold', () => {
  const { path: db, cleanup } = tempDb();
  let a: string;
  let b: string;
  before(async () => {
    await vostroOk(['init', '--db', db]);
    a = await createAccount(db, 'sbi', 'INR');
    b = await createAccount(db, 'vtb', 'INR');
  });
  after(async () => {
    const store = new SqliteStore({ path: db, backgroundCheckpoints: false });
    try {
      assert.deepEqual((await verifyLedger(store)).problems, []);
    } finally {
      await store.close();
    }
    cleanup();
  });

  it('refuses a reference with a NUL, a lone surrogate or a control character (exit 2), naming --reference', async () => {
    const counts = await storeCounts(db);
    for (const [reference, reason] of [
      ['x\u0000y', /U\+0000 \(NUL\)/],
      ['\ud800', /unpaired UTF-16 surrogate \(U\+D800\)/],
      ['clear\u001b[2J', /control character U\+001B/],
    ] as const) {
      const account = await vostro([
        'account',
        'create',
        '--db',
        db,
        '--owner',
        'sbi',
        '--currency',
        'INR',
        '--kind',
        'settlement',
        '--reference',
        reference,
      ]);
      assert.equal(account.code, 2, account.stderr);
      assert.match(account.stderr, /--reference: the reference /);
      assert.match(account.stderr, reason);
      const transfer = await vostro([
        'transfer',
        '--db',
        db,
        '--debit',
        a,
        '--credit',
        b,
        '--amount',
        '1.00',
        '--reference',
        reference,
      ]);
      assert.equal(transfer.code, 2, transfer.stderr);
      assert.match(transfer.stderr, reason);
    }
    assert.deepEqual(await storeCounts(db), counts);
  });

  it('accepts 64 astral characters as a reference and stores them exactly', async () => {
    const reference = '\u{1F4B8}'.repeat(64);
    const run = await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      a,
      '--credit',
      b,
      '--amount',
      '1.00',
      '--reference',
      reference,
      '--json',
    ]);
    assert.equal(JSON.parse(run.stdout)['transfer']['reference'], reference);
    const tooLong = await vostro([
      'transfer',
      '--db',
      db,
      '--debit',
      a,
      '--credit',
      b,
      '--amount',
      '1.00',
      '--reference',
      `${reference}x`,
    ]);
    assert.equal(tooLong.code, 2);
    assert.match(tooLong.stderr, /--reference: the reference is 65 characters long, at most 64/);
  });

  it('refuses a participant name or a key label that is not plain text (exit 1), naming the option, writing nothing', async () => {
    const counts = await storeCounts(db);
    const name = await vostro([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'bad',
      '--name',
      'Bad\u0000Bank',
      '--kind',
      'bank',
      '--country',
      'IN',
      '--currencies',
      'INR',
    ]);
    assert.equal(name.code, 1, name.stderr);
    assert.match(name.stderr, /--name: the name contains U\+0000 \(NUL\)/);
    const lone = await vostro([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'bad',
      '--name',
      'Bad \udfff',
      '--kind',
      'bank',
      '--country',
      'IN',
      '--currencies',
      'INR',
    ]);
    assert.equal(lone.code, 1, lone.stderr);
    assert.match(lone.stderr, /--name: the name contains an unpaired UTF-16 surrogate/);
    const label = await vostro([
      'key',
      'issue',
      '--db',
      db,
      '--role',
      'auditor',
      '--label',
      'desk \ud800',
    ]);
    assert.equal(label.code, 1, label.stderr);
    assert.match(label.stderr, /--label: the label contains an unpaired UTF-16 surrogate/);
    assert.deepEqual(await storeCounts(db), counts);
    assert.equal((await vostro(['participant', 'show', 'bad', '--db', db])).code, 1);
  });

  it('refuses a rate file with a NUL or with bytes that are not UTF-8 (exit 1), naming the line, writing nothing', async () => {
    const nul = `${db}.nul.csv`;
    writeFileSync(
      nul,
      'date,source,target,rate\n2026-11-21,INR,RUB,1.0750\n2026-11-22,INR\u0000,RUB,1.0760\n',
    );
    const refused = await vostro(['fx', 'rate', 'import', nul, '--db', db]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /line 3/);
    const latin1 = `${db}.latin1.csv`;
    writeFileSync(
      latin1,
      Buffer.concat([
        Buffer.from('date,source,target,rate\n2026-11-21,INR,RUB,1.07'),
        Buffer.from([0xff, 0x0a]),
      ]),
    );
    const notUtf8 = await vostro(['fx', 'rate', 'import', latin1, '--db', db]);
    assert.notEqual(notUtf8.code, 0, notUtf8.stderr);
    assert.match(notUtf8.stderr, /not valid UTF-8/);
    assert.equal(
      (await vostro(['fx', 'rate', 'show', '--db', db, '--source', 'INR', '--target', 'RUB'])).code,
      1,
      'no rate was imported',
    );
  });
});
