import { TransferFlags } from '../ledger/flags.js';
import type { AccountId } from '../ledger/ids.js';
import type { Account, StoredTransfer, Transfer } from '../ledger/model.js';
import type { LedgerStore } from '../store/store.js';

/**
 * Posted balances of one account at points in the past, from the store's account history.
 *
 * Method: read the account's current balances, walk its history newest first
 * (`listAccountTransfers`, a page at a time, the cursor always the last transfer returned, which is
 * the account's own) back to the oldest point asked about, and subtract. The cost is the number of
 * the account's transfers since that point — not the ledger's, and not the account's whole
 * history — which is right for statements and series that look at the recent past.
 * `transfersInRange` would read every transfer of every account in the period, and a walk forward
 * from the account's first transfer would read its whole history.
 *
 * Consistency: the balances and the walk must describe the same moment. Posted totals only grow,
 * and every posting adds a positive amount, so if the balances read before the walk equal those
 * read after it, no posting of this account committed in between and the walk saw exactly the
 * postings the balances include. Otherwise the read is repeated; after `attempts` tries (an account
 * posting continuously) the whole history is walked and the balances are summed from it, which is
 * consistent by construction (history is append-only and walked from one head).
 *
 * Only postings move posted balances: a plain transfer and a post of a pending transfer (by the
 * amount posted). A pending transfer, a void and an expiry move pending balances only and are left
 * out of `movements`.
 */
export interface PostedSnapshot {
  readonly accountId: AccountId;
  readonly ledger: number;
  readonly debitsPosted: bigint;
  readonly creditsPosted: bigint;
  /** Postings of the account with sinceNs ≤ timestamp < untilNs, newest first. */
  readonly movements: readonly StoredTransfer[];
  readonly sinceNs: bigint;
  /** Undefined: no upper bound. */
  readonly untilNs: bigint | undefined;
  /** Σ credits − Σ debits of the postings at or after `untilNs` (walked, summed, not kept). */
  readonly laterCreditMinor: bigint;
  /** How the snapshot was made: balances read around the walk, or summed from the whole history. */
  readonly method: 'balances' | 'full_history';
}

const PAGE = 1000;

/** What a transfer did to posted balances: its amount for a plain transfer or a post, else 0. */
export function postedAmount(transfer: Transfer): bigint {
  if ((transfer.flags & (TransferFlags.pending | TransferFlags.voidPending)) !== 0) return 0n;
  return transfer.amount;
}

export interface SnapshotOptions {
  /** Keep postings from this timestamp on (they are walked in any case). */
  readonly sinceNs: bigint;
  /** Keep only postings before this timestamp; later ones are summed into `laterCreditMinor`. */
  readonly untilNs?: bigint;
  /** Tries of the read around the walk before the whole history is walked; default 5. */
  readonly attempts?: number;
  /** Most postings kept; more throws HistoryTooLongError. Default unbounded. */
  readonly maxMovements?: number;
}

/** The account's postings in [sinceNs, untilNs) with its posted balances now, or undefined if there is no such account. */
export async function postedSnapshot(store: LedgerStore, accountId: AccountId, options: SnapshotOptions): Promise<PostedSnapshot | undefined> {
  const { sinceNs, untilNs } = options;
  const attempts = options.attempts ?? 5;
  const limit = options.maxMovements ?? Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const [before] = await store.getAccounts([accountId]);
    if (before === undefined) return undefined;
    const walked = await walk(store, accountId, { sinceNs, untilNs, limit, total: false });
    const [after] = await store.getAccounts([accountId]);
    if (after === undefined) throw new Error(`bug: account ${accountId} disappeared`);
    if (samePosted(before, after)) {
      return { accountId, ledger: after.ledger, debitsPosted: after.debitsPosted, creditsPosted: after.creditsPosted, movements: walked.kept, sinceNs, untilNs, laterCreditMinor: walked.laterCreditMinor, method: 'balances' };
    }
  }
  const [account] = await store.getAccounts([accountId]);
  if (account === undefined) return undefined;
  const walked = await walk(store, accountId, { sinceNs, untilNs, limit, total: true });
  return { accountId, ledger: account.ledger, debitsPosted: walked.debitsPosted, creditsPosted: walked.creditsPosted, movements: walked.kept, sinceNs, untilNs, laterCreditMinor: walked.laterCreditMinor, method: 'full_history' };
}

