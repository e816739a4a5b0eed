import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferFlags } from './flags.js';
import { accountId, transferId } from '../store/conformance/fixtures.js';
import { ZERO_TRANSFER_ID } from './ids.js';
import type { StoredTransfer } from './model.js';
import {
  currentPeriod,
  nextTallyConfig,
  parseTallyConfig,
  tallyConfigDocument,
  tallyTransfers,
} from './tallies.js';

const A = accountId('0195a000-0000-7000-8000-00000000000a');
const B = accountId('0195a000-0000-7000-8000-00000000000b');
const C = accountId('0195a000-0000-7000-8000-00000000000c');

function stored(overrides: Partial<StoredTransfer>): StoredTransfer {
  return {
    id: transferId('0195b000-0000-7000-8000-000000000001'),
    debitAccountId: A,
    creditAccountId: B,
    amount: 10n,
    pendingId: ZERO_TRANSFER_ID,
    ledger: 356,
    code: 1,
    flags: 0,
    timeoutSeconds: 0,
    reference: '',
    userData64: 0n,
    userData32: 0,
    timestamp: 1n,
    ...overrides,
  };
}

describe('pair tallies', () => {
  it('sum posted amounts per ledger, code and pair; pending transfers, voids, other codes and untallied accounts add nothing', () => {
    const tallies = tallyTransfers(
      [
        stored({ amount: 10n }),
        stored({ amount: 5n }),
        stored({ amount: 7n, debitAccountId: B, creditAccountId: A }),
        stored({ amount: 3n, code: 4 }),
        stored({ amount: 100n, flags: TransferFlags.pending }),
        stored({ amount: 40n, flags: TransferFlags.postPending }),
        stored({ amount: 100n, flags: TransferFlags.voidPending }),
        stored({ amount: 9n, code: 2 }),
        stored({ amount: 11n, ledger: 643 }),
        stored({ amount: 13n, creditAccountId: C }),
        stored({ amount: 17n, debitAccountId: C, creditAccountId: A }),
      ],
      new Set([1, 4]),
      (ledger) => (ledger === 356 ? 3 : undefined),
      (account) => account !== C,
    );
    assert.deepEqual(
      tallies.map((tally) => [
        tally.ledger,
        tally.period,
        tally.code,
        tally.debitAccountId === A ? 'A→B' : 'B→A',
        tally.amount,
        tally.count,
      ]),
      [
        [356, 3, 1, 'A→B', 55n, 3],
        [356, 3, 1, 'B→A', 7n, 1],
        [356, 3, 4, 'A→B', 3n, 1],
      ],
    );
  });

  it('a ledger is in the period its document names, or in the configuration’s first when that document is older', () => {
    const config = nextTallyConfig(undefined, [1, 4], 500n);
    assert.deepEqual([config.firstPeriod, config.nextPeriod], [0, 1]);
    assert.equal(currentPeriod(356, config, undefined).period, 0);
    assert.equal(currentPeriod(356, config, undefined).since, 500n);
    assert.deepEqual(currentPeriod(356, config, { period: 4, since: '700' }), {
      ledger: 356,
      period: 4,
      since: 700n,
      codes: [1, 4],
    });
    const changed = nextTallyConfig({ ...config, nextPeriod: 9 }, [1], 900n);
    assert.deepEqual(
      currentPeriod(356, changed, { period: 4, since: '700' }),
      { ledger: 356, period: 9, since: 900n, codes: [1] },
      'a period never takes a number used before',
    );
    assert.deepEqual(parseTallyConfig(tallyConfigDocument(changed)), changed);
    assert.equal(parseTallyConfig(undefined), undefined);
    assert.throws(() => parseTallyConfig({ codes: [1], since: 5 }), /malformed/);
  });
});
