import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { Hub } from '../../hub/hub.js';
import { manualClock } from '../../ledger/clock.js';
import { newAccountId, newTransferId } from '../../ledger/ids.js';
import { participantAccountId } from '../../participants/accounts.js';
import { ParticipantRegistry } from '../../participants/registry.js';
import { assertVerified, openTestApi, transferBody, type TestApi } from '../api.test-helper.js';

/**
 * Hostile participants on the payment and FX routes: a participant key may post or void only its
 * own genuine payments (never a raw transfer, never an FX quote's legs), a quote's state and its
 * legs never disagree (not even when the legs time out), the client cannot choose a quote
 * lifetime past the provider's maximum, a participant cannot pay into the hub's own accounts, and
 * a payee account that may not receive the payment gets one answer whether or not it exists.
 * Time is a manual clock, so that timeouts are stepped through rather than waited for.
 */
describe('settlement API: what a participant key may pay, post, void and quote', () => {
  let api: TestApi;
  let hub: Hub;
  const clock = manualClock(BigInt(Date.now()) * 1_000_000n);
  const keys: Record<string, string> = {};
  const inr = (
    participant: string,
    role: Parameters<typeof participantAccountId>[2] = 'settlement',
  ) => participantAccountId(participant, 'INR', role);
  const rub = (
    participant: string,
    role: Parameters<typeof participantAccountId>[2] = 'settlement',
  ) => participantAccountId(participant, 'RUB', role);

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 }, { clock });
    hub = new Hub(api.ledger, api.participants);
    await hub.open(['INR', 'RUB'], CLI_ACTOR);
    const banks = [
      ['sbi', 'IN', ['INR']],
      ['bob', 'IN', ['INR']],
      ['vtb', 'RU', ['RUB']],
      ['gone', 'IN', ['INR']],
    ] as const;
    for (const [id, country, currencies] of banks)
      await api.participants.create(
        { id, name: id.toUpperCase(), kind: 'bank', country, currencies: [...currencies] },
        CLI_ACTOR,
      );
    await api.participants.create(
      {
        id: 'fxp',
        name: 'FX Provider',
        kind: 'fx_provider',
        country: 'IN',
        currencies: ['INR', 'RUB'],
      },
      CLI_ACTOR,
    );
    for (const id of ['sbi', 'bob', 'vtb', 'fxp']) keys[id] = await api.issueKey('participant', id);
    for (const account of [
      inr('sbi'),
      inr('bob'),
      rub('vtb'),
      rub('fxp', 'fx_liquidity'),
      inr('fxp', 'fx_liquidity'),
    ]) {
      await hub.payments.fund(
        { id: newTransferId(), account, amount: 1_000_000_00n, reference: 'tests' },
        CLI_ACTOR,
      );
    }
    for (const [bank, currency] of [
      ['sbi', 'INR'],
      ['bob', 'INR'],
      ['fxp', 'RUB'],
      ['fxp', 'INR'],
    ] as const)
      await hub.caps.set(bank, currency, 100_000_00n, CLI_ACTOR);
    await hub.fx.setRate(
      { source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-20' },
      CLI_ACTOR,
    );
    await api.participants.setStatus('gone', 'suspended', CLI_ACTOR);
  });
  after(async () => {
    await assertVerified(api.store);
    await api.close();
  });

  const call = (
    key: string,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: Record<string, unknown>,
  ) => api.call({ method, url, key, ...(payload === undefined ? {} : { payload }) });
  const pay = (key: string, payload: Record<string, unknown>) =>
    call(key, 'POST', '/v1/payments', { id: newTransferId(), amount: '1.00', ...payload });
  const pendingOf = async (id: string) =>
    (await api.ledger.lookupTransfers([id as never]))[0]?.pendingStatus;
  /** A problem document with its ids replaced, for word-for-word comparisons. */
  const shape = (body: Record<string, unknown>, ...ids: string[]) => {
    let text = JSON.stringify({ ...body, instance: undefined, requestId: undefined });
    for (const id of ids) text = text.replaceAll(id, '<id>');
    return text;
  };
  const quote = async (key: string, extra: Record<string, unknown> = {}) => {
    const response = await call(key, 'POST', '/v1/fx/quotes', {
      provider: 'fxp',
      source: 'INR',
      target: 'RUB',
      fixed: 'source',
      amount: '100.00',
      ...extra,
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };
  const reserve = async (key: string) => {
    const id = String((await quote(key))['id']);
    const reserved = await call(key, 'POST', `/v1/fx/quotes/${id}/execute`, {
      payer: inr('sbi'),
      payee: rub('vtb'),
      pending: true,
    });
    assert.equal(reserved.statusCode, 200, reserved.body);
    assert.equal(reserved.json()['status'], 'reserved');
    return id;
  };

  describe('item 5: post and void reach only genuine payments of the participant', () => {
    it('a raw pending transfer the operator made on the participant’s account is 404 through /payments, for the participant and the operator', async () => {
      const raw = transferBody(inr('sbi'), inr('bob'), {
        amount: '5.00',
        code: 1,
        pending: true,
        timeoutSeconds: 3600,
      });
      assert.equal(
        (await api.call({ method: 'POST', url: '/v1/transfers', payload: raw })).statusCode,
        201,
      );
      const id = String(raw['id']);
      const missing = newTransferId();
      for (const action of ['void', 'post']) {
        const hostile = await call(keys['sbi'] as string, 'POST', `/v1/payments/${id}/${action}`);
        const absent = await call(
          keys['sbi'] as string,
          'POST',
          `/v1/payments/${missing}/${action}`,
        );
        assert.deepEqual(
          [hostile.statusCode, hostile.json()['code']],
          [404, 'payment_not_found'],
          hostile.body,
        );
        assert.equal(
          shape(hostile.json(), id),
          shape(absent.json(), missing),
          'word for word the answer for a missing payment',
        );
        const operator = await api.call({ method: 'POST', url: `/v1/payments/${id}/${action}` });
        assert.deepEqual(
          [operator.statusCode, operator.json()['code']],
          [404, 'payment_not_found'],
          operator.body,
        );
      }
      assert.equal(await pendingOf(id), 'pending', 'the raw transfer is untouched');
    });

    it('a reserved quote’s legs cannot be voided or posted through /payments; the quote stays reserved and its own routes still work', async () => {
      const id = await reserve(keys['sbi'] as string);
      for (const action of ['void', 'post']) {
        for (const key of [keys['sbi'] as string, api.operatorKey]) {
          const hostile = await call(key, 'POST', `/v1/payments/${id}/${action}`);
          assert.deepEqual(
            [hostile.statusCode, hostile.json()['code']],
            [404, 'payment_not_found'],
            hostile.body,
          );
        }
      }
      assert.equal(await pendingOf(id), 'pending');
      assert.equal(
        (await call(keys['sbi'] as string, 'GET', `/v1/fx/quotes/${id}`)).json()['status'],
        'reserved',
      );
      const posted = await call(keys['sbi'] as string, 'POST', `/v1/fx/quotes/${id}/post`);
      assert.deepEqual(
        [posted.statusCode, posted.json()['status']],
        [200, 'executed'],
        posted.body,
      );
      assert.equal(await pendingOf(id), 'posted');
    });

    it('the payer’s own pending payment: its key voids it (a retry is idempotent, a later post 409); the payee and other banks get 404', async () => {
      const own = await pay(keys['sbi'] as string, {
        payer: inr('sbi'),
        payee: inr('bob'),
        pending: true,
      });
      assert.equal(own.statusCode, 201, own.body);
      const id = String(own.json()['id']);
      for (const key of [keys['bob'] as string, keys['vtb'] as string]) {
        const refused = await call(key, 'POST', `/v1/payments/${id}/void`);
        assert.deepEqual(
          [refused.statusCode, refused.json()['code']],
          [404, 'payment_not_found'],
          refused.body,
        );
      }
      const voided = await call(keys['sbi'] as string, 'POST', `/v1/payments/${id}/void`);
      assert.deepEqual([voided.statusCode, voided.json()['status']], [200, 'created'], voided.body);
      assert.equal(await pendingOf(id), 'voided');
      const again = await call(keys['sbi'] as string, 'POST', `/v1/payments/${id}/void`);
      assert.deepEqual(
        [again.statusCode, again.json()['status']],
        [200, 'exists'],
        'a retry of the void',
      );
      const post = await call(keys['sbi'] as string, 'POST', `/v1/payments/${id}/post`);
      assert.deepEqual(
        [post.statusCode, post.json()['code']],
        [409, 'payment_not_pending'],
        post.body,
      );
    });

    it('a pending payment the operator reserved on the participant’s account is the operator’s to post or void', async () => {
      const byOperator = await api.call({
        method: 'POST',
        url: '/v1/payments',
        payload: {
          id: newTransferId(),
          payer: inr('sbi'),
          payee: inr('bob'),
          amount: '2.00',
          pending: true,
        },
      });
      assert.equal(byOperator.statusCode, 201, byOperator.body);
      const operatorId = String(byOperator.json()['id']);
      const hostile = await call(keys['sbi'] as string, 'POST', `/v1/payments/${operatorId}/void`);
      assert.deepEqual(
        [hostile.statusCode, hostile.json()['code']],
        [404, 'payment_not_found'],
        hostile.body,
      );
      const posted = await api.call({ method: 'POST', url: `/v1/payments/${operatorId}/post` });
      assert.deepEqual([posted.statusCode, posted.json()['status']], [200, 'created'], posted.body);
    });

    it('a pending payment whose timeout passed: post is 409 payment_not_pending and nothing moves', async () => {
      const paid = await pay(keys['sbi'] as string, {
        payer: inr('sbi'),
        payee: inr('bob'),
        pending: true,
        timeoutSeconds: 30,
      });
      assert.equal(paid.statusCode, 201, paid.body);
      const id = String(paid.json()['id']);
      clock.advanceSeconds(31);
      const [before] = await api.ledger.lookupAccounts([inr('bob')]);
      const post = await call(keys['sbi'] as string, 'POST', `/v1/payments/${id}/post`);
      assert.deepEqual(
        [post.statusCode, post.json()['code']],
        [409, 'payment_not_pending'],
        post.body,
      );
      assert.match(post.json()['detail'], /expired/);
      const [afterwards] = await api.ledger.lookupAccounts([inr('bob')]);
      assert.equal(afterwards?.creditsPosted, before?.creditsPosted);
      const voided = await call(keys['sbi'] as string, 'POST', `/v1/payments/${id}/void`);
      assert.deepEqual(
        [voided.statusCode, voided.json()['code']],
        [409, 'payment_not_pending'],
        voided.body,
      );
    });

    it('a reserved quote whose legs timed out reads as expired, and its post and void are 409 quote_expired', async () => {
      const id = await reserve(keys['sbi'] as string);
      const reserved = (await call(keys['sbi'] as string, 'GET', `/v1/fx/quotes/${id}`)).json();
      assert.equal(reserved['status'], 'reserved');
      const [leg] = await api.ledger.lookupTransfers([id as never]);
      assert.equal(
        leg?.timeoutSeconds,
        300,
        'a reservation holds for the provider’s maximum lifetime after the quote was made',
      );
      assert.equal(
        Date.parse(String(reserved['reservedUntil'])),
        Number((leg.expiresAt ?? 0n) / 1_000_000n),
      );
      clock.advanceSeconds(301);
      const read = await call(keys['sbi'] as string, 'GET', `/v1/fx/quotes/${id}`);
      assert.equal(read.json()['status'], 'expired', read.body);
      for (const action of ['post', 'void']) {
        const refused = await call(keys['sbi'] as string, 'POST', `/v1/fx/quotes/${id}/${action}`);
        assert.deepEqual(
          [refused.statusCode, refused.json()['code']],
          [409, 'quote_expired'],
          refused.body,
        );
      }
      assert.equal(
        (await call(keys['sbi'] as string, 'GET', `/v1/fx/quotes/${id}`)).json()['status'],
        'expired',
      );
      assert.equal(
        (await api.store.getRecords('quotes', [id])).get(id)?.value['status'],
        'expired',
        'the stored quote says so too',
      );
      assert.equal(await pendingOf(id), 'expired');
    });
  });

  describe('item 6: the provider (or the operator) bounds a quote’s lifetime', () => {
    it('the default lifetime is 60 s; a client asking past the hub-wide maximum is refused, naming ttlSeconds and the maximum', async () => {
      const plain = await quote(keys['sbi'] as string);
      const nowMs = Number(clock.nowNs() / 1_000_000n);
      assert.equal(Date.parse(String(plain['expiresAt'])) - nowMs, 60_000);
      const long = await call(keys['sbi'] as string, 'POST', '/v1/fx/quotes', {
        provider: 'fxp',
        source: 'INR',
        target: 'RUB',
        fixed: 'source',
        amount: '100.00',
        ttlSeconds: 86_400,
      });
      assert.equal(long.statusCode, 400, long.body);
      assert.equal(long.json()['errors'][0]['field'], '/ttlSeconds');
      assert.match(long.json()['detail'], /at most 300\b/);
      assert.equal(
        (await quote(keys['sbi'] as string, { ttlSeconds: 300 }))['status'],
        'open',
        'the maximum itself is accepted',
      );
    });

    it('the provider’s key sets its maximum (audited); quotes follow it; other participants cannot set it', async () => {
      const set = await call(keys['fxp'] as string, 'PUT', '/v1/fx/providers/fxp/quote-lifetime', {
        maxTtlSeconds: 30,
      });
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual(set.json(), { provider: 'fxp', maxTtlSeconds: 30, defaultTtlSeconds: 30 });
      const short = await quote(keys['sbi'] as string);
      assert.equal(
        Date.parse(String(short['expiresAt'])) - Number(clock.nowNs() / 1_000_000n),
        30_000,
        'the default is cut to the maximum',
      );
      const refused = await call(keys['sbi'] as string, 'POST', '/v1/fx/quotes', {
        provider: 'fxp',
        source: 'INR',
        target: 'RUB',
        fixed: 'source',
        amount: '100.00',
        ttlSeconds: 31,
      });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(refused.json()['detail'], /at most 30\b/);
      const hostile = await call(
        keys['sbi'] as string,
        'PUT',
        '/v1/fx/providers/fxp/quote-lifetime',
        { maxTtlSeconds: 86_400 },
      );
      assert.deepEqual(
        [hostile.statusCode, hostile.json()['code']],
        [404, 'participant_not_found'],
        hostile.body,
      );
      const notProvider = await call(
        keys['sbi'] as string,
        'PUT',
        '/v1/fx/providers/sbi/quote-lifetime',
        { maxTtlSeconds: 60 },
      );
      assert.deepEqual(
        [notProvider.statusCode, notProvider.json()['code']],
        [422, 'participant_kind_mismatch'],
        notProvider.body,
      );
      const operator = await api.call({
        method: 'PUT',
        url: '/v1/fx/providers/fxp/quote-lifetime',
        payload: { maxTtlSeconds: 3600 },
      });
      assert.equal(operator.statusCode, 200, operator.body);
      assert.equal(
        (await call(keys['vtb'] as string, 'GET', '/v1/fx/providers/fxp/quote-lifetime')).json()[
          'maxTtlSeconds'
        ],
        3600,
      );
      assert.equal((await quote(keys['sbi'] as string, { ttlSeconds: 3600 }))['status'], 'open');
      const audit = (await api.store.auditEntries({ limit: 100_000 })).filter(
        (entry) => entry.action === 'fx.providers.quote_lifetime',
      );
      assert.deepEqual(
        audit.map((entry) => [
          entry.actor,
          entry.detail['max_ttl_seconds'],
          entry.detail['previous'],
        ]),
        [
          ['fxp', 30, 300],
          ['operator', 3600, 30],
        ],
      );
      assert.equal(
        (
          await api.call({
            method: 'PUT',
            url: '/v1/fx/providers/fxp/quote-lifetime',
            payload: { maxTtlSeconds: 300 },
          })
        ).statusCode,
        200,
      );
    });
  });

  describe('item 9: paying into the hub’s accounts, and probing other participants’ accounts', () => {
    it('a participant key cannot pay into the hub’s own accounts: refused like an account that does not exist, nothing moves', async () => {
      const counts = await api.store.counts();
      const missing = newAccountId();
      const absent = await pay(keys['sbi'] as string, { payer: inr('sbi'), payee: missing });
      assert.equal(absent.statusCode, 422, absent.body);
      for (const role of ['fees', 'suspense', 'hub_settlement', 'cap_source'] as const) {
        const payee = inr('hub', role);
        const refused = await pay(keys['sbi'] as string, { payer: inr('sbi'), payee });
        assert.equal(
          shape(refused.json(), payee),
          shape(absent.json(), missing),
          `${role}: ${refused.body}`,
        );
      }
      assert.deepEqual(await api.store.counts(), counts);
    });

    it('a payee that may not receive gets one answer whether or not it exists (cap account, other currency, suspended bank, hub account)', async () => {
      const missing = newAccountId();
      const absent = await pay(keys['sbi'] as string, {
        payer: inr('sbi'),
        payee: missing,
        amount: '999999999.00',
      });
      assert.deepEqual(
        [absent.statusCode, absent.json()['code'], absent.json()['errors'][0]['field']],
        [422, 'account_not_found', '/payee'],
        absent.body,
      );
      for (const payee of [
        inr('bob', 'cap'),
        rub('vtb'),
        inr('gone'),
        inr('hub', 'fees'),
        participantAccountId('vtb', 'RUB', 'cap'),
      ]) {
        const refused = await pay(keys['sbi'] as string, {
          payer: inr('sbi'),
          payee,
          amount: '999999999.00',
        });
        assert.equal(shape(refused.json(), payee), shape(absent.json(), missing), refused.body);
      }
      const legit = await pay(keys['sbi'] as string, { payer: inr('sbi'), payee: inr('bob') });
      assert.equal(legit.statusCode, 201, 'paying another bank is the point');
    });

    it('the refusal takes the same path for an id that exists as for one that does not (the same reads of the participant directory), for the payee and for a foreign payer', async () => {
      const store = api.store;
      const listRecords = store.listRecords.bind(store);
      const getRecords = store.getRecords.bind(store);
      let reads: string[] = [];
      store.listRecords = async (query) => {
        if (query.collection === 'participants') reads.push('list participants');
        return listRecords(query);
      };
      store.getRecords = async (collection, keys) => {
        if (collection === 'directory') reads.push('directory version');
        return getRecords(collection, keys);
      };
      const directoryReads = async (payload: Record<string, unknown>): Promise<string> => {
        reads = [];
        const response = await pay(keys['sbi'] as string, payload);
        assert.equal(response.statusCode, 422, response.body);
        return reads.join(', ');
      };
      try {
        const missing = await directoryReads({ payer: inr('sbi'), payee: newAccountId() });
        assert.equal(
          missing,
          'directory version',
          'an unknown id checks whether the directory changed, and reads no participant when it did not',
        );
        for (const payee of [inr('bob', 'cap'), rub('vtb'), inr('gone'), inr('hub', 'fees')])
          assert.equal(await directoryReads({ payer: inr('sbi'), payee }), missing, payee);
        const missingPayer = await directoryReads({ payer: newAccountId(), payee: inr('sbi') });
        assert.equal(
          await directoryReads({ payer: inr('bob'), payee: inr('sbi') }),
          missingPayer,
          'another bank’s account as the payer',
        );
        // A flood of unknown ids reads no participant at all while the directory is unchanged.
        reads = [];
        for (let index = 0; index < 50; index += 1)
          await pay(keys['sbi'] as string, { payer: inr('sbi'), payee: newAccountId() });
        assert.equal(reads.filter((read) => read === 'list participants').length, 0);
      } finally {
        store.listRecords = listRecords;
        store.getRecords = getRecords;
      }
    });

    it('a participant added by another registry over the same ledger (another process) is found by the next payment to it', async () => {
      const other = new ParticipantRegistry(api.ledger);
      await other.create(
        { id: 'late', name: 'Late Bank', kind: 'bank', country: 'IN', currencies: ['INR'] },
        CLI_ACTOR,
      );
      const paid = await pay(keys['sbi'] as string, { payer: inr('sbi'), payee: inr('late') });
      assert.equal(paid.statusCode, 201, paid.body);
    });

    it('FX: a participant cannot pay out of its cap account, and the payee answer does not tell what exists', async () => {
      const id = String((await quote(keys['sbi'] as string))['id']);
      const counts = await api.store.counts();
      const fromCap = await call(keys['sbi'] as string, 'POST', `/v1/fx/quotes/${id}/execute`, {
        payer: inr('sbi', 'cap'),
        payee: rub('vtb'),
      });
      assert.deepEqual(
        [fromCap.statusCode, fromCap.json()['code']],
        [422, 'account_role_mismatch'],
        fromCap.body,
      );
      const missing = newAccountId();
      const absent = await call(keys['sbi'] as string, 'POST', `/v1/fx/quotes/${id}/execute`, {
        payer: inr('sbi'),
        payee: missing,
      });
      assert.deepEqual(
        [absent.statusCode, absent.json()['code']],
        [422, 'account_not_found'],
        absent.body,
      );
      for (const payee of [rub('vtb', 'cap'), inr('bob'), rub('hub', 'fees')]) {
        const refused = await call(keys['sbi'] as string, 'POST', `/v1/fx/quotes/${id}/execute`, {
          payer: inr('sbi'),
          payee,
        });
        assert.equal(shape(refused.json(), payee), shape(absent.json(), missing), refused.body);
      }
      assert.deepEqual(await api.store.counts(), counts, 'nothing written');
      assert.equal(
        (await call(keys['sbi'] as string, 'GET', `/v1/fx/quotes/${id}`)).json()['status'],
        'open',
      );
    });
  });
});
