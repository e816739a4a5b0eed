import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupDigits, humanAmount, humanAmountWithCode } from './human.js';

describe('amounts for people', () => {
  it('groups the whole part in thousands, keeping the sign and the decimals', () => {
    const cases: [string, string][] = [
      ['0.00', '0.00'],
      ['999.99', '999.99'],
      ['1000.00', '1,000.00'],
      ['-1000.00', '-1,000.00'],
      ['1234567.89', '1,234,567.89'],
      ['-123456789012.5', '-123,456,789,012.5'],
      ['100000', '100,000'],
      ['92233720368547758.07', '92,233,720,368,547,758.07'],
    ];
    for (const [text, grouped] of cases) assert.equal(groupDigits(text), grouped, text);
  });

  it('leaves anything that is not a decimal alone', () => {
    for (const text of ['', 'n/a', '1e6', '12,345.00', '1.2.3'])
      assert.equal(groupDigits(text), text);
  });

  it('groups INR and RUB alike (thousands, not lakh and crore)', () => {
    assert.equal(humanAmount(1_234_567_89n, 356), '1,234,567.89');
    assert.equal(humanAmountWithCode(1_234_567_89n, 356), '1,234,567.89 INR');
    assert.equal(humanAmountWithCode(-1_234_567_89n, 643), '-1,234,567.89 RUB');
  });
});
