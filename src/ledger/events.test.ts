import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  INR,
  LedgerFixture,
  transferInput,
  type StoreFactory,
} from '../store/conformance/fixtures.js';
import type { StoredEvent } from '../store/events.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LedgerStore } from '../store/store.js';
import { TransferFlags } from './flags.js';
import { expiryTransferId, type AccountId } from './ids.js';
import { AccountKind } from './model.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-ledger-events-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

async function allEvents(store: LedgerStore): Promise<StoredEvent[]> {
  return store.events({ afterSeq: 0n, limit: 10_000 });
}

async function withFixture(
  factory: StoreFactory,
  body: (fixture: LedgerFixture) => Promise<void>,
): Promise<void> {
  const store = await factory.open();
  try {
    await body(new LedgerFixture(store));
  } finally {
    await store.close();
  }
}

/** The ledger writes a transfer event for every transfer a batch stores, whoever asked for it. */
function transferEventCases(factory: StoreFactory): void {
  describe(`transfer events (${factory.name})`, () => {
    it('every stored transfer has its event, its body rendered from the transfer', async () => {
      await withFixture(factory, async (fixture) => {
        const { ledger, store, clock } = fixture;
        const [sbi, vtb, sbi2, capSbi, capVtb, hub, odd, oddToo] = await fixture.openAccounts(
          { owner: 'sbi' },
          { owner: 'vtb' },
          { owner: 'sbi' },
          { owner: 'sbi', code: AccountKind.netDebitCap },
          { owner: 'vtb', code: AccountKind.netDebitCap },
          { owner: 'hub', code: AccountKind.hub },
          { owner: 'odd', ledger: 840 },
          { owner: 'odd2', ledger: 840 },
        );
        const plain = transferInput({
          debitAccountId: hub,
          creditAccountId: sbi,
          amount: 1_000n,
          reference: 'funding',
          code: 7,
        });
        const payment = transferInput({
          debitAccountId: sbi,
          creditAccountId: vtb,
          amount: 250n,
          reference: 'ref "quoted" ✓',
          flags: TransferFlags.linked,
        });
        const capLeg = transferInput({
          debitAccountId: capSbi,
          creditAccountId: capVtb,
          amount: 250n,
        });
        const reserve = transferInput({
          debitAccountId: sbi,
          creditAccountId: sbi2,
          amount: 40n,
          flags: TransferFlags.pending,
        });
        const refused = transferInput({ debitAccountId: sbi, creditAccountId: sbi });
        const halfCap = transferInput({ debitAccountId: capSbi, creditAccountId: vtb, amount: 1n });
        const foreign = transferInput({
          debitAccountId: odd,
          creditAccountId: oddToo,
          ledger: 840,
        });
        assert.deepEqual(
          await fixture.transfers([plain, payment, capLeg, reserve, refused, halfCap, foreign]),
          ['ok', 'ok', 'ok', 'ok', 'accounts_must_be_different', 'ok', 'ok'],
        );
        const stored = new Map(
          (await ledger.lookupTransfers([plain.id, payment.id, reserve.id])).map((transfer) => [
            transfer.id,
            transfer,
          ]),
        );
        const events = await allEvents(store);
        assert.deepEqual(
          events.map((event) => [event.type, event.subject, event.participants]),
          [
            ['transfer.created', plain.id, ['sbi']],
            ['transfer.created', payment.id, ['sbi', 'vtb']],
            ['transfer.created', reserve.id, ['sbi']],
            ['transfer.created', halfCap.id, ['sbi', 'vtb']],
            ['transfer.created', foreign.id, ['odd', 'odd2']],
          ],
          'no cap leg, no refused transfer, no hub, each owner once',
        );
        assert.deepEqual(
          events.map((event) => event.seq),
          [1n, 2n, 3n, 4n, 5n],
        );
        const timestamp = stored.get(payment.id)?.timestamp ?? 0n;
        assert.equal(events[1]?.at, timestamp);
        assert.deepEqual(events[1].data, {
          id: payment.id,
          debitAccountId: sbi,
          creditAccountId: vtb,
          amount: '250',
          currency: 'INR',
          ledger: INR,
          code: 1,
          flags: TransferFlags.linked,
          pending: false,
          reference: 'ref "quoted" ✓',
          timestamp: timestamp.toString(),
          debitOwner: 'sbi',
          creditOwner: 'vtb',
        });
        assert.equal(events[0]?.data.debitOwner, 'hub', 'the body names the hub as owner');
        assert.equal(events[0].data.code, 7);
        assert.equal(events[2]?.data.pending, true);
        assert.equal(events[4]?.data.currency, 'USD', "the currency is the ledger's");

        // Posting, voiding and expiring a pending transfer each have their event.
        const post = transferInput({
          pendingId: reserve.id,
          amount: 0n,
          flags: TransferFlags.postPending,
        });
        const toVoid = transferInput({
          debitAccountId: sbi,
          creditAccountId: vtb,
          amount: 5n,
          flags: TransferFlags.pending,
        });
        const toExpire = transferInput({
          debitAccountId: vtb,
          creditAccountId: sbi,
          amount: 3n,
          flags: TransferFlags.pending,
          timeoutSeconds: 1,
        });
        const toExpireInBatch = transferInput({
          debitAccountId: sbi,
          creditAccountId: vtb,
          amount: 2n,
          flags: TransferFlags.pending,
          timeoutSeconds: 1,
        });
        assert.deepEqual(await fixture.transfers([post, toVoid, toExpire, toExpireInBatch]), [
          'ok',
          'ok',
          'ok',
          'ok',
        ]);
        const voiding = transferInput({
          pendingId: toVoid.id,
          amount: 0n,
          flags: TransferFlags.voidPending,
        });
        assert.deepEqual(await fixture.transfers([voiding]), ['ok']);
        clock.advanceSeconds(2);
        assert.equal(await ledger.expireDue(), 2);
        const later = (await allEvents(store)).slice(5);
        assert.deepEqual(
          later.map((event) => [event.type, event.subject]),
          [
            ['transfer.posted', post.id],
            ['transfer.created', toVoid.id],
            ['transfer.created', toExpire.id],
            ['transfer.created', toExpireInBatch.id],
            ['transfer.voided', voiding.id],
            ['transfer.expired', expiryTransferId(toExpire.id)],
            ['transfer.expired', expiryTransferId(toExpireInBatch.id)],
          ],
        );
        assert.equal(later[0]?.data.pendingId, reserve.id);
        assert.equal('pending' in later[0].data, false);
        assert.equal(later[0].data.amount, '40', 'the whole pending amount was posted');
        assert.deepEqual(later[0].participants, ['sbi']);
        assert.equal(later[5]?.data.flags, TransferFlags.voidPending | TransferFlags.expired);
        assert.deepEqual(later[5].participants, ['vtb', 'sbi']);

        // A sweep inside an ordinary batch: the expiry's event comes before the batch's own.
        const again = transferInput({
          debitAccountId: sbi,
          creditAccountId: vtb,
          amount: 1n,
          flags: TransferFlags.pending,
          timeoutSeconds: 1,
        });
        await fixture.transfers([again]);
        clock.advanceSeconds(2);
        const next = transferInput({ debitAccountId: sbi, creditAccountId: vtb, amount: 1n });
        await fixture.transfers([next]);
        assert.deepEqual(
          (await allEvents(store)).slice(12).map((event) => [event.type, event.subject]),
          [
            ['transfer.created', again.id],
            ['transfer.expired', expiryTransferId(again.id)],
            ['transfer.created', next.id],
          ],
        );
        const vtbOnly = await store.events({ afterSeq: 0n, participant: 'vtb', limit: 100 });
        assert.ok(vtbOnly.every((event) => event.participants.includes('vtb')));
        assert.equal(vtbOnly.length, 11);
      });
    });

    it('transfer events roll back with their transaction; a duplicate or refused chain writes none', async () => {
      await withFixture(factory, async (fixture) => {
        const { ledger, store } = fixture;
        const [a, b] = await fixture.openAccounts({ owner: 'sbi' }, { owner: 'vtb' });
        await assert.rejects(
          ledger.transact(async (tx) => {
            await tx.createTransfers([transferInput({ debitAccountId: a, creditAccountId: b })]);
            throw new Error('changed its mind');
          }),
          /changed its mind/,
        );
        assert.deepEqual(await allEvents(store), []);
        const once = transferInput({ debitAccountId: a, creditAccountId: b });
        assert.deepEqual(await fixture.transfers([once]), ['ok']);
        assert.deepEqual(await fixture.transfers([once]), ['exists']);
        assert.deepEqual(
          await fixture.transfers([
            transferInput({ debitAccountId: a, creditAccountId: b, flags: TransferFlags.linked }),
            transferInput({ debitAccountId: a, creditAccountId: a }),
          ]),
          ['linked_event_failed', 'accounts_must_be_different'],
        );
        assert.deepEqual(
          (await allEvents(store)).map((event) => event.subject),
          [once.id],
        );
      });
    });

    it('a parties hook adds who else sees an owner or a kept account; it is asked once per batch', async () => {
      await withFixture(factory, async (fixture) => {
        const { ledger, store } = fixture;
        const [corporate, bank, vostro, other, capA, capB, hub] = await fixture.openAccounts(
          { owner: 'acme', code: AccountKind.customer },
          { owner: 'sbi' },
          { owner: 'vtb', code: AccountKind.vostro },
          { owner: 'bob' },
          { owner: 'cap-only', code: AccountKind.netDebitCap },
          { owner: 'cap-only-2', code: AccountKind.netDebitCap },
          { owner: 'hub', code: AccountKind.hub },
        );
        const calls: { owners: string[]; kept: AccountId[] }[] = [];
        ledger.setEventParties(async (_tx, owners, kept) => {
          calls.push({ owners: [...owners].sort(), kept: kept.map((account) => account.id) });
          return new Map<string, readonly string[]>([
            ['acme', ['sbi', 'hub']],
            [vostro, ['keeper-bank']],
            ['bob', []],
          ]);
        });
        const transfers = [
          transferInput({ debitAccountId: corporate, creditAccountId: bank, amount: 1n }),
          transferInput({ debitAccountId: vostro, creditAccountId: other, amount: 1n }),
          transferInput({ debitAccountId: other, creditAccountId: vostro, amount: 1n }),
          transferInput({ debitAccountId: capA, creditAccountId: capB, amount: 1n }),
          transferInput({ debitAccountId: hub, creditAccountId: other, amount: 1n }),
        ];
        assert.deepEqual(await fixture.transfers(transfers), ['ok', 'ok', 'ok', 'ok', 'ok']);
        assert.deepEqual(
          calls,
          [{ owners: ['acme', 'bob', 'sbi', 'vtb'], kept: [vostro] }],
          'each owner once, without the hub and the owners of cap legs',
        );
        const events = await allEvents(store);
        assert.deepEqual(
          events.map((event) => [event.subject, event.participants]),
          [
            [transfers[0]?.id, ['acme', 'sbi']],
            [transfers[1]?.id, ['vtb', 'bob', 'keeper-bank']],
            [transfers[2]?.id, ['bob', 'vtb', 'keeper-bank']],
            [transfers[4]?.id, ['bob']],
          ],
        );
        assert.deepEqual(
          (await store.events({ afterSeq: 0n, participant: 'keeper-bank', limit: 10 })).map(
            (event) => event.subject,
          ),
          [transfers[1]?.id, transfers[2]?.id],
        );

        // A hook that fails fails its batch: nothing of it is written.
        ledger.setEventParties(() => Promise.reject(new Error('the registry is unreachable')));
        const lastSeq = await store.lastEventSeq();
        await assert.rejects(
          fixture.transfers([
            transferInput({ debitAccountId: hub, creditAccountId: other, amount: 1n }),
          ]),
          /unreachable/,
        );
        assert.equal(await store.lastEventSeq(), lastSeq);
        ledger.setEventParties(undefined);
        assert.deepEqual(
          await fixture.transfers([
            transferInput({ debitAccountId: hub, creditAccountId: corporate, amount: 1n }),
          ]),
          ['ok'],
        );
        assert.deepEqual((await store.events({ afterSeq: lastSeq, limit: 5 }))[0]?.participants, [
          'acme',
        ]);
      });
    });
  });
}

transferEventCases({
  name: 'sqlite',
  open: async () => new SqliteStore({ path: join(directory, `events-${++counter}.db`) }),
});

await postgresTests('transfer events on postgres', (schemas) => {
  transferEventCases({
    name: 'postgres',
    open: () => PostgresStore.open({ url: schemas.next(), poolMax: 2 }),
  });
});
