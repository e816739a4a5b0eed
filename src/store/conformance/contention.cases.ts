import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferFlags } from '../../ledger/flags.js';
import { GroupCommitter } from '../../ledger/group-commit.js';
import { Batcher } from '../../domain/batcher.js';
import type { LedgerStore } from '../store.js';
import { newTransferId, type AccountId } from '../../ledger/ids.js';
import { verifyLedger } from '../../ledger/verify.js';
import type { TransferInput } from '../../ledger/model.js';
import type { CreateTransferResult } from '../../ledger/results.js';
import { LedgerFixture, transferInput, type StoreFactory } from './fixtures.js';

/**
 * One client's duplicate or broken request never fails another client's request, on any store:
 * honest callers stream transfers while a hostile one sends the same id many times at once, ids
 * already stored, and items the store itself cannot write. Every honest call must succeed.
 */
export function contentionCases(factory: StoreFactory, poison: Poison): void {
  describe(`contention (${factory.name})`, () => {
    it('the same new id sent 20 times at once, over and over, fails none of the transfers streamed beside it', async () => {
      const store = await factory.open();
      try {
        const fixture = new LedgerFixture(store);
        const [debit, credit] = await fixture.openAccounts(
          { owner: 'honest' },
          { owner: 'honest' },
        );
        const [hostileDebit, hostileCredit] = await fixture.openAccounts(
          { owner: 'hostile' },
          { owner: 'hostile' },
        );
        const honest = streamHonest(fixture, debit, credit, { callers: 8, each: 25 });
        const duplicates = (async () => {
          const answers: CreateTransferResult[][] = [];
          for (let round = 0; round < 10; round += 1) {
            const event = transferInput({
              debitAccountId: hostileDebit,
              creditAccountId: hostileCredit,
              amount: 7n,
            });
            // Each copy is its own batch, so copies of one id are in flight in different batches.
            const results = await Promise.all(
              Array.from({ length: 20 }, () => fixture.transfers([event])),
            );
            answers.push(results.map((batch) => batch[0] as CreateTransferResult));
            await fixture.transfers([event]); // and once more after it is stored
          }
          return answers;
        })();
        const [honestResults, duplicateAnswers] = await Promise.all([honest, duplicates]);
        assert.deepEqual(
          honestResults.filter((result) => result !== 'ok'),
          [],
        );
        for (const answers of duplicateAnswers) {
          assert.equal(
            answers.filter((result) => result === 'ok').length,
            1,
            `one copy posts: ${answers.join(', ')}`,
          );
          assert.equal(answers.filter((result) => result === 'exists').length, 19);
        }
        assert.equal((await fixture.balances(credit)).creditsPosted, BigInt(8 * 25));
        assert.equal((await fixture.balances(hostileCredit)).creditsPosted, 70n);
        assert.equal((await verifyLedger(store)).ok, true);
      } finally {
        await store.close();
      }
    });

    it('stored ids sent again and again through group commit fail none of the transfers grouped with them', async () => {
      const store = await factory.open();
      try {
        const fixture = new LedgerFixture(store);
        const committer = new GroupCommitter(fixture.ledger);
        const [debit, credit] = await fixture.openAccounts(
          { owner: 'honest' },
          { owner: 'honest' },
        );
        const [hostileDebit, hostileCredit] = await fixture.openAccounts(
          { owner: 'hostile' },
          { owner: 'hostile' },
        );
        const stored = Array.from({ length: 5 }, () =>
          transferInput({
            debitAccountId: hostileDebit,
            creditAccountId: hostileCredit,
            amount: 3n,
          }),
        );
        assert.deepEqual(
          await fixture.transfers(stored),
          stored.map(() => 'ok'),
        );
        const honest = Array.from({ length: 8 }, async () => {
          const results: CreateTransferResult[] = [];
          for (let index = 0; index < 25; index += 1) {
            results.push(
              await committer.submit(
                transferInput({ debitAccountId: debit, creditAccountId: credit, amount: 1n }),
              ),
            );
          }
          return results;
        });
        const hostile = (async () => {
          const results: CreateTransferResult[] = [];
          for (let round = 0; round < 25; round += 1) {
            results.push(...(await Promise.all(stored.map((event) => committer.submit(event)))));
          }
          return results;
        })();
        const honestResults = (await Promise.all(honest)).flat();
        assert.deepEqual(
          honestResults.filter((result) => result !== 'ok'),
          [],
        );
        assert.deepEqual([...new Set(await hostile)], ['exists']);
        assert.equal((await fixture.balances(credit)).creditsPosted, 200n);
        assert.equal((await verifyLedger(store)).ok, true);
      } finally {
        await store.close();
      }
    });
    it('a transfer the database refuses, grouped with 30 others, fails alone (group commit)', async () => {
      const store = await factory.open();
      try {
        const fixture = new LedgerFixture(store);
        const [debit, credit] = await fixture.openAccounts(
          { owner: 'honest' },
          { owner: 'honest' },
        );
        await poison(store);
        // maxWaitMs holds the first arrival until all 31 are queued, so they form one group.
        const committer = new GroupCommitter(fixture.ledger, {
          maxWaitMs: 50,
          concurrentGroups: 1,
        });
        const honest = Array.from({ length: 30 }, () =>
          transferInput({ debitAccountId: debit, creditAccountId: credit, amount: 2n }),
        );
        const bad = transferInput({
          debitAccountId: debit,
          creditAccountId: credit,
          amount: 5n,
          reference: POISON,
        });
        const settled = await Promise.allSettled(
          [...honest.slice(0, 15), bad, ...honest.slice(15)].map((event) =>
            committer.submit(event),
          ),
        );
        const badOutcome = settled.splice(15, 1)[0];
        assert.equal(badOutcome?.status, 'rejected');
        assert.deepEqual(
          settled.map((outcome) =>
            outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason),
          ),
          honest.map(() => 'ok'),
        );
        assert.ok(
          Math.max(...committer.batchSizes) >= 31,
          `one group of all 31 was tried first (sizes ${committer.batchSizes.join(', ')})`,
        );
        assert.equal((await fixture.balances(credit)).creditsPosted, 60n);
        assert.equal((await verifyLedger(store)).ok, true);
      } finally {
        await store.close();
      }
    });

    it('an operation the database refuses, grouped with others, fails alone (hub group commit)', async () => {
      const store = await factory.open();
      try {
        const fixture = new LedgerFixture(store);
        const [debit, credit] = await fixture.openAccounts(
          { owner: 'honest' },
          { owner: 'honest' },
        );
        await poison(store);
        // Each item is a linked chain of two transfers written in one transaction with the others, like an FX execution.
        const groups: number[] = [];
        const batcher = new Batcher<string, string>(
          async (references) => {
            groups.push(references.length);
            return fixture.ledger.transact(async (tx) => {
              const events = references.flatMap((reference) => [
                transferInput({
                  debitAccountId: debit,
                  creditAccountId: credit,
                  amount: 1n,
                  reference,
                  flags: TransferFlags.linked,
                }),
                transferInput({
                  debitAccountId: debit,
                  creditAccountId: credit,
                  amount: 1n,
                  reference,
                }),
              ]);
              const results = await tx.createTransfers(events);
              return references.map((_, index) =>
                results[index * 2] === 'ok' && results[index * 2 + 1] === 'ok'
                  ? 'ok'
                  : new Error(`refused: ${results[index * 2]}`),
              );
            });
          },
          { maxItems: 64, concurrentGroups: 1 },
        );
        const references = Array.from({ length: 40 }, (_, index) =>
          index === 23 ? POISON : `op-${index}`,
        );
        const settled = await Promise.allSettled(
          references.map((reference) => batcher.submit(reference)),
        );
        assert.equal(settled[23]?.status, 'rejected');
        settled.splice(23, 1);
        assert.deepEqual(
          settled.map((outcome) =>
            outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason),
          ),
          references.slice(0, 39).map(() => 'ok'),
        );
        assert.equal(groups[0], 40, 'all 40 were tried as one group first');
        assert.equal((await fixture.balances(credit)).creditsPosted, 78n);
        assert.equal((await verifyLedger(store)).ok, true);
      } finally {
        await store.close();
      }
    });
  });
}

/** A transfer reference the database under test refuses to store (see `Poison`). */
export const POISON = 'poison';

/**
 * Makes the store's database refuse to insert any transfer whose reference is POISON, as a
 * database rule the ledger does not know of would (a trigger): a stand-in for any item a store
 * cannot write, such as text PostgreSQL cannot hold.
 */
export type Poison = (store: LedgerStore) => Promise<void>;

/** `callers` concurrent callers, each writing `each` transfers of 1 one after another; all results. */
async function streamHonest(
  fixture: LedgerFixture,
  debit: AccountId,
  credit: AccountId,
  shape: { callers: number; each: number },
): Promise<CreateTransferResult[]> {
  const callers = Array.from({ length: shape.callers }, async () => {
    const results: CreateTransferResult[] = [];
    for (let index = 0; index < shape.each; index += 1) {
      const event: TransferInput = transferInput({
        id: newTransferId(),
        debitAccountId: debit,
        creditAccountId: credit,
        amount: 1n,
      });
      results.push(...(await fixture.transfers([event])));
    }
    return results;
  });
  return (await Promise.all(callers)).flat();
}
