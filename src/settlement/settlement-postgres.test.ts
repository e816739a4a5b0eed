import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newTransferId } from '../ledger/ids.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';

const cli = CLI_ACTOR;

/** The hub's flows on the PostgreSQL store: caps, windows with netting and settlement, PvP. */
await postgresTests('settlement on postgres', (schemas) => {
  const store = () => PostgresStore.open({ url: schemas.next(), poolMax: 2 });

  it('caps refuse past the limit, a window closes, nets and settles, on PostgreSQL', async () => {
    await withHub(
      async (hub) => {
        for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 1_000_00n, cli);
        await hub.payments.pay(
          {
            id: newTransferId(),
            payer: account('sbi', 'INR'),
            payee: account('bob', 'INR'),
            amount: 700_00n,
            reference: 'pg',
          },
          cli,
        );
        await assert.rejects(
          hub.payments.pay(
            {
              id: newTransferId(),
              payer: account('sbi', 'INR'),
              payee: account('bob', 'INR'),
              amount: 300_01n,
              reference: 'pg',
            },
            cli,
          ),
          refusal('liquidity_cap_exceeded', 'payer'),
        );
        await hub.payments.pay(
          {
            id: newTransferId(),
            payer: account('bob', 'INR'),
            payee: account('sbi', 'INR'),
            amount: 200_00n,
            reference: 'pg',
          },
          cli,
        );
        await hub.windows.close('INR', cli, 'INR-1');
        assert.equal((await hub.caps.status('sbi', 'INR')).headroomMinor, 1_000_00n);
        const { window, netting } = await hub.windows.net('INR-1');
        assert.ok(window.tally !== undefined, 'netted from the pair tallies');
        assert.deepEqual(
          netting?.positions.map((position) => [position.participant, position.netMinor]),
          [
            ['bob', 500_00n],
            ['sbi', -500_00n],
          ],
        );
        const settled = await hub.windows.settle('INR-1', cli);
        assert.equal(settled.window.status, 'settled');
        await assert.rejects(hub.windows.settle('INR-1', cli), refusal('window_already_settled'));
      },
      { store },
    );
  });

  it('post and void find only recorded payments: not a raw pending transfer, not a quote’s reserved legs, on PostgreSQL', async () => {
    await withHub(
      async (hub) => {
        const sbi = { id: 'sbi', role: 'participant', participant: 'sbi' } as const;
        await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
        await hub.caps.set('fx', 'RUB', 1_000_000_00n, cli);
        const payment = newTransferId();
        await hub.payments.pay(
          {
            id: payment,
            payer: account('sbi', 'INR'),
            payee: account('bob', 'INR'),
            amount: 10_00n,
            reference: 'pg',
            pending: true,
          },
          sbi,
        );
        assert.equal(
          (await hub.payments.payment(payment))?.status,
          'reserved',
          'the payment document is written with its legs',
        );
        await hub.fx.setRate(
          { source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-20' },
          cli,
        );
        const quote = await hub.fx.quote(
          { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 1_00n },
          sbi,
        );
        await hub.fx.execute(
          {
            quote: quote.id,
            payer: account('sbi', 'INR'),
            payee: account('vtb', 'RUB'),
            pending: true,
          },
          sbi,
        );
        for (const actor of [sbi, cli])
          await assert.rejects(
            hub.payments.resolve(quote.id, 'void', actor),
            refusal('payment_not_found', 'id'),
          );
        assert.equal((await hub.fx.getQuote(quote.id)).status, 'reserved');
        assert.equal((await hub.payments.resolve(payment, 'post', sbi)).status, 'created');
        assert.equal((await hub.payments.payment(payment))?.status, 'posted');
        assert.equal((await hub.fx.resolve(quote.id, 'post', sbi)).status, 'executed');
      },
      { store },
    );
  });

  it('a quote executes as payment versus payment, once, on PostgreSQL', async () => {
    await withHub(
      async (hub) => {
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
        const executed = await hub.fx.execute(
          { quote: quote.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
          cli,
        );
        assert.equal(executed.status, 'executed');
        await assert.rejects(
          hub.fx.execute(
            { quote: quote.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
            cli,
          ),
          refusal('quote_already_used', 'quote'),
        );
        const [payee] = await hub.ledger.lookupAccounts([account('vtb', 'RUB')]);
        assert.equal(payee?.creditsPosted, 1_000_000_00n + BigInt(quote.targetAmountMinor));
      },
      { store },
    );
  });
});
