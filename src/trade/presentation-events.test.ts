import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signDocument } from '../documents/envelope.js';
import type { DocumentContent } from '../documents/types.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { eventsOf, failingAfterEvents } from '../events/outbox.test-helper.js';
import { newTransferId } from '../ledger/ids.js';
import { verifyLedger } from '../ledger/verify.js';
import {
  creditDocuments,
  issuerKey,
  openDocumentWorld,
  participantActor,
  refusedWith,
  shippedCreditTrade,
  type DocumentWorld,
} from '../store/conformance/trade.cases.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { LedgerStore } from '../store/store.js';
import { openSqlite, type OpenStore } from './trade.test-helper.js';

/**
 * `presentation.accepted` and `presentation.refused` (issue 15): written in the transaction that
 * records a presentation's outcome, for the trade's parties (exporter, importer and their banks).
 * A presentation the hub rejects before recording anything (a paid, expired or cancelled trade, a
 * presenter not of the exporter's side, invalid input) writes none. On SQLite and PostgreSQL.
 */
const TYPES = ['presentation.accepted', 'presentation.refused'];
/** The trade's exporter and importer (indo-pharma at sbi, rus-med at vtb), sorted. */
const PARTIES = ['indo-pharma', 'rus-med', 'sbi', 'vtb'];
/** 2026-04-01T00:00:00Z: the end of the credit's expiry date (2026-03-31). */
const CREDIT_END_NS = 1_775_001_600_000_000_000n;
const exporterBank = participantActor('sbi');

const sorted = (values: readonly string[]): string[] => [...values].sort();

