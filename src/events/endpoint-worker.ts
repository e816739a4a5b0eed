import type { StoredEvent } from '../store/events.js';
import type { LedgerStore } from '../store/store.js';
import type { DeliveryLog } from './delivery-log.js';
import { webhookHeaders } from './signing.js';
import { eventView } from './view.js';
import {
  deliveryDocuments,
  deliveryId,
  deliveryKey,
  isoMs,
  omit,
  type DeliveryRecord,
  type EndpointRecord,
} from './webhook-records.js';

/** Builds the camt.054 body of a delivery (Iso20022Service.notificationForEvents); undefined when none of the events is an entry. */
export type NotificationBuilder = (
  events: readonly StoredEvent[],
  participant: string,
) => Promise<string | undefined>;

export interface WorkerSettings {
  readonly timeoutMs: number;
  readonly retryForMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** A number in [0, 1): the jitter. */
  readonly random: () => number;
  /** Most unwritten items in the delivery log before workers wait for a flush. */
  readonly logBacklogMax: number;
}

export interface WorkerContext {
  readonly store: LedgerStore;
  readonly log: DeliveryLog;
  readonly settings: WorkerSettings;
  readonly notifications: NotificationBuilder | undefined;
  readonly onError: (what: string, error: unknown) => void;
}

/** What one POST came to. */
export interface PostOutcome {
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

interface Delivery {
  readonly id: string;
  readonly firstSeq: bigint;
  readonly lastSeq: bigint;
  readonly events: number;
  readonly body: string;
  readonly contentType: string;
  attempts: number;
  firstFailureAt: number | undefined;
  nextAttemptAt: number | undefined;
  record: DeliveryRecord;
}

const ERROR_TEXT_MAX = 500;
const RESPONSE_READ_MAX = 64 * 1024;
/** After an error of the store (not of the receiver), try again after this long. */
const STORE_ERROR_PAUSE_MS = 1000;

/**
 * Delivers one endpoint's events, strictly in order: one delivery (up to maxEventsPerDelivery
 * consecutive events visible to the endpoint's participant) at a time, retried with exponential
 * backoff and full jitter until it succeeds or the retry window since its first failure has run
 * out, when the endpoint is marked failed. Everything it learns goes to the DeliveryLog, which
 * writes it in groups; the worker itself never waits for a write, except when the log's backlog
 * is full.
 */
export class EndpointWorker {
  readonly revision: number;
  private config: EndpointRecord;
  /** The last event delivered. */
  private cursor: bigint;
  /** The position the next read starts after: past the cursor when the events in between were not the endpoint's. */
  private scanFrom: bigint;
  private formedThrough: bigint;
  private delivery: Delivery | undefined;
  private resumePending: boolean;
  private latestSeq = 0n;
  private state: 'running' | 'failed' | 'stopped' = 'running';
  private wake: (() => void) | undefined;
  private readonly sleeping = new AbortController();
  private readonly loop: Promise<void>;

  constructor(
    record: EndpointRecord,
    private readonly context: WorkerContext,
  ) {
    this.config = record;
    this.revision = record.revision;
    this.cursor = BigInt(record.cursor);
    this.scanFrom = this.cursor;
    this.formedThrough = BigInt(record.formedThrough);
    this.resumePending = record.pending !== undefined;
    this.loop = this.run();
  }

  get id(): string {
    return this.config.id;
  }

  /** Whether the worker gave up (retry window over) and waits for the endpoint to be replayed. */
  get failed(): boolean {
    return this.state === 'failed';
  }

  /** The endpoint's latest configuration of the same revision (a rotated secret, say). */
  update(record: EndpointRecord): void {
    this.config = record;
  }

  /** The newest event seq of the store: the worker reads when it has not seen that far. */
  notify(latestSeq: bigint): void {
    if (latestSeq > this.latestSeq) this.latestSeq = latestSeq;
    this.wake?.();
  }

  /** Stops after the attempt in flight, if any, has ended (it is not cut short) and been logged. */
  async stop(): Promise<void> {
    if (this.state === 'running') this.state = 'stopped';
    this.sleeping.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.state === 'running') {
      try {
        if (this.delivery === undefined && !(await this.form())) {
          await this.idle();
          continue;
        }
        await this.attempt();
      } catch (error) {
        this.context.onError(`webhook endpoint ${this.config.id}`, error);
        await this.sleep(STORE_ERROR_PAUSE_MS);
      }
    }
  }

