import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_ACTOR } from '../domain/actor.js';
import type { Hub } from '../hub/hub.js';
import { corrupt, corruptDocument, renamed } from '../domain/documents.test-helper.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import { FX_PROVIDERS, FX_RATES, FX_SPREADS, QUOTES } from './service.js';

const cli = CLI_ACTOR;

async function balances(hub: Hub): Promise<bigint[]> {
  const ids = [
    account('sbi', 'INR'),
    account('fx', 'INR', 'fx_liquidity'),
    account('fx', 'RUB', 'fx_liquidity'),
    account('vtb', 'RUB'),
    account('hub', 'INR', 'fees'),
    account('sbi', 'INR', 'cap'),
    account('fx', 'RUB', 'cap'),
  ];
  const accounts = await hub.ledger.lookupAccounts(ids);
  return accounts.flatMap((found) => [
    found.debitsPosted,
    found.creditsPosted,
    found.debitsPending,
    found.creditsPending,
  ]);
}

async function setUp(hub: Hub): Promise<void> {
  await hub.fx.setRate({ source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-20' }, cli);
  await hub.fx.setSpread(
    { provider: 'fx', source: 'INR', target: 'RUB', spreadBps: 25, feeMinor: 150_00n },
    cli,
  );
  for (const [bank, currency] of [
    ['sbi', 'INR'],
    ['fx', 'INR'],
    ['fx', 'RUB'],
    ['vtb', 'RUB'],
  ] as const)
    await hub.caps.set(bank, currency, 5_000_000_00n, cli);
}

describe('FX quotes and payment versus payment', () => {
  it('a quote executes as one chain: rupees in, roubles out, fee, both caps; used once', async () => {
    await withHub(async (hub) => {
      await setUp(hub);
      const quote = await hub.fx.quote(
        { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 100_000_00n },
        cli,
      );
      assert.equal(quote.rate, '1.0707165', '1.0734 less 25 basis points');
      assert.equal(quote.targetAmountMinor, '10707165');
      assert.equal(quote.totalDebitMinor, String(100_000_00n + 150_00n));
      const executed = await hub.fx.execute(
        { quote: quote.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
        cli,
      );
      assert.equal(executed.status, 'executed');
      assert.equal(executed.transferIds?.length, 5, 'source leg + cap, target leg + cap, fee');
      const [payee] = await hub.ledger.lookupAccounts([account('vtb', 'RUB')]);
      assert.equal(
        payee?.creditsPosted,
        1_000_000_00n + 107_071_65n,
        'the payee got exactly the quoted roubles',
      );
      await assert.rejects(
        hub.fx.execute(
          { quote: quote.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
          cli,
        ),
        refusal('quote_already_used', 'quote'),
      );
    });
  });

  it('a failure of either leg leaves both ledgers untouched and the quote unused', async () => {
    await withHub(async (hub) => {
      await setUp(hub);
      const before = await balances(hub);
      // Too little rouble liquidity at the provider.
      const big = await hub.fx.quote(
        {
          provider: 'fx',
          source: 'INR',
          target: 'RUB',
          side: 'target',
          amountMinor: 20_000_000_00n,
        },
        cli,
      );
      await hub.caps.set('sbi', 'INR', 100_000_000_00n, cli);
      await hub.payments.fund(
        {
          id: crypto.randomUUID(),
          account: account('sbi', 'INR'),
          amount: 50_000_000_00n,
          reference: 'more',
        },
        cli,
      );
      const funded = await balances(hub);
      await assert.rejects(
        hub.fx.execute(
          { quote: big.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
          cli,
        ),
        refusal('insufficient_fx_liquidity', 'provider'),
      );
      assert.deepEqual(await balances(hub), funded);
      assert.equal((await hub.fx.getQuote(big.id)).status, 'open');
      // The payer bank's cap.
      await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
      const capped = await hub.fx.quote(
        { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 2_000_00n },
        cli,
      );
      const beforeCap = await balances(hub);
      await assert.rejects(
        hub.fx.execute(
          { quote: capped.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
          cli,
        ),
        refusal('liquidity_cap_exceeded', 'payer'),
      );
      assert.deepEqual(await balances(hub), beforeCap);
      // An expired quote.
      const short = await hub.fx.quote(
        {
          provider: 'fx',
          source: 'INR',
          target: 'RUB',
          side: 'source',
          amountMinor: 100_00n,
          ttlMs: 1,
        },
        cli,
      );
      await sleep(5);
      await assert.rejects(
        hub.fx.execute(
          { quote: short.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
          cli,
        ),
        refusal('quote_expired', 'quote'),
      );
      assert.deepEqual(await balances(hub), beforeCap);
      assert.notDeepEqual(before, funded);
    });
  });

  it('two-phase: every leg reserved, then all posted or all voided', async () => {
    await withHub(async (hub) => {
      await setUp(hub);
      const before = await balances(hub);
      const quote = await hub.fx.quote(
        { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 10_000_00n },
        cli,
      );
      const reserved = await hub.fx.execute(
        {
          quote: quote.id,
          payer: account('sbi', 'INR'),
          payee: account('vtb', 'RUB'),
          pending: true,
        },
        cli,
      );
      assert.equal(reserved.status, 'reserved');
      const [liquidity] = await hub.ledger.lookupAccounts([account('fx', 'RUB', 'fx_liquidity')]);
      assert.equal(liquidity?.debitsPending, BigInt(quote.targetAmountMinor));
      await hub.fx.resolve(quote.id, 'void', cli);
      const after = await balances(hub);
      assert.deepEqual(
        after.filter((_, index) => index % 4 < 2),
        before.filter((_, index) => index % 4 < 2),
        'nothing posted',
      );
      await assert.rejects(hub.fx.resolve(quote.id, 'post', cli), refusal('quote_already_used'));
      const second = await hub.fx.quote(
        { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 10_000_00n },
        cli,
      );
      await hub.fx.execute(
        {
          quote: second.id,
          payer: account('sbi', 'INR'),
          payee: account('vtb', 'RUB'),
          pending: true,
        },
        cli,
      );
      assert.equal((await hub.fx.resolve(second.id, 'post', cli)).status, 'executed');
      const [payee] = await hub.ledger.lookupAccounts([account('vtb', 'RUB')]);
      assert.equal(payee?.creditsPosted, 1_000_000_00n + BigInt(second.targetAmountMinor));
    });
  });

  it('neither side of a conversion may be a cap account, whoever asks: cap headroom is not money', async () => {
    await withHub(async (hub) => {
      await setUp(hub);
      const quote = await hub.fx.quote(
        { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 100_00n },
        cli,
      );
      const before = await balances(hub);
      await assert.rejects(
        hub.fx.execute(
          { quote: quote.id, payer: account('sbi', 'INR', 'cap'), payee: account('vtb', 'RUB') },
          cli,
        ),
        refusal('account_role_mismatch', 'payer'),
      );
      await assert.rejects(
        hub.fx.execute(
          { quote: quote.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB', 'cap') },
          cli,
        ),
        refusal('account_role_mismatch', 'payee'),
      );
      await assert.rejects(
        hub.fx.execute(
          {
            quote: quote.id,
            payer: account('sbi', 'INR'),
            payee: account('hub', 'RUB', 'cap_source'),
          },
          cli,
        ),
        refusal('account_role_mismatch', 'payee'),
      );
      assert.deepEqual(await balances(hub), before);
      assert.equal((await hub.fx.getQuote(quote.id)).status, 'open');
    });
  });

  it('rates: inverse of the opposite pair, CSV import all-or-nothing with the line named, precise refusals', async () => {
    await withHub(async (hub) => {
      await assert.rejects(
        hub.fx.quote(
          { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 100n },
          cli,
        ),
        refusal('rate_not_found', 'target'),
      );
      await hub.fx.setRate({ source: 'RUB', target: 'INR', rate: '0.93', asOf: '2026-11-20' }, cli);
      assert.equal((await hub.fx.rate('INR', 'RUB')).rate, '1.075268817204');
      await assert.rejects(
        hub.fx.importRates(
          'date,source,target,rate\n2026-11-21,INR,RUB,1.07\n2026-11-22,INR,XXX,1.0\n',
          cli,
        ),
        refusal('unknown_currency', 'line 3'),
      );
      await assert.rejects(
        hub.fx.importRates('date,source,target,rate\n2026-13-01,INR,RUB,1.07\n', cli),
        refusal('invalid_field', 'line 2'),
      );
      await assert.rejects(
        hub.fx.importRates('date,source,target,rate\n2026-11-21,INR,RUB,1e3\n', cli),
        refusal('invalid_rate', 'line 2'),
      );
      await assert.rejects(
        hub.fx.importRates('when,from,to,rate\n', cli),
        refusal('invalid_field', 'line 1'),
      );
      assert.equal(
        (await hub.fx.rate('INR', 'RUB')).rate,
        '1.075268817204',
        'a refused file wrote nothing',
      );
      assert.deepEqual(
        await hub.fx.importRates(
          'date,source,target,rate\n2026-11-19,INR,RUB,1.05\n2026-11-21,INR,RUB,1.0801\n',
          cli,
        ),
        { imported: 2 },
      );
      assert.equal((await hub.fx.rate('INR', 'RUB')).rate, '1.0801');
      await assert.rejects(
        hub.fx.setRate({ source: 'INR', target: 'INR', rate: '1', asOf: '2026-11-20' }, cli),
        refusal('same_currency', 'target'),
      );
      await assert.rejects(
        hub.fx.importRates('date,source,target,rate\n2026-11-21,RUB,RUB,1\n', cli),
        refusal('same_currency', 'line 2'),
      );
      await assert.rejects(
        hub.fx.setSpread(
          { provider: 'fx', source: 'RUB', target: 'RUB', spreadBps: 25, feeMinor: 0n },
          cli,
        ),
        refusal('same_currency', 'target'),
      );
      await assert.rejects(
        hub.fx.quote(
          { provider: 'fx', source: 'INR', target: 'INR', side: 'source', amountMinor: 100n },
          cli,
        ),
        refusal('same_currency', 'target'),
      );
      await assert.rejects(
        hub.fx.setRate({ source: 'INR', target: 'RUB', rate: '-1', asOf: '2026-11-20' }, cli),
        refusal('invalid_rate', 'rate'),
      );
      await assert.rejects(
        hub.fx.quote(
          { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 0n },
          cli,
        ),
        (error: unknown) => error instanceof Error && /amount/.test(error.message),
      );
      await assert.rejects(
        hub.fx.quote(
          { provider: 'sbi', source: 'INR', target: 'RUB', side: 'source', amountMinor: 100n },
          cli,
        ),
        refusal('participant_not_found', 'provider'),
      );
      // An FX parameter out of its range is `invalid_parameter`, not folded into `invalid_field`.
      await assert.rejects(
        hub.fx.quote(
          {
            provider: 'fx',
            source: 'INR',
            target: 'RUB',
            side: 'source',
            amountMinor: 100n,
            ttlMs: 0,
          },
          cli,
        ),
        refusal('invalid_parameter', 'ttlMs'),
      );
      await assert.rejects(hub.fx.getQuote('nope'), refusal('quote_not_found', 'quote'));
    });
  });

  it('a corrupt quote among concurrent executions fails alone; the others execute', async () => {
    await withHub(async (hub) => {
      await setUp(hub);
      const quotes = [];
      for (let index = 0; index < 6; index += 1)
        quotes.push(
          await hub.fx.quote(
            { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 100_00n },
            cli,
          ),
        );
      const bad = quotes[3]?.id ?? '';
      await corruptDocument(hub.ledger, QUOTES, bad, (document) => ({
        ...document,
        status: 'done',
      }));
      const outcomes = await Promise.allSettled(
        quotes.map((quote) =>
          hub.fx.execute(
            { quote: quote.id, payer: account('sbi', 'INR'), payee: account('vtb', 'RUB') },
            cli,
          ),
        ),
      );
      outcomes.forEach((outcome, index) => {
        if (index === 3) assert.equal(outcome.status, 'rejected', 'the corrupt quote');
        else
          assert.equal(
            outcome.status === 'fulfilled' ? outcome.value.status : outcome.reason,
            'executed',
            `quote ${index}`,
          );
      });
      const failed = outcomes[3];
      assert.ok(failed?.status === 'rejected');
      assert.match(String(failed.reason), /quotes document .* is corrupt: \/status/);
    });
  });

  it('a corrupt quote, spread, provider or rate document fails its read, naming collection and field', async () => {
    await withHub(async (hub) => {
      await setUp(hub);
      const quote = await hub.fx.quote(
        { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 100_00n },
        cli,
      );
      await corruptDocument(hub.ledger, QUOTES, quote.id, (document) => ({
        ...document,
        status: 'done',
      }));
      await assert.rejects(hub.fx.getQuote(quote.id), corrupt(QUOTES, '/status'));
      await corruptDocument(hub.ledger, FX_SPREADS, 'fx:INRRUB', (document) => ({
        ...document,
        spreadBps: '25',
      }));
      await assert.rejects(
        hub.fx.quote(
          { provider: 'fx', source: 'INR', target: 'RUB', side: 'source', amountMinor: 100_00n },
          cli,
        ),
        corrupt(FX_SPREADS, '/spreadBps'),
      );
      await hub.fx.setQuoteLifetime('fx', 120, cli);
      await corruptDocument(hub.ledger, FX_PROVIDERS, 'fx', (document) =>
        renamed(document, 'maxTtlSeconds', 'maxTtl'),
      );
      await assert.rejects(hub.fx.quoteLifetime('fx'), corrupt(FX_PROVIDERS, '/maxTtlSeconds'));
      await corruptDocument(hub.ledger, FX_RATES, 'INRRUB', (document) => ({
        ...document,
        rate: 1.0734,
      }));
      await assert.rejects(hub.fx.rate('INR', 'RUB'), corrupt(FX_RATES, '/rate'));
    });
  });
});
