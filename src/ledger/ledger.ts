import {
  DuplicateTransferIdError,
  EarlierBatchFailedError,
  RetryableWriteError,
  type EventInput,
  type LedgerStore,
  type WriteTransaction,
} from '../store/store.js';
import { systemClock, type Clock } from './clock.js';
import { AccountFlags } from './flags.js';
import { createAccounts } from './create-accounts.js';
import {
  createTransfers,
  expirePendingTransfers,
  type TransferEffects,
} from './create-transfers.js';
import { expiryTransferId, ZERO_ID, type AccountId, type TransferId } from './ids.js';
import { GENESIS_HASH, hashAccounts, hashTransfers, type JournalEntry } from './journal.js';
import { appendTransferEvents, type EventPartiesHook } from './events.js';
import { mapView } from './ledger-view.js';
import { buildFlowTotals } from './flow-build.js';
import {
  countsAsFlow,
  FLOW_BUILT_KEY,
  FLOW_COLLECTION,
  flowDeltas,
  type FlowAccount,
  type FlowAccountsHook,
} from './flows.js';
import {
  BATCH_MAX,
  type Account,
  type AccountInput,
  type StoredTransfer,
  type TransferInput,
} from './model.js';
import type { CreateAccountResult, CreateTransferResult } from './results.js';
import {
  currentPeriod,
  nextTallyConfig,
  parseTallyConfig,
  TALLY_COLLECTION,
  TALLY_CONFIG_KEY,
  tallyConfigDocument,
  tallyLedgerKey,
  tallyTransfers,
  type TallyPeriod,
} from './tallies.js';
import type { AuditEntry, JsonObject, RecordPut, StoredRecord } from '../store/records.js';

/** A whole batch refused before any item is looked at. */
export type BatchError = 'batch_too_large';
export type BatchOutcome<Result> =
  | { readonly ok: true; readonly results: Result[] }
  | { readonly ok: false; readonly error: BatchError };
/**
 * A transfer batch's outcome also carries what it stored for its own events (not the ledger's
 * expiry voids): one record per `ok` result, in event order. Callers that answer with the stored
 * transfer (the HTTP API) use it instead of reading each one back after the commit.
 */
export type TransferBatchOutcome =
  | {
      readonly ok: true;
      readonly results: CreateTransferResult[];
      readonly created: readonly StoredTransfer[];
    }
  | { readonly ok: false; readonly error: BatchError };

/** Pending transfers voided by the ledger in one transaction, at most. */
const EXPIRY_BATCH_MAX = BATCH_MAX;
/** How often a batch is run again after RetryableWriteError before the error is passed on. */
const WRITE_ATTEMPTS_MAX = 5;
/**
 * Reruns of a batch because an earlier batch it was built on failed (EarlierBatchFailedError) do
 * not count as attempts: they are another caller's failure, and one caller's refused batch must
 * not use up the retries of everyone in flight behind it. This only bounds a bug's loop.
 */
const RERUNS_MAX = 1000;

export interface LedgerOptions {
  readonly clock?: Clock;
}

/** What goes with a batch into its transaction besides the ledger's rows. */
export interface BatchExtras {
  /** Audit entries written in the same transaction as the batch (and only if it commits). */
  readonly audit?: readonly AuditEntry[];
}

/**
 * One write transaction of the hub: at most one ledger batch together with documents and audit
 * entries, all committed together or not at all (see `Ledger.transact`).
 */
export interface LedgerTransaction {
  /** The clock reading taken when the transaction began, ns. */
  readonly nowNs: bigint;
  /** The timestamp of the newest ledger write before this transaction (0 for an empty ledger): everything at or before it is earlier. */
  lastTimestamp(): Promise<bigint>;
  createAccounts(events: readonly AccountInput[]): Promise<CreateAccountResult[]>;
  createTransfers(events: readonly TransferInput[]): Promise<CreateTransferResult[]>;
  /** Balances as of this point of the transaction (including its own batch). */
  accounts(ids: readonly AccountId[]): Promise<ReadonlyMap<AccountId, Account>>;
  getRecords(collection: string, keys: readonly string[]): Promise<Map<string, StoredRecord>>;
  getRecord(collection: string, key: string): Promise<JsonObject | undefined>;
  putRecords(puts: readonly RecordPut[]): Promise<void>;
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
  /** Appends to the events outbox (../store/events.ts), committed with the rest or not at all. */
  appendEvents(events: readonly EventInput[]): Promise<void>;
  /**
   * Ends the ledger's current tally period and begins the next after `lastTimestamp()` (see
   * tallies.ts); returns the period that ended, or undefined when the database tallies nothing.
   * Call it before the transaction's own batch, so that the batch falls in the new period.
   */
  startTallyPeriod(ledger: number): Promise<TallyPeriod | undefined>;
}

