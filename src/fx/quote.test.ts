import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AMOUNT_MAX, parseAmount, currencyByCode, type Currency } from '../ledger/currency.js';
import { sourceForTarget, targetForSource } from './convert.js';
import { FxError } from './errors.js';
import { marketRate } from './fx.test-helper.js';
import {
  calculateQuote,
  checkQuoteUsable,
  DEFAULT_QUOTE_TTL_MS,
  quoteJson,
  type QuoteRequest,
} from './quote.js';
import { formatRate, parseRate } from './rate.js';

const NOW = Date.UTC(2026, 10, 22, 9, 30);
const base: QuoteRequest = {
  pair: { source: 'INR', target: 'RUB' },
  side: 'source',
  amountMinor: 1_000_000n,
  referenceRate: '1.0734',
  spreadBps: 25,
  feeMinor: 5_000n,
  providerId: 'fx-provider-1',
  nowMs: NOW,
};

describe('quotes', () => {
  it('prices a fixed source amount at the bid, target rounded down, fee on top', () => {
    const quote = calculateQuote(base);
    assert.deepEqual(quote, {
      providerId: 'fx-provider-1',
      sourceCurrency: 'INR',
      targetCurrency: 'RUB',
      side: 'source',
      sourceAmountMinor: 1_000_000n,
      targetAmountMinor: 1_070_716n, // 10 000.00 × 1.0707165 = 10 707.165 → 10 707.16
      feeMinor: 5_000n,
      totalDebitMinor: 1_005_000n,
      referenceRate: '1.0734',
      spreadBps: 25,
      rate: '1.0707165',
      createdAtMs: NOW,
      expiresAtMs: NOW + DEFAULT_QUOTE_TTL_MS,
    });
    assert.deepEqual(quoteJson(quote), {
      providerId: 'fx-provider-1',
      sourceCurrency: 'INR',
      targetCurrency: 'RUB',
      side: 'source',
      sourceAmount: '10000.00',
      targetAmount: '10707.16',
      fee: '50.00',
      totalDebit: '10050.00',
      referenceRate: '1.0734',
      spreadBps: 25,
      rate: '1.0707165',
      createdAt: '2026-11-22T09:30:00.000Z',
      expiresAt: '2026-11-22T09:31:00.000Z',
    });
    assert.deepEqual(JSON.parse(JSON.stringify(quoteJson(quote))), quoteJson(quote), 'plain JSON');
  });

  it('prices a fixed target amount with the source rounded up', () => {
    const quote = calculateQuote({
      ...base,
      side: 'target',
      amountMinor: 1_070_717n,
      feeMinor: 0n,
      ttlMs: 5_000,
      pair: { source: 356, target: 643 },
    });
    assert.equal(quote.sourceAmountMinor, 1_000_001n); // 10 707.17 / 1.0707165 = 10 000.0046… → 10 000.01
    assert.equal(quote.targetAmountMinor, 1_070_717n);
    assert.equal(quote.totalDebitMinor, 1_000_001n);
    assert.equal(quote.expiresAtMs, NOW + 5_000);
  });

  it('is usable strictly before it expires', () => {
    const quote = calculateQuote(base);
    assert.equal(checkQuoteUsable(quote, NOW), 'ok');
    assert.equal(checkQuoteUsable(quote, quote.expiresAtMs - 1), 'ok');
    assert.equal(checkQuoteUsable(quote, quote.expiresAtMs), 'quote_expired');
    assert.equal(checkQuoteUsable(quote, quote.expiresAtMs + 3_600_000), 'quote_expired');
  });

  it('refuses bad input with the code and field of the fault', () => {
    const failure = (change: Partial<QuoteRequest>): [string, string] | undefined => {
      try {
        calculateQuote({ ...base, ...change });
        return undefined;
      } catch (error) {
        assert.ok(error instanceof FxError, String(error));
        return [error.code, error.field];
      }
    };
    assert.deepEqual(failure({ pair: { source: 'INR', target: 'inr' } }), [
      'same_currency',
      'pair.target',
    ]);
    assert.deepEqual(failure({ pair: { source: 'XXX', target: 'RUB' } }), [
      'unknown_currency',
      'pair.source',
    ]);
    assert.deepEqual(failure({ pair: { source: 'INR', target: 1 } }), [
      'unknown_currency',
      'pair.target',
    ]);
    const yen: Currency = { code: 'JPY', ledger: 392, exponent: 0, name: 'Japanese yen' };
    assert.deepEqual(failure({ pair: { source: 'INR', target: yen } }), [
      'unknown_currency',
      'pair.target',
    ]);
    assert.deepEqual(
      failure({ pair: { source: currencyByCode('RUB') as Currency, target: 'INR' } }),
      undefined,
    );
    assert.deepEqual(failure({ referenceRate: '1,07' }), ['invalid_rate', 'referenceRate']);
    assert.deepEqual(failure({ referenceRate: '-1.07' }), ['invalid_rate', 'referenceRate']);
    assert.deepEqual(failure({ referenceRate: '0' }), ['invalid_rate', 'referenceRate']);
    assert.deepEqual(failure({ spreadBps: 10_000 }), ['invalid_parameter', 'spreadBps']);
    assert.deepEqual(failure({ spreadBps: 0.5 }), ['invalid_parameter', 'spreadBps']);
    assert.deepEqual(failure({ side: 'both' as 'source' }), ['invalid_parameter', 'side']);
    assert.deepEqual(failure({ providerId: '' }), ['invalid_parameter', 'providerId']);
    assert.deepEqual(failure({ nowMs: -1 }), ['invalid_parameter', 'nowMs']);
    assert.deepEqual(failure({ nowMs: 1.5 }), ['invalid_parameter', 'nowMs']);
    assert.deepEqual(failure({ ttlMs: 0 }), ['invalid_parameter', 'ttlMs']);
    assert.deepEqual(failure({ ttlMs: 86_400_001 }), ['invalid_parameter', 'ttlMs']);
    assert.deepEqual(failure({ amountMinor: 0n }), ['invalid_amount', 'amount']);
    assert.deepEqual(failure({ amountMinor: -1n }), ['invalid_amount', 'amount']);
    assert.deepEqual(failure({ feeMinor: -1n }), ['invalid_amount', 'feeMinor']);
    assert.deepEqual(failure({ amountMinor: 1n, referenceRate: '0.5' }), [
      'amount_too_small',
      'amount',
    ]);
    assert.deepEqual(failure({ amountMinor: AMOUNT_MAX, spreadBps: 0, referenceRate: '1.0001' }), [
      'amount_too_large',
      'amount',
    ]);
    assert.deepEqual(
      failure({ amountMinor: AMOUNT_MAX, spreadBps: 0, referenceRate: '1', feeMinor: 1n }),
      ['amount_too_large', 'amount'],
    );
    assert.deepEqual(
      failure({ amountMinor: AMOUNT_MAX, spreadBps: 0, referenceRate: '1', feeMinor: 0n }),
      undefined,
    );
    assert.deepEqual(failure({ referenceRate: '0.000000000001', spreadBps: 1 }), [
      'rate_out_of_range',
      'rate',
    ]);
  });

  it('never gives the client more than the reference rate, and can be re-checked from its own rate string', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'source' | 'target'>('source', 'target'),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        marketRate,
        fc.integer({ min: 0, max: 500 }),
        fc.bigInt({ min: 0n, max: 100_000n }),
        (side, amountMinor, reference, spreadBps, feeMinor) => {
          const referenceRate = formatRate(reference);
          let quote;
          try {
            quote = calculateQuote({
              ...base,
              side,
              amountMinor,
              referenceRate,
              spreadBps,
              feeMinor,
            });
          } catch (error) {
            assert.ok(error instanceof FxError && error.code === 'amount_too_small', String(error));
            return;
          }
          const rate = parseRate(quote.rate);
          assert.equal(quote.totalDebitMinor, quote.sourceAmountMinor + feeMinor);
          if (side === 'source') {
            assert.equal(
              quote.targetAmountMinor,
              targetForSource(quote.sourceAmountMinor, 'INR', 'RUB', rate),
            );
            assert.ok(
              quote.targetAmountMinor <=
                targetForSource(quote.sourceAmountMinor, 'INR', 'RUB', reference),
            );
          } else {
            assert.equal(
              quote.sourceAmountMinor,
              sourceForTarget(quote.targetAmountMinor, 'INR', 'RUB', rate),
            );
            assert.ok(
              quote.sourceAmountMinor >=
                sourceForTarget(quote.targetAmountMinor, 'INR', 'RUB', reference),
            );
          }
          const json = quoteJson(quote);
          const inr = currencyByCode('INR') as Currency;
          assert.deepEqual(parseAmount(json.sourceAmount, inr), {
            ok: true,
            amountMinor: quote.sourceAmountMinor,
          });
        },
      ),
      { numRuns: 3000 },
    );
  });
});
