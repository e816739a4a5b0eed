import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { auditEntry, type Actor } from '../domain/actor.js';
import { documentKind, strict } from '../domain/documents.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import type { RecordPut } from '../store/records.js';
import {
  attemptDocuments,
  attemptKey,
  deliveryDocuments,
  deliveryKey,
  endpointDocuments,
  omit,
  type AttemptRecord,
  type DeliveryRecord,
  type EndpointRecord,
  type PendingDelivery,
} from './webhook-records.js';

/** The dispatcher in the audit log (it marks endpoints failed). */
export const DISPATCHER_ACTOR: Actor = { id: 'webhook-dispatcher', role: 'operator' };

/** Where an endpoint's delivery stands, as the dispatcher last knew it. The latest report wins. */
export interface EndpointProgress {
  /** The endpoint revision the dispatcher worked from (see EndpointRecord.revision). */
  readonly revision: number;
  readonly cursor: bigint;
  readonly formedThrough: bigint;
  /** The delivery being retried, or none. */
  readonly pending: PendingDelivery | undefined;
  /** Set when the retry window ran out: the endpoint is marked failed. */
  readonly failed?: { readonly at: string; readonly error: string };
  readonly lastError?: string;
}

/** Thrown from a flush when another process holds the dispatch lease: this one must stop delivering. */
export class LeaseLostError extends Error {
  constructor(holder: string) {
    super(`another dispatcher (${holder}) holds the webhook lease`);
  }
}

const LEASES = 'webhook_dispatch';
const LEASE_KEY = 'lease';

interface LeaseRecord {
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  /** Milliseconds since the epoch. */
  readonly until: number;
}

const leaseDocuments = documentKind<LeaseRecord>(
  LEASES,
  Type.Object(
    { owner: Type.String(), host: Type.String(), pid: Type.Integer(), until: Type.Number() },
    strict,
  ),
);

/**
 * What the dispatcher writes, gathered and written in one transaction every `flushIntervalMs`
 * rather than one per attempt: attempts, deliveries (the latest state of each), each endpoint's
 * progress (cursor, the delivery under way, a failure) and the renewal of the dispatch lease. A
 * delivery therefore costs the store a share of a few small transactions a second however many
 * events it carries, and payments never wait behind webhooks.
 *
 * Progress is written onto an endpoint only if its revision is still the one the dispatcher worked
 * from: a replay or a disable committed meanwhile wins. `formedThrough` is merged whatever the
 * revision (it only grows), so a delivery document written here is always found again.
 *
 * The lease: one dispatcher per database delivers (two would deliver each event twice and out
 * of order). It holds a document naming its owner until a time it renews with every flush; another
 * process takes over when that time has passed, or at once when the holder was a process of this
 * machine that has died (or the store is SQLite, which one process at a time can open).
 */
