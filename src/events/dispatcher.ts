import type { Ledger } from '../ledger/ledger.js';
import { DeliveryLog, LeaseLostError } from './delivery-log.js';
import {
  EndpointWorker,
  type NotificationBuilder,
  type WorkerSettings,
} from './endpoint-worker.js';
import { endpointDocuments, type EndpointRecord } from './webhook-records.js';
import type { WebhookService } from './webhooks.js';

export interface DispatcherOptions {
  /** How often the newest event seq is read (ms); default 100. */
  readonly pollIntervalMs?: number;
  /** How often the endpoints are read again (ms), for changes made by other processes; default 1000. */
  readonly refreshIntervalMs?: number;
  /** How often attempts and progress are written, in one transaction (ms); default 200. */
  readonly flushIntervalMs?: number;
  /** One attempt's time limit (ms); default 10 s. */
  readonly timeoutMs?: number;
  /** How long after a delivery's first failure it is retried before the endpoint is marked failed (ms); default 24 h. */
  readonly retryForMs?: number;
  /** The first retry waits up to this long, doubling with each attempt (ms); default 1 s. */
  readonly backoffBaseMs?: number;
  /** The cap of the doubling (ms); default 1 h. */
  readonly backoffMaxMs?: number;
  /** How long the dispatch lease lasts without renewal (ms); default 15 s. */
  readonly leaseMs?: number;
  /** The jitter's source of numbers in [0, 1); default Math.random. */
  readonly random?: () => number;
  /** Told of errors of the store or of building a payload (not of receivers: those are recorded as attempts). */
  readonly onError?: (what: string, error: unknown) => void;
}

export interface DispatcherDependencies {
  readonly ledger: Ledger;
  /** When given, an endpoint changed through it is reloaded at once instead of at the next refresh. */
  readonly webhooks?: WebhookService;
  /** The camt.054 builder for endpoints in that format (Iso20022Service.notificationForEvents). */
  readonly notifications?: NotificationBuilder;
}

const DEFAULTS = {
  pollIntervalMs: 100,
  refreshIntervalMs: 1000,
  flushIntervalMs: 200,
  timeoutMs: 10_000,
  retryForMs: 24 * 3600 * 1000,
  backoffBaseMs: 1000,
  backoffMaxMs: 3600 * 1000,
  leaseMs: 15_000,
} as const;
const LOG_BACKLOG_MAX = 10_000;

/**
 * Delivers events to the active webhook endpoints (see docs/events.md): one EndpointWorker per
 * endpoint, all fed by one poll of the store's newest event seq; one DeliveryLog writing what
 * they did in grouped transactions; and a lease, so that of several processes on one PostgreSQL
 * database exactly one delivers. `vostro serve` starts it (`startWebhookDispatcher`) and stops it
 * when it closes.
 */
export class WebhookDispatcher {
  private readonly log: DeliveryLog;
  private readonly settings: WorkerSettings;
  private readonly workers = new Map<string, EndpointWorker>();
  private readonly intervals: Required<
    Pick<DispatcherOptions, 'pollIntervalMs' | 'refreshIntervalMs' | 'flushIntervalMs' | 'leaseMs'>
  >;
  private readonly onError: (what: string, error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private tickRunning: Promise<void> | undefined;
  private stopped = false;
  private leaseHeld = false;
  private lastRefresh = 0;
  private lastAcquire = Number.NEGATIVE_INFINITY;
  private lastFlush = 0;
  private refreshWanted = true;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly dependencies: DispatcherDependencies,
    options: DispatcherOptions = {},
  ) {
    const pick = <K extends keyof typeof DEFAULTS>(key: K): number => {
      const value = options[key] ?? DEFAULTS[key];
      if (!Number.isFinite(value) || value < 0)
        throw new Error(
          `bug: dispatcher option ${key} must be a non-negative number, not ${value}`,
        );
      return value;
    };
    this.intervals = {
      pollIntervalMs: pick('pollIntervalMs'),
      refreshIntervalMs: pick('refreshIntervalMs'),
      flushIntervalMs: pick('flushIntervalMs'),
      leaseMs: pick('leaseMs'),
    };
    this.settings = {
      timeoutMs: pick('timeoutMs'),
      retryForMs: pick('retryForMs'),
      backoffBaseMs: pick('backoffBaseMs'),
      backoffMaxMs: pick('backoffMaxMs'),
      random: options.random ?? Math.random,
      logBacklogMax: LOG_BACKLOG_MAX,
    };
    this.onError = options.onError ?? (() => undefined);
    this.log = new DeliveryLog(dependencies.ledger, this.intervals.leaseMs);
  }

