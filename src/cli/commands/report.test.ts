import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

/** The demo of `vostro start`: Russian banks' rupee vostro accounts and a settled INR-1 window. */
describe('vostro surplus, statement and report: a table for people, --json for scripts', () => {
  const { path: db, cleanup } = tempDb();
  before(async () => {
    await vostroOk(['start', '--db', db]);
  });
  after(cleanup);

  it('surplus prints a table by default, amounts grouped, and JSON with --json or --format json', async () => {
    const table = await vostroOk(['surplus', '--db', db]);
    assert.match(table.stdout, /^INR surplus of Russian banks' vostro accounts as of /);
    assert.match(table.stdout, /│ bank +│ name +│ +surplus │ invested │/);
    // 30,914,850.00 from the settled window, and 78,750,000.00 of the demo's documentary credit
    // paid on presentation into Sberbank's vostro account (src/cli/demo-trades.ts).
    assert.match(table.stdout, /│ sberbank │ Sberbank │ +109,664,850\.00 │/);
    assert.throws(() => JSON.parse(table.stdout) as unknown);
    const json = await vostroJson<{ currency: string; total: string; banks: { bank: string }[] }>([
      'surplus',
      '--db',
      db,
    ]);
    assert.equal(json.currency, 'INR');
    // VTB's 29,725,000.00 from the window, and 8,450,000.00 of the demo's pacs.008 (demo-iso.ts).
    assert.equal(json.total, '147839850.00', 'JSON keeps exact, ungrouped decimals');
    assert.deepEqual(
      json.banks.map((bank) => bank.bank),
      ['sberbank', 'vtb'],
    );
    // --format json is the same output (but for the time of the reading).
    const format = await vostroOk(['surplus', '--db', db, '--format', 'json']);
    assert.deepEqual({ ...(JSON.parse(format.stdout) as object), asOf: '' }, { ...json, asOf: '' });
  });

  it('a surplus series: a table, --json (= --format json) and --format csv', async () => {
    const table = await vostroOk(['surplus', '--db', db, '--windows', '1']);
    assert.match(table.stdout, /at the close of each window/);
    assert.match(
      table.stdout,
      /│ INR-1 +│ .* │ 30,914,850\.00 │ 29,725,000\.00 │ 60,639,850\.00 │/,
    );
    const json = await vostroOk(['surplus', '--db', db, '--windows', '1', '--json']);
    assert.equal(
      (await vostroOk(['surplus', '--db', db, '--windows', '1', '--format', 'json'])).stdout,
      json.stdout,
    );
    assert.equal(
      (JSON.parse(json.stdout) as { points: { total: string }[] }).points[0]?.total,
      '60639850.00',
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
