import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import type { Hub } from '../hub/hub.js';
import { account, withHub } from '../hub/hub.test-helper.js';
import { validateOutgoing } from '../iso20022/schemas.js';
import { newTransferId } from '../ledger/ids.js';
import { startWebhookDispatcher, type DispatcherOptions } from './dispatcher.js';
import { appendEvents, FAST, Receiver, until } from './events.test-helper.js';
import { verifyWebhook } from './signing.js';
import { WebhookService } from './webhooks.js';

const operator = CLI_ACTOR;
const sbi: Actor = { id: 'sbi', role: 'participant', participant: 'sbi' };

interface Setup {
  readonly hub: Hub;
  readonly webhooks: WebhookService;
  readonly errors: unknown[];
  readonly start: (options?: DispatcherOptions) => void;
}

/** A hub, its webhook service and a dispatcher with fast timings, stopped at the end. */
async function withDispatcher(body: (setup: Setup) => Promise<void>): Promise<void> {
  await withHub(async (hub) => {
    const webhooks = new WebhookService(hub.ledger, hub.participants);
    const errors: unknown[] = [];
    let dispatcher: ReturnType<typeof startWebhookDispatcher> | undefined;
    try {
      await body({
        hub,
        webhooks,
        errors,
        start: (options = {}) => {
          dispatcher = startWebhookDispatcher(
            { ledger: hub.ledger, webhooks },
            { ...FAST, onError: (_what, error) => errors.push(error), ...options },
          );
        },
      });
    } finally {
      await dispatcher?.stop();
    }
  });
}

/** Events naming `participant` appended in `batches` transactions of `size`, with one for vtb in each. */
async function appendFor(
  hub: Hub,
  participant: string,
  batches: number,
  size: number,
): Promise<void> {
  for (let batch = 0; batch < batches; batch += 1)
    await appendEvents(hub.ledger, [
      ...Array.from({ length: size }, () => ({ participants: [participant, 'bob'] })),
      { participants: ['vtb'] },
    ]);
}

async function expectedIds(hub: Hub, participant: string, after: bigint): Promise<string[]> {
  const events = await hub.ledger.store.events({ afterSeq: after, participant, limit: 10_000 });
  return events.map((event) => event.seq.toString());
}

