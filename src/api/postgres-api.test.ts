import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { newTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { participantAccountId } from '../participants/accounts.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { JsonBody } from './api.test-helper.js';
import { buildServer } from './server.js';

/** The API on the PostgreSQL store: keys, participants, payments within caps, a window netted and settled. */
await postgresTests('API on postgres', (schemas) => {
  it('serves a clearing day on PostgreSQL, with keys and the audit log', async () => {
    const store = await PostgresStore.open({ url: schemas.next(), poolMax: 4 });
    try {
      const ledger = new Ledger(store);
      const keys = new ApiKeys(ledger);
      const app = await buildServer({ ledger, store, keys });
      const operator = (await keys.issue({ role: 'operator', label: 'pg' }, CLI_ACTOR)).key;
      const call = async (
        method: 'GET' | 'POST' | 'PUT',
        url: string,
        payload?: unknown,
        key = operator,
      ) => {
        const response = await app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${key}` },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
        return { status: response.statusCode, body: response.json<JsonBody>() };
      };
      await app.ready();
      for (const [id, country] of [
        ['sbi', 'IN'],
        ['bob', 'IN'],
      ] as const) {
        assert.equal(
          (
            await call('POST', '/v1/participants', {
              id,
              name: id.toUpperCase(),
              kind: 'bank',
              country,
              currencies: ['INR'],
            })
          ).status,
          201,
        );
      }
      const sbi = participantAccountId('sbi', 'INR', 'settlement');
      const bob = participantAccountId('bob', 'INR', 'settlement');
      // The hub's own accounts are opened by `vostro init`; here through the registry, as init does.
      await new ParticipantRegistry(ledger).ensureHub(['INR'], CLI_ACTOR);
      assert.equal(
        (
          await call('POST', '/v1/payments/fund', {
            id: newTransferId(),
            account: sbi,
            amount: '1000.00',
          })
        ).status,
        201,
      );
      assert.equal(
        (await call('PUT', '/v1/participants/sbi/caps/INR', { cap: '500.00' })).status,
        200,
      );
      const sbiKey = (await call('POST', '/v1/participants/sbi/keys', { label: 'pg' })).body[
        'key'
      ] as string;
      const paid = await call(
        'POST',
        '/v1/payments',
        { id: newTransferId(), payer: sbi, payee: bob, amount: '400.00' },
        sbiKey,
      );
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      const refused = await call(
        'POST',
        '/v1/payments',
        { id: newTransferId(), payer: sbi, payee: bob, amount: '100.01' },
        sbiKey,
      );
      assert.deepEqual([refused.status, refused.body['code']], [422, 'liquidity_cap_exceeded']);
      assert.equal((await call('POST', '/v1/windows/close', { currency: 'INR' })).status, 200);
      const positions = await call('GET', '/v1/windows/INR-1/positions');
      assert.deepEqual(
        positions.body['positions'].map((position: { participant: string; net: string }) => [
          position.participant,
          position.net,
        ]),
        [
          ['bob', '400.00'],
          ['sbi', '-400.00'],
        ],
      );
      assert.equal((await call('POST', '/v1/windows/INR-1/settle')).status, 200);
      const audit = await call('GET', '/v1/audit?actor=sbi');
      assert.deepEqual(
        audit.body['data'].map((entry: { action: string }) => entry.action),
        ['payments.create', 'payments.refuse'],
      );
      const events = await call('GET', '/v1/events?types=payment.refused');
      assert.deepEqual(
        events.body['data'].map((event: { data: { code: string; amount: string } }) => [
          event.data.code,
          event.data.amount,
        ]),
        [['liquidity_cap_exceeded', '10001']],
      );
      await app.close();
      assert.deepEqual((await verifyLedger(store)).problems, []);
    } finally {
      await store.close();
    }
  });
});
