import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { newTransferId } from '../ledger/ids.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import type { Hub } from '../hub/hub.js';
import { csvField, csvText, toCsv } from './csv.js';
import { escapeHtml } from './html.js';
import { csvObjects, parseCsv } from './report.test-helper.js';
import {
  buildWindowReport,
  WINDOW_CSV_TABLES,
  windowReportCsv,
  windowReportCsvTables,
  windowReportHtml,
  windowReportJson,
} from './window-report.js';

const cli = CLI_ACTOR;
const EVIL = 'Evil <script>alert("x")</script> & Sons';
const NOW = new Date('2031-01-02T03:04:05.000Z');

const pay = (
  hub: Hub,
  payer: string,
  payee: string,
  amount: bigint,
  payeeAccount = account(payee, 'INR'),
) =>
  hub.payments.pay(
    {
      id: newTransferId(),
      payer: account(payer, 'INR'),
      payee: payeeAccount,
      amount,
      reference: 'goods',
    },
    cli,
  );

/**
 * sbi → bob 700, bob → fx 200, fx → sbi 50, evil → bob 100, and sbi → vtb's vostro at sbi 25 (on-us:
 * the vostro account settles with sbi). By hand: sbi −650 (debits 700, credits 50), bob +600
 * (800 in, 200 out), fx +150, evil −100; gross 1050; pay-ins 650 + 100 = moved 750; efficiency
 * 1 − 750/1050 = 2/7 = 0.2857…; bilaterally every pair is one-way, so bilateral moved = gross.
 */
async function scenario(hub: Hub): Promise<void> {
  await hub.participants.create(
    { id: 'evil', name: EVIL, kind: 'bank', country: 'IN', currencies: ['INR'] },
    cli,
  );
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: account('evil', 'INR'),
      amount: 1_000_00n,
      reference: 'prefunding',
    },
    cli,
  );
  for (const bank of ['sbi', 'bob', 'fx', 'evil']) await hub.caps.set(bank, 'INR', 1_000_00n, cli);
  await pay(hub, 'sbi', 'bob', 700_00n);
  await pay(hub, 'bob', 'fx', 200_00n);
  await pay(hub, 'fx', 'sbi', 50_00n);
  await pay(hub, 'evil', 'bob', 100_00n);
  await pay(hub, 'sbi', 'vtb', 25_00n, account('vtb', 'INR', 'vostro', 'sbi'));
}

