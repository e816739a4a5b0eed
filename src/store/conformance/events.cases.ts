import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher } from '../../domain/batcher.js';
import type { EventInput, StoredEvent } from '../events.js';
import type { LedgerStore } from '../store.js';
import { TransferFlags } from '../../ledger/flags.js';
import { AccountKind, type TransferInput } from '../../ledger/model.js';
import { POISON, type Poison } from './contention.cases.js';
import { LedgerFixture, transferInput, type StoreFactory } from './fixtures.js';

function event(overrides: Partial<EventInput> = {}): EventInput {
  return {
    type: 'test.happened',
    subject: 'subject-1',
    participants: ['sbi'],
    data: { n: 1 },
    at: 1_700_000_000_000_000_000n,
    ...overrides,
  };
}

/** Every event of the store, paging by `afterSeq` with a small page so that paging itself is exercised. */
async function allEvents(
  store: LedgerStore,
  query: { participant?: string; types?: readonly string[] } = {},
): Promise<StoredEvent[]> {
  const found: StoredEvent[] = [];
  for (;;) {
    const page = await store.events({ ...query, afterSeq: found.at(-1)?.seq ?? 0n, limit: 3 });
    found.push(...page);
    if (page.length < 3) return found;
  }
}

export interface EventCaseOptions {
  /**
   * Opens a second store on the same database as `store`, to write from two stores at once (as
   * two processes would); undefined where a database has one writing store (SQLite).
   */
  readonly openSecond?: (store: LedgerStore) => Promise<LedgerStore>;
}

/**
 * The events outbox (../events.ts): written in the writer's transaction, numbered in commit order
 * from 1 without gaps, read back in pages, by participant and by type; a transaction that fails
 * writes none, and one item at fault in a group commit costs only its own events.
 */
