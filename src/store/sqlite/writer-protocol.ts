/**
 * Messages between the SQLite store (main thread) and its writer thread. A unit is everything
 * one ledger batch writes; the big parts travel as transferred buffers, not copied objects.
 */
export interface WriteUnit {
  readonly unitId: number;
  /** Units of an epoch build on one another; after a failure the whole epoch is refused. */
  readonly epoch: number;
  /** Account rows: [timestamp, id, ledger, code, flags, owner, reference, userData64, userData32] per account. */
  readonly accounts?: unknown[];
  /** Transfers in the journal's binary encoding (`encodeTransfers`). */
  readonly transfers?: Uint8Array;
  /** Per transfer, in order: [debitPrevious, creditPrevious]. */
  readonly previous?: BigInt64Array;
  /** Per new pending transfer: [timestamp, expiresAt, statusCode]. */
  readonly pending?: BigInt64Array;
  /** Per resolution: [statusCode, resolvedBy, pendingTimestamp]. */
  readonly resolutions?: BigInt64Array;
  /** A flush: per account changed since the last one: [timestamp, debitsPending, debitsPosted, creditsPending, creditsPosted, lastTransfer]. */
  readonly balances?: BigInt64Array;
  /** With a flush: the journal entry the flushed balances are current up to. */
  readonly balancesSeq?: bigint;
  /** Documents to insert or replace: [collection, key, valueJson, updatedAt] per document. */
  readonly records?: unknown[];
  /** Audit entries: [at, actor, role, keyId, requestId, action, target, detailJson] per entry. */
  readonly audit?: unknown[];
  /** Pair tallies to add to: [ledger, period, code, debit, credit, amount, count] per pair. */
  readonly tallies?: unknown[];
  /** Monthly flow totals to add to: [scope, code, month, ledger, debitCountry, creditCountry, amount, count] per row. */
  readonly flows?: unknown[];
  /** The flow totals are emptied before this unit's rows are added (a rebuild). */
  readonly flowsReplace?: boolean;
  /**
   * The ledger's transfer events (see TransferEvents in ../events.ts), numbered first: per
   * transfer of `transfers`, its type code (0: none) and its debit and credit sides, indexes into
   * `sides` (the JSON list of the batch's sides). The writer stores them as one run (migration 6).
   */
  readonly transferEvents?: {
    readonly types: Uint8Array;
    readonly debitSides: Uint16Array;
    readonly creditSides: Uint16Array;
    readonly sides: string;
  };
  /** Events in order, numbered by the writer: [at, type, subject, participantsJson, dataJson] per event. */
  readonly events?: unknown[];
  /** Per participant of an event: [index of the event in `events`, participant]. */
  readonly eventParties?: unknown[];
  /** [seq, kind, firstTimestamp, lastTimestamp, count, prevHash, hash]. */
  readonly journal?: readonly [bigint, string, bigint, bigint, number, Uint8Array, Uint8Array];
}

export type WriteFailure =
  /** A transfer id of the unit is already stored. */
  | 'duplicate_transfer_id'
  /** Another connection committed since this writer's last commit: the main thread's cache is stale. */
  | 'stale'
  /** An earlier unit of the same epoch failed, so this one (built on it) was not written. */
  | 'reset'
  /** The database cannot be written at all for now (disk full, an I/O error, a read-only file): no unit's fault. */
  | 'unavailable'
  /** Anything else: something this unit holds that the database refuses (a constraint that means a bug). */
  | 'failed';

export type WriterReply = (
  | { readonly unitId: number; readonly ok: true }
  | {
      readonly unitId: number;
      readonly ok: false;
      readonly failure: WriteFailure;
      readonly message: string;
    }
) & {
  /** The unit's buffers, handed back (transferred) for later units to be encoded into. */
  readonly buffers?: readonly ArrayBuffer[];
};

export type WriterRequest =
  { readonly type: 'unit'; readonly unit: WriteUnit } | { readonly type: 'close' };

export interface WriterOptions {
  readonly path: string;
  /** When the WAL has grown past this, the writer restarts it (see writer-worker.ts). */
  readonly walRestartBytes: number;
}
