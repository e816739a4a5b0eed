/**
 * The writer of the crash test. Opens the store named on the command line, makes sure the
 * accounts exist, then writes batch after batch of transfers with ids derived from the batch
 * number, printing `ack <n>` after each batch's results come back. The parent kills it at random.
 */
import { createHash } from 'node:crypto';
import { TransferFlags } from '../../ledger/flags.js';
import { ZERO_TRANSFER_ID, type AccountId, type TransferId } from '../../ledger/ids.js';
import { Ledger } from '../../ledger/ledger.js';
import type { TransferInput } from '../../ledger/model.js';
import { accountId, transferId } from './fixtures.js';
import { openStoreForTests } from './open-store.js';

export const CRASH_ACCOUNTS = 20;
export const CRASH_BATCH_SIZE = 400;

export function derivedId(label: string): string {
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function crashAccountId(index: number): AccountId {
  return accountId(derivedId(`crash-account-${index}`));
}

export function crashTransferId(batch: number, index: number): TransferId {
  return transferId(derivedId(`crash-transfer-${batch}-${index}`));
}

/** Batch n: plain transfers in linked pairs, so a torn batch would show as half a pair. */
export function crashBatch(batch: number): TransferInput[] {
  return Array.from({ length: CRASH_BATCH_SIZE }, (_, index) => ({
    id: crashTransferId(batch, index),
    debitAccountId: crashAccountId((batch + index) % CRASH_ACCOUNTS),
    creditAccountId: crashAccountId(
      (batch + index * 7 + 1) % CRASH_ACCOUNTS === (batch + index) % CRASH_ACCOUNTS
        ? (batch + index + 1) % CRASH_ACCOUNTS
        : (batch + index * 7 + 1) % CRASH_ACCOUNTS,
    ),
    amount: BigInt(1 + ((batch * 31 + index) % 997)),
    pendingId: ZERO_TRANSFER_ID,
    ledger: 356,
    code: 1,
    flags: index % 2 === 0 ? TransferFlags.linked : TransferFlags.none,
    timeoutSeconds: 0,
    reference: `crash-${batch}`,
    userData64: 0n,
    userData32: 0,
  }));
}

async function main(): Promise<void> {
  const target = process.argv[2];
  if (target === undefined) throw new Error('usage: crash-child <sqlite path | postgres url>');
  const store = await openStoreForTests(target, { flushIntervalMs: 25 });
  const ledger = new Ledger(store);
  const accounts = Array.from({ length: CRASH_ACCOUNTS }, (_, index) => ({
    id: crashAccountId(index),
    ledger: 356,
    code: 1,
    flags: 0,
    owner: 'crash',
    reference: '',
    userData64: 0n,
    userData32: 0,
  }));
  await ledger.createAccounts(accounts);
  let batch = Math.floor((await store.counts()).transfers / CRASH_BATCH_SIZE);
  process.stdout.write(`ready ${batch}\n`);
  for (;;) {
    const outcome = await ledger.createTransfers(crashBatch(batch));
    if (!outcome.ok || outcome.results.some((result) => result !== 'ok'))
      throw new Error(`batch ${batch} refused`);
    process.stdout.write(`ack ${batch}\n`);
    batch += 1;
  }
}

if (
  process.argv[1]?.endsWith('crash-child.ts') === true ||
  process.argv[1]?.endsWith('crash-child.js') === true
) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