/**
 * The ledger service: runs the pure rules inside one store transaction per batch, assigns the
 * strictly increasing timestamps, voids expired pending transfers and appends the hash-chained
 * journal entry. Writes from one process are serialised here; across processes, by the store.
 */
export class Ledger {
  readonly clock: Clock;
  private eventParties: EventPartiesHook | undefined;
  private flowAccounts: FlowAccountsHook | undefined;
  /** The monthly flow totals are known to cover every stored transfer (see ensureFlowTotals). */
  private flowsBuilt = false;

  constructor(
    readonly store: LedgerStore,
    options: LedgerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock();
  }

  /**
   * Who else sees the transfer events of an account's owner (see events.ts); the Hub installs the
   * participant registry's hook. Without one, an event names the two accounts' owners only.
   */
  setEventParties(hook: EventPartiesHook | undefined): void {
    this.eventParties = hook;
  }

  /**
   * The countries and parties of accounts for the monthly flow totals (flows.ts); the Hub installs
   * the participant registry's hook. Without one, every transfer counts under scope '' with no
   * country.
   */
  setFlowAccounts(hook: FlowAccountsHook | undefined): void {
    this.flowAccounts = hook;
  }

  /**
   * Makes sure the monthly flow totals count every transfer stored: the first call on a database
   * whose totals were never built (one written before they existed) builds them from the transfers
   * (flow-build.ts); later calls cost one read, then nothing. Returns whether it built them.
   */
  async ensureFlowTotals(): Promise<boolean> {
    if (this.flowsBuilt) return false;
    const found = await this.store.getRecords(FLOW_COLLECTION, [FLOW_BUILT_KEY]);
    const built = !found.has(FLOW_BUILT_KEY);
    if (built) await this.rebuildFlowTotals();
    this.flowsBuilt = true;
    return built;
  }

  /** Builds the monthly flow totals again from the transfers stored, replacing them (see flow-build.ts). */
  async rebuildFlowTotals(): Promise<void> {
    await buildFlowTotals(
      this.store,
      (work) => this.exclusive(work),
      this.flowAccounts,
      () => this.clock.nowNs(),
    );
  }

  async createAccounts(
    events: readonly AccountInput[],
    extras: BatchExtras = {},
  ): Promise<BatchOutcome<CreateAccountResult>> {
    if (events.length > BATCH_MAX) return { ok: false, error: 'batch_too_large' };
    if (events.length === 0) return { ok: true, results: [] };
    const results = await this.exclusive(async (transaction) => {
      const results = await this.createAccountsIn(transaction, events);
      await appendAudit(transaction, extras);
      return results;
    });
    return { ok: true, results };
  }

  async createTransfers(
    events: readonly TransferInput[],
    extras: BatchExtras = {},
  ): Promise<TransferBatchOutcome> {
    if (events.length > BATCH_MAX) return { ok: false, error: 'batch_too_large' };
    if (events.length === 0) return { ok: true, results: [], created: [] };
    const run =
      (lookupIds: boolean) =>
      async (
        transaction: WriteTransaction,
      ): Promise<{ results: CreateTransferResult[]; created: readonly StoredTransfer[] }> => {
        const outcome = await this.createTransfersIn(transaction, events, lookupIds);
        await appendAudit(transaction, extras);
        return outcome;
      };
    try {
      return { ok: true, ...(await this.exclusive(run(this.store.lookUpIdsFirst))) };
    } catch (error) {
      if (!(error instanceof DuplicateTransferIdError)) throw error;
      return { ok: true, ...(await this.exclusive(run(true))) };
    }
  }

  /**
   * Runs `work` as one write transaction: at most one ledger batch (accounts or transfers) plus documents and audit entries, committed together or, if `work` throws,
   * not at all. Transactions are ordered with every other batch, so `lastTimestamp()` is a true
   * boundary: every transfer is either at or before it, or after everything this transaction
   * writes. `work` may be run again (after a conflict), so it must not have other side effects.
   */
  async transact<T>(work: (transaction: LedgerTransaction) => Promise<T>): Promise<T> {
    // As in createTransfers: ids are not looked up first; a stored id sends the whole transaction
    // back to run again with every id looked up (nothing of the first attempt was written).
    try {
      return await this.transactOnce(work, this.store.lookUpIdsFirst);
    } catch (error) {
      if (!(error instanceof DuplicateTransferIdError)) throw error;
      return this.transactOnce(work, true);
    }
  }

