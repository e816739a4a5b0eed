import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  accountBody,
  assertVerified,
  createAccounts,
  openTestApi,
  transferBody,
  type TestApi,
} from '../api.test-helper.js';

describe('transfers API', () => {
  let api: TestApi;
  let sbi: string;
  let vtb: string;
  let funded: string;
  before(async () => {
    api = await openTestApi();
    [sbi, vtb, funded] = (await createAccounts(
      api,
      accountBody(),
      accountBody({ owner: 'vtb' }),
      accountBody({ owner: 'hdfc', debitsMustNotExceedCredits: true }),
    )) as [string, string, string];
  });
  after(async () => {
    await assertVerified(api.store);
    await api.close();
  });

  const post = (url: string, payload: unknown) =>
    api.call({ method: 'POST', url, payload: payload as Record<string, unknown> });

  it('creates a transfer (201); a retry returns the original (200) and posts nothing new; other content is 409', async () => {
    const body = transferBody(sbi, vtb, { amount: '12500.00', reference: 'invoice 17' });
    const created = await post('/v1/transfers', body);
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json()['amount'], '12500.00');
    assert.equal(created.json()['kind'], 'plain');
    const countsBefore = await api.store.counts();
    const retry = await post('/v1/transfers', body);
    assert.equal(retry.statusCode, 200);
    assert.equal(retry.json()['timestamp'], created.json()['timestamp']);
    assert.deepEqual(await api.store.counts(), countsBefore);
    const different = await post('/v1/transfers', { ...body, amount: '12500.01' });
    assert.equal(different.statusCode, 409);
    assert.equal(different.json()['code'], 'exists_with_different_amount');
  });

  it('answers a create with exactly what a later GET reads: plain, pending, post and void, id in any case', async () => {
    const [payer, payee] = await createAccounts(
      api,
      accountBody({ owner: 'same-a' }),
      accountBody({ owner: 'same-b' }),
    );
    const plain = transferBody(payer as string, payee as string, {
      reference: 'r',
      userData64: '7',
      userData32: 9,
    });
    const pendingTimed = transferBody(payer as string, payee as string, {
      pending: true,
      timeoutSeconds: 60,
    });
    const pendingOpen = transferBody(payer as string, payee as string, { pending: true });
    const creates: [string, Record<string, unknown>][] = [
      ['/v1/transfers', { ...plain, id: String(plain['id']).toUpperCase() }],
      ['/v1/transfers', pendingTimed],
      ['/v1/transfers', pendingOpen],
      [
        `/v1/transfers/${String(pendingTimed['id'])}/post`,
        { id: transferBody(sbi, vtb)['id'], amount: '0.50' },
      ],
      [`/v1/transfers/${String(pendingOpen['id'])}/void`, { id: transferBody(sbi, vtb)['id'] }],
    ];
    for (const [url, body] of creates) {
      const created = await post(url, body);
      assert.equal(created.statusCode, 201, created.body);
      const read = await api.call({
        method: 'GET',
        url: `/v1/transfers/${String(created.json()['id'])}`,
      });
      assert.deepEqual(created.json(), read.json());
    }
  });

  it('maps ledger refusals to their status: 422 for limits, missing accounts, currencies; chain open', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [transferBody(funded, vtb), 422, 'exceeds_credits'],
      [transferBody('0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51', vtb), 422, 'debit_account_not_found'],
      [transferBody(sbi, vtb, { currency: 'RUB' }), 422, 'ledger_mismatch'],
      [transferBody(sbi, sbi), 422, 'accounts_must_be_different'],
      [transferBody(sbi, vtb, { linked: true }), 422, 'linked_event_chain_open'],
      [
        transferBody(sbi, vtb, { timeoutSeconds: 10 }),
        422,
        'timeout_reserved_for_pending_transfer',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const response = await post('/v1/transfers', payload);
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.json()['code'], code);
      assert.match(String(response.json()['detail']), /\w/);
    }
  });

  it('refuses amounts that are numbers, too precise, exponents, signed, zero or NaN, naming /amount', async () => {
    for (const amount of [
      100,
      '100.001',
      '1e3',
      '-5.00',
      '0',
      '0.00',
      'NaN',
      '',
      ' 1.00',
      '1,000.00',
      '99999999999999999999.00',
    ]) {
      const response = await post('/v1/transfers', transferBody(sbi, vtb, { amount }));
      assert.equal(response.statusCode, 400, `${JSON.stringify(amount)}: ${response.body}`);
      assert.equal(response.json()['errors'][0]['field'], '/amount');
    }
  });

  it('gets a transfer (200), an unknown one (404)', async () => {
    const body = transferBody(sbi, vtb);
    await post('/v1/transfers', body);
    assert.equal(
      (await api.call({ method: 'GET', url: `/v1/transfers/${String(body['id'])}` })).json()['id'],
      body['id'],
    );
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/transfers/0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51' }))
        .statusCode,
      404,
    );
  });

  it('posts part of a pending transfer, refuses a second post (409) and an unknown pending id (404)', async () => {
    const pending = transferBody(sbi, vtb, {
      amount: '500.00',
      pending: true,
      timeoutSeconds: 3600,
    });
    const reserved = await post('/v1/transfers', pending);
    assert.equal(reserved.json()['pendingStatus'], 'pending');
    assert.notEqual(reserved.json()['expiresAt'], null);
    const postBody = { id: transferBody(sbi, vtb)['id'], amount: '300.00' };
    const posted = await post(`/v1/transfers/${String(pending['id'])}/post`, postBody);
    assert.equal(posted.statusCode, 201, posted.body);
    assert.equal(posted.json()['kind'], 'post');
    assert.equal(posted.json()['amount'], '300.00');
    assert.equal(posted.json()['pendingId'], pending['id']);
    assert.equal(
      (await post(`/v1/transfers/${String(pending['id'])}/post`, postBody)).statusCode,
      200,
      'a retry of the post',
    );
    const second = await post(`/v1/transfers/${String(pending['id'])}/post`, {
      id: transferBody(sbi, vtb)['id'],
    });
    assert.equal(second.statusCode, 409);
    assert.equal(second.json()['code'], 'pending_transfer_already_posted');
    assert.equal(
      (await api.call({ method: 'GET', url: `/v1/transfers/${String(pending['id'])}` })).json()[
        'pendingStatus'
      ],
      'posted',
    );
    const unknown = await post('/v1/transfers/0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51/void', {
      id: transferBody(sbi, vtb)['id'],
    });
    assert.equal(unknown.statusCode, 404);
    const tooPrecise = await post(`/v1/transfers/${String(pending['id'])}/post`, {
      id: transferBody(sbi, vtb)['id'],
      amount: '1.001',
    });
    assert.equal(tooPrecise.statusCode, 400);
  });

  it('voids a pending transfer and releases the reserved amount', async () => {
    const [payer, payee] = await createAccounts(
      api,
      accountBody({ owner: 'void-a' }),
      accountBody({ owner: 'void-b' }),
    );
    const pending = transferBody(payer as string, payee as string, {
      amount: '70.00',
      pending: true,
    });
    await post('/v1/transfers', pending);
    const before = (
      await api.call({ method: 'GET', url: `/v1/accounts/${payer as string}/balance` })
    ).json();
    assert.equal(before['balances']['debitsPending'], '70.00');
    const voided = await post(`/v1/transfers/${String(pending['id'])}/void`, {
      id: transferBody(sbi, vtb)['id'],
    });
    assert.equal(voided.statusCode, 201, voided.body);
    assert.equal(voided.json()['kind'], 'void');
    const afterVoid = (
      await api.call({ method: 'GET', url: `/v1/accounts/${payer as string}/balance` })
    ).json();
    assert.equal(afterVoid['balances']['debitsPending'], '0.00');
    assert.equal(afterVoid['currency'], 'INR');
    assert.equal(
      (
        await api.call({
          method: 'GET',
          url: '/v1/accounts/0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51/balance',
        })
      ).statusCode,
      404,
    );
  });

  it('creates a batch with one result per item; a linked chain fails as a whole', async () => {
    const good = transferBody(sbi, vtb, { amount: '1.00' });
    const chainHead = transferBody(sbi, vtb, { linked: true });
    const chainBad = transferBody(funded, vtb);
    const response = await post('/v1/transfers/batch', {
      transfers: [good, chainHead, chainBad, good],
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.deepEqual(
      body['results'].map((row: { result: string }) => row.result),
      ['ok', 'linked_event_failed', 'exceeds_credits', 'exists'],
    );
    assert.deepEqual(
      body['results'].map((row: { status: number }) => row.status),
      [201, 422, 422, 200],
    );
    assert.equal(
      (await api.call({ method: 'GET', url: `/v1/transfers/${String(chainHead['id'])}` }))
        .statusCode,
      404,
    );
    const badItem = await post('/v1/transfers/batch', {
      transfers: [good, { ...good, amount: '1.234' }],
    });
    assert.equal(badItem.statusCode, 400);
    assert.equal(badItem.json()['errors'][0]['field'], '/transfers/1/amount');
  });

  it("lists an account's transfers newest first, a page at a time", async () => {
    const [from, to] = await createAccounts(
      api,
      accountBody({ owner: 'hist-a' }),
      accountBody({ owner: 'hist-b' }),
    );
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const body = transferBody(from as string, to as string, { amount: `${index + 1}.00` });
      await post('/v1/transfers', body);
      ids.push(String(body['id']));
    }
    const seen: string[] = [];
    let url = `/v1/accounts/${to as string}/transfers?limit=2`;
    for (let pages = 0; pages < 10 && url !== ''; pages += 1) {
      const page = (await api.call({ method: 'GET', url })).json();
      seen.push(...page['data'].map((transfer: { id: string }) => transfer.id));
      url =
        page['next'] === null
          ? ''
          : `/v1/accounts/${to as string}/transfers?limit=2&before=${String(page['next'])}`;
    }
    assert.deepEqual(seen, [...ids].reverse());
    assert.equal(
      (
        await api.call({
          method: 'GET',
          url: '/v1/accounts/0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51/transfers',
        })
      ).statusCode,
      404,
    );
  });
});