  /** Prepares the next delivery; false when there is nothing to send. */
  private async form(): Promise<boolean> {
    const { store } = this.context;
    const { pending } = this.config;
    let events: StoredEvent[];
    let observed: bigint;
    if (this.resumePending && pending !== undefined) {
      // A delivery tried before (by this process or one that died): the same range, the same id.
      this.resumePending = false;
      const first = BigInt(pending.firstSeq);
      const last = BigInt(pending.lastSeq);
      events = (
        await store.events({ ...this.filter(), afterSeq: first - 1n, limit: pending.events })
      ).filter((event) => event.seq <= last);
      observed = last;
    } else {
      this.resumePending = false;
      if (this.latestSeq <= this.scanFrom) return false;
      observed = this.latestSeq;
      events = await store.events({
        ...this.filter(),
        afterSeq: this.scanFrom,
        limit: this.config.maxEventsPerDelivery,
      });
    }
    const first = events[0];
    const last = events.at(-1);
    if (first === undefined || last === undefined) {
      this.scanFrom = observed;
      return false;
    }
    const body = await this.body(events);
    if (body === undefined) {
      // Nothing of these events goes into this endpoint's format: they count as delivered.
      this.cursor = this.scanFrom = last.seq;
      this.report();
      return true;
    }
    const id = deliveryId(this.config.id, first.seq, last.seq);
    const earlier =
      first.seq <= this.formedThrough
        ? await deliveryDocuments.get(store, deliveryKey(this.config.id, first.seq, last.seq))
        : undefined;
    const same =
      pending !== undefined &&
      BigInt(pending.firstSeq) === first.seq &&
      BigInt(pending.lastSeq) === last.seq
        ? pending
        : undefined;
    const attempts = Math.max(earlier?.attempts ?? 0, same?.attempts ?? 0);
    const firstFailureAt =
      same?.firstFailureAt === undefined ? undefined : Date.parse(same.firstFailureAt);
    if (last.seq > this.formedThrough) this.formedThrough = last.seq;
    this.delivery = {
      id,
      firstSeq: first.seq,
      lastSeq: last.seq,
      events: events.length,
      ...body,
      attempts,
      firstFailureAt,
      nextAttemptAt: undefined,
      record: {
        id,
        endpoint: this.config.id,
        firstSeq: first.seq.toString(),
        lastSeq: last.seq.toString(),
        events: events.length,
        status: 'pending',
        attempts,
        createdAt: earlier?.createdAt ?? isoMs(Date.now()),
        ...(firstFailureAt === undefined ? {} : { firstFailureAt: isoMs(firstFailureAt) }),
      },
    };
    return true;
  }

  private filter(): { participant: string; types?: readonly string[] } {
    const { participant, types } = this.config;
    return types === undefined ? { participant } : { participant, types };
  }

  private async body(
    events: readonly StoredEvent[],
  ): Promise<{ body: string; contentType: string } | undefined> {
    if (this.config.format === 'json')
      return {
        body: JSON.stringify({ events: events.map(eventView) }),
        contentType: 'application/json',
      };
    const { notifications } = this.context;
    if (notifications === undefined)
      throw new Error(
        'camt.054 payloads need the ISO 20022 service, which this dispatcher was not given',
      );
    const xml = await notifications(events, this.config.participant);
    return xml === undefined ? undefined : { body: xml, contentType: 'application/xml' };
  }

