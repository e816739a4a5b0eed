import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKeys } from '../../access/api-keys.js';
import { Ledger } from '../../ledger/ledger.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

/** Checks a key against the database as the server would. */
async function verify(db: string, key: string): Promise<string> {
  const store = new SqliteStore({ path: db, backgroundCheckpoints: false });
  try {
    const result = await new ApiKeys(new Ledger(store)).verifier.verify(key);
    return result.ok ? `ok:${result.key.role}:${result.key.participant ?? ''}` : result.reason;
  } finally {
    await store.close();
  }
}

describe('vostro key and vostro audit', () => {
  const { path: db, cleanup } = tempDb();
  before(async () => {
    await vostroOk(['init', '--db', db]);
    await vostroOk([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      'sbi',
      '--name',
      'State Bank of India',
      '--kind',
      'bank',
      '--country',
      'IN',
      '--currencies',
      'INR',
    ]);
  });
  after(cleanup);

  it('issues a key and prints it once, on stdout alone, with the warning on stderr', async () => {
    const run = await vostroOk([
      'key',
      'issue',
      '--db',
      db,
      '--role',
      'operator',
      '--label',
      'ops laptop',
    ]);
    const key = run.stdout.trim();
    assert.match(key, /^vostro_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.match(run.stderr, /shown once/);
    assert.ok(!run.stderr.includes(key.slice(24)), 'the secret is not repeated on stderr');
    assert.equal(await verify(db, key), 'ok:operator:');
    const json = await vostroJson<{
      key: string;
      keyId: string;
      role: string;
      participant: string;
    }>(['key', 'issue', '--db', db, '--role', 'participant', '--participant', 'sbi']);
    assert.equal(json.participant, 'sbi');
    assert.equal(await verify(db, json.key), 'ok:participant:sbi');
  });

  it('refuses a participant key without its participant, or for one that does not exist', async () => {
    const missing = await vostro(['key', 'issue', '--db', db, '--role', 'participant']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--participant: /);
    const unknown = await vostro([
      'key',
      'issue',
      '--db',
      db,
      '--role',
      'participant',
      '--participant',
      'nobody',
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no participant nobody/);
    assert.equal((await vostro(['key', 'issue', '--db', db, '--role', 'admin'])).code, 2);
  });

  it('lists keys without secrets, rotates (with a grace period) and revokes', async () => {
    const issued = await vostroJson<{ key: string; keyId: string }>([
      'key',
      'issue',
      '--db',
      db,
      '--role',
      'auditor',
      '--label',
      'audit firm',
    ]);
    const listed = await vostroOk(['key', 'list', '--db', db, '--role', 'auditor']);
    assert.match(listed.stdout, new RegExp(issued.keyId));
    assert.match(listed.stdout, /audit firm/);
    assert.ok(!listed.stdout.includes(issued.key.slice(24)));
    const json = await vostroJson<{ keys: Record<string, unknown>[] }>(['key', 'list', '--db', db]);
    assert.ok(
      json.keys.every(
        (key) => key['salt'] === undefined && key['hash'] === undefined && key['key'] === undefined,
      ),
    );

    const rotated = await vostroOk(['key', 'rotate', issued.keyId, '--db', db, '--grace', '3600']);
    const next = rotated.stdout.trim();
    assert.match(next, /^vostro_/);
    assert.match(rotated.stderr, /keeps working until/);
    assert.equal(await verify(db, issued.key), 'ok:auditor:');
    assert.equal(await verify(db, next), 'ok:auditor:');
    const twice = await vostro(['key', 'rotate', issued.keyId, '--db', db]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /key_revoked/);
    assert.match(
      (await vostroOk(['key', 'revoke', issued.keyId, '--db', db])).stdout,
      /revoked at/,
    );
    assert.equal(await verify(db, issued.key), 'revoked');
    assert.equal((await vostro(['key', 'revoke', '0123456789abcdef', '--db', db])).code, 1);
    assert.equal(
      (await vostro(['key', 'rotate', issued.keyId, '--db', db, '--grace', '-1'])).code,
      2,
    );
  });

  it('vostro audit shows every change with its actor, oldest first, a page at a time', async () => {
    const all = await vostroJson<{
      entries: { seq: string; actor: string; action: string; detail: Record<string, unknown> }[];
      next: string | null;
    }>(['audit', '--db', db, '--limit', '1000']);
    const ours = all.entries.filter(
      (entry) =>
        entry.action !== 'participants.create' || (entry as { target?: string }).target === 'sbi',
    );
    assert.deepEqual(
      ours.slice(0, 3).map((entry) => entry.action),
      ['participants.create', 'keys.issue', 'keys.issue'],
    );
    assert.ok(all.entries.every((entry) => entry.actor === 'cli'));
    assert.ok(
      all.entries.some((entry) => entry.action === 'keys.rotate') &&
        all.entries.some((entry) => entry.action === 'keys.revoke'),
    );
    assert.ok(!JSON.stringify(all).includes('vostro_'), 'no key in the audit log');
    const first = await vostroJson<{ entries: { seq: string }[]; next: string }>([
      'audit',
      '--db',
      db,
      '--limit',
      '2',
    ]);
    assert.equal(first.next, first.entries[1]?.seq);
    const second = await vostroJson<{ entries: { seq: string }[] }>([
      'audit',
      '--db',
      db,
      '--limit',
      '2',
      '--after',
      first.next,
    ]);
    assert.equal(second.entries[0]?.seq, all.entries[2]?.seq);
    assert.match(
      (await vostroOk(['audit', '--db', db, '--actor', 'sbi'])).stdout,
      /No audit entries/,
    );
    assert.match((await vostroOk(['audit', '--db', db])).stdout, /participants\.create/);
    assert.equal((await vostro(['audit', '--db', db, '--after', 'x'])).code, 2);
  });
});
