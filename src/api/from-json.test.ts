import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newAccountId, newTransferId, ZERO_ID } from '../ledger/ids.js';
import { currencyByCode } from '../ledger/currency.js';
import {
  accountIdOf,
  accountInput,
  itemInputs,
  resolveInput,
  transferIdOf,
  transferInput,
} from './from-json.js';
import { ApiProblem } from './problems.js';
import type { TransferCreate } from './schemas.js';

/**
 * Ids from a request go through the ledger's id parser, never a cast: the schemas match the UUID
 * pattern first, but whatever reaches these functions unmatched is a 400 naming its field, and a
 * matched id comes out in canonical (lower-case) form.
 */
describe('ids read from a request', () => {
  const refusal = (run: () => unknown): { field: string | undefined; code: string } => {
    try {
      run();
    } catch (error) {
      assert.ok(error instanceof ApiProblem, String(error));
      assert.equal(error.status, 400);
      return { field: error.extra.errors?.[0]?.field, code: error.code };
    }
    assert.fail('expected a 400');
  };

  it('accountIdOf and transferIdOf refuse text that is not a UUID, naming the field', () => {
    for (const text of ['', 'nope', '0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a5', `${newAccountId()}x`]) {
      assert.deepEqual(
        refusal(() => accountIdOf(text, '/payer')),
        {
          field: '/payer',
          code: 'invalid_request',
        },
      );
      assert.deepEqual(
        refusal(() => transferIdOf(text, 'path.id')),
        {
          field: 'path.id',
          code: 'invalid_request',
        },
      );
    }
  });

  it('gives the canonical lower-case id of any UUID text', () => {
    const id = newAccountId();
    assert.equal(accountIdOf(id.toUpperCase(), '/payer'), id);
    const transfer = newTransferId();
    assert.equal(transferIdOf(transfer.toUpperCase(), 'path.id'), transfer);
  });

  const transfer = (overrides: Partial<TransferCreate> = {}): TransferCreate => ({
    id: newTransferId(),
    debitAccountId: newAccountId(),
    creditAccountId: newAccountId(),
    amount: '1.00',
    currency: 'INR',
    code: 1,
    ...overrides,
  });

  it('a transfer, an account and a post or void name the id field that is not a UUID', () => {
    for (const field of ['id', 'debitAccountId', 'creditAccountId'] as const)
      assert.equal(
        refusal(() => transferInput(transfer({ [field]: 'not-an-id' }))).field,
        `/${field}`,
      );
    assert.equal(
      refusal(() =>
        accountInput({ id: 'not-an-id', owner: 'sbi', currency: 'INR', kind: 'settlement' }),
      ).field,
      '/id',
    );
    const currency = currencyByCode('INR');
    assert.ok(currency !== undefined);
    assert.equal(
      refusal(() =>
        resolveInput({
          body: { id: 'not-an-id' },
          pendingId: transferIdOf(newTransferId(), '/pendingId'),
          currency,
          flags: 0,
        }),
      ).field,
      '/id',
    );
  });

  it('in a batch, the item’s pointer comes first', () => {
    const items = [transfer(), transfer({ creditAccountId: 'not-an-id' })];
    assert.equal(
      refusal(() => itemInputs(items, '/transfers', transferInput)).field,
      '/transfers/1/creditAccountId',
    );
  });

  it('upper-case ids become the canonical form; a post or void names no accounts (the zero id)', () => {
    const body = transfer();
    const input = transferInput({
      ...body,
      id: body.id.toUpperCase(),
      debitAccountId: body.debitAccountId.toUpperCase(),
    });
    assert.equal(input.id, body.id);
    assert.equal(input.debitAccountId, body.debitAccountId);
    assert.equal(input.pendingId, ZERO_ID);
    const currency = currencyByCode('INR');
    assert.ok(currency !== undefined);
    const resolve = resolveInput({
      body: { id: newTransferId() },
      pendingId: transferIdOf(body.id, '/pendingId'),
      currency,
      flags: 0,
    });
    assert.equal(resolve.debitAccountId, ZERO_ID);
    assert.equal(resolve.creditAccountId, ZERO_ID);
  });
});
