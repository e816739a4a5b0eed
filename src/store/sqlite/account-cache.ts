import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { AccountId } from '../../ledger/ids.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import { recoverBalances } from './recovery.js';
import { storedAccountId } from '../rows.js';
import { accountFromRow, type AccountRow } from './rows.js';
import type { Statements } from './statements.js';

/** An account whose balance columns are due to be written, with the head of its history chain. */
export interface AccountToFlush {
  readonly account: Account;
  readonly lastTransfer: bigint;
}

/**
 * The SQLite store's accounts in memory: the authoritative balances of every account touched since
 * the last balance flush (the columns on disk lag behind them), the head of each cached account's
 * history chain, and which accounts changed since the last flush was staged.
 *
 * It is only valid while this process is the only writer of the file, which the store's file lock
 * ensures; after a failed unit the write pipeline rebuilds it with `recover`.
 */
export class AccountCache {
  /** Every account touched since the last balance flush, and others read for writing; authoritative. */
  private readonly accounts = new Map<AccountId, Account>();
  /** The newest transfer of each cached account: the head of its history chain. */
  private readonly lastTransferOf = new Map<AccountId, bigint>();
  /** Accounts whose balances changed since the last flush was staged; always in the cache. */
  private readonly dirty = new Set<AccountId>();

  /** @param max accounts kept between batches; the cache is dropped whole when it grows past this. */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly statements: Statements,
    private readonly max: number,
  ) {}

  /** Accounts changed since the last flush was staged. */
  get changedCount(): number {
    return this.dirty.size;
  }

  /** Rebuilds the cache: the stored balance columns plus everything the journal holds after them. */
  recover(): void {
    this.accounts.clear();
    this.lastTransferOf.clear();
    this.dirty.clear();
    const recovered = this.db.transaction(() => recoverBalances(this.statements))();
    for (const [id, account] of recovered.accounts) {
      this.accounts.set(id, account);
      this.dirty.add(id);
    }
    for (const [id, last] of recovered.lastTransferOf) this.lastTransferOf.set(id, last);
  }

  /** Drops the whole cache once it has grown past its maximum, if nothing in it is unflushed or in flight. */
  shrinkIfClean(unitsInFlight: number): void {
    if (this.accounts.size < this.max || this.dirty.size > 0 || unitsInFlight > 0) return;
    this.accounts.clear();
    this.lastTransferOf.clear();
  }

  /**
   * Makes sure every account asked for is in the cache, and returns the cache itself: the rules
   * only look up the ids of their batch, and copying thousands of entries into a fresh map per
   * batch measured as a visible share of the batch's time.
   */
  load(ids: readonly AccountId[]): ReadonlyMap<AccountId, Account> {
    for (const id of ids) {
      if (!this.accounts.has(id)) this.cacheFromRow(id);
    }
    return this.accounts;
  }

  /** New accounts of a batch: cached as copies, so the rules' later changes stay in the cache. */
  insert(accounts: readonly Account[]): void {
    for (const account of accounts) this.accounts.set(account.id, { ...account });
  }

  /** The rules changed these (cached) accounts' balances in place: they are due in the next flush. */
  markChanged(accounts: Iterable<Account>): void {
    for (const account of accounts) this.dirty.add(account.id);
  }

  /** A copy of the current balances: the cached account when there is one, else the stored row. */
  current(row: AccountRow): Account {
    const cached = this.accounts.get(storedAccountId(row.id));
    return cached === undefined ? accountFromRow(row) : { ...cached };
  }

  /** The newest transfer of a cached account, the head of its history chain; undefined when not cached. */
  historyHead(id: AccountId): bigint | undefined {
    return this.lastTransferOf.get(id);
  }

  /**
   * Links a batch's transfers into their accounts' history chains: writes into `previous`, per
   * transfer, the timestamps of the previous transfer of its debit and of its credit account (0
   * when none), and makes each transfer the new head of both chains.
   */
  chain(transfers: readonly StoredTransfer[], previous: BigInt64Array): void {
    transfers.forEach((transfer, index) => {
      previous[index * 2] = this.lastTransferOf.get(transfer.debitAccountId) ?? 0n;
      previous[index * 2 + 1] = this.lastTransferOf.get(transfer.creditAccountId) ?? 0n;
      this.lastTransferOf.set(transfer.debitAccountId, transfer.timestamp);
      this.lastTransferOf.set(transfer.creditAccountId, transfer.timestamp);
    });
  }

  /** The accounts changed since the last flush was staged, for a new flush; they count as flushed from now. */
  takeChanged(): AccountToFlush[] {
    const changed = [...this.dirty].map((id) => {
      const account = this.accounts.get(id);
      if (account === undefined) throw new Error(`bug: changed account ${id} is not cached`);
      return { account, lastTransfer: this.lastTransferOf.get(id) ?? 0n };
    });
    this.dirty.clear();
    return changed;
  }

  /** Not cached means not changed since the last flush, so the stored row is current. */
  private cacheFromRow(id: AccountId): void {
    const row = this.statements.accountById.get(id) as AccountRow | undefined;
    if (row === undefined) return;
    this.accounts.set(id, accountFromRow(row));
    this.lastTransferOf.set(id, row.last_transfer);
  }
}
