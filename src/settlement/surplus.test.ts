import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../ledger/clock.js';
import { newTransferId, type AccountId, type TransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { Hub } from '../hub/hub.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import { buildStatement } from '../reports/statement.js';
import { footprint, csvObjects } from '../reports/report.test-helper.js';
import {
  surplusNowJson,
  surplusSeriesCsv,
  surplusSeriesJson,
  sweepResultJson,
} from '../reports/surplus-report.js';
import { parseInstant } from '../domain/time.js';
import { TransferCode } from './codes.js';
import { SWEEP_INSTRUMENT_CODE, SurplusService, type SweepRequest } from './surplus.js';

const cli = CLI_ACTOR;
const vtbVostro = account('vtb', 'INR', 'vostro', 'sbi');
const sberVostro = account('sber', 'INR', 'vostro', 'bob');
const vtbInvestment = account('vtb', 'INR', 'investment');

const pay = (hub: Hub, payer: AccountId, payee: AccountId, amount: bigint, pending = false) =>
  hub.payments.pay({ id: newTransferId(), payer, payee, amount, reference: 'trade', pending }, cli);

async function balance(hub: Hub, id: AccountId): Promise<bigint> {
  const [found] = await hub.ledger.lookupAccounts([id]);
  return found === undefined ? 0n : found.creditsPosted - found.debitsPosted;
}

describe('rupee surplus', () => {
  it('now, per day (UTC and IST) and per window, per Russian bank and in total', async () => {
    await withHub(async (seeded) => {
      // The same store under a ledger with a manual clock, so that postings fall on chosen days.
      const clock = manualClock(parseInstant('2031-03-01T10:00:00Z', 'at'));
      const hub = new Hub(new Ledger(seeded.ledger.store, { clock }));
      const surplus = new SurplusService(hub.ledger, hub.participants);
      for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 1_000_000_00n, cli);
      await hub.participants.openAccount('sber', 'vostro', 'INR', 'bob', cli);
      const at = (iso: string): void => clock.set(parseInstant(iso, 'at'));

      at('2031-03-01T10:00:00Z');
      await pay(hub, account('bob', 'INR'), vtbVostro, 300_00n); // an Indian importer's bank pays VTB's SRVA at SBI
      at('2031-03-01T20:00:00Z'); // 2031-03-02 01:30 in India
      await pay(hub, account('sbi', 'INR'), sberVostro, 40_00n);
      await hub.windows.close('INR', cli, 'INR-1');
      at('2031-03-03T09:00:00Z');
      await pay(hub, account('sbi', 'INR'), vtbVostro, 200_00n);
      at('2031-03-04T09:00:00Z');
      await pay(hub, vtbVostro, account('bob', 'INR'), 100_00n); // an Indian exporter is paid out of the SRVA
      await hub.windows.close('INR', cli, 'INR-2');
      at('2031-03-05T09:00:00Z');
      await pay(hub, vtbVostro, account('bob', 'INR'), 50_00n, true); // a reservation: not a posting

      const now = await surplus.now({ now: new Date('2031-03-06T00:00:00Z') });
      assert.deepEqual(surplusNowJson(now), {
        currency: 'INR',
        asOf: '2031-03-06T00:00:00.000Z',
        total: '440.00',
        investedTotal: '0.00',
        banks: [
          {
            bank: 'sber',
            name: 'Sberbank',
            surplus: '40.00',
            invested: '0.00',
            investmentAccountId: null,
            vostro: [{ accountId: sberVostro, heldAt: 'bob', balance: '40.00' }],
          },
          {
            bank: 'vtb',
            name: 'VTB Bank',
            surplus: '400.00',
            invested: '0.00',
            investmentAccountId: null,
            vostro: [{ accountId: vtbVostro, heldAt: 'sbi', balance: '400.00' }],
          },
        ],
      });

      const daily = await surplus.daily({ from: '2031-02-28', to: '2031-03-05' });
      assert.deepEqual(
        daily.banks.map((bank) => bank.bank),
        ['sber', 'vtb'],
      );
      assert.deepEqual(
        daily.points.map((point) => [point.label, ...point.byBankMinor, point.totalMinor]),
        [
          ['2031-02-28', 0n, 0n, 0n],
          ['2031-03-01', 40_00n, 300_00n, 340_00n],
          ['2031-03-02', 40_00n, 300_00n, 340_00n],
          ['2031-03-03', 40_00n, 500_00n, 540_00n],
          ['2031-03-04', 40_00n, 400_00n, 440_00n],
          ['2031-03-05', 40_00n, 400_00n, 440_00n],
        ],
      );
      assert.equal(
        daily.points[1]?.atNs,
        parseInstant('2031-03-02T00:00:00Z', 'at') - 1n,
        'end of day: its last nanosecond',
      );
      const ist = await surplus.daily({
        from: '2031-03-01',
        to: '2031-03-02',
        utcOffsetMinutes: 330,
      });
      assert.deepEqual(
        ist.points.map((point) => [point.label, ...point.byBankMinor]),
        [
          ['2031-03-01', 0n, 300_00n],
          ['2031-03-02', 40_00n, 300_00n],
        ],
        'in India the 20:00 UTC payment is on the 2nd',
      );

      const windows = await surplus.byWindow();
      assert.deepEqual(
        windows.points.map((point) => [point.label, ...point.byBankMinor, point.totalMinor]),
        [
          ['INR-1', 40_00n, 300_00n, 340_00n],
          ['INR-2', 40_00n, 400_00n, 440_00n],
        ],
      );
      assert.deepEqual(
        (await surplus.byWindow({ last: 1 })).points.map((point) => point.label),
        ['INR-2'],
      );

      const json = surplusSeriesJson(daily);
      assert.deepEqual(json.points[3], {
        label: '2031-03-03',
        at: {
          timestamp: (parseInstant('2031-03-04', 'at') - 1n).toString(),
          time: '2031-03-03T23:59:59.999Z',
        },
        byBank: { sber: '40.00', vtb: '500.00' },
        total: '540.00',
      });
      assert.deepEqual(
        csvObjects(surplusSeriesCsv(daily)).map((row) => [row.date, row.sber, row.vtb, row.total]),
        json.points.map((point) => [point.label, point.byBank.sber, point.byBank.vtb, point.total]),
      );

      await assert.rejects(
        surplus.daily({ from: '2031-03-05', to: '2031-03-01' }),
        refusal('invalid_field', 'to'),
      );
      await assert.rejects(
        surplus.daily({ from: '2031-03-01', to: '2051-03-01' }),
        refusal('invalid_field', 'to'),
      );
      await assert.rejects(
        surplus.daily({ from: '2031-3-1', to: '2031-03-02' }),
        refusal('invalid_field', 'from'),
      );
      await assert.rejects(
        surplus.daily({ from: '2031-03-01', to: '2031-03-02', utcOffsetMinutes: 900 }),
        refusal('invalid_field', 'utc_offset_minutes'),
      );
      await assert.rejects(surplus.byWindow({ last: 0 }), refusal('invalid_field', 'last'));
    });
  });
});

