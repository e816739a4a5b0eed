import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { Ledger } from '../ledger/ledger.js';
import type { EventQuery, StoredEvent } from '../store/events.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { appendEvents, until } from './events.test-helper.js';
import { EventFeed, type FeedSubscription } from './feed.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-feed-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;

/** A real store, and the same store seen through a counter of the feed's reads. */
async function withStore(
  body: (ledger: Ledger, counted: CountingReader) => Promise<void>,
): Promise<void> {
  const store = new SqliteStore({ path: join(directory, `feed-${++files}.db`) });
  try {
    await body(new Ledger(store), new CountingReader(store));
  } finally {
    await store.close();
  }
}

/** Passes every read to the store, counting them (the store is real; this only watches it). */
class CountingReader {
  lastEventSeqCalls = 0;
  readonly queries: EventQuery[] = [];

  constructor(private readonly store: SqliteStore) {}

  async lastEventSeq(): Promise<bigint> {
    this.lastEventSeqCalls += 1;
    return this.store.lastEventSeq();
  }

  async events(query: EventQuery): Promise<StoredEvent[]> {
    this.queries.push(query);
    return this.store.events(query);
  }
}

const PARTICIPANTS = ['sbi', 'bob', 'vtb', 'sber', 'fx'];

/** Events naming one or two of the participants, of a few types, in `transactions` transactions. */
async function writeMany(
  ledger: Ledger,
  transactions: number,
  perTransaction: number,
): Promise<void> {
  for (let t = 0; t < transactions; t += 1)
    await appendEvents(
      ledger,
      Array.from({ length: perTransaction }, (_, i) => {
        const n = t * perTransaction + i;
        return {
          type:
            n % 3 === 0 ? 'transfer.created' : n % 3 === 1 ? 'transfer.posted' : 'window.closed',
          participants: [PARTICIPANTS[n % 5] as string, PARTICIPANTS[(n * 7 + 1) % 5] as string],
        };
      }),
    );
}

async function storeView(ledger: Ledger, filter: FeedSubscription): Promise<string[]> {
  const events = await ledger.store.events({
    afterSeq: filter.afterSeq,
    limit: 10_000,
    ...(filter.participant === undefined ? {} : { participant: filter.participant }),
    ...(filter.types === undefined ? {} : { types: filter.types }),
  });
  return events.map((event) => event.seq.toString());
}

