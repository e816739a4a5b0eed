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
 * consistent by construction (history is append-only and walked back from one head).
 *
 * Only postings move posted balances: a plain transfer and a post of a pending transfer (by the
 * amount posted). A pending transfer, a void and an expiry move pending balances only and are
 * skipped.
 *
 * Two shapes: `postedSnapshot` keeps the postings of a period (a statement's lines);
 * `creditBalancesAtPoints` keeps one sum per point (a series), so its memory does not grow with
 * the number of postings.
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
  readonly method: SnapshotMethod;
}

export type SnapshotMethod = 'balances' | 'full_history';

const PAGE = 1000;
const ATTEMPTS = 5;

/** What a transfer did to posted balances: its amount for a plain transfer or a post, else 0. */
export function postedAmount(transfer: Transfer): bigint {
  if ((transfer.flags & (TransferFlags.pending | TransferFlags.voidPending)) !== 0) return 0n;
  return transfer.amount;
}

/** More postings in the period than the caller allows. */
export class HistoryTooLongError extends Error {
  constructor(
    readonly accountId: AccountId,
    readonly limit: number,
  ) {
    super(`account ${accountId} has more than ${limit} postings in the period`);
    this.name = 'HistoryTooLongError';
  }
}

export interface SnapshotOptions {
  /** Keep postings from this timestamp on (the walk goes back to it in any case). */
  readonly sinceNs: bigint;
  /** Keep only postings before this timestamp; later ones are summed into `laterCreditMinor`. */
  readonly untilNs?: bigint;
  /** Tries of the read around the walk before the whole history is walked; default 5. */
  readonly attempts?: number;
  /** Most postings kept; more throws HistoryTooLongError. Default unbounded. */
  readonly maxMovements?: number;
}

/** The account's postings in [sinceNs, untilNs) with its posted balances now, or undefined if there is no such account. */
export async function postedSnapshot(
  store: LedgerStore,
  accountId: AccountId,
  options: SnapshotOptions,
): Promise<PostedSnapshot | undefined> {
  const { sinceNs, untilNs } = options;
  const limit = options.maxMovements ?? Number.POSITIVE_INFINITY;
  const result = await consistentWalk(
    store,
    accountId,
    sinceNs,
    options.attempts ?? ATTEMPTS,
    () => {
      const kept: StoredTransfer[] = [];
      let later = 0n;
      return {
        visit: (transfer: StoredTransfer, credit: bigint) => {
          if (untilNs !== undefined && transfer.timestamp >= untilNs) later += credit;
          else {
            kept.push(transfer);
            if (kept.length > limit) throw new HistoryTooLongError(accountId, limit);
          }
        },
        done: () => ({ kept, later }),
      };
    },
  );
  if (result === undefined) return undefined;
  const { balances, method, value } = result;
  return {
    accountId,
    ledger: balances.ledger,
    debitsPosted: balances.debitsPosted,
    creditsPosted: balances.creditsPosted,
    movements: value.kept,
    sinceNs,
    untilNs,
    laterCreditMinor: value.later,
    method,
  };
}

/**
 * Credit balance (credits − debits posted) including every posting with timestamp ≤ point, for
 * each point. Every point must lie in [sinceNs − 1, untilNs − 1], so that the snapshot holds every
 * posting between it and the present.
 */
export function creditBalancesAt(snapshot: PostedSnapshot, points: readonly bigint[]): bigint[] {
  const order = points
    .map((point, index) => ({ point, index }))
    .sort((a, b) => (a.point > b.point ? -1 : a.point < b.point ? 1 : 0));
  const result = new Array<bigint>(points.length).fill(0n);
  let balance = snapshot.creditsPosted - snapshot.debitsPosted - snapshot.laterCreditMinor;
  let next = 0;
  const movements = snapshot.movements;
  for (const { point, index } of order) {
    if (point < snapshot.sinceNs - 1n)
      throw new Error(
        `bug: point ${point} is before the snapshot, which starts at ${snapshot.sinceNs}`,
      );
    if (snapshot.untilNs !== undefined && point >= snapshot.untilNs)
      throw new Error(
        `bug: point ${point} is after the snapshot, which ends before ${snapshot.untilNs}`,
      );
    while (next < movements.length && (movements[next] as StoredTransfer).timestamp > point) {
      const transfer = movements[next] as StoredTransfer;
      balance -=
        transfer.creditAccountId === snapshot.accountId ? transfer.amount : -transfer.amount;
      next += 1;
    }
    result[index] = balance;
  }
  return result;
}

