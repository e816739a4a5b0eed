import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AMOUNT_MAX } from '../ledger/currency.js';
import { nettingEfficiency, truncatedDecimal } from './efficiency.js';
import { SettlementError, type SettlementErrorCode } from './errors.js';
import {
  NettingAccumulator,
  netTransfers,
  type CurrencyNetting,
  type NettingItem,
  type NettingResult,
} from './netting.js';

const item = (
  debitParticipant: string,
  creditParticipant: string,
  amount: bigint,
  currency: string | number = 'INR',
): NettingItem => ({ debitParticipant, creditParticipant, currency, amount });

function settlementError(run: () => unknown): [SettlementErrorCode, string, number] | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof SettlementError)) throw error;
    return [error.code, error.field, error.itemIndex];
  }
}

function only(result: NettingResult, code: string): CurrencyNetting {
  const found = result.currencies.find((c) => c.currency === code);
  assert.ok(found, `no ${code} in the result`);
  return found;
}

describe('netting', () => {
  it('nets a triangle: positions, instructions through the hub, bilateral, efficiencies', () => {
    const result = netTransfers([
      item('A', 'B', 100n),
      item('B', 'C', 100n),
      item('C', 'A', 50n),
      item('B', 'B', 999n),
    ]);
    assert.equal(result.itemCount, 4);
    assert.deepEqual(result.currencies, [
      {
        currency: 'INR',
        ledger: 356,
        transferCount: 3,
        onUsCount: 1,
        grossMinor: 250n,
        positions: [
          { participant: 'A', debitsMinor: 100n, creditsMinor: 50n, netMinor: -50n },
          { participant: 'B', debitsMinor: 100n, creditsMinor: 100n, netMinor: 0n },
          { participant: 'C', debitsMinor: 50n, creditsMinor: 100n, netMinor: 50n },
        ],
        instructions: [
          { kind: 'pay_in', participant: 'A', amountMinor: 50n },
          { kind: 'pay_out', participant: 'C', amountMinor: 50n },
        ],
        movedMinor: 50n,
        efficiency: { numerator: 4n, denominator: 5n, text: '0.8000' },
        bilateral: [
          { participantA: 'A', participantB: 'B', aToBMinor: 100n, bToAMinor: 0n, netMinor: -100n },
          { participantA: 'A', participantB: 'C', aToBMinor: 0n, bToAMinor: 50n, netMinor: 50n },
          { participantA: 'B', participantB: 'C', aToBMinor: 100n, bToAMinor: 0n, netMinor: -100n },
        ],
        bilateralInstructions: [
          { payer: 'A', payee: 'B', amountMinor: 100n },
          { payer: 'B', payee: 'C', amountMinor: 100n },
          { payer: 'C', payee: 'A', amountMinor: 50n },
        ],
        bilateralMovedMinor: 250n,
        bilateralEfficiency: { numerator: 0n, denominator: 1n, text: '0.0000' },
      },
    ]);
  });

  it('keeps currencies apart and treats a code and a ledger number as the same currency', () => {
    const result = netTransfers([
      item('SBI', 'VTB', 500n, 'INR'),
      item('VTB', 'SBI', 200n, 356),
      item('VTB', 'SBI', 300n, 'inr'),
      item('VTB', 'SBI', 70n, 643),
    ]);
    assert.deepEqual(
      result.currencies.map((c) => c.currency),
      ['INR', 'RUB'],
    );
    const inr = only(result, 'INR');
    assert.equal(inr.grossMinor, 1_000n);
    assert.equal(inr.movedMinor, 0n);
    assert.deepEqual(inr.instructions, []);
    assert.deepEqual(inr.efficiency, { numerator: 1n, denominator: 1n, text: '1.0000' });
    assert.deepEqual(inr.bilateralInstructions, []);
    const rub = only(result, 'RUB');
    assert.deepEqual(rub.instructions, [
      { kind: 'pay_in', participant: 'VTB', amountMinor: 70n },
      { kind: 'pay_out', participant: 'SBI', amountMinor: 70n },
    ]);
    assert.equal(rub.efficiency?.text, '0.0000');
  });

  it('reports nothing to net as efficiency null, and truncates the efficiency text', () => {
    const onUs = netTransfers([item('A', 'A', 5n)]);
    assert.equal(only(onUs, 'INR').efficiency, null);
    assert.equal(only(onUs, 'INR').grossMinor, 0n);
    assert.deepEqual(netTransfers([]).currencies, []);
    const threeOne = { grossMinor: 3n, movedMinor: 1n };
    assert.deepEqual(nettingEfficiency(threeOne), {
      numerator: 2n,
      denominator: 3n,
      text: '0.6666',
    });
    assert.equal(nettingEfficiency(threeOne, 0)?.text, '0');
    assert.equal(nettingEfficiency({ grossMinor: 3n, movedMinor: 0n }, 0)?.text, '1');
    assert.equal(truncatedDecimal({ numerator: 1n, denominator: 3n }, 4), '0.3333');
    // Never called: tsc checks that gross and moved are named, never positional.
    // @ts-expect-error the old nettingEfficiency(grossMinor, movedMinor)
    const positional = () => nettingEfficiency(3n, 1n);
    assert.equal(typeof positional, 'function');
    assert.equal(nettingEfficiency(threeOne, 18)?.text, '0.666666666666666666');
    assert.equal(
      netTransfers([item('A', 'B', 3n), item('B', 'A', 1n)], { efficiencyDigits: 2 }).currencies[0]
        ?.efficiency?.text,
      '0.50',
    );
  });

  it('sums exactly beyond 2^63 per participant', () => {
    const result = netTransfers([
      item('A', 'B', AMOUNT_MAX),
      item('A', 'B', AMOUNT_MAX),
      item('C', 'B', AMOUNT_MAX),
    ]);
    const inr = only(result, 'INR');
    assert.equal(inr.grossMinor, 3n * AMOUNT_MAX);
    assert.deepEqual(
      inr.positions.map((p) => p.netMinor),
      [-2n * AMOUNT_MAX, 3n * AMOUNT_MAX, -AMOUNT_MAX],
    );
  });

  it('takes totals the caller already summed, larger than one transfer may be, with their transfer counts', () => {
    const accumulator = new NettingAccumulator();
    accumulator.addAggregate('A', 'B', 'RUB', 3n * AMOUNT_MAX, 3);
    accumulator.addAggregate('B', 'A', 643, 10n, 2);
    accumulator.addAggregate('C', 'C', 643, 10n, 4);
    const rub = only(accumulator.result(), 'RUB');
    assert.equal(rub.transferCount, 5);
    assert.equal(rub.onUsCount, 4);
    assert.equal(rub.grossMinor, 3n * AMOUNT_MAX + 10n);
    assert.deepEqual(rub.instructions, [
      { kind: 'pay_in', participant: 'A', amountMinor: 3n * AMOUNT_MAX - 10n },
      { kind: 'pay_out', participant: 'B', amountMinor: 3n * AMOUNT_MAX - 10n },
    ]);
    assert.deepEqual(
      settlementError(() => accumulator.addAggregate('A', 'B', 'RUB', 0n)),
      ['invalid_amount', 'amount', 3],
    );
    assert.deepEqual(
      settlementError(() => accumulator.addAggregate('A', 'B', 'RUB', 5n, 0)),
      ['invalid_parameter', 'transferCount', 3],
    );
    assert.deepEqual(
      settlementError(() => accumulator.addAggregate('A', 'B', 'JPY', 5n)),
      ['unknown_currency', 'currency', 3],
    );
  });

  it('refuses a malformed item with its code, field and position, and keeps the items before it', () => {
    const accumulator = new NettingAccumulator();
    accumulator.add(item('A', 'B', 10n));
    const before = accumulator.result();
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 'B', 1n, 'XXX'))),
      ['unknown_currency', 'currency', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 'B', 1n, 999))),
      ['unknown_currency', 'currency', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 'B', 1n, 356.5))),
      ['unknown_currency', 'currency', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 'B', 0n))),
      ['invalid_amount', 'amount', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 'B', -5n))),
      ['invalid_amount', 'amount', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 'B', AMOUNT_MAX + 1n))),
      ['invalid_amount', 'amount', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 'B', 5 as unknown as bigint))),
      ['invalid_amount', 'amount', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('', 'B', 5n))),
      ['invalid_participant', 'debitParticipant', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 7 as unknown as string, 5n))),
      ['invalid_participant', 'creditParticipant', 1],
    );
    assert.deepEqual(
      settlementError(() => accumulator.add(item('A', 'B', 5n, 'RUB'))),
      undefined,
    );
    assert.deepEqual(
      only(accumulator.result(), 'INR'),
      only(before, 'INR'),
      'the INR items refused left INR unchanged',
    );
    assert.equal(only(accumulator.result(), 'RUB').grossMinor, 5n);
    assert.deepEqual(
      settlementError(() => accumulator.addMany([item('C', 'D', 1n), item('C', 'D', 0n)])),
      ['invalid_amount', 'amount', 3],
    );
    assert.equal(
      only(accumulator.result(), 'INR').grossMinor,
      11n,
      'the item before the bad one in addMany stays',
    );
    assert.deepEqual(
      settlementError(() => accumulator.result({ efficiencyDigits: 19 })),
      ['invalid_parameter', 'efficiencyDigits', -1],
    );
    assert.deepEqual(
      settlementError(() => new NettingAccumulator({ denseParticipantLimit: -1 })),
      ['invalid_parameter', 'denseParticipantLimit', -1],
    );
    try {
      accumulator.add(item('A', 'B', 1n, 'XYZ'));
    } catch (error) {
      assert.ok(error instanceof SettlementError);
      assert.equal(
        error.message,
        'currency "XYZ" is not a supported currency (ISO 4217 code or ledger number)',
      );
    }
  });
});

