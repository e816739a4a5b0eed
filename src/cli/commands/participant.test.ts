import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { participantAccountId } from '../../participants/accounts.js';
import { storeCounts, tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

describe('vostro participant', () => {
  const { path: db, cleanup } = tempDb();
  before(async () => {
    await vostroOk(['init', '--db', db]);
  });
  after(cleanup);

  it('creates a bank with its accounts and shows it', async () => {
    const before = (await storeCounts(db)).accounts;
    const created = await vostroJson<{
      id: string;
      status: string;
      accounts: { id: string; role: string; currency: string }[];
    }>([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'sbi',
      '--name',
      'State Bank of India',
      '--kind',
      'bank',
      '--country',
      'IN',
      '--currencies',
      'INR,RUB',
    ]);
    assert.equal(created.status, 'active');
    assert.deepEqual(
      created.accounts.map((account) => `${account.currency}:${account.role}`),
      ['INR:settlement', 'INR:cap', 'RUB:settlement', 'RUB:cap'],
    );
    assert.equal((await storeCounts(db)).accounts, before + 4);
    const shown = await vostroOk(['participant', 'show', 'sbi', '--db', db]);
    assert.match(shown.stdout, /State Bank of India/);
    assert.match(shown.stdout, new RegExp(participantAccountId('sbi', 'INR', 'settlement')));
  });

  it('refuses a duplicate or invalid participant with exit 1, naming the option, and writes nothing', async () => {
    const counts = await storeCounts(db);
    const again = await vostro([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'sbi',
      '--name',
      'Again',
      '--kind',
      'bank',
      '--country',
      'IN',
      '--currencies',
      'INR',
    ]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /--id: participant sbi exists already \(participant_exists\)/);
    const country = await vostro([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'acme',
      '--name',
      'Acme',
      '--kind',
      'bank',
      '--country',
      'DE',
      '--currencies',
      'INR',
    ]);
    assert.equal(country.code, 1);
    assert.match(country.stderr, /--country: /);
    const currency = await vostro([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'acme',
      '--name',
      'Acme',
      '--kind',
      'bank',
      '--country',
      'IN',
      '--currencies',
      'INR,XXX',
    ]);
    assert.match(currency.stderr, /--currencies: currencies\[1\]/);
    assert.equal(
      (
        await vostro([
          'participant',
          'create',
          '--db',
          db,
          '--id',
          'acme',
          '--name',
          'Acme',
          '--kind',
          'hub',
          '--country',
          'IN',
          '--currencies',
          'INR',
        ])
      ).code,
      2,
    );
    assert.deepEqual(await storeCounts(db), counts);
  });

  it('opens a vostro account kept by another bank, lists, suspends and reactivates', async () => {
    await vostroOk([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'vtb',
      '--name',
      'VTB Bank',
      '--kind',
      'bank',
      '--country',
      'RU',
      '--currencies',
      'RUB',
    ]);
    const opened = await vostroOk([
      'participant',
      'open-account',
      'vtb',
      '--db',
      db,
      '--role',
      'vostro',
      '--currency',
      'INR',
      '--held-at',
      'sbi',
    ]);
    assert.equal(opened.stdout.trim(), participantAccountId('vtb', 'INR', 'vostro', 'sbi'));
    const noBank = await vostro([
      'participant',
      'open-account',
      'vtb',
      '--db',
      db,
      '--role',
      'nostro',
      '--currency',
      'INR',
    ]);
    assert.equal(noBank.code, 1);
    assert.match(noBank.stderr, /--held-at: /);
    // `init` may have opened the hub itself: the listing is checked relative to whatever is there.
    const all = (
      await vostroJson<{ participants: { id: string }[] }>(['participant', 'list', '--db', db])
    ).participants.map((participant) => participant.id);
    assert.ok(all.includes('sbi') && all.includes('vtb'));
    assert.deepEqual([...all].sort(), all, 'in id order');
    const list = await vostroJson<{ participants: { id: string }[]; next: string | null }>([
      'participant',
      'list',
      '--db',
      db,
      '--limit',
      '1',
    ]);
    assert.deepEqual(
      [list.participants.map((participant) => participant.id), list.next],
      [[all[0]], all[0]],
    );
    const rest = await vostroJson<{ participants: { id: string }[] }>([
      'participant',
      'list',
      '--db',
      db,
      '--after',
      String(list.next),
    ]);
    assert.deepEqual(
      rest.participants.map((participant) => participant.id),
      all.slice(1),
    );
    assert.match(
      (await vostroOk(['participant', 'suspend', 'vtb', '--db', db])).stdout,
      /vtb is suspended/,
    );
    assert.match(
      (await vostroOk(['participant', 'activate', 'vtb', '--db', db])).stdout,
      /vtb is active/,
    );
    const missing = await vostro(['participant', 'suspend', 'nobody', '--db', db]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no participant nobody/);
    assert.equal((await vostro(['participant', 'show', 'nobody', '--db', db])).code, 1);
  });

  it('creates a customs authority without currencies or accounts; a bank still needs --currencies', async () => {
    const before = await storeCounts(db);
    const customs = await vostroJson<{ kind: string; currencies: string[]; accounts: unknown[] }>([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'ru-customs',
      '--name',
      'Federal Customs Service',
      '--kind',
      'customs',
      '--country',
      'RU',
      '--json',
    ]);
    assert.deepEqual([customs.kind, customs.currencies, customs.accounts], ['customs', [], []]);
    assert.equal((await storeCounts(db)).accounts, before.accounts);
    const bank = await vostro([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'acme',
      '--name',
      'Acme',
      '--kind',
      'bank',
      '--country',
      'IN',
    ]);
    assert.equal(bank.code, 1);
    assert.match(bank.stderr, /--currencies: one to eight currencies are required/);
  });
});
