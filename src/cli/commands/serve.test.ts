import assert from 'node:assert/strict';
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
    const key = (await vostroOk(['key', 'issue', '--db', db.path, '--role', 'operator'])).stdout.trim();
    const accountsBefore = (await storeCounts(db.path)).accounts;
    let signal: (name: string) => void = () => undefined;
    const io = { ...recordingIo(), waitForShutdown: () => new Promise<string>((resolve) => (signal = resolve)) };
    const exit = runCli(['serve', '--db', db.path, '--port', '0', '--log-level', 'info'], io);
    let url: string | undefined;
    for (let waited = 0; url === undefined && waited < 100; waited += 1) {
      url = /http:\/\/127\.0\.0\.1:\d+/.exec(io.stdout.join(''))?.[0];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(url !== undefined, `no address printed: ${io.stdout.join('')}${io.stderr.join('')}`);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const body = JSON.stringify({ id: newAccountId(), owner: 'sbi', currency: 'INR', kind: 'settlement' });
    const refused = await fetch(`${url}/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token' }, body });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="vostro", error="invalid_token"');
    const created = await fetch(`${url}/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    assert.equal(created.status, 201);
    signal('SIGTERM');
    assert.equal(await exit, 0);
    assert.equal((await storeCounts(db.path)).accounts, accountsBefore + 1);
    assert.ok(!io.stderr.join('').includes('secret-token'), 'the Authorization header is never logged');
    assert.ok(!io.stderr.join('').includes(key.slice(24)) && !io.stdout.join('').includes(key.slice(24)), 'nor the key');
    assert.match(io.stderr.join(''), /"reqId":/);
    await assert.rejects(fetch(`${url}/healthz`), 'no longer listening');
  });

  it('refuses a malformed port with a usage error', async () => {
    const io = { ...recordingIo(), waitForShutdown: () => new Promise<string>(() => undefined) };
    assert.equal(await runCli(['serve', '--db', db.path, '--port', 'http'], io), 2);
  });
});