  /** Begins polling. */
  start(): this {
    if (this.timer !== undefined || this.stopped) return this;
    this.unwatch = this.dependencies.webhooks?.onChange(() => this.refresh());
    this.schedule(0);
    return this;
  }

  /** Reads the endpoints again at the next tick. */
  refresh(): void {
    this.refreshWanted = true;
  }

  /**
   * Stops: no new attempt begins, attempts in flight end (or time out), what they did is written,
   * and the lease is given up.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unwatch?.();
    clearTimeout(this.timer);
    await this.tickRunning;
    const stopping = Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
    if (!this.leaseHeld) {
      await stopping;
      return;
    }
    try {
      // A worker may be waiting for the log's backlog to be written: write it while they stop.
      await this.log.flush();
      await stopping;
      await this.log.flush();
      await this.log.release();
    } catch (error) {
      await stopping;
      this.onError('webhook dispatcher: the last write', error);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tickRunning = this.tick().finally(() => {
        this.tickRunning = undefined;
        this.schedule(this.intervals.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const now = Date.now();
      if (!this.leaseHeld) {
        if (now - this.lastAcquire < this.intervals.refreshIntervalMs) return;
        this.lastAcquire = now;
        this.leaseHeld = await this.log.acquire();
        if (!this.leaseHeld) return;
        this.lastFlush = now;
        this.refreshWanted = true;
      }
      if (this.refreshWanted || now - this.lastRefresh >= this.intervals.refreshIntervalMs) {
        this.refreshWanted = false;
        this.lastRefresh = now;
        await this.syncWorkers();
      }
      const latest = await this.dependencies.ledger.store.lastEventSeq();
      for (const worker of this.workers.values()) worker.notify(latest);
      const due =
        (this.log.size > 0 && now - this.lastFlush >= this.intervals.flushIntervalMs) ||
        now - this.lastFlush >= this.intervals.leaseMs / 3;
      if (due && !this.log.busy) {
        this.lastFlush = now;
        void this.log.flush().catch((error: unknown) => this.flushFailed(error));
      }
    } catch (error) {
      this.onError('webhook dispatcher', error);
    }
  }

  private async flushFailed(error: unknown): Promise<void> {
    if (!(error instanceof LeaseLostError)) {
      this.onError('webhook dispatcher: writing deliveries', error);
      return;
    }
    // Another process delivers now: stop ours, forget what was not written, and wait to take over.
    this.onError('webhook dispatcher', error);
    this.leaseHeld = false;
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.stop()));
    this.log.discard();
  }

  /** Whether the dispatcher must not start workers: stopped, or the lease is not its own. A call, so that it is read again after each await. */
  private halted(): boolean {
    return this.stopped || !this.leaseHeld;
  }

  /** One worker per active endpoint, at the endpoint's current revision. */
  private async syncWorkers(): Promise<void> {
    const active = new Map<string, EndpointRecord>();
    for (let after: string | undefined; ;) {
      const page = await endpointDocuments.list(this.dependencies.ledger.store, {
        ...(after === undefined ? {} : { afterKey: after }),
        limit: 500,
      });
      for (const record of page)
        if (record.status === 'active' && record.removedAt === undefined)
          active.set(record.id, record);
      if (page.length < 500) break;
      after = page.at(-1)?.id;
    }
    if (this.halted()) return;
    const stopping: Promise<void>[] = [];
    for (const [id, worker] of this.workers) {
      const record = active.get(id);
      if (record !== undefined && record.revision === worker.revision) {
        worker.update(record);
        active.delete(id);
      } else if (record !== undefined || !worker.failed) {
        // Changed (replayed, disabled, removed) or no longer active: a new worker starts from the stored state.
        this.workers.delete(id);
        stopping.push(worker.stop());
      } else {
        // Failed by this dispatcher; the stored status says so once the log is written.
        this.workers.delete(id);
      }
    }
    await Promise.all(stopping);
    if (this.halted()) return;
    for (const [id, record] of active) {
      const worker = new EndpointWorker(record, {
        store: this.dependencies.ledger.store,
        log: this.log,
        settings: this.settings,
        notifications: this.dependencies.notifications,
        onError: this.onError,
      });
      this.workers.set(id, worker);
    }
  }
}

/** Starts a dispatcher (what `vostro serve` calls); `stop()` on close. */
export function startWebhookDispatcher(
  dependencies: DispatcherDependencies,
  options: DispatcherOptions = {},
): WebhookDispatcher {
  return new WebhookDispatcher(dependencies, options).start();
}
