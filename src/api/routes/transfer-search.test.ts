import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newTransferId } from '../../ledger/ids.js';
import { participantAccountId } from '../../participants/accounts.js';
import { openAccessFixture, type AccessFixture } from '../access.test-helper.js';
import type { JsonBody } from '../api.test-helper.js';

/**
 * GET /v1/transfers (the search), GET /v1/transfers/{id}/chain and GET /v1/audit?target=, on a
 * real server and store: what each key finds, and the precise refusal of every bad parameter.
 */
describe('transfer search API', () => {
  let f: AccessFixture;
  const found = async (key: string, query: string): Promise<JsonBody[]> => {
    const all: JsonBody[] = [];
    let url = `/v1/transfers?${query}`;
    for (let pages = 0; pages < 1000; pages += 1) {
      const response = await f.api.call({ method: 'GET', url, key });
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      const page = response.json();
      all.push(...(page['data'] as JsonBody[]));
      if (page['next'] === null) return all;
      url = `/v1/transfers?${query}&before=${encodeURIComponent(String(page['next']))}`;
    }
    throw new Error('pages without end');
  };
  const ids = (items: JsonBody[]): string[] => items.map((item) => String(item['id']));
  let payments: string[];

  before(async () => {
    f = await openAccessFixture();
    // sbi pays vtb 1.00, 2.00, 3.00 INR (pending, then one posted and one voided).
    payments = [];
    for (const amount of ['1.00', '2.00', '3.00']) {
      const id = newTransferId();
      const paid = await f.api.call({
        method: 'POST',
        url: '/v1/payments',
        key: f.keys.owner,
        payload: {
          id,
          payer: f.ownAccount,
          payee: f.foreignAccount,
          amount,
          pending: true,
          reference: `invoice ${amount}`,
        },
      });
      assert.equal(paid.statusCode, 201, paid.body);
      payments.push(id);
    }
    for (const [index, action] of [
      [1, 'post'],
      [2, 'void'],
    ] as const) {
      const resolved = await f.api.call({
        method: 'POST',
        url: `/v1/payments/${payments[index] as string}/${action}`,
        key: f.keys.owner,
      });
      assert.equal(resolved.statusCode, 200, resolved.body);
    }
  });
  after(async () => f.api.close());

  it("a participant key finds its own transfers only, whatever it asks; staff find anyone's", async () => {
    const own = await found(f.keys.owner, 'limit=2');
    assert.ok(own.length >= 7, `sbi's transfers: ${own.length}`);
    for (const item of own)
      assert.ok(
        item['debitOwner'] === 'sbi' || item['creditOwner'] === 'sbi',
        `sbi sees ${JSON.stringify(item)}`,
      );
    const timestamps = own.map((item) => BigInt(String(item['timestamp'])));
    assert.deepEqual(
      timestamps,
      [...timestamps].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)),
      'newest first',
    );
    assert.deepEqual(ids(await found(f.keys.operator, 'participant=sbi&limit=3')), ids(own));
    assert.deepEqual(ids(await found(f.keys.auditor, 'participant=sbi')), ids(own));
    assert.ok(ids(own).includes(f.ownTransfer));
    assert.ok(!ids(own).includes(f.foreignTransfer), "vtb's funding is not sbi's");
    const vtb = await found(f.keys.foreign, '');
    assert.ok(!ids(vtb).includes(f.ownTransfer), "sbi's funding is not vtb's");
    assert.ok(ids(vtb).includes(f.foreignTransfer));
    // Editing the query does not widen it.
    const other = await f.api.call({
      method: 'GET',
      url: '/v1/transfers?participant=vtb',
      key: f.keys.owner,
    });
    assert.equal(other.statusCode, 403);
    assert.deepEqual(other.json()['errors'], [
      { field: 'query.participant', reason: "not this key's participant" },
    ]);
    const everyone = await found(f.keys.operator, 'limit=50');
    assert.ok(ids(everyone).includes(f.foreignTransfer) && ids(everyone).includes(f.ownTransfer));
  });

  it('finds by amount (exact or a range, in a currency), status and time', async () => {
    const amounts = (items: JsonBody[]) => items.map((item) => `${item['amount']} ${item['kind']}`);
    const exact = await found(f.keys.owner, 'currency=INR&amount=2&status=posted');
    // The posted payment's legs: the payment (2.00) and its cap leg, and the post of each.
    assert.deepEqual(
      exact.map((item) => item['code']).sort(),
      [1, 1, 2, 2],
      JSON.stringify(amounts(exact)),
    );
    assert.ok(exact.every((item) => item['amount'] === '2.00' && item['status'] === 'posted'));
    const range = await found(
      f.keys.operator,
      'participant=sbi&currency=INR&amountMin=1.5&amountMax=3',
    );
    assert.deepEqual([...new Set(range.map((item) => item['amount']))].sort(), ['2.00', '3.00']);
    const statuses = async (status: string) =>
      (await found(f.keys.owner, `status=${status}`))
        .filter((item) => item['kind'] === 'pending' && item['code'] === 1)
        .map((item) => item['id']);
    assert.deepEqual(await statuses('pending'), [payments[0]]);
    assert.deepEqual(await statuses('posted'), [payments[1]]);
    assert.deepEqual(await statuses('voided'), [payments[2]]);
    assert.deepEqual(await statuses('expired'), []);
    assert.deepEqual((await statuses('voided,pending')).sort(), [payments[0], payments[2]].sort());
    const voidLeg = (await found(f.keys.owner, 'status=voided')).find(
      (item) => item['kind'] === 'void',
    );
    assert.ok(voidLeg !== undefined, 'a void transfer is voided');
    const all = await found(f.keys.owner, '');
    const middle = all[Math.floor(all.length / 2)] as JsonBody;
    const later = await found(f.keys.owner, `from=${String(middle['createdAt'])}`);
    assert.deepEqual(ids(later), ids(all).slice(0, ids(all).indexOf(String(middle['id'])) + 1));
    const earlier = await found(f.keys.owner, `to=${String(middle['createdAt'])}`);
    assert.deepEqual(ids(earlier), ids(all).slice(ids(all).indexOf(String(middle['id'])) + 1));
    assert.deepEqual(await found(f.keys.owner, 'currency=RUB'), []);
    assert.deepEqual(await found(f.keys.owner, 'from=2020-01-01&to=2020-01-02'), []);
  });

  it('refuses every bad parameter with a problem naming it, and answers nothing else', async () => {
    const cases: [string, string, number][] = [
      ['amount=1', 'query.amount', 400],
      ['amountMin=1', 'query.amountMin', 400],
      ['currency=INR&amount=1.001', 'query.amount', 400],
      ['currency=INR&amount=-1', 'query.amount', 400],
      ['currency=INR&amount=1e3', 'query.amount', 400],
      ['currency=INR&amount=1&amountMin=1', 'query.amountMin', 400],
      ['currency=INR&amountMin=5&amountMax=4', 'query.amountMax', 400],
      ['currency=XXX', 'query.currency', 400],
      ['status=settled', 'query.status', 400],
      ['status=pending,', 'query.status', 400],
      ['from=yesterday', 'query.from', 400],
      ['from=2025-02-30', 'query.from', 400],
      ['to=2025-01-01T10:00:00', 'query.to', 400],
      ['from=2025-01-02&to=2025-01-01', 'query.to', 400],
      ['before=abc', 'query.before', 400],
      ['before=99999999999999999999', 'query.before', 400],
      ['before=10.20', 'query.before', 400],
      ['before=1%27%20OR%201=1', 'query.before', 400],
      ['limit=0', 'query.limit', 400],
      ['limit=100000', 'query.limit', 400],
      ['participant=SBI', 'query.participant', 400],
      ["participant=sbi'--", 'query.participant', 400],
      ['participant=nobody', 'query.participant', 404],
    ];
    for (const [query, field, status] of cases) {
      const response = await f.api.call({ method: 'GET', url: `/v1/transfers?${query}` });
      assert.equal(response.statusCode, status, `${query}: ${response.body}`);
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      const problem = response.json();
      const fields = ((problem['errors'] ?? []) as JsonBody[]).map((error) => error['field']);
      assert.ok(
        fields.includes(field) || String(problem['detail']).includes(field.replace('query.', '')),
        `${query}: names ${field}: ${response.body}`,
      );
    }
    const unknown = await f.api.call({ method: 'GET', url: '/v1/transfers?owner=sbi' });
    assert.equal(unknown.statusCode, 400, unknown.body);
  });

  it("a cursor cannot reach another participant's transfers", async () => {
    // Positions naming vtb's transfers, handed to sbi's search.
    const [foreign] = await f.api.ledger.lookupTransfers([f.foreignTransfer as never]);
    assert.ok(foreign !== undefined);
    const cursor = `${foreign.timestamp + 1n}.${foreign.timestamp}`;
    const response = await f.api.call({
      method: 'GET',
      url: `/v1/transfers?before=${cursor}`,
      key: f.keys.owner,
    });
    // The SQLite store refuses a position outside the key's accounts; nothing of vtb's is shown.
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json()['errors'][0]['field'], 'query.before');
  });

  it("a payment's chain: its legs in order, what resolved them, and only the key's own legs", async () => {
    const posted = payments[1] as string;
    const chain = await f.api.call({ method: 'GET', url: `/v1/transfers/${posted}/chain` });
    assert.equal(chain.statusCode, 200, chain.body);
    const body = chain.json();
    assert.equal(body['complete'], true);
    assert.deepEqual(
      (body['data'] as JsonBody[]).map((leg) => [
        leg['code'],
        leg['debitOwner'],
        leg['creditOwner'],
      ]),
      [
        [1, 'sbi', 'vtb'],
        [2, 'sbi', 'vtb'],
      ],
    );
    assert.equal(body['data'][0]['id'], posted);
    assert.deepEqual(
      (body['resolutions'] as JsonBody[]).map((leg) => [leg['kind'], leg['pendingId']]),
      (body['data'] as JsonBody[]).map((leg) => ['post', leg['id']]),
    );
    // From the cap leg, the same chain.
    const capLeg = String(body['data'][1]['id']);
    const fromCap = await f.api.call({ method: 'GET', url: `/v1/transfers/${capLeg}/chain` });
    assert.deepEqual(ids(fromCap.json()['data']), ids(body['data']));
    // vtb is the payee: it sees the legs on its accounts (both); a bank with no part sees nothing.
    const spareKey = await f.api.issueKey('participant', 'spare');
    const refused = await f.api.call({
      method: 'GET',
      url: `/v1/transfers/${posted}/chain`,
      key: spareKey,
    });
    assert.equal(refused.statusCode, 404);
    assert.equal(refused.json()['code'], 'transfer_not_found');
    // An FX execution's legs: sbi sees only the legs on its own accounts.
    const quote = await f.ownQuote(true);
    const staff = (await f.api.call({ method: 'GET', url: `/v1/transfers/${quote}/chain` })).json();
    const sbiView = (
      await f.api.call({ method: 'GET', url: `/v1/transfers/${quote}/chain`, key: f.keys.owner })
    ).json();
    assert.ok((staff['data'] as JsonBody[]).length > (sbiView['data'] as JsonBody[]).length);
    assert.equal(staff['data'][0]['id'], quote);
    for (const leg of sbiView['data'] as JsonBody[])
      assert.ok(leg['debitOwner'] === 'sbi' || leg['creditOwner'] === 'sbi');
    assert.ok(
      (staff['data'] as JsonBody[]).some(
        (leg) =>
          leg['debitAccountId'] === participantAccountId('fxp', 'RUB', 'fx_liquidity') ||
          leg['creditAccountId'] === participantAccountId('fxp', 'RUB', 'settlement'),
      ),
      JSON.stringify(staff['data']),
    );
  });

  it("the audit log's entries about one payment, for staff only", async () => {
    const posted = payments[1] as string;
    const about = await f.api.call({ method: 'GET', url: `/v1/audit?target=${posted}` });
    assert.equal(about.statusCode, 200, about.body);
    assert.deepEqual(
      (about.json()['data'] as JsonBody[]).map((entry) => [entry['action'], entry['actor']]),
      [
        ['payments.reserve', 'sbi'],
        ['payments.post', 'sbi'],
      ],
    );
    const auditor = await f.api.call({
      method: 'GET',
      url: `/v1/audit?target=${posted}&actor=operator`,
      key: f.keys.auditor,
    });
    assert.deepEqual(auditor.json()['data'], []);
    const participant = await f.api.call({
      method: 'GET',
      url: `/v1/audit?target=${posted}`,
      key: f.keys.owner,
    });
    assert.equal(participant.statusCode, 403);
    const long = await f.api.call({ method: 'GET', url: `/v1/audit?target=${'x'.repeat(129)}` });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /target/);
  });
});
