import type { AccountId, TransferId } from '../ledger/ids.js';
import type { JournalEntry } from '../ledger/journal.js';
import type { Account, StoredTransfer } from '../ledger/model.js';
import type { PendingResolution } from '../ledger/create-transfers.js';
import type { PairTally } from '../ledger/tallies.js';
import type {
  AuditQuery,
  AuditEntry,
  RecordPut,
  RecordQuery,
  StoredAuditEntry,
  StoredRecord,
} from './records.js';
import type { EventInput, EventQuery, StoredEvent, TransferEvents } from './events.js';
import type { TransferSearchPage, TransferSearchQuery } from './transfer-search.js';

/** The events outbox's types, part of this interface (the ledger imports them from here). */
export type {
  EventInput,
  EventQuery,
  StoredEvent,
  TransferEvents,
  TransferEventType,
} from './events.js';

/**
 * The narrow interface every store implements (SQLite embedded, PostgreSQL for servers). A store
 * reads and writes rows; it never decides whether a transfer is valid — the rules in
 * `src/ledger` do. Every store must pass the conformance suite in `src/store/conformance`.
 */
export interface LedgerStore {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Whether the Ledger must look up every transfer id of a batch before staging it (true), or may
   * leave a stored id for the insert to find (false: the batch is then rolled back and run again
   * with lookups). A store where a failed write fails only its own batch (PostgreSQL: one
   * transaction per batch) can afford the optimistic path; one where later batches were already
   * built on it (SQLite's pipeline: the rules of the next batch run against the effects of the
   * last) cannot, or one client's duplicate id would send every other client's batch back.
   */
  readonly lookUpIdsFirst: boolean;
  /** A short description for logs and `vostro` output, e.g. the file path. Never contains a password. */
  readonly description: string;
  /**
   * Runs `work` as one write transaction. Everything it writes commits together, durably, or on
   * any error not at all; the promise resolves only after the commit. `write` may be called again
   * before an earlier call has resolved: the store runs the `work` callbacks one at a time, in call
   * order, and may commit one while the next runs. It rejects with RetryableWriteError when the
   * batch was not written and running it again is safe.
   */
  write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T>;

  getAccounts(ids: readonly AccountId[]): Promise<Account[]>;
  getTransfers(ids: readonly TransferId[]): Promise<StoredTransfer[]>;
  listAccounts(query: AccountQuery): Promise<Account[]>;
  /** Transfers that debit or credit the account, newest first, older than `beforeTimestamp` when given. */
  listAccountTransfers(query: AccountTransfersQuery): Promise<StoredTransfer[]>;
  /**
   * Transfers newest first by accounts, currency, amount, status and time, a page at a time, each
   * page doing bounded work (transfer-search.ts); throws InvalidCursorError for a cursor it did not give.
   */
  searchTransfers(query: TransferSearchQuery): Promise<TransferSearchPage>;

