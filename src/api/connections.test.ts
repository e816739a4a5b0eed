import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openTestApi, type TestApi } from './api.test-helper.js';
import { connectionLimitsProblem, DEFAULT_LIMITS } from './limits.js';

/**
 * Connection limits on a real listening server (127.0.0.1, raw sockets): clients that send their
 * headers slowly, trickle a body a byte at a time, sit idle on a kept-alive connection, or open
 * more connections than the cap are cut off, while an honest client is served meanwhile. The
 * timeouts are configured short so the test is quick; nothing asserts how fast anything is, only
 * that the server closes these connections (a test-level timeout turns a hang into a failure).
 */
describe('connection limits and timeouts', () => {
  let api: TestApi;
  let port: number;
  const limits = {
    headersTimeoutMs: 300,
    requestTimeoutMs: 600,
    keepAliveTimeoutMs: 300,
    socketTimeoutMs: 10_000,
    connectionsMax: 24,
    rateLimitPerSecond: 0,
  };

  before(async () => {
    api = await openTestApi(limits);
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  after(async () => api.close());

  /** A raw TCP client: what it received, and a promise that settles when the server closes it. */
  function rawClient(): {
    socket: Socket;
    received: () => string;
    closed: Promise<void>;
    connected: Promise<void>;
  } {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return { socket, received: () => Buffer.concat(chunks).toString('latin1'), closed, connected };
  }

  /** Writes `text` one byte at a time, `everyMs` apart, until the socket closes or the text ends. */
  async function trickle(socket: Socket, text: string, everyMs: number): Promise<void> {
    for (const byte of text) {
      if (socket.destroyed || !socket.writable) return;
      socket.write(byte);
      await sleep(everyMs);
    }
  }

  async function connectionsOpen(): Promise<number> {
    return new Promise((resolve, reject) =>
      api.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
  }

  async function untilConnections(count: number): Promise<void> {
    while ((await connectionsOpen()) < count) await sleep(5);
  }

  async function honestRequest(): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${port}/v1/accounts?limit=1`, {
      headers: { authorization: `Bearer ${api.operatorKey}` },
    });
    await response.arrayBuffer();
    return response.status;
  }

  it(
    'closes slow headers, a trickled body and idle kept-alive connections, and serves an honest client meanwhile',
    { timeout: 30_000 },
    async () => {
      const slowHeaders = Array.from({ length: 4 }, () => rawClient());
      const slowBodies = Array.from({ length: 4 }, () => rawClient());
      const anonymousBodies = Array.from({ length: 2 }, () => rawClient());
      const idle = Array.from({ length: 4 }, () => rawClient());
      await Promise.all(
        [...slowHeaders, ...slowBodies, ...anonymousBodies, ...idle].map(
          (client) => client.connected,
        ),
      );

      const trickles: Promise<void>[] = [];
      for (const client of slowHeaders) {
        client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        trickles.push(trickle(client.socket, `X-Slow: ${'a'.repeat(10_000)}\r\n\r\n`, 20));
      }
      // A body announced as 4 MiB and sent a byte at a time: with and without a valid key.
      for (const [index, client] of [...slowBodies, ...anonymousBodies].entries()) {
        const authorization =
          index < slowBodies.length ? `Authorization: Bearer ${api.operatorKey}\r\n` : '';
        client.socket.write(
          `POST /v1/transfers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${authorization}Content-Length: ${4 * 1024 * 1024}\r\n\r\n`,
        );
        trickles.push(trickle(client.socket, `{"id":"${'0'.repeat(10_000)}`, 20));
      }
      for (const client of idle)
        client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await untilConnections(14);

      // Meanwhile an honest client is served, on connections of its own.
      for (let request = 0; request < 5; request += 1) assert.equal(await honestRequest(), 200);

      await Promise.all(
        [...slowHeaders, ...slowBodies, ...anonymousBodies, ...idle].map((client) => client.closed),
      );
      await Promise.all(trickles);
      for (const client of slowHeaders) {
        assert.match(client.received(), /^HTTP\/1\.1 408 /, 'slow headers are answered 408');
        assert.match(client.received(), /"code":"request_timeout"/);
        assert.match(client.received(), /application\/problem\+json/);
      }
      for (const client of slowBodies)
        assert.match(
          client.received(),
          /^HTTP\/1\.1 408 /,
          `a trickled body is answered 408: ${client.received().slice(0, 200)}`,
        );
      for (const client of anonymousBodies)
        assert.match(
          client.received(),
          /^HTTP\/1\.1 (401|408) /,
          'a trickled body without a key is refused, then closed',
        );
      for (const client of idle) {
        assert.match(client.received(), /^HTTP\/1\.1 200 /, 'the idle client got its answer');
        assert.match(client.received(), /"status":"ok"/);
      }
      assert.equal(await honestRequest(), 200);
    },
  );

  it(
    'closes connections past the cap at once, and serves again once the slow ones are cut',
    { timeout: 30_000 },
    async () => {
      while ((await connectionsOpen()) > 0) await sleep(10);
      const holders = Array.from({ length: limits.connectionsMax }, () => rawClient());
      await Promise.all(holders.map((client) => client.connected));
      const trickles = holders.map((client) => {
        client.socket.write('GET /healthz HTTP/1.1\r\n');
        return trickle(client.socket, `X-Slow: ${'a'.repeat(10_000)}\r\n\r\n`, 20);
      });
      await untilConnections(limits.connectionsMax);

      const extra = Array.from({ length: 5 }, () => rawClient());
      for (const client of extra) {
        client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        await client.closed;
        assert.equal(
          client.received(),
          '',
          'a connection past the cap is closed without an answer',
        );
      }
      await Promise.all(holders.map((client) => client.closed));
      await Promise.all(trickles);
      for (const client of holders) assert.match(client.received(), /^HTTP\/1\.1 408 /);
      assert.equal(await honestRequest(), 200, 'served again once the slow connections are closed');
    },
  );

  it('refuses limits Node.js cannot apply', () => {
    assert.match(
      connectionLimitsProblem({
        ...DEFAULT_LIMITS,
        headersTimeoutMs: 2000,
        requestTimeoutMs: 1000,
      }) ?? '',
      /headers timeout \(2000 ms\) must not be longer than the request timeout \(1000 ms\)/,
    );
    assert.match(
      connectionLimitsProblem({ ...DEFAULT_LIMITS, connectionsMax: 0 }) ?? '',
      /connectionsMax must be a whole number of at least 1/,
    );
    assert.equal(connectionLimitsProblem(DEFAULT_LIMITS), undefined);
  });
});
