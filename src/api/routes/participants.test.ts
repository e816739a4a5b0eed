import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { participantAccountId } from '../../participants/accounts.js';
import { assertVerified, openTestApi, type TestApi } from '../api.test-helper.js';

describe('participants API', () => {
  let api: TestApi;
  before(async () => (api = await openTestApi({ rateLimitPerSecond: 0 })));
  after(async () => {
    await assertVerified(api.store);
    await api.close();
  });

  const post = (url: string, payload?: Record<string, unknown>) =>
    api.call({ method: 'POST', url, ...(payload === undefined ? {} : { payload }) });
  const sbi = {
    id: 'sbi',
    name: 'State Bank of India',
    kind: 'bank',
    country: 'IN',
    currencies: ['INR', 'RUB'],
  };

  it('creates a bank with its accounts (201), refuses it again (409, field named)', async () => {
    const created = await post('/v1/participants', sbi);
    assert.equal(created.statusCode, 201, created.body);
    const body = created.json();
    assert.equal(body['status'], 'active');
    assert.deepEqual(
      body['accounts'].map(
        (account: { currency: string; role: string }) => `${account.currency}:${account.role}`,
      ),
      ['INR:settlement', 'INR:cap', 'RUB:settlement', 'RUB:cap'],
    );
    assert.equal(body['accounts'][0]['id'], participantAccountId('sbi', 'INR', 'settlement'));
    const account = await api.call({
      method: 'GET',
      url: `/v1/accounts/${body['accounts'][0]['id']}`,
    });
    assert.equal(account.json()['owner'], 'sbi', 'the ledger accounts belong to the participant');
    const again = await post('/v1/participants', sbi);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json()['code'], 'participant_exists');
    assert.deepEqual(again.json()['errors'], [
      { field: '/id', reason: 'participant sbi exists already' },
    ]);
  });

  it("refuses invalid participants with the field named: 400 for shape, 422 for the hub's rules", async () => {
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ ...sbi, id: 'Bad Id' }, 400, 'invalid_request', '/id'],
      [{ ...sbi, id: 'acme', kind: 'hub' }, 400, 'invalid_request', '/kind'],
      [{ ...sbi, id: 'acme', currencies: ['GBP'] }, 400, 'invalid_request', '/currencies/0'],
      [{ ...sbi, id: 'acme', country: 'DE' }, 400, 'invalid_field', '/country'],
      [{ ...sbi, id: 'acme', colour: 'red' }, 400, 'invalid_request', '/colour'],
      [
        {
          id: 'tata',
          name: 'Tata Steel',
          kind: 'corporate',
          country: 'IN',
          bank: 'nobank',
          currencies: ['INR'],
        },
        422,
        'bank_not_found',
        '/bank',
      ],
      [
        { id: 'tata', name: 'Tata Steel', kind: 'corporate', country: 'IN', currencies: ['INR'] },
        400,
        'invalid_field',
        '/bank',
      ],
    ];
    for (const [payload, status, code, field] of cases) {
      const response = await post('/v1/participants', payload);
      assert.equal(response.statusCode, status, `${JSON.stringify(payload)}: ${response.body}`);
      assert.equal(response.json()['code'], code, response.body);
      assert.equal(response.json()['errors'][0]['field'], field, response.body);
    }
  });

  it('lists participants a page at a time and gets one; an unknown one is 404 naming the path', async () => {
    await post('/v1/participants', {
      id: 'vtb',
      name: 'VTB Bank',
      kind: 'bank',
      country: 'RU',
      currencies: ['RUB'],
    });
    await post('/v1/participants', {
      id: 'tata',
      name: 'Tata Steel',
      kind: 'corporate',
      country: 'IN',
      bank: 'sbi',
      currencies: ['INR'],
    });
    const first = (await api.call({ method: 'GET', url: '/v1/participants?limit=2' })).json();
    assert.deepEqual(
      first['data'].map((participant: { id: string }) => participant.id),
      ['sbi', 'tata'],
    );
    assert.equal(first['next'], 'tata');
    const second = (
      await api.call({ method: 'GET', url: `/v1/participants?limit=2&after=${first['next']}` })
    ).json();
    assert.deepEqual(
      second['data'].map((participant: { id: string }) => participant.id),
      ['vtb'],
    );
    assert.equal(second['next'], null);
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/participants/tata' })).json()['bank'],
      'sbi',
    );
    const missing = await api.call({ method: 'GET', url: '/v1/participants/nobody' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json()['code'], 'participant_not_found');
    assert.equal(missing.json()['errors'][0]['field'], 'path.id');
  });

  it('opens a vostro account kept by another bank (201, then 200), and refuses what the kind may not open', async () => {
    const opened = await post('/v1/participants/vtb/accounts', {
      role: 'vostro',
      currency: 'INR',
      heldAt: 'sbi',
    });
    assert.equal(opened.statusCode, 201, opened.body);
    assert.deepEqual(opened.json(), {
      role: 'vostro',
      currency: 'INR',
      id: participantAccountId('vtb', 'INR', 'vostro', 'sbi'),
      heldAt: 'sbi',
    });
    assert.equal(
      (
        await post('/v1/participants/vtb/accounts', {
          role: 'vostro',
          currency: 'INR',
          heldAt: 'sbi',
        })
      ).statusCode,
      200,
    );
    const noBank = await post('/v1/participants/vtb/accounts', { role: 'nostro', currency: 'INR' });
    assert.equal(noBank.statusCode, 400);
    assert.equal(noBank.json()['errors'][0]['field'], '/heldAt');
    const corporate = await post('/v1/participants/tata/accounts', {
      role: 'investment',
      currency: 'INR',
    });
    assert.equal(corporate.statusCode, 422);
    assert.equal(corporate.json()['code'], 'account_role_mismatch');
    assert.equal(
      (await post('/v1/participants/nobody/accounts', { role: 'investment', currency: 'INR' }))
        .statusCode,
      404,
    );
    const unknownBank = await post('/v1/participants/vtb/accounts', {
      role: 'nostro',
      currency: 'INR',
      heldAt: 'nobank',
    });
    assert.equal(unknownBank.statusCode, 422);
    assert.equal(unknownBank.json()['code'], 'bank_not_found');
  });

  it('suspends and reactivates a participant; the hub itself cannot be suspended', async () => {
    const suspended = await post('/v1/participants/vtb/suspend');
    assert.equal(suspended.statusCode, 200);
    assert.equal(suspended.json()['status'], 'suspended');
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/participants/vtb' })).json()['status'],
      'suspended',
    );
    assert.equal((await post('/v1/participants/vtb/activate')).json()['status'], 'active');
    assert.equal((await post('/v1/participants/nobody/suspend')).statusCode, 404);
    await api.participants.ensureHub(['INR'], CLI_ACTOR);
    const hub = await post('/v1/participants/hub/suspend');
    assert.equal(hub.statusCode, 422);
    assert.equal(hub.json()['code'], 'participant_kind_mismatch');
  });

  it('creates a customs authority with no currencies and no accounts; a bank without currencies is refused', async () => {
    const customs = await post('/v1/participants', {
      id: 'in-customs',
      name: 'Central Board of Indirect Taxes and Customs',
      kind: 'customs',
      country: 'IN',
      currencies: [],
    });
    assert.equal(customs.statusCode, 201, customs.body);
    assert.equal(customs.json()['kind'], 'customs');
    assert.deepEqual(customs.json()['accounts'], []);
    const withMoney = await post('/v1/participants', {
      id: 'ru-customs',
      name: 'Federal Customs Service',
      kind: 'customs',
      country: 'RU',
      currencies: ['RUB'],
    });
    assert.equal(withMoney.statusCode, 400, withMoney.body);
    assert.equal(withMoney.json()['errors'][0]['field'], '/currencies');
    const bank = await post('/v1/participants', { ...sbi, id: 'acme', currencies: [] });
    assert.equal(bank.statusCode, 400, bank.body);
    assert.equal(bank.json()['code'], 'invalid_field');
    assert.equal(bank.json()['errors'][0]['field'], '/currencies');
  });
});
