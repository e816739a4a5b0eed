import type { StoredEvent } from '../store/events.js';
import type { LedgerStore } from '../store/store.js';

export interface FeedSubscription {
  /** Events after this seq (0n: from the start). */
  readonly afterSeq: bigint;
  /** Only events naming this participant; every event when left out (operator, auditor). */
  readonly participant?: string;
  readonly types?: readonly string[];
}

/**
 * Receives events in seq order, each once. A returned promise is waited for before the next call
 * (an SSE connection's backpressure); a rejection ends the subscription.
 */
export type FeedListener = (events: readonly StoredEvent[]) => void | Promise<void>;

export interface EventFeedOptions {
  /** How often the store's newest seq is read while anyone listens (ms); default 100. */
  readonly pollIntervalMs?: number;
  /** Events per read of the store; default 1000. */
  readonly pageSize?: number;
  /** Events kept for subscribers that are slightly behind; default 5000. */
  readonly recentMax?: number;
  /** Events a busy subscriber may have waiting before it is paged from the store instead; default 1000. */
  readonly backlogMax?: number;
  readonly onError?: (what: string, error: unknown) => void;
}

interface Subscriber {
  readonly filter: FeedSubscription;
  readonly listener: FeedListener;
  /** The last seq handed to the listener, or passed over as not its own. */
  position: bigint;
  mode: 'live' | 'catching_up';
  backlog: StoredEvent[];
  busy: boolean;
  closed: boolean;
}

/**
 * One poller per process for every live reader of events (the SSE streams): it reads each new
 * event from the store once and hands it to the subscribers it concerns, filtered by participant
 * and type. A subscriber that starts in the past, or falls more than `backlogMax` events behind
 * because its listener is slow, is caught up by paging the store with its own filter, so memory
 * stays bounded (`recentMax` events kept, at most `backlogMax` waiting per subscriber) however
 * slow a reader is. Polling stops when the last subscriber leaves.
 */
export class EventFeed {
  private readonly subscribers = new Set<Subscriber>();
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly recentMax: number;
  private readonly backlogMax: number;
  private readonly onError: (what: string, error: unknown) => void;
  /** Every event with seq in (recentFrom, head] is in `recent`; undefined until the first poll. */
  private head: bigint | undefined;
  private recentFrom = 0n;
  private recent: StoredEvent[] = [];
  /** Counts halts: work begun before one stops at its next step. */
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<LedgerStore, 'events' | 'lastEventSeq'>,
    options: EventFeedOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.pageSize = options.pageSize ?? 1000;
    this.recentMax = options.recentMax ?? 5000;
    this.backlogMax = options.backlogMax ?? 1000;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Subscribers listening now. */
  get size(): number {
    return this.subscribers.size;
  }

  /** Whether the feed polls the store (only while someone listens). */
  get active(): boolean {
    return this.timer !== undefined || this.polling !== undefined;
  }

  /** Starts delivering to `listener` (from the next poll on); the returned function ends it. */
  subscribe(filter: FeedSubscription, listener: FeedListener): () => void {
    if (filter.afterSeq < 0n) throw new Error(`bug: a feed subscription after ${filter.afterSeq}`);
    const subscriber: Subscriber = {
      filter,
      listener,
      position: filter.afterSeq,
      mode: 'catching_up',
      backlog: [],
      busy: false,
      closed: false,
    };
    this.subscribers.add(subscriber);
    if (this.timer === undefined && this.polling === undefined) this.schedule(0);
    return () => this.unsubscribe(subscriber);
  }

