import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { newAccountId, newTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { participantAccountId } from '../participants/accounts.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { JsonBody } from './api.test-helper.js';
import { buildServer } from './server.js';

/**
 * Issue 12, item 2 on PostgreSQL, whose `text` and `jsonb` cannot hold U+0000: one request among
 * many concurrent ones carries a NUL (or a lone surrogate) in a string. That request alone is
 * refused with 400 naming the field; every other request of the same moment succeeds.
 */
await postgresTests('text the stores cannot hold, on postgres', (schemas) => {
  const CONCURRENT = 36;

  interface Harness {
    readonly app: FastifyInstance;
    readonly store: PostgresStore;
    call: (
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      payload?: unknown,
    ) => Promise<{ status: number; body: JsonBody }>;
  }

  const withApi = async (body: (harness: Harness) => Promise<void>): Promise<void> => {
    const store = await PostgresStore.open({ url: schemas.next(), poolMax: 4 });
    try {
      const ledger = new Ledger(store);
      const keys = new ApiKeys(ledger);
      const app = await buildServer({ ledger, store, keys, limits: { rateLimitPerSecond: 0 } });
      const operator = (await keys.issue({ role: 'operator', label: 'pg' }, CLI_ACTOR)).key;
      const call: Harness['call'] = async (method, url, payload) => {
        const response = await app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${operator}` },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
        return { status: response.statusCode, body: response.json<JsonBody>() };
      };
      await new ParticipantRegistry(ledger).ensureHub(['INR', 'RUB'], CLI_ACTOR);
      await body({ app, store, call });
      await app.close();
      assert.deepEqual((await verifyLedger(store)).problems, [], 'the verifier passes');
    } finally {
      await store.close();
    }
  };

  const assertRefusedField = (
    response: { status: number; body: JsonBody },
    field: string,
  ): void => {
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.equal(response.body['errors']?.[0]?.field, field, JSON.stringify(response.body));
  };

  it('a NUL in one of many concurrent transfers refuses that transfer alone (400 /reference)', async () => {
    await withApi(async ({ call, store }) => {
      const a = newAccountId();
      const b = newAccountId();
      for (const id of [a, b])
        assert.equal(
          (
            await call('POST', '/v1/accounts', {
              id,
              owner: 'sbi',
              currency: 'INR',
              kind: 'settlement',
            })
          ).status,
          201,
        );
      const bad = Math.floor(CONCURRENT / 2);
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, index) =>
          call('POST', '/v1/transfers', {
            id: newTransferId(),
            debitAccountId: a,
            creditAccountId: b,
            amount: '1.00',
            currency: 'INR',
            code: 1,
            reference: index === bad ? 'x\u0000y' : `t${index}`,
          }),
        ),
      );
      assertRefusedField(responses[bad]!, '/reference');
      assert.deepEqual(
        responses.filter((_, index) => index !== bad).map((response) => response.status),
        new Array(CONCURRENT - 1).fill(201),
      );
      assert.equal((await store.counts()).transfers, CONCURRENT - 1);
    });
  });

  it('a NUL or a lone surrogate in one of many concurrent FX executions refuses that execution alone', async () => {
    await withApi(async ({ call }) => {
      for (const [id, country, kind, currencies] of [
        ['sbi', 'IN', 'bank', ['INR']],
        ['vtb', 'RU', 'bank', ['RUB']],
        ['fxp', 'IN', 'fx_provider', ['INR', 'RUB']],
      ] as const) {
        assert.equal(
          (
            await call('POST', '/v1/participants', {
              id,
              name: id.toUpperCase(),
              kind,
              country,
              currencies,
            })
          ).status,
          201,
        );
      }
      for (const [participant, currency, role] of [
        ['sbi', 'INR', 'settlement'],
        ['fxp', 'INR', 'fx_liquidity'],
        ['fxp', 'RUB', 'fx_liquidity'],
      ] as const) {
        assert.equal(
          (
            await call('POST', '/v1/payments/fund', {
              id: newTransferId(),
              account: participantAccountId(participant, currency, role),
              amount: '1000000.00',
            })
          ).status,
          201,
        );
      }
      for (const [participant, currency] of [
        ['sbi', 'INR'],
        ['fxp', 'RUB'],
      ] as const)
        assert.equal(
          (
            await call('PUT', `/v1/participants/${participant}/caps/${currency}`, {
              cap: '1000000.00',
            })
          ).status,
          200,
        );
      assert.equal(
        (
          await call('PUT', '/v1/fx/rates', {
            source: 'INR',
            target: 'RUB',
            rate: '1.0734',
            asOf: '2026-11-20',
          })
        ).status,
        200,
      );
      assert.equal(
        (
          await call('PUT', '/v1/fx/spreads', {
            provider: 'fxp',
            source: 'INR',
            target: 'RUB',
            spreadBps: 25,
          })
        ).status,
        200,
      );
      const quotes: string[] = [];
      for (let index = 0; index < CONCURRENT; index += 1) {
        const quote = await call('POST', '/v1/fx/quotes', {
          provider: 'fxp',
          source: 'INR',
          target: 'RUB',
          fixed: 'source',
          amount: '10.00',
          ttlSeconds: 300,
        });
        assert.equal(quote.status, 201, JSON.stringify(quote.body));
        quotes.push(String(quote.body['id']));
      }
      const nul = 7;
      const surrogate = 23;
      const reference = (index: number): string =>
        index === nul ? 'x\u0000y' : index === surrogate ? 'pay \ud800' : `fx ${index}`;
      const responses = await Promise.all(
        quotes.map((quote, index) =>
          call('POST', `/v1/fx/quotes/${quote}/execute`, {
            payer: participantAccountId('sbi', 'INR', 'settlement'),
            payee: participantAccountId('vtb', 'RUB', 'settlement'),
            reference: reference(index),
          }),
        ),
      );
      assertRefusedField(responses[nul]!, '/reference');
      assertRefusedField(responses[surrogate]!, '/reference');
      const others = responses.filter((_, index) => index !== nul && index !== surrogate);
      assert.deepEqual(
        others.map((response) => response.status),
        new Array(CONCURRENT - 2).fill(200),
        JSON.stringify(others.find((response) => response.status !== 200)?.body),
      );
      // The refused quotes were not used: they can still be executed with a clean reference.
      const retried = await call('POST', `/v1/fx/quotes/${quotes[nul]}/execute`, {
        payer: participantAccountId('sbi', 'INR', 'settlement'),
        payee: participantAccountId('vtb', 'RUB', 'settlement'),
        reference: 'xy',
      });
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
    });
  });

  it('a NUL in a participant name or an account owner is 400 naming the field, and the others of the moment succeed', async () => {
    await withApi(async ({ call, store }) => {
      const before = await store.counts();
      const responses = await Promise.all([
        call('POST', '/v1/participants', {
          id: 'bad',
          name: 'Bad\u0000Bank',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        }),
        call('POST', '/v1/accounts', {
          id: newAccountId(),
          owner: 's\u0000bi',
          currency: 'INR',
          kind: 'settlement',
        }),
        call('POST', '/v1/participants', {
          id: 'lone',
          name: 'Lone \udc00 Bank',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        }),
        ...Array.from({ length: 10 }, (_, index) =>
          call('POST', '/v1/accounts', {
            id: newAccountId(),
            owner: `p${index}`,
            currency: 'INR',
            kind: 'settlement',
          }),
        ),
        call('POST', '/v1/participants', {
          id: 'good',
          name: 'Good Bank',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        }),
      ]);
      assertRefusedField(responses[0], '/name');
      assertRefusedField(responses[1], '/owner');
      assertRefusedField(responses[2], '/name');
      assert.deepEqual(
        responses.slice(3).map((response) => response.status),
        new Array(11).fill(201),
      );
      assert.equal((await call('GET', '/v1/participants/bad')).status, 404);
      assert.equal((await call('GET', '/v1/participants/lone')).status, 404);
      // Ten plain accounts and the participant's accounts (settlement and cap in INR), nothing of the refused ones.
      assert.equal((await store.counts()).accounts, before.accounts + 12);
    });
  });

  it('a NUL in a query string or a path is 400 naming it, not a failed query', async () => {
    await withApi(async ({ call }) => {
      assertRefusedField(await call('GET', '/v1/audit?actor=a%00b'), 'query.actor');
      assertRefusedField(await call('GET', '/v1/participants/a%00b'), 'path.id');
    });
  });
});
