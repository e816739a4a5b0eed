import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountFlags, TransferFlags } from '../../ledger/flags.js';
import { newTransferId, type AccountId } from '../../ledger/ids.js';
import type { TransferInput } from '../../ledger/model.js';
import type { FlowTotal, FlowTotalsQuery } from '../store.js';
import { INR, LedgerFixture, RUB, transferInput, type StoreFactory } from './fixtures.js';
import { flowTotalCases } from './flow-totals.cases.js';

/**
 * `LedgerStore.flowTotals` (the analytics of GET /v1/analytics/trade) on a real store: the same
 * transfers give the same figures on SQLite and PostgreSQL, written out here by hand.
 */

/** 2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z in nanoseconds. */
const JAN = 1_767_225_600_000_000_000n;
const FEB = 1_769_904_000_000_000_000n;
const MAR = 1_772_323_200_000_000_000n;
const SECOND = 1_000_000_000n;
const PAYMENT = 1;
const CAP = 2;
const EXCLUDE = TransferFlags.pending | TransferFlags.voidPending;

const COUNTRIES = new Map([
  ['sbi', 'IN'],
  ['indo-pharma', 'IN'],
  ['vtb', 'RU'],
  ['ural-trade', 'RU'],
  ['hsbc', 'GB'],
]);

