import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createAccount,
  tempDb,
  transfer,
  vostro,
  vostroJson,
  vostroOk,
} from './cli.test-helper.js';

interface HistoryJson {
  accountId: string;
  currency: string;
  balance: string;
  transfers: {
    id: string;
    timestamp: string;
    time: string;
    kind: string;
    direction: string;
    counterpartyAccountId: string;
    amount: string;
    balanceAfter: string | null;
    reference: string;
  }[];
  next: string | null;
}

describe('vostro history', () => {
  const { path: db, cleanup } = tempDb();
  let sbi = '';
  let sberbank = '';
  let pendingId = '';
  before(async () => {
    await vostroOk(['init', '--db', db]);
    sbi = await createAccount(db, 'sbi', 'INR');
    sberbank = await createAccount(db, 'sberbank', 'INR');
    // sberbank: +100.00, +20.50, -30.00, pending +5.00, post 4.00 of it.
    await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      sberbank,
      '--amount',
      '100',
      '--reference',
      'first',
    ]);
    await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      sberbank,
      '--amount',
      '20.50',
    ]);
    await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      sberbank,
      '--credit',
      sbi,
      '--amount',
      '30',
    ]);
    pendingId = (
      await vostroJson<{ id: string }>([
        'transfer',
        '--db',
        db,
        '--debit',
        sbi,
        '--credit',
        sberbank,
        '--amount',
        '5',
        '--pending',
      ])
    ).id;
    await vostroOk(['transfer', 'post', pendingId, '--db', db, '--amount', '4']);
  });
  after(cleanup);

  it('lists newest first with kind, direction, counterparty and running balance', async () => {
    const history = await vostroJson<HistoryJson>(['history', sberbank, '--db', db]);
    assert.equal(history.balance, '94.50');
    assert.deepEqual(
      history.transfers.map((line) => [line.kind, line.direction, line.amount, line.balanceAfter]),
      [
        ['post', 'credit', '4.00', '94.50'],
        ['pending', 'credit', '5.00', '90.50'],
        ['plain', 'debit', '30.00', '90.50'],
        ['plain', 'credit', '20.50', '120.50'],
        ['plain', 'credit', '100.00', '100.00'],
      ],
    );
    assert.ok(history.transfers.every((line) => line.counterpartyAccountId === sbi));
    assert.equal(history.transfers[1]?.id, pendingId);
    assert.equal(history.transfers[4]?.reference, 'first');
    assert.equal(history.next, null);
    const [newest] = history.transfers;
    assert.ok(newest);
    assert.match(newest.time, /\.\d{9}Z$/);
    assert.equal(newest.time.slice(-10, -1), newest.timestamp.slice(-9));
  });

  it('pages with --limit and --before, keeping the running balance right across pages', async () => {
    const first = await vostroJson<HistoryJson>(['history', sberbank, '--db', db, '--limit', '2']);
    assert.equal(first.transfers.length, 2);
    assert.ok(first.next);
    const second = await vostroJson<HistoryJson>([
      'history',
      sberbank,
      '--db',
      db,
      '--limit',
      '2',
      '--before',
      first.next,
    ]);
    assert.deepEqual(
      second.transfers.map((line) => line.balanceAfter),
      ['90.50', '120.50'],
    );
    assert.ok(second.next);
    const third = await vostroJson<HistoryJson>([
      'history',
      sberbank,
      '--db',
      db,
      '--limit',
      '2',
      '--before',
      second.next,
    ]);
    assert.deepEqual(
      third.transfers.map((line) => line.balanceAfter),
      ['100.00'],
    );
    assert.equal(third.next, null);
  });

  it('prints a table with the cursor for the next page', async () => {
    const run = await vostroOk(['history', sberbank, '--db', db, '--limit', '1']);
    assert.match(run.stdout, /post/);
    assert.match(run.stdout, /\+4\.00/);
    assert.match(run.stdout, /older: --before \d+/);
  });

  it('refuses bad options with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--limit', '0'], /--limit: 0 is out of range/],
      [['--limit', '1001'], /--limit: 1001 is out of range, it must be between 1 and 1000/],
      [['--before', 'yesterday'], /--before: "yesterday" is not a timestamp/],
      [['--before', '12345'], /--before: no transfer of account .* has timestamp 12345/],
    ];
    for (const [extra, pattern] of cases) {
      const run = await vostro(['history', sberbank, '--db', db, ...extra]);
      assert.equal(run.code, 2, extra.join(' '));
      assert.match(run.stderr, pattern);
    }
  });

  it('refuses a cursor that belongs to another account', async () => {
    const third = await createAccount(db, 'vtb', 'INR');
    const other = await transfer(db, sbi, third, '1');
    assert.equal(other.code, 0);
    const timestamp =
      (await vostroJson<HistoryJson>(['history', third, '--db', db])).transfers[0]?.timestamp ?? '';
    const run = await vostro(['history', sberbank, '--db', db, '--before', timestamp]);
    assert.equal(run.code, 2);
  });

  it('says so for an account without transfers, and refuses unknown accounts', async () => {
    const quiet = await createAccount(db, 'bob', 'INR');
    assert.match((await vostroOk(['history', quiet, '--db', db])).stdout, /No transfers/);
    const unknown = await vostro(['history', '0190a5b2-0000-7000-8000-00000000000a', '--db', db]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /does not exist/);
  });
});
