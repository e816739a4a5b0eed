import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_ACTOR } from '../domain/actor.js';
import { isoTime } from '../domain/time.js';
import { eventsOf, failingAfterEvents } from '../events/outbox.test-helper.js';
import type { Hub } from '../hub/hub.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import { newTransferId } from '../ledger/ids.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { LedgerStore } from '../store/store.js';

/**
 * `quote.executed` (issue 15): written in the transaction that posts a conversion's legs (an
 * execution, or the post of a reservation), naming the payer's and the payee's sides and the FX
 * provider; none for a refused execution, a reservation or a void. On SQLite and PostgreSQL.
 */
const cli = CLI_ACTOR;
const QUOTE_EXECUTED = ['quote.executed'];

/** Rates, the provider's spread and fee, caps; and Tata Steel, a corporate at SBI with rupees. */
async function setUp(hub: Hub): Promise<void> {
  await hub.fx.setRate({ source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-20' }, cli);
  await hub.fx.setSpread(
    { provider: 'fx', source: 'INR', target: 'RUB', spreadBps: 25, feeMinor: 150_00n },
    cli,
  );
  for (const [bank, currency] of [
    ['sbi', 'INR'],
    ['fx', 'INR'],
    ['fx', 'RUB'],
    ['vtb', 'RUB'],
    ['sber', 'RUB'],
  ] as const)
    await hub.caps.set(bank, currency, 5_000_000_00n, cli);
  await hub.participants.create(
    {
      id: 'tata',
      name: 'Tata Steel',
      kind: 'corporate',
      country: 'IN',
      bank: 'sbi',
      currencies: ['INR'],
    },
    cli,
  );
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: account('tata', 'INR', 'customer'),
      amount: 500_000_00n,
      reference: 'deposit',
    },
    cli,
  );
}

const quoteInrRub = (hub: Hub, amountMinor: bigint, ttlMs?: number) =>
  hub.fx.quote(
    {
      provider: 'fx',
      source: 'INR',
      target: 'RUB',
      side: 'source',
      amountMinor,
      ...(ttlMs === undefined ? {} : { ttlMs }),
    },
    cli,
  );