  private async transactOnce<T>(
    work: (transaction: LedgerTransaction) => Promise<T>,
    lookupIds: boolean,
  ): Promise<T> {
    return this.exclusive(async (store) => {
      const nowNs = this.clock.nowNs();
      let batches = 0;
      const oneBatch = (): void => {
        batches += 1;
        if (batches > 1)
          throw new Error(
            'bug: one ledger batch per transaction (combine the events into one batch)',
          );
      };
      const transaction: LedgerTransaction = {
        nowNs,
        lastTimestamp: async () => (await store.lastJournalEntry())?.lastTimestamp ?? 0n,
        createAccounts: async (events) => {
          oneBatch();
          if (events.length > BATCH_MAX)
            throw new Error(`bug: ${events.length} accounts in one transaction`);
          return events.length === 0 ? [] : this.createAccountsIn(store, events);
        },
        createTransfers: async (events) => {
          oneBatch();
          if (events.length > BATCH_MAX)
            throw new Error(`bug: ${events.length} transfers in one transaction`);
          return events.length === 0
            ? []
            : (await this.createTransfersIn(store, events, lookupIds)).results;
        },
        accounts: (ids) => store.loadAccounts(ids),
        getRecords: (collection, keys) => store.getRecords(collection, keys),
        getRecord: async (collection, key) =>
          (await store.getRecords(collection, [key])).get(key)?.value,
        putRecords: (puts) => store.putRecords(puts, nowNs),
        appendAudit: (entries) => store.appendAudit(entries),
        appendEvents: (events) => store.appendEvents(events),
        startTallyPeriod: async (ledger) => {
          if (batches > 0)
            throw new Error("bug: a tally period starts before the transaction's own batch");
          const found = await store.getRecords(TALLY_COLLECTION, [
            TALLY_CONFIG_KEY,
            tallyLedgerKey(ledger),
          ]);
          const config = parseTallyConfig(found.get(TALLY_CONFIG_KEY)?.value);
          if (config === undefined) return undefined;
          const ended = currentPeriod(ledger, config, found.get(tallyLedgerKey(ledger))?.value);
          const since = (await store.lastJournalEntry())?.lastTimestamp ?? 0n;
          await store.putRecords(
            [
              {
                collection: TALLY_COLLECTION,
                key: tallyLedgerKey(ledger),
                value: { period: config.nextPeriod, since: since.toString() },
              },
              {
                collection: TALLY_COLLECTION,
                key: TALLY_CONFIG_KEY,
                value: tallyConfigDocument({ ...config, nextPeriod: config.nextPeriod + 1 }),
              },
            ],
            nowNs,
          );
          return ended;
        },
      };
      return work(transaction);
    });
  }

  /**
   * Makes the database tally the posted amounts of transfers with these codes per account pair
   * (see tallies.ts), from the next transfer on; a no-op when it already tallies exactly these.
   * Every process writing to the database then tallies them, since each batch reads the setting.
   */
  async configureTallies(codes: readonly number[]): Promise<void> {
    const wanted = [...new Set(codes)].sort((a, b) => a - b);
    if (!wanted.every((code) => Number.isInteger(code) && code >= 0 && code <= 0xffff))
      throw new Error(`bug: tally codes ${wanted.join(', ')}`);
    await this.exclusive(async (transaction) => {
      const found = await transaction.getRecords(TALLY_COLLECTION, [TALLY_CONFIG_KEY]);
      const config = parseTallyConfig(found.get(TALLY_CONFIG_KEY)?.value);
      if (config !== undefined && config.codes.join(',') === wanted.join(',')) return;
      const since = (await transaction.lastJournalEntry())?.lastTimestamp ?? 0n;
      await transaction.putRecords(
        [
          {
            collection: TALLY_COLLECTION,
            key: TALLY_CONFIG_KEY,
            value: tallyConfigDocument(nextTallyConfig(config, wanted, since)),
          },
        ],
        this.clock.nowNs(),
      );
    });
  }