function cases(open: OpenStore, name: string): void {
  const withDocuments = (
    title: string,
    body: (world: DocumentWorld) => Promise<void>,
    wrap?: (store: LedgerStore) => LedgerStore,
  ): void => {
    it(title, async () => {
      const store = await open();
      try {
        await body(await openDocumentWorld(wrap === undefined ? store : wrap(store)));
        assert.deepEqual((await verifyLedger(store)).problems, [], 'the verifier passes');
      } finally {
        await store.close();
      }
    });
  };
  const present = (
    world: DocumentWorld,
    trade: string,
    documents: readonly string[],
    id?: string,
  ) => world.presentations.present({ id: id ?? newTransferId(), trade, documents }, exporterBank);

  describe(`presentation events (${name})`, () => {
    withDocuments(
      'an accepted presentation writes presentation.accepted with the payment it posted, for the trade’s parties only; a retry and a refusal write none',
      async (world) => {
        const { store } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        const from = await store.lastEventSeq();
        const id = newTransferId();
        const accepted = await present(world, trade.id, Object.values(hashes), id);
        assert.equal(accepted.status, 'accepted');
        const all = await store.events({ afterSeq: from, limit: 100 });
        assert.deepEqual(
          all.map((event) => event.type),
          ['transfer.posted', 'presentation.accepted'],
          'the posting of the credit’s payment (its cap leg has no event), then the presentation',
        );
        const [posted, event] = all;
        assert.ok(posted !== undefined && event !== undefined);
        assert.equal(
          event.seq,
          posted.seq + 1n,
          'consecutive: nothing between the posting and the presentation',
        );
        assert.equal(event.subject, id);
        assert.deepEqual(sorted(event.participants), PARTIES);
        assert.deepEqual(event.data, {
          id,
          trade: trade.id,
          status: 'accepted',
          documents: Object.values(hashes),
          presentedBy: 'sbi',
          presentedAt: accepted.presentedAt,
          payment: accepted.payment,
          amount: '150050000',
          currency: 'INR',
        });
        for (const participant of PARTIES)
          assert.equal(
            (await eventsOf(store, TYPES, { afterSeq: from, participant })).length,
            1,
            participant,
          );
        for (const participant of ['bob', 'delhi-foods', 'ural-trade'])
          assert.deepEqual(await eventsOf(store, TYPES, { participant }), [], participant);
        // The same presentation again is a retry; another one is refused as paid: no event.
        const seq = await store.lastEventSeq();
        assert.deepEqual(await present(world, trade.id, Object.values(hashes), id), accepted);
        await assert.rejects(
          present(world, trade.id, Object.values(hashes)),
          refusedWith('trade_already_paid', 'trade'),
        );
        assert.equal(await store.lastEventSeq(), seq);
      },
    );

    withDocuments(
      'a discrepant presentation writes presentation.refused with every failed check (reasons cut short); the corrected one is accepted',
      async (world) => {
        const { store } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        // A bill of lading whose goods are none of the trade's: one check, with a long reason.
        const original = creditDocuments(trade).bill_of_lading;
        const strange = signDocument(
          {
            ...original.content,
            number: 'SCI-NSA-2026-2299',
            lines: ['090111', '100199', '720851', '720852'].map((hs) => ({
              hs,
              description: 'Other goods',
              quantity: '1',
              unit: 'TNE',
            })),
          } as DocumentContent,
          issuerKey('sci-carrier'),
        );
        await world.documents.submit(strange, CLI_ACTOR);
        const unknown = `sha256:${'0'.repeat(64)}`;
        const from = await store.lastEventSeq();
        const presented = [hashes.commercial_invoice, strange.hash, unknown];
        const discrepant = await present(world, trade.id, presented);
        assert.equal(discrepant.status, 'discrepant');
        const events = await store.events({ afterSeq: from, limit: 100 });
        assert.deepEqual(
          events.map((event) => event.type),
          ['presentation.refused'],
          'the money stays reserved: no transfer',
        );
        const [event] = events;
        assert.ok(event !== undefined);
        assert.equal(event.subject, discrepant.id);
        assert.deepEqual(sorted(event.participants), PARTIES);
        const { discrepancies, ...rest } = event.data;
        assert.deepEqual(rest, {
          id: discrepant.id,
          trade: trade.id,
          status: 'discrepant',
          documents: presented,
          presentedBy: 'sbi',
          presentedAt: discrepant.presentedAt,
        });
        const long = discrepant.discrepancies.find((found) => found.reason.length > 200);
        assert.ok(long !== undefined, 'the goods check explains four lines');
        assert.deepEqual(
          discrepancies,
          discrepant.discrepancies.map((found) => ({
            ...found,
            reason: found === long ? `${found.reason.slice(0, 199)}…` : found.reason,
          })),
        );
        assert.deepEqual(
          discrepant.discrepancies.map((found) => [found.document ?? null, found.check]),
          [
            [strange.hash, 'trade_goods'],
            [unknown, 'stored'],
            [null, 'required_documents'],
          ],
        );
        const accepted = await present(world, trade.id, Object.values(hashes));
        assert.equal(accepted.status, 'accepted');
        assert.deepEqual(
          (await eventsOf(store, TYPES, { afterSeq: from })).map((found) => [
            found.type,
            found.subject,
          ]),
          [
            ['presentation.refused', discrepant.id],
            ['presentation.accepted', accepted.id],
          ],
        );
      },
    );

    withDocuments(
      'a presentation when the credit has ended is recorded as refused, with its event; one rejected before anything is recorded writes none',
      async (world) => {
        const { store, clock, hub } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        const seq = await store.lastEventSeq();
        // Rejected, nothing recorded: the importer's side, and input that is not a presentation.
        await assert.rejects(
          world.presentations.present(
            { id: newTransferId(), trade: trade.id, documents: Object.values(hashes) },
            participantActor('vtb'),
          ),
          refusedWith('trade_status_conflict', 'trade'),
        );
        await assert.rejects(
          present(world, trade.id, ['sha256:not-a-hash']),
          refusedWith('invalid_field', 'documents/0'),
        );
        assert.equal(await store.lastEventSeq(), seq);
        // At the last instant of the expiry date the credit has ended: recorded as refused.
        clock.set(CREDIT_END_NS);
        const refused = await present(world, trade.id, Object.values(hashes));
        assert.equal(refused.status, 'refused');
        const [event, ...more] = await eventsOf(store, TYPES, { afterSeq: seq });
        assert.deepEqual(more, []);
        assert.ok(event !== undefined);
        assert.equal(event.type, 'presentation.refused');
        assert.deepEqual(sorted(event.participants), PARTIES);
        assert.equal(event.data['status'], 'refused');
        assert.deepEqual(event.data['discrepancies'], refused.discrepancies);
        assert.equal(refused.discrepancies[0]?.check, 'credit_expired');
        assert.equal(
          (await hub.trades.get(trade.id, participantActor('rus-med'))).status,
          'expired',
        );
        // The trade is expired now: a further presentation is rejected, unrecorded.
        const after = await store.lastEventSeq();
        await assert.rejects(
          present(world, trade.id, Object.values(hashes)),
          refusedWith('trade_expired', 'trade'),
        );
        assert.equal(await store.lastEventSeq(), after);
      },
    );

    let armed = false;
    withDocuments(
      'the event and the presentation commit together: a fault after the event leaves the money reserved and nothing recorded',
      async (world) => {
        const { store, hub } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        const seq = await store.lastEventSeq();
        const counts = await store.counts();
        armed = true;
        await assert.rejects(
          present(world, trade.id, Object.values(hashes)),
          /fault injected after appendEvents/,
        );
        armed = false;
        assert.equal(await store.lastEventSeq(), seq, 'no event, not even the posting’s');
        assert.deepEqual(await store.counts(), counts, 'no transfer');
        const shipped = await hub.trades.get(trade.id, participantActor('rus-med'));
        assert.equal(shipped.status, 'shipped');
        assert.equal((await hub.payments.payment(shipped.reservation ?? ''))?.status, 'reserved');
        assert.deepEqual(await hub.presentations.list(trade.id, CLI_ACTOR), []);
        assert.equal((await present(world, trade.id, Object.values(hashes))).status, 'accepted');
        assert.equal((await eventsOf(store, TYPES, { afterSeq: seq })).length, 1);
      },
      (store) =>
        failingAfterEvents(
          store,
          (event) => event.type === 'presentation.accepted',
          () => armed,
        ),
    );
  });
}

cases(openSqlite, 'SQLite');

await postgresTests('presentation events on PostgreSQL', (schemas) => {
  cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }), 'PostgreSQL');
});
