import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { eventInputs, type EventSpec } from './tallies.cases.js';
import { TransferFlags } from '../../ledger/flags.js';
import {
  ALL_SCOPE,
  monthOf,
  monthStartNs,
  type FlowAccount,
  type FlowAccountsHook,
} from '../../ledger/flows.js';
import type { AccountId } from '../../ledger/ids.js';
import { Ledger } from '../../ledger/ledger.js';
import type { TransferInput } from '../../ledger/model.js';
import { verifyLedger } from '../../ledger/verify.js';
import type { LedgerStore, WriteTransaction } from '../store.js';
import { INR, LedgerFixture, RUB, transferInput, type StoreFactory } from './fixtures.js';

/**
 * The monthly flow totals (src/ledger/flows.ts) against a fresh scan of the transfers
 * (`LedgerStore.flowTotals`, what GET /v1/analytics/trade summed before the totals existed): after
 * any mix of posted transfers, pending transfers posted (in full or in part), voided or expired,
 * linked chains that fail, batches rolled back by a fault in their transaction, months passing and
 * rebuilds, every scope's and code's rows equal the scan's, month by month.
 */

const COUNTRIES = new Map([
  ['sbi', 'IN'],
  ['pharma', 'IN'],
  ['vtb', 'RU'],
  ['ural', 'RU'],
]);
/** Per ledger, the accounts of a run: owner and the participants who see it (none: unlisted). */
const ACCOUNTS: readonly { owner: string; parties: readonly string[] }[] = [
  { owner: 'sbi', parties: ['sbi'] },
  { owner: 'pharma', parties: ['pharma', 'sbi'] }, // a corporate of sbi
  { owner: 'vtb', parties: ['vtb', 'sbi'] }, // vtb's vostro account kept by sbi
  { owner: 'ural', parties: ['ural', 'vtb'] },
  { owner: 'stranger', parties: [] }, // no participant: no country, nobody's scope
  { owner: 'vtb', parties: [] }, // a participant's account its document does not list
];
const SCOPES = [ALL_SCOPE, 'sbi', 'pharma', 'vtb', 'ural'];
const CODES = [1, 2];
const DAY = 86_400;

type Step =
  | { readonly kind: 'batch'; readonly events: readonly EventSpec[] }
  | { readonly kind: 'faulty'; readonly events: readonly EventSpec[] }
  | { readonly kind: 'together'; readonly batches: readonly (readonly EventSpec[])[] }
  | { readonly kind: 'advance'; readonly seconds: number }
  | { readonly kind: 'rebuild' };

const eventArbitrary: fc.Arbitrary<EventSpec> = fc.record({
  ledger: fc.constantFrom(INR, RUB),
  from: fc.nat(ACCOUNTS.length - 1),
  to: fc.nat(ACCOUNTS.length - 1),
  amount: fc.oneof(fc.constantFrom(0n, 1n, 7n), fc.bigInt({ min: 1n, max: 1n << 40n })),
  code: fc.constantFrom(1, 1, 2),
  phase: fc.constantFrom<EventSpec['phase']>(
    'posted',
    'posted',
    'pending',
    'post',
    'post_partial',
    'void',
    'failing_chain',
  ),
  timeoutSeconds: fc.constantFrom(0, 0, 1, 2 * DAY, 40 * DAY),
  target: fc.nat(30),
});

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(eventArbitrary, { minLength: 1, maxLength: 10 })
      .map((events) => ({ kind: 'batch' as const, events })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(eventArbitrary, { minLength: 1, maxLength: 4 })
      .map((events) => ({ kind: 'faulty' as const, events })),
  },
  {
    weight: 2,
    // Seconds (pending transfers expire) to weeks (the next month begins).
    arbitrary: fc
      .constantFrom(1, 3, 10 * DAY, 25 * DAY)
      .map((seconds) => ({ kind: 'advance' as const, seconds })),
  },
  {
    weight: 2,
    // Batches sent at once: a store may write them in one commit (SQLite's writer does).
    arbitrary: fc
      .array(fc.array(eventArbitrary, { minLength: 1, maxLength: 6 }), {
        minLength: 2,
        maxLength: 6,
      })
      .map((batches) => ({ kind: 'together' as const, batches })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'rebuild' as const }) },
);

