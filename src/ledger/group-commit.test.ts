import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LedgerFixture, transferInput } from '../store/conformance/fixtures.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { TransferFlags } from './flags.js';
import { GroupCommitter, LedgerOverloadedError } from './group-commit.js';
import { verifyLedger } from './verify.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-group-'));
after(() => rmSync(directory, { recursive: true, force: true }));

describe('group commit', () => {
  it('writes many single transfers in few transactions and gives each caller its own result', async () => {
    const store = new SqliteStore({ path: join(directory, 'group.db') });
    try {
      const fixture = new LedgerFixture(store);
      const [a, b] = await fixture.openAccounts({}, {});
      const committer = new GroupCommitter(fixture.ledger);
      const good = Array.from({ length: 500 }, () =>
        transferInput({ debitAccountId: a, creditAccountId: b, amount: 2n }),
      );
      const bad = transferInput({ debitAccountId: a, creditAccountId: a });
      const results = await Promise.all(
        [...good, bad, good[0]!].map((transfer) => committer.submit(transfer)),
      );
      assert.deepEqual(results.slice(0, 500), new Array(500).fill('ok'));
      assert.equal(results[500], 'accounts_must_be_different');
      assert.equal(results[501], 'exists', 'the same id twice in one group: the second one exists');
      assert.ok(
        committer.batchSizes.length < 50,
        `500 transfers took ${committer.batchSizes.length} transactions`,
      );
      assert.equal((await fixture.balances(a)).debitsPosted, 1000n);
      assert.deepEqual((await verifyLedger(store)).problems, []);
    } finally {
      await store.close();
    }
  });

  it('hands each ok caller the transfer as stored, after the commit; none for exists or a refusal', async () => {
    const store = new SqliteStore({ path: join(directory, 'stored.db') });
    try {
      const fixture = new LedgerFixture(store);
      const [a, b] = await fixture.openAccounts({}, {});
      const committer = new GroupCommitter(fixture.ledger);
      const transfers = Array.from({ length: 20 }, () =>
        transferInput({ debitAccountId: a, creditAccountId: b }),
      );
      const bad = transferInput({ debitAccountId: a, creditAccountId: a });
      const outcomes = await Promise.all(
        [...transfers, bad, transfers[3]!].map((transfer) => committer.submitStored(transfer)),
      );
      const stored = await fixture.ledger.lookupTransfers(transfers.map((transfer) => transfer.id));
      assert.deepEqual(
        outcomes.slice(0, 20).map((outcome) => outcome.stored),
        stored,
      );
      assert.deepEqual(
        outcomes.slice(20).map(({ result, stored }) => [result, stored]),
        [
          ['accounts_must_be_different', undefined],
          ['exists', undefined],
        ],
      );
    } finally {
      await store.close();
    }
  });

  it('refuses a linked single transfer (its chain could never close) and a full queue', async () => {
    const store = new SqliteStore({ path: join(directory, 'queue.db') });
    try {
      const fixture = new LedgerFixture(store);
      const [a, b] = await fixture.openAccounts({}, {});
      const committer = new GroupCommitter(fixture.ledger, { queueMax: 3 });
      assert.equal(
        await committer.submit(
          transferInput({ debitAccountId: a, creditAccountId: b, flags: TransferFlags.linked }),
        ),
        'linked_event_chain_open',
      );
      const accepted = [1, 2, 3].map(() =>
        committer.submit(transferInput({ debitAccountId: a, creditAccountId: b })),
      );
      await assert.rejects(
        committer.submit(transferInput({ debitAccountId: a, creditAccountId: b })),
        LedgerOverloadedError,
      );
      assert.deepEqual(await Promise.all(accepted), ['ok', 'ok', 'ok']);
    } finally {
      await store.close();
    }
  });
});