describe('webhook dispatcher (SQLite)', () => {
  it('a receiver down for a while, then answering 500s, gets every event once in order after dedupe, signed', async () => {
    await withDispatcher(async ({ hub, webhooks, start, errors }) => {
      const receiver = await Receiver.down();
      try {
        const { endpoint, secret } = await webhooks.register(
          { participant: 'sbi', url: receiver.url, maxEventsPerDelivery: 4 },
          operator,
        );
        const from = BigInt(endpoint.cursor);
        start();
        await appendFor(hub, 'sbi', 3, 5);
        // Refused connections are attempts too, recorded with their error.
        await until(async () => {
          const [first] = await webhooks.deliveries(endpoint.id, { limit: 1 }, sbi);
          return first !== undefined && first.attempts >= 3;
        }, 'three refused attempts recorded');
        receiver.behaviour = (_request, index) => (index < 6 ? 500 : 200);
        await receiver.listen();
        await appendFor(hub, 'sbi', 4, 3);
        const expected = await expectedIds(hub, 'sbi', from);
        assert.equal(expected.length, 27);
        await until(() => receiver.deduplicated().length === expected.length, 'every event');
        assert.deepEqual(
          receiver.deduplicated().map((event) => event.id),
          expected,
          'in order, each once',
        );
        assert.ok(receiver.deduplicated().every((event) => event.participants.includes('sbi')));
        receiver.assertSigned([secret]);
        // The webhook-id names the delivery's range, and a retry sends the same id and body.
        const bodies = new Map<string, string>();
        for (const request of receiver.requests) {
          const events = (JSON.parse(request.body) as { events: { id: string }[] }).events;
          assert.equal(request.id, `dlv_${endpoint.id}_${events[0]?.id}_${events.at(-1)?.id}`);
          assert.ok(events.length <= 4);
          assert.equal(request.contentType, 'application/json');
          assert.equal(bodies.get(request.id) ?? request.body, request.body);
          bodies.set(request.id, request.body);
        }
        assert.ok(receiver.requests.length > bodies.size, 'some deliveries were retried');
        await until(
          async () => (await webhooks.get(endpoint.id, sbi)).cursor === expected.at(-1),
          'the cursor',
        );
        const deliveries = await webhooks.deliveries(endpoint.id, { limit: 100 }, sbi);
        assert.deepEqual(new Set(deliveries.map((d) => d.status)), new Set(['delivered']));
        assert.equal(
          deliveries.reduce((sum, d) => sum + d.events, 0),
          expected.length,
        );
        const attempts = await webhooks.attempts(endpoint.id, deliveries[0]?.id ?? '', sbi);
        assert.deepEqual(
          attempts.map((a) => a.attempt),
          attempts.map((_, index) => index + 1),
        );
        assert.match(attempts[0]?.error ?? '', /ECONNREFUSED/);
        assert.ok(attempts.some((a) => a.status === 500 && a.error === 'HTTP 500'));
        assert.equal(attempts.at(-1)?.status, 200);
        assert.equal(deliveries[0]?.attempts, attempts.length);
        assert.deepEqual(errors, []);
      } finally {
        await receiver.close();
      }
    });
  });

  it('marks the endpoint failed when the retry window runs out; replay resumes the same delivery', async () => {
    await withDispatcher(async ({ hub, webhooks, start }) => {
      const receiver = await Receiver.start();
      receiver.behaviour = () => 503;
      try {
        const { endpoint, secret } = await webhooks.register(
          { participant: 'sbi', url: receiver.url },
          operator,
        );
        start({ retryForMs: 300 });
        await appendFor(hub, 'sbi', 2, 2);
        await until(
          async () => (await webhooks.get(endpoint.id, sbi)).status === 'failed',
          'failed',
        );
        const failed = await webhooks.get(endpoint.id, sbi);
        assert.equal(failed.cursor, endpoint.cursor, 'nothing was delivered');
        assert.ok(failed.failedAt !== undefined);
        const [delivery] = await webhooks.deliveries(endpoint.id, { limit: 10 }, sbi);
        assert.equal(delivery?.status, 'failed');
        assert.equal(delivery.lastError, 'HTTP 503');
        const tried = delivery.attempts;
        assert.ok(tried >= 2);
        const audit = await hub.ledger.store.auditEntries({ limit: 1000 });
        const fail = audit.find((entry) => entry.action === 'webhooks.fail');
        assert.equal(fail?.actor, 'webhook-dispatcher');
        assert.equal(fail.target, endpoint.id);
        const requestsWhileFailed = receiver.requests.length;
        await delay(200);
        assert.equal(
          receiver.requests.length,
          requestsWhileFailed,
          'a failed endpoint gets nothing',
        );
        receiver.behaviour = () => 204;
        await webhooks.replay(endpoint.id, {}, sbi);
        const expected = await expectedIds(hub, 'sbi', BigInt(endpoint.cursor));
        await until(
          () => receiver.deduplicated().length === expected.length,
          'every event after replay',
        );
        assert.deepEqual(
          receiver.deduplicated().map((e) => e.id),
          expected,
        );
        assert.equal(
          receiver.requests.at(-1)?.id,
          delivery.id,
          'the failed delivery, resumed under its id',
        );
        receiver.assertSigned([secret]);
        await until(
          async () => (await webhooks.attempts(endpoint.id, delivery.id, sbi)).length === tried + 1,
          'attempt recorded',
        );
        const attempts = await webhooks.attempts(endpoint.id, delivery.id, sbi);
        assert.equal(attempts.at(-1)?.attempt, tried + 1, 'numbering continues');
        assert.equal(attempts.at(-1)?.status, 204);
        assert.equal((await webhooks.get(endpoint.id, sbi)).status, 'active');
      } finally {
        await receiver.close();
      }
    });
  });

  it('a pending endpoint gets nothing until approved; types and participants filter what each endpoint gets', async () => {
    await withDispatcher(async ({ hub, webhooks, start }) => {
      const [pending, windows, vtbAll] = await Promise.all([
        Receiver.start(),
        Receiver.start(),
        Receiver.start(),
      ]);
      try {
        const waiting = await webhooks.register({ url: pending.url }, sbi);
        const closing = await webhooks.register(
          { participant: 'sbi', url: windows.url, types: ['window.closed', 'quote.executed'] },
          operator,
        );
        const all = await webhooks.register({ participant: 'vtb', url: vtbAll.url }, operator);
        start();
        await appendEvents(hub.ledger, [
          { type: 'window.closed', participants: ['sbi', 'vtb'] },
          { type: 'transfer.created', participants: ['sbi'] },
          { type: 'quote.executed', participants: ['vtb'] },
          { type: 'quote.executed', participants: ['sbi'] },
          { type: 'window.settled', participants: ['sbi'] },
        ]);
        await until(
          () => windows.deduplicated().length === 2 && vtbAll.deduplicated().length === 2,
          'filtered deliveries',
        );
        assert.deepEqual(
          windows.deduplicated().map((e) => e.type),
          ['window.closed', 'quote.executed'],
        );
        assert.deepEqual(
          vtbAll.deduplicated().map((e) => e.type),
          ['window.closed', 'quote.executed'],
        );
        windows.assertSigned([closing.secret]);
        vtbAll.assertSigned([all.secret]);
        await delay(150);
        assert.equal(pending.requests.length, 0, 'nothing before approval');
        await webhooks.approve(waiting.endpoint.id, operator);
        await until(() => pending.deduplicated().length === 4, 'deliveries after approval');
        assert.deepEqual(
          pending.deduplicated().map((e) => e.type),
          ['window.closed', 'transfer.created', 'quote.executed', 'window.settled'],
        );
        assert.equal(windows.deduplicated().length, 2, 'no more than its types');
      } finally {
        await Promise.all([pending.close(), windows.close(), vtbAll.close()]);
      }
    });
  });

  it('a redirect is a failure and is not followed; a hung receiver times out; both recorded', async () => {
    await withDispatcher(async ({ hub, webhooks, start }) => {
      const [redirecting, target] = await Promise.all([Receiver.start(), Receiver.start()]);
      try {
        redirecting.behaviour = (_request, index) =>
          index === 0 ? { status: 302, location: target.url } : index === 1 ? 'hang' : 200;
        const { endpoint } = await webhooks.register(
          { participant: 'sbi', url: redirecting.url },
          operator,
        );
        start({ timeoutMs: 300 });
        await appendFor(hub, 'sbi', 1, 1);
        await until(() => redirecting.requests.length === 3, 'three attempts');
        await until(
          async () =>
            (await webhooks.deliveries(endpoint.id, { limit: 1 }, sbi))[0]?.status === 'delivered',
          'delivered',
        );
        assert.equal(target.requests.length, 0, 'the redirect was not followed');
        const [delivery] = await webhooks.deliveries(endpoint.id, { limit: 1 }, sbi);
        const attempts = await webhooks.attempts(endpoint.id, delivery?.id ?? '', sbi);
        assert.equal(attempts[0]?.status, 302);
        assert.match(
          attempts[0].error ?? '',
          /HTTP 302: redirects are not followed \(to http:\/\/127\.0\.0\.1:\d+\/hooks\)/,
        );
        assert.equal(attempts[1]?.status, undefined);
        assert.equal(attempts[1]?.error, 'no answer within 300 ms');
        assert.ok(attempts[1].durationMs >= 290);
        assert.equal(attempts[2]?.status, 200);
      } finally {
        await Promise.all([redirecting.close(), target.close()]);
      }
    });
  });

  it('signs with the old secret too after a rotation; disable stops and replay from an event delivers again', async () => {
    await withDispatcher(async ({ hub, webhooks, start }) => {
      const receiver = await Receiver.start();
      try {
        const { endpoint, secret } = await webhooks.register(
          { participant: 'sbi', url: receiver.url },
          operator,
        );
        start();
        await appendFor(hub, 'sbi', 1, 2);
        await until(() => receiver.deduplicated().length === 2, 'first events');
        const rotated = await webhooks.rotateSecret(endpoint.id, sbi);
        const seen = receiver.requests.length;
        await appendFor(hub, 'sbi', 1, 2);
        await until(() => receiver.deduplicated().length === 4, 'events after rotation');
        for (const request of receiver.requests.slice(seen)) {
          assert.equal(request.signature.split(' ').length, 2);
          assert.ok(verifyWebhook(rotated.secret, request.headers, request.body));
          assert.ok(verifyWebhook(secret, request.headers, request.body));
        }
        await webhooks.disable(endpoint.id, sbi);
        await delay(100);
        const before = receiver.requests.length;
        await appendFor(hub, 'sbi', 1, 2);
        await delay(200);
        assert.equal(receiver.requests.length, before, 'a disabled endpoint gets nothing');
        const first = receiver.deduplicated()[0]?.id ?? '';
        await webhooks.replay(endpoint.id, { fromSeq: BigInt(first) }, operator);
        const expected = await expectedIds(hub, 'sbi', BigInt(first) - 1n);
        await until(
          () =>
            receiver.requests.length > before &&
            receiver.requests.at(-1)?.body.includes(`"id":"${expected.at(-1)}"`) === true,
          'replayed',
        );
        const replayed = receiver.requests
          .slice(before)
          .flatMap((r) =>
            (JSON.parse(r.body) as { events: { id: string }[] }).events.map((e) => e.id),
          );
        assert.deepEqual(replayed, expected, 'everything from the event again, in order');
      } finally {
        await receiver.close();
      }
    });
  });

  it('stop waits for the attempt in flight and writes it', async () => {
    await withDispatcher(async ({ hub, webhooks }) => {
      const receiver = await Receiver.start();
      receiver.behaviour = () => ({ status: 200, delayMs: 400 });
      try {
        const { endpoint } = await webhooks.register(
          { participant: 'sbi', url: receiver.url },
          operator,
        );
        const dispatcher = startWebhookDispatcher({ ledger: hub.ledger, webhooks }, FAST);
        await appendFor(hub, 'sbi', 1, 3);
        await until(() => receiver.requests.length === 1, 'the request under way');
        await dispatcher.stop();
        await dispatcher.stop();
        const [delivery] = await webhooks.deliveries(endpoint.id, { limit: 10 }, sbi);
        assert.equal(delivery?.status, 'delivered');
        assert.equal(delivery.attempts, 1);
        assert.equal((await webhooks.get(endpoint.id, sbi)).cursor, delivery.lastSeq);
        assert.equal(receiver.requests.length, 1);
      } finally {
        await receiver.close();
      }
    });
  });

  it('replay from an event abandons the failed delivery; deliveries page in event order', async () => {
    await withDispatcher(async ({ hub, webhooks, start }) => {
      const receiver = await Receiver.start();
      receiver.behaviour = () => 500;
      try {
        const { endpoint } = await webhooks.register(
          { participant: 'sbi', url: receiver.url, maxEventsPerDelivery: 2 },
          operator,
        );
        start({ retryForMs: 200 });
        await appendFor(hub, 'sbi', 3, 2);
        await until(
          async () => (await webhooks.get(endpoint.id, sbi)).status === 'failed',
          'failed',
        );
        const [failed] = await webhooks.deliveries(endpoint.id, { limit: 10 }, sbi);
        assert.equal(failed?.status, 'failed');
        receiver.behaviour = () => 200;
        const expected = await expectedIds(hub, 'sbi', BigInt(endpoint.cursor));
        const from = expected[2] ?? '';
        await webhooks.replay(endpoint.id, { fromSeq: BigInt(from) }, operator);
        await until(
          () => receiver.deduplicated().some((e) => e.id === expected.at(-1)),
          'the rest',
        );
        assert.ok(
          receiver.requests.every(
            (r) => r.id === failed.id || !r.body.includes(`"id":"${expected[0]}"`),
          ),
          'the events before fromSeq were not sent again',
        );
        await until(
          async () => (await webhooks.get(endpoint.id, sbi)).cursor === expected.at(-1),
          'cursor',
        );
        const all = await webhooks.deliveries(endpoint.id, { limit: 10 }, sbi);
        assert.deepEqual(
          all.map((d) => d.status),
          ['abandoned', 'delivered', 'delivered'],
        );
        const page = await webhooks.deliveries(endpoint.id, { limit: 10, after: all[0]?.id }, sbi);
        assert.deepEqual(page, all.slice(1));
      } finally {
        await receiver.close();
      }
    });
  });

  it('reports what it cannot do (camt.054 without the ISO 20022 service); bad options are refused', async () => {
    await withDispatcher(async ({ hub, webhooks, start, errors }) => {
      assert.throws(
        () => startWebhookDispatcher({ ledger: hub.ledger }, { pollIntervalMs: -1 }),
        /pollIntervalMs/,
      );
      const receiver = await Receiver.start();
      try {
        await webhooks.register(
          { participant: 'sbi', url: receiver.url, format: 'camt.054' },
          operator,
        );
        start();
        await appendFor(hub, 'sbi', 1, 1);
        await until(() => errors.length > 0, 'the error reported');
        assert.match(String(errors[0]), /camt\.054 payloads need the ISO 20022 service/);
        assert.equal(receiver.requests.length, 0);
      } finally {
        await receiver.close();
      }
    });
  });

  it('camt.054: a delivery is the ISO 20022 notification of its transfer events; other events are passed over', async () => {
    await withDispatcher(async ({ hub, webhooks }) => {
      const receiver = await Receiver.start();
      await hub.caps.set('sbi', 'INR', 1_000_000_00n, operator);
      const { endpoint, secret } = await webhooks.register(
        { participant: 'sbi', url: receiver.url, format: 'camt.054' },
        operator,
      );
      const dispatcher = startWebhookDispatcher(
        {
          ledger: hub.ledger,
          webhooks,
          notifications: (events, participant) =>
            hub.iso20022.notificationForEvents(events, participant),
        },
        FAST,
      );
      try {
        await appendEvents(hub.ledger, [{ participants: ['sbi'] }]);
        await hub.payments.pay(
          {
            id: newTransferId(),
            payer: account('sbi', 'INR'),
            payee: account('bob', 'INR'),
            amount: 1234_50n,
            reference: 'camt',
          },
          operator,
        );
        const last = (await expectedIds(hub, 'sbi', BigInt(endpoint.cursor))).at(-1);
        await until(
          async () => (await webhooks.get(endpoint.id, sbi)).cursor === last,
          'delivered',
        );
        assert.equal(
          receiver.requests.length,
          1,
          'one delivery: the refusal event alone made none',
        );
        const [request] = receiver.requests;
        assert.equal(request?.contentType, 'application/xml');
        validateOutgoing('camt.054.001.08', request.body);
        assert.match(request.body, /<Amt Ccy="INR">1234\.50<\/Amt>/);
        assert.match(request.body, /<CdtDbtInd>DBIT<\/CdtDbtInd>/);
        receiver.assertSigned([secret]);
      } finally {
        await dispatcher.stop();
        await receiver.close();
      }
    });
  });
});
