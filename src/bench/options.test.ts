import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { choiceOption, integerOption, parseBenchArgs, UsageError } from './options.js';

test('benchmark options: strict parsing, whole numbers in range, known choices', () => {
  const values = parseBenchArgs(['--quotes', '500', '--json'], {
    quotes: { type: 'string', default: '20000' },
    json: { type: 'boolean', default: false },
  });
  assert.equal(values.quotes, '500');
  assert.equal(values.json, true);
  assert.throws(
    () => parseBenchArgs(['--qoutes', '5'], { quotes: { type: 'string' } }),
    (error: unknown) => error instanceof UsageError && /qoutes/.test(error.message),
  );
  assert.throws(() => parseBenchArgs(['--quotes'], { quotes: { type: 'string' } }), UsageError);
  assert.throws(() => parseBenchArgs(['extra'], { quotes: { type: 'string' } }), UsageError);

  assert.equal(integerOption('banks', '100', 2, 1000), 100);
  assert.equal(integerOption('transfers', '1_000_000', 1, 5_000_000), 1_000_000);
  for (const bad of ['abc', '', '1.5', '-3', '1e3', '1', '1001', undefined]) {
    assert.throws(
      () => integerOption('banks', bad, 2, 1000),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message.startsWith('--banks must be a whole number from 2 to 1,000'),
      String(bad),
    );
  }
  assert.equal(choiceOption('scenario', 'pvp', ['netting', 'pvp', 'all']), 'pvp');
  assert.throws(
    () => choiceOption('scenario', 'nett', ['netting', 'pvp', 'all']),
    /--scenario must be one of netting, pvp, all, got "nett"/,
  );
});

test('a benchmark script refuses a bad option with exit status 2 and its usage, and runs nothing', () => {
  const script = fileURLToPath(new URL('./settlement-bench.ts', import.meta.url));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  const bad = run('--scenario', 'pvp', '--callers', 'many');
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /^error: --callers must be a whole number from 1 to 1,024, got "many"/);
  assert.match(bad.stderr, /usage: npm run bench:settlement/);
  assert.doesNotMatch(bad.stderr, /pvp:/);
  const unknown = run('--sceanrio', 'pvp');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Unknown option '--sceanrio'/);
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--quotes <n>/);
});
