import assert from 'node:assert/strict';
import { it } from 'node:test';
import { verifyLedger } from '../../ledger/verify.js';
import type { AuditEntry } from '../records.js';
import { LedgerFixture, transferInput, type StoreFactory } from './fixtures.js';

function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: 1_700_000_000_000_000_000n,
    actor: 'sbi',
    role: 'participant',
    keyId: 'key-1',
    requestId: 'req-1',
    action: 'test.write',
    target: 't-1',
    detail: { n: 1 },
    ...overrides,
  };
}

/** Documents and the audit log: written in the ledger's transactions, atomically with its batches. */
export function recordCases(factory: StoreFactory): void {
  const withFixture = (name: string, body: (fixture: LedgerFixture) => Promise<void>): void => {
    it(name, async () => {
      const store = await factory.open();
      try {
        await body(new LedgerFixture(store));
        assert.deepEqual((await verifyLedger(store)).problems, []);
      } finally {
        await store.close();
      }
    });
  };

  withFixture(
    'documents are written, replaced, read back and listed in key order by prefix',
    async ({ ledger, store }) => {
      await ledger.transact(async (tx) => {
        await tx.putRecords([
          { collection: 'participants', key: 'b-2', value: { name: 'Two', n: 2 } },
          {
            collection: 'participants',
            key: 'a-1',
            value: { name: 'One', nested: { list: [1, 'x', null, true] } },
          },
          { collection: 'participants', key: 'b-1', value: { name: 'B1' } },
          { collection: 'keys', key: 'a-1', value: { other: 'collection' } },
        ]);
      });
      await ledger.transact(async (tx) => {
        assert.deepEqual(await tx.getRecord('participants', 'b-2'), { name: 'Two', n: 2 });
        await tx.putRecords([
          { collection: 'participants', key: 'b-2', value: { name: 'Two again' } },
        ]);
        assert.deepEqual(
          await tx.getRecord('participants', 'b-2'),
          { name: 'Two again' },
          'a transaction reads its own writes',
        );
      });
      const found = await store.getRecords('participants', ['a-1', 'b-2', 'missing']);
      assert.deepEqual([...found.keys()].sort(), ['a-1', 'b-2']);
      assert.deepEqual(found.get('a-1')?.value, {
        name: 'One',
        nested: { list: [1, 'x', null, true] },
      });
      assert.deepEqual(found.get('b-2')?.value, { name: 'Two again' });
      assert.equal(typeof found.get('b-2')?.updatedAt, 'bigint');
      const all = await store.listRecords({ collection: 'participants', limit: 10 });
      assert.deepEqual(
        all.map((record) => record.key),
        ['a-1', 'b-1', 'b-2'],
      );
      const page = await store.listRecords({ collection: 'participants', prefix: 'b-', limit: 1 });
      assert.deepEqual(
        page.map((record) => record.key),
        ['b-1'],
      );
      const next = await store.listRecords({
        collection: 'participants',
        prefix: 'b-',
        afterKey: 'b-1',
        limit: 10,
      });
      assert.deepEqual(
        next.map((record) => record.key),
        ['b-2'],
      );
    },
  );

  withFixture(
    'documents, audit entries and the batch commit together, and a failed transaction leaves none of them',
    async (fixture) => {
      const { ledger, store } = fixture;
      const [from, to] = await fixture.openAccounts({}, {});
      const transfer = transferInput({ debitAccountId: from, creditAccountId: to, amount: 500n });
      const results = await ledger.transact(async (tx) => {
        const results = await tx.createTransfers([transfer]);
        await tx.putRecords([{ collection: 'quotes', key: 'q-1', value: { used: true } }]);
        await tx.appendAudit([auditEntry({ target: transfer.id })]);
        const balances = await tx.accounts([from]);
        assert.equal(balances.get(from)?.debitsPosted, 500n, 'the transaction sees its own batch');
        return results;
      });
      assert.deepEqual(results, ['ok']);
      assert.equal((await store.getRecords('quotes', ['q-1'])).get('q-1')?.value.used, true);

      const before = await store.counts();
      const failing = transferInput({ debitAccountId: from, creditAccountId: to, amount: 7n });
      await assert.rejects(
        ledger.transact(async (tx) => {
          assert.deepEqual(await tx.createTransfers([failing]), ['ok']);
          await tx.putRecords([{ collection: 'quotes', key: 'q-2', value: { used: true } }]);
          await tx.appendAudit([auditEntry({ action: 'never.written' })]);
          throw new Error('refused after the batch ran');
        }),
        /refused after the batch ran/,
      );
      assert.deepEqual(await store.counts(), before, 'no transfer of the failed transaction');
      assert.equal(
        (await store.getRecords('quotes', ['q-2'])).size,
        0,
        'no document of the failed transaction',
      );
      assert.deepEqual(
        (await store.auditEntries({ limit: 10 })).map((entry) => entry.action),
        ['test.write'],
      );
      assert.equal(
        (await fixture.balances(from)).debitsPosted,
        500n,
        'balances are as before the failed transaction',
      );
      assert.deepEqual(
        await fixture.transfers([failing]),
        ['ok'],
        'the failed transfer id was never stored',
      );
    },
  );

  withFixture(
    'the audit log keeps every field, orders by sequence and filters by actor',
    async ({ ledger, store }) => {
      await ledger.transact(async (tx) =>
        tx.appendAudit([
          auditEntry({ actor: 'sbi' }),
          auditEntry({
            actor: 'vtb',
            keyId: undefined,
            requestId: undefined,
            target: undefined,
            detail: {},
          }),
        ]),
      );
      await ledger.createTransfers([], { audit: [auditEntry({ actor: 'nothing' })] });
      await ledger.transact(async (tx) =>
        tx.appendAudit([auditEntry({ actor: 'sbi', action: 'second' })]),
      );
      const all = await store.auditEntries({ limit: 10 });
      assert.deepEqual(
        all.map((entry) => entry.actor),
        ['sbi', 'vtb', 'sbi'],
      );
      assert.ok(
        (all[0]?.seq ?? 0n) < (all[1]?.seq ?? 0n) && (all[1]?.seq ?? 0n) < (all[2]?.seq ?? 0n),
      );
      const first = all[0] ?? assert.fail('no entry');
      assert.deepEqual(first, { seq: first.seq, ...auditEntry({ actor: 'sbi' }) });
      assert.deepEqual(all[1], {
        seq: all[1]?.seq,
        at: auditEntry().at,
        actor: 'vtb',
        role: 'participant',
        action: 'test.write',
        detail: {},
      });
      assert.deepEqual(
        (await store.auditEntries({ actor: 'sbi', limit: 10 })).map((entry) => entry.action),
        ['test.write', 'second'],
      );
      assert.deepEqual(
        (await store.auditEntries({ afterSeq: all[0]?.seq, limit: 1 })).map((entry) => entry.actor),
        ['vtb'],
      );
    },
  );

  withFixture(
    'the audit log filters by target (with or without an actor), oldest first, a page at a time',
    async ({ ledger, store }) => {
      await ledger.transact(async (tx) =>
        tx.appendAudit([
          auditEntry({ target: 'pay-1', action: 'payments.reserve' }),
          auditEntry({ target: 'pay-2', action: 'payments.create' }),
          auditEntry({ target: undefined, action: 'no.target' }),
          auditEntry({ target: 'pay-1', action: 'payments.post', actor: 'operator' }),
          auditEntry({ target: 'pay-10', action: 'payments.create' }),
        ]),
      );
      const about = async (query: { target: string; actor?: string; afterSeq?: bigint }) =>
        (await store.auditEntries({ ...query, limit: 10 })).map((entry) => entry.action);
      assert.deepEqual(await about({ target: 'pay-1' }), ['payments.reserve', 'payments.post']);
      assert.deepEqual(await about({ target: 'pay-1', actor: 'operator' }), ['payments.post']);
      assert.deepEqual(await about({ target: 'pay-1', actor: 'vtb' }), []);
      assert.deepEqual(await about({ target: 'pay' }), [], 'the whole target, not a prefix');
      assert.deepEqual(await about({ target: 'nothing' }), []);
      assert.deepEqual(await about({ target: 'pay-\ud800' }), []);
      const [first] = await store.auditEntries({ target: 'pay-1', limit: 1 });
      assert.deepEqual(await about({ target: 'pay-1', afterSeq: first?.seq }), ['payments.post']);
    },
  );

  withFixture(
    'a transaction sees documents of transactions queued before it, and a boundary between batches',
    async (fixture) => {
      const { ledger, store } = fixture;
      const [from, to] = await fixture.openAccounts({}, {});
      // Three writes handed in at once: the store may commit the first while the others run.
      const first = ledger.createTransfers([
        transferInput({ debitAccountId: from, creditAccountId: to }),
      ]);
      const marker = ledger.transact(async (tx) => {
        await tx.putRecords([
          {
            collection: 'windows',
            key: 'w-1',
            value: { boundary: (await tx.lastTimestamp()).toString() },
          },
        ]);
      });
      const reader = ledger.transact(async (tx) => tx.getRecord('windows', 'w-1'));
      const later = ledger.createTransfers([
        transferInput({ debitAccountId: from, creditAccountId: to }),
      ]);
      await Promise.all([first, marker, later]);
      const seen = await reader;
      assert.ok(seen !== undefined, 'the queued document is visible to the next transaction');
      const boundaryText = seen.boundary;
      assert.ok(typeof boundaryText === 'string', 'the boundary is stored as text');
      const boundary = BigInt(boundaryText);
      const transfers = await store.transfersInRange(0n, 1n << 62n);
      assert.equal(transfers.length, 2);
      assert.ok(
        (transfers[0]?.timestamp ?? 0n) <= boundary && boundary < (transfers[1]?.timestamp ?? 0n),
        'the boundary falls between the two batches',
      );
    },
  );
}
