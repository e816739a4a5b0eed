/**
 * `npm run bench:webhooks`: event delivery lag under load. Ten banks, each with a webhook endpoint
 * served by this process on 127.0.0.1 (registered by the operator, so active at once); `vostro
 * serve` on a fresh SQLite file; payments between customers of different banks sent through
 * `POST /v1/payments` at `--rate` per second (autocannon's overall rate) for `--seconds`. Every
 * delivery's signature is checked (Standard Webhooks, the endpoint's secret). The lag of an event is
 * the time it reached its endpoint minus its `at` (the instant its transaction began, same clock).
 * After the load stops the run waits (at most 60 s) until every payment's event has reached both
 * banks' endpoints, then prints the lag percentiles, deliveries, duplicates and order violations.
 *
 *   npm run bench:webhooks -- [--seconds 10] [--rate 1000] [--endpoints 10] [--json]
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CLI_ACTOR } from '../domain/actor.js';
import { WebhookService } from '../events/webhooks.js';
import { Hub } from '../hub/hub.js';
import { Ledger } from '../ledger/ledger.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { autocannon, startServeChild, type AutocannonRequest } from './serve-child.js';
import { benchOptions, integerOption, parseBenchArgs } from './options.js';
import { seedIsoWorld, type IsoBank } from './iso-workload.js';

const USAGE = `
usage: npm run bench:webhooks -- [options]

  --seconds <n>     length of the load, 1 to 60 (default 10)
  --rate <n>        payments per second, 1 to 5,000 (default 1,000)
  --endpoints <n>   banks, each with one webhook endpoint, 2 to 50 (default 10)
  --json            print the result as JSON
  -h, --help        this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    endpoints: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  });
  return {
    seconds: integerOption('seconds', values.seconds, 1, 60),
    rate: integerOption('rate', values.rate, 1, 5000),
    endpoints: integerOption('endpoints', values.endpoints, 2, 50),
    json: values.json,
  };
});

interface Receiver {
  readonly server: Server;
  readonly url: string;
  secret: string;
  /** Event ids in the order received (duplicates included). */
  readonly ids: string[];
  readonly lagsMs: number[];
  badSignatures: number;
  deliveries: number;
}

/** Nanoseconds since the epoch from a view's ISO time with up to nine fraction digits. */
function isoToNs(iso: string): bigint {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (match === null) throw new Error(`bench: unexpected time ${iso}`);
  const seconds = BigInt(Date.parse(`${match[1] as string}Z`) / 1000);
  return seconds * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

function signatureOk(
  secret: string,
  id: string,
  timestamp: string,
  body: Buffer,
  header: string,
): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  return header.split(' ').some((part) => {
    const [version, value] = part.split(',');
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    server: createServer(),
    url: '',
    secret: '',
    ids: [],
    lagsMs: [],
    badSignatures: 0,
    deliveries: 0,
  };
  receiver.server.on('request', (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      const body = Buffer.concat(chunks);
      const header = (name: string) => String(request.headers[name] ?? '');
      receiver.deliveries += 1;
      if (
        !signatureOk(
          receiver.secret,
          header('webhook-id'),
          header('webhook-timestamp'),
          body,
          header('webhook-signature'),
        )
      )
        receiver.badSignatures += 1;
      const { events } = JSON.parse(body.toString('utf8')) as {
        events: { id: string; at: string }[];
      };
      for (const event of events) {
        receiver.ids.push(event.id);
        receiver.lagsMs.push(Number(nowNs - isoToNs(event.at)) / 1e6);
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.server.address() as AddressInfo;
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}/hook` });
}

async function registerEndpoints(
  dbPath: string,
  banks: readonly IsoBank[],
  receivers: readonly Receiver[],
): Promise<void> {
  const store = new SqliteStore({ path: dbPath });
  try {
    const ledger = new Ledger(store);
    const hub = new Hub(ledger);
    const webhooks = new WebhookService(ledger, hub.participants, { allowedHosts: ['127.0.0.1'] });
    for (const [index, bank] of banks.entries()) {
      const receiver = receivers[index] as Receiver;
      const { secret } = await webhooks.register(
        { participant: bank.id, url: receiver.url },
        CLI_ACTOR,
      );
      receiver.secret = secret;
    }
  } finally {
    await store.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(process.cwd(), '.bench-webhooks-'));
  const dbPath = join(directory, 'webhooks.db');
  const receivers = await Promise.all(Array.from({ length: options.endpoints }, startReceiver));
  try {
    const world = await seedIsoWorld(dbPath, { banks: options.endpoints, customersPerBank: 10 });
    await registerEndpoints(dbPath, world.banks, receivers);
    const { child, baseUrl } = await startServeChild(dbPath);
    try {
      const total = options.seconds * options.rate;
      // Payment bodies made before the run; payer and payee at different banks, round robin.
      const bodies = Array.from({ length: total + 1000 }, (_, index) => {
        const from = world.banks[index % world.banks.length] as IsoBank;
        const to = world.banks[
          (index + 1 + (index % (world.banks.length - 1))) % world.banks.length
        ] as IsoBank;
        const payer = from.customerIds[index % from.customerIds.length] as string;
        const payee = to.customerIds[(index * 3) % to.customerIds.length] as string;
        return Buffer.from(
          `{"id":"${randomUUID()}","payer":"${payer}","payee":"${payee}","amount":"${1 + (index % 900)}.00","reference":"bench"}`,
        );
      });
      let next = 0;
      const result = await autocannon({
        url: `${baseUrl}/v1/payments`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${world.operatorKey}`,
        },
        connections: 32,
        overallRate: options.rate,
        amount: total,
        requests: [
          { setupRequest: (request: AutocannonRequest) => ({ ...request, body: bodies[next++] }) },
        ],
      });
      const created = result.requests.total - result.non2xx - result.errors;
      // Each payment's transfer event goes to the payer's bank and the payee's bank.
      const expected = created * 2;
      const deadline = Date.now() + 60_000;
      const received = () =>
        receivers.reduce((sum, receiver) => sum + new Set(receiver.ids).size, 0);
      while (received() < expected && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const lags = receivers.flatMap((receiver) => receiver.lagsMs).sort((a, b) => a - b);
      const duplicates = receivers.reduce(
        (sum, receiver) => sum + receiver.ids.length - new Set(receiver.ids).size,
        0,
      );
      const outOfOrder = receivers.reduce((sum, receiver) => {
        let last = -1n;
        let bad = 0;
        for (const id of receiver.ids) {
          const seq = BigInt(id);
          if (seq <= last) bad += 1;
          last = seq > last ? seq : last;
        }
        return sum + bad;
      }, 0);
      const summary = {
        scenario: `payments at ${options.rate}/s for ${options.seconds} s, ${options.endpoints} webhook endpoints`,
        paymentsSent: result.requests.total,
        paymentsCreated: created,
        paymentErrors: result.errors + result.non2xx,
        paymentP99Ms: result.latency.p99,
        eventsExpected: expected,
        eventsReceived: received(),
        deliveries: receivers.reduce((sum, receiver) => sum + receiver.deliveries, 0),
        duplicates,
        outOfOrder,
        badSignatures: receivers.reduce((sum, receiver) => sum + receiver.badSignatures, 0),
        lagP50Ms: Math.round(percentile(lags, 50)),
        lagP99Ms: Math.round(percentile(lags, 99)),
        lagMaxMs: Math.round(lags.at(-1) ?? NaN),
      };
      process.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : `${JSON.stringify(summary)}\n`,
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  } finally {
    for (const receiver of receivers) receiver.server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
