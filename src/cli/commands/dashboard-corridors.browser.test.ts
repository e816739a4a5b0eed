// The dashboard's Corridors page in a real browser: Debian's Chromium driven by playwright-core
// against a real `vostro start` (the demo) on a temporary SQLite database, as in
// dashboard.browser.test.ts. The map is drawn offline from the world-atlas package in a chunk that
// only this page loads (the first page fetches no map data), with the network's places and links;
// the planner's answer is drawn on the map and listed; the API's refusals are shown in its own
// words; screenshots at 1280×800 are written to the folder the test prints. Without
// /usr/bin/chromium the test fails under CI=true and is skipped elsewhere.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { skip, startDashboard, type Dashboard } from './dashboard.test-helper.js';

/** The map's own chunk: d3-geo, topojson-client and the world-atlas countries (web/src/map/world.ts). */
const MAP_CHUNK = /\/assets\/world-[A-Z0-9]{8}\.js$/;

describe('the Corridors page in Chromium', { skip }, () => {
  let dashboard: Dashboard;
  let url = '';
  let operatorKey = '';
  let shots = '';

  before(async () => {
    dashboard = await startDashboard('dashboard-corridors');
    ({ url, operatorKey, shots } = dashboard);
  });

  after(() => dashboard.close());

  /** An operator's signed-in tab (dashboard.test-helper.ts); `fetched`: every path it requested. */
  async function signedIn(expected: readonly [string, number][] = []) {
    const tab = await dashboard.signedIn(operatorKey, expected);
    return { ...tab, fetched: tab.requested };
  }

  /** Fills the planner form and plans; waits for the answer (routes or the API's refusal). */
  async function plan(
    page: Page,
    fields: { from: string; to: string; date: string; modes?: readonly string[] },
  ) {
    const form = page.getByRole('form', { name: 'Plan a route' });
    await form.getByLabel('From', { exact: true }).fill(fields.from);
    await form.getByLabel('To', { exact: true }).fill(fields.to);
    await form.getByLabel('Departure', { exact: true }).fill(fields.date);
    for (const mode of ['Sea', 'Caspian ferry', 'Rail', 'Road']) {
      const box = form.getByRole('checkbox', { name: mode, exact: true });
      await box.setChecked(fields.modes === undefined || fields.modes.includes(mode));
    }
    await form.getByRole('button', { name: 'Plan route' }).click();
    const query = new URLSearchParams({ from: fields.from, to: fields.to, date: fields.date });
    await page
      .locator(
        `[data-testid="routes"][data-ready="true"][data-query^="/routes?${query.toString()}&"]`,
      )
      .waitFor();
  }

  it('the first page loads no map data; the Corridors page loads it, once, as its own chunk', async () => {
    const { context, page, problems, fetched } = await signedIn();
    await page.getByText(/Rupee surplus of Russian banks/).waitFor();
    await page.waitForLoadState('networkidle');
    const firstScripts = fetched.filter((path) => path.endsWith('.js'));
    assert.equal(
      firstScripts.length,
      1,
      `the first page fetches one script: ${firstScripts.join()}`,
    );
    assert.ok(!fetched.some((path) => MAP_CHUNK.test(path)), 'no map chunk on the first page');
    assert.ok(!fetched.some((path) => path.startsWith('/v1/corridors')), fetched.join());
    const mainScript = await fetch(`${url}${firstScripts[0]}`);
    const mainText = await mainScript.text();
    assert.ok(!mainText.includes('"Topology"'), 'the atlas is not in the first page’s script');
    assert.match(
      mainScript.headers.get('cache-control') ?? '',
      /immutable/,
      'hashed scripts are immutable',
    );

    await page.getByRole('link', { name: /^Corridors/ }).click();
    await page.getByTestId('corridor-map').waitFor();
    const chunks = fetched.filter((path) => MAP_CHUNK.test(path));
    assert.equal(chunks.length, 1, `the map chunk is fetched once: ${fetched.join()}`);
    const chunk = await fetch(`${url}${chunks[0]}`);
    assert.match(chunk.headers.get('cache-control') ?? '', /immutable/);
    assert.match(chunk.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    // Leaving the page and coming back reuses the module: no second fetch.
    await page.getByRole('link', { name: /^Settlement/ }).click();
    await page.getByTestId('windows').waitFor();
    await page.getByRole('link', { name: /^Corridors/ }).click();
    await page.getByTestId('corridor-map').waitFor();
    assert.equal(fetched.filter((path) => MAP_CHUNK.test(path)).length, 1);
    await page.getByTestId('comparison').waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('draws the countries and the network, greys the Northern Sea Route out of season, and draws a planned route', async () => {
    const { context, page, problems } = await signedIn();
    await page.goto(`${url}/#/corridors`);
    const map = page.getByTestId('corridor-map');
    await map.waitFor();
    assert.ok((await page.getByTestId('map-countries').locator('path').count()) > 150);
    const network = (await (
      await fetch(`${url}/v1/corridors/network?date=2026-12-01`, {
        headers: { authorization: `Bearer ${operatorKey}` },
      })
    ).json()) as { nodes: unknown[]; links: unknown[] };
    assert.equal(await page.getByTestId('map-nodes').locator('[data-node]').count(), 45);
    assert.equal(
      await page.getByTestId('map-nodes').locator('[data-node]').count(),
      network.nodes.length,
    );
    assert.equal(
      await page.getByTestId('map-links').locator('[data-link]').count(),
      network.links.length,
    );
    for (const mode of ['sea', 'caspian', 'rail', 'road'])
      assert.ok((await page.locator(`[data-link].mode-${mode}`).count()) > 0, mode);
    assert.ok((await page.locator('[data-link].status-under-construction').count()) > 0);

    // December: the Northern Sea Route is out of season, and greyed.
    await plan(page, { from: 'Nhava Sheva', to: 'Moscow', date: '2026-12-01' });
    // The network is fetched again for the planned date; the link follows its season.
    const nsr = '[data-link="sea:RUVVO-RUMMK"]';
    await page.locator(`${nsr}.season-closed`).waitFor();
    assert.match(
      (await page.getByTestId('seasons').textContent()) ?? '',
      /on 2026-12-01: closed on this date/,
    );
    const route = page.getByTestId('route-on-map');
    await route.waitFor();
    const first = (await page.locator('article.route h3').first().textContent()) ?? '';
    assert.match(first, /^Route 1 of 3: Nhava Sheva .*Moscow$/);
    assert.equal(
      `Route 1 of 3: ${(await route.getAttribute('data-route')) ?? ''}`,
      first,
      'the first route is the one on the map',
    );
    const legs = await route
      .locator('path.route-leg')
      .evaluateAll((paths) => paths.map((path) => path.getAttribute('d') ?? ''));
    assert.ok(legs.length >= 2 && legs.every((d) => d.length > 10), 'each leg is drawn');
    await page.screenshot({ path: join(shots, 'corridors.png') });

    // August: open to an ice-class ship; Chennai to Vladivostok goes by sea alone.
    await plan(page, { from: 'Chennai', to: 'Vladivostok', date: '2026-08-01' });
    await page.locator(`${nsr}.season-ice-class`).waitFor();
    assert.match(
      (await route.getAttribute('data-route')) ?? '',
      /^Chennai –sea→ (.* –sea→ )?Vladivostok$/,
      'the new route replaces the old on the map',
    );

    // Another route of the answer, and a corridor of the comparison, can be shown instead.
    await plan(page, { from: 'Nhava Sheva', to: 'Moscow', date: '2026-12-01' });
    await page.getByRole('button', { name: 'Show route 2 on the map' }).click();
    const second = (await page.locator('article.route h3').nth(1).textContent()) ?? '';
    assert.equal(`Route 2 of 3: ${(await route.getAttribute('data-route')) ?? ''}`, second);
    const comparison = page.getByTestId('comparison');
    await comparison.waitFor();
    const table = (await comparison.textContent()) ?? '';
    for (const corridor of ['Suez', 'Cape', 'INSTC', 'Chennai–Vladivostok', 'Northern Sea Route'])
      assert.ok(table.includes(corridor), corridor);
    assert.match(table, /Northern Sea Route.*Not available/);
    // With the Red Sea closed (the planner's default) Suez is out and the Cape is the sea route.
    assert.match(table, /Suez.*Not available/);
    await page
      .getByRole('button', { name: 'Show Cape of Good Hope (Baltic / Barents) on the map' })
      .click();
    assert.match((await route.getAttribute('data-route')) ?? '', /St Petersburg/);
    await page
      .getByTestId('shown-route')
      .getByText(/Cape of Good Hope/)
      .waitFor();
    await page.evaluate('scrollTo(0, 0)');
    await page.screenshot({ path: join(shots, 'corridors-suez.png') });
    await page.screenshot({ path: join(shots, 'corridors-full.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('shows the planner’s refusals in the API’s own words', async () => {
    const { context, page, problems, refusals } = await signedIn([
      ['/v1/routes', 422],
      ['/v1/corridors/compare', 422],
      ['/v1/routes', 400],
      ['/v1/corridors/compare', 400],
    ]);
    await page.goto(`${url}/#/corridors`);
    await page.getByTestId('corridor-map').waitFor();
    await plan(page, { from: 'INNSA', to: 'Moscow', date: '2026-12-01', modes: ['Sea'] });
    const error = page.getByTestId('plan-error');
    await error.waitFor();
    const direct = (await (
      await fetch(`${url}/v1/routes?from=INNSA&to=Moscow&date=2026-12-01&by=time&modes=sea`, {
        headers: { authorization: `Bearer ${operatorKey}` },
      })
    ).json()) as { detail: string };
    assert.ok(((await error.textContent()) ?? '').startsWith(direct.detail), direct.detail);
    assert.match(direct.detail, /not reachable using only sea/);
    await plan(page, { from: 'Atlantis', to: 'Moscow', date: '2026-12-01' });
    assert.match((await error.textContent()) ?? '', /Atlantis.*\(400 unknown_node\)/);
    assert.equal(await page.getByTestId('route-on-map').count(), 0, 'no route drawn');
    assert.ok([...refusals].some((refusal) => refusal.startsWith('/v1/routes 422')));
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('works on a narrow screen in the dark theme', async () => {
    const { context, page, problems } = await signedIn();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.goto(`${url}/#/corridors`);
    await page.getByTestId('corridor-map').waitFor();
    await page.getByTestId('comparison').waitFor();
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(width) <= 390, `no sideways scroll of the page: ${String(width)}px`);
    await page.getByTestId('corridor-map').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'corridors-narrow-dark.png') });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
