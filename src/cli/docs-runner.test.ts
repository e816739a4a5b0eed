import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// scripts/run-docs.mjs (`npm run test:docs`) runs the shell blocks of README.md and docs/*.md.
// These tests hold it to its conventions on small documents of their own: what passes, and that
// each kind of disagreement between a document and what its commands do fails, naming the line.
// `npx vostro` runs the sources through tsx here, so no build is needed.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = join(ROOT, 'scripts', 'run-docs.mjs');
const CLI = `node --import tsx '${join(ROOT, 'src', 'cli', 'main.ts')}'`;
const FENCE = '```';

const dir = mkdtempSync(join(tmpdir(), 'vostro-docs-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly output: string;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let count = 0;
/** Writes `lines` as a Markdown document and runs the runner on it. */
async function runDoc(lines: readonly string[]): Promise<Run & { readonly file: string }> {
  const file = join(dir, `doc-${++count}.md`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const child = spawn(process.execPath, [RUNNER, '--jobs', '1', '--cli', CLI, file], {
    cwd: ROOT,
    env: { ...process.env, VOSTRO_DB: join(dir, 'never-used.db') },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, output, file };
}

describe('scripts/run-docs.mjs', () => {
  it('runs sh and console blocks in one session on a fresh directory, and a server until Ctrl-C', async () => {
    const run = await runDoc([
      '# A document',
      '',
      `${FENCE}sh`,
      '# a comment line is not a command',
      'npm ci && GREETING=hello    # npm ci is not run; the rest is',
      'test -z "$VOSTRO_DB"   # the caller\'s VOSTRO_DB is removed',
      'export VOSTRO_DB=.vostro/doc.db',
      'npx vostro init',
      FENCE,
      '',
      'Some prose.',
      '',
      `${FENCE}console`,
      `$ printf '%s world\\nsecond line\\nthird line\\n' "$GREETING"`,
      'hello …',
      '…',
      'third line',
      '$ npx vostro balance 0193a1f0-0000-7000-8000-000000000001   # no such account: exit 1',
      'error: …',
      FENCE,
      '',
      '<!-- docs-test: skip reason="it would take too long" -->',
      `${FENCE}sh`,
      'false',
      FENCE,
      '',
      `${FENCE}console`,
      '$ npx vostro serve --port 8080 --db .vostro/served.db',
      'vostro serving http://127.0.0.1:8080 on …served.db',
      '$ curl -s http://127.0.0.1:8080/healthz',
      '{"status":"ok"}',
      FENCE,
      '',
      'Press Ctrl-C in the first terminal.',
      '',
      '<!-- docs-test: stop-server -->',
      `${FENCE}console`,
      '$ npx vostro verify --db .vostro/served.db   # the server has let go of the database',
      '…',
      'ok: the hash chain is intact…',
      FENCE,
    ]);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /not run .*:5 {2}npm ci: the runner uses this checkout/);
    assert.match(run.output, /ok .*:18 {2}npx vostro balance .*\(exit 1, as the doc says\)/);
    assert.match(run.output, /skip .*:23 ```sh: it would take too long/);
    assert.match(
      run.output,
      /ok .*:28 {2}npx vostro serve --port \d+ --db \.vostro\/served\.db {2}\(in the background/,
    );
    assert.doesNotMatch(run.output, /--port 8080/);
    assert.match(run.output, /Ctrl-C stops `npx vostro serve --port \d+ .*`: exit 0/);
    assert.match(
      run.output,
      /1 documents, 4 blocks run, 10 commands passed, 1 blocks skipped, 0 failed/,
    );
  });

  it('fails on output the document does not show, naming the line and the missing text', async () => {
    const run = await runDoc([
      `${FENCE}console`,
      '$ echo one; echo two',
      'two',
      'one',
      '$ echo never run',
      FENCE,
    ]);
    assert.equal(run.code, 1, run.output);
    assert.match(
      run.output,
      new RegExp(`FAILED ${escape(run.file)}:2: echo one; echo two\\n +the output lacks: one`),
    );
    assert.doesNotMatch(run.output, /never run/);
  });

  it('fails on an exit code other than the one the document states', async () => {
    const failing = await runDoc([
      `${FENCE}sh`,
      'true',
      'ls no-such-file',
      'echo never run',
      FENCE,
    ]);
    assert.equal(failing.code, 1, failing.output);
    assert.match(
      failing.output,
      new RegExp(`FAILED ${escape(failing.file)}:3: ls no-such-file\\n +exit 2, expected 0`),
    );
    assert.doesNotMatch(failing.output, /never run/);

    const refused = await runDoc([`${FENCE}sh`, 'true    # refused: exit 1', FENCE]);
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.output, /exit 0, expected 1/);
  });

  it('fails when the document stops a server it never started', async () => {
    const run = await runDoc(['<!-- docs-test: stop-server -->', `${FENCE}sh`, 'true', FENCE]);
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /no server is running/);
  });

  it('refuses malformed documents before running anything (exit 2)', async () => {
    const cases: [readonly string[], RegExp][] = [
      [[FENCE, 'npx vostro init', FENCE], /:1: an untagged block that looks like shell commands/],
      [['<!-- docs-test: skip -->', `${FENCE}sh`, 'true', FENCE], /:1: skip needs reason=/],
      [['<!-- docs-test: later -->'], /unknown marker docs-test: later/],
      [[`${FENCE}sh`, 'echo "never closed', FENCE], /:2: the command never ends/],
      [[`${FENCE}sh`, 'echo fine', 'if then fi', FENCE], /:3: not valid shell/],
      [[`${FENCE}console`, 'output before any command', FENCE], /:2: a console block starts with/],
      [[`${FENCE}sh`, 'true'], /:1: the block is never closed/],
    ];
    for (const [lines, message] of cases) {
      const run = await runDoc(lines);
      assert.equal(run.code, 2, run.output);
      assert.match(run.output, message);
    }
  });
});
