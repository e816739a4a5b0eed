import type { LedgerStore, PairTotal } from '../store/store.js';
import { currencyByLedger } from './currency.js';
import { AccountFlags, TransferFlags } from './flags.js';
import { parseAccountId, type AccountId, type TransferId } from './ids.js';
import { GENESIS_HASH, hashAccounts, hashTransfers, type JournalEntry } from './journal.js';
import type { Account, Balances, PendingStatus, StoredTransfer } from './model.js';
import { applyStoredTransfer, resolvesPending } from './replay.js';
import {
  currentPeriod,
  parseTallyConfig,
  TALLY_COLLECTION,
  TALLY_CONFIG_KEY,
  tallyLedgerKey,
} from './tallies.js';

export interface LedgerTotals {
  readonly ledger: number;
  readonly currency: string;
  readonly accounts: number;
  readonly debitsPosted: bigint;
  readonly creditsPosted: bigint;
  readonly debitsPending: bigint;
  readonly creditsPending: bigint;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly journalEntries: number;
  readonly accounts: number;
  readonly transfers: number;
  readonly ledgers: LedgerTotals[];
  /** Everything found wrong, most important first; at most `PROBLEMS_MAX`. */
  readonly problems: string[];
}

/** What the verifier reads: a store, or a read-only snapshot of one (the stores' `snapshot.ts`). */
export type VerifySource = Pick<
  LedgerStore,
  | 'counts'
  | 'journalEntries'
  | 'accountsInRange'
  | 'transfersInRange'
  | 'storedBalancesSeq'
  | 'storedAccountsAfter'
  | 'accountsAfter'
  | 'getTransfers'
  | 'getRecords'
  | 'tallies'
  | 'pairTotals'
>;

/**
 * How far a verification has got: the journal is replayed entry by entry (`journal`), then the
 * replayed balances, pending transfers and pair tallies are compared with what is stored.
 */
export type VerifyPhase = 'journal' | 'balances' | 'pending' | 'tallies' | 'done';
export const VERIFY_PHASES: readonly VerifyPhase[] = [
  'journal',
  'balances',
  'pending',
  'tallies',
  'done',
];

export interface VerifyProgress {
  phase: VerifyPhase;
  /** Journal entries, accounts and transfers replayed so far, of the totals the store held when the verification began. */
  journalEntries: number;
  journalEntriesTotal: number;
  accounts: number;
  accountsTotal: number;
  transfers: number;
  transfersTotal: number;
}

const PAGE = 1000;
const PROBLEMS_MAX = 100;

interface Replayed extends Balances {
  readonly ledger: number;
  readonly flags: number;
}

/**
 * Recomputes everything from the journal: checks the hash chain entry by entry, replays every
 * transfer in timestamp order to rebuild every balance and the fate of every pending transfer,
 * and compares them with what the store holds. Per ledger, debits must equal credits, posted and
 * pending; each ledger's current pair tallies match its transfers.
 *
 * `onProgress` is called when the verification begins, after every journal entry, and at each
 * change of phase, always with the same object, updated in place: it must be cheap, and copy
 * what it keeps. Reads are only consistent with each other if `store` gives them one snapshot
 * (the stores' `snapshot.ts` do; a live store being written to meanwhile may show differences
 * that are only the writes in between).
 */
