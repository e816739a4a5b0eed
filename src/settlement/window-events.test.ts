import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import { eventsOf, failingAfterEvents } from '../events/outbox.test-helper.js';
import type { Hub } from '../hub/hub.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import { newTransferId } from '../ledger/ids.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LedgerStore } from '../store/store.js';

/**
 * `window.closed` and `window.settled` (issue 15): written in the transaction that closes, or
 * settles, the window; `window.closed` for every participant that settles in the currency,
 * `window.settled` for those the netting names; none for a refused close or settlement. On SQLite
 * and PostgreSQL.
 */
const cli = CLI_ACTOR;
const WINDOW_EVENTS = ['window.closed', 'window.settled'];

const directory = mkdtempSync(join(tmpdir(), 'vostro-window-events-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;
const sqlite = (): Promise<LedgerStore> =>
  Promise.resolve(new SqliteStore({ path: join(directory, `window-events-${++counter}.db`) }));

const sorted = (values: readonly string[]): string[] => [...values].sort();

/** Caps for the rupee banks; SBI pays Bank of Baroda 700.00 and Bank of Baroda pays back 200.00. */
async function payments(hub: Hub, sbiPays = 700_00n): Promise<void> {
  for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 5_000_000_00n, cli);
  const pay = (payer: string, payee: string, amount: bigint) =>
    hub.payments.pay(
      {
        id: newTransferId(),
        payer: account(payer, 'INR'),
        payee: account(payee, 'INR'),
        amount,
        reference: 'window events',
      },
      cli,
    );
  await pay('sbi', 'bob', sbiPays);
  await pay('bob', 'sbi', 200_00n);
}

function cases(open: (() => Promise<LedgerStore>) | undefined, name: string): void {
  const withStore = (body: (hub: Hub) => Promise<void>) =>
    withHub(body, open === undefined ? {} : { store: open });

  describe(`window.closed and window.settled (${name})`, () => {
    it('closing writes window.closed for the currency’s settling participants; settling writes window.settled with the netting, for those it names', async () => {
      await withStore(async (hub) => {
        const store = hub.ledger.store;
        await payments(hub);
        const before = await store.lastEventSeq();
        const { closed, opened } = await hub.windows.close('INR', cli, 'INR-1');
        const [closedEvent, ...more] = await eventsOf(store, WINDOW_EVENTS, { afterSeq: before });
        assert.ok(closedEvent !== undefined);
        assert.deepEqual(more, []);
        assert.equal(closedEvent.type, 'window.closed');
        assert.equal(closedEvent.subject, 'INR-1');
        assert.deepEqual(
          sorted(closedEvent.participants),
          ['bob', 'fx', 'sbi'],
          'every participant with a rupee cap account; not the hub, not the rouble banks',
        );
        assert.deepEqual(closedEvent.data, {
          id: 'INR-1',
          currency: 'INR',
          seq: 1,
          status: 'closed',
          openedAfter: '0',
          closedAt: closed.closedAt ?? '',
          openedAtIso: closed.openedAtIso,
          closedAtIso: closed.closedAtIso ?? '',
          closedBy: 'cli',
          next: opened.id,
        });
        assert.equal(opened.id, 'INR-2');
        assert.ok(closedEvent.at >= BigInt(closed.closedAt ?? '0'), 'stamped at the close');
        // The close is the last write of its transaction: nothing of it after the event.
        assert.equal(await store.lastEventSeq(), closedEvent.seq);
        for (const participant of ['vtb', 'sber'])
          assert.deepEqual(
            await eventsOf(store, WINDOW_EVENTS, { participant }),
            [],
            `${participant} settles no rupees`,
          );

        const seq = await store.lastEventSeq();
        const { window: settled } = await hub.windows.settle('INR-1', cli);
        const all = await store.events({ afterSeq: seq, limit: 100 });
        assert.deepEqual(
          all.map((event) => event.type),
          ['transfer.created', 'transfer.created', 'window.settled'],
          'the pay-in and the pay-out, then the settlement, in one commit',
        );
        const settledEvent = all.at(-1);
        assert.ok(settledEvent !== undefined);
        assert.equal(settledEvent.subject, 'INR-1');
        assert.deepEqual(sorted(settledEvent.participants), ['bob', 'sbi']);
        assert.deepEqual(settledEvent.data, {
          id: 'INR-1',
          currency: 'INR',
          seq: 1,
          status: 'settled',
          openedAfter: '0',
          closedAt: closed.closedAt ?? '',
          openedAtIso: closed.openedAtIso,
          closedAtIso: closed.closedAtIso ?? '',
          closedBy: 'cli',
          settledAtIso: settled.settledAtIso ?? '',
          settledBy: 'cli',
          transfers: 2,
          onUs: 0,
          gross: '90000',
          moved: '50000',
          efficiency: '0.4444',
          instructions: 2,
          instructionsTotal: '100000',
          settlementTransfers: [...(settled.settlementTransfers ?? [])],
        });
        assert.equal(settled.settlementTransfers?.length, 2);
        assert.deepEqual(
          sorted(all.slice(0, 2).map((event) => event.subject)),
          sorted(settled.settlementTransfers ?? []),
        );
        // Each named participant reads both; the FX provider, with a rupee cap but no position,
        // reads the close only; the rouble banks read neither.
        for (const participant of ['sbi', 'bob'])
          assert.deepEqual(
            (await eventsOf(store, WINDOW_EVENTS, { participant })).map((event) => event.type),
            WINDOW_EVENTS,
            participant,
          );
        assert.deepEqual(
          (await eventsOf(store, WINDOW_EVENTS, { participant: 'fx' })).map((event) => event.type),
          ['window.closed'],
        );
        for (const participant of ['vtb', 'sber'])
          assert.deepEqual(await eventsOf(store, WINDOW_EVENTS, { participant }), [], participant);
      });
    });

    it('a window without interbank payments: closed for its settling participants, settled for nobody but staff', async () => {
      await withStore(async (hub) => {
        const store = hub.ledger.store;
        await hub.windows.close('RUB', cli);
        await hub.windows.settle('RUB-1', cli);
        const [closed, settled, ...more] = await eventsOf(store, WINDOW_EVENTS);
        assert.deepEqual(more, []);
        assert.equal(closed?.type, 'window.closed');
        assert.deepEqual(sorted(closed.participants), ['fx', 'sber', 'vtb']);
        assert.equal(settled?.type, 'window.settled');
        assert.deepEqual(settled.participants, [], 'the operator and auditors see it');
        assert.equal(settled.data['transfers'], 0);
        assert.equal(settled.data['gross'], '0');
        assert.equal(settled.data['moved'], '0');
        assert.equal(settled.data['efficiency'], null);
        assert.equal(settled.data['instructions'], 0);
        assert.equal(settled.data['instructionsTotal'], '0');
        assert.deepEqual(settled.data['settlementTransfers'], []);
      });
    });

    it('a refused close or settlement writes no event and changes nothing', async () => {
      await withStore(async (hub) => {
        const store = hub.ledger.store;
        // SBI pays away all it has: its pay-in cannot be covered when the window settles.
        await payments(hub, 1_000_000_00n);
        const seq = await store.lastEventSeq();
        const counts = await store.counts();
        await assert.rejects(hub.windows.settle('INR-1', cli), refusal('window_not_closed'));
        await assert.rejects(hub.windows.close('INR', cli, 'INR-7'), refusal('window_not_found'));
        assert.equal(await store.lastEventSeq(), seq);
        assert.deepEqual(await store.counts(), counts);
        assert.equal((await hub.windows.current('INR')).id, 'INR-1');

        await hub.windows.close('INR', cli, 'INR-1');
        const closedSeq = await store.lastEventSeq();
        const closedCounts = await store.counts();
        await assert.rejects(
          hub.windows.close('INR', cli, 'INR-1'),
          refusal('window_already_closed'),
        );
        await assert.rejects(hub.windows.settle('INR-1', cli), refusal('insufficient_funds'));
        assert.equal(await store.lastEventSeq(), closedSeq, 'no event after the close');
        assert.deepEqual(await store.counts(), closedCounts, 'no transfer either');
        assert.equal((await hub.windows.get('INR-1')).status, 'closed');
        assert.equal((await hub.windows.current('INR')).id, 'INR-2');
        assert.deepEqual(
          (await eventsOf(store, WINDOW_EVENTS)).map((event) => event.type),
          ['window.closed'],
        );

        // Once SBI has the money, the settlement goes through; settling again is refused, silently.
        await hub.payments.fund(
          {
            id: newTransferId(),
            account: account('sbi', 'INR'),
            amount: 1_000_000_00n,
            reference: 'top-up',
          },
          cli,
        );
        await hub.windows.settle('INR-1', cli);
        const settledSeq = await store.lastEventSeq();
        await assert.rejects(hub.windows.settle('INR-1', cli), refusal('window_already_settled'));
        assert.equal(await store.lastEventSeq(), settledSeq);
        assert.deepEqual(
          (await eventsOf(store, WINDOW_EVENTS)).map((event) => event.type),
          WINDOW_EVENTS,
        );
      });
    });

    it('each event commits with its change: a fault after it leaves the window open (or unsettled), caps and transfers as they were', async () => {
      let fault: string | undefined;
      const faulty = async (): Promise<LedgerStore> =>
        failingAfterEvents(
          open === undefined ? await sqlite() : await open(),
          (event) => event.type === fault,
          () => fault !== undefined,
        );
      await withHub(
        async (hub) => {
          const store = hub.ledger.store;
          await payments(hub);
          const headroom = (await hub.caps.status('sbi', 'INR')).headroomMinor;
          assert.equal(headroom, 5_000_000_00n - 500_00n, 'SBI is 500.00 in net debit');
          let seq = await store.lastEventSeq();
          let counts = await store.counts();
          fault = 'window.closed';
          await assert.rejects(hub.windows.close('INR', cli), /fault injected after appendEvents/);
          fault = undefined;
          assert.equal(await store.lastEventSeq(), seq);
          assert.deepEqual(await store.counts(), counts, 'no cap reset');
          assert.equal((await hub.caps.status('sbi', 'INR')).headroomMinor, headroom);
          assert.equal((await hub.windows.current('INR')).id, 'INR-1', 'still open');
          await hub.windows.close('INR', cli, 'INR-1');
          assert.equal((await hub.caps.status('sbi', 'INR')).headroomMinor, 5_000_000_00n);
          assert.equal((await eventsOf(store, ['window.closed'], { afterSeq: seq })).length, 1);

          seq = await store.lastEventSeq();
          counts = await store.counts();
          fault = 'window.settled';
          await assert.rejects(hub.windows.settle('INR-1', cli), /fault injected/);
          fault = undefined;
          assert.equal(await store.lastEventSeq(), seq, 'neither the event nor the instructions’');
          assert.deepEqual(await store.counts(), counts, 'no settlement transfer');
          assert.equal((await hub.windows.get('INR-1')).status, 'closed');
          const { window } = await hub.windows.settle('INR-1', cli);
          assert.equal(window.status, 'settled');
          assert.equal((await eventsOf(store, ['window.settled'], { afterSeq: seq })).length, 1);
        },
        { store: faulty },
      );
    });
  });
}

cases(undefined, 'SQLite');

await postgresTests('window events on PostgreSQL', (schemas) => {
  cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }), 'PostgreSQL');
});
