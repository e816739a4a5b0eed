import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiKeys } from '../../access/api-keys.js';
import { Ledger } from '../../ledger/ledger.js';
import { buildServer } from '../../api/server.js';
import { Hub } from '../../hub/hub.js';
import { verifyLedger } from '../../ledger/verify.js';
import { tradeAnalytics } from '../../reports/trade-analytics.js';
import { PostgresStore } from '../../store/postgres/postgres-store.js';
import { postgresTests } from '../../store/postgres/test-database.js';
import { recordingIo } from '../io.js';
import { runStart } from './start.js';
import { CLI_ACTOR } from '../../domain/actor.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { after, describe, it } from 'node:test';
import { storeCounts, tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';
import { nextSteps } from './init.js';

interface TradeView {
  months: { month: string; flows: { direction: string; count: number; amount: string }[] }[];
  totals: { direction: string; currency: string; amount: string }[];
  netting: { windows: number; savedPercent: number | null };
}

/** Every month (YYYY-MM, UTC) from April 2024 to this one. */
function monthsSinceApril2024(): string[] {
  const now = new Date();
  const count = (now.getUTCFullYear() - 2024) * 12 + now.getUTCMonth() - 3 + 1;
  return Array.from({ length: count }, (_, index) =>
    new Date(Date.UTC(2024, 3 + index, 1)).toISOString().slice(0, 7),
  );
}

describe('vostro init', () => {
  const { path: db, cleanup } = tempDb();
  after(cleanup);

  it('creates the database, says where and what to do next', async () => {
    const run = await vostroOk(['init', '--db', db]);
    assert.ok(existsSync(db));
    assert.match(run.stdout, new RegExp(`Ledger database ready at ${db}`));
    assert.match(run.stdout, /Next steps:/);
    assert.match(run.stdout, /vostro participant create/);
  });

  it('is harmless to run again, and --json reports the counts', async () => {
    // The hub's own four accounts in each of the six currencies, opened by the first init.
    assert.deepEqual(await vostroJson(['init', '--db', db]), {
      database: db,
      accounts: 24,
      transfers: 0,
      journalEntries: 1,
    });
  });

  it('takes the path from VOSTRO_DB', async () => {
    const other = tempDb();
    try {
      const run = await vostro(['init'], { VOSTRO_DB: other.path });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(existsSync(other.path));
    } finally {
      other.cleanup();
    }
  });

  it('with a PostgreSQL URL, the next steps first set VOSTRO_DATABASE_URL (its password masked), which the commands then use', () => {
    const text = nextSteps('postgres://vostro:S3cret@db.example:5432/hub');
    assert.ok(!text.includes('S3cret'), text);
    const lines = text.split('\n');
    assert.equal(lines[0], 'Next steps:');
    assert.match(
      lines[1] ?? '',
      /^ {2}export VOSTRO_DATABASE_URL='postgres:\/\/vostro:\*\*\*@db\.example:5432\/hub' +# .*put the password back$/,
    );
    assert.ok(lines.slice(2).some((line) => line.endsWith(' --db "$VOSTRO_DATABASE_URL"')));
    assert.ok(!lines.slice(2).some((line) => line.includes('export ')), 'set once, before use');
    assert.match(
      nextSteps('postgres://vostro@db.example/hub').split('\n')[1] ?? '',
      /^ {2}export VOSTRO_DATABASE_URL='postgres:\/\/vostro@db\.example\/hub' +# the URL you gave --db$/,
    );
    assert.doesNotMatch(nextSteps('./ledger.db'), /export|VOSTRO_DATABASE_URL"/);
  });

  it('other commands refuse a database that does not exist instead of creating it', async () => {
    const missing = `${db}-missing`;
    const run = await vostro(['verify', '--db', missing]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no database at/);
    assert.equal(existsSync(missing), false);
  });
});

describe('vostro start', () => {
  const { path: db, cleanup } = tempDb();
  after(cleanup);

  it('seeds the demo into an empty database and prints balances and usage', async () => {
    const run = await vostroOk(['start', '--db', db]);
    // The counts depend on today's date (the history runs to yesterday): they are those stored.
    const seeded =
      /seeded a demo with 9 participants, 44 accounts, (\d+) transfers and (\d+) events \(.*a payment that arrived as an ISO 20022 pacs\.008 message\)/.exec(
        run.stdout,
      );
    assert.ok(seeded !== null, run.stdout);
    const counts = await storeCounts(db);
    assert.equal(counts.transfers, Number(seeded[1]));
    const history =
      /Trade history from April 2024 \(booked with the ledger's clock set back, then handed over to the system clock\): (\d+) payments over (\d+) months, (\d+) monthly rupee windows closed and settled, (\d+) INR\/RUB reference rates\./.exec(
        run.stdout,
      );
    assert.ok(history !== null, run.stdout);
    const months = monthsSinceApril2024();
    assert.equal(Number(history[2]), months.length);
    // Every month before this one closed its window; this month's is closed by today's part.
    assert.equal(Number(history[3]), months.length - 1);
    assert.ok(Number(history[1]) >= 11 * (months.length - 1), history[1]);
    for (const owner of [
      'sbi',
      'bob',
      'sberbank',
      'vtb',
      'indorus-fx',
      'tata-steel',
      'uralchem',
      'hub',
    ])
      assert.match(run.stdout, new RegExp(`│ ${owner} `));
    assert.match(run.stdout, /vostro positions INR-1/);
    assert.match(run.stdout, /npx vostro --help/);
    assert.match(run.stdout, /npm run vostro --/);
  });

  it('the history fills the monthly trade analytics from April 2024, both ways, in the FY2024-25 proportion', async () => {
    const store = new SqliteStore({ path: db, backgroundCheckpoints: false });
    try {
      const ledger = new Ledger(store);
      const keys = new ApiKeys(ledger);
      const app = await buildServer({ ledger, store, keys });
      const key = (await keys.issue({ role: 'auditor', label: 'test' }, CLI_ACTOR)).key;
      const months = monthsSinceApril2024();
      const response = await app.inject({
        method: 'GET',
        url: `/v1/analytics/trade?from=2024-04&to=${months.at(-1) ?? ''}`,
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(response.statusCode, 200, response.body);
      const trade = response.json<TradeView>();
      assert.deepEqual(
        trade.months.map((month) => month.month),
        months,
      );
      for (const month of trade.months) {
        const flows = new Map(month.flows.map((flow) => [flow.direction, flow]));
        assert.ok((flows.get('IN-RU')?.count ?? 0) >= 2, `${month.month}: India pays Russia`);
        assert.ok((flows.get('RU-IN')?.count ?? 0) >= 1, `${month.month}: Russia pays India`);
      }
      const total = (direction: string): number =>
        Number(
          trade.totals.find((flow) => flow.direction === direction && flow.currency === 'INR')
            ?.amount ?? 0,
        );
      // FY2024-25: India's imports from Russia about US$63.8 billion, its exports US$4.9 billion.
      const ratio = total('IN-RU') / total('RU-IN');
      assert.ok(ratio > 10 && ratio < 17, `imports : exports = ${ratio.toFixed(1)} : 1`);
      assert.equal(trade.netting.windows, months.length);
      assert.ok((trade.netting.savedPercent ?? 0) > 50, String(trade.netting.savedPercent));
      const rates = await app.inject({
        method: 'GET',
        url: '/v1/fx/rates/INR/RUB/history?limit=1000',
        headers: { authorization: `Bearer ${key}` },
      });
      const history = rates.json<{ data: { asOf: string; setAt: string }[] }>().data;
      // One a month, and today's; each set when it was for (the history's clock), oldest first.
      assert.equal(history.length, months.length + (new Date().getUTCDate() === 1 ? 0 : 1));
      assert.equal(history[0]?.asOf, '2024-04-01');
      assert.equal(history[0].setAt.slice(0, 10), '2024-04-01');
      await app.close();
    } finally {
      await store.close();
    }
  });

  it('keeps an operator API key for the demo in a file only the user can read, never printing it, and reuses it', async () => {
    const file = join(dirname(db), 'demo-operator.key');
    const key = readFileSync(file, 'utf8').trim();
    assert.match(key, /^vostro_[0-9a-f]{16}_/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const store = new SqliteStore({ path: db, backgroundCheckpoints: false });
    try {
      const verification = await new ApiKeys(new Ledger(store)).verifier.verify(key);
      assert.equal(verification.ok && verification.key.role, 'operator');
    } finally {
      await store.close();
    }
    const again = await vostroOk(['start', '--db', db]);
    assert.match(again.stdout, /HTTP API key \(operator, demo only\): still valid in /);
    assert.match(again.stdout, /Authorization: Bearer \$VOSTRO_KEY/);
    assert.ok(!again.stdout.includes(key.slice(24)), 'the key is not printed');
    assert.equal(readFileSync(file, 'utf8').trim(), key);
  });

  it('does not seed again, and the demo verifies with two payments still pending', async () => {
    const countsBefore = await storeCounts(db);
    const run = await vostroOk(['start', '--db', db]);
    assert.match(
      run.stdout,
      new RegExp(
        `Existing database: 44 accounts, ${countsBefore.transfers} transfers; no demo seeded`,
      ),
    );
    assert.deepEqual(await storeCounts(db), countsBefore);
    const report = await vostroJson<{
      ok: boolean;
      ledgers: { currency: string; debitsPending: string }[];
    }>(['verify', '--db', db]);
    assert.equal(report.ok, true);
    // The pending letter-of-credit payment and its cap leg (14,200,000.00 each), and the discrepant
    // trade's documentary credit (32,400,000.00, within SBI's books: no cap leg), all reserved.
    assert.deepEqual(
      report.ledgers
        .filter((ledger) => ['INR', 'RUB'].includes(ledger.currency))
        .map((ledger) => [ledger.currency, ledger.debitsPending]),
      [
        ['INR', '60800000.00'],
        ['RUB', '0.00'],
      ],
    );
  });

  it('on a ledger `vostro init` opened today the demo books no history: it would not be the past', async () => {
    const other = tempDb();
    try {
      await vostroOk(['init', '--db', other.path]);
      const run = await vostroOk(['start', '--no-serve', '--db', other.path]);
      assert.match(run.stdout, /seeded a demo with 9 participants/);
      assert.match(run.stdout, /No trade history booked: the ledger already held entries/);
      const verified = await vostroJson<{ ok: boolean }>(['verify', '--db', other.path]);
      assert.equal(verified.ok, true);
    } finally {
      other.cleanup();
    }
  });

  it('--help lists every ledger command', async () => {
    const run = await vostro(['--help']);
    assert.equal(run.code, 0);
    for (const command of [
      'start',
      'init',
      'account',
      'transfer',
      'balance',
      'history',
      'verify',
      'iso20022',
      'events',
      'webhook',
    ])
      assert.match(run.stdout, new RegExp(`^  ${command} `, 'm'));
  });
});

await postgresTests('the demo with its history on postgres', (schemas) => {
  it('seeds the demo and its history on PostgreSQL: every month from April 2024, windows settled, the ledger verified', async () => {
    const url = schemas.next();
    const store = await PostgresStore.open({ url, poolMax: 2 });
    try {
      const ledger = new Ledger(store);
      const io = recordingIo();
      assert.equal((await runStart({ ledger, store, dbPath: url }, url, io, false)).code, 0);
      assert.match(io.stdout.join(''), /Trade history from April 2024 /);
      const months = monthsSinceApril2024();
      const trade = await tradeAnalytics(new Hub(ledger), CLI_ACTOR, {
        from: '2024-04',
        to: months.at(-1) ?? '',
      });
      assert.deepEqual(
        trade.months.filter((month) => month.flows.length >= 2).map((month) => month.month),
        months,
      );
      assert.equal(trade.netting.windows, months.length);
      assert.deepEqual((await verifyLedger(store)).problems, []);
    } finally {
      await store.close();
    }
  });
});
