import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventFeed } from '../../events/feed.js';
import { eventView } from '../../events/view.js';
import type { StoredEvent } from '../../store/events.js';
import type { ApiContext } from '../context.js';

/** What one stream reads: events after a position, of one participant and some types, or all. */
export interface StreamQuery {
  readonly afterSeq: bigint;
  readonly participant?: string;
  readonly types?: readonly string[];
}

/**
 * Bytes a stream may hold for its client before it stops taking events from the feed. A client
 * that reads slower than events come is detached from the feed when this fills, and attached again
 * from where it stopped once it has read what is buffered: the feed then catches it up by paging
 * the store, so the server never holds more than this and one page for a slow reader.
 */
const BUFFER_BYTES = 64 * 1024;

/** The streams open now, so that closing the server can end them (Fastify waits for responses). */
const open = new WeakMap<ApiContext, Set<EventStream>>();

/**
 * Answers the request with a Server-Sent Events stream of the events after `query.afterSeq`
 * visible to the request: one `id:`/`event:`/`data:` record per event, a comment line every
 * `eventStreamHeartbeatMs` so that proxies and the server's own idle-socket timeout keep the
 * connection, until the client goes or the server closes.
 */
export function openEventStream(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  query: StreamQuery,
): FastifyReply {
  const stream = new EventStream(context.events.feed, query, context.limits.eventStreamHeartbeatMs);
  let streams = open.get(context);
  if (streams === undefined) {
    streams = new Set();
    open.set(context, streams);
  }
  const set = streams;
  set.add(stream);
  stream.once('close', () => set.delete(stream));
  request.raw.once('close', () => stream.destroy());
  return reply
    .header('cache-control', 'no-store')
    .header('x-accel-buffering', 'no')
    .type('text/event-stream; charset=utf-8')
    .send(stream);
}

/** Ends every open stream of this server (on close): each client sees its stream end and may reconnect elsewhere with Last-Event-ID. */
export function endEventStreams(context: ApiContext): void {
  for (const stream of open.get(context) ?? []) stream.finish();
}

/** How many streams are open (for tests and metrics). */
export function openEventStreams(context: ApiContext): number {
  return open.get(context)?.size ?? 0;
}

/**
 * One client's stream. Live, it takes events from the shared feed as they come; when its buffer is
 * full (the client reads slowly), it leaves the feed and, once the client has read the buffer,
 * subscribes again after the last event it sent: at most one buffer and one page of events per
 * client, however far behind it falls.
 */
class EventStream extends Readable {
  private cursor: bigint;
  private unsubscribe: (() => void) | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly feed: EventFeed,
    private readonly query: StreamQuery,
    heartbeatMs: number,
  ) {
    super({ highWaterMark: BUFFER_BYTES });
    this.cursor = query.afterSeq;
    // A first comment sends the headers at once, so the client knows the stream is open.
    this.push(`: vostro events after ${this.cursor}\nretry: 2000\n\n`);
    this.heartbeat = setInterval(() => {
      if (this.readableLength < BUFFER_BYTES) this.push(': keep-alive\n\n');
    }, heartbeatMs);
    this.heartbeat.unref();
    this.attach();
  }

  /** Called when the client has read what was buffered: back on the feed if it had been detached. */
  override _read(): void {
    if (this.unsubscribe === undefined && !this.ended) this.attach();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.detach();
    clearInterval(this.heartbeat);
    callback(error);
  }

  /** Ends the stream after what is buffered: the server is closing. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.detach();
    clearInterval(this.heartbeat);
    this.push(null);
  }

  private attach(): void {
    this.unsubscribe = this.feed.subscribe(
      {
        afterSeq: this.cursor,
        ...(this.query.participant === undefined ? {} : { participant: this.query.participant }),
        ...(this.query.types === undefined ? {} : { types: this.query.types }),
      },
      (events) => this.deliver(events),
    );
  }

  private detach(): void {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    unsubscribe?.();
  }

  private deliver(events: readonly StoredEvent[]): void {
    if (this.ended || this.destroyed || this.unsubscribe === undefined) return;
    let text = '';
    for (const event of events) {
      // A resubscription may hand over an event already sent: each goes once, in order.
      if (event.seq <= this.cursor) continue;
      this.cursor = event.seq;
      text += `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(eventView(event))}\n\n`;
    }
    if (text !== '' && !this.push(text)) this.detach();
  }
}
