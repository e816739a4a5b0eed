import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKeys } from '../access/api-keys.js';
import { newTransferId } from '../ledger/ids.js';
import { chainOutcome, type Leg } from '../settlement/legs.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { account, refusal, withHub } from './hub.test-helper.js';

const cli = CLI_ACTOR;

/**
 * Below the HTTP edge (issue 12, items 2 and 3): the hub's services refuse text that is not plain
 * in the fields they store — so the CLI, importers and any future caller cannot store it either —
 * with `invalid_field` naming the field, and nothing is written or used up.
 */
describe('hub: text the stores cannot hold', () => {
  it('refuses an FX execution whose reference is not plain text, and leaves the quote usable', async () => {
    await withHub(async (hub) => {
      await hub.fx.setRate(
        { source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-20' },
        cli,
      );
      await hub.caps.set('sbi', 'INR', 1_000_000_00n, cli);
      await hub.caps.set('fx', 'RUB', 1_000_000_00n, cli);
      const quote = await hub.fx.quote(
        { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 1_000_00n },
        cli,
      );
      const before = await hub.ledger.store.counts();
      for (const reference of ['x\u0000y', 'pay \ud800', 'two\nlines', '\u{1F4B8}'.repeat(65)]) {
        await assert.rejects(
          hub.fx.execute(
            {
              quote: quote.id,
              payer: account('sbi', 'INR'),
              payee: account('vtb', 'RUB'),
              reference,
            },
            cli,
          ),
          refusal('invalid_field', 'reference'),
        );
      }
      assert.deepEqual(await hub.ledger.store.counts(), before);
      const executed = await hub.fx.execute(
        {
          quote: quote.id,
          payer: account('sbi', 'INR'),
          payee: account('vtb', 'RUB'),
          reference: '\u{1F4B8}'.repeat(64),
        },
        cli,
      );
      assert.equal(executed.status, 'executed');
      const [leg] = await hub.ledger.lookupTransfers([quote.id as never]);
      assert.equal(leg?.reference, '\u{1F4B8}'.repeat(64));
    });
  });

  it('refuses payments and fundings, participant names and key labels that are not plain text, writing nothing', async () => {
    await withHub(async (hub) => {
      const before = await hub.ledger.store.counts();
      const audit = (await hub.ledger.store.auditEntries({ limit: 1000 })).length;
      await assert.rejects(
        hub.payments.pay(
          {
            id: newTransferId(),
            payer: account('sbi', 'INR'),
            payee: account('bob', 'INR'),
            amount: 1n,
            reference: '\udc00',
          },
          cli,
        ),
        refusal('invalid_field', 'reference'),
      );
      await assert.rejects(
        hub.payments.fund(
          { id: newTransferId(), account: account('sbi', 'INR'), amount: 1n, reference: 'a\u0000' },
          cli,
        ),
        refusal('invalid_field', 'reference'),
      );
      await assert.rejects(
        hub.participants.create(
          { id: 'esc', name: 'Esc\u001b[31m', kind: 'bank', country: 'IN', currencies: ['INR'] },
          cli,
        ),
        refusal('invalid_field', 'name'),
      );
      await assert.rejects(
        new ApiKeys(hub.ledger).issue({ role: 'auditor', label: 'desk \ud800' }, cli),
        refusal('invalid_field', 'label'),
      );
      await assert.rejects(
        new ApiKeys(hub.ledger).issue({ role: 'participant', participant: 's\u0000bi' }, cli),
        refusal('invalid_field', 'participant'),
      );
      assert.deepEqual(await hub.ledger.store.counts(), before);
      assert.equal((await hub.ledger.store.auditEntries({ limit: 1000 })).length, audit);
    });
  });

  it('names the reference when the ledger refuses a leg for its text (a caller that skipped the service checks)', () => {
    const leg: Leg = {
      kind: 'payment',
      debit: account('sbi', 'INR'),
      credit: account('bob', 'INR'),
      amount: 1n,
      currency: 'INR',
      code: 1,
      reference: 'x',
    };
    assert.throws(
      () =>
        chainOutcome(
          [leg, { ...leg, kind: 'cap' }],
          ['reference_must_be_plain_text', 'linked_event_failed'],
          { payerField: 'payer' },
        ),
      refusal('invalid_field', 'reference'),
    );
    assert.throws(
      () => chainOutcome([leg], ['reference_too_long'], { payerField: 'payer' }),
      refusal('invalid_field', 'reference'),
    );
  });
});
