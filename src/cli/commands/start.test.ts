import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiKeys } from '../../access/api-keys.js';
import { Ledger } from '../../ledger/ledger.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { after, describe, it } from 'node:test';
import { storeCounts, tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';
import { nextSteps } from './init.js';

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
    // 48 events: 43 of transfers, the conversion's quote.executed, the two trades' presentations
    // (presentation.accepted and, for the discrepant one, presentation.refused), and the rupee
    // window's window.closed and window.settled.
    assert.match(
      run.stdout,
      /seeded a demo with 9 participants, 44 accounts, 53 transfers and 48 events \(.*a payment that arrived as an ISO 20022 pacs\.008 message\)/,
    );
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
    assert.match(run.stdout, /Existing database: 44 accounts, 53 transfers; no demo seeded/);
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
