import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { TransferFlags } from '../../ledger/flags.js';
import { ZERO_TRANSFER_ID, type TransferId } from '../../ledger/ids.js';
import { verifyLedger } from '../../ledger/verify.js';
import { LedgerFixture, transferInput } from '../conformance/fixtures.js';
import { SqliteSnapshot } from './snapshot.js';
import { SqliteStore } from './sqlite-store.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-snapshot-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** `ledger_state.balances_seq` and the newest journal entry as committed now, read on a connection of their own. */
function committedSeqs(path: string): { balancesSeq: bigint; lastSeq: bigint } {
  const db = new Database(path, { readonly: true });
  try {
    db.defaultSafeIntegers(true);
    const balancesSeq = db
      .prepare('SELECT balances_seq FROM ledger_state WHERE id = 1')
      .pluck()
      .get() as bigint;
    const lastSeq =
      (db.prepare('SELECT max(seq) FROM journal').pluck().get() as bigint | null) ?? 0n;
    return { balancesSeq, lastSeq };
  } finally {
    db.close();
  }
}

describe('SQLite snapshot for the verifier', () => {
  it('sees the balances the store holds only in memory, and none of what is written or flushed after it began', async () => {
    const path = join(directory, 'lazy.db');
    const store = new SqliteStore({ path, flushIntervalMs: 200 });
    try {
      const fixture = new LedgerFixture(store);
      const [a, b, c] = await fixture.openAccounts({}, {}, {});
      const pendingIds: TransferId[] = [];
      const batch = () => {
        const pending = transferInput({
          debitAccountId: b,
          creditAccountId: c,
          amount: 5n,
          flags: TransferFlags.pending,
        });
        pendingIds.push(pending.id);
        const posts =
          pendingIds.length > 1
            ? [
                transferInput({
                  debitAccountId: b,
                  creditAccountId: c,
                  amount: 3n,
                  flags: TransferFlags.postPending,
                  pendingId: pendingIds[pendingIds.length - 2] ?? ZERO_TRANSFER_ID,
                }),
              ]
            : [];
        return [
          transferInput({ debitAccountId: a, creditAccountId: b, amount: 7n }),
          pending,
          ...posts,
        ];
      };
      // Until the balance columns lag behind the journal: the newest batch's balances are then only in the store's memory.
      let snapshot: SqliteSnapshot | undefined;
      for (let attempt = 0; snapshot === undefined; attempt += 1) {
        assert.ok(attempt < 50, 'the balance columns never lagged behind the journal');
        assert.deepEqual(new Set(await fixture.transfers(batch())), new Set(['ok']));
        const opened = new SqliteSnapshot(path);
        if ((await opened.storedBalancesSeq()) < committedSeqs(path).lastSeq) snapshot = opened;
        else await opened.close();
      }
      try {
        const accounts = await store.accountsAfter(0n, 100);
        const counts = await snapshot.counts();
        const balancesSeq = await snapshot.storedBalancesSeq();
        assert.deepEqual(
          await snapshot.accountsAfter(0n, 100),
          accounts,
          'the current balances, as the store has them in memory',
        );
        assert.notDeepEqual(
          await snapshot.storedAccountsAfter(0n, 100),
          accounts,
          'the columns are behind',
        );
        assert.deepEqual((await verifyLedger(snapshot)).problems, []);

        // More batches, and a flush of the balance columns, after the snapshot began.
        for (let index = 0; index < 3; index += 1) await fixture.transfers(batch());
        while (committedSeqs(path).balancesSeq <= balancesSeq) await sleep(50);
        assert.deepEqual(await snapshot.counts(), counts);
        assert.equal(await snapshot.storedBalancesSeq(), balancesSeq);
        assert.deepEqual(await snapshot.accountsAfter(0n, 100), accounts);
        const report = await verifyLedger(snapshot);
        assert.deepEqual(report.problems, []);
        assert.equal(report.transfers, counts.transfers);
      } finally {
        await snapshot.close();
      }
      const later = new SqliteSnapshot(path);
      try {
        const report = await verifyLedger(later);
        assert.deepEqual(report.problems, []);
        assert.equal(
          report.transfers,
          (await store.counts()).transfers,
          'a new snapshot sees everything',
        );
      } finally {
        await later.close();
      }
    } finally {
      await store.close();
    }
  });

  it("the store's writer does not wait for a reader's older snapshot when it restarts the WAL", async () => {
    // The writer restarts the WAL after about 8 MiB of writes. SQLite's RESTART checkpoint waits
    // for readers on an older snapshot, up to the busy timeout (10 s), and every later batch
    // waited behind it. Here the reader lets go after 9 s at the latest: the batches must all
    // have committed before that (writing them takes a few seconds even on a loaded machine).
    const path = join(directory, 'restart.db');
    const store = new SqliteStore({ path });
    try {
      const fixture = new LedgerFixture(store);
      const [a, b] = await fixture.openAccounts({}, {});
      const transfers = (count: number) =>
        Array.from({ length: count }, () =>
          transferInput({
            debitAccountId: a,
            creditAccountId: b,
            amount: 1n,
            reference: 'r'.repeat(64),
          }),
        );
      await fixture.transfers(transfers(10));
      const snapshot = new SqliteSnapshot(path);
      const before = await snapshot.counts();
      let released = false;
      const release = setTimeout(() => {
        released = true;
        void snapshot.close();
      }, 9000);
      try {
        // 4 × 8,190 transfers of ~250 encoded bytes: past 8 MiB by the third batch.
        for (let index = 0; index < 4; index += 1)
          assert.equal((await fixture.transfers(transfers(8190))).length, 8190);
        assert.equal(
          released,
          false,
          'the batches waited for the reader to let go of its snapshot',
        );
        assert.deepEqual(await snapshot.counts(), before, 'the reader still sees its snapshot');
      } finally {
        clearTimeout(release);
        await snapshot.close();
      }
    } finally {
      await store.close();
    }
  });
});