/** The test's FlowAccountsHook: a fixed map, as the hub's registry would answer. */
function testHook(known: ReadonlyMap<AccountId, FlowAccount>): FlowAccountsHook {
  return async (_tx, accounts) => {
    const answer = new Map<AccountId, FlowAccount>();
    for (const account of accounts) {
      const found = known.get(account.id);
      if (found !== undefined) answer.set(account.id, found);
    }
    return answer;
  };
}

/** The store, with a fault after the flow totals were staged in every write while `armed()`. */
function withFaultAfterFlows(store: LedgerStore, armed: () => boolean): LedgerStore {
  const write = <T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> =>
    store.write((transaction) => {
      const hooked = Object.create(transaction) as WriteTransaction;
      hooked.addFlows = async (rows, replace) => {
        await transaction.addFlows(rows, replace);
        if (armed()) throw new Error('fault injected after addFlows');
      };
      return work(hooked);
    });
  return Object.assign(Object.create(store) as LedgerStore, { write });
}

/** Both answers for one scope and code, as comparable lines (month, ledger, countries, amount, count). */
async function compare(
  store: LedgerStore,
  visible: ReadonlyMap<string, readonly AccountId[]>,
  firstMonth: number,
  lastMonth: number,
  label: string,
): Promise<void> {
  const periods = [];
  for (let month = firstMonth; month <= lastMonth; month += 1)
    periods.push({
      firstTimestamp: monthStartNs(month),
      lastTimestamp: monthStartNs(month + 1) - 1n,
    });
  for (const scope of SCOPES)
    for (const code of CODES) {
      const kept = (await store.monthlyFlows({ scope, code, firstMonth, lastMonth })).map(
        (row) =>
          `${row.month} ${row.ledger} ${row.debitCountry}>${row.creditCountry} ${row.amount} ${row.count}`,
      );
      const accounts = scope === ALL_SCOPE ? undefined : (visible.get(scope) ?? []);
      const scanned: string[] = (
        await store.flowTotals({
          periods,
          code,
          excludeFlags: TransferFlags.pending | TransferFlags.voidPending,
          ownerCountries: COUNTRIES,
          ...(accounts === undefined ? {} : { accounts }),
        })
      ).map(
        (row) =>
          `${firstMonth + row.period} ${row.ledger} ${row.debitCountry}>${row.creditCountry} ${row.amount} ${row.count}`,
      );
      assert.deepEqual(kept, scanned, `${label}: scope '${scope}', code ${code}`);
    }
}

