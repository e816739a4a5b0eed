import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import {
  creditTrade,
  customerAccount,
  openTradeWorld,
  participantActor,
  refusedWith,
  type TradeWorld,
} from '../store/conformance/trade.cases.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { PaymentTerms, TradeInput, TradeLine } from './trades.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-trades-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** One hub for the whole file: refusals write nothing, so they do not disturb each other. */
let shared: Promise<TradeWorld> | undefined;
const world = (): Promise<TradeWorld> =>
  (shared ??= openTradeWorld(new SqliteStore({ path: join(directory, 'trades.db') })));
after(async () => (await world()).store.close());

const importer = participantActor('rus-med');
const line = (overrides: Partial<TradeLine> = {}): TradeLine => ({
  hs: '100630',
  description: 'Basmati rice',
  quantity: '1',
  unit: 'TNE',
  unitPrice: '1.00',
  ...overrides,
});
const credit = (overrides: Record<string, unknown> = {}): PaymentTerms =>
  ({ ...(creditTrade().paymentTerms as object), ...overrides }) as PaymentTerms;

async function refuses(input: TradeInput, code: string, field: string, message?: RegExp) {
  const { hub, store } = await world();
  const before = await store.counts();
  const audit = (await store.auditEntries({ limit: 100_000 })).length;
  // The exporter is a party to every trade below (the importer is not always rus-med).
  await assert.rejects(
    hub.trades.create(input, participantActor('indo-pharma')),
    (error: unknown) => {
      refusedWith(code, field)(error);
      if (message !== undefined) assert.match((error as Error).message, message);
      return true;
    },
  );
  assert.deepEqual(await store.counts(), before);
  assert.equal((await store.auditEntries({ limit: 100_000 })).length, audit, 'nothing audited');
}