  /** The journal in order, `limit` entries after `afterSeq`. */
  journalEntries(afterSeq: bigint, limit: number): Promise<JournalEntry[]>;
  accountsInRange(firstTimestamp: bigint, lastTimestamp: bigint): Promise<Account[]>;
  transfersInRange(firstTimestamp: bigint, lastTimestamp: bigint): Promise<StoredTransfer[]>;
  /**
   * Per ledger and (debit, credit) account pair, the sum and count of the transfers of each part's
   * ledger with first ≤ timestamp ≤ last whose code is one of `codes` and none of whose flags is in
   * `excludeFlags`, aggregated by the database in one pass over the parts' whole span: netting the
   * windows of a million transfers reads a few thousand pairs.
   */
  pairTotals(query: PairTotalsQuery): Promise<PairTotal[]>;
  /**
   * The pair tallies (see ../ledger/tallies.ts) of each part's ledger and period, summed over the
   * given codes per (ledger, debit, credit): the same answer as `pairTotals` over the period's
   * range of timestamps, read from a few thousand rows instead of scanned from every transfer.
   */
  tallies(query: TalliesQuery): Promise<PairTotal[]>;
  /**
   * Per period, ledger and pair of countries (the countries of the debit and the credit account's
   * owners, from `ownerCountries`; '' for an owner not in it), the sum and count of the transfers
   * with first ≤ timestamp ≤ last whose code is `code` and none of whose flags is in `excludeFlags`,
   * and, when `accounts` is given, that debit or credit one of those accounts. Aggregated by the
   * database (GROUP BY): one primary-key range per period, a few rows out.
   */
  flowTotals(query: FlowTotalsQuery): Promise<FlowTotal[]>;
  /**
   * The monthly flow totals (see ../ledger/flows.ts) of one scope and code, months first to last,
   * as stored: a primary-key range of a few rows per month, ordered by month, ledger, debit
   * country, credit country. Reads no transfer.
   */
  monthlyFlows(query: MonthlyFlowsQuery): Promise<FlowDelta[]>;
  /**
   * Per (ledger, code, debit account, credit account), the sum and count of the transfers with
   * first ≤ timestamp ≤ last that post (neither pending nor void_pending): what the monthly flow
   * totals count, for building them from the transfers already stored (Ledger.ensureFlowTotals).
   */
  flowPairs(firstTimestamp: bigint, lastTimestamp: bigint): Promise<FlowPair[]>;
  /**
   * The timestamp of the newest committed ledger write (the last journal entry's), 0n for an empty
   * ledger. Every transfer at or before it is committed and visible to later reads, and every
   * later write gets a greater timestamp: the ranges of timestamps up to it never change again.
   */
  lastTimestamp(): Promise<bigint>;
  /** Every account with its current balances, by timestamp, in pages. */
  accountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]>;
  /**
   * The journal entry up to which the balance columns in storage are current. A store may write
   * balances lazily and rebuild the rest from the journal (SQLite does); the verifier checks the
   * stored columns at this entry, and the current balances at the end.
   */
  storedBalancesSeq(): Promise<bigint>;
  /** Accounts with the balances as stored (current as of `storedBalancesSeq`), in pages. */
  storedAccountsAfter(afterTimestamp: bigint, limit: number): Promise<Account[]>;
  counts(): Promise<{ accounts: number; transfers: number; journalEntries: number }>;
  /**
   * How another thread (or process) opens this database again for one long read-only snapshot:
   * the verifier runs on its own thread (src/ledger/verify-runs.ts). May name a password.
   */
  snapshotSource(): SnapshotSource;

  /** Documents of the hub's other state (see records.ts) as committed, those of `keys` that exist. */
  getRecords(collection: string, keys: readonly string[]): Promise<Map<string, StoredRecord>>;
  /** Documents of a collection in key order, a page at a time. */
  listRecords(query: RecordQuery): Promise<StoredRecord[]>;
  /** The audit log in order, oldest first. */
  auditEntries(query: AuditQuery): Promise<StoredAuditEntry[]>;
  /**
   * Committed events (see events.ts) after `afterSeq`, seq ascending. Never an event that might
   * still fail, and never one after a gap that a later commit fills: seqs are assigned in commit order.
   */
  events(query: EventQuery): Promise<StoredEvent[]>;
  /** The seq of the newest committed event, 0n when none: a cheap poll for feeds and webhooks. */
  lastEventSeq(): Promise<bigint>;

  close(): Promise<void>;
}

/**
 * The verifier's worker thread module: `verify-worker.ts` beside this file, which opens a read-only
 * snapshot of the database a `SnapshotSource` names, with the store implementation that wrote it,
 * and runs the ledger's verifier on it. src/ledger/verify-runs.ts starts it by this name (through
 * src/ledger/worker-thread.ts), so the ledger needs no store implementation itself.
 */
export const VERIFY_WORKER = { besideUrl: import.meta.url, name: 'verify-worker' } as const;

/** Where a store's database is, for a read-only connection of another thread; see `LedgerStore.snapshotSource`. */
export type SnapshotSource =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema: string };

export interface PairTotalsQuery {
  /** One per window: a ledger and its range of timestamps (at most one part per ledger). */
  readonly parts: readonly {
    readonly ledger: number;
    readonly firstTimestamp: bigint;
    readonly lastTimestamp: bigint;
  }[];
  readonly codes: readonly number[];
  readonly excludeFlags: number;
}

export interface TalliesQuery {
  /** One per window: a ledger and its tally period (at most one part per ledger). */
  readonly parts: readonly { readonly ledger: number; readonly period: number }[];
  readonly codes: readonly number[];
}

export interface PairTotal {
  readonly ledger: number;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly count: number;
}

export interface FlowTotalsQuery {
  /** Ranges of timestamps (e.g. the UTC months), ascending and disjoint; answers name them by index. */
  readonly periods: readonly { readonly firstTimestamp: bigint; readonly lastTimestamp: bigint }[];
  readonly code: number;
  readonly excludeFlags: number;
  /** Account owner → ISO 3166-1 alpha-2 country. */
  readonly ownerCountries: ReadonlyMap<string, string>;
  /** Only transfers that debit or credit one of these accounts; every transfer when undefined. */
  readonly accounts?: readonly string[];
}

export interface FlowTotal {
  /** Index into the query's periods. */
  readonly period: number;
  readonly ledger: number;
  /** The debit account owner's country; '' when the owner is not in `ownerCountries`. */
  readonly debitCountry: string;
  readonly creditCountry: string;
  readonly amount: bigint;
  readonly count: number;
}

/** One row of the monthly flow totals (../ledger/flows.ts), or what a batch adds to one. */
export interface FlowDelta {
  readonly scope: string;
  readonly code: number;
  /** Months since the start of year 0, UTC: year × 12 + month − 1. */
  readonly month: number;
  readonly ledger: number;
  readonly debitCountry: string;
  readonly creditCountry: string;
  readonly amount: bigint;
  readonly count: number;
}

