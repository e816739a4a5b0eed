import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

/** The demo of `vostro start`: Russian banks' rupee vostro accounts and settled INR windows. */
/** A decimal amount of rupees as minor units. */
const minor = (amount: string): bigint => BigInt(amount.replace('.', ''));
/** A decimal amount as the tables print it: thousands grouped with commas. */
const grouped = (amount: string): string => {
  const [whole = '', cents = ''] = amount.split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
};

describe('vostro surplus, statement and report: a table for people, --json for scripts', () => {
  const { path: db, cleanup } = tempDb();
  before(async () => {
    await vostroOk(['start', '--db', db]);
  });
  after(cleanup);

  it('surplus prints a table by default, amounts grouped, and JSON with --json or --format json', async () => {
    // The demo's balances depend on the day it runs (its history runs to yesterday), so the table
    // is checked against the JSON of the same database, and the JSON against its own parts.
    const json = await vostroJson<{
      currency: string;
      total: string;
      banks: { bank: string; name: string; surplus: string; vostro: { balance: string }[] }[];
    }>(['surplus', '--db', db]);
    assert.equal(json.currency, 'INR');
    assert.deepEqual(
      json.banks.map((bank) => bank.bank),
      ['sberbank', 'vtb'],
    );
    assert.match(json.total, /^\d+\.\d{2}$/, 'JSON keeps exact, ungrouped decimals');
    assert.equal(
      minor(json.total),
      json.banks.reduce((sum, bank) => sum + minor(bank.surplus), 0n),
      'the total is the banks’ sum',
    );
    for (const bank of json.banks)
      assert.equal(
        minor(bank.surplus),
        bank.vostro.reduce((sum, account) => sum + minor(account.balance), 0n),
        `${bank.bank}: its vostro balances`,
      );
    const table = await vostroOk(['surplus', '--db', db]);
    assert.match(table.stdout, /^INR surplus of Russian banks' vostro accounts as of /);
    assert.match(table.stdout, /│ bank +│ name +│ +surplus │ invested │/);
    for (const bank of json.banks)
      assert.ok(
        table.stdout.includes(`│ ${bank.bank.padEnd(8)} │ ${bank.name.padEnd(8)} │`) &&
          table.stdout.includes(` ${grouped(bank.surplus)} │`),
        `${bank.bank}: ${grouped(bank.surplus)} in\n${table.stdout}`,
      );
    assert.throws(() => JSON.parse(table.stdout) as unknown);
    // --format json is the same output (but for the time of the reading).
    const format = await vostroOk(['surplus', '--db', db, '--format', 'json']);
    assert.deepEqual({ ...(JSON.parse(format.stdout) as object), asOf: '' }, { ...json, asOf: '' });
  });

  it('a surplus series: a table, --json (= --format json) and --format csv', async () => {
    const json = await vostroOk(['surplus', '--db', db, '--windows', '1', '--json']);
    const [point, ...more] = (
      JSON.parse(json.stdout) as {
        points: { label: string; byBank: Record<string, string>; total: string }[];
      }
    ).points;
    assert.ok(point !== undefined);
    assert.deepEqual(more, [], 'one window asked for');
    assert.match(point.label, /^INR-\d+$/);
    assert.equal(
      minor(point.total),
      minor(point.byBank['sberbank'] ?? '0') + minor(point.byBank['vtb'] ?? '0'),
    );
    const table = await vostroOk(['surplus', '--db', db, '--windows', '1']);
    assert.match(table.stdout, /at the close of each window/);
    const row = table.stdout.split('\n').find((line) => line.startsWith(`│ ${point.label} `));
    assert.ok(row !== undefined, table.stdout);
    for (const amount of [point.byBank['sberbank'], point.byBank['vtb'], point.total])
      assert.ok(row.includes(` ${grouped(amount ?? '')} │`), `${amount} in ${row}`);
    assert.equal(
      (await vostroOk(['surplus', '--db', db, '--windows', '1', '--format', 'json'])).stdout,
      json.stdout,
    );
    const csv = await vostroOk(['surplus', '--db', db, '--windows', '1', '--format', 'csv']);
    assert.match(csv.stdout, /^window,at,timestamp,sberbank,vtb,total\r?\n/);
  });

  it('refuses --json with another --format, and CSV of the surplus now, with exit 2', async () => {
    const both = await vostro([
      'surplus',
      '--db',
      db,
      '--windows',
      '1',
      '--json',
      '--format',
      'csv',
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--json and --format csv ask for two different outputs/);
    assert.equal(both.stdout, '');
    const now = await vostro(['surplus', '--db', db, '--format', 'csv']);
    assert.equal(now.code, 2);
    assert.match(now.stderr, /--format csv: only a series .* has a CSV form/);
  });

  it('statement and report window take --json as --format json', async () => {
    // The same document but for the moment it was generated.
    const parsed = (text: string): unknown => ({
      ...(JSON.parse(text) as object),
      generatedAt: '',
    });
    for (const argv of [
      ['statement', '--participant', 'sbi', '--from', '2020-01-01', '--to', '2100-01-01'],
      ['report', 'window', 'INR-1'],
    ]) {
      const json = parsed((await vostroOk([...argv, '--db', db, '--json'])).stdout);
      const format = (await vostroOk([...argv, '--db', db, '--format', 'json'])).stdout;
      assert.deepEqual(json, parsed(format), argv.join(' '));
      assert.deepEqual(json, parsed((await vostroOk([...argv, '--db', db])).stdout));
      const both = await vostro([...argv, '--db', db, '--json', '--format', 'csv']);
      assert.equal(both.code, 2, argv.join(' '));
      assert.match(both.stderr, /--json and --format csv ask for two different outputs/);
    }
  });
});
