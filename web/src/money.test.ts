import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCompact, formatMajor, formatMoney, groupDigits, majorToMinor } from './money.ts';

describe('dashboard money formatting', () => {
  it('groups rupees in lakhs and crores, roubles in thousands', () => {
    assert.equal(groupDigits('147839850', 'INR'), '14,78,39,850');
    assert.equal(groupDigits('147839850', 'RUB'), '147,839,850');
    assert.equal(groupDigits('999', 'INR'), '999');
    assert.equal(groupDigits('1000', 'INR'), '1,000');
    assert.equal(groupDigits('100000', 'INR'), '1,00,000');
  });

  it('formats minor-unit strings exactly, beyond what a float holds', () => {
    assert.equal(formatMoney('14783985000', 'INR'), '₹14,78,39,850.00');
    assert.equal(formatMoney('123456789', 'RUB'), '₽1,234,567.89');
    assert.equal(formatMoney('5', 'INR'), '₹0.05');
    assert.equal(formatMoney('-250', 'RUB'), '−₽2.50');
    // 2^63 + 1 paise: a double would round it.
    assert.equal(formatMoney('9223372036854775809', 'INR'), '₹92,23,37,20,36,85,47,758.09');
    assert.throws(() => formatMoney('1.5', 'INR'));
  });

  it('reads the API’s decimal major units exactly', () => {
    assert.equal(majorToMinor('147839850.00', 'INR'), 14783985000n);
    assert.equal(majorToMinor('12.5', 'RUB'), 1250n);
    assert.equal(majorToMinor('-0.01', 'INR'), -1n);
    assert.equal(formatMajor('38175000.00', 'INR'), '₹3,81,75,000.00');
    assert.throws(() => majorToMinor('1.001', 'INR'));
    assert.throws(() => majorToMinor('1e5', 'INR'));
  });

  it('shortens for tiles by truncating, never rounding up', () => {
    assert.equal(formatCompact('14783985000', 'INR'), '₹14.78 crore');
    assert.equal(formatCompact('35099999', 'INR'), '₹3.50 lakh');
    assert.equal(formatCompact('123456789', 'RUB'), '₽1.23 million');
    assert.equal(formatCompact('-999999999999', 'RUB'), '−₽9.99 billion');
    assert.equal(formatCompact('12345', 'INR'), '₹123.45');
  });
});
