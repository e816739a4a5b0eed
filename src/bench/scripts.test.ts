import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Every `npm run bench:*` script, run as package.json spells it (node flags included), answers
 * `--help` with its usage and exit status 0, and refuses an unknown option with a message and exit
 * status 2, in both cases before any of the benchmark runs.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  scripts: Record<string, string>;
};
const benchScripts = Object.entries(scripts)
  .filter(([name]) => name.startsWith('bench:'))
  .map(([name, command]) => ({ name, argv: command.split(' ') }));

function run(
  argv: readonly string[],
  ...extra: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  assert.equal(argv[0], 'node');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...argv.slice(1), ...extra], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('benchmark scripts', () => {
  test('every bench:* script runs a file in src/bench/', () => {
    assert.ok(benchScripts.length >= 5, JSON.stringify(benchScripts));
    for (const { name, argv } of benchScripts) {
      const file = argv.find((part) => part.endsWith('.ts'));
      assert.match(file ?? '', /^src\/bench\/[\w-]+\.ts$/, `${name}: ${argv.join(' ')}`);
    }
  });

  test('--help prints the usage and exits 0; an unknown option is refused with exit status 2', async () => {
    // Four scripts at a time: each is a process start through tsx, not a benchmark, but a dozen
    // at once on two busy cores took over a minute to start.
    const queue = [...benchScripts];
    const worker = async (): Promise<void> => {
      for (let script = queue.shift(); script !== undefined; script = queue.shift())
        await check(script);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  });
});

async function check({ name, argv }: { name: string; argv: string[] }): Promise<void> {
  const [help, unknown] = await Promise.all([run(argv, '--help'), run(argv, '--no-such-option')]);
  assert.equal(help.status, 0, `${name} --help: ${help.stderr}`);
  assert.equal(help.stderr, '', `${name} --help`);
  assert.ok(help.stdout.startsWith(`usage: npm run ${name}`), `${name}: ${help.stdout}`);
  // The usage is the whole output: it ends with its own last line, nothing ran after it.
  assert.match(help.stdout, /\n {2}-h, --help +this text\n$/, `${name}: ${help.stdout}`);

  assert.equal(unknown.status, 2, `${name} --no-such-option: ${unknown.stderr}`);
  assert.equal(unknown.stdout, '', `${name} --no-such-option`);
  assert.match(
    unknown.stderr,
    /^error: Unknown option '--no-such-option'/,
    `${name}: ${unknown.stderr}`,
  );
  assert.ok(unknown.stderr.includes(`usage: npm run ${name}`), name);
}
