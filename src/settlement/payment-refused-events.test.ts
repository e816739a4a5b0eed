import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { eventsOf, failingAfterEvents } from '../events/outbox.test-helper.js';
import type { Hub } from '../hub/hub.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import { newTransferId } from '../ledger/ids.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LedgerStore } from '../store/store.js';
import type { PaymentRequest } from './payments.js';

/**
 * `payment.refused` for a payment through the payments service (`POST /v1/payments`, `vostro
 * payment create`): the ledger's refusal of a well-formed payment (too little money, a net debit
 * cap exceeded) is told to the payer's side in a transaction of its own, with a `payments.refuse`
 * audit entry, both or neither; a refusal of the request's form, of an account the actor may not
 * use, or of an id used before writes nothing. On SQLite and PostgreSQL.
 */
const cli = CLI_ACTOR;
const sbiKey: Actor = { id: 'key-sbi', role: 'participant', participant: 'sbi' };

const directory = mkdtempSync(join(tmpdir(), 'vostro-refused-events-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;
const sqlite = (): Promise<LedgerStore> =>
  Promise.resolve(new SqliteStore({ path: join(directory, `refused-${++counter}.db`) }));

const pay = (payer: string, payee: string, amount: bigint): PaymentRequest => ({
  id: newTransferId(),
  payer: account(payer, 'INR'),
  payee: account(payee, 'INR'),
  amount,
  reference: 'refused events',
});

function cases(open: (() => Promise<LedgerStore>) | undefined, name: string): void {
  const withStore = (body: (hub: Hub) => Promise<void>, store = open) =>
    withHub(body, store === undefined ? {} : { store });

  describe(`payment.refused from the payments service (${name})`, () => {
    it('a payment past the cap: one event for the payer’s side and one audit entry, nothing else', async () => {
      await withStore(async (hub) => {
        const store = hub.ledger.store;
        await hub.caps.set('sbi', 'INR', 100_00n, cli);
        const seq = await store.lastEventSeq();
        const counts = await store.counts();
        const request = pay('sbi', 'bob', 100_01n);
        await assert.rejects(hub.payments.pay(request, sbiKey), refusal('liquidity_cap_exceeded'));
        assert.deepEqual(await store.counts(), counts, 'no transfer');
        const events = await store.events({ afterSeq: seq, limit: 100 });
        assert.equal(events.length, 1);
        const [event] = events;
        assert.ok(event !== undefined);
        assert.equal(event.type, 'payment.refused');
        assert.equal(event.subject, request.id);
        assert.deepEqual(event.participants, ['sbi']);
        assert.deepEqual(event.data, {
          id: request.id,
          payer: request.payer,
          payee: request.payee,
          amount: '10001',
          currency: 'INR',
          code: 'liquidity_cap_exceeded',
          message: "sbi's net debit in the open INR window would exceed its cap",
          source: 'api',
        });
        for (const participant of ['bob', 'vtb'])
          assert.deepEqual(
            await eventsOf(store, ['payment.refused'], { participant }),
            [],
            `${participant} is not on the payer's side`,
          );
        const audit = await store.auditEntries({ limit: 1000 });
        const last = audit.at(-1);
        assert.equal(last?.action, 'payments.refuse');
        assert.equal(last.target, request.id);
        assert.equal(last.actor, 'key-sbi');

        // Retrying the same refused payment is refused again, and recorded again.
        await assert.rejects(hub.payments.pay(request, sbiKey), refusal('liquidity_cap_exceeded'));
        assert.equal((await eventsOf(store, ['payment.refused'], { afterSeq: seq })).length, 2);
      });
    });

    it('too little money: the event names the code; a customer’s payment reaches its bank too', async () => {
      await withStore(async (hub) => {
        const store = hub.ledger.store;
        const seq = await store.lastEventSeq();
        const request = pay('bob', 'sbi', 10_000_000_000_00n);
        await assert.rejects(hub.payments.pay(request, cli), refusal('insufficient_funds'));
        const [event, ...more] = await eventsOf(store, ['payment.refused'], { afterSeq: seq });
        assert.deepEqual(more, []);
        assert.equal(event?.data['code'], 'insufficient_funds');
        assert.deepEqual(event.participants, ['bob'], 'the CLI is no participant');
      });
    });

    it('a refusal of the form, of an account the actor may not use, or of a reused id writes nothing', async () => {
      await withStore(async (hub) => {
        const store = hub.ledger.store;
        await hub.caps.set('sbi', 'INR', 100_00n, cli);
        const done = pay('sbi', 'bob', 1_00n);
        await hub.payments.pay(done, cli);
        const seq = await store.lastEventSeq();
        const counts = await store.counts();
        const auditCount = (await store.auditEntries({ limit: 10_000 })).length;
        await assert.rejects(
          hub.payments.pay(pay('sbi', 'bob', 0n), sbiKey),
          refusal('invalid_field', 'amount'),
        );
        await assert.rejects(
          hub.payments.pay({ ...pay('sbi', 'bob', 1_00n), reference: 'bad\u0007' }, sbiKey),
          refusal('invalid_field', 'reference'),
        );
        await assert.rejects(hub.payments.pay(pay('bob', 'sbi', 1_00n), sbiKey));
        await assert.rejects(
          hub.payments.pay({ ...done, amount: 2_00n }, cli),
          refusal('payment_refused', 'id'),
        );
        assert.equal(await store.lastEventSeq(), seq);
        assert.deepEqual(await store.counts(), counts);
        assert.equal((await store.auditEntries({ limit: 10_000 })).length, auditCount);
      });
    });

    it('the event and its audit entry commit together: a fault after the event leaves neither, and the answer is the fault', async () => {
      let armed = false;
      const faulty = async (): Promise<LedgerStore> =>
        failingAfterEvents(
          open === undefined ? await sqlite() : await open(),
          (event) => event.type === 'payment.refused',
          () => armed,
        );
      await withStore(async (hub) => {
        const store = hub.ledger.store;
        await hub.caps.set('sbi', 'INR', 100_00n, cli);
        const seq = await store.lastEventSeq();
        const auditCount = (await store.auditEntries({ limit: 10_000 })).length;
        const request = pay('sbi', 'bob', 200_00n);
        armed = true;
        await assert.rejects(hub.payments.pay(request, sbiKey), /fault injected/);
        armed = false;
        assert.equal(await store.lastEventSeq(), seq);
        assert.equal((await store.auditEntries({ limit: 10_000 })).length, auditCount);
        await assert.rejects(hub.payments.pay(request, sbiKey), refusal('liquidity_cap_exceeded'));
        assert.equal((await eventsOf(store, ['payment.refused'], { afterSeq: seq })).length, 1);
      }, faulty);
    });
  });
}

cases(undefined, 'SQLite');

await postgresTests('payment.refused events on PostgreSQL', (schemas) => {
  cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }), 'PostgreSQL');
});
