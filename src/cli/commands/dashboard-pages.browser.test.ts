// The dashboard's FX, Participants & keys and Audit log pages in a real browser (Debian's Chromium
// driven by playwright-core) against a real `vostro start` on a temporary SQLite database (the
// demo): each loads for an operator with no console error and no failed request; the header names
// the signed-in key's role (GET /v1/me) and the navigation follows it; a participant key is never
// offered the staff pages and is told so when it types their URL, and the API refuses it their
// data; axe-core finds no serious or critical violation. Screenshots at 1280×800 go to the folder
// the test prints. Shared set-up: dashboard.test-helper.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  accessibilityProblems,
  skip,
  startDashboard,
  type Dashboard,
} from './dashboard.test-helper.js';

/** The demo's one conversion: Sberbank sells ₹3 crore for roubles through IndoRus FX. */
const SOLD = '₹3,00,00,000.00';

describe('the dashboard’s FX, participants and audit pages in Chromium', { skip }, () => {
  let dashboard: Dashboard;
  let auditorKey = '';

  before(async () => {
    dashboard = await startDashboard('dashboard-pages');
    const issued = await dashboard.api('/keys', dashboard.operatorKey, {
      method: 'POST',
      body: JSON.stringify({ role: 'auditor', label: 'dashboard pages test' }),
    });
    assert.equal(issued.status, 201);
    auditorKey = ((await issued.json()) as { key: string }).key;
  });

  after(async () => dashboard.close());

  const shot = (name: string) => ({ path: join(dashboard.shots, `${name}.png`) });

  it('an operator: FX, Participants & keys and Audit log load with no console error and no failed request', async () => {
    const { context, page, problems } = await dashboard.signedIn(dashboard.operatorKey, []);
    assert.equal(await page.getByTestId('who').textContent(), 'operator');

    await page.getByRole('link', { name: /^FX/ }).click();
    await page.getByTestId('reference-rates').getByText('1.0734').waitFor();
    await page.getByTestId('fx-live').getByText('● live').waitFor();
    const executions = page.getByTestId('executions');
    await executions.getByText(SOLD).waitFor();
    assert.match((await executions.textContent()) ?? '', /indorus-fx/);
    // The reference rate's history, from the demo's first month, drawn with the executions.
    await page
      .getByTestId('rate-history-summary')
      .getByText(/^Reference rates from 2024-04-01 to /)
      .waitFor();
    assert.equal(await page.locator('.chart canvas').count(), 1, 'the rate chart is drawn');
    await page.getByTestId('providers').getByText('IndoRus FX (indorus-fx)').waitFor();
    await page
      .getByTestId('providers')
      .getByText(/by default, at most/)
      .waitFor();
    await page.screenshot(shot('fx'));
    await executions.getByRole('link').first().click();
    await page.getByTestId('quote-detail').getByText('executed').waitFor();
    assert.match((await page.getByTestId('quote-detail').textContent()) ?? '', /₹3,00,00,000\.00/);

    await page.getByRole('link', { name: /^Participants & keys/ }).click();
    const participants = page.getByTestId('participants');
    await participants.locator('tr[data-participant="sbi"] meter').waitFor();
    await page.getByTestId('keys').getByText('dashboard pages test').waitFor();
    // Every bank has its caps drawn (one bar per currency it settles in).
    assert.ok((await participants.locator('meter').count()) >= 5);
    await page.screenshot(shot('participants'));
    await page.getByLabel('Filter by text').fill('sberbank');
    assert.deepEqual(
      await participants
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-participant'))),
      ['sberbank', 'uralchem'],
      'Sberbank, and the corporate that banks with it',
    );

    await page.getByRole('link', { name: /^Audit log/ }).click();
    const audit = page.getByTestId('audit');
    await audit.locator('tbody tr').first().waitFor();
    assert.equal(await audit.locator('tbody tr').count(), 50);
    assert.equal(await audit.locator('tbody tr td').first().textContent(), '1');
    await page.screenshot(shot('audit'));
    await page.getByRole('button', { name: 'Next page' }).click();
    await audit.getByText(/^Page 2:/).waitFor();
    assert.equal(await audit.locator('tbody tr td').first().textContent(), '51');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await audit.getByText(/^Page 1:/).waitFor();
    // By actor (the API filters) and action (the page does): the keys the operator issued here.
    await page.getByLabel('Actor').fill('operator');
    await page.getByLabel('Action').fill('keys.issue');
    await page.getByRole('button', { name: 'Apply' }).click();
    await audit.getByText(/^Page 1: 2 entries/).waitFor();
    const actions = await audit
      .locator('tbody tr td:nth-child(4)')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent));
    assert.deepEqual(actions, ['keys.issue', 'keys.issue']);
    await page.screenshot(shot('audit-filtered'));
    // A time range before the hub existed holds nothing.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('From (UTC)').fill('2000-01-01T00:00');
    await page.getByLabel('To (UTC, before)').fill('2000-01-02T00:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await audit.getByText(/^Page 1: 0 entries/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);

    assert.deepEqual(problems, []);
    await context.close();
  });

  it('an auditor is named in the header, sees the staff pages and is offered no Close or Settle', async () => {
    const { context, page, problems } = await dashboard.signedIn(auditorKey);
    assert.equal(await page.getByTestId('who').textContent(), 'auditor');
    const nav = page.getByRole('navigation', { name: 'Pages' });
    await nav.getByRole('link', { name: /^Participants & keys/ }).waitFor();
    await nav.getByRole('link', { name: /^Audit log/ }).waitFor();
    await page.goto(`${dashboard.url}/#/settlement`);
    await page.getByTestId('windows').waitFor();
    assert.equal(await page.getByRole('button', { name: /^(Close|Settle) / }).count(), 0);
    assert.ok((await page.getByRole('button', { name: 'Positions' }).count()) > 0);
    await page.screenshot(shot('settlement-auditor'));
    await page.goto(`${dashboard.url}/#/participants`);
    await page.getByTestId('participants').waitFor();
    await page.goto(`${dashboard.url}/#/audit`);
    await page.getByTestId('audit').waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('a participant key is not offered the staff pages, is told so on typing their URL, and the API refuses it their data', async () => {
    const { context, page, problems, refusals, requested } = await dashboard.signedIn(
      dashboard.participantKey,
      [
        ['/v1/surplus', 403],
        ['/v1/windows', 403],
        ['/v1/fx/quotes/', 404],
      ],
    );
    assert.equal(await page.getByTestId('who').textContent(), 'participant sbi');
    const nav = page.getByRole('navigation', { name: 'Pages' });
    const links = await nav.getByRole('link').allTextContents();
    assert.ok(links.some((link) => link.startsWith('FX')));
    assert.ok(!links.some((link) => /Participants|Audit/.test(link)), links.join());
    for (const [name, title] of [
      ['participants', 'Participants & keys'],
      ['audit', 'Audit log'],
    ] as const) {
      await page.goto(`${dashboard.url}/#/${name}`);
      const message = page.getByTestId('staff-only');
      await message.waitFor();
      assert.match(
        (await message.textContent()) ?? '',
        new RegExp(`^${title} is for the hub’s operator and auditor keys only.*participant sbi`),
      );
      await page.screenshot(shot(`${name}-participant`));
    }
    // The page asked nothing of the staff routes; the API refuses them to this key anyway.
    assert.deepEqual(
      requested.filter((path) => /^\/v1\/(participants|audit|keys)\b/.test(path)),
      [],
    );
    for (const path of ['/participants', '/audit', '/keys'])
      assert.equal((await dashboard.api(path, dashboard.participantKey)).status, 403, path);

    // FX: the reference rates, and the conversion SBI's key may see (it keeps Sberbank's vostro).
    await page.goto(`${dashboard.url}/#/fx`);
    await page.getByTestId('executions').getByText(SOLD).waitFor();
    await page.getByTestId('reference-rates').getByText('1.0734').waitFor();
    await page.getByTestId('providers').getByText('indorus-fx').waitFor();
    await page.screenshot(shot('fx-participant'));
    // The quote was asked for by another: not visible to this key.
    await page.getByTestId('executions').getByRole('link').first().click();
    await page
      .getByTestId('quote-message')
      .getByText(/not visible to your key/)
      .waitFor();
    assert.deepEqual(problems, []);
    assert.ok([...refusals].some((refusal) => refusal.startsWith('/v1/fx/quotes/')));
    await context.close();
  });

  it('axe-core finds no serious or critical accessibility violation on the FX, participants and audit pages', async () => {
    const found: string[] = [];
    const operator = await dashboard.signedIn(dashboard.operatorKey, [], {
      bypassCSP: true,
    });
    for (const [name, ready] of [
      ['fx', 'executions'],
      ['participants', 'keys'],
      ['audit', 'audit'],
    ] as const) {
      await operator.page.goto(`${dashboard.url}/#/${name}`);
      await operator.page.getByTestId(ready).locator('tbody tr').first().waitFor();
      if (name === 'fx') await operator.page.getByText(/by default, at most/).waitFor();
      if (name === 'participants')
        await operator.page.locator('tr[data-participant="sbi"] meter').waitFor();
      found.push(
        ...(await accessibilityProblems(operator.page)).map((problem) => `${name}: ${problem}`),
      );
    }
    assert.deepEqual(operator.problems, []);
    await operator.context.close();
    const participant = await dashboard.signedIn(dashboard.participantKey, [['/v1/surplus', 403]], {
      bypassCSP: true,
    });
    await participant.page.goto(`${dashboard.url}/#/audit`);
    await participant.page.getByTestId('staff-only').waitFor();
    found.push(
      ...(await accessibilityProblems(participant.page)).map((problem) => `staff-only: ${problem}`),
    );
    assert.deepEqual(participant.problems, []);
    await participant.context.close();
    assert.deepEqual(found, []);
  });
});