/** More postings in the period than the caller allows. */
export class HistoryTooLongError extends Error {
  constructor(readonly accountId: AccountId, readonly limit: number) {
    super(`account ${accountId} has more than ${limit} postings in the period`);
    this.name = 'HistoryTooLongError';
  }
}

/**
 * Credit balance (credits − debits posted) including every posting with timestamp ≤ point, for
 * each point. Every point must be ≥ `sinceNs − 1`, so that the snapshot holds every posting after it.
 */
export function creditBalancesAt(snapshot: PostedSnapshot, points: readonly bigint[]): bigint[] {
  const order = points.map((point, index) => ({ point, index })).sort((a, b) => (a.point > b.point ? -1 : a.point < b.point ? 1 : 0));
  const result = new Array<bigint>(points.length).fill(0n);
  let balance = snapshot.creditsPosted - snapshot.debitsPosted - snapshot.laterCreditMinor;
  let next = 0;
  const movements = snapshot.movements;
  for (const { point, index } of order) {
    if (point < snapshot.sinceNs - 1n) throw new Error(`bug: point ${point} is before the snapshot, which starts at ${snapshot.sinceNs}`);
    if (snapshot.untilNs !== undefined && point >= snapshot.untilNs) throw new Error(`bug: point ${point} is after the snapshot, which ends before ${snapshot.untilNs}`);
    while (next < movements.length && (movements[next] as StoredTransfer).timestamp > point) {
      const transfer = movements[next] as StoredTransfer;
      balance -= transfer.creditAccountId === snapshot.accountId ? transfer.amount : -transfer.amount;
      next += 1;
    }
    result[index] = balance;
  }
  return result;
}

interface Walked {
  readonly kept: StoredTransfer[];
  laterCreditMinor: bigint;
  /** Whole-history totals (only with `total`). */
  debitsPosted: bigint;
  creditsPosted: bigint;
}

/**
 * Newest first from the account's head: postings at or after `untilNs` are summed, those in
 * [sinceNs, untilNs) kept; the walk stops below `sinceNs` unless `total` asks for the whole
 * history (whose posted totals it then sums).
 */
async function walk(store: LedgerStore, accountId: AccountId, options: { sinceNs: bigint; untilNs: bigint | undefined; limit: number; total: boolean }): Promise<Walked> {
  const walked: Walked = { kept: [], laterCreditMinor: 0n, debitsPosted: 0n, creditsPosted: 0n };
  let before: bigint | undefined;
  for (;;) {
    const page = await store.listAccountTransfers({ accountId, limit: PAGE, ...(before === undefined ? {} : { beforeTimestamp: before }) });
    for (const transfer of page) {
      if (transfer.timestamp < options.sinceNs && !options.total) return walked;
      const amount = postedAmount(transfer);
      if (amount === 0n) continue;
      const isCredit = transfer.creditAccountId === accountId;
      if (isCredit) walked.creditsPosted += amount;
      else walked.debitsPosted += amount;
      if (options.untilNs !== undefined && transfer.timestamp >= options.untilNs) {
        walked.laterCreditMinor += isCredit ? amount : -amount;
      } else if (transfer.timestamp >= options.sinceNs) {
        walked.kept.push(transfer);
        if (walked.kept.length > options.limit) throw new HistoryTooLongError(accountId, options.limit);
      }
    }
    if (page.length < PAGE) return walked;
    before = (page.at(-1) as StoredTransfer).timestamp;
  }
}

function samePosted(a: Account, b: Account): boolean {
  return a.debitsPosted === b.debitsPosted && a.creditsPosted === b.creditsPosted;
}
