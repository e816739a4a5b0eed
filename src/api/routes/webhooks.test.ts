import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { appendEvents, FAST, Receiver, until } from '../../events/events.test-helper.js';
import { verifyWebhook } from '../../events/signing.js';
import { Hub } from '../../hub/hub.js';
import { validateOutgoing } from '../../iso20022/schemas.js';
import { newTransferId } from '../../ledger/ids.js';
import { participantAccountId } from '../../participants/accounts.js';
import { openTestApi, type JsonBody, type TestApi } from '../api.test-helper.js';

/**
 * Webhooks over HTTP, end to end: endpoints registered, approved, disabled, replayed and removed
 * through the API, deliveries made by the dispatcher the server starts when it listens, to a real
 * receiver on 127.0.0.1, signed with the secret the API showed once.
 */
describe('webhooks over HTTP', () => {
  let api: TestApi;
  let receiver: Receiver;
  let sbiKey: string;
  let vtbKey: string;
  let auditorKey: string;

  /** `count` events naming sbi, written into the outbox as a service writes its own. */
  async function credit(count: number): Promise<void> {
    await appendEvents(
      api.ledger,
      Array.from({ length: count }, () => ({ type: 'payment.refused', participants: ['sbi'] })),
    );
  }

  const post = (url: string, payload?: Record<string, unknown>, key?: string) =>
    api.call({
      method: 'POST',
      url,
      ...(payload === undefined ? {} : { payload }),
      ...(key === undefined ? {} : { key }),
    });
  const get = (url: string, key?: string) =>
    api.call({ method: 'GET', url, ...(key === undefined ? {} : { key }) });

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 }, { server: { dispatcher: FAST } });
    for (const [id, country] of [
      ['sbi', 'IN'],
      ['vtb', 'RU'],
    ] as const)
      await api.participants.create(
        { id, name: id.toUpperCase(), kind: 'bank', country, currencies: ['INR'] },
        CLI_ACTOR,
      );
    sbiKey = await api.issueKey('participant', 'sbi');
    vtbKey = await api.issueKey('participant', 'vtb');
    auditorKey = await api.issueKey('auditor');
    receiver = await Receiver.start();
    // The dispatcher runs while the server listens.
    await api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await api.close();
    await receiver.close();
  });

  it('a participant registers (secret shown once), the operator approves, deliveries arrive signed and in order', async () => {
    const created = await post('/v1/webhooks', { url: receiver.url }, sbiKey);
    assert.equal(created.statusCode, 201, created.body);
    const { endpoint, secret } = created.json<{ endpoint: JsonBody; secret: string }>();
    assert.equal(endpoint['participant'], 'sbi');
    assert.equal(endpoint['status'], 'pending_approval');
    assert.match(secret, /^whsec_/);
    const id = String(endpoint['id']);
    const registeredAt = await api.store.lastEventSeq();
    const read = await get(`/v1/webhooks/${id}`, sbiKey);
    assert.equal(read.statusCode, 200);
    assert.ok(!read.body.includes(secret), 'the secret is never shown again');
    assert.ok(!(await get('/v1/webhooks', auditorKey)).body.includes(secret));

    await credit(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.requests.length, 0, 'nothing before approval');
    const approved = await post(`/v1/webhooks/${id}/approve`);
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json()['status'], 'active');
    assert.equal(approved.json()['approvedBy'], 'operator');

    await credit(3);
    const from = registeredAt;
    await until(() => receiver.deduplicated().length >= 5, 'five events delivered');
    receiver.assertSigned([secret]);
    const events = receiver.deduplicated();
    assert.deepEqual(
      events.map((event) => BigInt(event.id)),
      [1n, 2n, 3n, 4n, 5n].map((n) => from + n),
      'every event since registration (those before approval too), in order',
    );
    assert.ok(events.every((event) => event.type === 'payment.refused'));

    await until(
      async () => (await get(`/v1/webhooks/${id}`)).json()['cursor'] === String(from + 5n),
      'the cursor to move past the last event',
    );
    const deliveries = await get(`/v1/webhooks/${id}/deliveries`, sbiKey);
    assert.equal(deliveries.statusCode, 200, deliveries.body);
    const delivered = deliveries.json()['data'] as JsonBody[];
    assert.ok(delivered.length >= 1);
    assert.ok(delivered.every((delivery) => delivery['status'] === 'delivered'));
    const first = delivered[0] as JsonBody;
    assert.equal(first['id'], receiver.requests[0]?.id, 'the delivery id is the webhook-id');
    const attempts = await get(`/v1/webhooks/${id}/deliveries/${String(first['id'])}/attempts`);
    assert.equal(attempts.statusCode, 200, attempts.body);
    assert.equal(attempts.json()['data'][0]['status'], 200);
    const page = await get(`/v1/webhooks/${id}/deliveries?limit=1`);
    assert.equal(page.json()['next'], page.json()['data'][0]['id']);
    const next = await get(`/v1/webhooks/${id}/deliveries?limit=1&after=${page.json()['next']}`);
    assert.equal(next.statusCode, 200, next.body);

    // Another participant sees nothing of it.
    const foreign = await get(`/v1/webhooks/${id}`, vtbKey);
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json()['code'], 'webhook_not_found');
    assert.deepEqual((await get('/v1/webhooks', vtbKey)).json()['data'], []);
  });

  it('a failing receiver is retried until it answers; every attempt is recorded', async () => {
    const created = await post('/v1/webhooks', {
      participant: 'sbi',
      url: `${receiver.url}/retry`,
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(
      created.json()['endpoint']['status'],
      'active',
      'the operator’s is active at once',
    );
    const id = String(created.json()['endpoint']['id']);
    let failures = 0;
    receiver.behaviour = (request) => (request.id.includes(id) && failures++ < 2 ? 500 : 200);
    await credit(1);
    await until(
      async () =>
        ((await get(`/v1/webhooks/${id}/deliveries`)).json()['data'] as JsonBody[]).some(
          (delivery) => delivery['status'] === 'delivered',
        ),
      'the delivery to succeed on its third attempt',
    );
    const [delivery] = (await get(`/v1/webhooks/${id}/deliveries`)).json()['data'] as JsonBody[];
    const attempts = await get(
      `/v1/webhooks/${id}/deliveries/${String(delivery?.['id'])}/attempts`,
    );
    assert.deepEqual(
      attempts.json()['data'].map((attempt: JsonBody) => attempt['status']),
      [500, 500, 200],
    );
    receiver.behaviour = () => 200;
  });

  it('disable stops deliveries; replay resumes from the cursor; rotate-secret signs with the new secret; delete removes', async () => {
    const created = await post('/v1/webhooks', {
      participant: 'sbi',
      url: `${receiver.url}/cycle`,
    });
    const id = String(created.json()['endpoint']['id']);
    const mine = () => receiver.requests.filter((request) => request.id.includes(id));
    const disabled = await post(`/v1/webhooks/${id}/disable`, undefined, sbiKey);
    assert.equal(disabled.statusCode, 200, disabled.body);
    assert.equal(disabled.json()['status'], 'disabled');
    const from = await api.store.lastEventSeq();
    await credit(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(mine().length, 0, 'nothing while disabled');
    const rotated = await post(`/v1/webhooks/${id}/rotate-secret`, undefined, sbiKey);
    assert.equal(rotated.statusCode, 200, rotated.body);
    const secret = String(rotated.json()['secret']);
    const replayed = await post(`/v1/webhooks/${id}/replay`, {}, sbiKey);
    assert.equal(replayed.statusCode, 200, replayed.body);
    assert.equal(replayed.json()['status'], 'active');
    await until(() => mine().length >= 1, 'the missed events to be delivered');
    const ids = mine().flatMap(
      (request) => (JSON.parse(request.body) as { events: { id: string }[] }).events,
    );
    assert.deepEqual(
      ids.slice(0, 2).map((event) => event.id),
      [String(from + 1n), String(from + 2n)],
    );
    for (const request of mine())
      assert.ok(verifyWebhook(secret, request.headers, request.body), 'signed with the new secret');
    const removed = await api.call({ method: 'DELETE', url: `/v1/webhooks/${id}`, key: sbiKey });
    assert.equal(removed.statusCode, 204, removed.body);
    assert.equal((await get(`/v1/webhooks/${id}`)).statusCode, 404);
  });

  it('a camt.054 endpoint gets the debit/credit notification of the payments among its events', async () => {
    const hub = new Hub(api.ledger, api.participants);
    await hub.open(['INR'], CLI_ACTOR);
    const sbiAccount = participantAccountId('sbi', 'INR', 'settlement');
    await hub.payments.fund(
      { id: newTransferId(), account: sbiAccount, amount: 1_000_00n, reference: 'deposit' },
      CLI_ACTOR,
    );
    await hub.caps.set('sbi', 'INR', 1_000_00n, CLI_ACTOR);
    const created = await post('/v1/webhooks', {
      participant: 'vtb',
      url: `${receiver.url}/camt`,
      format: 'camt.054',
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = String(created.json()['endpoint']['id']);
    const payment = newTransferId();
    const paid = await post(
      '/v1/payments',
      {
        id: payment,
        payer: sbiAccount,
        payee: participantAccountId('vtb', 'INR', 'settlement'),
        amount: '123.45',
      },
      sbiKey,
    );
    assert.equal(paid.statusCode, 201, paid.body);
    const mine = () => receiver.requests.filter((request) => request.id.includes(id));
    await until(() => mine().length >= 1, 'a camt.054 delivery');
    const [delivery] = mine();
    assert.match(String(delivery?.contentType), /^application\/xml/);
    validateOutgoing('camt.054.001.08', String(delivery?.body));
    assert.ok(delivery?.body.includes('123.45'), 'the amount, in major units');
    assert.ok(delivery?.body.includes('<CdtDbtInd>CRDT</CdtDbtInd>'), 'a credit to vtb');
  });

  it('refuses bad registrations and changes precisely, and writes nothing', async () => {
    const audit = (await api.store.auditEntries({ limit: 100_000 })).length;
    const created = await post('/v1/webhooks', { participant: 'sbi', url: `${receiver.url}/x` });
    const active = String(created.json()['endpoint']['id']);
    const auditAfter = audit + 1;
    const cases: [
      string,
      string,
      Record<string, unknown> | undefined,
      string | undefined,
      number,
      string,
      string | undefined,
    ][] = [
      [
        'POST',
        '/v1/webhooks',
        { url: 'http://example.com/hooks' },
        sbiKey,
        400,
        'invalid_field',
        '/url',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'http://user:pw@127.0.0.1/hooks' },
        sbiKey,
        400,
        'invalid_field',
        '/url',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'ftp://127.0.0.1/hooks' },
        sbiKey,
        400,
        'invalid_field',
        '/url',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'http://127.0.0.1/h', participant: 'vtb' },
        sbiKey,
        403,
        'forbidden',
        '/participant',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'http://127.0.0.1/h' },
        undefined,
        400,
        'invalid_field',
        '/participant',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'http://127.0.0.1/h', participant: 'nobody' },
        undefined,
        404,
        'participant_not_found',
        '/participant',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'http://127.0.0.1/h', types: ['transfer.made'] },
        sbiKey,
        400,
        'invalid_field',
        '/types/0',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'http://127.0.0.1/h', maxEventsPerDelivery: 0 },
        sbiKey,
        400,
        'invalid_request',
        '/maxEventsPerDelivery',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'http://127.0.0.1/h', format: 'xml' },
        sbiKey,
        400,
        'invalid_request',
        '/format',
      ],
      [
        'POST',
        `/v1/webhooks/${active}/approve`,
        undefined,
        undefined,
        409,
        'webhook_status_conflict',
        'path.id',
      ],
      [
        'POST',
        `/v1/webhooks/${active}/replay`,
        {},
        undefined,
        409,
        'webhook_status_conflict',
        'path.id',
      ],
      [
        'POST',
        `/v1/webhooks/${active}/replay`,
        { fromSeq: '99999999' },
        undefined,
        400,
        'invalid_field',
        '/fromSeq',
      ],
      [
        'POST',
        `/v1/webhooks/${active}/disable`,
        undefined,
        vtbKey,
        404,
        'webhook_not_found',
        'path.id',
      ],
      [
        'POST',
        `/v1/webhooks/wh_0000000000000000/disable`,
        undefined,
        undefined,
        404,
        'webhook_not_found',
        'path.id',
      ],
      [
        'GET',
        `/v1/webhooks/wh_0000000000000000/deliveries/dlv_wh_0000000000000000_1_1/attempts`,
        undefined,
        undefined,
        404,
        'webhook_not_found',
        'path.id',
      ],
      [
        'GET',
        `/v1/webhooks/${active}/deliveries/dlv_wh_0000000000000000_1_1/attempts`,
        undefined,
        undefined,
        404,
        'webhook_not_found',
        'path.deliveryId',
      ],
      [
        'GET',
        `/v1/webhooks/${active}/deliveries?after=dlv_wh_0000000000000000_1_1`,
        undefined,
        undefined,
        400,
        'invalid_field',
        'query.after',
      ],
      ['GET', '/v1/webhooks/not-an-id', undefined, undefined, 400, 'invalid_request', 'path.id'],
    ];
    for (const [method, url, payload, key, status, code, field] of cases) {
      const response = await api.call({
        method,
        url,
        ...(payload === undefined ? {} : { payload }),
        ...(key === undefined ? {} : { key }),
      });
      const label = `${method} ${url} ${JSON.stringify(payload)}`;
      assert.equal(response.statusCode, status, `${label}: ${response.body}`);
      assert.equal(response.json()['code'], code, label);
      assert.equal(response.json()['errors']?.[0]?.['field'], field, label);
    }
    assert.equal((await api.store.auditEntries({ limit: 100_000 })).length, auditAfter);
  });

  it('the server delivers while it listens: not when only injected into, and no more once closed', async () => {
    const local = await openTestApi({ rateLimitPerSecond: 0 }, { server: { dispatcher: FAST } });
    const quiet = await Receiver.start();
    try {
      await local.participants.create(
        { id: 'sbi', name: 'SBI', kind: 'bank', country: 'IN', currencies: ['INR'] },
        CLI_ACTOR,
      );
      const created = await local.call({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { participant: 'sbi', url: quiet.url },
      });
      assert.equal(created.statusCode, 201, created.body);
      await appendEvents(local.ledger, [{ type: 'payment.refused', participants: ['sbi'] }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(quiet.requests.length, 0, 'not listening: nothing delivered');
      await local.app.listen({ host: '127.0.0.1', port: 0 });
      await until(() => quiet.requests.length === 1, 'the delivery once listening');
      await local.app.close();
      await appendEvents(local.ledger, [{ type: 'payment.refused', participants: ['sbi'] }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(quiet.requests.length, 1, 'closed: nothing more');
    } finally {
      await local.close();
      await quiet.close();
    }
  });

  it('the allow-list is the server’s option', async () => {
    const local = await openTestApi(
      { rateLimitPerSecond: 0 },
      { server: { webhookAllowedHosts: ['hooks.example.com'], dispatcher: false } },
    );
    try {
      await local.participants.create(
        { id: 'sbi', name: 'SBI', kind: 'bank', country: 'IN', currencies: ['INR'] },
        CLI_ACTOR,
      );
      const refused = await local.call({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { participant: 'sbi', url: receiver.url },
      });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(refused.json()['detail'], /hooks\.example\.com/);
      const allowed = await local.call({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { participant: 'sbi', url: 'https://hooks.example.com/vostro' },
      });
      assert.equal(allowed.statusCode, 201, allowed.body);
    } finally {
      await local.close();
    }
  });
});
