import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AMOUNT_MAX,
  currencyByCode,
  currencyByLedger,
  formatAmount,
  parseAmount,
  type Currency,
} from './currency.js';

const INR = currencyByCode('INR') as Currency;

describe('currencies and amounts', () => {
  it('knows the ISO 4217 codes, numbers and exponents', () => {
    assert.deepEqual(
      [
        currencyByCode('inr')?.ledger,
        currencyByCode('RUB')?.ledger,
        currencyByCode('USD')?.ledger,
        currencyByCode('AED')?.ledger,
        currencyByCode('CNY')?.ledger,
      ],
      [356, 643, 840, 784, 156],
    );
    assert.equal(currencyByLedger(643)?.code, 'RUB');
    assert.equal(currencyByCode('XXX'), undefined);
  });

  it('parses decimal strings into minor units exactly', () => {
    assert.deepEqual(parseAmount('12500.00', INR), { ok: true, amountMinor: 1_250_000n });
    assert.deepEqual(parseAmount('0.5', INR), { ok: true, amountMinor: 50n });
    assert.deepEqual(parseAmount('7', INR), { ok: true, amountMinor: 700n });
    assert.deepEqual(parseAmount('92233720368547758.07', INR), {
      ok: true,
      amountMinor: AMOUNT_MAX,
    });
  });

  it('refuses every other form with a code that says why', () => {
    const code = (text: unknown, allowZero = false): string | undefined => {
      const parsed = parseAmount(text, INR, { allowZero });
      return parsed.ok ? undefined : parsed.error.code;
    };
    assert.equal(code(12.5), 'amount_not_a_string');
    for (const text of [
      '',
      '-5',
      '+5',
      '1e3',
      '1,000.00',
      '01.00',
      '.5',
      '5.',
      ' 5',
      'NaN',
      'Infinity',
      '0x10',
      '１２',
    ])
      assert.equal(code(text), 'amount_malformed', text);
    assert.equal(code('1.234'), 'amount_too_precise');
    assert.equal(code('0'), 'amount_out_of_range');
    assert.equal(code('0', true), undefined);
    assert.equal(code('92233720368547758.08'), 'amount_out_of_range');
  });

  it('formats and parses back every amount unchanged', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: AMOUNT_MAX }), (amountMinor) => {
        const parsed = parseAmount(formatAmount(amountMinor, INR), INR);
        assert.deepEqual(parsed, { ok: true, amountMinor });
      }),
    );
    assert.equal(formatAmount(-1250n, INR), '-12.50');
    assert.equal(formatAmount(5n, INR), '0.05');
  });
});
