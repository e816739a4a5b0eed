import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventFeed, FeedSubscription } from '../../events/feed.js';
import { eventView } from '../../events/view.js';
import type { StoredEvent } from '../../store/events.js';
import type { ApiContext } from '../context.js';

/**
 * Bytes a stream holds for its client before it stops taking events. The feed waits for a
 * listener's promise before handing it more, and a subscriber that falls too far behind is caught
 * up by paging the store (src/events/feed.ts); so a client that reads slowly costs the server
 * this buffer, one page and the feed's bounded backlog, however many events go by.
 */
const BUFFER_BYTES = 64 * 1024;

/** The streams each HTTP server has open, so that closing it can end them (Fastify waits for responses). */
const open = new WeakMap<Server, Set<EventStream>>();

/**
 * Answers the request with a Server-Sent Events stream of the events `filter` selects: one
 * `id:`/`event:`/`data:` record per event, and a comment line every `eventStreamHeartbeatMs` so
 * that proxies and the server's own idle-socket timeout keep the connection, until the client goes
 * or the server closes.
 */
export function openEventStream(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  filter: FeedSubscription,
): FastifyReply {
  const stream = new EventStream(context.feed, filter, context.limits.eventStreamHeartbeatMs);
  const server = request.server.server;
  let streams = open.get(server);
  if (streams === undefined) {
    streams = new Set();
    open.set(server, streams);
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

/**
 * Ends every open stream of this server, after what each has buffered: the server is closing. A
 * client reconnects (to this server when it is back, or another) with Last-Event-ID and misses
 * nothing.
 */
export function endEventStreams(server: Server): void {
  for (const stream of open.get(server) ?? []) stream.finish();
}

/** The bytes each open stream of this server holds for its client now (tests check the bound). */
export function eventStreamBuffers(server: Server): number[] {
  return [...(open.get(server) ?? [])].map((stream) => stream.readableLength);
}

/** One client's stream: the feed's listener, with the stream's buffer as its backpressure. */
class EventStream extends Readable {
  private unsubscribe: (() => void) | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  /** Resolves the promise the feed waits on, once the client has read what was buffered. */
  private wake: (() => void) | undefined;
  private finished = false;

  constructor(feed: EventFeed, filter: FeedSubscription, heartbeatMs: number) {
    super({ highWaterMark: BUFFER_BYTES });
    // A first comment sends the headers at once, so the client knows the stream is open; retry
    // is how long EventSource waits before it reconnects.
    this.push(`: vostro events after ${filter.afterSeq}\nretry: 2000\n\n`);
    this.heartbeat = setInterval(() => {
      if (this.readableLength < BUFFER_BYTES) this.push(': keep-alive\n\n');
    }, heartbeatMs);
    this.heartbeat.unref();
    this.unsubscribe = feed.subscribe(filter, (events) => this.deliver(events));
  }

  /** The client has read below the buffer's mark: the feed may hand over more. */
  override _read(): void {
    this.release();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stop();
    callback(error);
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.stop();
    this.push(null);
  }

  private stop(): void {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    unsubscribe?.();
    clearInterval(this.heartbeat);
    this.release();
  }

  private release(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private deliver(events: readonly StoredEvent[]): Promise<void> | undefined {
    if (this.finished || this.destroyed) return undefined;
    // The feed hands each event once, in order, and never an empty list.
    let text = '';
    for (const event of events)
      text += `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(eventView(event))}\n\n`;
    if (this.push(text)) return undefined;
    return new Promise((resolve) => (this.wake = resolve));
  }
}
