import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { refusal, withHub } from '../hub/hub.test-helper.js';
import { appendEvents } from './events.test-helper.js';
import { endpointDocuments } from './webhook-records.js';
import { WebhookService } from './webhooks.js';

const operator = CLI_ACTOR;
const auditor: Actor = { id: 'auditor', role: 'auditor' };
const sbi: Actor = { id: 'sbi', role: 'participant', participant: 'sbi', keyId: 'k1' };
const vtb: Actor = { id: 'vtb', role: 'participant', participant: 'vtb', keyId: 'k2' };
const URL = 'http://127.0.0.1:9/hooks';

describe('WebhookService', () => {
  it('a participant registers for itself, pending approval; the secret is shown once, stored, never shown again nor audited', async () => {
    await withHub(async (hub) => {
      const webhooks = new WebhookService(hub.ledger, hub.participants);
      await appendEvents(hub.ledger, [{}, {}]);
      // The hub's own setup already wrote transfer events (the ledger writes one per transfer).
      const before = await hub.ledger.store.lastEventSeq();
      assert.ok(before >= 2n);
      const { endpoint, secret } = await webhooks.register(
        { url: URL, types: ['transfer.created', 'transfer.created'] },
        sbi,
      );
      assert.match(endpoint.id, /^wh_[0-9a-f]{16}$/);
      assert.match(secret, /^whsec_/);
      assert.deepEqual(endpoint, {
        id: endpoint.id,
        participant: 'sbi',
        url: URL,
        format: 'json',
        types: ['transfer.created'],
        status: 'pending_approval',
        cursor: (await hub.ledger.store.lastEventSeq()).toString(),
        createdAt: endpoint.createdAt,
        maxEventsPerDelivery: 100,
      });
      assert.equal(
        endpoint.cursor,
        before.toString(),
        'deliveries begin after the events before registration',
      );
      const stored = await endpointDocuments.get(hub.ledger.store, endpoint.id);
      assert.equal(stored?.secret, secret, 'stored: deliveries are signed with it');
      assert.deepEqual(await webhooks.get(endpoint.id, sbi), endpoint);
      assert.ok(!JSON.stringify(await webhooks.list({}, operator)).includes(secret));
      const audit = await hub.ledger.store.auditEntries({ limit: 1000 });
      const entry = audit.find((e) => e.action === 'webhooks.register');
      assert.equal(entry?.actor, 'sbi');
      assert.equal(entry.target, endpoint.id);
      assert.equal(entry.keyId, 'k1');
      assert.ok(
        !JSON.stringify(audit.map((e) => e.detail)).includes(secret.slice(6)) &&
          !audit.some((e) => e.target?.includes(secret.slice(6))),
        'the secret is in no audit entry',
      );
    });
  });

  it('the operator registers for anyone, active at once; approves, disables, rotates, replays, removes — each audited', async () => {
    await withHub(async (hub) => {
      const webhooks = new WebhookService(hub.ledger, hub.participants);
      const changes: string[] = [];
      const stopWatching = webhooks.onChange((id) => changes.push(id));
      const own = await webhooks.register(
        { participant: 'vtb', url: URL, format: 'camt.054', maxEventsPerDelivery: 7 },
        operator,
      );
      assert.equal(own.endpoint.status, 'active');
      assert.equal(own.endpoint.approvedBy, 'cli');
      assert.equal(own.endpoint.format, 'camt.054');
      assert.equal(own.endpoint.maxEventsPerDelivery, 7);
      const theirs = await webhooks.register({ url: URL }, sbi);
      assert.equal((await webhooks.approve(theirs.endpoint.id, operator)).status, 'active');
      await assert.rejects(
        webhooks.approve(theirs.endpoint.id, operator),
        refusal('webhook_status_conflict', 'id'),
      );
      assert.equal((await webhooks.disable(theirs.endpoint.id, sbi)).status, 'disabled');
      await assert.rejects(
        webhooks.disable(theirs.endpoint.id, sbi),
        refusal('webhook_status_conflict'),
      );
      const rotated = await webhooks.rotateSecret(theirs.endpoint.id, sbi);
      assert.notEqual(rotated.secret, theirs.secret);
      const stored = await endpointDocuments.get(hub.ledger.store, theirs.endpoint.id);
      assert.equal(stored?.secret, rotated.secret);
      assert.equal(stored.previousSecret, theirs.secret, 'the old secret still signs for a while');
      assert.equal((await webhooks.replay(theirs.endpoint.id, {}, sbi)).status, 'active');
      await webhooks.remove(theirs.endpoint.id, sbi);
      await assert.rejects(
        webhooks.get(theirs.endpoint.id, operator),
        refusal('webhook_not_found', 'id'),
      );
      await assert.rejects(
        webhooks.remove(theirs.endpoint.id, operator),
        refusal('webhook_not_found'),
      );
      const removed = await endpointDocuments.get(hub.ledger.store, theirs.endpoint.id);
      assert.equal(removed?.secret, '', 'a removed endpoint keeps no secret');
      assert.equal(removed.previousSecret, undefined);
      assert.deepEqual(
        (await webhooks.list({}, operator)).map((e) => e.id),
        [own.endpoint.id],
      );
      const actions = (await hub.ledger.store.auditEntries({ limit: 1000 }))
        .filter((e) => e.action.startsWith('webhooks.'))
        .map((e) => `${e.action} ${e.actor}`);
      assert.deepEqual(actions, [
        'webhooks.register cli',
        'webhooks.register sbi',
        'webhooks.approve cli',
        'webhooks.disable sbi',
        'webhooks.rotate_secret sbi',
        'webhooks.replay sbi',
        'webhooks.remove sbi',
      ]);
      assert.equal(changes.length, 7);
      stopWatching();
      await webhooks.disable(own.endpoint.id, operator);
      assert.equal(changes.length, 7, 'no longer told');
    });
  });

  it('a participant can neither see nor manage another participant’s endpoints', async () => {
    await withHub(async (hub) => {
      const webhooks = new WebhookService(hub.ledger, hub.participants);
      const { endpoint } = await webhooks.register({ url: URL }, sbi);
      const id = endpoint.id;
      const notFound = refusal('webhook_not_found', 'id');
      await assert.rejects(webhooks.get(id, vtb), notFound);
      await assert.rejects(webhooks.disable(id, vtb), notFound);
      await assert.rejects(webhooks.remove(id, vtb), notFound);
      await assert.rejects(webhooks.rotateSecret(id, vtb), notFound);
      await assert.rejects(webhooks.replay(id, {}, vtb), notFound);
      await assert.rejects(webhooks.deliveries(id, { limit: 10 }, vtb), notFound);
      await assert.rejects(webhooks.attempts(id, `dlv_${id}_1_1`, vtb), notFound);
      assert.deepEqual(await webhooks.list({}, vtb), []);
      assert.deepEqual(await webhooks.list({ participant: 'sbi' }, vtb), []);
      assert.equal((await webhooks.list({}, sbi)).length, 1);
      assert.equal((await webhooks.list({ participant: 'sbi' }, auditor)).length, 1);
      assert.equal((await webhooks.get(id, auditor)).id, id, 'auditors read everything');
      await assert.rejects(webhooks.approve(id, sbi), refusal('forbidden'));
      await assert.rejects(webhooks.disable(id, auditor), refusal('forbidden'));
      await assert.rejects(
        webhooks.register({ participant: 'sbi', url: URL }, auditor),
        refusal('forbidden'),
      );
      await assert.rejects(
        webhooks.register({ participant: 'sbi', url: URL }, vtb),
        refusal('forbidden', 'participant'),
      );
      await assert.rejects(webhooks.get('wh_nonsense', operator), notFound);
      await assert.rejects(webhooks.get('wh_0123456789abcdef', operator), notFound);
      assert.equal((await webhooks.get(id, sbi)).status, 'pending_approval', 'nothing changed');
      const audited = (await hub.ledger.store.auditEntries({ limit: 1000 })).filter((e) =>
        e.action.startsWith('webhooks.'),
      );
      assert.equal(audited.length, 1, 'refusals write nothing');
    });
  });

  it('refuses bad registrations precisely, writing nothing', async () => {
    await withHub(async (hub) => {
      const webhooks = new WebhookService(hub.ledger, hub.participants, {
        allowedHosts: ['hooks.bank.example'],
      });
      const register = (input: object, actor: Actor = operator) =>
        webhooks.register(
          { participant: 'sbi', url: 'https://hooks.bank.example/x', ...input },
          actor,
        );
      await assert.rejects(register({ url: 'http://127.0.0.1/' }), refusal('invalid_field', 'url'));
      await assert.rejects(register({ format: 'xml' }), refusal('invalid_field', 'format'));
      await assert.rejects(register({ types: [] }), refusal('invalid_field', 'types'));
      await assert.rejects(
        register({ types: 'transfer.created' }),
        refusal('invalid_field', 'types'),
      );
      await assert.rejects(
        register({ types: ['transfer.created', 'transfer.exploded'] }),
        refusal('invalid_field', 'types/1'),
      );
      await assert.rejects(register({ types: [7] }), refusal('invalid_field', 'types/0'));
      for (const max of [0, 1001, 1.5, '10'])
        await assert.rejects(
          register({ maxEventsPerDelivery: max }),
          refusal('invalid_field', 'maxEventsPerDelivery'),
        );
      await assert.rejects(
        register({ participant: 'nobody' }),
        refusal('participant_not_found', 'participant'),
      );
      await assert.rejects(
        register({ participant: 'hub' }),
        refusal('invalid_field', 'participant'),
      );
      await assert.rejects(register({ participant: '' }), refusal('invalid_field', 'participant'));
      await assert.rejects(
        register({ participant: undefined }),
        refusal('invalid_field', 'participant'),
      );
      await hub.participants.setStatus('vtb', 'suspended', operator);
      await assert.rejects(
        register({ participant: 'vtb' }),
        refusal('participant_suspended', 'participant'),
      );
      assert.deepEqual(await webhooks.list({}, operator), []);
      assert.throws(
        () => new WebhookService(hub.ledger, hub.participants, { allowedHosts: ['a b'] }),
        refusal('invalid_field', 'allowedHosts/0'),
      );
      const ok = await register({});
      assert.equal(ok.endpoint.url, 'https://hooks.bank.example/x');
    });
  });

  it('replay: only what was approved, from the cursor or from an event; deliveries and attempts are checked', async () => {
    await withHub(async (hub) => {
      const webhooks = new WebhookService(hub.ledger, hub.participants);
      const pending = await webhooks.register({ url: URL }, sbi);
      await webhooks.disable(pending.endpoint.id, sbi);
      await assert.rejects(
        webhooks.replay(pending.endpoint.id, {}, sbi),
        refusal('webhook_status_conflict'),
        'never approved',
      );
      const { endpoint } = await webhooks.register({ participant: 'sbi', url: URL }, operator);
      await assert.rejects(
        webhooks.replay(endpoint.id, {}, operator),
        refusal('webhook_status_conflict'),
        'active already',
      );
      const base = await hub.ledger.store.lastEventSeq();
      await appendEvents(hub.ledger, [{}, {}, {}]);
      await assert.rejects(
        webhooks.replay(endpoint.id, { fromSeq: 0n }, operator),
        refusal('invalid_field', 'fromSeq'),
      );
      await assert.rejects(
        webhooks.replay(endpoint.id, { fromSeq: base + 5n }, operator),
        refusal('invalid_field', 'fromSeq'),
      );
      assert.equal(
        (await webhooks.replay(endpoint.id, { fromSeq: base + 4n }, operator)).cursor,
        (base + 3n).toString(),
      );
      assert.equal(
        (await webhooks.replay(endpoint.id, { fromSeq: base + 2n }, operator)).cursor,
        (base + 1n).toString(),
      );
      assert.deepEqual(await webhooks.deliveries(endpoint.id, { limit: 10 }, sbi), []);
      await assert.rejects(
        webhooks.deliveries(endpoint.id, { limit: 0 }, sbi),
        refusal('invalid_field', 'limit'),
      );
      await assert.rejects(
        webhooks.deliveries(endpoint.id, { limit: 10, after: 'x' }, sbi),
        refusal('invalid_field', 'after'),
      );
      await assert.rejects(
        webhooks.deliveries(
          endpoint.id,
          { limit: 10, after: `dlv_${pending.endpoint.id}_1_2` },
          sbi,
        ),
        refusal('invalid_field', 'after'),
      );
      await assert.rejects(
        webhooks.attempts(endpoint.id, `dlv_${endpoint.id}_1_2`, sbi),
        refusal('webhook_not_found', 'deliveryId'),
      );
      await assert.rejects(
        webhooks.attempts(endpoint.id, 'nonsense', sbi),
        refusal('webhook_not_found', 'deliveryId'),
      );
      await assert.rejects(
        webhooks.attempts(endpoint.id, `dlv_${endpoint.id}_3_2`, sbi),
        refusal('webhook_not_found', 'deliveryId'),
      );
    });
  });
});
