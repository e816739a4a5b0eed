// What the dashboard's browser tests share (dashboard.browser.test.ts, dashboard-pages.browser.test.ts):
// a real `vostro start` (the demo, seeded as `npm start` seeds it) on a temporary SQLite database,
// with the dashboard built; Debian's Chromium driven by playwright-core; signed-in tabs that record
// console errors and failed requests; a folder for screenshots; the axe-core accessibility check.
// Without /usr/bin/chromium the tests fail under CI=true and are skipped elsewhere
// (docs/dashboard.md says how to install it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { tempDb } from './cli.test-helper.js';

export const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing && process.env['CI'] === 'true')
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium before npm test`);
/** The `skip` option of the tests' describe: a reason outside CI without Chromium, else false. */
export const skip = missing
  ? `${CHROMIUM} is missing (apt-get install -y chromium); skipped outside CI`
  : false;

/** The navigation's pages, by URL id, with the title of their link. */
export const PAGE_TITLES: Readonly<Record<string, string>> = {
  overview: 'Overview',
  payments: 'Payments',
  settlement: 'Settlement',
  fx: 'FX',
  trades: 'Trades & documents',
  corridors: 'Corridors',
  participants: 'Participants & keys',
  audit: 'Audit log',
};

/** A signed-in tab and what it recorded. */
export interface Tab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors, page errors, failed requests and unexpected 4xx/5xx answers. */
  readonly problems: string[];
  /** The expected refusals seen, as `<path> <status>`. */
  readonly refusals: Set<string>;
  /** Every path the page asked for (without its query): API calls, scripts, chunks. */
  readonly requested: string[];
}

export interface Dashboard {
  readonly url: string;
  readonly operatorKey: string;
  /** A participant key of State Bank of India (sbi). */
  readonly participantKey: string;
  /** The folder screenshots go to (printed by `startDashboard`). */
  readonly shots: string;
  /** A /v1 call made by the test itself, with a key. */
  api(path: string, key: string, init?: RequestInit): Promise<Response>;
  /**
   * A tab at 1280×800 signed in with `key`, recording problems; an API refusal listed in
   * `expected` (a path prefix and its status) is what the page is meant to show, not a failure.
   * `bypassCSP` lets a test inject a script (axe-core) into the page.
   */
  signedIn(
    key: string,
    expected?: readonly (readonly [string, number])[],
    options?: { readonly bypassCSP?: boolean },
  ): Promise<Tab>;
  close(): Promise<void>;
}

/** Builds the dashboard, starts the demo hub and Chromium; `name` names the screenshot folder. */
export async function startDashboard(name: string): Promise<Dashboard> {
  const db = tempDb();
  const shots = join(tmpdir(), `vostro-${name}-${process.pid}-${Date.now()}`);
  let url = '';
  let stop: (signal: string) => void = () => undefined;
  const built = spawnSync(process.execPath, ['scripts/build-web.mjs'], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const io = {
    ...recordingIo(),
    waitForShutdown: () => new Promise<string>((resolve) => (stop = resolve)),
  };
  const exit = runCli(['start', '--db', db.path, '--port', '0'], io);
  for (let waited = 0; url === '' && waited < 400; waited += 1) {
    url = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(io.stdout.join(''))?.[1] ?? '';
    if (url === '') await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.notEqual(
    url,
    '',
    `no dashboard address printed: ${io.stdout.join('')}${io.stderr.join('')}`,
  );
  const api = async (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${url}/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
  const operatorKey = readFileSync(join(dirname(db.path), 'demo-operator.key'), 'utf8').trim();
  const issued = await api('/participants/sbi/keys', operatorKey, {
    method: 'POST',
    body: JSON.stringify({ label: 'dashboard test' }),
  });
  assert.equal(issued.status, 201);
  const participantKey = ((await issued.json()) as { key: string }).key;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  mkdirSync(shots, { recursive: true });
  console.log(`dashboard screenshots: ${shots}`);

  const signedIn: Dashboard['signedIn'] = async (key, expected = [], options = {}) => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      ...(options.bypassCSP === true ? { bypassCSP: true } : {}),
    });
    const page = await context.newPage();
    const problems: string[] = [];
    const refusals = new Set<string>();
    const requested: string[] = [];
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium logs every 4xx answer as "Failed to load resource"; those are checked below.
      if (message.text().startsWith('Failed to load resource')) return;
      problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('requestfailed', (request) => {
      // Leaving a page aborts its event stream and the calls still in flight (useApi aborts on
      // unmount): that is the page letting go, not a failure.
      if (request.url().includes('/v1/events/stream')) return;
      if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
      problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
    });
    page.on('response', (response) => {
      if (response.status() < 400) return;
      const path = new URL(response.url()).pathname;
      if (
        expected.some(([prefix, status]) => path.startsWith(prefix) && status === response.status())
      )
        refusals.add(`${path} ${response.status()}`);
      else problems.push(`HTTP ${response.status()} ${response.url()}`);
    });
    await page.goto(`${url}/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    return { context, page, problems, refusals, requested };
  };

  return {
    url,
    operatorKey,
    participantKey,
    shots,
    api,
    signedIn,
    async close() {
      await browser.close();
      stop('SIGTERM');
      await exit;
      db.cleanup();
    },
  };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Runs axe-core (WCAG 2 A and AA rules) on the page as it is and returns its serious and critical
 * violations, one line each. The tab must have been opened with `bypassCSP` (the page's strict
 * Content-Security-Policy refuses injected scripts).
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  const { passes, violations } = await page.evaluate<{
    passes: number;
    violations: { id: string; impact: string | null; help: string; targets: string[] }[];
  }>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((result) => ({
      passes: result.passes.length,
      violations: result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
      })),
    }))`);
  assert.ok(passes > 0, 'axe-core checked nothing');
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact ?? ''} ${violation.id}: ${violation.help} (${violation.targets.join(', ')})`,
    );
}
