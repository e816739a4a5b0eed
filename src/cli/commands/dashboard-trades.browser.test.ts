// The dashboard's Trades & documents page in a real browser: Debian's Chromium driven by
// playwright-core against a real `vostro start` (the demo: two fertiliser trades from Russia to
// India under documentary credits, one discrepant, and a line-pipe export from India to Russia) on
// a temporary SQLite database, as in dashboard.browser.test.ts. Trades by state as the API answers
// them to each key; a trade's documents with every check of the hub's verification; a document
// file verified in the browser, offline, by the hub's own verifier in a chunk only this page
// loads, the file never sent to the hub; screenshots at 1280×800 in the folder the test prints.
// Without /usr/bin/chromium the test fails under CI=true and is skipped elsewhere.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  accessibilityProblems,
  skip,
  startDashboard,
  type Dashboard,
} from './dashboard.test-helper.js';

/** The verifier's own chunk (web/src/verify/offline.ts). */
const OFFLINE_CHUNK = /\/assets\/offline-[A-Z0-9]{8}\.js$/;

interface TradeView {
  id: string;
  status: string;
  exporter: string;
  importer: string;
}

interface Check {
  name: string;
  status: string;
  reason: string;
}

interface DocumentView {
  hash: string;
  type: string;
  document: { content: Record<string, unknown>; hash: string; signature: unknown };
  report: { valid: boolean; checks: Check[] };
}

