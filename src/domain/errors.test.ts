import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FxError } from '../fx/errors.js';
import { SettlementError } from '../settlement/errors.js';
import { checkPlainText, DomainError, HubError, invalidField } from './errors.js';

describe('refusals', () => {
  it('every refusal class takes its code, then one object naming field and message', () => {
    const hub = new HubError('participant_not_found', { field: 'bank', message: 'no bank b' });
    const fx = new FxError('invalid_rate', { field: 'rate', message: 'not a rate' });
    const netting = new SettlementError('invalid_amount', {
      field: 'amount',
      message: 'not an amount',
      itemIndex: 4,
    });
    for (const [error, name, code, field, message] of [
      [hub, 'HubError', 'participant_not_found', 'bank', 'no bank b'],
      [fx, 'FxError', 'invalid_rate', 'rate', 'not a rate'],
      [netting, 'SettlementError', 'invalid_amount', 'amount', 'not an amount'],
    ] as const) {
      assert.ok(error instanceof DomainError);
      assert.deepEqual(
        [error.name, error.code, error.field, error.message],
        [name, code, field, message],
      );
    }
    assert.equal(netting.itemIndex, 4);
    const invalid = invalidField({ field: 'name', message: 'too long' });
    assert.deepEqual(
      [invalid.code, invalid.field, invalid.message],
      ['invalid_field', 'name', 'too long'],
    );
    assert.equal(new HubError('quote_expired', { message: 'gone' }).field, undefined);
    assert.throws(
      () => checkPlainText('a\u0007b', { field: 'label', max: 80 }),
      (error: unknown) => error instanceof HubError && error.field === 'label',
    );
  });

  it('positional strings, which could be swapped unnoticed, do not compile', () => {
    // Checked by `tsc --noEmit` (the test files are part of the project): each line is an error.
    const refusals = () => [
      // @ts-expect-error the old HubError(code, message, field)
      new HubError('invalid_field', 'the message', 'the field'),
      // @ts-expect-error the old invalidField(field, message)
      invalidField('the field', 'the message'),
      // @ts-expect-error the old FxError(code, field, message)
      new FxError('invalid_rate', 'the field', 'the message'),
      // @ts-expect-error the old SettlementError(code, field, message, itemIndex)
      new SettlementError('invalid_amount', 'the field', 'the message', 0),
      // @ts-expect-error the old checkPlainText(field, text, max)
      checkPlainText('name', 'the text', 120),
    ];
    assert.equal(typeof refusals, 'function');
  });
});
