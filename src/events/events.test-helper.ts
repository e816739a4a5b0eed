import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Ledger } from '../ledger/ledger.js';
import type { EventInput } from '../store/events.js';
import { verifyWebhook } from './signing.js';
import type { EventView } from './view.js';

/** One request a receiver got. */
export interface Received {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly contentType: string;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

/** What a receiver does with a request: answer a status (after an optional delay) or hang. */
export type Behaviour = (
  request: Received,
  index: number,
) => number | { status: number; delayMs?: number; location?: string } | 'hang';

/**
 * A webhook receiver: a real HTTP server on 127.0.0.1 that records every request and answers as
 * its behaviour says (200 by default). `listen` may be given a port that is not open yet, so that
 * a test can register it while it is down.
 */
export class Receiver {
  readonly requests: Received[] = [];
  /** Requests answered so far. */
  answered = 0;
  behaviour: Behaviour = () => 200;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(readonly port: number) {}

  static async start(port = 0): Promise<Receiver> {
    const receiver = new Receiver(port);
    await receiver.listen();
    return receiver;
  }

  /** A receiver on a free port that is not listening yet (connections are refused). */
  static async down(): Promise<Receiver> {
    return new Receiver(await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    (this as { port: number }).port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The status each request was answered with, by its index (none yet: still being answered, or hung). */
  readonly statuses: number[] = [];

  /**
   * The events received, in arrival order, each event id once (what a deduplicating receiver
   * keeps); with `acknowledged`, only those of requests answered 2xx (what the hub counts as delivered).
   */
  deduplicated(acknowledged = false): EventView[] {
    const seen = new Set<string>();
    const kept: EventView[] = [];
    for (const [index, request] of this.requests.entries()) {
      const status = this.statuses[index];
      if (acknowledged && (status === undefined || status < 200 || status > 299)) continue;
      for (const event of (JSON.parse(request.body) as { events: EventView[] }).events)
        if (!seen.has(event.id)) {
          seen.add(event.id);
          kept.push(event);
        }
    }
    return kept;
  }

  /** Asserts that every request verifies with one of the secrets (at the time it was received). */
  assertSigned(secrets: readonly string[]): void {
    for (const request of this.requests)
      assert.ok(
        secrets.some((secret) => verifyWebhook(secret, request.headers, request.body)),
        `request ${request.id} is signed with the endpoint's secret`,
      );
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const received: Received = {
      id: String(request.headers['webhook-id']),
      timestamp: String(request.headers['webhook-timestamp']),
      signature: String(request.headers['webhook-signature']),
      contentType: String(request.headers['content-type']),
      body: Buffer.concat(chunks).toString('utf8'),
      headers: request.headers,
    };
    const index = this.requests.length;
    this.requests.push(received);
    const answer = this.behaviour(received, index);
    if (answer === 'hang') {
      this.hanging.add(response);
      return;
    }
    const { status, delayMs, location } = typeof answer === 'number' ? { status: answer } : answer;
    if (delayMs !== undefined) await delay(delayMs);
    if (location !== undefined) response.setHeader('location', location);
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
    this.statuses[index] = status;
    this.answered += 1;
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until `check` holds, polling; fails naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(20);
  }
}

let counter = 0;

/** Writes events straight into the outbox (one transaction), as the services do with theirs. */
export async function appendEvents(
  ledger: Ledger,
  events: readonly Partial<EventInput>[],
): Promise<void> {
  await ledger.transact(async (tx) => {
    await tx.appendEvents(
      events.map((event) => ({
        type: 'payment.refused',
        subject: `subject-${++counter}`,
        participants: [],
        data: { n: counter },
        at: tx.nowNs,
        ...event,
      })),
    );
  });
}

/** Fast timings for tests: deliveries within tens of milliseconds, retries within a second. */
export const FAST = {
  pollIntervalMs: 10,
  refreshIntervalMs: 50,
  flushIntervalMs: 30,
  backoffBaseMs: 20,
  backoffMaxMs: 200,
  timeoutMs: 2000,
} as const;
