// The web dashboard in a real browser: Debian's Chromium driven by playwright-core against a real
// `vostro start` (the demo, seeded as `npm start` seeds it) on a temporary SQLite database. Every
// page loads without a console error or a failed request, each role sees what the API lets it
// see, an operator closes and settles a window from the Settlement page, and a screenshot of each
// page at 1280×800 is written to the folder the test prints. Without /usr/bin/chromium the test
// fails under CI=true and is skipped elsewhere (docs/dashboard.md says how to install it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { tempDb } from './cli.test-helper.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing && process.env['CI'] === 'true')
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium before npm test`);
const skip = missing
  ? `${CHROMIUM} is missing (apt-get install -y chromium); skipped outside CI`
  : false;

const PAGES = [
  'overview',
  'payments',
  'settlement',
  'fx',
  'trades',
  'corridors',
  'participants',
  'audit',
];
/** Until the analytics branch lands, the overview's call to it is answered 404 (and says so). */
const ANALYTICS = '/v1/analytics/trade';

describe('the web dashboard in Chromium', { skip }, () => {
  const db = tempDb();
  const shots = join(tmpdir(), `vostro-dashboard-${process.pid}-${Date.now()}`);
  let url = '';
  let operatorKey = '';
  let participantKey = '';
  let stop: (signal: string) => void = () => undefined;
  let exit: Promise<number> | undefined;
  let browser: Browser | undefined;

  const api = async (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${url}/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });

  before(async () => {
    const built = spawnSync(process.execPath, ['scripts/build-web.mjs'], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const io = {
      ...recordingIo(),
      waitForShutdown: () => new Promise<string>((resolve) => (stop = resolve)),
    };
    exit = runCli(['start', '--db', db.path, '--port', '0'], io);
    for (let waited = 0; url === '' && waited < 400; waited += 1) {
      url = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(io.stdout.join(''))?.[1] ?? '';
      if (url === '') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.notEqual(
      url,
      '',
      `no dashboard address printed: ${io.stdout.join('')}${io.stderr.join('')}`,
    );
    operatorKey = readFileSync(join(dirname(db.path), 'demo-operator.key'), 'utf8').trim();
    const issued = await api('/participants/sbi/keys', operatorKey, {
      method: 'POST',
      body: JSON.stringify({ label: 'dashboard test' }),
    });
    assert.equal(issued.status, 201);
    participantKey = ((await issued.json()) as { key: string }).key;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    mkdirSync(shots, { recursive: true });
    console.log(`dashboard screenshots: ${shots}`);
  });

  after(async () => {
    await browser?.close();
    stop('SIGTERM');
    await exit;
    db.cleanup();
  });

  /**
   * A signed-in tab that records console errors and failed requests; an API refusal listed in
   * `expected` (a path and its status) is what the page is meant to show, not a failure.
   */
  async function signedIn(key: string, expected: readonly [string, number][] = []) {
    assert.ok(browser !== undefined);
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 1280, height: 800 },
    });
    const page: Page = await context.newPage();
    const problems: string[] = [];
    const refusals = new Set<string>();
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium logs every 4xx answer as "Failed to load resource"; those are checked below.
      if (message.text().startsWith('Failed to load resource')) return;
      problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => {
      // Leaving a page aborts its event stream: that is the page letting go, not a failure.
      if (request.url().includes('/v1/events/stream')) return;
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
    return { context, page, problems, refusals };
  }

  it('serves the page with a strict Content-Security-Policy and keeps the key out of URLs and cookies', async () => {
    const response = await fetch(`${url}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const { context, page, problems } = await signedIn(operatorKey, [[ANALYTICS, 404]]);
    assert.deepEqual(await context.cookies(), []);
    assert.ok(!page.url().includes(operatorKey.slice(8)));
    assert.equal(await page.evaluate('sessionStorage.length'), 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('an operator sees every page with no console error and no failed request; screenshots of each', async () => {
    const { context, page, problems, refusals } = await signedIn(operatorKey, [[ANALYTICS, 404]]);
    for (const name of PAGES) {
      await page.getByRole('link', { name: new RegExp(`^${PAGES_TITLES[name]}`) }).click();
      assert.equal(new URL(page.url()).hash, `#/${name}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (name === 'overview') {
        await page.getByText(/Rupee surplus of Russian banks/).waitFor();
        await page
          .getByText(/analytics are not available on this hub|Monthly trade by direction/)
          .waitFor();
      }
      if (name === 'payments') await page.getByText('● live').waitFor();
      if (name === 'settlement') await page.getByTestId('windows').waitFor();
      if (name === 'corridors') await page.getByTestId('comparison').waitFor();
      await page.screenshot({ path: join(shots, `${name}.png`) });
    }
    // The surplus is exact and grouped the Indian way: ₹14,78,39,850.00 for the demo.
    await page.goto(`${url}/#/overview`);
    await page.getByText('₹14,78,39,850.00').first().waitFor();
    assert.deepEqual(problems, []);
    assert.ok(
      [...refusals].every((refusal) => refusal.startsWith(ANALYTICS)),
      [...refusals].join(),
    );
    await context.close();
  });

  it('a participant key sees only its own payments, also when it edits the URL, and is told what its role may not see', async () => {
    // What the operator sees that SBI's key may not: transfers none of whose parties is SBI.
    const all = (await (
      await api('/events?limit=500&types=transfer.created', operatorKey)
    ).json()) as {
      data: { subject: string; participants: string[] }[];
    };
    const others = all.data
      .filter((event) => !event.participants.includes('sbi'))
      .map((event) => event.subject);
    const own = all.data
      .filter((event) => event.participants.includes('sbi'))
      .map((event) => event.subject);
    assert.ok(others.length > 0 && own.length > 0);
    const { context, page, problems, refusals } = await signedIn(participantKey, [
      [ANALYTICS, 404],
      ['/v1/surplus', 403],
      ['/v1/windows', 403],
      ['/v1/transfers/', 404],
    ]);
    await page.getByTestId('surplus-message').waitFor();
    assert.match(
      (await page.getByTestId('surplus-message').textContent()) ?? '',
      /may not see the rupee surplus/,
    );
    await page.goto(`${url}/#/payments`);
    await page.getByText('● live').waitFor();
    const shown = (await page.getByTestId('payments').textContent()) ?? '';
    assert.ok(
      own.some((id) => shown.includes(id)),
      'its own payments are listed',
    );
    for (const id of others)
      assert.ok(!shown.includes(id), `another's transfer ${id} is not listed`);
    await page.goto(`${url}/#/payments/${others[0]}`);
    await page.getByTestId('transfer-message').waitFor();
    assert.match(
      (await page.getByTestId('transfer-message').textContent()) ?? '',
      /not visible to your key/,
    );
    assert.equal(await page.getByTestId('transfer-detail').count(), 0);
    await page.goto(`${url}/#/payments/${own[0]}`);
    await page.getByTestId('transfer-detail').waitFor();
    await page.goto(`${url}/#/settlement`);
    await page.getByTestId('windows-message').waitFor();
    await page.screenshot({ path: join(shots, 'settlement-participant.png') });
    assert.deepEqual(problems, []);
    assert.ok(refusals.has(`/v1/transfers/${others[0]} 404`));
    await context.close();
  });

  it('an operator closes and settles the open rupee window from the Settlement page, after confirming', async () => {
    const { context, page, problems } = await signedIn(operatorKey, [[ANALYTICS, 404]]);
    const windows = async () =>
      (
        (await (await api('/windows?currency=INR', operatorKey)).json()) as {
          data: { id: string; status: string }[];
        }
      ).data;
    const open = (await windows()).find((window) => window.status === 'open');
    assert.ok(open !== undefined);
    await page.goto(`${url}/#/settlement`);
    await page.getByRole('button', { name: `Close ${open.id}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(
      (await windows()).find((window) => window.id === open.id)?.status,
      'open',
      'cancel changes nothing',
    );
    await page.getByRole('button', { name: `Close ${open.id}` }).click();
    await dialog.getByRole('button', { name: 'Close window' }).click();
    await page.getByText(`${open.id} closed.`).waitFor();
    assert.equal((await windows()).find((window) => window.id === open.id)?.status, 'closed');
    await page.getByRole('button', { name: `Settle ${open.id}` }).click();
    await dialog.getByRole('button', { name: 'Settle window' }).click();
    await page.getByText(`${open.id} settled.`).waitFor();
    assert.equal((await windows()).find((window) => window.id === open.id)?.status, 'settled');
    await page.screenshot({ path: join(shots, 'settlement-settled.png') });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('works on a narrow screen and in the dark theme', async () => {
    const { context, page, problems } = await signedIn(operatorKey, [[ANALYTICS, 404]]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.goto(`${url}/#/payments`);
    await page.getByText('● live').waitFor();
    await page.screenshot({ path: join(shots, 'payments-narrow-dark.png'), fullPage: true });
    // Still signed in after a reload (the tab's session storage); the keyboard's first stop is
    // the skip link.
    await page.reload();
    await page.getByText('● live').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

const PAGES_TITLES: Record<string, string> = {
  overview: 'Overview',
  payments: 'Payments',
  settlement: 'Settlement',
  fx: 'FX',
  trades: 'Trades & documents',
  corridors: 'Corridors',
  participants: 'Participants & keys',
  audit: 'Audit log',
};
