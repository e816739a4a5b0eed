import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import { Hub } from '../hub/hub.js';
import { newAccountId, newTransferId } from '../ledger/ids.js';
import { participantAccountId } from '../participants/accounts.js';
import {
  accountBody,
  assertVerified,
  createAccounts,
  openTestApi,
  transferBody,
  type TestApi,
  type JsonBody,
} from './api.test-helper.js';

/**
 * Issue 12, items 2 and 3 at the HTTP edge (SQLite): a string that no store can hold exactly (a
 * NUL, an unpaired UTF-16 surrogate) is refused wherever it is in the request — body, query, path —
 * with 400 naming the field, and nothing is written; a control character in a one-line label
 * (owner, reference, participant name, key label) likewise; everything accepted reads back exactly.
 */
describe('API edge: text the stores cannot hold', () => {
  let api: TestApi;
  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 });
    await new Hub(api.ledger, api.participants).open(['INR'], CLI_ACTOR);
    for (const id of ['sbi', 'bob']) {
      assert.equal(
        (
          await api.call({
            method: 'POST',
            url: '/v1/participants',
            payload: {
              id,
              name: id.toUpperCase(),
              kind: 'bank',
              country: 'IN',
              currencies: ['INR'],
            },
          })
        ).statusCode,
        201,
      );
      assert.equal(
        (
          await api.call({
            method: 'POST',
            url: '/v1/payments/fund',
            payload: {
              id: newTransferId(),
              account: participantAccountId(id, 'INR', 'settlement'),
              amount: '10000.00',
            },
          })
        ).statusCode,
        201,
      );
      assert.equal(
        (
          await api.call({
            method: 'PUT',
            url: `/v1/participants/${id}/caps/INR`,
            payload: { cap: '10000.00' },
          })
        ).statusCode,
        200,
      );
    }
  });
  after(async () => {
    await assertVerified(api.store);
    await api.close();
  });

  /** A raw JSON body, so that escapes such as \u0000 and \ud800 reach the server as written. */
  const post = (url: string, json: string) =>
    api.call({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: json,
    });
  const refusal = (
    response: { statusCode: number; json(): JsonBody },
    field: string,
    reason: RegExp,
    code = 'invalid_text',
  ): void => {
    const body = response.json();
    assert.equal(response.statusCode, 400, JSON.stringify(body));
    assert.equal(body['code'], code, JSON.stringify(body));
    assert.equal(body['errors'][0]['field'], field, JSON.stringify(body));
    assert.match(body['errors'][0]['reason'], reason);
    assert.ok(String(body['detail']).startsWith(`${field}: `), body['detail']);
  };
  const NUL = /U\+0000 \(NUL\)/;
  const SURROGATE = /unpaired UTF-16 surrogate \(U\+D800\)/;
  const CONTROL = /plain text/;

  it('refuses an account whose reference is a lone surrogate (item 3): 400 /reference, nothing written, the journal still verifies', async () => {
    const before = await api.store.counts();
    const id = newAccountId();
    refusal(
      await post(
        '/v1/accounts',
        `{"id":"${id}","owner":"sbi","currency":"INR","kind":"settlement","reference":"\\ud800"}`,
      ),
      '/reference',
      SURROGATE,
    );
    refusal(
      await post(
        '/v1/accounts',
        `{"id":"${id}","owner":"sbi","currency":"INR","kind":"settlement","reference":"x\\u0000y"}`,
      ),
      '/reference',
      NUL,
    );
    refusal(
      await post(
        '/v1/accounts',
        `{"id":"${id}","owner":"s\\u0000bi","currency":"INR","kind":"settlement"}`,
      ),
      '/owner',
      NUL,
    );
    assert.deepEqual(await api.store.counts(), before);
    assert.equal((await api.call({ method: 'GET', url: `/v1/accounts/${id}` })).statusCode, 404);
    await assertVerified(api.store);
  });

  it('names the item of a batch, a property name (as a JSON Pointer, escaped) and refuses before the schema does', async () => {
    const [a, b] = await createAccounts(api, accountBody(), accountBody());
    const items = [0, 1, 2].map((index) =>
      JSON.stringify(transferBody(a as string, b as string, { reference: `ok ${index}` })),
    );
    items[2] = items[2]!.replace('"ok 2"', '"\\udc00 trailing"');
    const before = await api.store.counts();
    refusal(
      await post('/v1/transfers/batch', `{"transfers":[${items.join(',')}]}`),
      '/transfers/2/reference',
      /unpaired UTF-16 surrogate \(U\+DC00\)/,
    );
    refusal(
      await post(
        '/v1/accounts',
        `{"id":"${newAccountId()}","owner":"sbi","currency":"INR","kind":"settlement","a/b~\\u0000":1}`,
      ),
      '/a~1b~0\u0000',
      /^the property name contains U\+0000/,
    );
    // A wrong type elsewhere in the body does not hide the text: the text is looked at first.
    refusal(
      await post(
        '/v1/accounts',
        `{"id":7,"owner":"sbi","currency":"INR","kind":"settlement","reference":"\\u0000"}`,
      ),
      '/reference',
      NUL,
    );
    assert.deepEqual(await api.store.counts(), before);
  });

  it('refuses a NUL in a query string or a path parameter, naming it query.… or path.…', async () => {
    refusal(await api.call({ method: 'GET', url: '/v1/audit?actor=a%00b' }), 'query.actor', NUL);
    refusal(await api.call({ method: 'GET', url: '/v1/accounts?owner=%00' }), 'query.owner', NUL);
    refusal(await api.call({ method: 'GET', url: '/v1/participants/a%00b' }), 'path.id', NUL);
  });

  it('answers a path whose percent-encoding is not UTF-8 (a lone surrogate encoded) with a 400 problem document', async () => {
    const response = await api.call({ method: 'GET', url: '/v1/participants/%ED%A0%80' });
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(response.json()['code'], 'invalid_url');
  });

  it('refuses control characters in owners, references, participant names and key labels (400, the field named)', async () => {
    const before = await api.store.counts();
    const plain = (response: { statusCode: number; json(): JsonBody }, field: string): void => {
      const body = response.json();
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(body['errors'][0]['field'], field, JSON.stringify(body));
      assert.match(body['errors'][0]['reason'], CONTROL, JSON.stringify(body));
    };
    plain(
      await api.call({
        method: 'POST',
        url: '/v1/accounts',
        payload: accountBody({ reference: 'line\nbreak' }),
      }),
      '/reference',
    );
    plain(
      await api.call({
        method: 'POST',
        url: '/v1/accounts',
        payload: accountBody({ owner: 'sbi\u001b[2J' }),
      }),
      '/owner',
    );
    plain(
      await api.call({
        method: 'POST',
        url: '/v1/participants',
        payload: {
          id: 'esc',
          name: 'Bank\u0085',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        },
      }),
      '/name',
    );
    plain(
      await api.call({
        method: 'POST',
        url: '/v1/keys',
        payload: { role: 'auditor', label: 'tab\there' },
      }),
      '/label',
    );
    const payer = participantAccountId('sbi', 'INR', 'settlement');
    const payee = participantAccountId('bob', 'INR', 'settlement');
    plain(
      await api.call({
        method: 'POST',
        url: '/v1/payments',
        payload: { id: newTransferId(), payer, payee, amount: '1.00', reference: 'a\u007fb' },
      }),
      '/reference',
    );
    assert.deepEqual(await api.store.counts(), before);
  });

  it('stores what it accepts exactly: astral characters up to 64 code points, backslash escapes as text, format characters', async () => {
    const emoji = '\u{1F4B8}'.repeat(64);
    const texts = [
      emoji,
      '\\u0000 is six characters',
      'زرمبادله \u200f(rtl)\u200e',
      '\ufffd\ufeff\u2028',
      'रुपया → рубль',
    ];
    for (const reference of texts) {
      const body = accountBody({ reference });
      const created = await api.call({ method: 'POST', url: '/v1/accounts', payload: body });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json()['reference'], reference);
      assert.equal(
        (await api.call({ method: 'GET', url: `/v1/accounts/${String(body['id'])}` })).json()[
          'reference'
        ],
        reference,
      );
      assert.equal(
        (await api.call({ method: 'POST', url: '/v1/accounts', payload: body })).statusCode,
        200,
        'an identical retry is exists',
      );
    }
    refusal(
      await api.call({
        method: 'POST',
        url: '/v1/accounts',
        payload: accountBody({ reference: '\u{1F4B8}'.repeat(65) }),
      }),
      '/reference',
      /64/,
      'invalid_request',
    );
    await assertVerified(api.store);
  });

  it('a payment keeps its reference whole and an identical retry is idempotent, whatever the characters (item 3)', async () => {
    const payer = participantAccountId('sbi', 'INR', 'settlement');
    const payee = participantAccountId('bob', 'INR', 'settlement');
    // 33 code points, 65 UTF-16 code units: cutting at 64 code units would leave half of the last emoji.
    for (const reference of [`a${'\u{1F4B8}'.repeat(32)}`, '\u{1F4B8}'.repeat(64)]) {
      const payment = { id: newTransferId(), payer, payee, amount: '1.00', reference };
      const paid = await api.call({ method: 'POST', url: '/v1/payments', payload: payment });
      assert.equal(paid.statusCode, 201, paid.body);
      const again = await api.call({ method: 'POST', url: '/v1/payments', payload: payment });
      assert.equal(again.statusCode, 200, again.body);
      const stored = await api.call({ method: 'GET', url: `/v1/transfers/${payment.id}` });
      assert.equal(stored.json()['reference'], reference);
    }
    await assertVerified(api.store);
  });
});
