import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { appendEvents } from '../events/events.test-helper.js';
import { Hub } from '../hub/hub.js';
import { inboundMessage } from '../iso20022/messages.test-helper.js';
import { validateOutgoing } from '../iso20022/schemas.js';
import { newTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { participantAccountId } from '../participants/accounts.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { JsonBody } from './api.test-helper.js';
import { buildServer } from './server.js';

/**
 * The ISO 20022 and event routes on the PostgreSQL store: a pacs.008 paid and answered, its
 * replay, its stored report, a refused hostile body that writes nothing, the account's camt.053;
 * the event feed a page at a time and live.
 */
await postgresTests('ISO 20022 and events API on postgres', (schemas) => {
  it('takes a pacs.008, answers pacs.002, serves the statement and the event feed, on PostgreSQL', async () => {
    const store = await PostgresStore.open({ url: schemas.next(), poolMax: 4 });
    try {
      const ledger = new Ledger(store);
      const keys = new ApiKeys(ledger);
      const participants = new ParticipantRegistry(ledger);
      const app = await buildServer({ ledger, store, keys, participants, dispatcher: false });
      const hub = new Hub(ledger, participants);
      await hub.open(['INR'], CLI_ACTOR);
      for (const [id, bic] of [
        ['sbi', 'SBININBB'],
        ['bob', 'BARBINBB'],
      ] as const)
        await participants.create(
          { id, name: id.toUpperCase(), kind: 'bank', country: 'IN', currencies: ['INR'], bic },
          CLI_ACTOR,
        );
      const sbi = participantAccountId('sbi', 'INR', 'settlement');
      const bob = participantAccountId('bob', 'INR', 'settlement');
      await hub.payments.fund(
        { id: newTransferId(), account: sbi, amount: 10_000_00n, reference: 'deposit' },
        CLI_ACTOR,
      );
      await hub.caps.set('sbi', 'INR', 10_000_00n, CLI_ACTOR);
      const sbiKey = (await keys.issue({ role: 'participant', participant: 'sbi' }, CLI_ACTOR)).key;
      const operator = (await keys.issue({ role: 'operator' }, CLI_ACTOR)).key;
      const submit = (payload: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/iso20022/messages',
          headers: { authorization: `Bearer ${sbiKey}`, 'content-type': 'application/xml' },
          payload,
        });
      const get = async (url: string, key = sbiKey) => {
        const response = await app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${key}` },
        });
        return { status: response.statusCode, body: response.body, headers: response.headers };
      };

      const uetr = randomUUID();
      const message = inboundMessage({
        msgId: 'PG-0001',
        instructingAgentBic: 'SBININBB',
        instructedAgentBic: 'BARBINBB',
        transactions: [
          {
            uetr,
            amount: '250.75',
            debtorAccount: { other: sbi.replaceAll('-', '') },
            debtorAgentBic: 'SBININBB',
            creditorAccount: { other: bob.replaceAll('-', '') },
            creditorAgentBic: 'BARBINBB',
          },
        ],
      });
      const paid = await submit(message);
      assert.equal(paid.statusCode, 200, paid.body);
      assert.equal(paid.headers['vostro-group-status'], 'ACSC', paid.body);
      validateOutgoing('pacs.002.001.11', paid.body);
      const again = await submit(message);
      assert.equal(again.headers['vostro-replayed'], 'true');
      assert.equal(again.body, paid.body);
      const stored = await get(
        `/v1/iso20022/messages/${String(paid.headers['vostro-message-id'])}`,
      );
      assert.equal(stored.status, 200, stored.body);
      assert.equal(stored.body, paid.body);
      const [bobAccount] = await ledger.lookupAccounts([bob]);
      assert.equal(bobAccount?.creditsPosted, 25075n, 'paid once, exactly');

      const audit = (await store.auditEntries({ limit: 100_000 })).length;
      const hostile = await submit(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
      );
      assert.equal(hostile.statusCode, 400, hostile.body);
      assert.equal(hostile.json<JsonBody>()['code'], 'xml_doctype_refused');
      assert.equal((await store.auditEntries({ limit: 100_000 })).length, audit);

      const today = new Date().toISOString().slice(0, 10);
      const statement = await get(`/v1/iso20022/accounts/${sbi}/statement?date=${today}`);
      assert.equal(statement.status, 200, statement.body);
      validateOutgoing('camt.053.001.08', statement.body);
      assert.ok(statement.body.includes(uetr));

      // The feed: a page, then live over a real connection.
      const from = await store.lastEventSeq();
      await appendEvents(ledger, [
        { type: 'payment.refused', participants: ['sbi'] },
        { type: 'payment.refused', participants: ['bob'] },
      ]);
      const page = await get(`/v1/events?after=${from}`);
      assert.equal(page.status, 200, page.body);
      const own = (JSON.parse(page.body) as JsonBody)['data'] as JsonBody[];
      assert.deepEqual(
        own.map((event) => event['participants']),
        [['sbi']],
        'sbi sees its own only',
      );
      const all = JSON.parse((await get(`/v1/events?after=${from}`, operator)).body) as JsonBody;
      assert.equal(all['data'].length, 2);

      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      const received = await new Promise<string>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: `/v1/events/stream?after=${from}`,
            headers: { authorization: `Bearer ${sbiKey}` },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              text += chunk;
              if (/^data: /m.test(text)) {
                response.destroy();
                resolve(text);
              }
            });
          },
        );
        request.on('error', reject);
        request.end();
      });
      assert.match(received, new RegExp(`^id: ${from + 1n}$`, 'm'));
      assert.match(received, /^event: payment\.refused$/m);
      await app.close();
      assert.deepEqual((await verifyLedger(store)).problems, []);
    } finally {
      await store.close();
    }
  });
});
