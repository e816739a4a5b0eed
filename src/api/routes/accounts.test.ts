import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  accountBody,
  assertVerified,
  createAccounts,
  openTestApi,
  type TestApi,
} from '../api.test-helper.js';

describe('accounts API', () => {
  let api: TestApi;
  before(async () => (api = await openTestApi({ batchItemsMax: 5 })));
  after(async () => {
    await assertVerified(api.store);
    await api.close();
  });

  it('creates an account (201), returns it on a retry (200), refuses different content (409)', async () => {
    const body = accountBody({
      owner: 'vtb',
      currency: 'RUB',
      kind: 'vostro',
      debitsMustNotExceedCredits: true,
      reference: 'VTB vostro',
      userData64: '9223372036854775807',
    });
    const created = await api.call({ method: 'POST', url: '/v1/accounts', payload: body });
    assert.equal(created.statusCode, 201);
    const account = created.json();
    assert.equal(account['currency'], 'RUB');
    assert.equal(account['kind'], 'vostro');
    assert.equal(account['debitsMustNotExceedCredits'], true);
    assert.equal(account['userData64'], '9223372036854775807');
    assert.equal(account['balances']['netPosted'], '0.00');
    const again = await api.call({ method: 'POST', url: '/v1/accounts', payload: body });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json()['timestamp'], account['timestamp']);
    const conflict = await api.call({
      method: 'POST',
      url: '/v1/accounts',
      payload: { ...body, owner: 'sber' },
    });
    assert.equal(conflict.statusCode, 409);
    assert.equal(conflict.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(conflict.json()['code'], 'exists_with_different_owner');
  });

  it('refuses unknown fields, missing fields, unknown currencies and bad ids with the field named', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [accountBody({ colour: 'red' }), '/colour'],
      [{ ...accountBody(), owner: undefined }, '/owner'],
      [accountBody({ currency: 'GBP' }), '/currency'],
      [accountBody({ id: 'not-a-uuid' }), '/id'],
      [accountBody({ userData32: -1 }), '/userData32'],
      [accountBody({ userData64: 12 }), '/userData64'],
    ];
    for (const [payload, field] of cases) {
      const response = await api.call({ method: 'POST', url: '/v1/accounts', payload });
      assert.equal(response.statusCode, 400, response.body);
      const problem = response.json();
      assert.equal(problem['status'], 400);
      assert.equal(problem['errors'][0]['field'], field, response.body);
      assert.equal(problem['instance'], '/v1/accounts');
    }
  });

  it('maps a ledger refusal to 422: both balance-limit flags at once', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/v1/accounts',
      payload: accountBody({ debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: true }),
    });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json()['type'], 'urn:vostro:problem:flags_are_mutually_exclusive');
  });

  it('gets an account (200), an unknown one (404), a malformed id (400)', async () => {
    const [id] = await createAccounts(api, accountBody());
    assert.equal((await api.call({ method: 'GET', url: `/v1/accounts/${id}` })).json()['id'], id);
    const missing = await api.call({
      method: 'GET',
      url: '/v1/accounts/0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51',
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json()['code'], 'account_not_found');
    const malformed = await api.call({ method: 'GET', url: '/v1/accounts/12' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json()['errors'][0]['field'], 'path.id');
  });

  it('creates a batch with one result per item, and refuses a batch over the limit', async () => {
    const existing = accountBody({ owner: 'batch-bank' });
    await createAccounts(api, existing);
    const items = [
      accountBody({ owner: 'batch-bank' }),
      existing,
      accountBody({
        owner: 'batch-bank',
        creditsMustNotExceedDebits: true,
        debitsMustNotExceedCredits: true,
      }),
    ];
    const response = await api.call({
      method: 'POST',
      url: '/v1/accounts/batch',
      payload: { accounts: items },
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(
      body['results'].map((row: { result: string }) => row.result),
      ['ok', 'exists', 'flags_are_mutually_exclusive'],
    );
    assert.deepEqual([body['created'], body['existing'], body['failed']], [1, 1, 1]);
    assert.equal(body['results'][2]['status'], 422);
    const tooMany = await api.call({
      method: 'POST',
      url: '/v1/accounts/batch',
      payload: { accounts: Array.from({ length: 6 }, () => accountBody()) },
    });
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json()['code'], 'batch_too_large');
    const empty = await api.call({
      method: 'POST',
      url: '/v1/accounts/batch',
      payload: { accounts: [] },
    });
    assert.equal(empty.statusCode, 400);
  });

  it('lists accounts of an owner a page at a time with a cursor', async () => {
    await createAccounts(api, ...Array.from({ length: 5 }, () => accountBody({ owner: 'paged' })));
    const seen: string[] = [];
    let url = '/v1/accounts?owner=paged&limit=2';
    for (let pages = 0; pages < 10; pages += 1) {
      const page = (await api.call({ method: 'GET', url })).json();
      seen.push(
        ...page['data'].map(
          (account: { id: string; owner: string }) => (
            assert.equal(account.owner, 'paged'),
            account.id
          ),
        ),
      );
      if (page['next'] === null) break;
      url = `/v1/accounts?owner=paged&limit=2&after=${page['next']}`;
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    const tooLarge = await api.call({ method: 'GET', url: '/v1/accounts?limit=1001' });
    assert.equal(tooLarge.statusCode, 400);
    assert.equal(tooLarge.json()['errors'][0]['field'], 'query.limit');
    const unknown = await api.call({ method: 'GET', url: '/v1/accounts?sort=desc' });
    assert.equal(unknown.statusCode, 400);
  });
});
