import type { LedgerStore, WriteTransaction } from '../store/store.js';
import {
  FLOW_BUILT_KEY,
  FLOW_COLLECTION,
  FlowSums,
  monthOf,
  monthStartNs,
  type FlowAccount,
  type FlowAccountsHook,
} from './flows.js';
import type { AccountId } from './ids.js';
import type { Account } from './model.js';

/**
 * Builds the monthly flow totals (flows.ts) from the transfers already stored, in one pass: a
 * database written before the totals existed (or by a process without the hub's hook) is brought
 * to what the hub would have counted. The transfers up to the newest committed timestamp are summed
 * per month and account pair by the database (one primary-key range per month), outside any write;
 * then one write transaction checks that nothing was written since (else it starts over), maps the
 * pairs to countries and parties through the hook, replaces the totals and marks them built.
 */
export async function buildFlowTotals(
  store: LedgerStore,
  exclusive: <T>(work: (transaction: WriteTransaction) => Promise<T>) => Promise<T>,
  hook: FlowAccountsHook | undefined,
  nowNs: () => bigint,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const mark = await store.lastTimestamp();
    const months: { month: number; pairs: Awaited<ReturnType<LedgerStore['flowPairs']>> }[] = [];
    if (mark > 0n) {
      // No transfer is older than the oldest account: the months from its own on.
      const [oldest] = await store.accountsAfter(0n, 1);
      for (let month = monthOf(oldest?.timestamp ?? mark); month <= monthOf(mark); month += 1) {
        const next = monthStartNs(month + 1) - 1n;
        const pairs = await store.flowPairs(monthStartNs(month), next < mark ? next : mark);
        if (pairs.length > 0) months.push({ month, pairs });
      }
    }
    const built = await exclusive(async (transaction) => {
      const head = await transaction.lastJournalEntry();
      if ((head?.lastTimestamp ?? 0n) !== mark) return false;
      const ids = new Set<AccountId>();
      for (const { pairs } of months)
        for (const pair of pairs) ids.add(pair.debitAccountId).add(pair.creditAccountId);
      let known: ReadonlyMap<AccountId, FlowAccount> | undefined;
      if (hook !== undefined && ids.size > 0) {
        const accounts = await transaction.loadAccounts([...ids]);
        known = await hook(transaction, [...accounts.values()] as Account[]);
      }
      const none: FlowAccount = { country: '', parties: [] };
      const sums = new FlowSums();
      for (const { month, pairs } of months)
        for (const pair of pairs)
          sums.add(
            pair.code,
            month,
            pair.ledger,
            pair.amount,
            pair.count,
            known === undefined ? undefined : (known.get(pair.debitAccountId) ?? none),
            known === undefined ? undefined : (known.get(pair.creditAccountId) ?? none),
          );
      await transaction.addFlows(sums.toRows(), true);
      await transaction.putRecords(
        [{ collection: FLOW_COLLECTION, key: FLOW_BUILT_KEY, value: { upTo: mark.toString() } }],
        nowNs(),
      );
      return true;
    });
    if (built) return;
    if (attempt >= BUILD_ATTEMPTS)
      throw new Error(
        `the monthly flow totals could not be built: the ledger was written during each of ${BUILD_ATTEMPTS} attempts`,
      );
  }
}

const BUILD_ATTEMPTS = 10;
