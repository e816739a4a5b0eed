import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import { manualClock, type ManualClock } from '../ledger/clock.js';
import { Ledger } from '../ledger/ledger.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { corrupt, corruptDocument } from '../domain/documents.test-helper.js';
import { API_KEYS, apiKeyDocuments, ApiKeys } from './api-keys.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-keys-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

interface Setup {
  readonly keys: ApiKeys;
  readonly ledger: Ledger;
  readonly store: SqliteStore;
  readonly clock: ManualClock;
}

/** Keys on a real SQLite file, with one clock for the ledger and the verifier so grace periods can be stepped through. */
async function withKeys(body: (setup: Setup) => Promise<void>): Promise<void> {
  const store = new SqliteStore({
    path: join(directory, `k-${++counter}.db`),
    backgroundCheckpoints: false,
  });
  try {
    const clock = manualClock();
    const ledger = new Ledger(store, { clock });
    await new ParticipantRegistry(ledger).create(
      { id: 'sbi', name: 'State Bank of India', kind: 'bank', country: 'IN', currencies: ['INR'] },
      CLI_ACTOR,
    );
    const keys = new ApiKeys(ledger, { nowMs: () => Number(clock.nowNs() / 1_000_000n) });
    await body({ keys, ledger, store, clock });
  } finally {
    await store.close();
  }
}

function refusal(code: string, field?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HubError, String(error));
    assert.equal(error.code, code);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  };
}

const operator: Actor = {
  id: 'operator',
  role: 'operator',
  keyId: '00000000000000aa',
  requestId: 'req-1',
};