describe('window report', () => {
  it('matches the hand-computed netting, before and after settlement, in JSON', async () => {
    await withHub(async (hub) => {
      await scenario(hub);
      await assert.rejects(buildWindowReport(hub, 'INR-1'), refusal('window_not_closed', 'window'));
      await hub.windows.close('INR', cli, 'INR-1');
      const closed = windowReportJson(await buildWindowReport(hub, 'INR-1', { now: NOW }));
      assert.equal(closed.window.status, 'closed');
      assert.equal(closed.window.settledAt, null);
      assert.deepEqual(closed.summary, {
        transferCount: 4,
        onUsCount: 1,
        transfersScanned: closed.summary.transfersScanned,
        participantCount: 4,
        gross: '1050.00',
        moved: '750.00',
        saved: '300.00',
        efficiency: { text: '0.2857', numerator: '2', denominator: '7' },
        bilateralMoved: '1050.00',
        bilateralEfficiency: { text: '0.0000', numerator: '0', denominator: '1' },
      });
      assert.ok(
        closed.summary.transfersScanned >= 5,
        `the netted and on-us payments were read: ${closed.summary.transfersScanned}`,
      );
      assert.deepEqual(closed.positions, [
        {
          participant: 'bob',
          name: 'Bank of Baroda',
          debits: '200.00',
          credits: '800.00',
          net: '600.00',
        },
        { participant: 'evil', name: EVIL, debits: '100.00', credits: '0.00', net: '-100.00' },
        {
          participant: 'fx',
          name: 'IndoRus FX',
          debits: '50.00',
          credits: '200.00',
          net: '150.00',
        },
        {
          participant: 'sbi',
          name: 'State Bank of India',
          debits: '700.00',
          credits: '50.00',
          net: '-650.00',
        },
      ]);
      assert.deepEqual(closed.instructions, [
        { kind: 'pay_in', participant: 'evil', name: EVIL, amount: '100.00' },
        { kind: 'pay_in', participant: 'sbi', name: 'State Bank of India', amount: '650.00' },
        { kind: 'pay_out', participant: 'bob', name: 'Bank of Baroda', amount: '600.00' },
        { kind: 'pay_out', participant: 'fx', name: 'IndoRus FX', amount: '150.00' },
      ]);
      assert.deepEqual(closed.bilateral, [
        {
          participantA: 'bob',
          nameA: 'Bank of Baroda',
          participantB: 'evil',
          nameB: EVIL,
          aToB: '0.00',
          bToA: '100.00',
          net: '100.00',
        },
        {
          participantA: 'bob',
          nameA: 'Bank of Baroda',
          participantB: 'fx',
          nameB: 'IndoRus FX',
          aToB: '200.00',
          bToA: '0.00',
          net: '-200.00',
        },
        {
          participantA: 'bob',
          nameA: 'Bank of Baroda',
          participantB: 'sbi',
          nameB: 'State Bank of India',
          aToB: '0.00',
          bToA: '700.00',
          net: '700.00',
        },
        {
          participantA: 'fx',
          nameA: 'IndoRus FX',
          participantB: 'sbi',
          nameB: 'State Bank of India',
          aToB: '50.00',
          bToA: '0.00',
          net: '-50.00',
        },
      ]);
      const bilateralPayments = closed.bilateralInstructions
        .map((i) => `${i.payer}>${i.payee} ${i.amount}`)
        .sort();
      assert.deepEqual(bilateralPayments, [
        'bob>fx 200.00',
        'evil>bob 100.00',
        'fx>sbi 50.00',
        'sbi>bob 700.00',
      ]);
      assert.ok(
        closed.bilateralInstructions.every((i) => i.payerName.length > 0 && i.payeeName.length > 0),
      );
      assert.ok(
        BigInt(closed.window.openedAfter.timestamp) < BigInt(closed.window.closedAt.timestamp),
      );
      assert.equal(closed.generatedAt, NOW.toISOString());
      // Every amount is a string: nothing in the JSON is a float.
      JSON.stringify(closed, (key, value: unknown) => {
        if (typeof value === 'number')
          assert.ok(
            Number.isInteger(value) &&
              ['transferCount', 'onUsCount', 'transfersScanned', 'participantCount'].includes(key),
            `number at ${key}`,
          );
        return value;
      });

      const settled = await hub.windows.settle('INR-1', cli);
      const after = windowReportJson(await buildWindowReport(hub, 'INR-1', { now: NOW }));
      assert.equal(after.window.status, 'settled');
      assert.equal(after.window.settledAt, settled.window.settledAtIso);
      assert.deepEqual(after.window.settlementTransfers, settled.window.settlementTransfers);
      assert.equal(after.window.settlementTransfers.length, 4);
      assert.deepEqual(
        { ...after, window: closed.window },
        {
          ...closed,
          summary: { ...closed.summary, transfersScanned: after.summary.transfersScanned },
        },
        'settling changes the status, not the figures',
      );
    });
  });

  it('CSV tables parse back (RFC 4180) to the JSON figures, with exact text for the instructions', async () => {
    await withHub(async (hub) => {
      await scenario(hub);
      await hub.windows.close('INR', cli);
      const report = await buildWindowReport(hub, 'INR-1', { now: NOW });
      const json = windowReportJson(report);
      assert.equal(
        windowReportCsv(report, 'instructions'),
        [
          'window,currency,kind,participant,name,amount',
          'INR-1,INR,pay_in,evil,"Evil <script>alert(""x"")</script> & Sons",100.00',
          'INR-1,INR,pay_in,sbi,State Bank of India,650.00',
          'INR-1,INR,pay_out,bob,Bank of Baroda,600.00',
          'INR-1,INR,pay_out,fx,IndoRus FX,150.00',
          '',
        ].join('\r\n'),
      );
      const tables = windowReportCsvTables(report);
      assert.deepEqual(
        tables.map((entry) => entry.table),
        [...WINDOW_CSV_TABLES],
      );
      for (const { csv } of tables) parseCsv(csv); // every table is strict RFC 4180 with a header
      assert.deepEqual(
        csvObjects(windowReportCsv(report, 'positions')).map((row) => ({
          participant: row.participant,
          name: row.name,
          debits: row.debits,
          credits: row.credits,
          net: row.net,
        })),
        json.positions,
      );
      assert.deepEqual(
        csvObjects(windowReportCsv(report, 'bilateral')).map((row) => ({
          participantA: row.participant_a,
          nameA: row.name_a,
          participantB: row.participant_b,
          nameB: row.name_b,
          aToB: row.a_to_b,
          bToA: row.b_to_a,
          net: row.net_for_a,
        })),
        json.bilateral,
      );
      assert.deepEqual(
        csvObjects(windowReportCsv(report, 'bilateral_instructions'))
          .map((row) => `${row.payer}>${row.payee} ${row.amount}`)
          .sort(),
        ['bob>fx 200.00', 'evil>bob 100.00', 'fx>sbi 50.00', 'sbi>bob 700.00'],
      );
      const [summary] = csvObjects(windowReportCsv(report, 'summary'));
      assert.deepEqual(
        summary && {
          window: summary.window,
          status: summary.status,
          transfers: summary.transfer_count,
          onUs: summary.on_us_count,
          gross: summary.gross,
          moved: summary.moved,
          efficiency: summary.efficiency,
          settledAt: summary.settled_at,
        },
        {
          window: 'INR-1',
          status: 'closed',
          transfers: '4',
          onUs: '1',
          gross: '1050.00',
          moved: '750.00',
          efficiency: '0.2857',
          settledAt: '',
        },
      );
      assert.equal(summary?.closed_at_timestamp, json.window.closedAt.timestamp);
    });
  });

  it('HTML is one self-contained printable page with every text escaped', async () => {
    await withHub(async (hub) => {
      await scenario(hub);
      await hub.windows.close('INR', cli);
      const html = windowReportHtml(await buildWindowReport(hub, 'INR-1', { now: NOW }));
      assert.ok(html.startsWith('<!DOCTYPE html>'));
      assert.ok(
        !html.toLowerCase().includes('<script'),
        'no script element, not even from a participant name',
      );
      assert.ok(html.includes('Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons'));
      assert.ok(html.includes('@media print'));
      assert.ok(html.includes("default-src 'none'"), 'a CSP forbids scripts and external loads');
      assert.ok(!/\b(?:src|href)\s*=/i.test(html), 'no external asset');
      assert.ok(!/https?:|url\(/i.test(html), 'no URL anywhere');
      for (const text of [
        'INR-1',
        '1050.00',
        '750.00',
        '28.57 % (exactly 2/7)',
        'pay in',
        'pay out',
        '650.00',
        'Bank of Baroda',
      ])
        assert.ok(html.includes(text), text);
    });
  });

  it('a window without interbank payments reports zeros and no efficiency', async () => {
    await withHub(async (hub) => {
      await pay(hub, 'sbi', 'vtb', 5_00n, account('vtb', 'INR', 'vostro', 'sbi'));
      await hub.windows.close('INR', cli);
      const report = await buildWindowReport(hub, 'INR-1', { now: NOW });
      const json = windowReportJson(report);
      assert.deepEqual(
        [
          json.summary.gross,
          json.summary.moved,
          json.summary.efficiency,
          json.summary.onUsCount,
          json.positions,
          json.instructions,
        ],
        ['0.00', '0.00', null, 1, [], []],
      );
      assert.equal(csvObjects(windowReportCsv(report, 'summary'))[0]?.efficiency, '');
      assert.deepEqual(parseCsv(windowReportCsv(report, 'positions')), [
        ['window', 'currency', 'participant', 'name', 'debits', 'credits', 'net'],
      ]);
      assert.ok(windowReportHtml(report).includes('no interbank payments in this window'));
      await assert.rejects(buildWindowReport(hub, 'INR-7'), refusal('window_not_found', 'window'));
    });
  });
});

describe('CSV and HTML primitives', () => {
  it('quotes exactly what RFC 4180 requires and round-trips any text', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('-650.00'), '-650.00');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
    assert.equal(csvField(''), '');
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 3, maxLength: 3 }), {
          maxLength: 6,
        }),
        (rows) => {
          assert.deepEqual(parseCsv(toCsv(['a', 'b', 'c'], rows)), [['a', 'b', 'c'], ...rows]);
        },
      ),
    );
  });

  it('guards free text against spreadsheet formulas, and escapes HTML', () => {
    assert.equal(csvText('=HYPERLINK("x")'), `'=HYPERLINK("x")`);
    assert.equal(csvText('+1'), "'+1");
    assert.equal(csvText('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvText('-2'), "'-2");
    assert.equal(csvText('State Bank of India'), 'State Bank of India');
    assert.equal(
      escapeHtml(`<a href='x'>"&"</a>`),
      '&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;',
    );
  });
});
