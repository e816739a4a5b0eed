import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { AccountFlags, TransferFlags } from '../../ledger/flags.js';
import { newTransferId, ZERO_ACCOUNT_ID, type AccountId } from '../../ledger/ids.js';
import type { TransferInput } from '../../ledger/model.js';
import { verifyLedger } from '../../ledger/verify.js';
import type { PairTotal } from '../store.js';
import { INR, LedgerFixture, RUB, transferInput, type StoreFactory } from './fixtures.js';

/** One thing a run does: a batch of transfers, time passing (pending transfers expire), a new period, a new configuration. */
type Step =
  | { readonly kind: 'batch'; readonly events: readonly EventSpec[] }
  | { readonly kind: 'advance'; readonly seconds: number }
  | { readonly kind: 'period'; readonly ledger: number }
  | { readonly kind: 'configure'; readonly codes: readonly number[] };

/** A transfer described by small numbers, turned into an input against the run's accounts and earlier pending transfers. */
export interface EventSpec {
  readonly ledger: number;
  readonly from: number;
  readonly to: number;
  readonly amount: bigint;
  readonly code: number;
  readonly phase: 'posted' | 'pending' | 'post' | 'post_partial' | 'void' | 'failing_chain';
  readonly timeoutSeconds: number;
  /** Which earlier pending transfer a post or void resolves. */
  readonly target: number;
}

const eventArbitrary: fc.Arbitrary<EventSpec> = fc.record({
  ledger: fc.constantFrom(INR, INR, RUB),
  from: fc.nat(3),
  to: fc.nat(3),
  amount: fc.bigInt(1n, 1_000_000n),
  code: fc.constantFrom(1, 1, 4, 2, 7),
  phase: fc.constantFrom(
    'posted',
    'posted',
    'posted',
    'pending',
    'post',
    'post_partial',
    'void',
    'failing_chain',
  ),
  timeoutSeconds: fc.constantFrom(0, 0, 1, 2),
  target: fc.nat(20),
});

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(eventArbitrary, { minLength: 1, maxLength: 12 })
      .map((events) => ({ kind: 'batch' as const, events })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3 })
      .map((seconds) => ({ kind: 'advance' as const, seconds })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(INR, RUB).map((ledger) => ({ kind: 'period' as const, ledger })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom([1, 4], [1], [1, 2, 4], [4])
      .map((codes) => ({ kind: 'configure' as const, codes })),
  },
);

/** Sorted, so that two answers compare regardless of row order. */
function normalised(totals: readonly PairTotal[]): string[] {
  return totals
    .map(
      (total) =>
        `${total.ledger} ${total.debitAccountId} ${total.creditAccountId} ${total.amount} ${total.count}`,
    )
    .sort();
}

/**
 * Pair tallies: every period's tallies equal the sums of its transfers (posted amounts of the
 * tallied codes between tallied accounts over the period's range of timestamps), whatever mix of pending transfers, posts,
 * voids, expiries, failed chains, new periods and new configurations came before.
 */
