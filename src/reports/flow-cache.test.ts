import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TransferFlags } from '../ledger/flags.js';
import { newTransferId, type AccountId } from '../ledger/ids.js';
import { INR, LedgerFixture, RUB, transferInput } from '../store/conformance/fixtures.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { FlowTotalsQuery } from '../store/store.js';
import { cachedFlowTotals } from './flow-cache.js';

/** 2026-01-01, 2026-02-01, 2026-03-01 (UTC) in nanoseconds. */
const JAN = 1_767_225_600_000_000_000n;
const FEB = 1_769_904_000_000_000_000n;
const MAR = 1_772_323_200_000_000_000n;
const HOUR = 3_600_000_000_000n;

/**
 * The cached flow totals are the store's, however the writes and the reads interleave: an ended
 * month read once, the current month read again after more payments, a participant's scope kept
 * apart from the operator's, and a change of the owners' countries not answered from memory.
 */
test('cachedFlowTotals answers as store.flowTotals does while payments keep coming', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'vostro-flow-cache-'));
  const store = new SqliteStore({
    path: join(directory, 'flows.db'),
    backgroundCheckpoints: false,
  });
  try {
    const fixture = new LedgerFixture(store);
    fixture.clock.set(JAN + HOUR);
    const [inInr, ruInr, inRub, ruRub] = await fixture.openAccounts(
      { owner: 'in-corp', ledger: INR },
      { owner: 'ru-corp', ledger: INR },
      { owner: 'in-corp', ledger: RUB },
      { owner: 'ru-corp', ledger: RUB },
    );
    const pay = async (debit: AccountId, credit: AccountId, amount: bigint, ledger = INR) => {
      const results = await fixture.transfers([
        transferInput({
          id: newTransferId(),
          debitAccountId: debit,
          creditAccountId: credit,
          amount,
          ledger,
          code: 1,
        }),
      ]);
      assert.deepEqual(results, ['ok']);
    };
    const query: FlowTotalsQuery = {
      periods: [
        { firstTimestamp: JAN, lastTimestamp: FEB - 1n },
        { firstTimestamp: FEB, lastTimestamp: MAR - 1n },
        { firstTimestamp: MAR, lastTimestamp: MAR + 31n * 24n * HOUR - 1n },
      ],
      code: 1,
      excludeFlags: TransferFlags.pending | TransferFlags.voidPending,
      ownerCountries: new Map([
        ['in-corp', 'IN'],
        ['ru-corp', 'RU'],
      ]),
    };
    const scoped = { ...query, accounts: [inRub] };
    const same = async (): Promise<void> => {
      for (const asked of [query, scoped])
        assert.deepEqual(await cachedFlowTotals(store, asked), await store.flowTotals(asked));
    };
    await pay(inInr, ruInr, 100n);
    await pay(ruRub, inRub, 5n, RUB);
    await same();
    fixture.clock.set(FEB + HOUR);
    await pay(ruInr, inInr, 7n);
    await same();
    // More in February, after February was read: only what is new is read and added.
    await pay(ruInr, inInr, 8n);
    await pay(inRub, ruRub, 9n, RUB);
    await same();
    fixture.clock.set(MAR + HOUR);
    await pay(inInr, ruInr, 11n);
    await same();
    await same();
    const answer = await cachedFlowTotals(store, query);
    assert.deepEqual(
      answer.map((row) => [
        row.period,
        row.ledger,
        row.debitCountry,
        row.creditCountry,
        row.amount,
        row.count,
      ]),
      [
        [0, INR, 'IN', 'RU', 100n, 1],
        [0, RUB, 'RU', 'IN', 5n, 1],
        [1, INR, 'RU', 'IN', 15n, 2],
        [1, RUB, 'IN', 'RU', 9n, 1],
        [2, INR, 'IN', 'RU', 11n, 1],
      ],
    );
    // Another country map is another question.
    const moved = { ...query, ownerCountries: new Map([['in-corp', 'IN']]) };
    assert.deepEqual(await cachedFlowTotals(store, moved), await store.flowTotals(moved));
    assert.deepEqual(await cachedFlowTotals(store, { ...query, periods: [] }), []);
    assert.deepEqual(await cachedFlowTotals(store, { ...query, accounts: [] }), []);
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
