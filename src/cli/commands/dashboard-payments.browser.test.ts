// The dashboard's Payments page in a real browser (Debian's Chromium driven by playwright-core)
// against a real `vostro start` on a temporary SQLite database (the demo, plus payments this test
// makes through the API): the search by participant, amount and status finds the right payments;
// a payment's story shows its legs, what posted them, its net debit cap, FX conversion, window and
// audit entries for an operator; a participant key never sees another's payment, also when it
// edits the URL, and is told in a sentence what its role may not see; no console error or failed
// request; axe-core finds no serious or critical violation. Screenshots at 1280×800 go to the
// folder the test prints. Shared set-up: dashboard.test-helper.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { participantAccountId } from '../../participants/accounts.js';
import {
  accessibilityProblems,
  skip,
  startDashboard,
  type Dashboard,
} from './dashboard.test-helper.js';

describe('the dashboard’s Payments page in Chromium', { skip }, () => {
  let dashboard: Dashboard;
  /** sbi → bob, INR: a plain payment, one reserved then posted, one reserved and still pending. */
  const plain = randomUUID();
  const posted = randomUUID();
  const pending = randomUUID();
  /** vtb → sberbank, RUB: nothing of sbi's. */
  const foreign = randomUUID();
  let quote = '';

  const pay = async (body: Record<string, unknown>, action?: 'post') => {
    const paid = await dashboard.api('/payments', dashboard.operatorKey, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    assert.equal(paid.status, 201, await paid.text());
    if (action !== undefined) {
      const resolved = await dashboard.api(
        `/payments/${String(body['id'])}/${action}`,
        dashboard.operatorKey,
        { method: 'POST', body: '{}' },
      );
      assert.equal(resolved.status, 200, await resolved.text());
    }
  };

  before(async () => {
    dashboard = await startDashboard('dashboard-payments');
    const sbi = participantAccountId('sbi', 'INR', 'settlement');
    const bob = participantAccountId('bob', 'INR', 'settlement');
    await pay({ id: plain, payer: sbi, payee: bob, amount: '4321.09', reference: 'steel 17' });
    await pay(
      { id: posted, payer: sbi, payee: bob, amount: '4321.10', reference: 'coal 3', pending: true },
      'post',
    );
    await pay({ id: pending, payer: sbi, payee: bob, amount: '4321.11', pending: true });
    await pay({
      id: foreign,
      payer: participantAccountId('vtb', 'RUB', 'settlement'),
      payee: participantAccountId('sberbank', 'RUB', 'settlement'),
      amount: '777.77',
      reference: 'not sbi',
    });
    const executed = (await (
      await dashboard.api('/events?types=quote.executed&limit=10', dashboard.operatorKey)
    ).json()) as { data: { subject: string }[] };
    quote = executed.data[0]?.subject ?? assert.fail('the demo executes a quote');
  });

  after(async () => dashboard.close());

  const shot = (name: string) => ({ path: join(dashboard.shots, `${name}.png`) });
  const foundIds = async (page: Page): Promise<string[]> => {
    await page.getByTestId('found-count').waitFor();
    return page
      .getByTestId('found')
      .locator('tbody tr td:last-child')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent ?? ''))
      .catch(() => []);
  };
  const search = async (page: Page, fields: Record<string, string>) => {
    await page.goto(`${dashboard.url}/#/payments`);
    await page.getByTestId('live').getByText('● live').waitFor();
    for (const [testId, value] of Object.entries(fields)) {
      const field = page.getByTestId(testId);
      if (testId === 'search-currency' || testId === 'search-status')
        await field.selectOption(value);
      else await field.fill(value);
    }
    await page.getByRole('button', { name: 'Find' }).click();
    return foundIds(page);
  };

  it('an operator finds payments by participant, amount and status, and reads a payment’s whole story', async () => {
    const { context, page, problems } = await dashboard.signedIn(dashboard.operatorKey);
    await page.getByRole('link', { name: /^Payments/ }).click();
    await page.getByTestId('live').getByText('● live').waitFor();
    // The feed shows the newest transfers at once, this test's among them.
    await page.getByTestId('payments').getByText(foreign).waitFor();
    await page.screenshot(shot('payments'));

    const exact = await search(page, {
      'search-currency': 'INR',
      'search-amount-min': '4321.10',
      'search-amount-max': '4321.10',
    });
    // The reservation, its cap leg, and the post of each.
    assert.ok(exact.includes(posted), exact.join(' '));
    assert.ok(!exact.includes(plain) && !exact.includes(pending), exact.join(' '));
    assert.match(new URL(page.url()).hash, /^#\/payments\/\?currency=INR&amount=4321.10$/);
    const range = await search(page, {
      'search-currency': 'INR',
      'search-amount-min': '4321.09',
      'search-amount-max': '4321.11',
    });
    assert.deepEqual(
      [plain, posted, pending].map((id) => range.includes(id)),
      [true, true, true],
    );
    const stillPending = await search(page, {
      'search-participant': 'bob',
      'search-status': 'pending',
    });
    assert.ok(stillPending.includes(pending));
    assert.ok(!stillPending.includes(posted) && !stillPending.includes(plain));
    const bob = await search(page, { 'search-participant': 'bob' });
    assert.ok(bob.includes(plain) && !bob.includes(foreign));
    const vtb = await search(page, { 'search-participant': 'vtb', 'search-currency': 'RUB' });
    assert.ok(vtb.includes(foreign) && !vtb.includes(plain));
    await page.screenshot(shot('payments-search'));

    // The story of the posted payment, from its row.
    await search(page, {
      'search-currency': 'INR',
      'search-amount-min': '4321.10',
      'search-amount-max': '4321.10',
    });
    await page.getByTestId('found').getByRole('link', { name: posted }).first().click();
    await page.getByTestId('transfer-detail').waitFor();
    assert.equal(await page.getByTestId('story-status').textContent(), 'posted');
    const legs = page.getByTestId('story-legs').locator('tbody tr');
    assert.deepEqual(
      await legs.evaluateAll((rows) => rows.map((row) => row.children[1]?.textContent)),
      ['payment', 'net debit cap use'],
    );
    assert.equal(await page.getByTestId('story-resolutions').locator('tbody tr').count(), 2);
    await page.getByTestId('story-cap').getByText('sbi').first().waitFor();
    assert.match((await page.getByTestId('story-cap').textContent()) ?? '', /₹4,321\.10/);
    await page
      .getByTestId('story-window')
      .getByText(/^INR-\d+/)
      .waitFor();
    const audit = page.getByTestId('story-audit');
    await audit.locator('tbody tr').first().waitFor();
    assert.deepEqual(
      await audit
        .locator('tbody tr td:nth-child(4)')
        .evaluateAll((cells) => cells.map((cell) => cell.textContent)),
      ['payments.reserve', 'payments.post'],
    );
    await page.screenshot({ ...shot('payment-story'), fullPage: true });

    // An FX conversion's story: its legs, the quote's rate and reference rate, its audit entries.
    await page.goto(`${dashboard.url}/#/payments/${quote}`);
    const fx = page.getByTestId('story-fx');
    await fx.getByText('Reference rate').waitFor();
    assert.match((await fx.textContent()) ?? '', /indorus-fx/);
    assert.match((await fx.textContent()) ?? '', /Rate given\s*[0-9]+\.[0-9]+/);
    assert.ok((await page.getByTestId('story-legs').locator('tbody tr').count()) >= 2);
    assert.ok(
      (await page.getByTestId('story-legs').textContent())?.includes('FX leg'),
      'the FX legs are listed',
    );
    await page.getByTestId('story-audit').locator('tbody tr').first().waitFor();
    assert.match((await page.getByTestId('story-audit').textContent()) ?? '', /fx\.quotes\./);
    await page.screenshot({ ...shot('payment-story-fx'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('a participant key never sees another’s payment, whatever URL it types, and is told what its role may not see', async () => {
    const { context, page, problems, refusals } = await dashboard.signedIn(
      dashboard.participantKey,
      [
        ['/v1/transfers', 403],
        ['/v1/transfers/', 404],
        ['/v1/surplus', 403],
      ],
    );
    await page.goto(`${dashboard.url}/#/payments`);
    await page.getByTestId('live').getByText('● live').waitFor();
    await page.getByTestId('payments').getByText(plain).waitFor();
    assert.ok(!((await page.getByTestId('payments').textContent()) ?? '').includes(foreign));
    // The participant field is its own and cannot be changed.
    assert.equal(await page.getByTestId('search-participant').inputValue(), 'sbi');
    assert.equal(await page.getByTestId('search-participant').getAttribute('readonly'), '');
    const rub = await search(page, { 'search-currency': 'RUB' });
    assert.deepEqual(rub, []);
    const own = await search(page, { 'search-status': 'pending' });
    assert.ok(own.includes(pending) && !own.includes(foreign));
    // Editing the URL: another participant's search is refused, and said so.
    await page.goto(`${dashboard.url}/#/payments/?participant=vtb`);
    await page.getByTestId('found-message').waitFor();
    assert.match(
      (await page.getByTestId('found-message').textContent()) ?? '',
      /searches only its own transfers/,
    );
    // Another's payment by id: the 404 of a payment that does not exist.
    await page.goto(`${dashboard.url}/#/payments/${foreign}`);
    await page.getByTestId('transfer-message').waitFor();
    assert.match(
      (await page.getByTestId('transfer-message').textContent()) ?? '',
      /not visible to your key/,
    );
    assert.equal(await page.getByTestId('story-legs').count(), 0);
    // Its own payment's story: the legs, its own cap, and sentences for what its role may not see.
    await page.goto(`${dashboard.url}/#/payments/${posted}`);
    await page.getByTestId('transfer-detail').waitFor();
    await page.getByTestId('story-cap').getByText('Bank whose cap it used').waitFor();
    assert.match(
      (await page.getByTestId('story-window').textContent()) ?? '',
      /your key's role \(participant\) may not see them/,
    );
    assert.match(
      (await page.getByTestId('story-audit').textContent()) ?? '',
      /your key's role \(participant\) may not read it/,
    );
    await page.screenshot({ ...shot('payment-story-participant'), fullPage: true });
    assert.ok(refusals.has('/v1/transfers 403'), [...refusals].join(', '));
    assert.ok(refusals.has(`/v1/transfers/${foreign} 404`), [...refusals].join(', '));
    assert.deepEqual(
      [...refusals].filter((refusal) => !/^\/v1\/(transfers|surplus)/.test(refusal)),
      [],
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('axe-core finds no serious or critical violation on the feed, a search and a story', async () => {
    const { context, page, problems } = await dashboard.signedIn(dashboard.operatorKey, [], {
      bypassCSP: true,
    });
    const violations: string[] = [];
    await page.goto(`${dashboard.url}/#/payments/?participant=sbi&status=posted`);
    await page.getByTestId('found-count').waitFor();
    await page.getByTestId('live').getByText('● live').waitFor();
    violations.push(...(await accessibilityProblems(page)).map((line) => `search: ${line}`));
    await page.goto(`${dashboard.url}/#/payments/${posted}`);
    await page.getByTestId('story-audit').locator('tbody tr').first().waitFor();
    violations.push(...(await accessibilityProblems(page)).map((line) => `story: ${line}`));
    assert.deepEqual(violations, []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