export async function verifyLedger(
  store: VerifySource,
  onProgress?: (progress: Readonly<VerifyProgress>) => void,
): Promise<VerifyReport> {
  const problems: string[] = [];
  const report = (problem: string): void => {
    if (problems.length < PROBLEMS_MAX) problems.push(problem);
  };
  const counts = await store.counts();
  const balances = new Map<AccountId, Replayed>();
  const pending = new Map<TransferId, { transfer: StoredTransfer; status: PendingStatus }>();
  const progress: VerifyProgress = {
    phase: 'journal',
    journalEntries: 0,
    journalEntriesTotal: counts.journalEntries,
    accounts: 0,
    accountsTotal: counts.accounts,
    transfers: 0,
    transfersTotal: counts.transfers,
  };
  const phase = (next: VerifyPhase): void => {
    progress.phase = next;
    onProgress?.(progress);
  };
  onProgress?.(progress);
  const seen = { accounts: 0, transfers: 0, entries: 0 };
  // Stores may keep balance columns current only up to a journal entry (SQLite flushes them in the
  // background and rebuilds the rest from the journal): those columns are checked at that entry.
  const storedSeq = await store.storedBalancesSeq();
  const checkStored = (): Promise<void> =>
    compareBalances(
      balances,
      (after, limit) => store.storedAccountsAfter(after, limit),
      'stored',
      report,
    );
  if (storedSeq === 0n) await checkStored();

  let previous: JournalEntry | undefined;
  for (let after = 0n; ;) {
    const entries = await store.journalEntries(after, PAGE);
    for (const entry of entries) {
      checkLink(entry, previous, report);
      if (entry.kind === 'accounts') {
        const accounts = await store.accountsInRange(entry.firstTimestamp, entry.lastTimestamp);
        if (!hashAccounts(entry.prevHash, accounts).equals(entry.hash))
          report(`journal entry ${entry.seq}: hash mismatch, its accounts were changed`);
        if (accounts.length !== entry.count)
          report(
            `journal entry ${entry.seq}: ${accounts.length} accounts, journal says ${entry.count}`,
          );
        for (const account of accounts)
          balances.set(account.id, {
            ledger: account.ledger,
            flags: account.flags,
            debitsPending: 0n,
            debitsPosted: 0n,
            creditsPending: 0n,
            creditsPosted: 0n,
          });
        seen.accounts += accounts.length;
      } else {
        const transfers = await store.transfersInRange(entry.firstTimestamp, entry.lastTimestamp);
        if (!hashTransfers(entry.prevHash, transfers).equals(entry.hash))
          report(`journal entry ${entry.seq}: hash mismatch, its transfers were changed`);
        if (transfers.length !== entry.count)
          report(
            `journal entry ${entry.seq}: ${transfers.length} transfers, journal says ${entry.count}`,
          );
        for (const transfer of transfers) replay(transfer, balances, pending, report);
        seen.transfers += transfers.length;
      }
      previous = entry;
      seen.entries += 1;
      if (entry.seq === storedSeq) await checkStored();
      progress.journalEntries = seen.entries;
      progress.accounts = seen.accounts;
      progress.transfers = seen.transfers;
      onProgress?.(progress);
    }
    if (entries.length < PAGE) break;
    after = (entries.at(-1) as JournalEntry).seq;
  }
  if (seen.accounts !== counts.accounts)
    report(`${counts.accounts - seen.accounts} accounts are not covered by any journal entry`);
  if (seen.transfers !== counts.transfers)
    report(`${counts.transfers - seen.transfers} transfers are not covered by any journal entry`);
  phase('balances');
  await compareBalances(
    balances,
    (after, limit) => store.accountsAfter(after, limit),
    'current',
    report,
  );
  phase('pending');
  await comparePendingStatuses(store, pending, report);
  const ledgers = totalsPerLedger(balances, report);
  phase('tallies');
  await compareTallies(
    store,
    ledgers.map((totals) => totals.ledger),
    previous?.lastTimestamp ?? 0n,
    balances,
    report,
  );
  phase('done');
  return {
    ok: problems.length === 0,
    journalEntries: seen.entries,
    accounts: seen.accounts,
    transfers: seen.transfers,
    ledgers,
    problems,
  };
}

/**
 * Each ledger's current tally period (see tallies.ts) against the transfers it counts: the posted
 * amounts of the tallied codes since the period began, summed per pair. Ended periods belong to
 * closed settlement windows; netting checks that their tallies cover them.
 */
async function compareTallies(
  store: VerifySource,
  ledgers: readonly number[],
  lastTimestamp: bigint,
  accounts: ReadonlyMap<AccountId, Replayed>,
  report: (problem: string) => void,
): Promise<void> {
  const tallied = (text: string): boolean => {
    const id = parseAccountId(text);
    return id !== undefined && ((accounts.get(id)?.flags ?? 0) & AccountFlags.tallied) !== 0;
  };
  const found = await store.getRecords(TALLY_COLLECTION, [
    TALLY_CONFIG_KEY,
    ...ledgers.map(tallyLedgerKey),
  ]);
  const config = parseTallyConfig(found.get(TALLY_CONFIG_KEY)?.value);
  if (config === undefined) return;
  const rows = (totals: readonly PairTotal[]): string[] =>
    totals
      .map(
        (total) =>
          `${total.debitAccountId} → ${total.creditAccountId}: ${total.amount} in ${total.count}`,
      )
      .sort();
  for (const ledger of ledgers) {
    const period = currentPeriod(ledger, config, found.get(tallyLedgerKey(ledger))?.value);
    const kept = new Set(
      rows(
        await store.tallies({ parts: [{ ledger, period: period.period }], codes: config.codes }),
      ),
    );
    const pairs = await store.pairTotals({
      parts: [{ ledger, firstTimestamp: period.since + 1n, lastTimestamp }],
      codes: config.codes,
      excludeFlags: TransferFlags.pending | TransferFlags.voidPending,
    });
    const summed = new Set(
      rows(pairs.filter((pair) => tallied(pair.debitAccountId) && tallied(pair.creditAccountId))),
    );
    const missing = [...summed].filter((row) => !kept.has(row));
    const extra = [...kept].filter((row) => !summed.has(row));
    if (missing.length > 0 || extra.length > 0) {
      report(
        `ledger ${ledger}: pair tallies of period ${period.period} differ from its transfers (tallied ${extra.slice(0, 3).join('; ') || 'none'}; transfers say ${missing.slice(0, 3).join('; ') || 'none'})`,
      );
    }
  }
}

function checkLink(
  entry: JournalEntry,
  previous: JournalEntry | undefined,
  report: (problem: string) => void,
): void {
  const expectedSeq = (previous?.seq ?? 0n) + 1n;
  if (entry.seq !== expectedSeq)
    report(`journal entry ${entry.seq} follows ${previous?.seq ?? 0n}: an entry is missing`);
  if (!entry.prevHash.equals(previous?.hash ?? GENESIS_HASH))
    report(`journal entry ${entry.seq}: does not chain to the hash of the entry before it`);
  if (previous !== undefined && entry.firstTimestamp <= previous.lastTimestamp)
    report(`journal entry ${entry.seq}: timestamps overlap the entry before it`);
}