  private unsubscribe(subscriber: Subscriber): void {
    subscriber.closed = true;
    subscriber.backlog = [];
    this.subscribers.delete(subscriber);
    if (this.subscribers.size > 0) return;
    // Nobody listens: stop polling and forget what was kept.
    clearTimeout(this.timer);
    this.timer = undefined;
    this.generation += 1;
    this.head = undefined;
    this.recent = [];
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.polling = this.poll()
        .catch((error: unknown) => this.onError('event feed', error))
        .finally(() => {
          this.polling = undefined;
          if (this.subscribers.size > 0 && this.timer === undefined)
            this.schedule(this.pollIntervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Reads what is new, keeps it in `recent`, hands it to the live subscribers and starts catch-ups. */
  private async poll(): Promise<void> {
    const generation = this.generation;
    const current = (): boolean => generation === this.generation;
    if (this.head === undefined) {
      const head = await this.store.lastEventSeq();
      if (!current()) return;
      this.head = this.recentFrom = head;
      this.recent = [];
    }
    const latest = await this.store.lastEventSeq();
    while (current() && this.head < latest) {
      const page = await this.store.events({ afterSeq: this.head, limit: this.pageSize });
      const last = page.at(-1);
      if (last === undefined || !current()) break;
      this.head = last.seq;
      this.recent.push(...page);
      if (this.recent.length > this.recentMax) {
        const dropped = this.recent.splice(0, this.recent.length - this.recentMax);
        this.recentFrom = (dropped.at(-1) as StoredEvent).seq;
      }
      for (const subscriber of this.subscribers)
        if (subscriber.mode === 'live') this.offer(subscriber, page, last.seq);
    }
    if (!current()) return;
    for (const subscriber of this.subscribers)
      if (subscriber.mode === 'catching_up' && !subscriber.busy) void this.catchUp(subscriber);
  }

  /** Live: queues the subscriber's share of `events`, or sends it to catching up when too far behind. */
  private offer(subscriber: Subscriber, events: readonly StoredEvent[], through: bigint): void {
    const own = events.filter(
      (event) => event.seq > subscriber.position && matches(subscriber.filter, event),
    );
    if (own.length === 0) {
      if (!subscriber.busy && subscriber.backlog.length === 0) subscriber.position = through;
      return;
    }
    subscriber.backlog.push(...own);
    if (subscriber.backlog.length > this.backlogMax) {
      // Too far behind: forget the backlog; the next poll pages the store after the last event handed over.
      subscriber.backlog = [];
      subscriber.mode = 'catching_up';
      return;
    }
    if (!subscriber.busy) void this.drain(subscriber);
  }

  /** Hands a live subscriber its backlog, one call at a time. */
  private async drain(subscriber: Subscriber): Promise<void> {
    subscriber.busy = true;
    try {
      while (subscriber.backlog.length > 0 && !subscriber.closed && subscriber.mode === 'live') {
        const events = subscriber.backlog;
        subscriber.backlog = [];
        await subscriber.listener(events);
        subscriber.position = (events.at(-1) as StoredEvent).seq;
      }
    } catch (error) {
      this.fail(subscriber, error);
    } finally {
      subscriber.busy = false;
    }
  }

  /**
   * Pages the store with the subscriber's filter until the events kept in `recent` reach back to
   * its position; then hands it what `recent` holds beyond that and makes it live. The switch
   * happens without an await in between, so no page the poller reads can pass it by.
   */
  private async catchUp(subscriber: Subscriber): Promise<void> {
    const generation = this.generation;
    subscriber.busy = true;
    try {
      for (;;) {
        const head = this.head;
        if (subscriber.closed || generation !== this.generation || head === undefined) return;
        if (subscriber.position >= this.recentFrom) {
          subscriber.backlog = this.recent.filter(
            (event) => event.seq > subscriber.position && matches(subscriber.filter, event),
          );
          if (subscriber.backlog.length === 0 && head > subscriber.position)
            subscriber.position = head;
          subscriber.mode = 'live';
          break;
        }
        const { participant, types } = subscriber.filter;
        const page = await this.store.events({
          afterSeq: subscriber.position,
          limit: this.pageSize,
          ...(participant === undefined ? {} : { participant }),
          ...(types === undefined ? {} : { types }),
        });
        if (ended(subscriber)) return;
        const last = page.at(-1);
        if (last !== undefined) {
          await subscriber.listener(page);
          subscriber.position = last.seq;
        }
        // A short page holds every matching event up to `head`, which had committed before the read.
        if (page.length < this.pageSize && head > subscriber.position) subscriber.position = head;
      }
    } catch (error) {
      this.fail(subscriber, error);
      return;
    } finally {
      subscriber.busy = false;
    }
    if (subscriber.backlog.length > 0) void this.drain(subscriber);
  }

  private fail(subscriber: Subscriber, error: unknown): void {
    this.onError('event feed subscriber', error);
    this.unsubscribe(subscriber);
  }
}

/** Read through a call: the subscription may have ended during an await, which narrowing cannot see. */
function ended(subscriber: Subscriber): boolean {
  return subscriber.closed;
}

function matches(filter: FeedSubscription, event: StoredEvent): boolean {
  if (filter.participant !== undefined && !event.participants.includes(filter.participant))
    return false;
  return filter.types === undefined || filter.types.includes(event.type);
}