describe('EventFeed', () => {
  it('many subscribers with different participants and types each get exactly their events, in order', async () => {
    await withStore(async (ledger, counted) => {
      await writeMany(ledger, 3, 10);
      const feed = new EventFeed(counted, { pollIntervalMs: 5, pageSize: 7 });
      const filters: FeedSubscription[] = [
        ...PARTICIPANTS.map((participant) => ({ afterSeq: 0n, participant })),
        ...PARTICIPANTS.map((participant) => ({
          afterSeq: 12n,
          participant,
          types: ['transfer.posted'],
        })),
        { afterSeq: 0n },
        { afterSeq: 25n, types: ['window.closed', 'transfer.created'] },
      ];
      const received = filters.map(() => [] as string[]);
      const stops = filters.map((filter, index) =>
        feed.subscribe(filter, async (events) => {
          received[index]?.push(...events.map((event) => event.seq.toString()));
          if (index % 4 === 0) await delay(2); // some listeners are slower than others
        }),
      );
      // Live traffic while they catch up and after.
      await Promise.all([writeMany(ledger, 20, 5), writeMany(ledger, 20, 3)]);
      const expected = await Promise.all(filters.map((filter) => storeView(ledger, filter)));
      await until(
        () => received.every((ids, index) => ids.length === expected[index]?.length),
        'every subscriber has its events',
      );
      assert.deepEqual(received, expected);
      assert.ok(received.every((ids) => ids.length > 0));
      assert.equal(feed.size, filters.length);
      for (const stop of stops) stop();
      assert.equal(feed.size, 0);
    });
  });

  it('pages a subscriber that falls behind from the store instead of buffering without bound', async () => {
    await withStore(async (ledger, counted) => {
      const feed = new EventFeed(counted, {
        pollIntervalMs: 5,
        pageSize: 50,
        recentMax: 20,
        backlogMax: 10,
      });
      const slow: string[] = [];
      const fast: string[] = [];
      let release: () => void = () => undefined;
      let gate = new Promise<void>((resolve) => (release = resolve));
      const stopSlow = feed.subscribe({ afterSeq: 0n, participant: 'sbi' }, async (events) => {
        slow.push(...events.map((event) => event.seq.toString()));
        await gate;
      });
      const stopFast = feed.subscribe({ afterSeq: 0n }, (events) => {
        fast.push(...events.map((event) => event.seq.toString()));
      });
      await until(() => feed.active, 'polling');
      await writeMany(ledger, 1, 5);
      await until(() => slow.length > 0, 'the slow listener has its first events');
      // The slow listener is stuck while hundreds of events arrive.
      await writeMany(ledger, 40, 10);
      await until(
        async () => fast.length === (await storeView(ledger, { afterSeq: 0n })).length,
        'the fast one keeps up',
      );
      const pagedBefore = counted.queries.filter((query) => query.participant === 'sbi').length;
      release();
      gate = Promise.resolve();
      const expected = await storeView(ledger, { afterSeq: 0n, participant: 'sbi' });
      await until(() => slow.length === expected.length, 'the slow listener catches up');
      assert.deepEqual(slow, expected, 'every event once, in order');
      assert.deepEqual(fast, await storeView(ledger, { afterSeq: 0n }));
      const paged = counted.queries.filter((query) => query.participant === 'sbi').length;
      assert.ok(paged > pagedBefore, 'it was caught up from the store');
      stopSlow();
      stopFast();
    });
  });

  it('stops polling when the last subscriber leaves, and starts again for a new one', async () => {
    await withStore(async (ledger, counted) => {
      const feed = new EventFeed(counted, { pollIntervalMs: 5 });
      assert.equal(feed.active, false);
      const got: string[] = [];
      const first = feed.subscribe(
        { afterSeq: 0n },
        (events) => void got.push(...events.map((e) => e.seq.toString())),
      );
      const second = feed.subscribe({ afterSeq: 0n, participant: 'vtb' }, () => undefined);
      await writeMany(ledger, 2, 2);
      await until(() => got.length === 4, 'events');
      first();
      assert.equal(feed.active, true, 'one subscriber remains');
      second();
      await until(() => !feed.active, 'polling stopped');
      const calls = counted.lastEventSeqCalls;
      await delay(60);
      assert.equal(counted.lastEventSeqCalls, calls, 'no reads once nobody listens');
      const later: string[] = [];
      const third = feed.subscribe(
        { afterSeq: 2n },
        (events) => void later.push(...events.map((e) => e.seq.toString())),
      );
      await writeMany(ledger, 1, 1);
      await until(() => later.length === 3, 'a new subscriber');
      assert.deepEqual(later, ['3', '4', '5']);
      third();
    });
  });

  it('ends a subscription whose listener fails, and reports it', async () => {
    await withStore(async (ledger, counted) => {
      const errors: unknown[] = [];
      const feed = new EventFeed(counted, {
        pollIntervalMs: 5,
        onError: (_what, error) => errors.push(error),
      });
      await writeMany(ledger, 1, 3);
      const failing = feed.subscribe({ afterSeq: 0n }, () => {
        throw new Error('connection gone');
      });
      const live: string[] = [];
      const other = feed.subscribe(
        { afterSeq: 3n },
        (events) => void live.push(...events.map((e) => e.seq.toString())),
      );
      await until(() => errors.length === 1, 'the failure reported');
      assert.equal(feed.size, 1);
      failing(); // ending it again is harmless
      await writeMany(ledger, 1, 2);
      await until(() => live.length === 2, 'the other one still gets events');
      other();
      assert.throws(() => feed.subscribe({ afterSeq: -1n }, () => undefined), /bug/);
    });
  });
});
