import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { vostro } from './commands/cli.test-helper.js';

const PACKAGE = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

describe('the vostro command line', () => {
  it('--version (and -V) prints the version of package.json and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await vostro([flag]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${PACKAGE.version}\n`);
    }
  });

  it('a mistyped option is reported as unknown, with the nearest valid one, not as the required option it misses', async () => {
    const payment = await vostro([
      'payment',
      'create',
      '--amont',
      '5',
      '--from',
      '0190a5b2-0000-7000-8000-000000000001',
      '--to',
      '0190a5b2-0000-7000-8000-000000000002',
    ]);
    assert.equal(payment.code, 2);
    assert.match(payment.stderr, /^error: unknown option '--amont'\n\(Did you mean --amount\?\)/);
    assert.doesNotMatch(payment.stderr, /required option/);
    assert.equal(payment.stdout, '');
    // The default subcommand (`transfer` is `transfer create`) and an option of another command.
    const transfer = await vostro(['transfer', '--debit', 'a', '--credit', 'b', '--amout', '1']);
    assert.equal(transfer.code, 2);
    assert.match(transfer.stderr, /^error: unknown option '--amout'\n\(Did you mean --amount\?\)/);
    const balance = await vostro(['balance', '--jsn', 'x']);
    assert.equal(balance.code, 2);
    assert.match(balance.stderr, /^error: unknown option '--jsn'\n\(Did you mean --json\?\)/);
  });

  it('a required option still missing, with every option known, is named as missing', async () => {
    const run = await vostro(['payment', 'create', '--from', 'a', '--to', 'b']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: required option '--amount <amount>' not specified/);
    const cap = await vostro(['cap', 'show', '--currency', 'INR']);
    assert.equal(cap.code, 2);
    assert.match(cap.stderr, /^error: required option '--participant <id>' not specified/);
  });

  it('excess arguments are refused, and --help still wins over a missing option', async () => {
    const extra = await vostro(['account', 'list', 'everything']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /too many arguments for 'list'/);
    const help = await vostro(['payment', 'create', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: vostro payment create/);
  });
});
