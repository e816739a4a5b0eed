import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { openTestApi, type JsonBody, type TestApi } from '../api.test-helper.js';

/**
 * GET /v1/fx/rates/{source}/{target}/history over HTTP: every role reads it, as the current rate;
 * pages follow `next`; each bad parameter is a problem document naming it, and changes nothing.
 */
describe('GET /v1/fx/rates/{source}/{target}/history', () => {
  let api: TestApi;
  const keys: Record<string, string> = {};

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 });
    await api.participants.create(
      { id: 'sbi', name: 'SBI', kind: 'bank', country: 'IN', currencies: ['INR'] },
      CLI_ACTOR,
    );
    keys['auditor'] = await api.issueKey('auditor');
    keys['participant'] = await api.issueKey('participant', 'sbi');
    for (const [asOf, rate] of [
      ['2025-01-31', '1.1300'],
      ['2025-02-28', '1.0100'],
      ['2025-03-31', '0.9900'],
    ] as const) {
      const set = await api.call({
        method: 'PUT',
        url: '/v1/fx/rates',
        payload: { source: 'INR', target: 'RUB', rate, asOf },
      });
      assert.equal(set.statusCode, 200, set.body);
    }
    const imported = await api.call({
      method: 'POST',
      url: '/v1/fx/rates/import',
      payload: { csv: 'date,source,target,rate\n2025-04-30,RUB,INR,1.05\n' },
    });
    assert.equal(imported.statusCode, 200, imported.body);
  });
  after(() => api.close());

  const history = (query: string, key?: string, pair = 'INR/RUB') =>
    api.call({
      method: 'GET',
      url: `/v1/fx/rates/${pair}/history${query}`,
      ...(key === undefined ? {} : { key }),
    });

  it('every role reads every rate set, oldest first, a page at a time', async () => {
    for (const key of [api.operatorKey, keys['auditor'] ?? '', keys['participant'] ?? '']) {
      const first = await history('?limit=3', key);
      assert.equal(first.statusCode, 200, first.body);
      const page = first.json<{ data: JsonBody[]; next: string | null }>();
      assert.deepEqual(
        page.data.map((entry) => [entry['asOf'], entry['rate'], entry['origin']]),
        [
          ['2025-01-31', '1.1300', 'operator'],
          ['2025-02-28', '1.0100', 'operator'],
          ['2025-03-31', '0.9900', 'operator'],
        ],
      );
      assert.equal(page.data[0]?.['setBy'], 'operator');
      assert.match(String(page.data[0]['keyId']), /^key_|^[0-9a-f]{16}$/);
      assert.ok(page.next !== null);
      const rest = (await history(`?limit=3&after=${encodeURIComponent(page.next)}`, key)).json<{
        data: JsonBody[];
        next: string | null;
      }>();
      assert.deepEqual(
        rest.data.map((entry) => [entry['asOf'], entry['rate'], entry['inverted']]),
        [['2025-04-30', '0.952380952381', true]],
      );
      assert.equal(rest.next, null);
    }
    const ranged = (await history('?from=2025-02-01&to=2025-03-31')).json<{ data: JsonBody[] }>();
    assert.deepEqual(
      ranged.data.map((entry) => entry['asOf']),
      ['2025-02-28', '2025-03-31'],
    );
    const none = await history('', null as unknown as string);
    assert.equal(none.statusCode, 401);
  });

  it('refuses bad dates, limits, cursors and pairs with a problem naming the parameter', async () => {
    const audit = (await api.store.auditEntries({ limit: 10_000 })).length;
    for (const [query, pair, status, field] of [
      ['?from=2025-02-30', 'INR/RUB', 400, 'query.from'],
      ['?to=yesterday', 'INR/RUB', 400, 'query.to'],
      ['?from=2025-04-01&to=2025-03-01', 'INR/RUB', 400, 'query.from'],
      [`?from=${'9'.repeat(200)}`, 'INR/RUB', 400, 'query.from'],
      ['?limit=0', 'INR/RUB', 400, 'query.limit'],
      ['?limit=1001', 'INR/RUB', 400, 'query.limit'],
      ['?limit=-5', 'INR/RUB', 400, 'query.limit'],
      ['?limit=ten', 'INR/RUB', 400, 'query.limit'],
      ['?after=%00', 'INR/RUB', 400, 'query.after'],
      [`?after=${'A'.repeat(65)}`, 'INR/RUB', 400, 'query.after'],
      ['?after=INRRUB:2025-01-01', 'INR/RUB', 400, 'query.after'],
      ['?since=2025-01-01', 'INR/RUB', 400, undefined],
      ['', 'INR/INR', 400, 'path.target'],
      ['', 'INR/XXX', 400, 'path.target'],
      ['', 'inr/RUB', 400, 'path.source'],
    ] as const) {
      const response = await history(query, undefined, pair);
      assert.equal(response.statusCode, status, `${pair}${query}: ${response.body}`);
      assert.match(response.headers['content-type'] ?? '', /application\/problem\+json/);
      if (field !== undefined) {
        const problem = response.json<{ errors?: { field: string }[] }>();
        assert.equal(problem.errors?.[0]?.field, field, `${pair}${query}: ${response.body}`);
      }
    }
    assert.equal((await api.store.auditEntries({ limit: 10_000 })).length, audit);
  });
});