export interface MonthlyFlowsQuery {
  /** ALL_SCOPE ('') for every transfer, or a participant's id. */
  readonly scope: string;
  readonly code: number;
  /** Months as in ../ledger/flows.ts (year × 12 + month − 1), inclusive. */
  readonly firstMonth: number;
  readonly lastMonth: number;
}

export interface FlowPair {
  readonly ledger: number;
  readonly code: number;
  readonly debitAccountId: AccountId;
  readonly creditAccountId: AccountId;
  readonly amount: bigint;
  readonly count: number;
}

export interface AccountQuery {
  readonly owner?: string;
  readonly afterTimestamp?: bigint;
  readonly limit: number;
}

export interface AccountTransfersQuery {
  readonly accountId: AccountId;
  readonly beforeTimestamp?: bigint;
  readonly limit: number;
}

/** What the Ledger may do inside one write transaction. */
export interface WriteTransaction {
  /** The newest journal entry, or undefined for an empty ledger. */
  lastJournalEntry(): Promise<JournalEntry | undefined>;
  /**
   * Loads accounts for update; PostgreSQL locks their rows (in id order, so writers never deadlock).
   * The map holds at least the accounts asked for that exist (it may hold more).
   */
  loadAccounts(ids: readonly AccountId[]): Promise<ReadonlyMap<AccountId, Account>>;
  loadTransfers(ids: readonly TransferId[]): Promise<Map<TransferId, StoredTransfer>>;
  /** Pending transfers still pending whose expiry is at or before `nowNs`, oldest expiry first. */
  duePendingTransfers(nowNs: bigint, limit: number): Promise<StoredTransfer[]>;
  insertAccounts(accounts: readonly Account[]): Promise<void>;
  /**
   * Inserts transfers; those with `pendingStatus` also get their pending-state row. Throws
   * DuplicateTransferIdError (and the transaction is then rolled back) if an id is already stored.
   */
  insertTransfers(transfers: readonly StoredTransfer[]): Promise<void>;
  updateBalances(accounts: Iterable<Account>): Promise<void>;
  resolvePending(resolutions: readonly PendingResolution[]): Promise<void>;
  appendJournal(entry: JournalEntry): Promise<void>;
  /** Documents as this transaction sees them: committed, or written earlier in the same order of writes. */
  getRecords(collection: string, keys: readonly string[]): Promise<Map<string, StoredRecord>>;
  /** Writes whole documents (insert or replace); they commit with everything else of the transaction. */
  putRecords(puts: readonly RecordPut[], updatedAt: bigint): Promise<void>;
  /** Appends to the audit log, in the same transaction. */
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
  /** Appends to the events outbox, in the same transaction; the store numbers them in commit order. */
  appendEvents(events: readonly EventInput[]): Promise<void>;
  /**
   * Appends the transfer events of the batch this transaction inserts (once, after insertTransfers),
   * numbered before the transaction's other events; a transfer event's body is rendered from the
   * transfer when read (see TransferEvents), so none is built or serialised here.
   */
  appendTransferEvents(events: TransferEvents): Promise<void>;
  /** Adds each entry's amount and count to its pair's tally (creating it at zero), in the same transaction. */
  addTallies(tallies: readonly PairTally[]): Promise<void>;
  /**
   * Adds each row's amount and count to the monthly flow totals (creating the row at zero), in the
   * same transaction; with `replace`, the totals are first emptied (a rebuild from the transfers).
   */
  addFlows(rows: readonly FlowDelta[], replace?: boolean): Promise<void>;
}

/**
 * Thrown by `insertTransfers` when a transfer id is already stored. The Ledger writes optimistically,
 * without looking every id up first; this sends it back to redo the batch with the lookups.
 */
export class DuplicateTransferIdError extends Error {
  constructor() {
    super('a transfer id of the batch is already stored');
  }
}

/** The batch was not written (a conflict with another writer, or an earlier batch it built on failed); run it again. */
export class RetryableWriteError extends Error {}

/**
 * The batch was not written because a batch staged before it, which it was built on, failed; it
 * was nothing this batch did. Running it again starts from what is committed.
 */
export class EarlierBatchFailedError extends RetryableWriteError {}

/**
 * The database could not be reached or answered for reasons that have nothing to do with what the
 * batch holds (a lost connection, a server going away). Callers answer "try again later".
 */
export class StoreUnavailableError extends Error {}

/**
 * Whether a failed write may be the fault of something one of its items holds, so that running
 * the items of a group on their own would let the others through. Conflicts and an unreachable
 * database are not: every item would fail the same way.
 */
export function mayBeOneItemsFault(error: unknown): boolean {
  return !(error instanceof RetryableWriteError || error instanceof StoreUnavailableError);
}

/** Thrown when a database's schema is newer than this code knows: never migrate downwards. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `the database schema is at version ${databaseVersion}, newer than this vostro knows (${codeVersion}); upgrade vostro before opening it`,
    );
  }
}