describe('API keys', () => {
  it('issues a key once: the text is returned, the store holds only salt and hash, and the key verifies', async () => {
    await withKeys(async ({ keys, store }) => {
      const issued = await keys.issue(
        { role: 'participant', participant: 'sbi', label: 'treasury' },
        operator,
      );
      assert.match(issued.key, /^vostro_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(Object.keys(issued.info).sort(), [
        'createdAt',
        'createdBy',
        'keyId',
        'label',
        'participant',
        'role',
        'status',
      ]);
      const stored = await apiKeyDocuments.get(store, issued.info.keyId);
      assert.ok(stored !== undefined);
      const secret = issued.key.slice(24);
      assert.ok(!JSON.stringify(stored).includes(secret), 'the secret is not stored');
      assert.match(stored.salt, /^[0-9a-f]{32}$/);
      assert.match(stored.hash, /^[0-9a-f]{64}$/);
      assert.deepEqual(await keys.verifier.verify(issued.key), {
        ok: true,
        key: { keyId: issued.info.keyId, role: 'participant', participant: 'sbi' },
      });
      const listed = await keys.list({}, undefined, 100);
      assert.equal(listed.length, 1);
      assert.ok(
        !JSON.stringify(listed).includes(stored.hash) &&
          !JSON.stringify(listed).includes(stored.salt),
        'listings hide salt and hash',
      );
      const audit = (await store.auditEntries({ limit: 10 })).filter((entry) =>
        entry.action.startsWith('keys.'),
      );
      assert.deepEqual(
        audit.map((entry) => [
          entry.action,
          entry.target,
          entry.actor,
          entry.keyId,
          entry.requestId,
        ]),
        [['keys.issue', issued.info.keyId, 'operator', '00000000000000aa', 'req-1']],
      );
      assert.deepEqual(audit[0]?.detail, {
        role: 'participant',
        participant: 'sbi',
        label: 'treasury',
      });
    });
  });

  it('refuses bad requests precisely and writes nothing', async () => {
    await withKeys(async ({ keys, store }) => {
      const before = (await store.auditEntries({ limit: 100 })).length;
      await assert.rejects(
        keys.issue({ role: 'participant' }, CLI_ACTOR),
        refusal('invalid_field', 'participant'),
      );
      await assert.rejects(
        keys.issue({ role: 'participant', participant: 'nobody' }, CLI_ACTOR),
        refusal('participant_not_found', 'participant'),
      );
      await assert.rejects(
        keys.issue({ role: 'operator', participant: 'sbi' }, CLI_ACTOR),
        refusal('invalid_field', 'participant'),
      );
      await assert.rejects(
        keys.issue({ role: 'admin' as never }, CLI_ACTOR),
        refusal('invalid_field', 'role'),
      );
      await assert.rejects(
        keys.issue({ role: 'auditor', label: 'x'.repeat(81) }, CLI_ACTOR),
        refusal('invalid_field', 'label'),
      );
      await assert.rejects(
        keys.issue({ role: 'auditor', label: 'line\nbreak' }, CLI_ACTOR),
        refusal('invalid_field', 'label'),
      );
      await assert.rejects(
        keys.revoke('0123456789abcdef', CLI_ACTOR),
        refusal('key_not_found', 'keyId'),
      );
      await assert.rejects(
        keys.rotate('../../etc', {}, CLI_ACTOR),
        refusal('key_not_found', 'keyId'),
      );
      await assert.rejects(
        keys.rotate('0123456789abcdef', { graceSeconds: -1 }, CLI_ACTOR),
        refusal('invalid_field', 'graceSeconds'),
      );
      assert.equal((await store.auditEntries({ limit: 100 })).length, before);
      assert.deepEqual(await keys.list({}, undefined, 10), []);
    });
  });

  it('revokes at once in this process; revoking twice is refused', async () => {
    await withKeys(async ({ keys }) => {
      const issued = await keys.issue({ role: 'auditor' }, CLI_ACTOR);
      assert.equal((await keys.verifier.verify(issued.key)).ok, true);
      const revoked = await keys.revoke(issued.info.keyId, operator);
      assert.equal(revoked.status, 'revoked');
      assert.equal(revoked.revokedBy, 'operator');
      assert.deepEqual(
        keys.verifier.verifyCached(issued.key) ?? (await keys.verifier.verify(issued.key)),
        { ok: false, reason: 'revoked' },
      );
      await assert.rejects(keys.revoke(issued.info.keyId, operator), refusal('key_revoked'));
    });
  });

  it('rotates: a new key like the old; the old one ends now, or when its grace period is over', async () => {
    await withKeys(async ({ keys, clock, store }) => {
      const old = await keys.issue(
        { role: 'participant', participant: 'sbi', label: 'back office' },
        CLI_ACTOR,
      );
      const now = await keys.rotate(old.info.keyId, {}, operator);
      assert.deepEqual(
        [now.info.role, now.info.participant, now.info.label, now.info.rotatedFrom],
        ['participant', 'sbi', 'back office', old.info.keyId],
      );
      assert.equal(now.previous.status, 'revoked');
      assert.equal(now.previous.replacedBy, now.info.keyId);
      assert.equal((await keys.verifier.verify(old.key)).ok, false);
      assert.equal((await keys.verifier.verify(now.key)).ok, true);

      const graced = await keys.rotate(now.info.keyId, { graceSeconds: 60 }, operator);
      assert.equal(graced.previous.status, 'rotating');
      assert.equal((await keys.verifier.verify(now.key)).ok, true, 'in its grace period');
      clock.advanceSeconds(59);
      assert.equal((await keys.verifier.verify(now.key)).ok, true);
      clock.advanceSeconds(1);
      assert.deepEqual(await keys.verifier.verify(now.key), { ok: false, reason: 'revoked' });
      assert.equal((await keys.get(now.info.keyId)).status, 'revoked');
      await assert.rejects(keys.rotate(now.info.keyId, {}, operator), refusal('key_revoked'));
      await assert.rejects(keys.rotate(old.info.keyId, {}, operator), refusal('key_revoked'));
      assert.equal((await keys.verifier.verify(graced.key)).ok, true);

      const rotations = (await store.auditEntries({ limit: 100 })).filter(
        (entry) => entry.action === 'keys.rotate',
      );
      assert.deepEqual(
        rotations.map((entry) => [
          entry.target,
          entry.detail['newKeyId'],
          entry.detail['graceSeconds'],
        ]),
        [
          [old.info.keyId, now.info.keyId, 0],
          [now.info.keyId, graced.info.keyId, 60],
        ],
      );
    });
  });

  it('a rotating key can be revoked to end its grace period early', async () => {
    await withKeys(async ({ keys }) => {
      const old = await keys.issue({ role: 'operator' }, CLI_ACTOR);
      await keys.rotate(old.info.keyId, { graceSeconds: 3600 }, CLI_ACTOR);
      assert.equal((await keys.verifier.verify(old.key)).ok, true);
      await keys.revoke(old.info.keyId, CLI_ACTOR);
      assert.equal((await keys.verifier.verify(old.key)).ok, false);
    });
  });

  it('a revocation by another process takes effect here within the cache TTL', async () => {
    await withKeys(async ({ keys, ledger, clock }) => {
      const issued = await keys.issue({ role: 'auditor' }, CLI_ACTOR);
      assert.equal((await keys.verifier.verify(issued.key)).ok, true);
      const elsewhere = new ApiKeys(ledger, { nowMs: () => Number(clock.nowNs() / 1_000_000n) });
      await elsewhere.revoke(issued.info.keyId, CLI_ACTOR);
      assert.equal(keys.verifier.verifyCached(issued.key)?.ok, true, 'still cached here');
      clock.advanceSeconds(5);
      assert.deepEqual(await keys.verifier.verify(issued.key), { ok: false, reason: 'revoked' });
    });
  });

  it('lists by role and participant, a page at a time in key-id order', async () => {
    await withKeys(async ({ keys }) => {
      for (let i = 0; i < 3; i += 1)
        await keys.issue({ role: 'participant', participant: 'sbi' }, CLI_ACTOR);
      await keys.issue({ role: 'auditor' }, CLI_ACTOR);
      assert.equal((await keys.list({ participant: 'sbi' }, undefined, 10)).length, 3);
      assert.equal((await keys.list({ role: 'auditor' }, undefined, 10)).length, 1);
      const first = await keys.list({}, undefined, 2);
      const rest = await keys.list({}, first.at(-1)?.keyId, 10);
      const ids = [...first, ...rest].map((key) => key.keyId);
      assert.equal(ids.length, 4);
      assert.deepEqual([...ids].sort(), ids);
    });
  });

  it('a corrupt key document fails its read, naming collection and field', async () => {
    await withKeys(async ({ keys, ledger }) => {
      const issued = await keys.issue({ role: 'auditor' }, CLI_ACTOR);
      await corruptDocument(ledger, API_KEYS, issued.info.keyId, (document) => ({
        ...document,
        hash: 'not hex',
      }));
      await assert.rejects(keys.find(issued.info.keyId), corrupt(API_KEYS, '/hash'));
      await assert.rejects(keys.list({}, undefined, 10), corrupt(API_KEYS, '/hash'));
    });
  });
});
