/**
 * `npm run bench:payments-page`: whether the dashboard's Payments page stays responsive while
 * payments arrive at a thousand a second. Seeds the demo with `vostro start` on a fresh SQLite file
 * in a temporary folder, then runs `vostro serve` on it (127.0.0.1, port 0) as a child process,
 * opens the Payments page in Debian's Chromium (playwright-core) with the operator's key, waits for
 * the live feed, then posts payments from Tata Steel to Chambal (two customers of SBI: one leg and
 * one `transfer.created` event each) at `--rate` a second for `--seconds`: by default as payment
 * transfers (code 1) in `POST /v1/transfers/batch` requests of `--batch` each, ten requests a
 * second at the default rate; with `--batch 0` one `POST /v1/payments` each (the payments service
 * writes one transaction per payment, so on SQLite that path tops out at a few hundred a second).
 * Meanwhile it clicks, every 250 ms, alternately the newest row's link (the payment's story opens
 * above the feed) and "Back to the list".
 *
 * Measured in the page: long tasks (PerformanceObserver 'longtask': main-thread tasks over 50 ms)
 * while the payments arrive, and each click's latency from the input event's timestamp to the
 * frame after its handlers (requestAnimationFrame, then a task: the next paint). Printed: payments
 * acknowledged and the rate reached, events received by the page and rows rendered, long tasks
 * (count, total, p50, p99, longest) and click latency (p50, p99, longest). No pass or fail: the
 * figures go to docs/benchmarks.md with the load average beside them.
 *
 *   npm run bench:payments-page -- [--rate 1000] [--seconds 10] [--batch 100] [--json]
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
  --batch <n>         payments per POST /v1/transfers/batch, 0 to 1000; 0: one
                      POST /v1/payments each (default 100)
  --json              print the result as JSON
  -h, --help          this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
  });
  return {
    rate: integerOption('rate', values.rate, 1, 5000),
    seconds: integerOption('seconds', values.seconds, 1, 20),
    batch: integerOption('batch', values.batch, 0, 1000),
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

/**
 * `vostro start` seeds the demo into `folder` and is stopped; then `vostro serve` runs on it (log
 * level warn: the demo's server logs every request at info, which would be most of what it did).
 */
async function startHub(folder: string) {
  const db = join(folder, 'demo.db');
  const seeding = await startChild(['start', '--db', db, '--port', '0'], 'ignore');
  seeding.child.kill('SIGTERM');
  await new Promise((resolve) => seeding.child.once('exit', resolve));
  return startChild(['serve', '--db', db, '--port', '0', '--log-level', 'warn'], 'inherit');
}

async function startChild(args: readonly string[], stderr: 'ignore' | 'inherit') {
  const child = spawn(process.execPath, [...process.execArgv, CLI_MAIN, ...args], {
    stdio: ['ignore', 'pipe', stderr],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) =>
      reject(new Error(`vostro ${args[0] ?? ''} exited with ${code}: ${output}`)),
    );
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
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const payment = (index: number) => ({
    id: randomUUID(),
    payer,
    payee,
    amount: '0.01',
    reference: `bench ${index}`,
  });
  /** Sends `count` payments (one request); counts those acknowledged. */
  const one = async (first: number, count: number) => {
    inFlight += 1;
    try {
      if (options.batch === 0) {
        const response = await fetch(`${url}/v1/payments`, {
          method: 'POST',
          headers,
          body: JSON.stringify(payment(first)),
        });
        await response.arrayBuffer();
        if (response.status === 201) acknowledged += 1;
        else failed += 1;
        return;
      }
      const transfers = Array.from({ length: count }, (_, index) => {
        const { id, reference } = payment(first + index);
        return {
          id,
          debitAccountId: payer,
          creditAccountId: payee,
          amount: '0.01',
          currency: 'INR',
          code: 1,
          reference,
        };
      });
      const response = await fetch(`${url}/v1/transfers/batch`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ transfers }),
      });
      const body = (await response.json()) as { created?: number };
      const created = response.status === 200 ? (body.created ?? 0) : 0;
      acknowledged += created;
      failed += count - created;
    } catch {
      failed += count;
    } finally {
      inFlight -= 1;
    }
  };
  const pending: Promise<void>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
    const size = Math.max(1, options.batch);
    while (due - sent >= Math.min(size, total - sent) && inFlight < IN_FLIGHT_MAX) {
      const count = Math.min(size, total - sent);
      pending.push(one(sent, count));
      sent += count;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(pending);
  return { acknowledged, failed, seconds: (performance.now() - started) / 1000 };
}

/**
 * Clicks, with the mouse (real input events), the newest row's story link and "Back to the list"
 * in turn until `done`. Rows move as events arrive: the click lands on whatever row is there.
 */
async function clickWhile(page: Page, done: () => boolean): Promise<number> {
  let clicks = 0;
  while (!done()) {
    // CSS selectors only: a role query computes the page's accessibility tree, in the page.
    const back = page.locator('[data-testid=story-back]');
    const target =
      (await back.count()) > 0 ? back : page.locator('[data-testid=payments] tbody tr a').first();
    await target.scrollIntoViewIfNeeded({ timeout: 5000 }).catch(() => undefined);
    const box = await target.boundingBox();
    if (box !== null) {
      await page.mouse.click(box.x + Math.min(20, box.width / 2), box.y + box.height / 2);
      clicks += 1;
    }
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
        scenario: `Payments page open (operator) while ${options.rate} payments/s are posted for ${options.seconds} s, ${options.batch === 0 ? 'one POST /v1/payments each' : `${options.batch} per POST /v1/transfers/batch`}`,
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