describe('sweep', () => {
  it('moves surplus into the investment account as one audited sweep transfer; refusals write nothing', async () => {
    await withHub(async (hub) => {
      const surplus = new SurplusService(hub.ledger, hub.participants);
      await hub.caps.set('bob', 'INR', 1_000_000_00n, cli);
      await pay(hub, account('bob', 'INR'), vtbVostro, 500_00n);
      const request: SweepRequest = {
        bank: 'vtb',
        amountMinor: 150_00n,
        id: newTransferId(),
        reference: '91-day T-bill auction 2031-03-05',
        instrument: 'treasury_bill',
      };

      const refusals: [Partial<SweepRequest>, string, string][] = [
        [{}, 'account_not_found', 'bank'], // no investment account yet
        [{ bank: 'nobody' }, 'participant_not_found', 'bank'],
        [{ bank: 'sbi' }, 'participant_kind_mismatch', 'bank'],
        [{ bank: 'fx' }, 'participant_kind_mismatch', 'bank'],
        [{ bank: 'sber' }, 'account_not_found', 'bank'], // no INR vostro account
        [{ heldAt: 'bob' }, 'account_not_found', 'held_at'],
        [{ id: 'not-a-uuid' }, 'invalid_field', 'id'],
        [{ bank: 42 as never }, 'invalid_field', 'bank'],
        [{ amountMinor: 0n }, 'invalid_field', 'amount'],
        [{ instrument: 'corporate_bond' as never }, 'invalid_field', 'instrument'],
        [{ reference: 'x'.repeat(57) }, 'invalid_field', 'reference'],
      ];
      const check = async (cases: typeof refusals): Promise<void> => {
        for (const [change, code, field] of cases) {
          const before = {
            ...(await footprint(hub.ledger.store)),
            vostro: await balance(hub, vtbVostro),
            invested: await balance(hub, vtbInvestment),
          };
          await assert.rejects(
            surplus.sweep({ ...request, ...change }, cli),
            refusal(code, field),
            JSON.stringify(change, (_, value: unknown) =>
              typeof value === 'bigint' ? value.toString() : value,
            ),
          );
          assert.deepEqual(
            {
              ...(await footprint(hub.ledger.store)),
              vostro: await balance(hub, vtbVostro),
              invested: await balance(hub, vtbInvestment),
            },
            before,
            `${code}: nothing written`,
          );
        }
      };
      await check(refusals);
      await hub.participants.openAccount('vtb', 'investment', 'INR', undefined, cli);
      await check([[{ amountMinor: 500_01n }, 'insufficient_funds', 'amount']]);

      const swept = await surplus.sweep(request, cli);
      assert.deepEqual(sweepResultJson(swept), {
        id: request.id,
        status: 'created',
        bank: 'vtb',
        from: vtbVostro,
        heldAt: 'sbi',
        to: vtbInvestment,
        amount: '150.00',
        currency: 'INR',
        instrument: 'treasury_bill',
        transferReference: 'T-bill: 91-day T-bill auction 2031-03-05',
      });
      assert.deepEqual(
        [await balance(hub, vtbVostro), await balance(hub, vtbInvestment)],
        [350_00n, 150_00n],
      );
      const [transfer] = await hub.ledger.lookupTransfers([request.id as TransferId]);
      assert.deepEqual(
        transfer && [
          transfer.debitAccountId,
          transfer.creditAccountId,
          transfer.amount,
          transfer.code,
          transfer.flags,
          transfer.reference,
          transfer.userData32,
        ],
        [
          vtbVostro,
          vtbInvestment,
          150_00n,
          TransferCode.sweep,
          0,
          'T-bill: 91-day T-bill auction 2031-03-05',
          SWEEP_INSTRUMENT_CODE.treasury_bill,
        ],
      );
      const audit = await hub.ledger.store.auditEntries({ limit: 10_000 });
      const entry = audit.at(-1);
      assert.deepEqual(entry && [entry.action, entry.target, entry.actor, entry.detail], [
        'surplus.sweep',
        request.id,
        'cli',
        {
          bank: 'vtb',
          from: vtbVostro,
          held_at: 'sbi',
          to: vtbInvestment,
          amount: '15000',
          currency: 'INR',
          instrument: 'treasury_bill',
          reference: '91-day T-bill auction 2031-03-05',
        },
      ]);

      // A retry is idempotent; the same id with other content is refused.
      const before = await footprint(hub.ledger.store);
      assert.equal((await surplus.sweep(request, cli)).status, 'exists');
      assert.deepEqual(
        await footprint(hub.ledger.store),
        before,
        'a retry writes nothing, not even an audit entry',
      );
      await check([[{ amountMinor: 151_00n }, 'payment_refused', 'id']]);

      // Reserved payments out of the vostro account are not available to sweep.
      const reservation = await pay(hub, vtbVostro, account('bob', 'INR'), 300_00n, true);
      await check([
        [{ id: newTransferId(), amountMinor: 100_00n }, 'insufficient_funds', 'amount'],
      ]);
      await assert.rejects(
        surplus.sweep({ ...request, id: newTransferId(), amountMinor: 100_00n }, cli),
        /50\.00 INR available/,
      );
      const gsec = await surplus.sweep(
        {
          ...request,
          id: newTransferId(),
          amountMinor: 50_00n,
          instrument: 'government_security',
          reference: '',
        },
        cli,
      );
      assert.equal(gsec.transferReference, 'G-sec');
      assert.equal(
        (await hub.ledger.lookupTransfers([gsec.id as TransferId]))[0]?.userData32,
        SWEEP_INSTRUMENT_CODE.government_security,
      );

      const now = await surplus.now();
      assert.deepEqual(
        now.banks.map((bank) => [bank.bank, bank.surplusMinor, bank.investedMinor]),
        [
          ['sber', 0n, 0n],
          ['vtb', 300_00n, 200_00n],
        ],
        'the reservation is still surplus until it posts',
      );
      assert.equal(now.investedTotalMinor, 200_00n);

      // The bank's statement shows the sweeps on both accounts.
      const statement = await buildStatement(hub, {
        participant: 'vtb',
        from: '1970-01-01',
        to: '2100-01-01',
        currency: 'INR',
      });
      const lines = statement.accounts.flatMap((entry) =>
        entry.lines
          .filter((line) => line.codeName === 'sweep')
          .map((line) => `${entry.role} ${line.direction} ${line.amountMinor}`),
      );
      assert.deepEqual(lines, [
        'vostro debit 15000',
        'vostro debit 5000',
        'investment credit 15000',
        'investment credit 5000',
      ]);

      // With vostro accounts at two Indian banks the sweep must name one; a suspended bank is refused.
      await hub.payments.resolve(reservation.id, 'void', cli);
      await hub.participants.openAccount('vtb', 'vostro', 'INR', 'bob', cli);
      await check([
        [{ id: newTransferId(), amountMinor: 1_00n }, 'invalid_field', 'held_at'],
        [{ id: newTransferId(), heldAt: 'nobank' }, 'account_not_found', 'held_at'],
      ]);
      assert.equal(
        (
          await surplus.sweep(
            { ...request, id: newTransferId(), amountMinor: 1_00n, heldAt: 'sbi' },
            cli,
          )
        ).status,
        'created',
      );
      await hub.participants.setStatus('vtb', 'suspended', cli);
      await check([
        [
          { id: newTransferId(), amountMinor: 1_00n, heldAt: 'sbi' },
          'participant_suspended',
          'bank',
        ],
      ]);
    });
  });
});