  private async attempt(): Promise<void> {
    const delivery = this.delivery as Delivery;
    const { log, settings } = this.context;
    if (delivery.nextAttemptAt !== undefined) await this.sleep(delivery.nextAttemptAt - Date.now());
    if (log.size > settings.logBacklogMax) await log.written().catch(() => undefined);
    if (this.state !== 'running') return;
    const at = Date.now();
    const headers = webhookHeaders(
      this.secrets(at),
      delivery.id,
      Math.floor(at / 1000),
      delivery.body,
      delivery.contentType,
    );
    const outcome = await postWebhook(this.config.url, headers, delivery.body, settings.timeoutMs);
    delivery.attempts += 1;
    log.attempt(this.config.id, delivery.firstSeq, delivery.lastSeq, {
      delivery: delivery.id,
      attempt: delivery.attempts,
      at: isoMs(at),
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      durationMs: outcome.durationMs,
    });
    const common = {
      ...delivery.record,
      attempts: delivery.attempts,
      lastAttemptAt: isoMs(at),
      ...(outcome.status === undefined ? {} : { lastStatus: outcome.status }),
    };
    if (outcome.ok) {
      log.delivery({
        ...omit(common, ['lastError']),
        status: 'delivered',
        deliveredAt: isoMs(Date.now()),
      });
      this.cursor = this.scanFrom = delivery.lastSeq;
      this.delivery = undefined;
      this.report();
      return;
    }
    const error = outcome.error ?? `HTTP ${outcome.status ?? '?'}`;
    delivery.firstFailureAt ??= at;
    const now = Date.now();
    const windowEnd = delivery.firstFailureAt + settings.retryForMs;
    const failed = now >= windowEnd;
    delivery.record = {
      ...common,
      status: failed ? 'failed' : 'pending',
      firstFailureAt: isoMs(delivery.firstFailureAt),
      lastError: error,
    };
    log.delivery(delivery.record);
    if (failed) {
      this.state = 'failed';
      this.report({ at: isoMs(now), error }, error);
      return;
    }
    const ceiling = Math.min(
      settings.backoffMaxMs,
      settings.backoffBaseMs * 2 ** Math.min(delivery.attempts - 1, 40),
    );
    delivery.nextAttemptAt = Math.min(now + settings.random() * ceiling, windowEnd);
    this.report(undefined, error);
  }

  /** The secret, and the one a rotation replaced while its overlap lasts. */
  private secrets(nowMs: number): string[] {
    const { secret, previousSecret, previousSecretUntil } = this.config;
    return previousSecret !== undefined &&
      previousSecretUntil !== undefined &&
      Date.parse(previousSecretUntil) > nowMs
      ? [secret, previousSecret]
      : [secret];
  }

  private report(failed?: { at: string; error: string }, lastError?: string): void {
    const { delivery } = this;
    this.context.log.endpoint(this.config.id, {
      revision: this.revision,
      cursor: this.cursor,
      formedThrough: this.formedThrough,
      pending:
        delivery === undefined || delivery.attempts === 0
          ? undefined
          : {
              firstSeq: delivery.firstSeq.toString(),
              lastSeq: delivery.lastSeq.toString(),
              events: delivery.events,
              attempts: delivery.attempts,
              ...(delivery.firstFailureAt === undefined
                ? {}
                : { firstFailureAt: isoMs(delivery.firstFailureAt) }),
            },
      ...(failed === undefined ? {} : { failed }),
      ...(lastError === undefined ? {} : { lastError }),
    });
  }

  /** Waits for `notify` or `stop`. */
  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    this.wake = undefined;
  }

  /** Waits `ms`, or less if stopped. */
  private async sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.sleeping.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.sleeping.signal;
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}

/**
 * One POST with Node's fetch: redirects are not followed (a 3xx is a failure, recorded as such),
 * the whole exchange is bounded by `timeoutMs`, and at most 64 KiB of the answer is read (so
 * that the connection can be reused) and never kept.
 */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const started = performance.now();
  const duration = (): number => Math.max(0, Math.round(performance.now() - started));
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'user-agent': 'vostro-webhooks/1' },
      body,
      redirect: 'manual',
      signal,
    });
    await drain(response);
    const { status } = response;
    if (status >= 200 && status < 300) return { ok: true, status, durationMs: duration() };
    const error =
      status >= 300 && status < 400
        ? `HTTP ${status}: redirects are not followed (to ${response.headers.get('location') ?? 'nowhere'})`
        : `HTTP ${status}`;
    return { ok: false, status, error: error.slice(0, ERROR_TEXT_MAX), durationMs: duration() };
  } catch (error) {
    return { ok: false, error: errorText(error, signal, timeoutMs), durationMs: duration() };
  }
}

async function drain(response: Response): Promise<void> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  let read = 0;
  try {
    while (read <= RESPONSE_READ_MAX) {
      const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (chunk.done) return;
      read += chunk.value?.byteLength ?? 0;
    }
    await reader.cancel();
  } finally {
    reader.releaseLock();
  }
}

function errorText(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `no answer within ${timeoutMs} ms`;
  const cause =
    error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  const text =
    cause instanceof Error
      ? `${cause.code === undefined ? '' : `${cause.code}: `}${cause.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  return text.slice(0, ERROR_TEXT_MAX);
}
