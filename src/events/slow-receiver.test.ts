import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import type { Hub } from '../hub/hub.js';
import { account, withHub } from '../hub/hub.test-helper.js';
import { newTransferId } from '../ledger/ids.js';
import { startWebhookDispatcher } from './dispatcher.js';
import { FAST, Receiver, until } from './events.test-helper.js';
import { WebhookService } from './webhooks.js';

const cli = CLI_ACTOR;
const PAYMENTS = 300;

/** Payments between the two Indian banks, 20 at a time; their rate per second. */
async function payMany(hub: Hub): Promise<number> {
  const started = performance.now();
  for (let done = 0; done < PAYMENTS; done += 20)
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        hub.payments.pay(
          {
            id: newTransferId(),
            payer: account(index % 2 === 0 ? 'sbi' : 'bob', 'INR'),
            payee: account(index % 2 === 0 ? 'bob' : 'sbi', 'INR'),
            amount: BigInt(100 + done + index),
            reference: 'slow receiver',
          },
          cli,
        ),
      ),
    );
  return (PAYMENTS / (performance.now() - started)) * 1000;
}

describe('a slow receiver', () => {
  it(
    'does not hold payments up: they complete while its deliveries are still outstanding',
    { timeout: 60_000 },
    async (t) => {
      await withHub(async (hub) => {
        for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 1_000_000_000_00n, cli);
        const withoutReceiver = await payMany(hub);
        const receiver = await Receiver.start();
        receiver.behaviour = () => ({ status: 200, delayMs: 2000 });
        const webhooks = new WebhookService(hub.ledger, hub.participants);
        const { endpoint } = await webhooks.register(
          { participant: 'sbi', url: receiver.url, maxEventsPerDelivery: 10 },
          cli,
        );
        const dispatcher = startWebhookDispatcher({ ledger: hub.ledger, webhooks }, FAST);
        try {
          await hub.payments.pay(
            {
              id: newTransferId(),
              payer: account('sbi', 'INR'),
              payee: account('bob', 'INR'),
              amount: 1n,
              reference: 'first',
            },
            cli,
          );
          await until(() => receiver.requests.length === 1, 'the first delivery under way');
          const withReceiver = await payMany(hub);
          // Every payment is done, and most of their events still wait for the receiver.
          const answered = receiver.answered;
          const events = await hub.ledger.store.events({
            afterSeq: BigInt(endpoint.cursor),
            participant: 'sbi',
            limit: 10_000,
          });
          assert.ok(events.length >= PAYMENTS, 'the payments wrote their events');
          assert.ok(answered * 10 < events.length, 'deliveries are still outstanding');
          assert.ok(receiver.requests.length > 0);
          t.diagnostic(
            `payments/s: ${withoutReceiver.toFixed(0)} without the receiver, ${withReceiver.toFixed(0)} with it (informative only)`,
          );
          await until(() => receiver.answered >= 1, 'the first answer', 10_000);
        } finally {
          await dispatcher.stop();
          await receiver.close();
        }
      });
    },
  );
});