describe('the Trades & documents page in Chromium', { skip }, () => {
  let dashboard: Dashboard;
  let operatorKey = '';
  let tataKey = '';
  let shots = '';
  let trades: TradeView[] = [];

  const json = async <T>(path: string, key = operatorKey): Promise<T> => {
    const response = await dashboard.api(path, key);
    const text = await response.text();
    assert.equal(response.status, 200, `${path}: ${text}`);
    return JSON.parse(text) as T;
  };
  const documentsOf = async (id: string) =>
    (await json<{ data: DocumentView[] }>(`/trades/${id}/documents`)).data;
  const tradeOf = (exporter: string) => {
    const found = trades.find((trade) => trade.exporter === exporter);
    assert.ok(found !== undefined, `a demo trade of ${exporter}`);
    return found;
  };

  before(async () => {
    dashboard = await startDashboard('dashboard-trades');
    ({ operatorKey, shots } = dashboard);
    const issued = await dashboard.api('/participants/tata-steel/keys', operatorKey, {
      method: 'POST',
      body: JSON.stringify({ label: 'trades page test' }),
    });
    assert.equal(issued.status, 201);
    tataKey = ((await issued.json()) as { key: string }).key;
    trades = (await json<{ data: TradeView[] }>('/trades?limit=100')).data;
    assert.equal(trades.length, 3, 'the demo has three trades');
  });

  after(() => dashboard.close());

  /** The trades listed in the page's table, by id. */
  const listed = async (page: Page) => {
    await page.getByTestId('trades').waitFor();
    return page
      .locator('[data-testid="trades"] tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-trade')));
  };

  /** The checks a table on the page shows, as the API names them. */
  const shownChecks = (page: Page, table: string) =>
    page.locator(`${table} tbody tr`).evaluateAll((rows) =>
      rows.map((row) => ({
        name: row.getAttribute('data-check') ?? '',
        status: row.getAttribute('data-status') ?? '',
        shown: row.children[1]?.textContent ?? '',
        reason: row.children[2]?.textContent ?? '',
      })),
    );

  it('loads only on this page the verifier’s chunk; the first page stays one small script', async () => {
    const { context, page, problems, requested } = await dashboard.signedIn(operatorKey, [
      ['/v1/analytics/trade', 404],
    ]);
    await page.getByText(/Rupee surplus of Russian banks/).waitFor();
    await page.waitForLoadState('networkidle');
    const scripts = requested.filter((path) => path.endsWith('.js'));
    assert.equal(scripts.length, 1, `the first page fetches one script: ${scripts.join()}`);
    const main = await (await fetch(`${dashboard.url}${scripts[0]}`)).text();
    const gzipped = gzipSync(main).length;
    assert.ok(gzipped < 250 * 1024, `first page ${gzipped} bytes gzipped`);
    assert.ok(!requested.some((path) => OFFLINE_CHUNK.test(path)), 'no verifier on the overview');
    assert.ok(!requested.some((path) => path.startsWith('/v1/register')), requested.join());

    await page.getByRole('link', { name: 'Trades & documents' }).click();
    await page.locator('[data-testid="dropzone"][data-ready="true"]').waitFor();
    const chunks = requested.filter((path) => OFFLINE_CHUNK.test(path));
    assert.equal(chunks.length, 1, requested.join());
    const chunk = await fetch(`${dashboard.url}${chunks[0]}`);
    assert.match(chunk.headers.get('cache-control') ?? '', /immutable/);
    const chunkText = await chunk.text();
    assert.ok(!chunkText.includes('from"./'), 'the verifier’s chunk imports no other chunk');
    assert.ok(
      !main.includes('ML-DSA-65+Ed25519'),
      'the verifier is not in the first page’s script',
    );
    assert.ok(chunkText.includes('ML-DSA-65+Ed25519'), 'it is in its own chunk');
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: 'Trades & documents' }).click();
    await page.locator('[data-testid="dropzone"][data-ready="true"]').waitFor();
    assert.equal(requested.filter((path) => OFFLINE_CHUNK.test(path)).length, 1, 'fetched once');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('an operator sees every trade by state, and a trade’s documents with every check, pass or fail with its reason', async () => {
    const { context, page, problems } = await dashboard.signedIn(operatorKey);
    await page.goto(`${dashboard.url}/#/trades`);
    assert.deepEqual((await listed(page)).sort(), trades.map((trade) => trade.id).sort());
    const counts = page.getByTestId('state-counts');
    await counts.getByRole('button', { name: /^all/ }).waitFor();
    for (const state of ['all', 'shipped', 'presented', 'paid', 'draft']) {
      const expected =
        state === 'all' ? trades.length : trades.filter((trade) => trade.status === state).length;
      assert.equal(
        (await counts.locator(`[data-state="${state}"] .tile-value`).textContent())?.trim(),
        String(expected),
        state,
      );
    }
    // A state chosen: the table is the API's answer for that status.
    const shipped = trades.filter((trade) => trade.status === 'shipped');
    assert.ok(shipped.length > 0);
    await counts.locator('[data-state="shipped"]').click();
    await page.getByRole('table', { name: /Trades shipped/ }).waitFor();
    assert.deepEqual((await listed(page)).sort(), shipped.map((trade) => trade.id).sort());
    await page.screenshot({ path: join(shots, 'trades.png') });

    // The discrepant fertiliser trade: its four documents, the invoice failing trade_amounts.
    for (const trade of trades.filter((candidate) => candidate.exporter === 'uralchem')) {
      const documents = await documentsOf(trade.id);
      await page.goto(`${dashboard.url}/#/trades/${trade.id}`);
      await page.getByTestId('documents').waitFor();
      assert.equal(await page.locator('[data-testid="documents"] article').count(), 4);
      for (const document of documents) {
        const shown = await shownChecks(page, `article[data-document="${document.hash}"] table`);
        assert.deepEqual(
          shown.map(({ name, status, reason }) => ({ name, status, reason })),
          document.report.checks,
          `${document.type}: every check as the hub reports it`,
        );
        for (const check of shown)
          assert.match(
            check.shown,
            check.status === 'pass' ? /pass/ : check.status === 'fail' ? /fail/ : /skipped/,
          );
      }
      const invoice = documents.find((document) => document.type === 'commercial_invoice');
      assert.ok(invoice !== undefined);
      const verdict = page.locator(`article[data-document="${invoice.hash}"] .verdict`);
      if (invoice.report.valid)
        assert.equal(await verdict.textContent(), 'verifies: no check failed');
      else {
        assert.equal(await verdict.textContent(), 'does not verify: 1 check failed');
        const amounts = page.locator(
          `article[data-document="${invoice.hash}"] tr[data-check="trade_amounts"]`,
        );
        assert.match((await amounts.textContent()) ?? '', /✗ fail.*differs from the trade's/);
        await page.screenshot({ path: join(shots, 'trade-discrepant.png') });
      }
    }
    assert.ok(
      trades.some((trade) => trade.exporter === 'uralchem' && trade.status === 'paid'),
      'the accepted presentation paid its trade',
    );
    const fields = page.getByTestId('trade-fields');
    assert.match((await fields.textContent()) ?? '', /documentary credit/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('a participant sees only its own trades, also when it types another’s trade id into the URL', async () => {
    const own = tradeOf('tata-steel');
    const other = tradeOf('uralchem');
    // Signing in shows the overview, whose rupee surplus the API refuses participant keys.
    const { context, page, problems, refusals, requested } = await dashboard.signedIn(tataKey, [
      [`/v1/trades/${other.id}`, 404],
      ['/v1/surplus', 403],
    ]);
    await page.goto(`${dashboard.url}/#/trades`);
    assert.deepEqual(await listed(page), [own.id]);
    assert.equal(
      (
        await page
          .locator('[data-testid="state-counts"] [data-state="all"] .tile-value')
          .textContent()
      )?.trim(),
      '1',
    );
    await page.goto(`${dashboard.url}/#/trades/${own.id}`);
    await page.getByTestId('documents').waitFor();
    assert.equal(await page.locator('[data-testid="documents"] article').count(), 3);
    assert.equal(await page.locator('[data-testid="documents"] .verdict.invalid').count(), 0);

    await page.goto(`${dashboard.url}/#/trades/${other.id}`);
    const message = page.getByTestId('trade-message');
    await message.waitFor();
    assert.equal(
      await message.textContent(),
      `Not found, or not visible to your key: trade ${other.id}.`,
    );
    assert.ok(
      !requested.some((path) => path === `/v1/trades/${other.id}/documents`),
      'no documents are asked for a trade the key may not see',
    );
    assert.deepEqual([...refusals].sort(), ['/v1/surplus 403', `/v1/trades/${other.id} 404`]);
    // The API says the same to the key itself.
    assert.equal((await dashboard.api(`/trades/${other.id}/documents`, tataKey)).status, 404);
    assert.deepEqual(problems, []);
    await context.close();

    // SBI keeps the importer Chambal and the exporter Tata Steel: it sees all three.
    const sbi = await dashboard.signedIn(dashboard.participantKey, [['/v1/surplus', 403]]);
    await sbi.page.goto(`${dashboard.url}/#/trades`);
    assert.equal((await listed(sbi.page)).length, 3);
    assert.deepEqual(sbi.problems, []);
    await sbi.context.close();
  });

  it('verifies a chosen document file in the browser, never sending it; a tampered one dropped fails with the reason', async () => {
    const trade = tradeOf('tata-steel');
    const documents = await documentsOf(trade.id);
    const invoice = documents.find((document) => document.type === 'commercial_invoice');
    assert.ok(invoice !== undefined);
    assert.equal(invoice.report.valid, true);
    const file = JSON.stringify(invoice.document, null, 2);
    const { context, page, problems } = await dashboard.signedIn(operatorKey);
    await page.goto(`${dashboard.url}/#/trades/${trade.id}`);
    await page.getByTestId('documents').waitFor();
    await page.locator('[data-testid="dropzone"][data-ready="true"]').waitFor();

    // Every request from here on, with its body.
    const sent: { url: string; method: string; body: string }[] = [];
    page.on('request', (request) =>
      sent.push({ url: request.url(), method: request.method(), body: request.postData() ?? '' }),
    );
    // Chosen with the file input (keyboard reachable: it is a native input with its label).
    await page.getByLabel('Choose a signed document file').setInputFiles({
      name: 'invoice.json',
      mimeType: 'application/json',
      buffer: Buffer.from(file),
    });
    const verdict = page.getByTestId('offline-verdict');
    await verdict.waitFor();
    assert.equal(await verdict.textContent(), 'verifies: no check failed');
    const offline = await shownChecks(page, '[data-testid="offline-result"] table');
    // The same checks and reasons as the hub's, but for the size: the file is pretty-printed.
    assert.deepEqual(
      offline
        .filter((check) => check.name !== 'size')
        .map(({ name, status, reason }) => ({ name, status, reason })),
      invoice.report.checks.filter((check) => check.name !== 'size'),
    );
    assert.match(
      offline.find((check) => check.name === 'size')?.reason ?? '',
      new RegExp(`^the document is ${Buffer.byteLength(file)} bytes`),
    );
    for (const name of [
      'canonical_hash',
      'signature_ml_dsa_65',
      'signature_ed25519',
      'trade_parties',
    ])
      assert.equal(offline.find((check) => check.name === name)?.status, 'pass', name);
    assert.match(
      (await page.getByTestId('offline-result').textContent()) ?? '',
      /against the terms of trade .*when the hub received this document/,
    );
    const limits = (await page.getByTestId('offline-limits').textContent()) ?? '';
    assert.match(limits, /revoked or superseded.*after the register was fetched/);
    assert.match(limits, /title was surrendered/);
    await page.screenshot({ path: join(shots, 'trade-offline.png') });

    // One byte changed in a signed field (the invoice's number), dropped on the zone.
    const at = file.indexOf('"number": "') + '"number": "'.length;
    const tampered = `${file.slice(0, at)}${file[at] === 'X' ? 'Y' : 'X'}${file.slice(at + 1)}`;
    assert.equal(Buffer.byteLength(tampered), Buffer.byteLength(file));
    // A DataTransfer holding the file, made in the page (as a person's drag would bring it).
    const drop = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(tampered)}], 'tampered.json', { type: 'application/json' }));
      return transfer;
    })()`);
    await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer: drop });
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: drop });
    await page.getByText('tampered.json').waitFor();
    assert.equal(await verdict.textContent(), 'does not verify: 1 check failed');
    const failed = (await shownChecks(page, '[data-testid="offline-result"] table')).filter(
      (check) => check.status === 'fail',
    );
    const hub = await dashboard.api('/documents/verify', operatorKey, {
      method: 'POST',
      body: tampered,
    });
    const hubReport = (await hub.json()) as { checks: Check[] };
    assert.deepEqual(
      failed.map(({ name, reason }) => ({ name, reason })),
      hubReport.checks
        .filter((check) => check.status === 'fail')
        .map(({ name, reason }) => ({ name, reason })),
      'the failure and its reason, as the hub words them',
    );
    const [first] = failed;
    assert.ok(first !== undefined);
    assert.equal(first.name, 'canonical_hash');
    assert.match(first.reason, /the content was changed after it was hashed/);
    await page.screenshot({ path: join(shots, 'trade-offline-tampered.png') });

    // No request carried either file, or went to a documents route.
    const signature = (invoice.document.signature as { mlDsa65: string }).mlDsa65;
    assert.deepEqual(
      sent.filter(
        (request) =>
          request.body !== '' ||
          request.method !== 'GET' ||
          request.url.includes('/v1/documents') ||
          request.url.includes(signature.slice(0, 40)),
      ),
      [],
      'nothing was sent',
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('axe-core finds no serious violation on the list, a trade with its documents and an offline result', async () => {
    const trade = tradeOf('tata-steel');
    const invoice = (await documentsOf(trade.id)).find(
      (document) => document.type === 'commercial_invoice',
    );
    assert.ok(invoice !== undefined);
    const { context, page, problems } = await dashboard.signedIn(operatorKey, [], {
      bypassCSP: true,
    });
    await page.goto(`${dashboard.url}/#/trades`);
    await listed(page);
    assert.deepEqual(await accessibilityProblems(page), [], 'the list');
    await page.goto(`${dashboard.url}/#/trades/${trade.id}`);
    await page.getByTestId('documents').waitFor();
    await page.locator('[data-testid="dropzone"][data-ready="true"]').waitFor();
    await page.getByLabel('Choose a signed document file').setInputFiles({
      name: 'invoice.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(invoice.document)),
    });
    await page.getByTestId('offline-verdict').waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], 'a trade and an offline result');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: /Switch to dark theme/ }).click();
    assert.deepEqual(await accessibilityProblems(page), [], 'dark');
    await page.screenshot({ path: join(shots, 'trade-dark.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