describe('trade input', () => {
  it('computes the total exactly in minor units (quantities of up to 6 decimals); termsOf gives the verifier the terms', async () => {
    const { hub } = await world();
    const trade = await hub.trades.create(
      creditTrade({
        lines: [
          line({ quantity: '0.125', unitPrice: '8.00' }),
          line({ quantity: '3', unitPrice: '0.01' }),
          line({ quantity: '1.000001', unitPrice: '1000000.00' }),
        ],
      }),
      importer,
    );
    assert.equal(trade.totalMinor, '100000203');
    assert.equal(trade.exporterBank, 'sbi');
    assert.equal(trade.importerBank, 'vtb');
    assert.deepEqual(hub.trades.termsOf(trade), {
      id: trade.id,
      exporter: 'indo-pharma',
      importer: 'rus-med',
      currency: 'INR',
      lines: trade.lines.map(({ hs, quantity, unit, unitPrice }) => ({
        hs,
        quantity,
        unit,
        unitPrice,
      })),
      total: '1000002.03',
      latestShipmentDate: '2026-02-15',
      presentationPeriodDays: 21,
      expiryDate: '2026-03-31',
    });
  });

  it('record says whether it recorded the trade or found the same one recorded; the retry writes nothing', async () => {
    const { hub, store } = await world();
    const input = creditTrade();
    const first = await hub.trades.record(input, importer);
    assert.equal(first.status, 'created');
    const audit = (await store.auditEntries({ limit: 100_000 })).length;
    const counts = await store.counts();
    const again = await hub.trades.record(structuredClone(input), importer);
    assert.equal(again.status, 'exists');
    assert.deepEqual(again.trade, first.trade);
    assert.deepEqual(await hub.trades.create(input, importer), first.trade);
    assert.deepEqual(await store.counts(), counts);
    assert.equal((await store.auditEntries({ limit: 100_000 })).length, audit, 'nothing audited');
    await assert.rejects(
      hub.trades.record({ ...input, latestShipmentDate: '2026-02-14' }, importer),
      refusedWith('trade_exists', 'id'),
    );
  });

  it('refuses amounts that are not exact in the currency, and totals past the ledger’s largest amount', async () => {
    await refuses(
      creditTrade({ lines: [line({ quantity: '2.5', unitPrice: '10.01' })] }),
      'invalid_field',
      'lines/0/quantity',
      /2\.5 × 10\.01 is not a whole number of minor units of INR/,
    );
    await refuses(
      creditTrade({ lines: [line({ unitPrice: '1.005' })] }),
      'invalid_field',
      'lines/0/unitPrice',
      /3 decimal places; at most 2/,
    );
    await refuses(
      creditTrade({ lines: [line(), line({ quantity: '0.1234567' })] }),
      'invalid_field',
      'lines/1/quantity',
      /at most 6/,
    );
    await refuses(
      creditTrade({
        lines: [line({ quantity: '92233720368547758', unitPrice: '1.00' }), line()],
      }),
      'invalid_field',
      'lines/1/unitPrice',
      /passes the largest amount/,
    );
    for (const quantity of ['0', '-1', '1e3', ' 1', '1.', ''])
      await refuses(
        creditTrade({ lines: [line({ quantity })] }),
        'invalid_field',
        'lines/0/quantity',
      );
  });

  it('refuses each faulty field by name and writes nothing', async () => {
    const cases: [Partial<TradeInput>, string, string, RegExp?][] = [
      [{ id: 'trade-1' }, 'invalid_field', 'id'],
      [{ currency: 'USD' as 'INR' }, 'unknown_currency', 'currency', /INR or RUB/],
      [{ lines: [] }, 'invalid_field', 'lines'],
      [{ lines: Array.from({ length: 201 }, () => line()) }, 'invalid_field', 'lines'],
      [{ lines: [line(), line({ hs: '100699' })] }, 'unknown_hs_code', 'lines/1/hs'],
      [{ lines: [line({ description: ' ' })] }, 'invalid_field', 'lines/0/description'],
      [{ lines: [line({ unit: '' })] }, 'invalid_field', 'lines/0/unit'],
      [{ exporter: 'nobody' }, 'participant_not_found', 'exporter'],
      [{ exporter: 'sbi' }, 'participant_kind_mismatch', 'exporter', /a bank/],
      [{ importer: 'indo-pharma' }, 'invalid_field', 'importer'],
      [{ incoterm: { rule: 'DAT' as 'DAP', place: 'Moscow' } }, 'invalid_field', 'incoterm/rule'],
      [{ incoterm: { rule: 'DAP', place: '' } }, 'invalid_field', 'incoterm/place'],
      [{ latestShipmentDate: '2026-02-30' }, 'invalid_field', 'latestShipmentDate'],
      [{ corridor: { summary: 'a\u0007b' } }, 'invalid_field', 'corridor/summary'],
      [{ corridor: { summary: 'x', days: -1 } }, 'invalid_field', 'corridor/days'],
      [
        { paymentTerms: { kind: 'letter' } as unknown as PaymentTerms },
        'invalid_field',
        'paymentTerms/kind',
      ],
      [{ paymentTerms: { kind: 'open_account', days: -1 } }, 'invalid_field', 'paymentTerms/days'],
      [
        { paymentTerms: credit({ requiredDocuments: [] }) },
        'invalid_field',
        'paymentTerms/requiredDocuments',
      ],
      [
        { paymentTerms: credit({ requiredDocuments: ['invoice'] }) },
        'invalid_field',
        'paymentTerms/requiredDocuments/0',
      ],
      [
        { paymentTerms: credit({ requiredDocuments: ['packing_list', 'packing_list'] }) },
        'invalid_field',
        'paymentTerms/requiredDocuments/1',
      ],
      [
        { paymentTerms: credit({ presentationPeriodDays: 0 }) },
        'invalid_field',
        'paymentTerms/presentationPeriodDays',
      ],
      [
        { paymentTerms: credit({ presentationPeriodDays: 91 }) },
        'invalid_field',
        'paymentTerms/presentationPeriodDays',
      ],
      [
        { paymentTerms: credit({ expiryDate: '2026-02-15' }) },
        'invalid_field',
        'paymentTerms/expiryDate',
        /must be after the latest shipment date 2026-02-15/,
      ],
      [
        { paymentTerms: credit({ expiryDate: '2028-02-16' }) },
        'invalid_field',
        'paymentTerms/expiryDate',
        /more than 730 days after the latest shipment date/,
      ],
      [{ paymentTerms: credit({ payer: 'x' }) }, 'invalid_field', 'paymentTerms/payer'],
      [
        { paymentTerms: credit({ payer: customerAccount('delhi-foods', 'INR') }) },
        'account_not_found',
        'paymentTerms/payer',
      ],
      [
        { paymentTerms: credit({ payee: customerAccount('delhi-foods', 'INR') }) },
        'account_not_found',
        'paymentTerms/payee',
      ],
      [
        {
          importer: 'ural-trade',
          paymentTerms: credit({ payer: customerAccount('ural-trade', 'RUB') }),
        },
        'currency_not_used',
        'paymentTerms/payer',
        /in INR but the credit's payer account is in RUB.*ural-trade must first convert with an FX quote into an account in INR/,
      ],
    ];
    for (const [overrides, code, field, message] of cases)
      await refuses(creditTrade(overrides), code, field, message);
  });

  it("a Russian exporter paid in rupees is paid into its bank's vostro account; any other account is refused", async () => {
    const { hub } = await world();
    const vtbVostro = await hub.participants.openAccount('vtb', 'vostro', 'INR', 'sbi', CLI_ACTOR);
    const delhi = participantActor('delhi-foods');
    const trade = await hub.trades.create(
      creditTrade({
        exporter: 'ural-trade',
        importer: 'delhi-foods',
        paymentTerms: credit({ payer: customerAccount('delhi-foods', 'INR'), payee: vtbVostro.id }),
      }),
      delhi,
    );
    assert.equal(
      trade.paymentTerms.kind === 'documentary_credit' && trade.paymentTerms.payee,
      vtbVostro.id,
    );
    await assert.rejects(
      hub.trades.create(
        creditTrade({
          exporter: 'ural-trade',
          importer: 'delhi-foods',
          paymentTerms: credit({
            payer: customerAccount('delhi-foods', 'INR'),
            payee: customerAccount('indo-pharma', 'INR'),
          }),
        }),
        delhi,
      ),
      (error: unknown) => {
        refusedWith('account_not_found', 'paymentTerms/payee')(error);
        assert.match((error as Error).message, /or into its bank vtb's vostro account/);
        return true;
      },
    );
  });

  it('auditors do not record trades; ship is the exporter side’s; agree must come from the other side', async () => {
    const { hub } = await world();
    await assert.rejects(
      hub.trades.create(creditTrade(), { id: 'auditor', role: 'auditor' }),
      refusedWith('invalid_field', 'actor'),
    );
    const input = creditTrade({ paymentTerms: { kind: 'advance' } });
    await hub.trades.create(input, participantActor('sbi'));
    await assert.rejects(
      hub.trades.agree(input.id, participantActor('indo-pharma')),
      refusedWith('trade_status_conflict'),
    );
    await assert.rejects(
      hub.trades.ship(input.id, participantActor('indo-pharma')),
      refusedWith('trade_status_conflict'),
    );
    const auditor = { id: 'auditor', role: 'auditor' } as const;
    await assert.rejects(
      hub.trades.agree(input.id, auditor),
      refusedWith('invalid_field', 'actor'),
    );
    await assert.rejects(
      hub.trades.cancel(input.id, 'audit', auditor),
      refusedWith('invalid_field', 'actor'),
    );
    assert.equal((await hub.trades.get(input.id, auditor)).status, 'draft', 'auditors read');
    const agreed = await hub.trades.agree(input.id, participantActor('vtb'));
    assert.equal(agreed.reservation, undefined, 'no credit, no reservation');
    await assert.rejects(hub.trades.ship(input.id, importer), refusedWith('trade_status_conflict'));
    const shipped = await hub.trades.ship(input.id, participantActor('sbi'));
    assert.deepEqual(
      shipped.history.map((entry) => entry.status),
      ['draft', 'agreed', 'shipped'],
    );
    assert.ok(shipped.shippedAt !== undefined && shipped.agreedAt !== undefined);
    await assert.rejects(
      hub.trades.get('not-a-uuid', CLI_ACTOR),
      refusedWith('invalid_field', 'id'),
    );
    await assert.rejects(
      hub.trades.cancel(input.id, '', CLI_ACTOR),
      refusedWith('invalid_field', 'reason'),
    );
  });
});
