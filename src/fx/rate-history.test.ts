import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import type { Hub } from '../hub/hub.js';
import { withHub } from '../hub/hub.test-helper.js';
import { manualClock } from '../ledger/clock.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { LedgerStore } from '../store/store.js';
import type { RateHistoryQuery } from './rate-history.js';
import { FX_RATES } from './service.js';

const operatorKey: Actor = { id: 'operator', role: 'operator', keyId: 'key_0123456789abcdef' };
/** 2025-04-01T06:00:00Z in nanoseconds. */
const APRIL_1 = 1_743_487_200_000_000_000n;

async function refusedWith(run: () => Promise<unknown>): Promise<{ code: string; field: string }> {
  try {
    await run();
  } catch (error) {
    if (error instanceof HubError) return { code: error.code, field: error.field ?? '' };
    throw error;
  }
  assert.fail('expected a refusal');
}

const history = (hub: Hub, query: Partial<RateHistoryQuery> = {}) =>
  hub.fx.rateHistory({ source: 'INR', target: 'RUB', limit: 100, ...query });

/** Every page of a pair's history, following `next`. */
async function allPages(hub: Hub, query: Partial<RateHistoryQuery>): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 50; pages += 1) {
    const page = await history(hub, { ...query, ...(after === undefined ? {} : { after }) });
    seen.push(...page.data.map((entry) => `${entry.asOf} ${entry.rate}`));
    if (page.next === null) return seen;
    after = page.next;
  }
  assert.fail('more than 50 pages');
}