const directory = mkdtempSync(join(tmpdir(), 'vostro-fx-events-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;
/** A fresh SQLite store, as withHub opens one when given none. */
const sqlite = (): Promise<LedgerStore> =>
  Promise.resolve(new SqliteStore({ path: join(directory, `fx-events-${++counter}.db`) }));

const sorted = (values: readonly string[]): string[] => [...values].sort();

function cases(open: (() => Promise<LedgerStore>) | undefined, name: string): void {
  const withStore = (body: (hub: Hub) => Promise<void>) =>
    withHub(body, open === undefined ? {} : { store: open });

  describe(`quote.executed (${name})`, () => {
    it('an execution writes one quote.executed: the amounts, the rate and the legs, for the payer’s side, the payee’s and the provider', async () => {
      await withStore(async (hub) => {
        await setUp(hub);
        const store = hub.ledger.store;
        const quote = await quoteInrRub(hub, 100_000_00n);
        const from = await store.lastEventSeq();
        const executed = await hub.fx.execute(
          {
            quote: quote.id,
            payer: account('tata', 'INR', 'customer'),
            payee: account('vtb', 'RUB'),
          },
          cli,
        );
        const events = await eventsOf(store, QUOTE_EXECUTED, { afterSeq: from });
        assert.equal(events.length, 1);
        const [event] = events;
        assert.ok(event !== undefined);
        assert.equal(event.subject, quote.id);
        assert.deepEqual(
          sorted(event.participants),
          ['fx', 'sbi', 'tata', 'vtb'],
          'the corporate, its bank, the payee bank and the provider; never the hub',
        );
        assert.deepEqual(event.data, {
          id: quote.id,
          provider: 'fx',
          pair: 'INRRUB',
          sourceCurrency: 'INR',
          targetCurrency: 'RUB',
          fixed: 'source',
          sourceAmount: '10000000',
          targetAmount: '10707165',
          fee: '15000',
          totalDebit: '10015000',
          rate: '1.0707165',
          referenceRate: '1.0734',
          spreadBps: 25,
          payer: account('tata', 'INR', 'customer'),
          payee: account('vtb', 'RUB'),
          payerOwner: 'tata',
          payeeOwner: 'vtb',
          transferIds: executed.transferIds,
          reserved: false,
          executedAt: isoTime(event.at),
        });
        // Written with the legs: their transfer events come in the same commit, before it.
        const legs = await store.getTransfers((executed.transferIds ?? []) as never[]);
        assert.equal(legs.length, 5, 'source leg and cap, target leg and cap, fee');
        for (const leg of legs) assert.ok(leg.timestamp >= event.at);
        const all = await store.events({ afterSeq: from, limit: 100 });
        assert.deepEqual(
          all.map((stored) => stored.type),
          ['transfer.created', 'transfer.created', 'transfer.created', 'quote.executed'],
          'the source leg, the target leg and the fee (cap legs have no event), then the quote',
        );
        assert.equal(all.at(-1)?.seq, (all[0]?.seq ?? 0n) + 3n);
        // Each party reads it; a bank of neither side does not.
        for (const participant of ['tata', 'sbi', 'vtb', 'fx'])
          assert.equal(
            (await eventsOf(store, QUOTE_EXECUTED, { afterSeq: from, participant })).length,
            1,
            participant,
          );
        for (const participant of ['bob', 'sber'])
          assert.deepEqual(await eventsOf(store, QUOTE_EXECUTED, { participant }), [], participant);
        // Used once: the second execution is refused and writes no event.
        const seq = await store.lastEventSeq();
        await assert.rejects(
          hub.fx.execute(
            { quote: quote.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
            cli,
          ),
          refusal('quote_already_used', 'quote'),
        );
        assert.equal(await store.lastEventSeq(), seq);
      });
    });

    it('a refused execution (too little money, an expired quote) leaves no event and nothing else', async () => {
      await withStore(async (hub) => {
        await setUp(hub);
        const store = hub.ledger.store;
        const big = await quoteInrRub(hub, 400_000_00n);
        const short = await quoteInrRub(hub, 100_00n, 1);
        await sleep(5);
        const second = await quoteInrRub(hub, 400_000_00n);
        const counts = await store.counts();
        // Tata has 500,000.00 rupees: 400,000.00 and the fee fit once, not twice.
        await hub.fx.execute(
          {
            quote: big.id,
            payer: account('tata', 'INR', 'customer'),
            payee: account('vtb', 'RUB'),
          },
          cli,
        );
        const executedSeq = await store.lastEventSeq();
        const executedCounts = await store.counts();
        await assert.rejects(
          hub.fx.execute(
            {
              quote: second.id,
              payer: account('tata', 'INR', 'customer'),
              payee: account('vtb', 'RUB'),
            },
            cli,
          ),
          refusal('insufficient_funds', 'payer'),
        );
        await assert.rejects(
          hub.fx.execute(
            {
              quote: short.id,
              payer: account('tata', 'INR', 'customer'),
              payee: account('vtb', 'RUB'),
            },
            cli,
          ),
          refusal('quote_expired', 'quote'),
        );
        assert.equal(await store.lastEventSeq(), executedSeq, 'no event after the execution');
        assert.deepEqual(await store.counts(), executedCounts, 'no transfer either');
        assert.notDeepEqual(executedCounts, counts);
        assert.deepEqual(
          (await eventsOf(store, QUOTE_EXECUTED)).map((event) => event.subject),
          [big.id],
        );
        assert.equal((await hub.fx.getQuote(second.id)).status, 'open');
      });
    });

    it('a reservation writes none; posting it writes quote.executed (reserved); a void writes none', async () => {
      await withStore(async (hub) => {
        await setUp(hub);
        const store = hub.ledger.store;
        // Roubles from Sberbank into VTB's rupee vostro account kept by SBI (the inverse rate).
        const quote = await hub.fx.quote(
          { provider: 'fx', source: 'RUB', target: 'INR', side: 'source', amountMinor: 50_000_00n },
          cli,
        );
        const execution = {
          quote: quote.id,
          payer: account('sber', 'RUB'),
          payee: account('vtb', 'INR', 'vostro', 'sbi'),
          pending: true,
        };
        const from = await store.lastEventSeq();
        const reserved = await hub.fx.execute(execution, cli);
        assert.equal(reserved.status, 'reserved');
        assert.deepEqual(await eventsOf(store, QUOTE_EXECUTED, { afterSeq: from }), []);
        const posted = await hub.fx.resolve(quote.id, 'post', cli);
        assert.equal(posted.status, 'executed');
        const [event] = await eventsOf(store, QUOTE_EXECUTED, { afterSeq: from });
        assert.ok(event !== undefined);
        assert.equal(event.subject, quote.id);
        assert.deepEqual(
          sorted(event.participants),
          ['fx', 'sber', 'sbi', 'vtb'],
          'the payer bank, the vostro account’s owner and its keeper, the provider',
        );
        assert.equal(event.data['reserved'], true);
        assert.deepEqual(event.data['transferIds'], reserved.transferIds, 'the reserved legs');
        assert.equal(event.data['sourceAmount'], '5000000');
        assert.equal(event.data['targetAmount'], quote.targetAmountMinor);
        assert.equal(event.data['payerOwner'], 'sber');
        assert.equal(event.data['payeeOwner'], 'vtb');
        assert.equal(event.data['executedAt'], isoTime(event.at));
        // A voided reservation converts nothing: no quote.executed.
        const voided = await hub.fx.quote(
          { provider: 'fx', source: 'RUB', target: 'INR', side: 'source', amountMinor: 10_00n },
          cli,
        );
        const seq = await store.lastEventSeq();
        await hub.fx.execute({ ...execution, quote: voided.id }, cli);
        await hub.fx.resolve(voided.id, 'void', cli);
        assert.deepEqual(await eventsOf(store, QUOTE_EXECUTED, { afterSeq: seq }), []);
        await assert.rejects(hub.fx.resolve(voided.id, 'post', cli), refusal('quote_already_used'));
        assert.deepEqual(await eventsOf(store, QUOTE_EXECUTED, { afterSeq: seq }), []);
      });
    });

    it('the event and the execution commit together: a fault after the event rolls back the legs and the quote’s use', async () => {
      let armed = false;
      const faulty = async (): Promise<LedgerStore> =>
        failingAfterEvents(
          open === undefined ? await sqlite() : await open(),
          (event) => event.type === 'quote.executed',
          () => armed,
        );
      await withHub(
        async (hub) => {
          await setUp(hub);
          const store = hub.ledger.store;
          const quote = await quoteInrRub(hub, 1_000_00n);
          const seq = await store.lastEventSeq();
          const counts = await store.counts();
          armed = true;
          const input = {
            quote: quote.id,
            payer: account('sbi', 'INR'),
            payee: account('vtb', 'RUB'),
          };
          await assert.rejects(hub.fx.execute(input, cli), /fault injected after appendEvents/);
          armed = false;
          assert.equal(await store.lastEventSeq(), seq, 'neither the event nor the legs’ events');
          assert.deepEqual(await store.counts(), counts, 'no leg');
          assert.equal((await hub.fx.getQuote(quote.id)).status, 'open');
          // The same again, without the fault, executes once, with its one event.
          assert.equal((await hub.fx.execute(input, cli)).status, 'executed');
          assert.equal((await eventsOf(store, QUOTE_EXECUTED, { afterSeq: seq })).length, 1);
        },
        { store: faulty },
      );
    });
  });
}

cases(undefined, 'SQLite');

await postgresTests('quote.executed on PostgreSQL', (schemas) => {
  cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }), 'PostgreSQL');
});