function replay(
  transfer: StoredTransfer,
  balances: Map<AccountId, Replayed>,
  pending: Map<TransferId, { transfer: StoredTransfer; status: PendingStatus }>,
  report: (problem: string) => void,
): void {
  const debit = balances.get(transfer.debitAccountId);
  const credit = balances.get(transfer.creditAccountId);
  if (debit === undefined || credit === undefined) {
    report(`transfer ${transfer.id}: refers to an account created after it, or to none`);
    return;
  }
  if (debit.ledger !== transfer.ledger || credit.ledger !== transfer.ledger)
    report(`transfer ${transfer.id}: ledger differs from its accounts'`);
  let pendingAmount = 0n;
  if (resolvesPending(transfer)) {
    const original = pending.get(transfer.pendingId);
    if (original === undefined || original.status !== 'pending') {
      report(
        `transfer ${transfer.id}: resolves ${transfer.pendingId}, which is not pending at that point`,
      );
      return;
    }
    pendingAmount = original.transfer.amount;
    const isPost = (transfer.flags & TransferFlags.postPending) !== 0;
    original.status = isPost
      ? 'posted'
      : (transfer.flags & TransferFlags.expired) !== 0
        ? 'expired'
        : 'voided';
  }
  if ((transfer.flags & TransferFlags.pending) !== 0)
    pending.set(transfer.id, { transfer, status: 'pending' });
  applyStoredTransfer(transfer, debit, credit, pendingAmount);
}

async function compareBalances(
  balances: Map<AccountId, Replayed>,
  page: (afterTimestamp: bigint, limit: number) => Promise<Account[]>,
  label: 'stored' | 'current',
  report: (problem: string) => void,
): Promise<void> {
  for (let after = 0n; ;) {
    const accounts = await page(after, PAGE);
    for (const account of accounts) {
      const replayed = balances.get(account.id);
      if (replayed === undefined) continue; // not yet created at this point of the replay, or reported as not covered
      for (const field of [
        'debitsPending',
        'debitsPosted',
        'creditsPending',
        'creditsPosted',
      ] as const) {
        if (account[field] !== replayed[field])
          report(
            `account ${account.id}: ${label} ${field} ${account[field]}, replay gives ${replayed[field]}`,
          );
      }
      if (
        (account.flags & AccountFlags.debitsMustNotExceedCredits) !== 0 &&
        replayed.debitsPending + replayed.debitsPosted > replayed.creditsPosted
      ) {
        report(`account ${account.id}: debits exceed credits although its flags forbid it`);
      }
      if (
        (account.flags & AccountFlags.creditsMustNotExceedDebits) !== 0 &&
        replayed.creditsPending + replayed.creditsPosted > replayed.debitsPosted
      ) {
        report(`account ${account.id}: credits exceed debits although its flags forbid it`);
      }
    }
    if (accounts.length < PAGE) break;
    after = (accounts.at(-1) as Account).timestamp;
  }
}

async function comparePendingStatuses(
  store: VerifySource,
  pending: Map<TransferId, { transfer: StoredTransfer; status: PendingStatus }>,
  report: (problem: string) => void,
): Promise<void> {
  const ids = [...pending.keys()];
  for (let start = 0; start < ids.length; start += PAGE) {
    for (const stored of await store.getTransfers(ids.slice(start, start + PAGE))) {
      const expected = pending.get(stored.id)?.status;
      if (stored.pendingStatus !== expected)
        report(
          `pending transfer ${stored.id}: stored status ${stored.pendingStatus}, replay gives ${expected}`,
        );
    }
  }
}

function totalsPerLedger(
  balances: Map<AccountId, Replayed>,
  report: (problem: string) => void,
): LedgerTotals[] {
  const totals = new Map<number, { accounts: number } & Balances>();
  for (const balance of balances.values()) {
    const total = totals.get(balance.ledger) ?? {
      accounts: 0,
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 0n,
    };
    total.accounts += 1;
    total.debitsPending += balance.debitsPending;
    total.debitsPosted += balance.debitsPosted;
    total.creditsPending += balance.creditsPending;
    total.creditsPosted += balance.creditsPosted;
    totals.set(balance.ledger, total);
  }
  return [...totals.entries()]
    .sort(([left], [right]) => left - right)
    .map(([ledger, total]) => {
      const currency = currencyByLedger(ledger)?.code ?? `ledger ${ledger}`;
      if (total.debitsPosted !== total.creditsPosted)
        report(
          `${currency}: posted debits ${total.debitsPosted} differ from posted credits ${total.creditsPosted}`,
        );
      if (total.debitsPending !== total.creditsPending)
        report(
          `${currency}: pending debits ${total.debitsPending} differ from pending credits ${total.creditsPending}`,
        );
      return { ledger, currency, ...total };
    });
}