function cases(store?: () => Promise<LedgerStore>): void {
  const clock = manualClock(APRIL_1);
  const hubTest = (name: string, body: (hub: Hub) => Promise<void>): void => {
    it(name, () => withHub(body, { clock, ...(store === undefined ? {} : { store }) }));
  };

  hubTest(
    'every rate set is kept with its date, when and by whom, in the same transaction as the rate; oldest first',
    async (hub) => {
      clock.set(APRIL_1);
      const first = clock.nowNs();
      await hub.fx.setRate(
        { source: 'INR', target: 'RUB', rate: '1.0500', asOf: '2025-04-01' },
        CLI_ACTOR,
      );
      clock.advanceSeconds(3600);
      // Corrected the same day by an operator's key: both are kept, the correction after.
      await hub.fx.setRate(
        { source: 'INR', target: 'RUB', rate: '1.0510', asOf: '2025-04-01' },
        operatorKey,
      );
      clock.advanceSeconds(86_400);
      // A rate set the other way round shows in INR → RUB as its inverse.
      await hub.fx.setRate(
        { source: 'RUB', target: 'INR', rate: '0.95', asOf: '2025-04-02' },
        CLI_ACTOR,
      );
      const page = await history(hub);
      assert.deepEqual(
        page.data.map((entry) => [entry.asOf, entry.rate, entry.setBy, entry.inverted]),
        [
          ['2025-04-01', '1.0500', 'cli', false],
          ['2025-04-01', '1.0510', 'operator', false],
          ['2025-04-02', '1.052631578947', 'cli', true],
        ],
      );
      assert.equal(page.next, null);
      assert.equal(page.data[0]?.setAt, '2025-04-01T06:00:00.000000000Z');
      assert.equal(first, APRIL_1);
      assert.equal(page.data[1]?.keyId, 'key_0123456789abcdef');
      assert.equal(page.data[1].setByRole, 'operator');
      const opposite = await hub.fx.rateHistory({ source: 'RUB', target: 'INR', limit: 10 });
      assert.deepEqual(
        opposite.data.map((entry) => [entry.source, entry.target, entry.rate, entry.inverted]),
        [
          ['RUB', 'INR', '0.952380952381', true],
          ['RUB', 'INR', '0.951474785918', true],
          ['RUB', 'INR', '0.95', false],
        ],
      );
      // The current rate is the last one set, as before.
      assert.equal((await hub.fx.rate('RUB', 'INR')).rate, '0.95');
    },
  );

  hubTest(
    'an imported file adds one entry per line; a refused file adds none; from, to and the cursor page through it',
    async (hub) => {
      clock.set(APRIL_1);
      const lines = ['date,source,target,rate'];
      for (let day = 1; day <= 28; day += 1)
        lines.push(
          `2025-02-${String(day).padStart(2, '0')},INR,RUB,1.${String(day).padStart(2, '0')}`,
        );
      assert.deepEqual(await hub.fx.importRates(lines.join('\n'), CLI_ACTOR), { imported: 28 });
      const before = await hub.ledger.store.listRecords({
        collection: 'fx_rate_history',
        limit: 1000,
      });
      assert.equal(before.length, 28);
      const bad = [...lines, '2025-03-01,INR,RUB,-1'].join('\n');
      assert.equal((await refusedWith(() => hub.fx.importRates(bad, CLI_ACTOR))).field, 'line 30');
      assert.equal(
        (await hub.ledger.store.listRecords({ collection: 'fx_rate_history', limit: 1000 })).length,
        28,
        'nothing of the refused file is kept',
      );
      const pages = await allPages(hub, { from: '2025-02-10', to: '2025-02-20', limit: 3 });
      assert.deepEqual(
        pages,
        Array.from({ length: 11 }, (_, index) => `2025-02-${index + 10} 1.${index + 10}`),
      );
      assert.equal((await allPages(hub, { limit: 7 })).length, 28);
      assert.deepEqual(await history(hub, { from: '2025-03-01' }), { data: [], next: null });
      // A cursor before `from` starts at `from`; one after it goes on from itself.
      const second = await history(hub, { limit: 2 });
      const resumed = await history(hub, {
        after: second.next ?? '',
        from: '2025-02-20',
        limit: 1,
      });
      assert.equal(resumed.data[0]?.asOf, '2025-02-20');
      const third = await history(hub, { after: second.next ?? '', limit: 1 });
      assert.equal(third.data[0]?.asOf, '2025-02-03');
    },
  );

  hubTest('hostile queries are refused naming the parameter, and read nothing', async (hub) => {
    const cursor = (await history(hub)).next;
    assert.equal(cursor, null);
    for (const [query, field, code] of [
      [{ from: '2025-02-30' }, 'from', 'invalid_field'],
      [{ to: '2025-13-01' }, 'to', 'invalid_field'],
      [{ from: '2025-1-01' }, 'from', 'invalid_field'],
      [{ to: "2025-01-01' OR 1=1 --" }, 'to', 'invalid_field'],
      [{ from: '2025-03-02', to: '2025-03-01' }, 'from', 'invalid_field'],
      [{ after: 'INRRUB' }, 'after', 'invalid_field'],
      [{ after: `INRUSD:2025-01-01:${'0'.repeat(20)}:000000` }, 'after', 'invalid_field'],
      [{ after: `INRRUB:2025-01-01:${'0'.repeat(20)}:000000\u0000` }, 'after', 'invalid_field'],
      [{ limit: 0 }, 'limit', 'invalid_field'],
      [{ limit: 1001 }, 'limit', 'invalid_field'],
      [{ limit: 1.5 }, 'limit', 'invalid_field'],
      [{ source: 'INR', target: 'INR' }, 'target', 'same_currency'],
      [{ source: 'XXX' }, 'source', 'unknown_currency'],
      [{ target: 'rub' }, 'target', 'unknown_currency'],
    ] as const)
      assert.deepEqual(
        await refusedWith(() => history(hub, query)),
        { code, field },
        JSON.stringify(query),
      );
    // A cursor of the opposite pair is the same key space, so it is accepted for either direction.
    await hub.fx.setRate(
      { source: 'INR', target: 'RUB', rate: '1.1', asOf: '2025-01-01' },
      CLI_ACTOR,
    );
    await hub.fx.setRate(
      { source: 'INR', target: 'RUB', rate: '1.2', asOf: '2025-01-02' },
      CLI_ACTOR,
    );
    const next = (await history(hub, { limit: 1 })).next ?? '';
    const reverse = await hub.fx.rateHistory({
      source: 'RUB',
      target: 'INR',
      after: next,
      limit: 5,
    });
    assert.deepEqual(
      reverse.data.map((entry) => entry.asOf),
      ['2025-01-02'],
    );
    // The dated documents of today's store are untouched by the history.
    const dated = await hub.ledger.store.getRecords(FX_RATES, ['INRRUB:2025-01-02']);
    assert.equal(dated.size, 1);
  });
}

describe('reference-rate history on SQLite', () => {
  cases();
});

await postgresTests('reference-rate history on postgres', (schemas) => {
  describe('reference-rate history on PostgreSQL', () => {
    cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }));
  });
});