// ---- properties -------------------------------------------------------------------------------

const participantName = fc.constantFrom(
  'SBININBB',
  'VTBRRUMM',
  'SABRRUMM',
  'HDFCINBB',
  'ICICINBB',
  'a',
  'A',
  'Ä-bank',
  'bank 9',
  'z',
);
const anyAmount = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 1n, max: 1_000_000n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: AMOUNT_MAX }) },
  { weight: 1, arbitrary: fc.bigInt({ min: AMOUNT_MAX - 10n, max: AMOUNT_MAX }) },
);
const anyItem = fc.record({
  debitParticipant: participantName,
  creditParticipant: participantName,
  currency: fc.constantFrom<string | number>('INR', 356, 'RUB', 643),
  amount: anyAmount,
});
const window = fc.array(anyItem, { maxLength: 200 });

/** What netting must report, computed the plain way: one bigint per participant. */
function plainNets(
  items: readonly NettingItem[],
  ledger: number,
): { nets: Map<string, bigint>; gross: bigint } {
  const nets = new Map<string, bigint>();
  let gross = 0n;
  for (const { debitParticipant, creditParticipant, currency, amount } of items) {
    const itemLedger = currency === 'INR' || currency === 356 ? 356 : 643;
    if (itemLedger !== ledger || debitParticipant === creditParticipant) continue;
    gross += amount;
    nets.set(debitParticipant, (nets.get(debitParticipant) ?? 0n) - amount);
    nets.set(creditParticipant, (nets.get(creditParticipant) ?? 0n) + amount);
  }
  return { nets, gross };
}

