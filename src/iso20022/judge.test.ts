import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../domain/errors.js';
import { BatchRejectedError } from '../settlement/pay-batch.js';
import { groupStatusOf, rejectionOf } from './judge.js';

describe('reason codes of payment refusals', () => {
  it('maps each refusal a payment can meet after mapping to its ISO reason', () => {
    const cases: [HubError, string][] = [
      [new HubError('insufficient_funds', { field: 'payer', message: 'm' }), 'AM04'],
      [new HubError('liquidity_cap_exceeded', { field: 'payer', message: 'm' }), 'AM04'],
      [new HubError('account_not_found', { field: 'payer', message: 'm' }), 'AC01'],
      [new HubError('account_role_mismatch', { field: 'payee', message: 'm' }), 'AC01'],
      [new HubError('participant_suspended', { field: 'payer', message: 'm' }), 'AC04'],
      [new HubError('payment_refused', { field: 'id', message: 'm' }), 'DUPL'],
      [new HubError('payment_refused', { field: 'payee', message: 'm' }), 'AM03'],
      [new HubError('payment_refused', { field: 'payer', message: 'm' }), 'NARR'],
      [new HubError('invalid_field', { field: 'amount', message: 'm' }), 'AM01'],
      [new HubError('invalid_field', { field: 'reference', message: 'm' }), 'NARR'],
      [new HubError('unknown_currency', { field: 'payer', message: 'm' }), 'NARR'],
      [
        new BatchRejectedError(
          2,
          new HubError('insufficient_funds', { message: 'too little' }),
          'x',
        ),
        'NARR',
      ],
    ];
    for (const [error, code] of cases) {
      const rejection = rejectionOf(error);
      assert.equal(rejection.code, code, `${error.code} ${error.field ?? ''}`);
      assert.equal(rejection.info, error.message);
    }
  });

  it('a group is ACSC when all are accepted, RJCT when none, PART between', () => {
    assert.equal(groupStatusOf([{ status: 'ACSC' }, { status: 'ACSC' }]), 'ACSC');
    assert.equal(groupStatusOf([{ status: 'ACSC' }, { status: 'RJCT' }]), 'PART');
    assert.equal(groupStatusOf([{ status: 'RJCT' }]), 'RJCT');
    assert.equal(groupStatusOf([]), 'RJCT');
  });
});
