import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { it } from 'node:test';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { withHub } from '../hub/hub.test-helper.js';
import { Ledger } from '../ledger/ledger.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import { LeaseLostError } from './delivery-log.js';
import { startWebhookDispatcher } from './dispatcher.js';
import { appendEvents, FAST, Receiver, until } from './events.test-helper.js';
import { WebhookService } from './webhooks.js';

const operator = CLI_ACTOR;
const sbi: Actor = { id: 'sbi', role: 'participant', participant: 'sbi' };

await postgresTests('webhook dispatcher on postgres', (schemas) => {
  it(
    'a receiver down, then failing, gets every event once in order after dedupe, signed',
    { timeout: 60_000 },
    async () => {
      let url = '';
      await withHub(
        async (hub) => {
          const webhooks = new WebhookService(hub.ledger, hub.participants);
          const receiver = await Receiver.down();
          const { endpoint, secret } = await webhooks.register(
            { participant: 'sbi', url: receiver.url, maxEventsPerDelivery: 3 },
            operator,
          );
          const dispatcher = startWebhookDispatcher({ ledger: hub.ledger, webhooks }, FAST);
          try {
            for (let batch = 0; batch < 5; batch += 1)
              await appendEvents(hub.ledger, [
                { participants: ['sbi'] },
                { participants: ['vtb'] },
                { participants: ['bob', 'sbi'] },
              ]);
            await until(async () => {
              const [first] = await webhooks.deliveries(endpoint.id, { limit: 1 }, sbi);
              return first !== undefined && first.attempts >= 2;
            }, 'refused attempts recorded');
            receiver.behaviour = (_request, index) => (index % 3 === 0 ? 500 : 200);
            await receiver.listen();
            await appendEvents(hub.ledger, [{ participants: ['sbi'] }, { participants: ['sbi'] }]);
            const expected = (
              await hub.ledger.store.events({
                afterSeq: BigInt(endpoint.cursor),
                participant: 'sbi',
                limit: 1000,
              })
            ).map((event) => event.seq.toString());
            assert.equal(expected.length, 12);
            await until(() => receiver.deduplicated().length === expected.length, 'every event');
            assert.deepEqual(
              receiver.deduplicated().map((event) => event.id),
              expected,
            );
            receiver.assertSigned([secret]);
            await until(
              async () => (await webhooks.get(endpoint.id, sbi)).cursor === expected.at(-1),
              'the cursor',
            );
          } finally {
            await dispatcher.stop();
            await receiver.close();
          }
        },
        {
          store: async () => {
            url = schemas.next();
            return PostgresStore.open({ url, poolMax: 2 });
          },
        },
      );
      assert.notEqual(url, '');
    },
  );

  it(
    'of two processes’ dispatchers on one database only the lease holder delivers; the other takes over when it stops',
    { timeout: 60_000 },
    async () => {
      let url = '';
      await withHub(
        async (hub) => {
          const other = await PostgresStore.open({ url, poolMax: 2 });
          const receiver = await Receiver.start();
          const webhooks = new WebhookService(hub.ledger, hub.participants);
          const { endpoint } = await webhooks.register(
            { participant: 'sbi', url: receiver.url },
            operator,
          );
          const first = startWebhookDispatcher({ ledger: hub.ledger, webhooks }, FAST);
          await appendEvents(hub.ledger, [{ participants: ['sbi'] }]);
          await until(
            () => receiver.deduplicated().length === 1,
            'the first dispatcher holds the lease',
          );
          const second = startWebhookDispatcher({ ledger: new Ledger(other) }, FAST);
          try {
            for (let batch = 0; batch < 10; batch += 1)
              await appendEvents(hub.ledger, [
                { participants: ['sbi'] },
                { participants: ['sbi'] },
              ]);
            await until(() => receiver.deduplicated().length === 21, 'the first events');
            assert.equal(
              receiver.requests.length,
              new Set(receiver.requests.map((r) => r.id)).size,
              'no delivery sent twice',
            );
            await first.stop();
            for (let batch = 0; batch < 5; batch += 1)
              await appendEvents(hub.ledger, [{ participants: ['sbi'] }]);
            await until(
              () => receiver.deduplicated().length === 26,
              'the second dispatcher delivers the rest',
            );
            const ids = receiver.requests.flatMap((r) =>
              (JSON.parse(r.body) as { events: { id: string }[] }).events.map((e) => e.id),
            );
            assert.equal(ids.length, new Set(ids).size, 'each event sent once');
            assert.deepEqual(
              ids,
              [...ids].sort((a, b) => Number(a) - Number(b)),
            );
            await until(
              async () => (await webhooks.get(endpoint.id, sbi)).cursor === ids.at(-1),
              'the cursor',
            );
          } finally {
            await first.stop();
            await second.stop();
            await receiver.close();
            await other.close();
          }
        },
        {
          store: async () => {
            url = schemas.next();
            return PostgresStore.open({ url, poolMax: 2 });
          },
        },
      );
    },
  );

  it(
    'a dispatcher whose lease another process took stops delivering, and takes it back once it is free',
    { timeout: 60_000 },
    async () => {
      await withHub(
        async (hub) => {
          const receiver = await Receiver.start();
          const webhooks = new WebhookService(hub.ledger, hub.participants);
          await webhooks.register({ participant: 'sbi', url: receiver.url }, operator);
          const errors: unknown[] = [];
          const dispatcher = startWebhookDispatcher(
            { ledger: hub.ledger, webhooks },
            { ...FAST, leaseMs: 1500, onError: (_what, error) => errors.push(error) },
          );
          try {
            await appendEvents(hub.ledger, [{ participants: ['sbi'] }]);
            await until(() => receiver.deduplicated().length === 1, 'the first event');
            // Another machine's dispatcher holds the lease now.
            await setLease(hub.ledger, {
              host: 'another-host',
              pid: 1,
              until: Date.now() + 60_000,
            });
            await until(
              () => errors.some((error) => error instanceof LeaseLostError),
              'the lease lost',
            );
            const requests = receiver.requests.length;
            await appendEvents(hub.ledger, [{ participants: ['sbi'] }, { participants: ['sbi'] }]);
            await delay(300);
            assert.equal(receiver.requests.length, requests, 'nothing delivered without the lease');
            // That process died on this machine: its lease is taken at once, not after it runs out.
            const dead = spawnSync(process.execPath, ['-e', '0']).pid;
            await setLease(hub.ledger, { host: hostname(), pid: dead, until: Date.now() + 60_000 });
            await until(() => receiver.deduplicated().length === 3, 'delivery resumed');
          } finally {
            await dispatcher.stop();
            await receiver.close();
          }
        },
        { store: () => PostgresStore.open({ url: schemas.next(), poolMax: 2 }) },
      );
    },
  );
});

async function setLease(
  ledger: Ledger,
  lease: { host: string; pid: number; until: number },
): Promise<void> {
  await ledger.transact(async (tx) => {
    await tx.putRecords([
      { collection: 'webhook_dispatch', key: 'lease', value: { owner: 'someone-else', ...lease } },
    ]);
  });
}
