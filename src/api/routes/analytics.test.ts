import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { Hub } from '../../hub/hub.js';
import { manualClock } from '../../ledger/clock.js';
import { newTransferId, type AccountId } from '../../ledger/ids.js';
import { TransferFlags } from '../../ledger/flags.js';
import { ALL_SCOPE, monthStartNs } from '../../ledger/flows.js';
import { participantAccountId } from '../../participants/accounts.js';
import { visibleAccounts } from '../../reports/trade-analytics.js';
import { TransferCode } from '../../settlement/codes.js';
import { openTestApi, type JsonBody, type TestApi } from '../api.test-helper.js';

/** 2026-01-15T00:00:00Z and 2026-02-10T00:00:00Z, in nanoseconds. */
const JAN_15 = 1_768_435_200_000_000_000n;
const FEB_10 = 1_770_681_600_000_000_000n;

/**
 * GET /v1/analytics/trade over HTTP: what each role sees (staff everything; a participant only
 * payments on accounts it may see, never another's), the figures, and bad ranges refused precisely.
 */
describe('GET /v1/analytics/trade', () => {
  let api: TestApi;
  let hub: Hub;
  const clock = manualClock(JAN_15);
  const keys: Record<string, string> = {};
  const customer = (id: string, currency: string): AccountId =>
    participantAccountId(id, currency, 'customer');
  const settlement = (id: string, currency: string): AccountId =>
    participantAccountId(id, currency, 'settlement');
  const pay = async (payer: AccountId, payee: AccountId, amount: bigint): Promise<void> => {
    await hub.payments.pay(
      { id: newTransferId(), payer, payee, amount, reference: 'analytics' },
      CLI_ACTOR,
    );
  };
  const trade = async (key: string, query = '?from=2026-01&to=2026-02') =>
    api.call({ method: 'GET', url: `/v1/analytics/trade${query}`, key });

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 }, { clock });
    hub = new Hub(api.ledger, api.participants);
    await hub.open(['INR', 'RUB'], CLI_ACTOR);
    for (const [id, country] of [
      ['sbi', 'IN'],
      ['bob', 'IN'],
      ['vtb', 'RU'],
    ] as const)
      await api.participants.create(
        { id, name: id.toUpperCase(), kind: 'bank', country, currencies: ['INR', 'RUB'] },
        CLI_ACTOR,
      );
    for (const [id, country, bank] of [
      ['indo-pharma', 'IN', 'sbi'],
      ['ural-trade', 'RU', 'vtb'],
      ['delhi-foods', 'IN', 'bob'],
    ] as const)
      await api.participants.create(
        { id, name: id, kind: 'corporate', country, bank, currencies: ['INR', 'RUB'] },
        CLI_ACTOR,
      );
    for (const bank of ['sbi', 'bob', 'vtb'])
      for (const currency of ['INR', 'RUB']) {
        await hub.caps.set(bank, currency, 100_000_000_00n, CLI_ACTOR);
        await hub.payments.fund(
          {
            id: newTransferId(),
            account: settlement(bank, currency),
            amount: 1_000_000_00n,
            reference: 'f',
          },
          CLI_ACTOR,
        );
      }
    for (const id of ['indo-pharma', 'ural-trade', 'delhi-foods'])
      for (const currency of ['INR', 'RUB'])
        await hub.payments.fund(
          {
            id: newTransferId(),
            account: customer(id, currency),
            amount: 1_000_000_00n,
            reference: 'f',
          },
          CLI_ACTOR,
        );
    // January: Russia pays India 3,000.00 INR (ural-trade → indo-pharma) and 500.00 (vtb → sbi);
    // India pays Russia 1,200.00 INR; delhi-foods pays indo-pharma 10.00 INR (within India).
    await pay(customer('ural-trade', 'INR'), customer('indo-pharma', 'INR'), 3_000_00n);
    await pay(settlement('vtb', 'INR'), settlement('sbi', 'INR'), 500_00n);
    await pay(customer('indo-pharma', 'INR'), customer('ural-trade', 'INR'), 1_200_00n);
    await pay(customer('delhi-foods', 'INR'), customer('indo-pharma', 'INR'), 10_00n);
    // February: roubles, Russia → India, to bob's customer (sbi sees none of it).
    clock.set(FEB_10);
    await pay(customer('ural-trade', 'RUB'), customer('delhi-foods', 'RUB'), 7_000_00n);
    for (const id of ['sbi', 'bob', 'vtb', 'indo-pharma', 'delhi-foods'])
      keys[id] = await api.issueKey('participant', id);
    keys.auditor = await api.issueKey('auditor');
    keys.operator = api.operatorKey;
  });
  after(async () => api.close());

  it('gives staff every payment, by month, direction and currency, once each', async () => {
    for (const role of ['operator', 'auditor']) {
      const response = await trade(keys[role] ?? '');
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.equal(body.from, '2026-01');
      assert.equal(body.to, '2026-02');
      assert.deepEqual(body.months, [
        {
          month: '2026-01',
          flows: [
            { direction: 'IN-RU', currency: 'INR', count: 1, amount: '120000' },
            { direction: 'RU-IN', currency: 'INR', count: 2, amount: '350000' },
            { direction: 'other', currency: 'INR', count: 1, amount: '1000' },
          ],
        },
        {
          month: '2026-02',
          flows: [{ direction: 'RU-IN', currency: 'RUB', count: 1, amount: '700000' }],
        },
      ]);
      assert.deepEqual(body.totals, [
        { direction: 'IN-RU', currency: 'INR', count: 1, amount: '120000' },
        { direction: 'RU-IN', currency: 'INR', count: 2, amount: '350000' },
        { direction: 'RU-IN', currency: 'RUB', count: 1, amount: '700000' },
        { direction: 'other', currency: 'INR', count: 1, amount: '1000' },
      ]);
      assert.deepEqual(body.imbalance, [
        { currency: 'INR', amount: '-230000' },
        { currency: 'RUB', amount: '-700000' },
      ]);
      assert.equal(body.nationalCurrencyShare, 1);
      assert.equal(body.target.goalUsd, 100_000_000_000);
      assert.equal(body.target.baselineUsd, 68_700_000_000);
      assert.equal(body.target.requiredYearlyGrowthPercent, 7.8);
      // Each total rounded down to the cent: INR 14.03 + 40.93 + 0.11, RUB 83.33.
      assert.equal(body.target.hubUsd, '138.40');
      assert.equal(body.target.usdRates.INR, '85.5');
      assert.equal(body.target.usdRates.asOf, '2025-03-31');
      assert.deepEqual(body.netting, { windows: 0, gross: [], net: [], savedPercent: null });
    }
  });

  it('gives a participant only the payments on accounts it may see', async () => {
    // sbi: its own account and indo-pharma's (its customer); not delhi-foods's roubles (bob's customer).
    const sbi = (await trade(keys.sbi ?? '')).json();
    assert.deepEqual(sbi.totals, [
      { direction: 'IN-RU', currency: 'INR', count: 1, amount: '120000' },
      { direction: 'RU-IN', currency: 'INR', count: 2, amount: '350000' },
      { direction: 'other', currency: 'INR', count: 1, amount: '1000' },
    ]);
    assert.deepEqual(sbi.months[1], { month: '2026-02', flows: [] });
    // A corporate: its own payments only.
    const delhi = (await trade(keys['delhi-foods'] ?? '')).json();
    assert.deepEqual(delhi.totals, [
      { direction: 'RU-IN', currency: 'RUB', count: 1, amount: '700000' },
      { direction: 'other', currency: 'INR', count: 1, amount: '1000' },
    ]);
    const pharma = (await trade(keys['indo-pharma'] ?? '')).json();
    assert.equal(
      pharma.totals.some((flow: JsonBody) => flow.currency === 'RUB'),
      false,
      'indo-pharma sees none of the roubles paid to delhi-foods',
    );
    const vtb = (await trade(keys.vtb ?? '')).json();
    assert.equal(
      vtb.totals.some((flow: JsonBody) => flow.direction === 'other'),
      false,
      'vtb sees none of the payments within India',
    );
  });

  it('reports netting of closed windows, hub-wide for staff and a participant its own', async () => {
    const { closed } = await hub.windows.close('INR', CLI_ACTOR);
    assert.ok(closed.closedAtIso?.startsWith('2026-02'));
    const staff = (await trade(keys.operator ?? '')).json();
    assert.equal(staff.netting.windows, 1);
    assert.equal(staff.netting.gross.length, 1);
    assert.equal(typeof staff.netting.savedPercent, 'number');
    const sbi = (await trade(keys.sbi ?? '')).json();
    assert.equal(sbi.netting.windows, 1);
    assert.equal(
      (await trade(keys.operator ?? '', '?from=2025-01&to=2025-12')).json().netting.windows,
      0,
    );
  });

  it('answers from the monthly flow totals, which equal a scan of the transfers for staff and every participant', async () => {
    // A payment into vtb's rupee vostro account kept by sbi: sbi sees it (it keeps the account).
    const vostro = await api.participants.openAccount('vtb', 'vostro', 'INR', 'sbi', CLI_ACTOR);
    await pay(customer('indo-pharma', 'INR'), vostro.id, 25_00n);
    const sbi = (await trade(keys.sbi ?? '')).json();
    assert.deepEqual(sbi.months[1], {
      month: '2026-02',
      flows: [{ direction: 'IN-RU', currency: 'INR', count: 1, amount: '2500' }],
    });
    const registry = await hub.participants.all();
    const ownerCountries = new Map(registry.map((record) => [record.id, record.country]));
    const first = 2026 * 12;
    const periods = [0, 1].map((index) => ({
      firstTimestamp: monthStartNs(first + index),
      lastTimestamp: monthStartNs(first + index + 1) - 1n,
    }));
    for (const scope of [ALL_SCOPE, ...registry.map((record) => record.id)]) {
      const kept = await api.ledger.store.monthlyFlows({
        scope,
        code: TransferCode.payment,
        firstMonth: first,
        lastMonth: first + 1,
      });
      const scanned = await api.ledger.store.flowTotals({
        periods,
        code: TransferCode.payment,
        excludeFlags: TransferFlags.pending | TransferFlags.voidPending,
        ownerCountries,
        ...(scope === ALL_SCOPE ? {} : { accounts: visibleAccounts(scope, registry) }),
      });
      assert.deepEqual(
        kept.map((row) => [
          row.month - first,
          row.ledger,
          row.debitCountry,
          row.creditCountry,
          row.amount,
          row.count,
        ]),
        scanned.map((row) => [
          row.period,
          row.ledger,
          row.debitCountry,
          row.creditCountry,
          row.amount,
          row.count,
        ]),
        `scope '${scope}'`,
      );
    }
  });

  it('defaults to the last 24 months and refuses bad ranges, naming the field', async () => {
    const defaults = (await trade(keys.operator ?? '', '')).json();
    assert.equal(defaults.months.length, 24);
    assert.equal(defaults.months.at(-1).month, new Date().toISOString().slice(0, 7));
    for (const [query, field, detail] of [
      ['?from=2026-13', 'from', /YYYY-MM/],
      ['?to=26-01', 'to', /YYYY-MM/],
      ['?from=2026-01-01', 'from', /YYYY-MM/],
      ['?from=2026-03&to=2026-02', 'from', /after to/],
      ['?from=2010-01&to=2026-02', 'to', /at most 120 months/],
    ] as const) {
      const response = await trade(keys.operator ?? '', query);
      assert.equal(response.statusCode, 400, query);
      assert.match(response.headers['content-type'] ?? '', /application\/problem\+json/);
      const problem = response.json();
      assert.equal(problem.errors?.[0]?.field, `/${field}`, JSON.stringify(problem));
      assert.match(problem.detail, detail);
    }
    const unknown = await trade(keys.operator ?? '', '?since=2026-01');
    assert.equal(unknown.statusCode, 400);
    const none = await api.call({ method: 'GET', url: '/v1/analytics/trade', key: null });
    assert.equal(none.statusCode, 401);
  });
});
