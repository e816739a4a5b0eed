import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AMOUNT_MAX } from './currency.js';
import { newAccountId, newTransferId, ZERO_TRANSFER_ID } from './ids.js';
import { decodeTransfers, encodeTransfers, GENESIS_HASH, hashTransfers } from './journal.js';
import type { Transfer } from './model.js';

function sample(overrides: Partial<Transfer> = {}): Transfer {
  return {
    id: newTransferId(),
    debitAccountId: newAccountId(),
    creditAccountId: newAccountId(),
    amount: 12_500_00n,
    pendingId: ZERO_TRANSFER_ID,
    ledger: 356,
    code: 7,
    flags: 2,
    timeoutSeconds: 3600,
    reference: 'INV-2026/42 ₹',
    userData64: 99n,
    userData32: 4_000_000_000,
    timestamp: 1_767_225_600_000_000_001n,
    ...overrides,
  };
}

describe('journal encoding', () => {
  it('decodes exactly what it encoded, including the extremes and non-ASCII references', () => {
    const transfers = [
      sample(),
      sample({ amount: AMOUNT_MAX, userData64: (1n << 63n) - 1n, reference: '' }),
      sample({ reference: 'x'.repeat(64) }),
    ];
    const decoded: Transfer[] = [];
    decodeTransfers(
      encodeTransfers(transfers),
      (
        id,
        debit,
        credit,
        pendingId,
        amount,
        ledger,
        code,
        flags,
        timeoutSeconds,
        userData64,
        userData32,
        timestamp,
        reference,
      ) => {
        decoded.push({
          id,
          debitAccountId: debit,
          creditAccountId: credit,
          pendingId,
          amount,
          ledger,
          code,
          flags,
          timeoutSeconds,
          userData64,
          userData32,
          timestamp,
          reference,
        } as Transfer);
      },
    );
    assert.deepEqual(decoded, transfers);
  });

  it('encodes into memory the caller supplies, byte for byte as into its own, and hashes from it', () => {
    const transfers = [sample(), sample({ reference: '' })];
    const own = Buffer.from(encodeTransfers([...transfers]));
    const supplied = new ArrayBuffer(64 * 1024);
    new Uint8Array(supplied).fill(0xee); // left over from an earlier batch
    const encoded = encodeTransfers(transfers, (bytes) => {
      assert.ok(bytes >= own.length);
      return supplied;
    });
    assert.equal(encoded.buffer, supplied);
    assert.deepEqual(Buffer.from(encoded), own);
    assert.deepEqual(
      hashTransfers(GENESIS_HASH, transfers),
      hashTransfers(GENESIS_HASH, [...transfers]),
    );
  });

  it('chains: any change to a record or to the previous hash changes the hash', () => {
    const transfers = [sample(), sample()];
    const hash = hashTransfers(GENESIS_HASH, transfers);
    assert.equal(hash.length, 32);
    assert.deepEqual(hashTransfers(GENESIS_HASH, [...transfers]), hash, 'deterministic');
    assert.notDeepEqual(
      hashTransfers(GENESIS_HASH, [
        transfers[0] as Transfer,
        { ...(transfers[1] as Transfer), amount: 1n },
      ]),
      hash,
    );
    assert.notDeepEqual(hashTransfers(Buffer.alloc(32, 1), [...transfers]), hash);
    assert.notDeepEqual(
      hashTransfers(GENESIS_HASH, [transfers[1] as Transfer, transfers[0] as Transfer]),
      hash,
      'order matters',
    );
  });
});
