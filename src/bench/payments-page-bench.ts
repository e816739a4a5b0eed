/**
 * `npm run bench:payments-page`: whether the dashboard's Payments page stays responsive while
 * payments arrive at a thousand a second. Runs `vostro start` (the demo on a fresh SQLite file in
 * a temporary folder, 127.0.0.1, port 0: `vostro serve` with the demo's participants, accounts and
 * caps) as a child process, opens the Payments page in Debian's Chromium (playwright-core) with the
 * operator's key, waits for the live feed, then posts payments (`POST /v1/payments`, Tata Steel to
 * Chambal: two customers of SBI, so one leg and one `transfer.created` event each) at `--rate` a
 * second for `--seconds`, while it clicks, every 250 ms, alternately the newest row's link (the
 * payment's story opens above the feed) and "Back to the list".
 *
 * Measured in the page: long tasks (PerformanceObserver 'longtask': main-thread tasks over 50 ms)
 * while the payments arrive, and each click's latency from the input event's timestamp to the
 * frame after its handlers (requestAnimationFrame, then a task: the next paint). Printed: payments
 * acknowledged and the rate reached, events received by the page and rows rendered, long tasks
 * (count, total, p50, p99, longest) and click latency (p50, p99, longest). No pass or fail: the
 * figures go to docs/benchmarks.md with the load average beside them.
 *
 *   npm run bench:payments-page -- [--rate 1000] [--seconds 10] [--json]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { participantAccountId } from '../participants/accounts.js';
import { benchOptions, integerOption, parseBenchArgs } from './options.js';
import { CLI_MAIN } from './serve-child.js';

const USAGE = `
usage: npm run bench:payments-page -- [options]

  --rate <n>          payments posted per second, 1 to 5000 (default 1000)
  --seconds <n>       how long they are posted, 1 to 20 (default 10)
  --json              print the result as JSON
  -h, --help          this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  });
  return {
    rate: integerOption('rate', values.rate, 1, 5000),
    seconds: integerOption('seconds', values.seconds, 1, 20),
    json: values.json,
  };
});

const CHROMIUM = '/usr/bin/chromium';
/** The name under which the dashboard keeps the signed-in key (web/src/api.ts). */
const KEY_ITEM = 'vostro.apiKey';
/** Requests in flight at most. */
const IN_FLIGHT_MAX = 64;

/** Installed before the page's own scripts: long tasks and click-to-next-frame latencies. */
const PROBE = `
  window.__bench = { longTasks: [], clicks: [], measuring: false };
  new PerformanceObserver((list) => {
    if (!window.__bench.measuring) return;
    for (const entry of list.getEntries()) window.__bench.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: false });
  addEventListener('click', (event) => {
    const at = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.__bench.clicks.push(performance.now() - at), 0));
  }, true);
`;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const round = (value: number): number => Math.round(value * 10) / 10;

async function startHub(folder: string) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, CLI_MAIN, 'start', '--db', join(folder, 'demo.db'), '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`vostro start exited with ${code}: ${output}`)));
  });
  return { child, url };
}

/** Posts payments at `rate` a second for `seconds`; resolves with how many were acknowledged. */
async function postPayments(
  url: string,
  key: string,
): Promise<{ acknowledged: number; failed: number; seconds: number }> {
  const payer = participantAccountId('tata-steel', 'INR', 'customer');
  const payee = participantAccountId('chambal', 'INR', 'customer');
  let acknowledged = 0;
  let failed = 0;
  let inFlight = 0;
  let sent = 0;
  const total = options.rate * options.seconds;
  const started = performance.now();
  const one = async () => {
    inFlight += 1;
    try {
      const response = await fetch(`${url}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: randomUUID(),
          payer,
          payee,
          amount: '0.01',
          reference: `bench ${sent}`,
        }),
      });
      await response.arrayBuffer();
      if (response.status === 201) acknowledged += 1;
      else failed += 1;
    } catch {
      failed += 1;
    } finally {
      inFlight -= 1;
    }
  };
  const pending: Promise<void>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
    while (sent < due && inFlight < IN_FLIGHT_MAX) {
      sent += 1;
      pending.push(one());
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(pending);
  return { acknowledged, failed, seconds: (performance.now() - started) / 1000 };
}

/** Clicks the newest row's story link and "Back to the list" in turn until `done`. */
async function clickWhile(page: Page, done: () => boolean): Promise<number> {
  let clicks = 0;
  while (!done()) {
    const back = page.getByRole('link', { name: 'Back to the list' });
    if ((await back.count()) > 0) await back.click({ timeout: 5000 });
    else
      await page
        .getByTestId('payments')
        .locator('tbody tr a')
        .first()
        .click({ timeout: 5000, force: true });
    clicks += 1;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return clicks;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`${CHROMIUM} is missing: apt-get install -y chromium\n`);
    process.exit(1);
  }
  const folder = mkdtempSync(join(tmpdir(), 'vostro-bench-payments-page-'));
  const { child, url } = await startHub(folder);
  try {
    const key = readFileSync(join(folder, 'demo-operator.key'), 'utf8').trim();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(([name, value]) => sessionStorage.setItem(name, value), [
        KEY_ITEM,
        key,
      ] as const);
      await context.addInitScript(PROBE);
      const page = await context.newPage();
      await page.goto(`${url}/#/payments`);
      await page.getByTestId('live').getByText('● live').waitFor();
      await page.evaluate('window.__bench.measuring = true');
      let posting = true;
      const posted = postPayments(url, key).finally(() => (posting = false));
      const clicks = await clickWhile(page, () => !posting);
      const load = await posted;
      // Let the last events arrive and the last frame render.
      await page.waitForTimeout(1000);
      const measured = await page.evaluate<{
        longTasks: number[];
        clicks: number[];
        received: number;
        rows: number;
      }>(`({
        longTasks: window.__bench.longTasks,
        clicks: window.__bench.clicks,
        received: Number(document.querySelector('[data-testid=received]')?.textContent ?? 'NaN'),
        rows: document.querySelectorAll('[data-testid=payments] tbody tr').length,
      })`);
      const result = {
        scenario: `Payments page open (operator) while ${options.rate} payments/s are posted for ${options.seconds} s`,
        paymentsAcknowledged: load.acknowledged,
        paymentsFailed: load.failed,
        paymentsPerSecond: Math.round(load.acknowledged / load.seconds),
        eventsReceivedByPage: measured.received,
        rowsRendered: measured.rows,
        longTasks: measured.longTasks.length,
        longTaskMsTotal: round(measured.longTasks.reduce((sum, value) => sum + value, 0)),
        longTaskMsP50: round(percentile(measured.longTasks, 50)),
        longTaskMsP99: round(percentile(measured.longTasks, 99)),
        longTaskMsMax: round(Math.max(0, ...measured.longTasks)),
        clicks,
        clickToPaintMsP50: round(percentile(measured.clicks, 50)),
        clickToPaintMsP99: round(percentile(measured.clicks, 99)),
        clickToPaintMsMax: round(Math.max(0, ...measured.clicks)),
        loadAverage: loadavg().map((value) => round(value)),
      };
      process.stdout.write(
        options.json ? `${JSON.stringify(result, null, 2)}\n` : `${JSON.stringify(result)}\n`,
      );
      await context.close();
    } finally {
      await browser.close();
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
