import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { openTestApi, type TestApi } from '../api.test-helper.js';

/** A trade body as a client sends it: sbi's exporter sells rice to vtb's importer, on open account. */
function tradeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    exporter: 'rice-exports',
    importer: 'moscow-foods',
    currency: 'INR',
    lines: [
      {
        hs: '100630',
        description: 'Basmati rice, milled',
        quantity: '20000',
        unit: 'KGM',
        unitPrice: '95.50',
      },
    ],
    incoterm: { rule: 'CIF', place: 'Novorossiysk' },
    latestShipmentDate: '2027-03-31',
    paymentTerms: { kind: 'open_account', days: 60 },
    ...overrides,
  };
}

describe('trades over HTTP', () => {
  let api: TestApi;
  let exporterKey: string;
  let importerKey: string;
  let strangerKey: string;

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 });
    for (const [id, country] of [
      ['sbi', 'IN'],
      ['vtb', 'RU'],
      ['bob', 'IN'],
    ] as const)
      await api.participants.create(
        { id, name: id.toUpperCase(), kind: 'bank', country, currencies: ['INR', 'RUB'] },
        CLI_ACTOR,
      );
    for (const [id, country, bank] of [
      ['rice-exports', 'IN', 'sbi'],
      ['moscow-foods', 'RU', 'vtb'],
      ['tea-house', 'IN', 'bob'],
    ] as const)
      await api.participants.create(
        { id, name: id, kind: 'corporate', country, bank, currencies: ['INR'] },
        CLI_ACTOR,
      );
    exporterKey = await api.issueKey('participant', 'rice-exports');
    importerKey = await api.issueKey('participant', 'moscow-foods');
    strangerKey = await api.issueKey('participant', 'tea-house');
  });
  after(async () => api.close());

  it('creates a draft, the other side agrees, the goods ship; each step is in its history', async () => {
    const body = tradeBody();
    const created = await api.call({
      method: 'POST',
      url: '/v1/trades',
      payload: body,
      key: exporterKey,
    });
    assert.equal(created.statusCode, 201, created.body);
    const trade = created.json();
    assert.equal(trade['status'], 'draft');
    assert.equal(trade['total'], '1910000.00', '20000 × 95.50, exact');
    assert.deepEqual([trade['exporterBank'], trade['importerBank']], ['sbi', 'vtb']);
    assert.equal(trade['terms']['total'], '1910000.00');
    assert.deepEqual(trade['terms']['lines'], [
      { hs: '100630', quantity: '20000', unit: 'KGM', unitPrice: '95.50' },
    ]);
    const id = String(body['id']);
    const agreed = await api.call({
      method: 'POST',
      url: `/v1/trades/${id}/agree`,
      key: importerKey,
    });
    assert.equal(agreed.statusCode, 200, agreed.body);
    assert.equal(agreed.json()['status'], 'agreed');
    const shipped = await api.call({
      method: 'POST',
      url: `/v1/trades/${id}/ship`,
      key: exporterKey,
    });
    assert.equal(shipped.statusCode, 200, shipped.body);
    assert.deepEqual(
      shipped.json()['history'].map((change: { status: string }) => change.status),
      ['draft', 'agreed', 'shipped'],
    );
    const read = await api.call({ method: 'GET', url: `/v1/trades/${id}`, key: importerKey });
    assert.equal(read.json()['status'], 'shipped');
  });

  it('a retry with the same body answers 200 and the same trade, writing nothing; another body under the id is 409', async () => {
    const body = tradeBody();
    const first = await api.call({ method: 'POST', url: '/v1/trades', payload: body });
    assert.equal(first.statusCode, 201, first.body);
    const counts = await api.store.counts();
    const audit = (await api.store.auditEntries({ limit: 100_000 })).length;
    const again = await api.call({ method: 'POST', url: '/v1/trades', payload: body });
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual(again.json(), first.json());
    // The importer's retry of the exporter's record is the same trade too.
    const byImporter = await api.call({
      method: 'POST',
      url: '/v1/trades',
      payload: body,
      key: importerKey,
    });
    assert.equal(byImporter.statusCode, 200, byImporter.body);
    const other = await api.call({
      method: 'POST',
      url: '/v1/trades',
      payload: { ...body, latestShipmentDate: '2027-03-30' },
    });
    assert.equal(other.statusCode, 409, other.body);
    assert.equal(other.json()['code'], 'trade_exists');
    assert.equal(other.json()['errors'][0]['field'], '/id');
    // A participant with nothing to do with the trade learns nothing of it from a retry.
    const stranger = await api.call({
      method: 'POST',
      url: '/v1/trades',
      payload: body,
      key: strangerKey,
    });
    assert.equal(stranger.statusCode, 404, stranger.body);
    assert.deepEqual(await api.store.counts(), counts);
    assert.equal((await api.store.auditEntries({ limit: 100_000 })).length, audit);
  });

  it('a party sees its own trades, a bank those it finances; anyone else gets the 404 of a trade that does not exist', async () => {
    const body = tradeBody();
    const id = String(body['id']);
    assert.equal(
      (await api.call({ method: 'POST', url: '/v1/trades', payload: body })).statusCode,
      201,
    );
    const sbiKey = await api.issueKey('participant', 'sbi');
    assert.equal(
      (await api.call({ method: 'GET', url: `/v1/trades/${id}`, key: sbiKey })).statusCode,
      200,
      'the exporter’s bank',
    );
    const foreign = await api.call({ method: 'GET', url: `/v1/trades/${id}`, key: strangerKey });
    const missing = await api.call({
      method: 'GET',
      url: `/v1/trades/${randomUUID()}`,
      key: strangerKey,
    });
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json()['code'], 'trade_not_found');
    assert.equal(missing.json()['code'], foreign.json()['code']);
    const agreeForeign = await api.call({
      method: 'POST',
      url: `/v1/trades/${id}/agree`,
      key: strangerKey,
    });
    assert.equal(agreeForeign.statusCode, 404);
    const listed = await api.call({
      method: 'GET',
      url: '/v1/trades?limit=1000',
      key: strangerKey,
    });
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(listed.json()['data'], []);
  });

  it('lists trades a page at a time, of one status when asked', async () => {
    for (let index = 0; index < 3; index += 1)
      await api.call({ method: 'POST', url: '/v1/trades', payload: tradeBody() });
    const all: string[] = [];
    let next: string | null = null;
    do {
      const page = await api.call({
        method: 'GET',
        url: `/v1/trades?limit=2${next === null ? '' : `&after=${next}`}`,
      });
      assert.equal(page.statusCode, 200, page.body);
      const json = page.json();
      all.push(...json['data'].map((trade: { id: string }) => trade.id));
      next = json['next'];
    } while (next !== null);
    assert.ok(all.length >= 5);
    assert.deepEqual([...all].sort(), all, 'in id order');
    assert.equal(new Set(all).size, all.length, 'no trade twice');
    const drafts = (await api.call({ method: 'GET', url: '/v1/trades?status=shipped' })).json();
    assert.ok(drafts['data'].every((trade: { status: string }) => trade.status === 'shipped'));
  });

  it('cancels with a reason; a cancelled trade cannot ship (409)', async () => {
    const body = tradeBody();
    const id = String(body['id']);
    await api.call({ method: 'POST', url: '/v1/trades', payload: body });
    const cancelled = await api.call({
      method: 'POST',
      url: `/v1/trades/${id}/cancel`,
      payload: { reason: 'buyer withdrew' },
    });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json()['status'], 'cancelled');
    const ship = await api.call({ method: 'POST', url: `/v1/trades/${id}/ship` });
    assert.equal(ship.statusCode, 409, ship.body);
    const noReason = await api.call({
      method: 'POST',
      url: `/v1/trades/${id}/cancel`,
      payload: {},
    });
    assert.equal(noReason.statusCode, 400);
    assert.equal(noReason.json()['errors'][0]['field'], '/reason');
  });

  it('refuses bad input precisely and writes nothing', async () => {
    const line = (overrides: Record<string, unknown>) => [
      {
        hs: '100630',
        description: 'rice',
        quantity: '1',
        unit: 'KGM',
        unitPrice: '1.00',
        ...overrides,
      },
    ];
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ lines: line({ hs: '999999' }) }, 400, 'unknown_hs_code', '/lines/0/hs'],
      [{ lines: line({ hs: '1006' }) }, 400, 'invalid_request', '/lines/0/hs'],
      [{ incoterm: { rule: 'FOO', place: 'x' } }, 400, 'invalid_request', '/incoterm/rule'],
      [{ incoterm: { rule: 'DAT', place: 'x' } }, 400, 'invalid_request', '/incoterm/rule'],
      [{ currency: 'USD' }, 400, 'invalid_request', '/currency'],
      [{ lines: line({ unitPrice: '1.001' }) }, 400, 'invalid_field', '/lines/0/unitPrice'],
      [{ paymentTerms: { kind: 'advance', days: 3 } }, 400, 'invalid_field', '/paymentTerms/days'],
      [{ paymentTerms: { kind: 'open_account' } }, 400, 'invalid_field', '/paymentTerms/days'],
      [{ exporter: 'nobody' }, 404, 'participant_not_found', '/exporter'],
      [{ exporter: 'sbi' }, 422, 'participant_kind_mismatch', '/exporter'],
      [{ surprise: true }, 400, 'invalid_request', '/surprise'],
    ];
    const before = await api.store.auditEntries({ limit: 100_000 });
    for (const [overrides, status, code, field] of cases) {
      const response = await api.call({
        method: 'POST',
        url: '/v1/trades',
        payload: tradeBody(overrides),
      });
      const label = JSON.stringify(overrides);
      assert.equal(response.statusCode, status, `${label}: ${response.body}`);
      assert.equal(response.json()['code'], code, label);
      assert.equal(response.json()['errors']?.[0]?.['field'], field, label);
    }
    assert.equal(
      (await api.store.auditEntries({ limit: 100_000 })).length,
      before.length,
      'nothing was written',
    );
  });
});
