import { TransferFlags } from './flags.js';
import type { AccountId } from './ids.js';
import type { StoredTransfer } from './model.js';

/**
 * Pair tallies: running totals of posted amounts per (ledger, period, code, debit account, credit
 * account), kept by the ledger in the same transaction as the transfers they count, for transfers
 * between two accounts with the `tallied` flag whose code the database is configured to tally (the
 * hub opens its participants' accounts tallied and tallies the codes it nets). A million transfers
 * among a hundred banks fall into a few thousand pairs, so summing a period later reads those few
 * thousand rows instead of a million.
 *
 * Periods: each ledger's tallies are divided into numbered periods. A period begins after a
 * timestamp (`since`) and holds exactly the tallied transfers of that ledger with a later
 * timestamp, up to the moment the next period begins. A new period begins only inside a write
 * transaction (which is ordered with every batch), at the newest timestamp written before it, so
 * the boundary is exact: a settlement window that starts a new period when it closes has its own
 * period's tallies, and nothing else, in them.
 *
 * What counts: the amount a transfer posts. A pending transfer posts nothing (yet); posting it
 * counts the amount posted, under the post's timestamp; a void counts nothing. This is the same
 * set of transfers as "code in the tallied codes, both accounts tallied, and neither the pending nor
 * the void_pending flag" over a range of timestamps, which is how a period is checked against them.
 *
 * The configuration and each ledger's current period are documents (`records`), so every process
 * writing to the database reads the same ones inside its write transaction.
 */
export const TALLY_COLLECTION = 'ledger_tallies';
export const TALLY_CONFIG_KEY = 'config';

/** One pair's running total within a period, or (in a write) what one batch adds to it. */
export interface PairTally {
  readonly ledger: number;
  readonly period: number;
  readonly code: number;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly count: number;
}

/**
 * The tallying in force: which codes, since which timestamp (the configuration's own start), and
 * period numbers. Numbers are never reused for a ledger: each new period takes `nextPeriod`, and
 * every ledger's first period under this configuration is `firstPeriod` (reserved when it was made).
 */
export interface TallyConfig {
  readonly codes: readonly number[];
  readonly since: bigint;
  readonly firstPeriod: number;
  readonly nextPeriod: number;
}

/** A ledger's period: tallies of transfers with timestamp > `since` (and before the next period's start). */
export interface TallyPeriod {
  readonly ledger: number;
  readonly period: number;
  readonly since: bigint;
  readonly codes: readonly number[];
}

export function tallyLedgerKey(ledger: number): string {
  return `ledger:${ledger}`;
}

/** The configuration document's fields, or undefined when the database tallies nothing. */
export function parseTallyConfig(
  value: Readonly<Record<string, unknown>> | undefined,
): TallyConfig | undefined {
  if (value === undefined) return undefined;
  const { codes, since, firstPeriod, nextPeriod } = value;
  if (
    !Array.isArray(codes) ||
    !codes.every((code) => Number.isInteger(code)) ||
    typeof since !== 'string' ||
    !/^[0-9]+$/.test(since) ||
    !Number.isSafeInteger(firstPeriod) ||
    !Number.isSafeInteger(nextPeriod)
  ) {
    throw new Error(`bug: the tally configuration document is malformed: ${JSON.stringify(value)}`);
  }
  return {
    codes: codes as number[],
    since: BigInt(since),
    firstPeriod: firstPeriod as number,
    nextPeriod: nextPeriod as number,
  };
}

export function tallyConfigDocument(config: TallyConfig): {
  codes: number[];
  since: string;
  firstPeriod: number;
  nextPeriod: number;
} {
  return {
    codes: [...config.codes],
    since: config.since.toString(),
    firstPeriod: config.firstPeriod,
    nextPeriod: config.nextPeriod,
  };
}

/** A new configuration of `codes` starting after `since`, following `previous` (if any) without reusing its period numbers. */
export function nextTallyConfig(
  previous: TallyConfig | undefined,
  codes: readonly number[],
  since: bigint,
): TallyConfig {
  const first = previous?.nextPeriod ?? 0;
  return { codes, since, firstPeriod: first, nextPeriod: first + 1 };
}

/**
 * The current period of a ledger: the one its document names, unless that began before the
 * configuration did (its tallies may be of other codes); then the configuration's first period,
 * which began with it. Derived the same way by every batch until a period is started explicitly,
 * so no ledger's document needs writing when the configuration changes.
 */
export function currentPeriod(
  ledger: number,
  config: TallyConfig,
  stored: Readonly<Record<string, unknown>> | undefined,
): TallyPeriod {
  if (stored !== undefined) {
    const since = BigInt(String(stored.since));
    if (since >= config.since)
      return { ledger, period: Number(stored.period), since, codes: config.codes };
  }
  return { ledger, period: config.firstPeriod, since: config.since, codes: config.codes };
}

/**
 * What a batch's transfers add to the tallies: one entry per (ledger, code, debit, credit) among
 * the transfers that post an amount and whose code is tallied. `periodOf` gives each ledger's
 * current period (undefined: the ledger is not tallied).
 */
export function tallyTransfers(
  transfers: readonly StoredTransfer[],
  codes: ReadonlySet<number>,
  periodOf: (ledger: number) => number | undefined,
  isTallied: (account: AccountId) => boolean,
): PairTally[] {
  const byPair = new Map<
    string,
    {
      ledger: number;
      period: number;
      code: number;
      debitAccountId: string;
      creditAccountId: string;
      amount: bigint;
      count: number;
    }
  >();
  for (const transfer of transfers) {
    if (
      !codes.has(transfer.code) ||
      (transfer.flags & (TransferFlags.pending | TransferFlags.voidPending)) !== 0
    )
      continue;
    if (!isTallied(transfer.debitAccountId) || !isTallied(transfer.creditAccountId)) continue;
    const period = periodOf(transfer.ledger);
    if (period === undefined) continue;
    const key = `${transfer.ledger} ${transfer.code} ${transfer.debitAccountId} ${transfer.creditAccountId}`;
    const found = byPair.get(key);
    if (found === undefined) {
      byPair.set(key, {
        ledger: transfer.ledger,
        period,
        code: transfer.code,
        debitAccountId: transfer.debitAccountId,
        creditAccountId: transfer.creditAccountId,
        amount: transfer.amount,
        count: 1,
      });
    } else {
      found.amount += transfer.amount;
      found.count += 1;
    }
  }
  return [...byPair.values()];
}
