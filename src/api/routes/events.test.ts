import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { CLI_ACTOR } from '../../domain/actor.js';
import { appendEvents, FAST } from '../../events/events.test-helper.js';
import { openTestApi, type JsonBody, type TestApi } from '../api.test-helper.js';
import { StoreUnavailableError } from '../../store/store.js';
import { apiLogger } from '../logger.js';
import { eventStreamBuffers } from './event-stream.js';

/** One record of a Server-Sent Events stream. */
interface SseEvent {
  readonly id: string;
  readonly event: string;
  readonly data: JsonBody;
}

/**
 * A reader of an SSE response: parses records as they arrive; `next(n)` waits for n more. Comment
 * lines are counted (the heartbeat).
 */
class SseReader {
  readonly events: SseEvent[] = [];
  comments = 0;
  ended = false;
  private text = '';
  private waiters: (() => void)[] = [];

  constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.text += chunk;
      let end: number;
      while ((end = this.text.indexOf('\n\n')) >= 0) {
        this.record(this.text.slice(0, end));
        this.text = this.text.slice(end + 2);
      }
      this.wake();
    });
    response.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  async until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.response.destroy();
  }

  private record(text: string): void {
    const fields = new Map<string, string>();
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) {
        this.comments += 1;
        continue;
      }
      const colon = line.indexOf(':');
      fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
    }
    const data = fields.get('data');
    if (data === undefined) return;
    this.events.push({
      id: fields.get('id') ?? '',
      event: fields.get('event') ?? '',
      data: JSON.parse(data) as JsonBody,
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

describe('events over HTTP: the feed and its live stream', () => {
  let api: TestApi;
  let base: string;
  let sbiKey: string;
  let vtbKey: string;
  let auditorKey: string;
  const sbi = 'sbi';
  const vtb = 'vtb';

  /**
   * `count` events naming `participant`, written straight into the outbox as a service writes
   * its own (in transactions of at most 5,000).
   */
  async function credit(participant: string, count: number): Promise<void> {
    for (let done = 0; done < count;) {
      const size = Math.min(5000, count - done);
      await appendEvents(
        api.ledger,
        Array.from({ length: size }, () => ({
          type: 'payment.refused',
          participants: [participant],
          data: { payer: participant, amount: '1.00', currency: 'INR', reason: 'AM04' },
        })),
      );
      done += size;
    }
  }

  /** Opens the stream with a key and optional query and headers; resolves once the headers are in. */
  async function stream(
    key: string,
    query = '',
    headers: Record<string, string> = {},
  ): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${base}/v1/events/stream${query}`, {
        headers: { authorization: `Bearer ${key}`, ...headers },
      });
      request.on('response', (response) => resolve(new SseReader(response)));
      request.on('error', reject);
      request.end();
    });
  }

  const lastSeq = async (): Promise<bigint> => api.store.lastEventSeq();

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0, eventStreamHeartbeatMs: 100 });
    for (const [id, country] of [
      ['sbi', 'IN'],
      ['vtb', 'RU'],
    ] as const)
      await api.participants.create(
        { id, name: id.toUpperCase(), kind: 'bank', country, currencies: ['INR'] },
        CLI_ACTOR,
      );
    sbiKey = await api.issueKey('participant', 'sbi');
    vtbKey = await api.issueKey('participant', 'vtb');
    auditorKey = await api.issueKey('auditor');
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  });
  after(async () => api.close());

  it('lists events a page at a time: a participant its own, staff all; filtered by type', async () => {
    const from = await lastSeq();
    await credit(sbi, 3);
    await credit(vtb, 2);
    const all = await api.call({ method: 'GET', url: `/v1/events?after=${from}`, key: auditorKey });
    assert.equal(all.statusCode, 200, all.body);
    const data = all.json()['data'] as JsonBody[];
    assert.equal(data.length, 5);
    assert.deepEqual(
      data.map((event) => event['type']),
      Array(5).fill('payment.refused'),
    );
    assert.deepEqual(
      data.map((event) => BigInt(event['id'] as string)),
      Array.from({ length: 5 }, (_, index) => from + BigInt(index) + 1n),
      'consecutive ids',
    );
    assert.equal(all.json()['next'], null);
    assert.equal(all.json()['lastId'], data.at(-1)?.['id']);
    const first = data[0] as JsonBody;
    assert.deepEqual(first['participants'], ['sbi']);
    assert.equal(first['data']['amount'], '1.00');
    assert.match(String(first['at']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

    const own = await api.call({ method: 'GET', url: `/v1/events?after=${from}`, key: vtbKey });
    assert.deepEqual(
      own.json()['data'].map((event: JsonBody) => event['participants']),
      [['vtb'], ['vtb']],
    );
    const filtered = await api.call({
      method: 'GET',
      url: `/v1/events?after=${from}&participant=sbi&types=payment.refused,transfer.posted`,
    });
    assert.equal(filtered.json()['data'].length, 3);

    const pages: string[] = [];
    let after = from.toString();
    for (;;) {
      const page = await api.call({
        method: 'GET',
        url: `/v1/events?after=${after}&limit=2`,
        key: sbiKey,
      });
      pages.push(...page.json()['data'].map((event: JsonBody) => event['id'] as string));
      if (page.json()['next'] === null) break;
      after = page.json()['next'];
    }
    assert.equal(pages.length, 3, 'three events of sbi, two to a page');
    const empty = await api.call({ method: 'GET', url: `/v1/events?after=${await lastSeq()}` });
    assert.deepEqual(empty.json()['data'], []);
    assert.equal(empty.json()['lastId'], (await lastSeq()).toString(), 'poll with after=lastId');
  });

  it('refuses a bad query precisely', async () => {
    const cases: [string, string, number, string, string][] = [
      ['/v1/events?types=transfer.made', sbiKey, 400, 'invalid_request', 'query.types'],
      ['/v1/events?types=Transfer', sbiKey, 400, 'invalid_request', 'query.types'],
      ['/v1/events?after=-1', sbiKey, 400, 'invalid_request', 'query.after'],
      ['/v1/events?after=99999999999999999999', sbiKey, 400, 'invalid_request', 'query.after'],
      ['/v1/events?limit=1001', sbiKey, 400, 'invalid_request', 'query.limit'],
      ['/v1/events?participant=vtb', sbiKey, 403, 'forbidden', 'query.participant'],
      ['/v1/events/stream?participant=vtb', sbiKey, 403, 'forbidden', 'query.participant'],
      ['/v1/events/stream?types=nope', sbiKey, 400, 'invalid_request', 'query.types'],
    ];
    for (const [url, key, status, code, field] of cases) {
      const response = await api.call({ method: 'GET', url, key });
      assert.equal(response.statusCode, status, `${url}: ${response.body}`);
      assert.equal(response.json()['code'], code, url);
      assert.equal(response.json()['errors'][0]['field'], field, url);
    }
    const header = await api.call({
      method: 'GET',
      url: '/v1/events/stream',
      headers: { 'last-event-id': 'abc' },
    });
    assert.equal(header.statusCode, 400, header.body);
    assert.equal(header.json()['errors'][0]['field'], 'header.last-event-id');
  });

  it('streams events as they happen: a participant only its own, staff everything', async () => {
    const sbiStream = await stream(sbiKey);
    const staffStream = await stream(api.operatorKey);
    assert.equal(sbiStream.response.statusCode, 200);
    assert.match(String(sbiStream.response.headers['content-type']), /^text\/event-stream/);
    await credit(vtb, 2);
    await credit(sbi, 3);
    await staffStream.until(() => staffStream.events.length >= 5, 'five events for staff');
    await sbiStream.until(() => sbiStream.events.length >= 3, 'three events for sbi');
    await delay(300);
    assert.equal(sbiStream.events.length, 3, 'none of vtb’s');
    assert.ok(sbiStream.events.every((event) => event.data['participants'][0] === 'sbi'));
    assert.ok(sbiStream.events.every((event) => event.event === 'payment.refused'));
    assert.ok(sbiStream.events.every((event) => event.id === event.data['id']));
    assert.equal(staffStream.events.length, 5);
    assert.ok(sbiStream.comments > 1, 'the heartbeat comments keep the connection');
    sbiStream.close();
    staffStream.close();
  });

  it('resumes after Last-Event-ID (which wins over ?after=) or ?after=, missing nothing', async () => {
    const from = await lastSeq();
    await credit(sbi, 4);
    const resumed = await stream(sbiKey, '?after=0', { 'last-event-id': String(from + 2n) });
    await resumed.until(() => resumed.events.length >= 2, 'the two after the resume point');
    assert.deepEqual(
      resumed.events.map((event) => event.id),
      [String(from + 3n), String(from + 4n)],
    );
    const byQuery = await stream(sbiKey, `?after=${from}&types=payment.refused`);
    await byQuery.until(() => byQuery.events.length >= 4, 'four events from ?after=');
    assert.deepEqual(
      byQuery.events.map((event) => BigInt(event.id)),
      [from + 1n, from + 2n, from + 3n, from + 4n],
    );
    resumed.close();
    byQuery.close();
  });

  it('a reader that stops reading costs the server a bounded buffer, and still gets every event in order when it reads again', async () => {
    const from = await lastSeq();
    const port = (api.app.server.address() as AddressInfo).port;
    const socket: Socket = connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET /v1/events/stream?after=${from} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${sbiKey}\r\n\r\n`,
    );
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    await delay(200);
    socket.pause();
    const count = 30_000;
    await credit(sbi, count);
    // Wait for the server to have written all it will write to a paused socket.
    let buffers: number[] = [];
    for (let round = 0; round < 20; round += 1) {
      await delay(100);
      buffers = eventStreamBuffers(api.app.server);
    }
    const eventBytes = 300;
    assert.ok(
      Math.max(...buffers) < 64 * 1024 + 1000 * eventBytes * 2,
      `the stream holds ${Math.max(...buffers)} bytes for a paused reader of ${count} events (~${count * eventBytes} bytes)`,
    );
    socket.resume();
    const deadline = Date.now() + 60_000;
    const ids = (): string[] =>
      [...received.matchAll(/^id: (\d+)$/gm)].map((match) => match[1] ?? '');
    while (ids().length < count && Date.now() < deadline) await delay(100);
    const seen = ids().map(BigInt);
    assert.equal(seen.length, count, 'every event arrived');
    assert.ok(
      seen.every((id, index) => id === from + BigInt(index) + 1n),
      'in order, once each',
    );
    socket.destroy();
  });

  /** A server logging at `level` into `lines`, listening, with an operator's event stream open. */
  async function loggedServerWithStream(level: 'error' | 'warn') {
    const lines: string[] = [];
    const local = await openTestApi(
      { rateLimitPerSecond: 0 },
      { logger: apiLogger(level, (line) => lines.push(line)), server: { dispatcher: FAST } },
    );
    await local.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (local.app.server.address() as AddressInfo).port;
    const open = await new Promise<SseReader>((resolve, reject) => {
      const request = httpRequest(`http://127.0.0.1:${port}/v1/events/stream`, {
        headers: { authorization: `Bearer ${local.operatorKey}` },
      });
      request.on('response', (response) => resolve(new SseReader(response)));
      request.on('error', reject);
      request.end();
    });
    return { lines, local, open };
  }

  it('a store that fails under the feed and the webhook dispatcher is logged, not thrown', async () => {
    const { lines, local, open } = await loggedServerWithStream('error');
    await delay(200);
    await local.store.close();
    await open.until(
      () =>
        lines.some((line) => line.includes('event feed failed')) &&
        lines.some((line) => line.includes('webhook dispatcher failed')),
      'both failures logged',
    );
    assert.ok(!open.ended, 'the stream stays open: the feed tries again');
    await local.close();
  });

  it('a store that is unavailable (a full disk) under the feed is said in one line, without a stack trace', async () => {
    const { lines, local, open } = await loggedServerWithStream('warn');
    await delay(200);
    const full = new StoreUnavailableError('the SQLite database cannot be written: disk is full');
    const store = local.store as { lastEventSeq: () => Promise<bigint> };
    const lastEventSeq = store.lastEventSeq;
    store.lastEventSeq = () => Promise.reject(full);
    await open.until(
      () => lines.some((line) => line.includes('event feed failed: the store is unavailable')),
      'the failure logged',
    );
    const logged = lines.find((line) => line.includes('event feed failed')) ?? '';
    const entry = JSON.parse(logged) as { level: number; reason: string; err?: unknown };
    assert.equal(entry.level, 40, 'a warning');
    assert.equal(entry.reason, full.message);
    assert.equal(entry.err, undefined, 'no error object, so no stack trace');
    assert.doesNotMatch(logged, /\bat |node:internal/);
    store.lastEventSeq = lastEventSeq;
    assert.ok(!open.ended, 'the stream stays open: the feed tries again');
    await local.close();
  });

  it('closing the server ends the open streams at once', async () => {
    const local = await openTestApi({ rateLimitPerSecond: 0 });
    await local.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (local.app.server.address() as AddressInfo).port;
    const open = await new Promise<SseReader>((resolve, reject) => {
      const request = httpRequest(`http://127.0.0.1:${port}/v1/events/stream`, {
        headers: { authorization: `Bearer ${local.operatorKey}` },
      });
      request.on('response', (response) => resolve(new SseReader(response)));
      request.on('error', reject);
      request.end();
    });
    const started = Date.now();
    await local.close();
    await open.until(() => open.ended, 'the stream to end');
    assert.ok(Date.now() - started < 5000, 'the close did not wait for the stream');
    assert.deepEqual(eventStreamBuffers(local.app.server), []);
  });
});