export function tallyCases(factory: StoreFactory, runs = 25): void {
  it('each tally period holds exactly the posted amounts of its range of transfers, per code and account pair', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<readonly number[]>([1, 4], [1]),
        fc.array(stepArbitrary, { minLength: 3, maxLength: 14 }),
        async (initialCodes, steps) => {
          const store = await factory.open();
          try {
            const fixture = new LedgerFixture(store);
            const { ledger } = fixture;
            // Three tallied accounts per ledger and one that is not: its transfers are never tallied.
            const tallied = AccountFlags.tallied;
            const accounts: Record<number, AccountId[]> = {
              [INR]: await fixture.openAccounts(
                { ledger: INR, flags: tallied },
                { ledger: INR, flags: tallied },
                { ledger: INR, flags: tallied },
                { ledger: INR },
              ),
              [RUB]: await fixture.openAccounts(
                { ledger: RUB, flags: tallied },
                { ledger: RUB, flags: tallied | AccountFlags.debitsMustNotExceedCredits },
                { ledger: RUB, flags: tallied },
                { ledger: RUB },
              ),
            };
            const untallied = new Set<string>([accounts[INR]?.[3] ?? '', accounts[RUB]?.[3] ?? '']);
            let codes = initialCodes;
            await ledger.configureTallies(codes);
            const pendings: TransferInput[] = [];
            /** Periods that ended, with the range of timestamps they covered and the codes in force. */
            const ended: {
              ledger: number;
              period: number;
              first: bigint;
              last: bigint;
              codes: readonly number[];
            }[] = [];
            for (const step of steps) {
              if (step.kind === 'advance') fixture.clock.advanceSeconds(step.seconds);
              if (step.kind === 'configure') {
                codes = step.codes;
                await ledger.configureTallies(codes);
              }
              if (step.kind === 'period') {
                const period = await ledger.transact(async (tx) => {
                  const last = await tx.lastTimestamp();
                  return { ended: await tx.startTallyPeriod(step.ledger), last };
                });
                assert.ok(period.ended !== undefined, 'tallies are configured');
                ended.push({
                  ledger: step.ledger,
                  period: period.ended.period,
                  first: period.ended.since + 1n,
                  last: period.last,
                  codes: period.ended.codes,
                });
              }
              if (step.kind === 'batch')
                await fixture.transfers(
                  step.events.flatMap((event) => eventInputs(event, accounts, pendings)),
                );
            }
            // The current periods end too, so that every transfer is in a checked period.
            for (const current of [INR, RUB]) {
              const period = await ledger.transact(async (tx) => ({
                ended: await tx.startTallyPeriod(current),
                last: await tx.lastTimestamp(),
              }));
              if (period.ended !== undefined)
                ended.push({
                  ledger: current,
                  period: period.ended.period,
                  first: period.ended.since + 1n,
                  last: period.last,
                  codes: period.ended.codes,
                });
            }
            for (const period of ended) {
              for (const asked of [period.codes, period.codes.slice(0, 1)]) {
                const kept = await store.tallies({
                  parts: [{ ledger: period.ledger, period: period.period }],
                  codes: asked,
                });
                const scanned = await store.pairTotals({
                  parts: [
                    {
                      ledger: period.ledger,
                      firstTimestamp: period.first,
                      lastTimestamp: period.last,
                    },
                  ],
                  codes: asked,
                  excludeFlags: TransferFlags.pending | TransferFlags.voidPending,
                });
                const between = scanned.filter(
                  (pair) =>
                    !untallied.has(pair.debitAccountId) && !untallied.has(pair.creditAccountId),
                );
                assert.deepEqual(
                  normalised(kept),
                  normalised(between),
                  `period ${period.period} of ledger ${period.ledger}, codes ${asked.join(',')}`,
                );
              }
            }
            // Two ledgers' periods in one query: the parts' answers side by side.
            const [inr, rub] = [
              ended.filter((period) => period.ledger === INR).at(-1),
              ended.filter((period) => period.ledger === RUB).at(-1),
            ];
            if (inr !== undefined && rub !== undefined && inr.codes.join() === rub.codes.join()) {
              const both = await store.tallies({
                parts: [
                  { ledger: INR, period: inr.period },
                  { ledger: RUB, period: rub.period },
                ],
                codes: inr.codes,
              });
              const apart = [
                ...(await store.tallies({
                  parts: [{ ledger: INR, period: inr.period }],
                  codes: inr.codes,
                })),
                ...(await store.tallies({
                  parts: [{ ledger: RUB, period: rub.period }],
                  codes: inr.codes,
                })),
              ];
              assert.deepEqual(normalised(both), normalised(apart));
            }
            assert.deepEqual((await verifyLedger(store)).problems, []);
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: runs },
    );
  });

  it('a database that tallies nothing keeps no tallies, and starting a period there says so', async () => {
    const store = await factory.open();
    try {
      const fixture = new LedgerFixture(store);
      const [from, to] = await fixture.openAccounts(
        { flags: AccountFlags.tallied },
        { flags: AccountFlags.tallied },
      );
      assert.deepEqual(
        await fixture.transfers([
          transferInput({ debitAccountId: from, creditAccountId: to, amount: 7n }),
        ]),
        ['ok'],
      );
      assert.equal(await fixture.ledger.transact((tx) => tx.startTallyPeriod(INR)), undefined);
      assert.deepEqual(
        await store.tallies({ parts: [{ ledger: INR, period: 0 }], codes: [1] }),
        [],
      );
      // Configured later: transfers before the configuration are not in its first period.
      await fixture.ledger.configureTallies([1]);
      assert.deepEqual(
        await fixture.transfers([
          transferInput({ debitAccountId: from, creditAccountId: to, amount: 5n }),
        ]),
        ['ok'],
      );
      const totals = await store.tallies({ parts: [{ ledger: INR, period: 0 }], codes: [1] });
      assert.deepEqual(
        totals.map((total) => [
          total.debitAccountId,
          total.creditAccountId,
          total.amount,
          total.count,
        ]),
        [[from, to, 5n, 1]],
      );
    } finally {
      await store.close();
    }
  });
}

/** The inputs of one event: a post or void resolves an earlier pending transfer (or a missing one, and is refused). */
export function eventInputs(
  event: EventSpec,
  accounts: Record<number, AccountId[]>,
  pendings: TransferInput[],
): TransferInput[] {
  const pool = accounts[event.ledger] ?? [];
  const account = (index: number): AccountId => {
    const id = pool[index];
    if (id === undefined) throw new Error(`no account ${index} in ledger ${event.ledger}`);
    return id;
  };
  const from = account(event.from);
  const to = account(event.to === event.from ? (event.to + 1) % pool.length : event.to);
  const base = transferInput({
    id: newTransferId(),
    debitAccountId: from,
    creditAccountId: to,
    amount: event.amount,
    ledger: event.ledger,
    code: event.code,
  });
  switch (event.phase) {
    case 'posted':
      return [base];
    case 'pending': {
      const pending = {
        ...base,
        flags: TransferFlags.pending,
        timeoutSeconds: event.timeoutSeconds,
      };
      pendings.push(pending);
      return [pending];
    }
    case 'post':
    case 'post_partial':
    case 'void': {
      const target = pendings[event.target % Math.max(pendings.length, 1)];
      const pendingId = target?.id ?? newTransferId();
      const amount =
        event.phase === 'post_partial' && target !== undefined ? (target.amount + 1n) / 2n : 0n;
      const flags = event.phase === 'void' ? TransferFlags.voidPending : TransferFlags.postPending;
      return [
        {
          ...base,
          debitAccountId: ZERO_ACCOUNT_ID,
          creditAccountId: ZERO_ACCOUNT_ID,
          ledger: 0,
          code: 0,
          amount,
          pendingId,
          flags,
        },
      ];
    }
    case 'failing_chain':
      // The second event repeats the first one's id with other content: the whole chain fails.
      return [
        { ...base, flags: TransferFlags.linked },
        { ...base, amount: base.amount + 1n },
      ];
  }
}