export function flowCases(factory: StoreFactory): void {
  describe(`flow totals (${factory.name})`, () => {
    flowTotalCases(factory);
    it('sums posted payments per month, ledger and pair of owners’ countries, in SQL', async (t) => {
      const reason = await factory.unavailableReason?.();
      if (reason !== undefined) return t.skip(reason);
      const store = await factory.open();
      try {
        const fixture = new LedgerFixture(store);
        assert.equal(await store.lastTimestamp(), 0n);
        fixture.clock.set(JAN + 3600n * SECOND);
        const open = (owner: string, ledger: number): { owner: string; ledger: number } => ({
          owner,
          ledger,
        });
        const [pharmaInr, uralInr, vtbInr, sbiInr, hsbcInr, strangerInr, uralRub, sbiRub] =
          await fixture.openAccounts(
            open('indo-pharma', INR),
            open('ural-trade', INR),
            open('vtb', INR),
            open('sbi', INR),
            open('hsbc', INR),
            open('nobody', INR),
            open('ural-trade', RUB),
            open('sbi', RUB),
          );
        const [capSource] = await fixture.openAccounts({ owner: 'hub', ledger: INR });
        const [capVtb, capSbi] = await fixture.openAccounts(
          { owner: 'vtb', ledger: INR, flags: AccountFlags.debitsMustNotExceedCredits },
          { owner: 'sbi', ledger: INR },
        );
        const pay = (
          debit: AccountId,
          credit: AccountId,
          amount: bigint,
          ledger = INR,
          extra: Partial<Partial<TransferInput>> = {},
        ): Partial<TransferInput> => ({
          id: newTransferId(),
          debitAccountId: debit,
          creditAccountId: credit,
          amount,
          ledger,
          code: PAYMENT,
          ...extra,
        });
        const write = async (...inputs: Partial<TransferInput>[]): Promise<void> => {
          const results = await fixture.transfers(inputs.map((input) => transferInput(input)));
          assert.deepEqual(
            results,
            inputs.map(() => 'ok'),
          );
        };
        // January: RU → IN twice (one with its cap leg, which is not a payment), IN → RU once, IN → IN once.
        await write({
          id: newTransferId(),
          debitAccountId: capSource,
          creditAccountId: capVtb,
          amount: 1_000_000n,
          ledger: INR,
          code: 3,
        });
        await write(pay(uralInr, pharmaInr, 500n, INR, { flags: TransferFlags.linked }), {
          id: newTransferId(),
          debitAccountId: capVtb,
          creditAccountId: capSbi,
          amount: 500n,
          ledger: INR,
          code: CAP,
        });
        await write(pay(vtbInr, sbiInr, 250n));
        await write(pay(pharmaInr, uralInr, 100n));
        await write(pay(sbiInr, pharmaInr, 7n));
        // A pending payment, posted in February for less; another pending one voided; one left pending.
        const posted = newTransferId();
        const voided = newTransferId();
        await write(
          pay(pharmaInr, vtbInr, 900n, INR, { id: posted, flags: TransferFlags.pending }),
          pay(pharmaInr, vtbInr, 40n, INR, { id: voided, flags: TransferFlags.pending }),
          pay(pharmaInr, vtbInr, 30n, INR, { flags: TransferFlags.pending }),
        );
        fixture.clock.set(FEB + 10n * SECOND);
        await write(
          pay(pharmaInr, vtbInr, 600n, INR, {
            pendingId: posted,
            flags: TransferFlags.postPending,
          }),
          pay(pharmaInr, vtbInr, 0n, INR, { pendingId: voided, flags: TransferFlags.voidPending }),
        );
        // February, roubles: RU → IN; other countries and owners of no known country.
        await write(pay(uralRub, sbiRub, 12_345n, RUB));
        await write(pay(hsbcInr, sbiInr, 1_000n), pay(strangerInr, vtbInr, 3n));
        // March: outside both periods asked for below.
        fixture.clock.set(MAR + SECOND);
        await write(pay(uralInr, pharmaInr, 99_999n));

        // The newest committed write's timestamp: March's payment, the last thing written.
        assert.ok((await store.lastTimestamp()) >= MAR + SECOND);
        assert.ok((await store.lastTimestamp()) < MAR + 2n * SECOND);

        const query: FlowTotalsQuery = {
          periods: [
            { firstTimestamp: JAN, lastTimestamp: FEB - 1n },
            { firstTimestamp: FEB, lastTimestamp: MAR - 1n },
          ],
          code: PAYMENT,
          excludeFlags: EXCLUDE,
          ownerCountries: COUNTRIES,
        };
        const flow = (
          period: number,
          ledger: number,
          debitCountry: string,
          creditCountry: string,
          amount: bigint,
          count: number,
        ): FlowTotal => ({ period, ledger, debitCountry, creditCountry, amount, count });
        assert.deepEqual(await store.flowTotals(query), [
          flow(0, INR, 'IN', 'IN', 7n, 1),
          flow(0, INR, 'IN', 'RU', 100n, 1),
          flow(0, INR, 'RU', 'IN', 750n, 2),
          flow(1, INR, '', 'RU', 3n, 1),
          flow(1, INR, 'GB', 'IN', 1_000n, 1),
          flow(1, INR, 'IN', 'RU', 600n, 1),
          flow(1, RUB, 'RU', 'IN', 12_345n, 1),
        ]);

        // Scoped to sbi's accounts: only the payments that debit or credit one of them.
        assert.deepEqual(await store.flowTotals({ ...query, accounts: [sbiInr, sbiRub] }), [
          flow(0, INR, 'IN', 'IN', 7n, 1),
          flow(0, INR, 'RU', 'IN', 250n, 1),
          flow(1, INR, 'GB', 'IN', 1_000n, 1),
          flow(1, RUB, 'RU', 'IN', 12_345n, 1),
        ]);
        assert.deepEqual(await store.flowTotals({ ...query, accounts: [] }), []);
        assert.deepEqual(await store.flowTotals({ ...query, periods: [] }), []);
        // A period with nothing in it, and the cap code: only what was asked for.
        assert.deepEqual(
          await store.flowTotals({
            ...query,
            periods: [{ firstTimestamp: MAR + 2n * SECOND, lastTimestamp: MAR + 3n * SECOND }],
          }),
          [],
        );
        assert.deepEqual(await store.flowTotals({ ...query, code: CAP }), [
          flow(0, INR, 'RU', 'IN', 500n, 1),
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
