import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatcherOverloadedError } from '../domain/batcher.js';
import { FxError, type FxErrorCode } from '../fx/errors.js';
import { SettlementError, type SettlementErrorCode } from '../settlement/errors.js';
import { openTestApi, type TestApi } from './api.test-helper.js';
import { toProblem } from './errors.js';

describe('domain failures over HTTP', () => {
  it('each FX code answers with the status and problem code of the hub refusal it maps to', () => {
    const expected: Record<FxErrorCode, [number, string]> = {
      invalid_rate: [400, 'invalid_rate'],
      rate_out_of_range: [400, 'invalid_rate'],
      invalid_parameter: [400, 'invalid_parameter'],
      invalid_amount: [400, 'invalid_field'],
      unknown_currency: [400, 'unknown_currency'],
      same_currency: [400, 'same_currency'],
      amount_too_small: [422, 'amount_too_small'],
      amount_too_large: [422, 'amount_too_large'],
    };
    for (const [code, [status, problemCode]] of Object.entries(expected)) {
      const problem = toProblem(
        new FxError(code as FxErrorCode, { field: 'spreadBps', message: `${code} happened` }),
      );
      assert.ok(problem !== undefined, code);
      assert.equal(problem.status, status, code);
      assert.equal(problem.code, problemCode, code);
      assert.deepEqual(problem.extra.errors, [{ field: '/spreadBps', reason: `${code} happened` }]);
    }
  });

  it('each netting code is a 400 with the problem code of the hub refusal it maps to', () => {
    const expected: Record<SettlementErrorCode, string> = {
      unknown_currency: 'unknown_currency',
      invalid_amount: 'invalid_field',
      invalid_participant: 'invalid_field',
      invalid_parameter: 'invalid_parameter',
    };
    for (const [code, problemCode] of Object.entries(expected)) {
      const problem = toProblem(
        new SettlementError(code as SettlementErrorCode, {
          field: 'amount',
          message: 'bad',
          itemIndex: 3,
        }),
      );
      assert.ok(problem !== undefined, code);
      assert.equal(problem.status, 400, code);
      assert.equal(problem.code, problemCode, code);
    }
  });

  it('a full Batcher queue (FX executions) is 503 ledger_overloaded with Retry-After', () => {
    const problem = toProblem(new BatcherOverloadedError(65_536, 'FX executions'));
    assert.ok(problem !== undefined);
    assert.equal(problem.status, 503);
    assert.equal(problem.code, 'ledger_overloaded');
    assert.equal(problem.extra.retryAfterSeconds, 1);
    assert.match(problem.message, /65536 FX executions are waiting/);
  });

  describe('a pair of one currency', () => {
    let api: TestApi;
    before(async () => {
      api = await openTestApi();
    });
    after(async () => api.close());

    it('is refused as same_currency (400) naming the target, not as just any invalid field', async () => {
      const response = await api.call({
        method: 'PUT',
        url: '/v1/fx/rates',
        payload: { source: 'RUB', target: 'RUB', rate: '1', asOf: '2026-11-21' },
      });
      assert.equal(response.statusCode, 400, response.body);
      const problem = response.json();
      assert.equal(problem.code, 'same_currency');
      assert.deepEqual(problem.errors, [
        { field: '/target', reason: 'source and target currencies must differ' },
      ]);
    });
  });
});
