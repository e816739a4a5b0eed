import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { participantAccountId } from '../../participants/accounts.js';
import { postgresTests } from '../../store/postgres/test-database.js';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { storeCounts, tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

interface EventPage {
  next: string | null;
  data: {
    id: string;
    type: string;
    at: string;
    subject: string;
    participants: string[];
    data: Record<string, unknown>;
  }[];
}

/** Two banks and a corporate, prefunding, a cap, two payments (one pending, then posted) and a refused one. */
async function seed(db: string): Promise<{ sbi: string; bob: string; tata: string }> {
  await vostroOk(['init', '--db', db]);
  for (const [id, extra] of [
    ['sbi', ['--kind', 'bank']],
    ['bob', ['--kind', 'bank']],
    ['tata-steel', ['--kind', 'corporate', '--bank', 'sbi']],
  ] as const)
    await vostroOk([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      id,
      '--name',
      id,
      '--country',
      'IN',
      '--currencies',
      'INR',
      ...extra,
    ]);
  const sbi = participantAccountId('sbi', 'INR', 'settlement');
  const bob = participantAccountId('bob', 'INR', 'settlement');
  const tata = participantAccountId('tata-steel', 'INR', 'customer');
  await vostroOk(['payment', 'fund', '--db', db, '--account', tata, '--amount', '1000.00']);
  await vostroOk([
    'cap',
    'set',
    '--db',
    db,
    '--participant',
    'sbi',
    '--currency',
    'INR',
    '--amount',
    '500.00',
  ]);
  await vostroOk([
    'payment',
    'create',
    '--db',
    db,
    '--from',
    tata,
    '--to',
    bob,
    '--amount',
    '120.50',
  ]);
  return { sbi, bob, tata };
}

describe('vostro events', () => {
  const { path: db, cleanup } = tempDb();
  let accounts: { sbi: string; bob: string; tata: string };
  before(async () => {
    accounts = await seed(db);
  });
  after(cleanup);

  it('lists the feed oldest first with the money in major units, and pages with --after', async () => {
    const all = await vostroJson<EventPage>(['events', '--db', db]);
    assert.ok(all.data.length >= 2, JSON.stringify(all));
    assert.equal(all.next, null);
    const ids = all.data.map((event) => BigInt(event.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      'ascending',
    );
    const payment = all.data.find(
      (event) => event.type === 'transfer.created' && event.data['creditOwner'] === 'bob',
    );
    assert.ok(payment, 'the payment to Bank of Baroda is an event');
    assert.equal(payment.data['amount'], '12050');
    assert.ok(payment.participants.includes('tata-steel') && payment.participants.includes('sbi'));
    const table = (await vostroOk(['events', '--db', db])).stdout;
    assert.match(table, /transfer\.created/);
    assert.match(table, /120\.50 INR, tata-steel → bob/);
    const first = await vostroJson<EventPage>(['events', '--db', db, '--limit', '1']);
    assert.equal(first.data.length, 1);
    assert.equal(first.next, all.data[0]?.id);
    const second = await vostroJson<EventPage>([
      'events',
      '--db',
      db,
      '--after',
      String(first.next),
    ]);
    assert.deepEqual(
      second.data.map((event) => event.id),
      all.data.slice(1).map((event) => event.id),
    );
    assert.match(
      (await vostroOk(['events', '--db', db, '--limit', '1'])).stdout,
      /^more: --after \d+$/m,
    );
    assert.equal(
      (await vostroOk(['events', '--db', db, '--after', all.data.at(-1)?.id ?? ''])).stdout,
      'No events after that point.\n',
    );
  });

  it('filters by type and by participant (a corporate’s events are its bank’s too)', async () => {
    const created = await vostroJson<EventPage>([
      'events',
      '--db',
      db,
      '--type',
      'transfer.created',
    ]);
    assert.ok(created.data.length > 0);
    assert.ok(created.data.every((event) => event.type === 'transfer.created'));
    const both = await vostroJson<EventPage>([
      'events',
      '--db',
      db,
      '--type',
      'transfer.created,transfer.posted',
      '--type',
      'payment.refused',
    ]);
    assert.equal(both.data.length >= created.data.length, true);
    const bob = await vostroJson<EventPage>(['events', '--db', db, '--participant', 'bob']);
    assert.ok(bob.data.length > 0);
    assert.ok(bob.data.every((event) => event.participants.includes('bob')));
    const sbi = await vostroJson<EventPage>(['events', '--db', db, '--participant', 'sbi']);
    assert.ok(sbi.data.some((event) => event.data['debitAccountId'] === accounts.tata));
  });

  it('refuses malformed options (exit 2) and an unknown participant (exit 1), writing nothing', async () => {
    const counts = await storeCounts(db);
    for (const [argv, code, message] of [
      [['--after', '-1'], 2, /--after: "-1" is not an event sequence number/],
      [['--after', '1e3'], 2, /--after: "1e3" is not an event sequence number/],
      [['--limit', '0'], 2, /--limit: 0 is out of range, it must be between 1 and 10000/],
      [['--limit', '10001'], 2, /--limit: 10001 is out of range/],
      [
        ['--type', 'transfer.teleported'],
        2,
        /--type: "transfer.teleported" is not an event type; known: .*transfer\.created/,
      ],
      [['--type', ''], 2, /--type: "" is not an event type/],
      [['--participant', 'Not A Slug'], 2, /--participant: "Not A Slug" is not a participant id/],
      [['--participant', 'nobody'], 1, /--participant: no participant nobody in /],
      [['--follow'], 2, /--follow needs a terminal that can stop it/],
    ] as const) {
      const run = await vostro(['events', '--db', db, ...argv]);
      assert.equal(run.code, code, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
    const missing = await vostro(['events', '--db', `${db}-missing`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no database at/);
    assert.deepEqual(await storeCounts(db), counts);
  });

  it('--follow on a SQLite file is refused: nothing else could write while this command holds it', async () => {
    const io = { ...recordingIo(), waitForShutdown: () => new Promise<string>(() => undefined) };
    assert.equal(await runCli(['events', '--db', db, '--follow'], io), 1);
    assert.match(
      io.stderr.join(''),
      /--follow: a SQLite database is written by one process at a time/,
    );
  });
});

await postgresTests('vostro events --follow on PostgreSQL', (schemas) => {
  it(
    'prints the events another process commits, each once, in order, until the shutdown signal',
    { timeout: 120_000 },
    async () => {
      const url = schemas.next();
      const { tata, bob } = await seed(url);
      const before = await vostroJson<EventPage>(['events', '--db', url]);
      const last = before.data.at(-1)?.id ?? '0';
      let stop: (signal: string) => void = () => undefined;
      const io = {
        ...recordingIo(),
        waitForShutdown: () => new Promise<string>((resolve) => (stop = resolve)),
      };
      const following = runCli(
        ['events', '--db', url, '--follow', '--json', '--after', last, '--participant', 'bob'],
        io,
      );
      for (const amount of ['1.00', '2.00', '3.00'])
        await vostroOk([
          'payment',
          'create',
          '--db',
          url,
          '--from',
          tata,
          '--to',
          bob,
          '--amount',
          amount,
        ]);
      const lines = async (): Promise<{ id: string; data: Record<string, unknown> }[]> =>
        io.stdout
          .join('')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { id: string; data: Record<string, unknown> });
      for (let waited = 0; (await lines()).length < 3 && waited < 200; waited += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      stop('SIGINT');
      assert.equal(await following, 0, io.stderr.join(''));
      const seen = await lines();
      assert.deepEqual(
        seen.map((event) => event.data['amount']),
        ['100', '200', '300'],
      );
      const ids = seen.map((event) => BigInt(event.id));
      assert.ok(
        ids.every((id, index) => id > BigInt(last) && (index === 0 || id > (ids[index - 1] ?? 0n))),
      );
    },
  );
});
