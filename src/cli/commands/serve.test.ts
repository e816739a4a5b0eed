import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { newAccountId } from '../../ledger/ids.js';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { storeCounts, tempDb, vostroOk } from './cli.test-helper.js';

describe('vostro serve', () => {
  const db = tempDb();
  after(() => db.cleanup());

  it('listens on 127.0.0.1, serves the API to a key issued by `vostro key issue`, and on a shutdown signal drains, closes the store and exits 0', async () => {
    await vostroOk(['init', '--db', db.path]);
    const key = (
      await vostroOk(['key', 'issue', '--db', db.path, '--role', 'operator'])
    ).stdout.trim();
    const accountsBefore = (await storeCounts(db.path)).accounts;
    let signal: (name: string) => void = () => undefined;
    const io = {
      ...recordingIo(),
      waitForShutdown: () => new Promise<string>((resolve) => (signal = resolve)),
    };
    const exit = runCli(['serve', '--db', db.path, '--port', '0', '--log-level', 'info'], io);
    let url: string | undefined;
    for (let waited = 0; url === undefined && waited < 100; waited += 1) {
      url = /http:\/\/127\.0\.0\.1:\d+/.exec(io.stdout.join(''))?.[0];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(url !== undefined, `no address printed: ${io.stdout.join('')}${io.stderr.join('')}`);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const body = JSON.stringify({
      id: newAccountId(),
      owner: 'sbi',
      currency: 'INR',
      kind: 'settlement',
    });
    const refused = await fetch(`${url}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token' },
      body,
    });
    assert.equal(refused.status, 401);
    assert.equal(
      refused.headers.get('www-authenticate'),
      'Bearer realm="vostro", error="invalid_token"',
    );
    const created = await fetch(`${url}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });
    assert.equal(created.status, 201);
    signal('SIGTERM');
    assert.equal(await exit, 0);
    assert.equal((await storeCounts(db.path)).accounts, accountsBefore + 1);
    assert.ok(
      !io.stderr.join('').includes('secret-token'),
      'the Authorization header is never logged',
    );
    assert.ok(
      !io.stderr.join('').includes(key.slice(24)) && !io.stdout.join('').includes(key.slice(24)),
      'nor the key',
    );
    assert.match(io.stderr.join(''), /"reqId":/);
    await assert.rejects(fetch(`${url}/healthz`), 'no longer listening');
  });

  it(
    'takes connection limits from flags and VOSTRO_* variables: a slow client is cut after the configured time',
    { timeout: 30_000 },
    async () => {
      let signal: (name: string) => void = () => undefined;
      const io = {
        ...recordingIo({ VOSTRO_HEADERS_TIMEOUT_MS: '200', VOSTRO_KEEP_ALIVE_TIMEOUT_MS: '60000' }),
        waitForShutdown: () => new Promise<string>((resolve) => (signal = resolve)),
      };
      const exit = runCli(
        [
          'serve',
          '--db',
          db.path,
          '--port',
          '0',
          '--log-level',
          'warn',
          '--request-timeout',
          '400',
          '--keep-alive-timeout',
          '200',
        ],
        io,
      );
      let url: string | undefined;
      for (let waited = 0; url === undefined && waited < 100; waited += 1) {
        url = /http:\/\/127\.0\.0\.1:\d+/.exec(io.stdout.join(''))?.[0];
        if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(
        url !== undefined,
        `no address printed: ${io.stdout.join('')}${io.stderr.join('')}`,
      );
      const { port } = new URL(url);
      const received = await new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port) });
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        // Headers begun and never finished: cut by the headers timeout from the environment.
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      });
      assert.match(received, /^HTTP\/1\.1 408 /);
      // An idle kept-alive connection: the flag (200 ms) wins over the environment (60 s).
      const idle = await new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port) });
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      });
      assert.match(idle, /^HTTP\/1\.1 200 /);
      signal('SIGTERM');
      assert.equal(await exit, 0);
    },
  );

  it('refuses malformed connection limits, from a flag or the environment, with a usage error naming it', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['--headers-timeout', '2000', '--request-timeout', '1000'],
        {},
        /headers timeout \(2000 ms\) must not be longer than the request timeout \(1000 ms\)/,
      ],
      [['--max-connections', '0'], {}, /--max-connections: 0 is out of range/],
      [
        [],
        { VOSTRO_MAX_CONNECTIONS: 'many' },
        /VOSTRO_MAX_CONNECTIONS: "many" is not a whole number/,
      ],
      [
        [],
        { VOSTRO_REQUEST_TIMEOUT_MS: '5000', VOSTRO_HEADERS_TIMEOUT_MS: '6000' },
        /must not be longer than the request timeout/,
      ],
    ];
    for (const [flags, env, message] of cases) {
      for (const command of ['serve', 'start']) {
        const io = {
          ...recordingIo(env),
          waitForShutdown: () => new Promise<string>(() => undefined),
        };
        assert.equal(
          await runCli([command, '--db', db.path, '--port', '0', ...flags], io),
          2,
          `${command} ${flags.join(' ')}`,
        );
        assert.match(io.stderr.join(''), message);
      }
    }
  });

  it('a busy port: `serve` and `start` say so in one line naming the port and a --port to use instead, exit 1, before printing or creating anything', async () => {
    const occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    const port = (occupier.address() as AddressInfo).port;
    const fresh = tempDb();
    try {
      for (const command of ['serve', 'start']) {
        const io = {
          ...recordingIo(),
          waitForShutdown: () => new Promise<string>(() => undefined),
        };
        assert.equal(
          await runCli([command, '--db', fresh.path, '--port', String(port)], io),
          1,
          command,
        );
        assert.deepEqual(io.stdout, [], `${command}: no banner before the refusal`);
        const stderr = io.stderr.join('');
        assert.match(
          stderr,
          new RegExp(
            `^error: cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use .*choose another port(: --port \\d+ is free| with --port N)\n$`,
          ),
          command,
        );
        assert.equal(stderr.split('\n').length, 2, `${command}: one line: ${stderr}`);
        assert.equal(existsSync(fresh.path), false, `${command} created no database`);
      }
    } finally {
      occupier.close();
      fresh.cleanup();
    }
  });

  it('--webhook-allow-host (repeatable, else VOSTRO_WEBHOOK_ALLOWED_HOSTS) is the allow-list the API registers webhooks against', async () => {
    const key = (
      await vostroOk(['key', 'issue', '--db', db.path, '--role', 'operator'])
    ).stdout.trim();
    await vostroOk([
      'participant',
      'create',
      '--db',
      db.path,
      '--id',
      'sbi',
      '--name',
      'SBI',
      '--kind',
      'bank',
      '--country',
      'IN',
      '--currencies',
      'INR',
    ]);
    const serveWith = async (
      flags: string[],
      env: Record<string, string>,
      urls: readonly (readonly [string, number])[],
    ): Promise<void> => {
      let signal: (name: string) => void = () => undefined;
      const io = {
        ...recordingIo(env),
        waitForShutdown: () => new Promise<string>((resolve) => (signal = resolve)),
      };
      const exit = runCli(
        ['serve', '--db', db.path, '--port', '0', '--log-level', 'warn', ...flags],
        io,
      );
      let base: string | undefined;
      for (let waited = 0; base === undefined && waited < 200; waited += 1) {
        base = /http:\/\/127\.0\.0\.1:\d+/.exec(io.stdout.join(''))?.[0];
        if (base === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(base !== undefined, io.stderr.join(''));
      for (const [url, status] of urls) {
        const response = await fetch(`${base}/v1/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ participant: 'sbi', url }),
        });
        assert.equal(
          response.status,
          status,
          `${flags.join(' ')} ${url}: ${await response.text()}`,
        );
      }
      signal('SIGTERM');
      assert.equal(await exit, 0);
    };
    await serveWith([], {}, [
      ['http://127.0.0.1:9/hook', 201],
      ['https://hooks.example.com/hook', 400],
    ]);
    await serveWith(
      ['--webhook-allow-host', 'hooks.example.com', '--webhook-allow-host', '*.bank.example'],
      {},
      [
        ['https://hooks.example.com/hook', 201],
        ['https://api.bank.example/hook', 201],
        ['http://127.0.0.1:9/hook', 400],
      ],
    );
    await serveWith([], { VOSTRO_WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com' }, [
      ['https://hooks.example.com/hook', 201],
    ]);
    for (const [flags, env, message] of [
      [
        ['--webhook-allow-host', 'https://hooks.example.com'],
        {},
        /--webhook-allow-host: "https:\/\/hooks\.example\.com" is a URL/,
      ],
      [
        ['--webhook-allow-host', '127.0.0.1:8080'],
        {},
        /--webhook-allow-host: "127\.0\.0\.1:8080" has a port/,
      ],
      [
        [],
        { VOSTRO_WEBHOOK_ALLOWED_HOSTS: 'ok.example, not a host' },
        /VOSTRO_WEBHOOK_ALLOWED_HOSTS: "not a host" is not a host name/,
      ],
    ] as const) {
      const io = {
        ...recordingIo({ ...env }),
        waitForShutdown: () => new Promise<string>(() => undefined),
      };
      assert.equal(await runCli(['serve', '--db', db.path, '--port', '0', ...flags], io), 2);
      assert.match(io.stderr.join(''), message);
    }
  });

  it('refuses a malformed port with a usage error', async () => {
    const io = { ...recordingIo(), waitForShutdown: () => new Promise<string>(() => undefined) };
    assert.equal(await runCli(['serve', '--db', db.path, '--port', 'http'], io), 2);
  });
});
