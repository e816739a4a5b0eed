import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../events/signing.js';
import { currencyByCode } from '../ledger/currency.js';
import { humanAmountIn } from './shared/human.js';

/**
 * The demo's webhook receiver: a small HTTP server on 127.0.0.1 that `vostro start` runs beside the
 * hub, standing for a participant bank's system. It does what a real receiver should: it checks
 * every delivery's Standard Webhooks signature with the endpoint's secret (refusing a forged or
 * stale one with 401, so the hub retries), answers 2xx only once the delivery is written down, and
 * drops events it has already logged (delivery is at least once: a retry, or a restart of the hub
 * before it recorded a delivery, sends the same events again). The log is a text file, one line
 * per event, that the newcomer reads with `cat` or `tail -f`.
 */

/** Largest delivery body accepted; the hub sends at most 100 events (or one camt.054) per delivery. */
const BODY_MAX_BYTES = 8 * 1024 * 1024;

/** An event as a JSON delivery carries it (src/events/view.ts: EventView). */
interface DeliveredEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly subject: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface WebhookReceiver {
  /** The URL to register, e.g. http://127.0.0.1:41234/webhooks/sberbank. */
  readonly url: string;
  readonly port: number;
  /** Deliveries accepted and refused since it started (for tests and the log's summary). */
  readonly counts: { accepted: number; refused: number; duplicates: number };
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** The endpoint's signing secret (`whsec_…`); read through a function, as `rotate-secret` replaces it. */
  readonly secret: () => string;
  /** The file every verified event is appended to. */
  readonly logPath: string;
  /** The path part of the URL, e.g. `/webhooks/sberbank`. */
  readonly path: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** Starts the receiver on 127.0.0.1; the log file is created on the first delivery. */
export async function startWebhookReceiver(options: ReceiverOptions): Promise<WebhookReceiver> {
  const seen = loggedEventIds(options.logPath);
  const counts = { accepted: 0, refused: 0, duplicates: 0 };
  const server = createServer((request, response) => {
    handle(request, response, options, seen, counts).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${options.path}`,
    port,
    counts,
    close: () => closeServer(server),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: ReceiverOptions,
  seen: Set<string>,
  counts: WebhookReceiver['counts'],
): Promise<void> {
  if (request.method !== 'POST' || request.url !== options.path) {
    response.writeHead(404).end();
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    response.writeHead(413).end();
    return;
  }
  const headers = {
    'webhook-id': header(request, 'webhook-id'),
    'webhook-timestamp': header(request, 'webhook-timestamp'),
    'webhook-signature': header(request, 'webhook-signature'),
  };
  const deliveryId = headers['webhook-id'] ?? '(no webhook-id)';
  const now = new Date().toISOString();
  if (!verifyWebhook(options.secret(), headers, body)) {
    counts.refused += 1;
    appendFileSync(
      options.logPath,
      `${now} REFUSED a delivery (webhook-id ${deliveryId}): its signature does not verify with the endpoint's secret\n`,
    );
    response.writeHead(401).end();
    return;
  }
  const lines = linesOf(body, request.headers['content-type'] ?? '', deliveryId, now, seen, counts);
  if (lines.length > 0) appendFileSync(options.logPath, lines.join(''));
  counts.accepted += 1;
  response.writeHead(204).end();
}

/** One line per event not logged before; a camt.054 delivery is logged as one line with its size. */
function linesOf(
  body: Buffer,
  contentType: string,
  deliveryId: string,
  now: string,
  seen: Set<string>,
  counts: WebhookReceiver['counts'],
): string[] {
  if (!contentType.includes('json')) {
    if (seen.has(deliveryId)) {
      counts.duplicates += 1;
      return [];
    }
    seen.add(deliveryId);
    return [
      `${now} delivery ${deliveryId} (signature verified): ${contentType} message of ${body.length} bytes\n`,
    ];
  }
  const parsed = JSON.parse(body.toString('utf8')) as { events?: readonly DeliveredEvent[] };
  const lines: string[] = [];
  for (const event of parsed.events ?? []) {
    if (seen.has(event.id)) {
      counts.duplicates += 1;
      continue;
    }
    seen.add(event.id);
    lines.push(
      `${now} event ${event.id} ${event.type} at ${event.at}: ${summary(event)} (delivery ${deliveryId}, signature verified)\n`,
    );
  }
  return lines;
}

/** What a person wants to see of an event at a glance: the money, or else its subject. */
function summary(event: DeliveredEvent): string {
  const { data } = event;
  const amount = typeof data['amount'] === 'string' ? data['amount'] : undefined;
  const currency = typeof data['currency'] === 'string' ? data['currency'] : '';
  const from = data['debitOwner'] ?? data['payer'];
  const to = data['creditOwner'] ?? data['payee'];
  const parts = [
    amount === undefined ? `subject ${event.subject}` : money(amount, currency),
    typeof from === 'string' && typeof to === 'string' ? `${from} → ${to}` : undefined,
    typeof data['reference'] === 'string' && data['reference'] !== ''
      ? `"${data['reference']}"`
      : undefined,
    typeof data['code'] === 'string' && event.type === 'payment.refused'
      ? `refused ${data['code']}`
      : undefined,
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}

/** Minor units as a person reads them: "4250000000", "INR" → "42,500,000.00 INR". */
function money(minor: string, code: string): string {
  const currency = currencyByCode(code);
  if (currency === undefined || !/^-?\d{1,40}$/.test(minor)) return `${minor} ${code}`;
  return `${humanAmountIn(BigInt(minor), currency)} ${code}`;
}

/** The event ids (and camt.054 delivery ids) a log already holds, so a restart does not log them twice. */
function loggedEventIds(path: string): Set<string> {
  const seen = new Set<string>();
  if (!existsSync(path)) return seen;
  const text = readFileSync(path, 'utf8');
  for (const match of text.matchAll(/^\S+ event (\d+) /gm)) seen.add(match[1] ?? '');
  for (const match of text.matchAll(/^\S+ delivery (\S+) \(signature verified\)/gm))
    seen.add(match[1] ?? '');
  return seen;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_MAX_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