/**
 * The account's credit balance at each point (every posting with timestamp ≤ point counted), in
 * the order given, in memory proportional to the points, not the postings: each posting walked is
 * added to the sum of the gap between points it falls in. Zeros for an account that does not exist.
 */
export async function creditBalancesAtPoints(
  store: LedgerStore,
  accountId: AccountId,
  points: readonly bigint[],
  options: { attempts?: number } = {},
): Promise<{ balances: bigint[]; method: SnapshotMethod }> {
  if (points.length === 0) return { balances: [], method: 'balances' };
  const sorted = [...new Set(points)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const result = await consistentWalk(
    store,
    accountId,
    (sorted[0] as bigint) + 1n,
    options.attempts ?? ATTEMPTS,
    () => {
      // gap[k]: postings with sorted[k] < timestamp ≤ sorted[k + 1] (the last: after every point).
      const gap = new Array<bigint>(sorted.length).fill(0n);
      let k = sorted.length - 1;
      return {
        visit: (transfer: StoredTransfer, credit: bigint) => {
          while (k > 0 && transfer.timestamp <= (sorted[k] as bigint)) k -= 1; // newest first: k only goes down
          gap[k] = (gap[k] as bigint) + credit;
        },
        done: () => gap,
      };
    },
  );
  if (result === undefined) return { balances: points.map(() => 0n), method: 'balances' };
  const at = new Map<bigint, bigint>();
  let balance = result.balances.creditsPosted - result.balances.debitsPosted;
  for (let k = sorted.length - 1; k >= 0; k -= 1) {
    balance -= result.value[k] as bigint;
    at.set(sorted[k] as bigint, balance);
  }
  return { balances: points.map((point) => at.get(point) as bigint), method: result.method };
}

interface Visitor<T> {
  /** A posting at or after the walk's lower bound, newest first; `credit` is its effect on credits − debits. */
  readonly visit: (transfer: StoredTransfer, credit: bigint) => void;
  readonly done: () => T;
}

/** The walk back to `sinceNs` and the balances it ends at, read consistently (see the file comment). */
async function consistentWalk<T>(
  store: LedgerStore,
  accountId: AccountId,
  sinceNs: bigint,
  attempts: number,
  visitor: () => Visitor<T>,
): Promise<
  | {
      balances: Pick<Account, 'ledger' | 'debitsPosted' | 'creditsPosted'>;
      value: T;
      method: SnapshotMethod;
    }
  | undefined
> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const [before] = await store.getAccounts([accountId]);
    if (before === undefined) return undefined;
    const current = visitor();
    await walk(store, accountId, sinceNs, current.visit);
    const [after] = await store.getAccounts([accountId]);
    if (after === undefined) throw new Error(`bug: account ${accountId} disappeared`);
    if (after.debitsPosted === before.debitsPosted && after.creditsPosted === before.creditsPosted)
      return { balances: after, value: current.done(), method: 'balances' };
  }
  const [account] = await store.getAccounts([accountId]);
  if (account === undefined) return undefined;
  const current = visitor();
  let debitsPosted = 0n;
  let creditsPosted = 0n;
  await walk(store, accountId, 0n, (transfer, credit) => {
    if (credit > 0n) creditsPosted += credit;
    else debitsPosted -= credit;
    if (transfer.timestamp >= sinceNs) current.visit(transfer, credit);
  });
  return {
    balances: { ledger: account.ledger, debitsPosted, creditsPosted },
    value: current.done(),
    method: 'full_history',
  };
}

/** Every posting of the account with timestamp ≥ sinceNs, newest first, from its head. */
async function walk(
  store: LedgerStore,
  accountId: AccountId,
  sinceNs: bigint,
  visit: (transfer: StoredTransfer, credit: bigint) => void,
): Promise<void> {
  let before: bigint | undefined;
  for (;;) {
    const page = await store.listAccountTransfers({
      accountId,
      limit: PAGE,
      ...(before === undefined ? {} : { beforeTimestamp: before }),
    });
    for (const transfer of page) {
      if (transfer.timestamp < sinceNs) return;
      const amount = postedAmount(transfer);
      if (amount !== 0n) visit(transfer, transfer.creditAccountId === accountId ? amount : -amount);
    }
    if (page.length < PAGE) return;
    before = (page.at(-1) as StoredTransfer).timestamp;
  }
}
