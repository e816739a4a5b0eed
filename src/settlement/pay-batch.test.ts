import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newTransferId, type AccountId } from '../ledger/ids.js';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import type { Hub } from '../hub/hub.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { LedgerStore } from '../store/store.js';
import { BatchRejectedError, PAY_BATCH_MAX } from './pay-batch.js';
import type { PaymentRequest, PaymentResult } from './payments.js';

const cli = CLI_ACTOR;
const sbiKey: Actor = { id: 'sbi', role: 'participant', participant: 'sbi' };

const pay = (payer: string, payee: string, amount: bigint, currency = 'INR'): PaymentRequest => ({
  id: newTransferId(),
  payer: account(payer, currency),
  payee: account(payee, currency),
  amount,
  reference: 'batch',
});

async function balance(hub: Hub, id: AccountId): Promise<bigint> {
  const [found] = await hub.ledger.lookupAccounts([id]);
  assert.ok(found !== undefined);
  return found.creditsPosted - found.debitsPosted;
}

function expectError(outcome: PaymentResult | HubError | undefined, code: string): HubError {
  assert.ok(outcome instanceof HubError, `a HubError ${code}, got ${JSON.stringify(outcome)}`);
  assert.equal(outcome.code, code, outcome.message);
  return outcome;
}

function expectResult(
  outcome: PaymentResult | HubError | undefined,
  status: 'created' | 'exists',
): PaymentResult {
  if (outcome instanceof HubError) assert.fail(`a result, got ${outcome.message}`);
  assert.equal(outcome?.status, status);
  return outcome;
}

/** The rows a refused batch must not change. */
async function written(store: LedgerStore) {
  return {
    counts: await store.counts(),
    audit: (await store.auditEntries({ limit: 100_000 })).length,
  };
}

