import { TransferFlags } from './flags.js';
import type { AccountId } from './ids.js';
import type { Account, StoredTransfer } from './model.js';
import type { FlowDelta, WriteTransaction } from '../store/store.js';

export type { FlowDelta };

/**
 * Monthly flow totals: the posted amounts and counts of transfers per (scope, code, UTC month,
 * ledger, debit account owner's country, credit account owner's country), kept by the ledger in
 * the same transaction as the transfers they count (GET /v1/analytics/trade, issue 16: a cold
 * process answers from a few hundred rows instead of scanning a million transfers).
 *
 * What counts is what `LedgerStore.flowTotals` sums with `excludeFlags` = pending | void_pending:
 * a transfer that posts (a single-phase transfer, or the post of a pending one, with the amount
 * posted, under the post's timestamp). A pending transfer counts nothing until it is posted; a
 * void or an expiry never. A batch that fails (a linked chain that fails stores nothing) or a
 * transaction that rolls back adds nothing, since the totals commit with the transfers.
 *
 * Countries and scopes come from the FlowAccountsHook the hub installs (its participants'
 * documents): an account's country is its owner's; its scopes are the participants who see its
 * payments (the owner for the accounts it holds, a corporate's bank, the bank that keeps a vostro
 * or nostro account). Every transfer counts once under scope '' (everyone: the operator's view)
 * and once under each participant who sees one of its two accounts. Without a hook (a bare ledger:
 * benchmarks, tests) every country is '' and only scope '' is written.
 */

/** The scope of the rows that count every transfer (the operator's and auditor's view). */
export const ALL_SCOPE = '';

/** Where the ledger records that the totals cover every transfer stored (see Ledger.ensureFlowTotals). */
export const FLOW_COLLECTION = 'ledger_flows';
export const FLOW_BUILT_KEY = 'built';

/** What the hook knows of one account. */
export interface FlowAccount {
  /** The owner's ISO 3166-1 alpha-2 country; '' when the owner is no participant. */
  readonly country: string;
  /** The participants who see payments on this account. */
  readonly parties: readonly string[];
}

/**
 * Countries and parties of the accounts of a batch's counted transfers; runs inside the batch's
 * transaction and must only read through `tx`. Accounts it leaves out count as ('', no party).
 */
export type FlowAccountsHook = (
  tx: WriteTransaction,
  accounts: readonly Account[],
) => Promise<ReadonlyMap<AccountId, FlowAccount>>;

const NS_PER_MS = 1_000_000n;

