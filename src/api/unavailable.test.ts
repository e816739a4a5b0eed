import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { Ledger } from '../ledger/ledger.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LedgerStore } from '../store/store.js';
import { accountBody } from './api.test-helper.js';
import type { ApiLimits } from './limits.js';
import { buildServer } from './server.js';

/**
 * When the store cannot do its part (the disk under SQLite is full or the file read-only,
 * PostgreSQL unreachable or its connections lost), `/readyz` says not ready (503), and a request
 * that needed the store gets a retryable 503 `store_unavailable` with Retry-After, never a 500.
 * Once the fault passes, both recover. Real faults: a small tmpfs filled up, an immutable file
 * (`chattr +i`), a TCP proxy in front of PostgreSQL that is stopped or stops forwarding. The
 * first two need root (CI runs as root); without it those tests are skipped with the reason.
 */
async function serve(
  store: LedgerStore,
  limits: Partial<ApiLimits>,
): Promise<{ app: FastifyInstance; key: string }> {
  const ledger = new Ledger(store);
  const keys = new ApiKeys(ledger);
  const app = await buildServer({
    ledger,
    store,
    keys,
    limits: { rateLimitPerSecond: 0, ...limits },
  });
  const key = (await keys.issue({ role: 'operator', label: 'faults' }, CLI_ACTOR)).key;
  return { app, key };
}

async function ready(
  app: FastifyInstance,
): Promise<{ status: number; body: Record<string, unknown>; retryAfter: unknown }> {
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  return {
    status: response.statusCode,
    body: response.json(),
    retryAfter: response.headers['retry-after'],
  };
}

async function createAccounts(
  app: FastifyInstance,
  key: string,
  count: number,
  ids = Array.from({ length: count }, () => accountBody()),
) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/accounts/batch',
    headers: { authorization: `Bearer ${key}` },
    payload: { accounts: ids },
  });
  return {
    status: response.statusCode,
    body: response.json<Record<string, unknown>>(),
    retryAfter: response.headers['retry-after'],
    ids,
  };
}

function tryRun(command: string, args: string[]): string | undefined {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `${command} ${args.join(' ')}: ${(error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message}`;
  }
}

function skipLoudly(name: string, reason: string): void {
  const message = `${name}: skipped, ${reason} (needs root: CI runs as root)`;
  process.stderr.write(`\n${'!'.repeat(100)}\n!! ${message}\n${'!'.repeat(100)}\n\n`);
  it(name, { skip: message }, () => undefined);
}

