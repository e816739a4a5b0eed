import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AccountFlags, TransferFlags } from '../../ledger/flags.js';
import { newTransferId, type AccountId } from '../../ledger/ids.js';
import type { StoredTransfer } from '../../ledger/model.js';
import type { LedgerStore } from '../store.js';
import {
  InvalidCursorError,
  type TransferSearchQuery,
  type TransferStatus,
} from '../transfer-search.js';
import { INR, LedgerFixture, RUB, transferInput, type StoreFactory } from './fixtures.js';

/** Every page of a search, following `next`; fails if the pages never end. */
async function allPages(
  store: LedgerStore,
  query: Omit<TransferSearchQuery, 'cursor'>,
): Promise<{ transfers: StoredTransfer[]; pages: number }> {
  const transfers: StoredTransfer[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= 10_000; pages += 1) {
    const page = await store.searchTransfers({
      ...query,
      ...(cursor === undefined ? {} : { cursor }),
    });
    assert.ok(page.transfers.length <= query.limit, 'a page holds at most limit transfers');
    transfers.push(...page.transfers);
    if (page.next === undefined) return { transfers, pages };
    cursor = page.next;
  }
  throw new Error('the pages never ended');
}

/** The status a person means, written out here again rather than taken from the store's module. */
function statusOf(transfer: StoredTransfer): TransferStatus {
  if (transfer.flags & TransferFlags.pending) return transfer.pendingStatus as TransferStatus;
  if (transfer.flags & TransferFlags.expired) return 'expired';
  if (transfer.flags & TransferFlags.voidPending) return 'voided';
  return 'posted';
}