export function eventCases(
  factory: StoreFactory,
  poison: Poison,
  options: EventCaseOptions = {},
): void {
  describe(`events outbox (${factory.name})`, () => {
    const withFixture = (name: string, body: (fixture: LedgerFixture) => Promise<void>): void => {
      it(name, async () => {
        const store = await factory.open();
        try {
          await body(new LedgerFixture(store));
        } finally {
          await store.close();
        }
      });
    };

    withFixture(
      'events are numbered from 1 in order and read back whole, by page, participant and type',
      async ({ ledger, store }) => {
        assert.equal(await store.lastEventSeq(), 0n);
        assert.deepEqual(await store.events({ afterSeq: 0n, limit: 10 }), []);
        const written: EventInput[] = [
          event({ subject: 'e1', participants: ['sbi', 'vtb'], data: { z: 'last', a: 'first' } }),
          event({ subject: 'e2', type: 'other.thing', participants: ['vtb'] }),
          event({ subject: 'e3', participants: [], at: 5n }),
        ];
        await ledger.transact((tx) => tx.appendEvents(written.slice(0, 2)));
        await ledger.transact(async (tx) => {
          await tx.appendEvents([]);
          await tx.appendEvents(written.slice(2));
        });
        const more: EventInput[] = [
          event({
            subject: 'e4',
            participants: ['sbi', 'sbi', 'hdfc', 'sbi'],
            data: {
              nested: { list: [1, 'two', null, true, { deep: '\u{1F600} ✓ "quoted" \\ back' }] },
              amount: '12345678901234567890.12',
            },
            at: (1n << 62n) + 7n,
          }),
          ...Array.from({ length: 6 }, (_, index) =>
            event({ subject: `e${5 + index}`, participants: index % 2 === 0 ? ['hdfc'] : ['sbi'] }),
          ),
        ];
        await ledger.transact((tx) => tx.appendEvents(more));
        const all = await allEvents(store);
        assert.deepEqual(
          all.map((stored) => stored.seq),
          Array.from({ length: 10 }, (_, index) => BigInt(index + 1)),
        );
        assert.equal(await store.lastEventSeq(), 10n);
        const expected = [...written, ...more].map((input, index) => ({
          ...input,
          participants: [...new Set(input.participants)],
          seq: BigInt(index + 1),
        }));
        assert.deepEqual(all, expected);
        assert.deepEqual(
          Object.keys(all[0]?.data ?? {}),
          ['z', 'a'],
          'the data keeps its keys in the order written',
        );
        assert.deepEqual(all[3]?.participants, ['sbi', 'hdfc'], 'participants once each, in order');

        const subjects = (events: readonly StoredEvent[]): string[] =>
          events.map((stored) => stored.subject);
        assert.deepEqual(subjects(await allEvents(store, { participant: 'sbi' })), [
          'e1',
          'e4',
          'e6',
          'e8',
          'e10',
        ]);
        assert.deepEqual(subjects(await allEvents(store, { participant: 'hdfc' })), [
          'e4',
          'e5',
          'e7',
          'e9',
        ]);
        assert.deepEqual(subjects(await allEvents(store, { participant: 'nobody' })), []);
        assert.deepEqual(subjects(await allEvents(store, { types: ['other.thing'] })), ['e2']);
        assert.deepEqual(
          subjects(await allEvents(store, { types: ['other.thing', 'test.happened'] })),
          subjects(all),
        );
        assert.deepEqual(
          subjects(await allEvents(store, { participant: 'vtb', types: ['other.thing'] })),
          ['e2'],
        );
        assert.deepEqual(
          subjects(await allEvents(store, { participant: 'sbi', types: ['other.thing'] })),
          [],
        );
        assert.deepEqual(await store.events({ afterSeq: 0n, types: [], limit: 10 }), []);

        assert.deepEqual(subjects(await store.events({ afterSeq: 4n, limit: 2 })), ['e5', 'e6']);
        assert.deepEqual(
          subjects(await store.events({ afterSeq: 4n, participant: 'sbi', limit: 2 })),
          ['e6', 'e8'],
        );
        assert.deepEqual(await store.events({ afterSeq: 10n, limit: 5 }), []);
        assert.deepEqual(await store.events({ afterSeq: 0n, limit: 0 }), []);
        assert.equal((await store.events({ afterSeq: 0n, limit: 10_000 })).length, 10);
        // Text no store can hold names no participant: nothing, and nothing sent to the database.
        assert.deepEqual(
          await store.events({ afterSeq: 0n, participant: 'sbi\u0000', limit: 5 }),
          [],
        );
        assert.deepEqual(await store.events({ afterSeq: 0n, participant: '\ud800', limit: 5 }), []);
        await assert.rejects(
          store.events({ afterSeq: 0n, limit: 10_001 }),
          /bug: event query limit/,
        );
        await assert.rejects(store.events({ afterSeq: 0n, limit: 1.5 }), /bug: event query limit/);
        await assert.rejects(store.events({ afterSeq: -1n, limit: 1 }), /bug: event query after/);
      },
    );

    withFixture(
      'events commit with the ledger batch and documents of their transaction, or not at all',
      async (fixture) => {
        const { ledger, store } = fixture;
        const [debit, credit] = await fixture.openAccounts({ owner: 'sbi' }, { owner: 'vtb' });
        await assert.rejects(
          ledger.transact(async (tx) => {
            await tx.createTransfers([
              transferInput({ debitAccountId: debit, creditAccountId: credit }),
            ]);
            await tx.putRecords([{ collection: 'things', key: 'k', value: { v: 1 } }]);
            await tx.appendEvents([event({ subject: 'rolled-back' })]);
            throw new Error('the service changed its mind');
          }),
          /changed its mind/,
        );
        assert.equal(await store.lastEventSeq(), 0n);
        assert.equal((await fixture.balances(credit)).creditsPosted, 0n);
        // A bug's event (a type outside the pattern, text no store holds) fails its whole transaction.
        for (const bad of [
          event({ type: 'Transfer.Created' }),
          event({ type: '' }),
          event({ subject: '' }),
          event({ subject: 'x'.repeat(201) }),
          event({ subject: 'nul\u0000' }),
          event({ participants: [''] }),
          event({ participants: ['\ud800'] }),
          event({ data: { text: 'lone \udc00' } }),
          event({ data: [] as unknown as EventInput['data'] }),
          event({ at: -1n }),
        ]) {
          await assert.rejects(
            ledger.transact(async (tx) => {
              await tx.putRecords([{ collection: 'things', key: 'k', value: { v: 2 } }]);
              await tx.appendEvents([event({ subject: 'good neighbour' }), bad]);
            }),
            /bug/,
            JSON.stringify(bad, (_, value: unknown) =>
              typeof value === 'bigint' ? value.toString() : value,
            ),
          );
        }
        assert.equal(await store.lastEventSeq(), 0n);
        assert.equal((await store.getRecords('things', ['k'])).size, 0);

        await ledger.transact(async (tx) => {
          await tx.createTransfers([
            transferInput({ debitAccountId: debit, creditAccountId: credit }),
          ]);
          await tx.appendEvents([event({ subject: 'kept' })]);
        });
        const kept = await store.events({ afterSeq: 0n, types: ['test.happened'], limit: 10 });
        assert.deepEqual(
          kept.map((stored) => [stored.subject, stored.seq > 0n]),
          [['kept', true]],
        );
        assert.equal((await fixture.balances(credit)).creditsPosted, 100n);
        const all = await allEvents(store);
        assert.deepEqual(
          all.map((stored) => stored.seq),
          all.map((_, index) => BigInt(index + 1)),
          'the rolled-back transactions left no gap',
        );
      },
    );

    withFixture(
      "an item the database refuses, grouped with others, loses its own events and none of its neighbours'",
      async (fixture) => {
        const { ledger, store } = fixture;
        const [debit, credit] = await fixture.openAccounts({ owner: 'sbi' }, { owner: 'vtb' });
        await poison(store);
        const groups: number[] = [];
        const batcher = new Batcher<string, string>(
          (references) => {
            groups.push(references.length);
            return ledger.transact(async (tx) => {
              const results = await tx.createTransfers(
                references.map((reference) =>
                  transferInput({ debitAccountId: debit, creditAccountId: credit, reference }),
                ),
              );
              await tx.appendEvents(
                references.map((reference) =>
                  event({ type: 'test.item', subject: reference, participants: [reference] }),
                ),
              );
              return results.map((result) => (result === 'ok' ? 'ok' : new Error(result)));
            });
          },
          { maxItems: 64, concurrentGroups: 1 },
        );
        const references = Array.from({ length: 40 }, (_, index) =>
          index === 17 ? POISON : `item-${index}`,
        );
        const settled = await Promise.allSettled(
          references.map((reference) => batcher.submit(reference)),
        );
        assert.equal(groups[0], 40, 'all 40 were tried as one group first');
        assert.equal(settled[17]?.status, 'rejected');
        assert.deepEqual(settled.filter((outcome) => outcome.status === 'fulfilled').length, 39);
        const items = await allEvents(store, { types: ['test.item'] });
        assert.deepEqual(
          items.map((stored) => stored.subject).sort(),
          references.filter((reference) => reference !== POISON).sort(),
        );
        assert.deepEqual(await store.events({ afterSeq: 0n, participant: POISON, limit: 5 }), []);
        const all = await allEvents(store);
        assert.deepEqual(
          all.map((stored) => stored.seq),
          all.map((_, index) => BigInt(index + 1)),
          'seqs have no gap where the refused item was',
        );
      },
    );

    withFixture(
      "transfer events and the services' events interleave in one order, whatever the page and filter",
      async (fixture) => {
        const { ledger, store } = fixture;
        const [a, b, c, capA, capB] = await fixture.openAccounts(
          { owner: 'sbi' },
          { owner: 'vtb' },
          { owner: 'hdfc' },
          { owner: 'sbi', code: AccountKind.netDebitCap },
          { owner: 'vtb', code: AccountKind.netDebitCap },
        );
        const pairs = [
          [a, b],
          [b, c],
          [c, a],
          [a, c],
          [capA, capB],
        ] as const;
        // Some batches reserve (pending), the next ones post or void what was reserved: runs of
        // one type only, which a filter on another type reads through without a match.
        let reserved: TransferInput[] = [];
        for (let round = 0; round < 16; round += 1) {
          await ledger.transact(async (tx) => {
            if (round % 4 === 1 && reserved.length > 0) {
              const resolve = reserved.map((pending, index) =>
                transferInput({
                  pendingId: pending.id,
                  amount: 0n,
                  flags: index % 2 === 0 ? TransferFlags.postPending : TransferFlags.voidPending,
                }),
              );
              reserved = [];
              await tx.createTransfers(resolve);
            } else if (round % 3 !== 2) {
              const batch = Array.from(
                { length: round % 4 === 0 ? 3 : 1 + (round % 4) * 3 },
                (_, index) => {
                  const [debit, credit] = pairs[(round + index) % pairs.length] ?? pairs[0];
                  return transferInput({
                    debitAccountId: debit,
                    creditAccountId: credit,
                    flags: round % 4 === 0 ? TransferFlags.pending : TransferFlags.none,
                  });
                },
              );
              if (round % 4 === 0) reserved = batch;
              await tx.createTransfers(batch);
            }
            if (round % 2 === 0)
              await tx.appendEvents([
                event({ subject: `s${round}`, participants: [round % 4 === 0 ? 'sbi' : 'hdfc'] }),
                event({ type: 'other.thing', subject: `o${round}`, participants: [] }),
              ]);
          });
        }
        const all = await store.events({ afterSeq: 0n, limit: 10_000 });
        assert.deepEqual(
          all.map((stored) => stored.seq),
          all.map((_, index) => BigInt(index + 1)),
        );
        for (const type of ['transfer.created', 'transfer.posted', 'transfer.voided'])
          assert.ok(all.some((stored) => stored.type === type));
        const queries: { participant?: string; types?: string[] }[] = [
          {},
          { participant: 'sbi' },
          { participant: 'vtb' },
          { participant: 'hdfc' },
          { participant: 'nobody' },
          { types: ['transfer.created'] },
          { types: ['test.happened', 'other.thing'] },
          { types: ['transfer.posted', 'test.happened'] },
          { types: ['transfer.voided', 'other.thing'] },
          { participant: 'hdfc', types: ['transfer.created'] },
          { participant: 'sbi', types: ['test.happened'] },
          { participant: 'sbi', types: ['transfer.posted', 'test.happened'] },
          { participant: 'vtb', types: ['transfer.voided', 'other.thing'] },
        ];
        for (const query of queries) {
          const expected = all.filter(
            (stored) =>
              (query.participant === undefined ||
                stored.participants.includes(query.participant)) &&
              (query.types === undefined || query.types.includes(stored.type)),
          );
          for (const limit of [1, 2, 3, 5, 8, 100]) {
            const paged: StoredEvent[] = [];
            for (;;) {
              const page = await store.events({
                ...query,
                afterSeq: paged.at(-1)?.seq ?? 0n,
                limit,
              });
              paged.push(...page);
              if (page.length < limit) break;
            }
            assert.deepEqual(paged, expected, `${JSON.stringify(query)} by ${limit}`);
          }
          // From every cursor, a page of three is the next three.
          for (const from of all) {
            const page = await store.events({ ...query, afterSeq: from.seq, limit: 3 });
            assert.deepEqual(
              page,
              expected.filter((stored) => stored.seq > from.seq).slice(0, 3),
              `${JSON.stringify(query)} after ${from.seq}`,
            );
          }
        }
      },
    );

    it('many writers at once: seqs strictly increase with no gap a reader paging along could skip', async () => {
      const store = await factory.open();
      const second = await options.openSecond?.(store);
      try {
        const fixtures = [store, ...(second === undefined ? [] : [second])].map(
          (each) => new LedgerFixture(each),
        );
        const [debit, credit] = await (fixtures[0] as LedgerFixture).openAccounts(
          { owner: 'sbi' },
          { owner: 'vtb' },
        );
        const writers = 12;
        const rounds = 15;
        const state = { writing: true };
        const seen: StoredEvent[] = [];
        const reader = (async () => {
          let pages = 0;
          for (;;) {
            const done = !state.writing;
            const page = await store.events({ afterSeq: seen.at(-1)?.seq ?? 0n, limit: 7 });
            for (const stored of page) {
              const expected = (seen.at(-1)?.seq ?? 0n) + 1n;
              assert.equal(stored.seq, expected, 'each page continues the last without a gap');
              seen.push(stored);
            }
            pages += 1;
            if (done && page.length < 7) return pages;
            if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
          }
        })();
        const written = await Promise.all(
          Array.from({ length: writers }, async (_, writer) => {
            const ledger = (fixtures[writer % fixtures.length] as LedgerFixture).ledger;
            const subjects: string[] = [];
            for (let round = 0; round < rounds; round += 1) {
              const count = 1 + ((writer + round) % 3);
              const events = Array.from({ length: count }, (_, index) =>
                event({ subject: `w${writer}-r${round}-${index}`, participants: [`p${writer}`] }),
              );
              // Some transactions carry a ledger batch, some fail and must leave nothing behind.
              const fails = round % 5 === 4;
              await ledger
                .transact(async (tx) => {
                  if (round % 2 === 0)
                    await tx.createTransfers([
                      transferInput({ debitAccountId: debit, creditAccountId: credit, amount: 1n }),
                    ]);
                  await tx.appendEvents(events);
                  if (fails) throw new Error('abandoned');
                })
                .catch((error: unknown) => {
                  if (!fails) throw error;
                });
              if (!fails) subjects.push(...events.map((each) => each.subject));
            }
            return subjects;
          }),
        );
        state.writing = false;
        const pages = await reader;
        assert.ok(pages > 1);
        const items = seen.filter((stored) => stored.type === 'test.happened');
        assert.deepEqual(
          items.map((stored) => stored.subject).sort(),
          written.flat().sort(),
          'every committed event once, no abandoned one',
        );
        assert.equal(await store.lastEventSeq(), seen.at(-1)?.seq);
        for (let writer = 0; writer < writers; writer += 1) {
          const own = await allEvents(store, { participant: `p${writer}` });
          assert.deepEqual(
            own.map((stored) => stored.subject),
            written[writer],
            "one writer's events in the order it wrote them",
          );
        }
      } finally {
        await second?.close();
        await store.close();
      }
    });
  });
}
