import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LedgerOverloadedError } from '../ledger/group-commit.js';
import { PostgresConnectionError } from '../store/postgres/write-transaction.js';
import {
  EarlierBatchFailedError,
  RetryableWriteError,
  StoreUnavailableError,
} from '../store/store.js';
import { toProblem } from './errors.js';

it('every error that means "not written, send it again" is a 503 with Retry-After, never a 500', () => {
  const cases: [Error, string][] = [
    [new RetryableWriteError('another process wrote to the database'), 'write_conflict'],
    [
      new EarlierBatchFailedError('an earlier batch it read from was not written'),
      'write_conflict',
    ],
    [new StoreUnavailableError('database or disk is full'), 'store_unavailable'],
    [new PostgresConnectionError('lost the connection', 'not_written'), 'store_unavailable'],
    [new LedgerOverloadedError(65_536), 'ledger_overloaded'],
  ];
  for (const [error, code] of cases) {
    const problem = toProblem(error);
    assert.equal(problem?.status, 503, `${error.constructor.name}`);
    assert.equal(problem.code, code, `${error.constructor.name}`);
    assert.ok(
      (problem.extra.retryAfterSeconds ?? 0) >= 1,
      `${error.constructor.name} carries Retry-After`,
    );
  }
  assert.equal(
    toProblem(new Error('a bug')),
    undefined,
    'anything else is a bug: 500, logged with its stack',
  );
});