/** The UTC month of a ledger timestamp (nanoseconds since the Unix epoch). */
export function monthOf(timestampNs: bigint): number {
  const date = new Date(Number(timestampNs / NS_PER_MS));
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** The first timestamp (ns) of a month (see monthOf). */
export function monthStartNs(month: number): bigint {
  return BigInt(Date.UTC(Math.floor(month / 12), month % 12, 1)) * NS_PER_MS;
}

/** Whether a transfer adds to the totals: it posts (neither pending nor a void or expiry). */
export function countsAsFlow(transfer: StoredTransfer): boolean {
  return (transfer.flags & (TransferFlags.pending | TransferFlags.voidPending)) === 0;
}

const NO_ACCOUNT: FlowAccount = { country: '', parties: [] };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const rowKey = (
  scope: string,
  code: number,
  month: number,
  ledger: number,
  debitCountry: string,
  creditCountry: string,
): string =>
  `${scope}\u0000${code}\u0000${month}\u0000${ledger}\u0000${debitCountry}\u0000${creditCountry}`;

/** Rows of the totals being summed in memory (a batch's, or a rebuild's). */
export class FlowSums {
  private readonly rows = new Map<string, Mutable<FlowDelta>>();
  /** The row of the last unscoped add without a hook: a batch's transfers nearly always share it. */
  private last: Mutable<FlowDelta> | undefined;
  private readonly parties = new Set<string>();

  /**
   * Adds `amount` and `count` of (code, month, ledger) under scope '' and under each party of the
   * two accounts (undefined: no hook, so no country and no party).
   */
  add(
    code: number,
    month: number,
    ledger: number,
    amount: bigint,
    count: number,
    debit: FlowAccount | undefined,
    credit: FlowAccount | undefined,
  ): void {
    if (debit === undefined && credit === undefined) {
      const last = this.last;
      if (
        last !== undefined &&
        last.code === code &&
        last.month === month &&
        last.ledger === ledger
      ) {
        last.amount += amount;
        last.count += count;
        return;
      }
      this.last = this.row(ALL_SCOPE, code, month, ledger, '', '', amount, count);
      return;
    }
    const from = debit ?? NO_ACCOUNT;
    const to = credit ?? NO_ACCOUNT;
    this.row(ALL_SCOPE, code, month, ledger, from.country, to.country, amount, count);
    const parties = this.parties;
    parties.clear();
    for (const party of from.parties) parties.add(party);
    for (const party of to.parties) parties.add(party);
    parties.delete(ALL_SCOPE);
    for (const party of parties)
      this.row(party, code, month, ledger, from.country, to.country, amount, count);
  }

  private row(
    scope: string,
    code: number,
    month: number,
    ledger: number,
    debitCountry: string,
    creditCountry: string,
    amount: bigint,
    count: number,
  ): Mutable<FlowDelta> {
    const key = rowKey(scope, code, month, ledger, debitCountry, creditCountry);
    const found = this.rows.get(key);
    if (found !== undefined) {
      found.amount += amount;
      found.count += count;
      return found;
    }
    const row = { scope, code, month, ledger, debitCountry, creditCountry, amount, count };
    this.rows.set(key, row);
    return row;
  }

  get size(): number {
    return this.rows.size;
  }

  toRows(): FlowDelta[] {
    return [...this.rows.values()];
  }
}

/**
 * Sums what `transfers` add to the totals, one delta per row. `accounts` answers for the accounts
 * of the transfers (undefined: no hook).
 */
export function flowDeltas(
  transfers: readonly StoredTransfer[],
  accounts: ReadonlyMap<AccountId, FlowAccount> | undefined,
): FlowDelta[] {
  const sums = new FlowSums();
  // Timestamps of a batch nearly always fall in one month: its bounds are kept, not recomputed.
  let month = 0;
  let monthFirst = 1n;
  let monthNext = 0n;
  for (const transfer of transfers) {
    if (!countsAsFlow(transfer)) continue;
    if (transfer.timestamp < monthFirst || transfer.timestamp >= monthNext) {
      month = monthOf(transfer.timestamp);
      monthFirst = monthStartNs(month);
      monthNext = monthStartNs(month + 1);
    }
    sums.add(
      transfer.code,
      month,
      transfer.ledger,
      transfer.amount,
      1,
      accounts === undefined ? undefined : (accounts.get(transfer.debitAccountId) ?? NO_ACCOUNT),
      accounts === undefined ? undefined : (accounts.get(transfer.creditAccountId) ?? NO_ACCOUNT),
    );
  }
  return sums.toRows();
}

/** Adds rows with the same key together (the deltas of several batches written in one commit). */
export function mergeFlowDeltas(parts: readonly (readonly FlowDelta[])[]): FlowDelta[] {
  if (parts.length === 1) return [...(parts[0] as readonly FlowDelta[])];
  const rows = new Map<string, Mutable<FlowDelta>>();
  for (const part of parts)
    for (const row of part) {
      const key = rowKey(
        row.scope,
        row.code,
        row.month,
        row.ledger,
        row.debitCountry,
        row.creditCountry,
      );
      const found = rows.get(key);
      if (found === undefined) rows.set(key, { ...row });
      else {
        found.amount += row.amount;
        found.count += row.count;
      }
    }
  return [...rows.values()];
}

/**
 * A total split in two integer columns, so that adding to it in SQL never overflows 64 bits:
 * amount = high × 2^32 + low. Exact for totals below 2^95 minor units.
 */
export function splitAmount(amount: bigint): { high: bigint; low: bigint } {
  return { high: amount >> 32n, low: amount & 0xffff_ffffn };
}

export function joinAmount(high: bigint, low: bigint): bigint {
  return (high << 32n) + low;
}
