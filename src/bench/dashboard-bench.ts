/**
 * `npm run bench:dashboard`: the dashboard's first load in a real browser. Runs `vostro start` (the
 * demo, on a fresh SQLite file in a temporary folder, port 0) as a child process, then, `--runs`
 * times, opens a new browser context in Debian's Chromium (playwright-core; a new context has an
 * empty cache), with the operator's key already in the tab's session as the sign-in leaves it, and
 * times from the start of navigation to the overview's monthly chart drawn (uPlot's canvas in the
 * page) and to the page's `load` event. Prints the median and the slowest, and the JavaScript and
 * CSS the first page fetched (bytes as served: the hub serves the files uncompressed, as built;
 * `npm run build` prints their gzip sizes). Everything is on 127.0.0.1; the hub stops when the runs
 * are done.
 *
 *   npm run bench:dashboard -- [--runs 10] [--json]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { benchOptions, integerOption, parseBenchArgs } from './options.js';
import { CLI_MAIN } from './serve-child.js';

const USAGE = `
usage: npm run bench:dashboard -- [options]

  --runs <n>          first loads to time, 1 to 100 (default 10)
  --json              print the result as JSON
  -h, --help          this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    runs: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  });
  return { runs: integerOption('runs', values.runs, 1, 100), json: values.json };
});

const CHROMIUM = '/usr/bin/chromium';
/** The name under which the dashboard keeps the signed-in key (web/src/api.ts). */
const KEY_ITEM = 'vostro.apiKey';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`${CHROMIUM} is missing: apt-get install -y chromium\n`);
    process.exit(1);
  }
  const folder = mkdtempSync(join(tmpdir(), 'vostro-bench-dashboard-'));
  const db = join(folder, 'demo.db');
  const child = spawn(
    process.execPath,
    [...process.execArgv, CLI_MAIN, 'start', '--db', db, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`vostro start exited with ${code}: ${output}`)));
    });
    const key = readFileSync(join(folder, 'demo-operator.key'), 'utf8').trim();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const chartMs: number[] = [];
    const loadMs: number[] = [];
    let shipped = { js: 0, css: 0 };
    try {
      for (let run = 0; run < options.runs; run += 1) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        await context.addInitScript(([name, value]) => sessionStorage.setItem(name, value), [
          KEY_ITEM,
          key,
        ] as const);
        const page = await context.newPage();
        const bytes = { js: 0, css: 0 };
        page.on('response', (response) => {
          const path = new URL(response.url()).pathname;
          const kind = path.endsWith('.js') ? 'js' : path.endsWith('.css') ? 'css' : undefined;
          if (kind === undefined) return;
          void response
            .headerValue('content-length')
            .then((length) => (bytes[kind] += Number(length ?? 0)));
        });
        const started = performance.now();
        await page.goto(`${url}/#/overview`, { waitUntil: 'commit' });
        await page.locator('.uplot canvas').first().waitFor();
        chartMs.push(performance.now() - started);
        await page.waitForLoadState('load');
        loadMs.push(performance.now() - started);
        shipped = bytes;
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const result = {
      scenario: 'first load of the overview, cold cache, to the monthly chart drawn',
      runs: options.runs,
      chartMsMedian: Math.round(median(chartMs)),
      chartMsMax: Math.round(Math.max(...chartMs)),
      loadMsMedian: Math.round(median(loadMs)),
      javascriptBytes: shipped.js,
      cssBytes: shipped.css,
    };
    process.stdout.write(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : `${JSON.stringify(result)}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