  /** Voids every pending transfer whose timeout has passed; returns how many. */
  async expireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.exclusive((transaction) => this.expireIn(transaction));
      total += count;
      if (count < EXPIRY_BATCH_MAX) return total;
    }
  }

  async lookupAccounts(ids: readonly AccountId[]): Promise<Account[]> {
    return this.store.getAccounts(ids);
  }

  async lookupTransfers(ids: readonly TransferId[]): Promise<StoredTransfer[]> {
    return this.store.getTransfers(ids);
  }

  /**
   * One write transaction per batch. The store runs the work of concurrent calls one at a time in
   * call order (and may commit one while the next runs); a batch it could not write is run again.
   */
  private async exclusive<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    let attempts = 0;
    for (let runs = 1; ; runs += 1) {
      try {
        return await this.store.write(work);
      } catch (error) {
        if (!(error instanceof RetryableWriteError)) throw error;
        if (!(error instanceof EarlierBatchFailedError)) attempts += 1;
        if (attempts >= WRITE_ATTEMPTS_MAX || runs >= RERUNS_MAX) throw error;
      }
    }
  }

  private async nextTimestamp(
    transaction: WriteTransaction,
  ): Promise<{ first: bigint; last: JournalEntry | undefined }> {
    const last = await transaction.lastJournalEntry();
    const now = this.clock.nowNs();
    const floor = (last?.lastTimestamp ?? 0n) + 1n;
    return { first: now > floor ? now : floor, last };
  }

  private async createAccountsIn(
    transaction: WriteTransaction,
    events: readonly AccountInput[],
  ): Promise<CreateAccountResult[]> {
    const { first, last } = await this.nextTimestamp(transaction);
    const existing = await transaction.loadAccounts(events.map((event) => event.id));
    const outcome = createAccounts(events, mapView(existing, new Map()), first);
    if (outcome.created.length > 0) {
      await transaction.insertAccounts(outcome.created);
      const prevHash = last?.hash ?? GENESIS_HASH;
      await transaction.appendJournal({
        seq: (last?.seq ?? 0n) + 1n,
        kind: 'accounts',
        firstTimestamp: (outcome.created[0] as Account).timestamp,
        lastTimestamp: (outcome.created.at(-1) as Account).timestamp,
        count: outcome.created.length,
        prevHash,
        hash: hashAccounts(prevHash, outcome.created),
      });
    }
    return outcome.results;
  }

  /**
   * Most batches are new transfers, so by default ids are not looked up first (`lookupIds` false):
   * an id that is already stored then surfaces as DuplicateTransferIdError from the insert, or,
   * for an event that failed and so was not inserted, from the check of failed ids below; either
   * way the batch is rolled back and redone with every id looked up, which gives the exact results.
   */
  private async createTransfersIn(
    transaction: WriteTransaction,
    events: readonly TransferInput[],
    lookupIds: boolean,
  ): Promise<{ results: CreateTransferResult[]; created: readonly StoredTransfer[] }> {
    const { first, last } = await this.nextTimestamp(transaction);
    const nowNs = this.clock.nowNs();
    const due = await transaction.duePendingTransfers(nowNs, EXPIRY_BATCH_MAX);
    const transferIds: TransferId[] = [];
    for (const event of events) {
      if (lookupIds) transferIds.push(event.id);
      if (event.pendingId !== ZERO_ID) transferIds.push(event.pendingId);
    }
    const transfers = await transaction.loadTransfers(transferIds);
    const accountIds: AccountId[] = [];
    for (const event of events) accountIds.push(event.debitAccountId, event.creditAccountId);
    for (const transfer of [...transfers.values(), ...due])
      accountIds.push(transfer.debitAccountId, transfer.creditAccountId);
    const accounts = await transaction.loadAccounts(accountIds);
    const view = mapView(accounts, transfers);
    const expired = expirePendingTransfers(due, view, first, expiryTransferId);
    const outcome = createTransfers(events, view, first + BigInt(due.length), nowNs);
    if (!lookupIds) {
      const failedIds = events
        .filter((_, index) => outcome.results[index] !== 'ok')
        .map((event) => event.id);
      if (failedIds.length > 0 && (await transaction.loadTransfers(failedIds)).size > 0)
        throw new DuplicateTransferIdError();
    }
    await this.persistTransfers(transaction, last, [expired, outcome], accounts);
    await this.tally(transaction, outcome.created, accounts);
    return { results: outcome.results, created: outcome.created };
  }

  /**
   * Adds a batch's posted transfers between tallied accounts to the pair tallies, when the database
   * keeps any (one read of a few documents, only for batches that touch tallied accounts).
   */
  private async tally(
    transaction: WriteTransaction,
    created: readonly StoredTransfer[],
    accounts: ReadonlyMap<AccountId, Account>,
  ): Promise<void> {
    const isTallied = (id: AccountId): boolean =>
      ((accounts.get(id)?.flags ?? 0) & AccountFlags.tallied) !== 0;
    const ledgers = new Set<number>();
    for (const transfer of created)
      if (isTallied(transfer.debitAccountId) && isTallied(transfer.creditAccountId))
        ledgers.add(transfer.ledger);
    if (ledgers.size === 0) return;
    const keys = [TALLY_CONFIG_KEY, ...[...ledgers].map(tallyLedgerKey)];
    const found = await transaction.getRecords(TALLY_COLLECTION, keys);
    const config = parseTallyConfig(found.get(TALLY_CONFIG_KEY)?.value);
    if (config === undefined) return;
    const periods = new Map(
      [...ledgers].map((ledger) => [
        ledger,
        currentPeriod(ledger, config, found.get(tallyLedgerKey(ledger))?.value).period,
      ]),
    );
    const tallies = tallyTransfers(
      created,
      new Set(config.codes),
      (ledger) => periods.get(ledger),
      isTallied,
    );
    if (tallies.length > 0) await transaction.addTallies(tallies);
  }

  private async expireIn(transaction: WriteTransaction): Promise<number> {
    const due = await transaction.duePendingTransfers(this.clock.nowNs(), EXPIRY_BATCH_MAX);
    if (due.length === 0) return 0;
    const { first, last } = await this.nextTimestamp(transaction);
    const accounts = await transaction.loadAccounts(
      due.flatMap((transfer) => [transfer.debitAccountId, transfer.creditAccountId]),
    );
    const expired = expirePendingTransfers(
      due,
      mapView(accounts, new Map()),
      first,
      expiryTransferId,
    );
    await this.persistTransfers(transaction, last, [expired], accounts);
    return due.length;
  }

  private async persistTransfers(
    transaction: WriteTransaction,
    last: JournalEntry | undefined,
    parts: readonly TransferEffects[],
    accounts: ReadonlyMap<AccountId, Account>,
  ): Promise<void> {
    const created =
      parts.length === 1
        ? (parts[0] as TransferEffects).created
        : parts.flatMap((part) => part.created);
    if (created.length === 0) return;
    let touched = (parts[parts.length - 1] as TransferEffects).touched;
    if (parts.some((part) => part.touched !== touched && part.touched.size > 0)) {
      touched = new Set<Account>();
      for (const part of parts) for (const account of part.touched) touched.add(account);
    }
    await transaction.insertTransfers(created);
    await transaction.updateBalances(touched);
    for (const part of parts)
      if (part.resolutions.length > 0) await transaction.resolvePending(part.resolutions);
    const prevHash = last?.hash ?? GENESIS_HASH;
    await transaction.appendJournal({
      seq: (last?.seq ?? 0n) + 1n,
      kind: 'transfers',
      firstTimestamp: (created[0] as StoredTransfer).timestamp,
      lastTimestamp: (created.at(-1) as StoredTransfer).timestamp,
      count: created.length,
      prevHash,
      hash: hashTransfers(prevHash, created),
    });
    await appendTransferEvents(transaction, created, accounts, this.eventParties);
    await this.addFlows(transaction, created, accounts);
  }

  /** Adds a batch's posted transfers to the monthly flow totals (flows.ts), in its transaction. */
  private async addFlows(
    transaction: WriteTransaction,
    created: readonly StoredTransfer[],
    accounts: ReadonlyMap<AccountId, Account>,
  ): Promise<void> {
    let known: ReadonlyMap<AccountId, FlowAccount> | undefined;
    if (this.flowAccounts !== undefined) {
      const involved = new Set<Account>();
      for (const transfer of created) {
        if (!countsAsFlow(transfer)) continue;
        const debit = accounts.get(transfer.debitAccountId);
        const credit = accounts.get(transfer.creditAccountId);
        if (debit !== undefined) involved.add(debit);
        if (credit !== undefined) involved.add(credit);
      }
      if (involved.size === 0) return;
      known = await this.flowAccounts(transaction, [...involved]);
    }
    const rows = flowDeltas(created, known);
    if (rows.length > 0) await transaction.addFlows(rows);
  }
}

async function appendAudit(transaction: WriteTransaction, extras: BatchExtras): Promise<void> {
  if (extras.audit !== undefined && extras.audit.length > 0)
    await transaction.appendAudit(extras.audit);
}