function cases(store?: () => Promise<LedgerStore>): void {
  const hubTest = (name: string, body: (hub: Hub) => Promise<void>): void => {
    it(name, () => withHub(body, store === undefined ? {} : { store }));
  };

  hubTest(
    'per payment: each outcome its own, with the codes pay gives; only the good ones move money',
    async (hub) => {
      await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
      const earlier = pay('sbi', 'bob', 1_00n);
      await hub.payments.pay(earlier, cli);
      const twice = pay('bob', 'sbi', 2_00n);
      const sbiBefore = await balance(hub, account('sbi', 'INR'));
      const auditBefore = (await hub.ledger.store.auditEntries({ limit: 1000 })).length;
      const requests = [
        pay('sbi', 'bob', 100_00n), // 0 ok, interbank
        pay('sbi', 'bob', 2_000_00n), // 1 past the cap
        { ...pay('sbi', 'bob', 0n) }, // 2 bad request
        earlier, // 3 stored before
        twice, // 4 ok
        twice, // 5 the same id again in the batch
        pay('bob', 'sbi', 10_000_000_00n), // 6 insufficient funds
        { ...pay('sbi', 'bob', 1_00n), payee: account('vtb', 'RUB') }, // 7 a payee in another currency
        { ...pay('sbi', 'bob', 1_00n), reference: 'bad\u0007' }, // 8 not plain text
      ];
      const outcomes = await hub.payments.payBatch(requests, cli, { atomic: false });
      assert.equal(outcomes.length, requests.length);
      const ok = expectResult(outcomes[0], 'created');
      assert.equal(ok.interbank, true);
      assert.equal(ok.transferIds.length, 2);
      expectError(outcomes[1], 'liquidity_cap_exceeded');
      assert.equal(expectError(outcomes[2], 'invalid_field').field, 'amount');
      expectResult(outcomes[3], 'exists');
      expectResult(outcomes[4], 'created');
      expectResult(outcomes[5], 'exists');
      expectError(outcomes[6], 'insufficient_funds');
      expectError(outcomes[7], 'payment_refused');
      assert.equal(expectError(outcomes[8], 'invalid_field').field, 'reference');
      // The same refusals as pay, one by one.
      for (const index of [1, 2, 6, 7, 8]) {
        const single = await hub.payments.pay(requests[index] as PaymentRequest, cli).then(
          () => undefined,
          (error: unknown) => error,
        );
        assert.ok(single instanceof HubError);
        assert.equal(single.code, (outcomes[index] as HubError).code, `item ${index}`);
        assert.equal(single.message, (outcomes[index] as HubError).message, `item ${index}`);
      }
      assert.equal(await balance(hub, account('sbi', 'INR')), sbiBefore - 100_00n + 2_00n);
      const audit = (await hub.ledger.store.auditEntries({ limit: 1000 })).slice(auditBefore);
      assert.deepEqual(
        audit.map((entry) => [entry.action, entry.target]),
        [
          ['payments.create', requests[0]?.id],
          ['payments.create', twice.id],
          // pay, one by one, records the ledger's refusals (cap, funds) in a transaction of their
          // own; the batch records none, and neither records a refusal of the request's form.
          ['payments.refuse', requests[1]?.id],
          ['payments.refuse', requests[6]?.id],
        ],
      );
    },
  );

  hubTest('a participant key pays only from accounts it may use, item by item', async (hub) => {
    await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
    const outcomes = await hub.payments.payBatch(
      [pay('sbi', 'bob', 1_00n), pay('bob', 'sbi', 1_00n)],
      sbiKey,
      { atomic: false },
    );
    expectResult(outcomes[0], 'created');
    assert.equal(expectError(outcomes[1], 'account_not_found').field, 'payer');
    const [entry] = (await hub.ledger.store.auditEntries({ limit: 1000 })).slice(-1);
    assert.equal(entry?.actor, 'sbi');
  });

  hubTest(
    'atomic: all post together, with the caller’s extra writes in the same transaction',
    async (hub) => {
      await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
      const requests = [
        pay('sbi', 'bob', 10_00n),
        pay('bob', 'sbi', 5_00n),
        pay('sbi', 'bob', 1_00n),
      ];
      const outcomes = await hub.payments.payBatch(requests, cli, {
        atomic: true,
        extra: async (tx, results) => {
          await tx.putRecords([
            {
              collection: 'batch_test',
              key: 'k',
              value: {
                statuses: results.map((result) =>
                  result instanceof HubError ? result.code : result.status,
                ),
              },
            },
          ]);
        },
      });
      for (const outcome of outcomes) expectResult(outcome, 'created');
      assert.deepEqual((await hub.ledger.store.getRecords('batch_test', ['k'])).get('k')?.value, {
        statuses: ['created', 'created', 'created'],
      });
      // The whole batch again: every payment exists, nothing moves.
      const before = await written(hub.ledger.store);
      const again = await hub.payments.payBatch(requests, cli, { atomic: true });
      for (const outcome of again) expectResult(outcome, 'exists');
      assert.deepEqual(await written(hub.ledger.store), before);
    },
  );

  hubTest(
    'atomic: one refusal refuses the batch; nothing is written but extra, which still runs',
    async (hub) => {
      await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
      const before = await written(hub.ledger.store);
      const sbiBefore = await balance(hub, account('sbi', 'INR'));
      const seen: (string | undefined)[][] = [];
      const requests = [
        pay('sbi', 'bob', 10_00n),
        pay('sbi', 'bob', 5_000_00n),
        pay('bob', 'sbi', 1_00n),
      ];
      const outcomes = await hub.payments.payBatch(requests, cli, {
        atomic: true,
        extra: (_tx, results) => {
          seen.push(
            results.map((result) => (result instanceof HubError ? result.code : undefined)),
          );
          return Promise.resolve();
        },
      });
      expectError(outcomes[1], 'liquidity_cap_exceeded');
      for (const index of [0, 2]) {
        const error = expectError(outcomes[index], 'payment_refused');
        assert.ok(error instanceof BatchRejectedError);
        assert.equal(error.culprit, 1);
        assert.match(
          error.message,
          /rejected with the batch: payment .* \(item 1\) was refused: .*cap/,
        );
      }
      assert.ok(seen.length >= 1);
      assert.deepEqual(await written(hub.ledger.store), before, 'nothing written');
      assert.equal(await balance(hub, account('sbi', 'INR')), sbiBefore);

      // A request refused before any transaction refuses the batch the same way.
      const bad = await hub.payments.payBatch(
        [pay('sbi', 'bob', 10_00n), { ...pay('sbi', 'bob', 1_00n), amount: -1n }],
        cli,
        { atomic: true },
      );
      expectError(bad[1], 'invalid_field');
      assert.equal((expectError(bad[0], 'payment_refused') as BatchRejectedError).culprit, 1);
      assert.deepEqual(await written(hub.ledger.store), before, 'nothing written');
    },
  );

  hubTest(
    'atomic: a stored payment beside new ones refuses the new ones; extra commits on its own',
    async (hub) => {
      await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
      const stored = pay('sbi', 'bob', 3_00n);
      await hub.payments.pay(stored, cli);
      const before = await written(hub.ledger.store);
      const requests = [pay('sbi', 'bob', 10_00n), stored, pay('bob', 'sbi', 1_00n)];
      const outcomes = await hub.payments.payBatch(requests, cli, {
        atomic: true,
        extra: async (tx, results) => {
          await tx.putRecords([
            {
              collection: 'batch_test',
              key: 'mixed',
              value: {
                statuses: results.map((result) =>
                  result instanceof HubError ? result.code : result.status,
                ),
              },
            },
          ]);
        },
      });
      expectResult(outcomes[1], 'exists');
      for (const index of [0, 2]) {
        const error = expectError(outcomes[index], 'payment_refused');
        assert.ok(error instanceof BatchRejectedError);
        assert.match(error.message, /was written before/);
      }
      assert.deepEqual(
        (await written(hub.ledger.store)).counts,
        before.counts,
        'no transfer written',
      );
      assert.deepEqual(
        (await hub.ledger.store.getRecords('batch_test', ['mixed'])).get('mixed')?.value,
        { statuses: ['payment_refused', 'exists', 'payment_refused'] },
      );
    },
  );

  hubTest(
    'extra that throws writes nothing: payments and documents are one transaction',
    async (hub) => {
      await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
      const before = await written(hub.ledger.store);
      await assert.rejects(
        hub.payments.payBatch([pay('sbi', 'bob', 10_00n)], cli, {
          atomic: false,
          extra: () => Promise.reject(new Error('the caller failed')),
        }),
        /the caller failed/,
      );
      assert.deepEqual(await written(hub.ledger.store), before);
    },
  );

  hubTest('refuses a batch over the limit whole', async (hub) => {
    const requests = Array.from({ length: PAY_BATCH_MAX + 1 }, () => pay('sbi', 'bob', 1n));
    await assert.rejects(
      hub.payments.payBatch(requests, cli, { atomic: false }),
      refusal('invalid_field', 'requests'),
    );
  });
}

describe('payBatch on SQLite', () => {
  cases();

  it('1,000 interbank payments in one batch (time printed, not asserted)', async () => {
    await withHub(async (hub) => {
      await hub.caps.set('sbi', 'INR', 1_000_000_00n, cli);
      await hub.caps.set('bob', 'INR', 1_000_000_00n, cli);
      const times: number[] = [];
      for (let round = 0; round < 6; round += 1) {
        const requests = Array.from({ length: 1000 }, (_, index) =>
          index % 2 === 0 ? pay('sbi', 'bob', 1_00n) : pay('bob', 'sbi', 1_00n),
        );
        const started = performance.now();
        const outcomes = await hub.payments.payBatch(requests, cli, { atomic: round % 2 === 1 });
        times.push(performance.now() - started);
        assert.ok(outcomes.every((outcome) => !(outcome instanceof HubError)));
      }
      process.stdout.write(
        `# payBatch of 1,000 interbank payments on SQLite: ${times.map((ms) => ms.toFixed(0)).join(', ')} ms per batch\n`,
      );
    });
  });
});

await postgresTests('payBatch on postgres', (schemas) => {
  describe('payBatch on PostgreSQL', () => {
    cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }));
  });
});