export class DeliveryLog {
  readonly owner = randomBytes(8).toString('hex');
  private attempts: { key: string; record: AttemptRecord }[] = [];
  private deliveries = new Map<string, DeliveryRecord>();
  private progress = new Map<string, EndpointProgress>();
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly leaseMs: number,
  ) {}

  /** Whether a flush is under way. */
  get busy(): boolean {
    return this.flushing !== undefined;
  }

  /** Items waiting to be written. */
  get size(): number {
    return this.attempts.length + this.deliveries.size + this.progress.size;
  }

  attempt(endpoint: string, firstSeq: bigint, lastSeq: bigint, record: AttemptRecord): void {
    this.attempts.push({ key: attemptKey(endpoint, firstSeq, lastSeq, record.attempt), record });
  }

  delivery(record: DeliveryRecord): void {
    this.deliveries.set(
      deliveryKey(record.endpoint, BigInt(record.firstSeq), BigInt(record.lastSeq)),
      record,
    );
  }

  endpoint(id: string, progress: EndpointProgress): void {
    this.progress.set(id, progress);
  }

  /** Resolves when everything recorded so far is committed (or rejects with the flush's error). */
  written(): Promise<void> {
    if (this.size === 0 && this.flushing === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Forgets everything not yet written (after the lease was lost: another process delivers now). */
  discard(): void {
    this.attempts = [];
    this.deliveries.clear();
    this.progress.clear();
  }

  /** Takes the lease if it is free; true when this dispatcher holds it afterwards. */
  async acquire(): Promise<boolean> {
    try {
      await this.ledger.transact(async (tx) => this.renew(tx));
      return true;
    } catch (error) {
      if (error instanceof LeaseLostError) return false;
      throw error;
    }
  }

  /** Gives the lease up, so that a successor need not wait for it to run out. */
  async release(): Promise<void> {
    await this.ledger.transact(async (tx) => {
      const lease = await leaseDocuments.get(tx, LEASE_KEY);
      if (lease?.owner === this.owner)
        await tx.putRecords([leaseDocuments.put(LEASE_KEY, { ...lease, until: 0 })]);
    });
  }

  /**
   * Writes what is gathered, with the lease's renewal, in one transaction, after the flush under
   * way if there is one.
   * On failure the items stay for the next flush, except after LeaseLostError (see `discard`).
   */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing.catch(() => undefined);
    const attempts = this.attempts;
    const deliveries = this.deliveries;
    const progress = this.progress;
    const waiters = this.waiters;
    this.attempts = [];
    this.deliveries = new Map();
    this.progress = new Map();
    this.waiters = [];
    this.flushing = (async () => {
      try {
        await this.ledger.transact(async (tx) => {
          await this.renew(tx);
          await this.writeProgress(tx, progress);
          const puts: RecordPut[] = [
            ...(await keepAbandoned(tx, deliveries)),
            ...attempts.map(({ key, record }) => attemptDocuments.put(key, record)),
          ];
          if (puts.length > 0) await tx.putRecords(puts);
        });
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        if (!(error instanceof LeaseLostError)) this.restore(attempts, deliveries, progress);
        for (const waiter of waiters) waiter.reject(error);
        throw error;
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Puts the items of a failed flush back before anything recorded since (which is newer). */
  private restore(
    attempts: { key: string; record: AttemptRecord }[],
    deliveries: Map<string, DeliveryRecord>,
    progress: Map<string, EndpointProgress>,
  ): void {
    this.attempts = [...attempts, ...this.attempts];
    for (const [key, record] of this.deliveries) deliveries.set(key, record);
    this.deliveries = deliveries;
    for (const [key, record] of this.progress) progress.set(key, record);
    this.progress = progress;
  }

  private async renew(tx: LedgerTransaction): Promise<void> {
    const nowMs = Number(tx.nowNs / 1_000_000n);
    const lease = await leaseDocuments.get(tx, LEASE_KEY);
    if (
      lease !== undefined &&
      lease.owner !== this.owner &&
      lease.until > nowMs &&
      this.ledger.store.kind !== 'sqlite' &&
      !(lease.host === hostname() && !processAlive(lease.pid))
    )
      throw new LeaseLostError(`${lease.host} pid ${lease.pid}`);
    await tx.putRecords([
      leaseDocuments.put(LEASE_KEY, {
        owner: this.owner,
        host: hostname(),
        pid: process.pid,
        until: nowMs + this.leaseMs,
      }),
    ]);
  }

  private async writeProgress(
    tx: LedgerTransaction,
    progress: ReadonlyMap<string, EndpointProgress>,
  ): Promise<void> {
    if (progress.size === 0) return;
    const stored = await endpointDocuments.getMany(tx, [...progress.keys()]);
    const puts: RecordPut[] = [];
    for (const [id, state] of progress) {
      const record = stored.get(id);
      if (record === undefined) continue;
      const formedThrough = maxSeq(record.formedThrough, state.formedThrough);
      let next: EndpointRecord = { ...record, formedThrough };
      if (record.revision === state.revision && record.removedAt === undefined) {
        next = {
          ...omit(next, ['pending', 'lastError']),
          cursor: maxSeq(record.cursor, state.cursor),
          ...(state.pending === undefined ? {} : { pending: state.pending }),
          ...(state.lastError === undefined ? {} : { lastError: state.lastError }),
        };
        if (state.failed !== undefined && record.status === 'active') {
          next = { ...next, status: 'failed', failedAt: state.failed.at };
          await tx.appendAudit([
            auditEntry(DISPATCHER_ACTOR, tx.nowNs, 'webhooks.fail', id, {
              participant: record.participant,
              url: record.url,
              cursor: next.cursor,
              error: state.failed.error,
            }),
          ]);
        }
      }
      puts.push(endpointDocuments.put(id, next));
    }
    if (puts.length > 0) await tx.putRecords(puts);
  }
}

/**
 * The deliveries' puts; one a replay abandoned while its attempt was in flight stays abandoned
 * (with the attempt counted), unless that attempt delivered it.
 */
async function keepAbandoned(
  tx: LedgerTransaction,
  deliveries: ReadonlyMap<string, DeliveryRecord>,
): Promise<RecordPut[]> {
  if (deliveries.size === 0) return [];
  const stored = await deliveryDocuments.getMany(tx, [...deliveries.keys()]);
  return [...deliveries].map(([key, record]) =>
    deliveryDocuments.put(
      key,
      stored.get(key)?.status === 'abandoned' && record.status !== 'delivered'
        ? { ...record, status: 'abandoned' }
        : record,
    ),
  );
}

function maxSeq(stored: string, known: bigint): string {
  return BigInt(stored) >= known ? stored : known.toString();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