/** Searching transfers: the same answers on every store, newest first, each page bounded. */
export function searchCases(factory: StoreFactory): void {
  it('finds transfers by accounts, currency, amount, status and time, paging newest first', async () => {
    const store = await factory.open();
    try {
      const fixture = new LedgerFixture(store);
      const bounded = { flags: AccountFlags.none };
      const [sbiInr, sbiInr2, vtbInr, hubInr, sbiRub, vtbRub] = await fixture.openAccounts(
        { owner: 'sbi', ledger: INR, ...bounded },
        { owner: 'sbi', ledger: INR, ...bounded },
        { owner: 'vtb', ledger: INR, ...bounded },
        { owner: 'hub', ledger: INR, ...bounded },
        { owner: 'sbi', ledger: RUB, ...bounded },
        { owner: 'vtb', ledger: RUB, ...bounded },
      );
      const pairs: [AccountId, AccountId, number][] = [
        [hubInr, sbiInr, INR],
        [sbiInr, vtbInr, INR],
        [vtbInr, sbiInr2, INR],
        [sbiInr, sbiInr2, INR],
        [hubInr, vtbInr, INR],
        [vtbRub, sbiRub, RUB],
        [sbiRub, vtbRub, RUB],
      ];
      // 165 plain transfers in batches of varied size, amounts 1..97 minor units.
      let n = 0;
      for (let batch = 0; batch < 14; batch += 1) {
        const inputs = Array.from({ length: 5 + (batch % 4) * 5 }, () => {
          n += 1;
          const [debit, credit, ledger] = pairs[n % pairs.length] as [AccountId, AccountId, number];
          return transferInput({
            debitAccountId: debit,
            creditAccountId: credit,
            ledger,
            amount: BigInt(((n * 37) % 97) + 1),
          });
        });
        assert.ok((await fixture.transfers(inputs)).every((result) => result === 'ok'));
        fixture.clock.advanceSeconds(1);
      }
      // Pending transfers: one stays pending, one is posted, one voided, one expires.
      const pending = [0, 1, 2, 3].map(() => newTransferId());
      const timeouts = [0, 0, 0, 5];
      assert.deepEqual(
        await fixture.transfers(
          pending.map((id, index) =>
            transferInput({
              id,
              debitAccountId: vtbInr,
              creditAccountId: sbiInr,
              amount: 500n,
              flags: TransferFlags.pending,
              timeoutSeconds: timeouts[index] as number,
            }),
          ),
        ),
        ['ok', 'ok', 'ok', 'ok'],
      );
      const middle = await store.lastTimestamp();
      assert.deepEqual(
        await fixture.transfers([
          transferInput({
            debitAccountId: vtbInr,
            creditAccountId: sbiInr,
            amount: 0n,
            pendingId: pending[1] as (typeof pending)[number],
            flags: TransferFlags.postPending,
          }),
          transferInput({
            debitAccountId: vtbInr,
            creditAccountId: sbiInr,
            amount: 0n,
            pendingId: pending[2] as (typeof pending)[number],
            flags: TransferFlags.voidPending,
          }),
        ]),
        ['ok', 'ok'],
      );
      fixture.clock.advanceSeconds(10);
      // The next write expires pending[3] first.
      assert.deepEqual(
        await fixture.transfers([
          transferInput({ debitAccountId: hubInr, creditAccountId: vtbInr, amount: 7n }),
        ]),
        ['ok'],
      );

      const everything = (await store.transfersInRange(0n, await store.lastTimestamp())).reverse();
      assert.equal(
        everything.length,
        173,
        '165 plain, 4 pending, a post, a void, an expiry and a plain one',
      );
      const expect = (
        keep: (transfer: StoredTransfer) => boolean,
        accounts?: readonly AccountId[],
      ): string[] =>
        everything
          .filter(
            (transfer) =>
              (accounts === undefined ||
                accounts.includes(transfer.debitAccountId) ||
                accounts.includes(transfer.creditAccountId)) &&
              keep(transfer),
          )
          .map((transfer) => transfer.id);
      const sbi = [sbiInr, sbiInr2, sbiRub];
      const cases: [string, Omit<TransferSearchQuery, 'cursor' | 'limit' | 'scanMax'>, string[]][] =
        [
          ['everything', {}, expect(() => true)],
          ["sbi's accounts", { accounts: sbi }, expect(() => true, sbi)],
          ['one account', { accounts: [sbiInr2] }, expect(() => true, [sbiInr2])],
          [
            "sbi's in RUB",
            { accounts: sbi, ledger: RUB },
            expect((transfer) => transfer.ledger === RUB, sbi),
          ],
          [
            'an exact amount in INR',
            { ledger: INR, amountMin: 42n, amountMax: 42n },
            expect((transfer) => transfer.ledger === INR && transfer.amount === 42n),
          ],
          [
            "a range of amounts, sbi's",
            { accounts: sbi, amountMin: 10n, amountMax: 20n },
            expect((transfer) => transfer.amount >= 10n && transfer.amount <= 20n, sbi),
          ],
          [
            'pending',
            { statuses: ['pending'] },
            expect((transfer) => statusOf(transfer) === 'pending'),
          ],
          [
            'voided or expired, sbi',
            { accounts: sbi, statuses: ['voided', 'expired'] },
            expect((transfer) => ['voided', 'expired'].includes(statusOf(transfer)), sbi),
          ],
          [
            'posted before the pending ones',
            { statuses: ['posted'], toTimestamp: middle - 3n },
            expect(
              (transfer) => statusOf(transfer) === 'posted' && transfer.timestamp < middle - 3n,
            ),
          ],
          [
            'a time range, sbi',
            { accounts: sbi, fromTimestamp: middle - 80n, toTimestamp: middle + 3n },
            expect(
              (transfer) => transfer.timestamp >= middle - 80n && transfer.timestamp < middle + 3n,
              sbi,
            ),
          ],
          ['nobody', { accounts: [] }, []],
          ['no status', { statuses: [] }, []],
        ];
      for (const [name, query, expected] of cases) {
        for (const [limit, scanMax] of [
          [1000, 100_000],
          [7, 100_000],
          [5, 13],
          [1, 1],
        ] as const) {
          const { transfers, pages } = await allPages(store, { ...query, limit, scanMax });
          assert.deepEqual(
            transfers.map((transfer) => transfer.id),
            expected,
            `${name}, limit ${limit}, scanMax ${scanMax}`,
          );
          if (scanMax === 100_000)
            assert.ok(
              pages <= Math.floor(expected.length / limit) + 1,
              `${name}: ${pages} pages for ${expected.length} at ${limit} a page`,
            );
        }
      }
      // Statuses are what became of the pending transfers.
      const statuses = async (status: TransferStatus): Promise<string[]> =>
        (
          await allPages(store, {
            statuses: [status],
            accounts: [vtbInr],
            limit: 100,
            scanMax: 1000,
          })
        ).transfers
          .filter((transfer) => transfer.flags & TransferFlags.pending)
          .map((transfer) => transfer.id);
      assert.deepEqual(await statuses('pending'), [pending[0]]);
      assert.deepEqual(await statuses('posted'), [pending[1]]);
      assert.deepEqual(await statuses('voided'), [pending[2]]);
      assert.deepEqual(await statuses('expired'), [pending[3]]);

      for (const cursor of ['', 'x', '-1', '1.2', '9223372036854775808', '01', '5.0'])
        await assert.rejects(
          store.searchTransfers({ cursor, limit: 10, scanMax: 10, accounts: sbi }),
          InvalidCursorError,
          `cursor ${JSON.stringify(cursor)}`,
        );
    } finally {
      await store.close();
    }
  });
}