const abs = (value: bigint) => (value < 0n ? -value : value);

describe('netting properties', () => {
  it('positions sum to zero, match a plain computation, and the instructions bring every position to zero', () => {
    fc.assert(
      fc.property(window, (items) => {
        const result = netTransfers(items);
        for (const netting of result.currencies) {
          const { nets, gross } = plainNets(items, netting.ledger);
          assert.equal(netting.grossMinor, gross);
          assert.equal(
            netting.positions.reduce((sum, p) => sum + p.netMinor, 0n),
            0n,
            'Σ net = 0',
          );
          assert.deepEqual(
            new Map(netting.positions.map((p) => [p.participant, p.netMinor])),
            nets,
          );
          for (const p of netting.positions)
            assert.equal(p.netMinor, p.creditsMinor - p.debitsMinor);
          // Apply: a pay-in raises the payer's position by its amount, a pay-out lowers the payee's.
          const remaining = new Map(nets);
          let hub = 0n;
          for (const instruction of netting.instructions) {
            assert.ok(instruction.amountMinor > 0n);
            const sign = instruction.kind === 'pay_in' ? 1n : -1n;
            remaining.set(
              instruction.participant,
              remaining.get(instruction.participant)! + sign * instruction.amountMinor,
            );
            hub += sign * instruction.amountMinor;
          }
          for (const [participant, left] of remaining)
            assert.equal(left, 0n, `${participant} not settled`);
          assert.equal(hub, 0n, 'the hub ends at zero');
          const payIns = netting.instructions
            .filter((i) => i.kind === 'pay_in')
            .reduce((sum, i) => sum + i.amountMinor, 0n);
          assert.equal(netting.movedMinor, payIns);
          assert.equal(
            2n * netting.movedMinor,
            [...nets.values()].reduce((sum, net) => sum + abs(net), 0n),
            'moved = ½ Σ|net|',
          );
          assert.ok(
            netting.movedMinor <= netting.grossMinor,
            'netting never increases money moved',
          );
          assert.ok(
            netting.movedMinor <= netting.bilateralMovedMinor &&
              netting.bilateralMovedMinor <= netting.grossMinor,
          );
          if (netting.efficiency !== null) {
            const { numerator, denominator } = netting.efficiency;
            assert.equal(
              numerator * netting.grossMinor,
              denominator * (netting.grossMinor - netting.movedMinor),
            );
          } else assert.equal(netting.grossMinor, 0n);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('bilateral nets add up to the multilateral net, and bilateral instructions realise them', () => {
    fc.assert(
      fc.property(window, (items) => {
        for (const netting of netTransfers(items).currencies) {
          const sums = new Map<string, bigint>();
          const settled = new Map<string, bigint>(
            netting.positions.map((p) => [p.participant, p.netMinor]),
          );
          for (const pair of netting.bilateral) {
            assert.ok(pair.participantA < pair.participantB);
            assert.equal(pair.netMinor, pair.bToAMinor - pair.aToBMinor);
            sums.set(pair.participantA, (sums.get(pair.participantA) ?? 0n) + pair.netMinor);
            sums.set(pair.participantB, (sums.get(pair.participantB) ?? 0n) - pair.netMinor);
          }
          for (const p of netting.positions)
            assert.equal(sums.get(p.participant) ?? 0n, p.netMinor, p.participant);
          for (const { payer, payee, amountMinor } of netting.bilateralInstructions) {
            settled.set(payer, settled.get(payer)! + amountMinor);
            settled.set(payee, settled.get(payee)! - amountMinor);
          }
          for (const [participant, left] of settled) assert.equal(left, 0n, participant);
          assert.equal(
            netting.bilateralMovedMinor,
            netting.bilateral.reduce((sum, pair) => sum + abs(pair.netMinor), 0n),
          );
          assert.equal(
            netting.bilateralInstructions.length,
            netting.bilateral.filter((pair) => pair.netMinor !== 0n).length,
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same result from pre-summed pair totals as from the transfers themselves', () => {
    fc.assert(
      fc.property(window, (items) => {
        const totals = new Map<string, { item: NettingItem; sum: bigint; count: number }>();
        for (const one of items) {
          const ledger = one.currency === 'INR' || one.currency === 356 ? 356 : 643;
          const key = `${one.debitParticipant}|${one.creditParticipant}|${ledger}`;
          const entry = totals.get(key) ?? {
            item: { ...one, currency: ledger },
            sum: 0n,
            count: 0,
          };
          entry.sum += one.amount;
          entry.count += 1;
          totals.set(key, entry);
        }
        const accumulator = new NettingAccumulator();
        for (const { item: one, sum, count } of totals.values())
          accumulator.addAggregate(
            one.debitParticipant,
            one.creditParticipant,
            one.currency,
            sum,
            count,
          );
        const aggregated = accumulator.result();
        const expected = netTransfers(items);
        assert.deepEqual(aggregated.currencies, expected.currencies);
      }),
      { numRuns: 300 },
    );
  });

  it('without the bilateral lists, reports the same everything else', () => {
    fc.assert(
      fc.property(window, (items) => {
        const full = netTransfers(items);
        const lean = netTransfers(items, { bilateral: false });
        assert.deepEqual(lean, {
          ...full,
          currencies: full.currencies.map((c) => ({
            ...c,
            bilateral: [],
            bilateralInstructions: [],
          })),
        });
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on item order, on streaming one by one, or on the dense/sparse layout', () => {
    fc.assert(
      fc.property(
        window,
        fc.integer(),
        fc.constantFrom(0, 1, 3, 1024),
        (items, seed, denseParticipantLimit) => {
          const expected = netTransfers(items);
          const shuffled = fc.sample(
            fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
            { seed, numRuns: 1 },
          )[0]!;
          const accumulator = new NettingAccumulator({ denseParticipantLimit });
          for (const one of shuffled)
            accumulator.addTransfer(
              one.debitParticipant,
              one.creditParticipant,
              one.currency,
              one.amount,
            );
          assert.deepEqual(accumulator.result(), expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('nets a larger random window among many participants exactly (dense and past the dense limit)', () => {
    const next = (() => {
      let state = 42;
      return () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    })();
    const items: NettingItem[] = [];
    for (let n = 0; n < 20_000; n++) {
      const debit = Math.floor(next() * 1_500);
      const credit = Math.floor(next() * 1_500);
      items.push(
        item(
          `P${debit}`,
          `P${credit}`,
          BigInt(1 + Math.floor(next() * 1e12)),
          next() < 0.5 ? 'INR' : 'RUB',
        ),
      );
    }
    const result = netTransfers(items);
    for (const netting of result.currencies) {
      const { nets, gross } = plainNets(items, netting.ledger);
      assert.equal(netting.grossMinor, gross);
      assert.deepEqual(new Map(netting.positions.map((p) => [p.participant, p.netMinor])), nets);
    }
    assert.deepEqual(new NettingAccumulator({ denseParticipantLimit: 0 }).result(), {
      currencies: [],
      itemCount: 0,
    });
  });
});