export function flowTotalCases(factory: StoreFactory, runs = 12): void {
  it('the monthly flow totals equal a scan of the transfers after any mix of posts, pendings, voids, expiries, failed chains, rollbacks and rebuilds', async (t) => {
    const reason = await factory.unavailableReason?.();
    if (reason !== undefined) return t.skip(reason);
    // One store for every run: the totals and the scan both cover everything written so far.
    const store = await factory.open();
    try {
      let armed = false;
      const fixture = new LedgerFixture(withFaultAfterFlows(store, () => armed));
      const known = new Map<AccountId, FlowAccount>();
      fixture.ledger.setFlowAccounts(testHook(known));
      const firstMonth = monthOf(fixture.clock.nowNs());
      assert.equal(await fixture.ledger.ensureFlowTotals(), true, 'an empty database builds');
      assert.equal(await fixture.ledger.ensureFlowTotals(), false, 'once');
      const visible = new Map<string, AccountId[]>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(stepArbitrary, { minLength: 3, maxLength: 16 }),
          async (steps) => {
            const accounts: Record<number, AccountId[]> = {};
            for (const ledger of [INR, RUB]) {
              accounts[ledger] = await fixture.openAccounts(
                ...ACCOUNTS.map(({ owner }) => ({ owner, ledger })),
              );
              ACCOUNTS.forEach(({ owner, parties }, index) => {
                const id = accounts[ledger]?.[index] as AccountId;
                known.set(id, { country: COUNTRIES.get(owner) ?? '', parties });
                for (const party of parties)
                  visible.set(party, [...(visible.get(party) ?? []), id]);
              });
            }
            const pendings: TransferInput[] = [];
            for (const step of steps) {
              if (step.kind === 'advance') fixture.clock.advanceSeconds(step.seconds);
              if (step.kind === 'rebuild') await fixture.ledger.rebuildFlowTotals();
              if (step.kind === 'batch')
                await fixture.transfers(
                  step.events.flatMap((event) => eventInputs(event, accounts, pendings)),
                );
              if (step.kind === 'together')
                await Promise.all(
                  step.batches.map((events) =>
                    fixture.transfers(
                      events.flatMap((event) => eventInputs(event, accounts, pendings)),
                    ),
                  ),
                );
              if (step.kind === 'faulty') {
                // At least one transfer that posts, so that the batch reaches its flow totals.
                const inputs = [
                  ...eventInputs(
                    { ...(step.events[0] as EventSpec), phase: 'posted', amount: 5n },
                    accounts,
                    [],
                  ),
                  ...step.events.flatMap((event) => eventInputs(event, accounts, [])),
                ];
                armed = true;
                try {
                  await assert.rejects(fixture.transfers(inputs), /fault injected after addFlows/);
                } finally {
                  armed = false;
                }
              }
            }
            await fixture.ledger.expireDue();
            await compare(store, visible, firstMonth, monthOf(fixture.clock.nowNs()), 'kept');
          },
        ),
        { numRuns: runs },
      );
      // Built again from the transfers in one pass: the same rows.
      const lastMonth = monthOf(fixture.clock.nowNs());
      const before = await store.monthlyFlows({ scope: ALL_SCOPE, code: 1, firstMonth, lastMonth });
      await fixture.ledger.rebuildFlowTotals();
      assert.deepEqual(
        await store.monthlyFlows({ scope: ALL_SCOPE, code: 1, firstMonth, lastMonth }),
        before,
      );
      await compare(store, visible, firstMonth, lastMonth, 'rebuilt');
      assert.deepEqual((await verifyLedger(store)).problems, []);
    } finally {
      await store.close();
    }
  });

  it('a database written without the hub’s countries (or before the totals existed) gets them, once, from its transfers', async (t) => {
    const reason = await factory.unavailableReason?.();
    if (reason !== undefined) return t.skip(reason);
    const store = await factory.open();
    try {
      // A bare ledger: every transfer counts under scope '' with no country.
      const bare = new LedgerFixture(store);
      const [sbi, vtb, stranger] = await bare.openAccounts(
        { owner: 'sbi', ledger: INR },
        { owner: 'vtb', ledger: INR },
        { owner: 'stranger', ledger: INR },
      );
      const month = monthOf(bare.clock.nowNs());
      const pay = (debit: AccountId, credit: AccountId, amount: bigint): TransferInput =>
        transferInput({ debitAccountId: debit, creditAccountId: credit, amount, code: 1 });
      await bare.transfers([pay(sbi, vtb, 100n), pay(vtb, sbi, 40n), pay(stranger, sbi, 2n)]);
      const scope = { scope: ALL_SCOPE, code: 1, firstMonth: month, lastMonth: month + 1 };
      assert.deepEqual(
        (await store.monthlyFlows(scope)).map((row) => [row.debitCountry, row.amount, row.count]),
        [['', 142n, 3]],
      );
      // The hub's ledger over the same database: ensureFlowTotals builds them from the transfers.
      const hubLedger = new Ledger(store, { clock: bare.clock });
      const known = new Map<AccountId, FlowAccount>([
        [sbi, { country: 'IN', parties: ['sbi'] }],
        [vtb, { country: 'RU', parties: ['vtb', 'sbi'] }],
      ]);
      hubLedger.setFlowAccounts(testHook(known));
      assert.equal(await hubLedger.ensureFlowTotals(), true);
      const rows = async (asked: string): Promise<string[]> =>
        (await store.monthlyFlows({ ...scope, scope: asked })).map(
          (row) => `${row.debitCountry}>${row.creditCountry} ${row.amount} ${row.count}`,
        );
      assert.deepEqual(await rows(ALL_SCOPE), ['>IN 2 1', 'IN>RU 100 1', 'RU>IN 40 1']);
      assert.deepEqual(await rows('sbi'), ['>IN 2 1', 'IN>RU 100 1', 'RU>IN 40 1']);
      assert.deepEqual(await rows('vtb'), ['IN>RU 100 1', 'RU>IN 40 1']);
      // Later batches add to the built rows; a second ensure changes nothing.
      await hubLedger.createTransfers([pay(sbi, vtb, 1n)]);
      assert.equal(await hubLedger.ensureFlowTotals(), false);
      assert.equal(
        await new Ledger(store).ensureFlowTotals(),
        false,
        'marked built in the database',
      );
      assert.deepEqual(await rows('sbi'), ['>IN 2 1', 'IN>RU 101 2', 'RU>IN 40 1']);
    } finally {
      await store.close();
    }
  });
}