describe('the SQLite store cannot write: not ready, and 503 rather than 500', () => {
  const diskFullName =
    'a full disk: /readyz 503, a write 503 store_unavailable with Retry-After; both recover once space is freed';
  const mountPoint = mkdtempSync(join(tmpdir(), 'vostro-full-'));
  const mountProblem = tryRun('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]);
  if (mountProblem !== undefined) {
    rmSync(mountPoint, { recursive: true, force: true });
    skipLoudly(diskFullName, `cannot mount a small tmpfs to fill (${mountProblem})`);
  } else {
    it(diskFullName, { timeout: 60_000 }, async () => {
      const store = new SqliteStore({
        path: join(mountPoint, 'full.db'),
        backgroundCheckpoints: false,
      });
      try {
        const { app, key } = await serve(store, { readinessDiskFreeMinBytes: 1024 * 1024 });
        assert.equal((await ready(app)).status, 200);
        assert.equal((await createAccounts(app, key, 10)).status, 200);
        const filler = join(mountPoint, 'filler');
        assert.throws(() => writeFileSync(filler, Buffer.alloc(32 * 1024 * 1024)), /ENOSPC/);
        const notReady = await ready(app);
        assert.equal(notReady.status, 503);
        assert.equal(notReady.body['code'], 'not_ready');
        assert.match(String(notReady.body['detail']), /disk .* full/);
        assert.equal(notReady.retryAfter, '5');
        assert.ok(
          !String(notReady.body['detail']).includes(mountPoint),
          'the public answer names no path',
        );
        const refused = await createAccounts(app, key, 2000);
        assert.equal(refused.status, 503, JSON.stringify(refused.body));
        assert.equal(refused.body['code'], 'store_unavailable');
        assert.ok(Number(refused.retryAfter) >= 1);
        rmSync(filler);
        assert.equal((await ready(app)).status, 200, 'ready again once space is freed');
        const retried = await createAccounts(app, key, 0, refused.ids);
        assert.equal(retried.status, 200);
        assert.equal(
          retried.body['created'],
          2000,
          'the refused batch had written nothing, and goes through on retry',
        );
        await app.close();
      } finally {
        rmSync(join(mountPoint, 'filler'), { force: true });
        await store.close().catch(() => undefined);
        tryRun('umount', [mountPoint]);
        rmSync(mountPoint, { recursive: true, force: true });
      }
    });
  }

  const readOnlyName =
    'a database file that cannot be written (immutable): /readyz 503 until it can be again';
  const directory = mkdtempSync(join(tmpdir(), 'vostro-readonly-'));
  const probe = join(directory, 'probe');
  writeFileSync(probe, '');
  const chattrProblem = tryRun('chattr', ['+i', probe]);
  tryRun('chattr', ['-i', probe]);
  if (chattrProblem !== undefined) {
    rmSync(directory, { recursive: true, force: true });
    skipLoudly(readOnlyName, `cannot make a file immutable here (${chattrProblem})`);
  } else {
    it(readOnlyName, { timeout: 60_000 }, async () => {
      const path = join(directory, 'ledger.db');
      const store = new SqliteStore({ path, backgroundCheckpoints: false });
      try {
        const { app } = await serve(store, {});
        assert.equal((await ready(app)).status, 200);
        assert.equal(tryRun('chattr', ['+i', path]), undefined);
        const notReady = await ready(app);
        assert.equal(notReady.status, 503);
        assert.match(String(notReady.body['detail']), /not writable/);
        assert.equal(tryRun('chattr', ['-i', path]), undefined);
        assert.equal((await ready(app)).status, 200);
        await app.close();
      } finally {
        tryRun('chattr', ['-i', path]);
        await store.close().catch(() => undefined);
        rmSync(directory, { recursive: true, force: true });
      }
    });
  }
});

/** A TCP proxy in front of PostgreSQL that can be stopped (connections refused) or made a black hole. */
class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  mode: 'forward' | 'blackhole' = 'forward';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      this.track(client);
      if (this.mode === 'blackhole') return;
      const upstream = connect(this.target);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Ends every connection; stopped: new ones are refused; black hole: accepted and never answered. */
  async cut(mode: 'stopped' | 'blackhole'): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (mode === 'blackhole') {
      this.mode = 'blackhole';
      return;
    }
    await new Promise<void>((resolve) =>
      this.server === undefined ? resolve() : this.server.close(() => resolve()),
    );
    this.server = undefined;
  }

  async restore(): Promise<void> {
    this.mode = 'forward';
    if (this.server === undefined) await this.start();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

await postgresTests('PostgreSQL unreachable', (schemas, url) => {
  it(
    'PostgreSQL stopped or not answering: /readyz 503, a write 503 store_unavailable with Retry-After; both recover',
    { timeout: 60_000 },
    async () => {
      const upstream = new URL(url);
      const proxy = new Proxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
      await proxy.start();
      const proxied = new URL(schemas.next());
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      const store = await PostgresStore.open({ url: proxied.toString(), connectTimeoutMs: 1000 });
      try {
        const { app, key } = await serve(store, { readinessTimeoutMs: 500 });
        assert.equal((await ready(app)).status, 200);
        assert.equal((await createAccounts(app, key, 3)).status, 200);

        for (const mode of ['stopped', 'blackhole'] as const) {
          await proxy.cut(mode);
          const notReady = await ready(app);
          assert.equal(notReady.status, 503, `${mode}: ${JSON.stringify(notReady.body)}`);
          assert.equal(notReady.body['detail'], 'the store does not answer');
          const refused = await createAccounts(app, key, 3);
          assert.equal(refused.status, 503, `${mode}: ${JSON.stringify(refused.body)}`);
          assert.equal(refused.body['code'], 'store_unavailable');
          assert.equal(refused.retryAfter, '1');
          const read = await app.inject({
            method: 'GET',
            url: '/v1/accounts?limit=1',
            headers: { authorization: `Bearer ${key}` },
          });
          assert.equal(read.statusCode, 503, `${mode} read: ${read.body}`);
          assert.equal(read.json()['code'], 'store_unavailable');
          await proxy.restore();
          assert.equal((await ready(app)).status, 200, `${mode}: ready again`);
          const retried = await createAccounts(app, key, 0, refused.ids);
          assert.equal(retried.status, 200);
          assert.equal(
            retried.body['created'],
            3,
            `${mode}: the refused batch had written nothing`,
          );
        }
        await app.close();
      } finally {
        await proxy.restore();
        await store.close();
        await proxy.cut('stopped');
      }
    },
  );
});
