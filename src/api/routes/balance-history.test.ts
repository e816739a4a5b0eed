import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newTransferId } from '../../ledger/ids.js';
import {
  accountBody,
  assertVerified,
  openTestApi,
  transferBody,
  type TestApi,
} from '../api.test-helper.js';

describe('balance history API', () => {
  let api: TestApi;
  before(async () => (api = await openTestApi()));
  after(async () => {
    await assertVerified(api.store);
    await api.close();
  });

  it('gives the opening balance, each posting with the balance after it, and the closing balance; pending transfers move nothing', async () => {
    const funding = accountBody({ owner: 'hub', kind: 'hub' });
    const account = accountBody({ owner: 'sbi' });
    for (const body of [funding, account])
      assert.equal(
        (await api.call({ method: 'POST', url: '/v1/accounts', payload: body })).statusCode,
        201,
      );
    const pay = async (
      debit: unknown,
      credit: unknown,
      amount: string,
      extra: Record<string, unknown> = {},
    ) => {
      const response = await api.call({
        method: 'POST',
        url: '/v1/transfers',
        payload: transferBody(String(debit), String(credit), { amount, ...extra }),
      });
      assert.equal(response.statusCode, 201, response.body);
      return response.json();
    };
    const first = await pay(funding['id'], account['id'], '100.00');
    const from = first['timestamp'];
    await pay(funding['id'], account['id'], '50.25');
    await pay(account['id'], funding['id'], '20.00');
    await pay(account['id'], funding['id'], '5.00', { id: newTransferId(), pending: true });
    const history = await api.call({
      method: 'GET',
      url: `/v1/accounts/${String(account['id'])}/balance-history?from=${BigInt(from) + 1n}`,
    });
    assert.equal(history.statusCode, 200, history.body);
    const body = history.json();
    assert.equal(body['opening'], '100.00');
    assert.deepEqual(
      body['data'].map((line: { side: string; amount: string; balance: string }) => [
        line.side,
        line.amount,
        line.balance,
      ]),
      [
        ['credit', '50.25', '150.25'],
        ['debit', '20.00', '130.25'],
      ],
    );
    assert.equal(body['closing'], '130.25');
    const all = (
      await api.call({
        method: 'GET',
        url: `/v1/accounts/${String(account['id'])}/balance-history?from=2020-01-01`,
      })
    ).json();
    assert.equal(all['opening'], '0.00');
    assert.equal(all['data'].length, 3);
    const tooMany = await api.call({
      method: 'GET',
      url: `/v1/accounts/${String(account['id'])}/balance-history?from=2020-01-01&limit=2`,
    });
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json()['code'], 'period_too_long');
    const bad = await api.call({
      method: 'GET',
      url: `/v1/accounts/${String(account['id'])}/balance-history?from=yesterday`,
    });
    assert.equal(bad.statusCode, 400);
    const backwards = await api.call({
      method: 'GET',
      url: `/v1/accounts/${String(account['id'])}/balance-history?from=2026-01-02&to=2026-01-01`,
    });
    assert.equal(backwards.json()['code'], 'invalid_period');
  });
});
