import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { participantAccountId } from '../../participants/accounts.js';
import { newTransferId } from '../../ledger/ids.js';
import { storeCounts, tempDb, transfer, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

describe('vostro payment, cap, window, positions and fx', () => {
  it('runs the clearing day of docs/settlement.md end to end, and refuses bad input precisely', async () => {
    const { path: db, cleanup } = tempDb();
    try {
      await vostroOk(['init', '--db', db]);
      for (const [id, name, country, currencies] of [
        ['sbi', 'State Bank of India', 'IN', 'INR'],
        ['bob', 'Bank of Baroda', 'IN', 'INR'],
        ['vtb', 'VTB Bank', 'RU', 'RUB'],
      ]) {
        await vostroOk([
          'participant',
          'create',
          '--db',
          db,
          '--id',
          id ?? '',
          '--name',
          name ?? '',
          '--kind',
          'bank',
          '--country',
          country ?? '',
          '--currencies',
          currencies ?? '',
        ]);
      }
      await vostroOk([
        'participant',
        'create',
        '--db',
        db,
        '--id',
        'indorus',
        '--name',
        'IndoRus FX',
        '--kind',
        'fx_provider',
        '--country',
        'IN',
        '--currencies',
        'INR,RUB',
      ]);
      const sbi = participantAccountId('sbi', 'INR', 'settlement');
      const bob = participantAccountId('bob', 'INR', 'settlement');
      const vtb = participantAccountId('vtb', 'RUB', 'settlement');
      for (const account of [sbi, bob])
        await vostroOk([
          'payment',
          'fund',
          '--db',
          db,
          '--account',
          account,
          '--amount',
          '1000000.00',
        ]);
      await vostroOk([
        'payment',
        'fund',
        '--db',
        db,
        '--account',
        participantAccountId('indorus', 'RUB', 'fx_liquidity'),
        '--amount',
        '5000000.00',
      ]);
      await vostroOk([
        'cap',
        'set',
        '--db',
        db,
        '--participant',
        'sbi',
        '--currency',
        'INR',
        '--amount',
        '50000.00',
      ]);
      await vostroOk([
        'cap',
        'set',
        '--db',
        db,
        '--participant',
        'indorus',
        '--currency',
        'RUB',
        '--amount',
        '5000000.00',
      ]);

      const paid = await vostroJson<{ status: string; interbank: boolean }>([
        'payment',
        'create',
        '--db',
        db,
        '--from',
        sbi,
        '--to',
        bob,
        '--amount',
        '30000.00',
      ]);
      assert.deepEqual([paid.status, paid.interbank], ['created', true]);
      const before = await storeCounts(db);
      const refused = await vostro([
        'payment',
        'create',
        '--db',
        db,
        '--from',
        sbi,
        '--to',
        bob,
        '--amount',
        '20000.01',
      ]);
      assert.equal(refused.code, 1);
      assert.match(
        refused.stderr,
        /--from: sbi's net debit in the open INR window would exceed its cap \(liquidity_cap_exceeded\)/,
      );
      assert.deepEqual(await storeCounts(db), before, 'a refused payment writes nothing');
      const cap = await vostroJson<{ headroom: string; net: string }>([
        'cap',
        'show',
        '--db',
        db,
        '--participant',
        'sbi',
        '--currency',
        'INR',
      ]);
      assert.deepEqual(cap, {
        participant: 'sbi',
        currency: 'INR',
        cap: '50000.00',
        headroom: '20000.00',
        net: '-30000.00',
      });
      assert.match(
        (await vostroOk(['cap', 'show', '--db', db, '--participant', 'sbi', '--currency', 'INR']))
          .stdout,
        /^sbi INR: cap 50,000\.00, headroom 20,000\.00, net in the open window -30,000\.00$/m,
        'people read grouped digits; --json keeps exact decimals',
      );

      assert.match(
        (await vostroOk(['window', 'close', 'INR', '--db', db, '--window', 'INR-1'])).stdout,
        /closed INR-1; INR-2 is open/,
      );
      const twice = await vostro(['window', 'close', 'INR', '--db', db, '--window', 'INR-1']);
      assert.equal(twice.code, 1);
      assert.match(
        twice.stderr,
        /--window: window INR-1 is closed already.*\(window_already_closed\)/,
      );
      const positions = await vostroJson<{
        window: { id: string; status: string };
        positions: { participant: string; net: string }[];
        instructions: { kind: string; participant: string; amount: string }[];
        efficiency: string;
      }>(['positions', 'INR-1', '--db', db]);
      assert.equal(positions.window.id, 'INR-1');
      assert.ok(!('tally' in positions.window), 'the window as the API shows it');
      assert.deepEqual(
        positions.positions.map((position) => [position.participant, position.net]),
        [
          ['bob', '30000.00'],
          ['sbi', '-30000.00'],
        ],
      );
      assert.deepEqual(positions.instructions, [
        { kind: 'pay_in', participant: 'sbi', amount: '30000.00' },
        { kind: 'pay_out', participant: 'bob', amount: '30000.00' },
      ]);
      const table = (await vostroOk(['positions', 'INR-1', '--db', db, '--bilateral'])).stdout;
      assert.match(table, /gross 30,000\.00, moved 30,000\.00 INR/);
      assert.match(table, /sbi .*30,000\.00 .*0\.00 .*-30,000\.00/);
      assert.match(table, /pays the hub .*sbi .*30,000\.00/);
      assert.match(
        (await vostroOk(['window', 'settle', 'INR-1', '--db', db])).stdout,
        /settled INR-1: 2 settlement transfer/,
      );
      assert.equal((await vostro(['window', 'settle', 'INR-1', '--db', db])).code, 1);

      await vostroOk([
        'fx',
        'rate',
        'set',
        '--db',
        db,
        '--source',
        'INR',
        '--target',
        'RUB',
        '--rate',
        '1.0734',
        '--as-of',
        '2026-11-20',
      ]);
      const csv = `${db}.rates.csv`;
      writeFileSync(
        csv,
        'date,source,target,rate\n2026-11-21,INR,RUB,1.0750\n2026-11-22,INR,RUB,one\n',
      );
      const badFile = await vostro(['fx', 'rate', 'import', csv, '--db', db]);
      assert.equal(badFile.code, 1);
      assert.match(badFile.stderr, /line 3: .*\(invalid_rate\)/);
      await vostroOk([
        'fx',
        'spread',
        '--db',
        db,
        '--provider',
        'indorus',
        '--source',
        'INR',
        '--target',
        'RUB',
        '--spread-bps',
        '30',
        '--fee',
        '100.00',
      ]);
      const quote = await vostroJson<{
        id: string;
        rate: string;
        sourceCurrency: string;
        targetCurrency: string;
        targetAmount: string;
        totalDebit: string;
      }>([
        'fx',
        'quote',
        '--db',
        db,
        '--provider',
        'indorus',
        '--source',
        'INR',
        '--target',
        'RUB',
        '--amount',
        '10000.00',
      ]);
      assert.equal(quote.rate, '1.0701798');
      assert.equal(quote.targetAmount, '10701.79');
      assert.equal(quote.targetCurrency, 'RUB');
      assert.equal(quote.totalDebit, '10100.00');
      assert.equal(quote.sourceCurrency, 'INR');
      const executed = await vostroJson<{ status: string }>([
        'fx',
        'execute',
        quote.id,
        '--db',
        db,
        '--from',
        sbi,
        '--to',
        vtb,
      ]);
      assert.equal(executed.status, 'executed');
      const again = await vostro([
        'fx',
        'execute',
        quote.id,
        '--db',
        db,
        '--from',
        sbi,
        '--to',
        vtb,
      ]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /<quote-id>: quote .* was used already/);

      assert.equal(
        (
          await vostro([
            'payment',
            'create',
            '--db',
            db,
            '--from',
            'nope',
            '--to',
            bob,
            '--amount',
            '1.00',
          ])
        ).code,
        2,
      );
      assert.equal(
        (
          await vostro([
            'cap',
            'set',
            '--db',
            db,
            '--participant',
            'sbi',
            '--currency',
            'XXX',
            '--amount',
            '1',
          ])
        ).code,
        2,
      );
      assert.equal(
        (
          await vostro([
            'fx',
            'quote',
            '--db',
            db,
            '--provider',
            'indorus',
            '--source',
            'INR',
            '--target',
            'RUB',
            '--amount',
            '1.001',
          ])
        ).code,
        2,
      );
      assert.match(
        (await vostro(['window', 'show', 'INR-99', '--db', db])).stderr,
        /no window INR-99/,
      );
      const verify = await vostroOk(['verify', '--db', db]);
      assert.match(verify.stdout, /ok|passed|verified/i);
    } finally {
      cleanup();
    }
  });

  it('the same rules at the operator’s door: post/void reach only recorded payments; quote lifetimes are bounded by the provider’s maximum', async () => {
    const { path: db, cleanup } = tempDb();
    try {
      await vostroOk(['init', '--db', db]);
      await vostroOk([
        'participant',
        'create',
        '--db',
        db,
        '--id',
        'sbi',
        '--name',
        'SBI',
        '--kind',
        'bank',
        '--country',
        'IN',
        '--currencies',
        'INR',
      ]);
      await vostroOk([
        'participant',
        'create',
        '--db',
        db,
        '--id',
        'indorus',
        '--name',
        'IndoRus FX',
        '--kind',
        'fx_provider',
        '--country',
        'IN',
        '--currencies',
        'INR,RUB',
      ]);
      const sbi = participantAccountId('sbi', 'INR', 'settlement');
      const provider = participantAccountId('indorus', 'INR', 'settlement');
      await vostroOk(['payment', 'fund', '--db', db, '--account', sbi, '--amount', '1000.00']);
      await vostroOk([
        'cap',
        'set',
        '--db',
        db,
        '--participant',
        'sbi',
        '--currency',
        'INR',
        '--amount',
        '1000.00',
      ]);
      // A raw pending transfer is not a payment, for the operator either: it is resolved with `vostro transfer post|void`.
      const raw = newTransferId();
      assert.equal(
        (await transfer(db, sbi, provider, '5.00', ['--id', raw, '--pending', '--code', '1'])).code,
        0,
      );
      const voided = await vostro(['payment', 'void', raw, '--db', db]);
      assert.equal(voided.code, 1);
      assert.match(voided.stderr, /<payment-id>: no payment .* \(payment_not_found\)/);
      const payment = newTransferId();
      await vostroOk([
        'payment',
        'create',
        '--db',
        db,
        '--from',
        sbi,
        '--to',
        provider,
        '--amount',
        '2.00',
        '--id',
        payment,
        '--pending',
      ]);
      assert.match(
        (await vostroOk(['payment', 'void', payment, '--db', db])).stdout,
        /voided \(created\)/,
      );
      const post = await vostro(['payment', 'post', payment, '--db', db]);
      assert.equal(post.code, 1);
      assert.match(
        post.stderr,
        /<payment-id>: payment .* is not pending: it was voided already \(payment_not_pending\)/,
      );

      await vostroOk([
        'fx',
        'rate',
        'set',
        '--db',
        db,
        '--source',
        'INR',
        '--target',
        'RUB',
        '--rate',
        '1.0734',
        '--as-of',
        '2026-11-20',
      ]);
      const quote = [
        'fx',
        'quote',
        '--db',
        db,
        '--provider',
        'indorus',
        '--source',
        'INR',
        '--target',
        'RUB',
        '--amount',
        '10.00',
      ];
      const long = await vostro([...quote, '--ttl-seconds', '3600']);
      assert.equal(long.code, 1);
      assert.match(long.stderr, /--ttl-seconds: ttlSeconds may be at most 300 for indorus/);
      assert.deepEqual(
        await vostroJson(['fx', 'lifetime', 'show', '--db', db, '--provider', 'indorus']),
        { provider: 'indorus', maxTtlSeconds: 300, defaultTtlSeconds: 60 },
      );
      await vostroOk([
        'fx',
        'lifetime',
        'set',
        '--db',
        db,
        '--provider',
        'indorus',
        '--max-seconds',
        '3600',
      ]);
      assert.equal(
        (await vostroJson<{ status: string }>([...quote, '--ttl-seconds', '3600'])).status,
        'open',
      );
      const bank = await vostro([
        'fx',
        'lifetime',
        'set',
        '--db',
        db,
        '--provider',
        'sbi',
        '--max-seconds',
        '60',
      ]);
      assert.equal(bank.code, 1);
      assert.match(
        bank.stderr,
        /--provider: sbi is a bank, not an FX provider \(participant_kind_mismatch\)/,
      );
      assert.equal(
        (
          await vostro([
            'fx',
            'lifetime',
            'set',
            '--db',
            db,
            '--provider',
            'indorus',
            '--max-seconds',
            '86401',
          ])
        ).code,
        2,
      );
    } finally {
      cleanup();
    }
  });
});
