import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import { newAccountId, newTransferId } from '../ledger/ids.js';
import { openTestApi, transferBody, type TestApi } from './api.test-helper.js';

/**
 * Every route that reads an account, transfer, payment or quote id answers text that is not a UUID
 * with a 400 naming the field, for operator and participant keys alike: never a 404 that hides the
 * mistake, never a 500, never a lookup with the text cast to an id.
 */
describe('malformed ids are a 400 naming the field', () => {
  let api: TestApi;
  let participantKey: string;
  const bad = 'not-a-uuid';

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 });
    await api.participants.create(
      { id: 'sbi', name: 'SBI', kind: 'bank', country: 'IN', currencies: ['INR'] },
      CLI_ACTOR,
    );
    participantKey = await api.issueKey('participant', 'sbi');
  });
  after(async () => api.close());

  const uuid = newAccountId();
  const cases: {
    method: 'GET' | 'POST';
    url: string;
    payload?: Record<string, unknown>;
    field: string;
  }[] = [
    {
      method: 'POST',
      url: '/v1/payments',
      payload: { id: newTransferId(), payer: bad, payee: uuid, amount: '1.00' },
      field: '/payer',
    },
    {
      method: 'POST',
      url: '/v1/payments',
      payload: { id: newTransferId(), payer: uuid, payee: bad, amount: '1.00' },
      field: '/payee',
    },
    {
      method: 'POST',
      url: '/v1/payments',
      payload: { id: bad, payer: uuid, payee: uuid, amount: '1.00' },
      field: '/id',
    },
    {
      method: 'POST',
      url: '/v1/payments/fund',
      payload: { id: newTransferId(), account: bad, amount: '1.00' },
      field: '/account',
    },
    { method: 'POST', url: `/v1/payments/${bad}/post`, field: 'path.id' },
    { method: 'POST', url: `/v1/payments/${bad}/void`, field: 'path.id' },
    { method: 'GET', url: `/v1/fx/quotes/${bad}`, field: 'path.id' },
    {
      method: 'POST',
      url: `/v1/fx/quotes/${newTransferId()}/execute`,
      payload: { payer: bad, payee: uuid },
      field: '/payer',
    },
    {
      method: 'POST',
      url: `/v1/fx/quotes/${newTransferId()}/execute`,
      payload: { payer: uuid, payee: bad },
      field: '/payee',
    },
    {
      method: 'POST',
      url: `/v1/fx/quotes/${bad}/execute`,
      payload: { payer: uuid, payee: uuid },
      field: 'path.id',
    },
    { method: 'POST', url: `/v1/fx/quotes/${bad}/post`, field: 'path.id' },
    { method: 'GET', url: `/v1/accounts/${bad}`, field: 'path.id' },
    { method: 'GET', url: `/v1/accounts/${bad}/balance`, field: 'path.id' },
    { method: 'GET', url: `/v1/accounts/${bad}/transfers`, field: 'path.id' },
    { method: 'GET', url: `/v1/transfers/${bad}`, field: 'path.id' },
    {
      method: 'POST',
      url: '/v1/transfers',
      payload: transferBody(uuid, bad),
      field: '/creditAccountId',
    },
    {
      method: 'POST',
      url: '/v1/transfers/batch',
      payload: { transfers: [transferBody(bad, uuid)] },
      field: '/transfers/0/debitAccountId',
    },
    {
      method: 'POST',
      url: `/v1/transfers/${bad}/post`,
      payload: { id: newTransferId() },
      field: 'path.id',
    },
  ];

  it('for an operator key', async () => {
    for (const { field, ...request } of cases) {
      const response = await api.call(request);
      assert.equal(response.statusCode, 400, `${request.method} ${request.url}: ${response.body}`);
      assert.equal(response.json()['code'], 'invalid_request');
      assert.equal(response.json()['errors'][0].field, field, `${request.method} ${request.url}`);
    }
  });

  it('for a participant key, before any check of whose the resource is', async () => {
    // Raw transfer writes and funding are the operator's alone (403 for a participant key).
    const open = cases.filter(
      (entry) =>
        entry.url !== '/v1/payments/fund' &&
        !(entry.method === 'POST' && entry.url.startsWith('/v1/transfers')),
    );
    assert.equal(open.length, cases.length - 4);
    for (const { field, ...request } of open) {
      const response = await api.call({ ...request, key: participantKey });
      assert.equal(response.statusCode, 400, `${request.method} ${request.url}: ${response.body}`);
      assert.equal(response.json()['errors'][0].field, field, `${request.method} ${request.url}`);
    }
  });
});
