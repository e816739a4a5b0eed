import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it, mock } from 'node:test';
import { KEY_LENGTH, keyText, newKeyId, newSecret, parseKey, secretMatches } from './secret.js';
import { KeyVerifier, type VerifiableKeyRecord } from './verifier.js';

/** A key and its stored record, as ApiKeys would make them. */
function makeKey(overrides: Partial<VerifiableKeyRecord> = {}): {
  key: string;
  record: VerifiableKeyRecord;
} {
  const keyId = newKeyId();
  const secret = newSecret();
  return {
    key: keyText(keyId, secret.secret),
    record: {
      keyId,
      role: 'participant',
      participant: 'sbi',
      salt: secret.salt,
      hash: secret.hash,
      ...overrides,
    },
  };
}

/** A verifier over an in-memory table, counting store reads, on a clock the test moves. */
function verifierOver(
  records: VerifiableKeyRecord[],
  options: { ttlMs?: number; maxEntries?: number } = {},
) {
  const table = new Map(records.map((record) => [record.keyId, record]));
  const clock = { now: 1_800_000_000_000 };
  const reads: string[] = [];
  const verifier = new KeyVerifier({
    load: async (keyId) => {
      reads.push(keyId);
      await new Promise((resolve) => setImmediate(resolve));
      return table.get(keyId);
    },
    nowMs: () => clock.now,
    ...options,
  });
  return { verifier, table, clock, reads };
}

describe('key format', () => {
  it('is vostro_<16 hex>_<43 base64url>, and parses back', () => {
    const { key, record } = makeKey();
    assert.equal(key.length, KEY_LENGTH);
    assert.match(key, /^vostro_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.equal(parseKey(key)?.keyId, record.keyId);
    assert.equal(
      Buffer.from(parseKey(key)?.secret ?? '', 'base64url').length,
      32,
      '256 random bits',
    );
  });

  it('refuses anything else', () => {
    const { key } = makeKey();
    const bad = [
      '',
      'vostro_',
      key.slice(0, -1),
      `${key}A`,
      key.toUpperCase(),
      key.replace('vostro_', 'vostra_'),
      ` ${key}`,
      `${key} `,
      key.replace(
        /_([0-9a-f]{16})_/,
        (_, id: string) => `_${id.toUpperCase().replace(/[0-9]/g, 'A')}_`,
      ),
      `${key.slice(0, -2)}+/`,
      `${key.slice(0, -1)}=`,
      key.replace(/_/g, '-'),
      'Bearer ' + key,
    ];
    for (const text of bad) assert.equal(parseKey(text), undefined, JSON.stringify(text));
  });

  it('stores no secret: the record holds a salt and SHA-256(salt || secret); equal secrets hash differently', () => {
    const a = newSecret();
    const b = newSecret();
    assert.notEqual(a.secret, b.secret);
    assert.notEqual(a.salt, b.salt);
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    assert.equal(
      a.hash,
      crypto.createHash('sha256').update(Buffer.from(a.salt, 'hex')).update(a.secret).digest('hex'),
    );
    assert.ok(
      !`${a.salt}${a.hash}`.includes(
        Buffer.from(a.secret, 'base64url').toString('hex').slice(0, 16),
      ),
      'the stored parts do not hold the secret',
    );
    assert.ok(secretMatches(Buffer.from(a.salt, 'hex'), Buffer.from(a.hash, 'hex'), a.secret));
    assert.ok(!secretMatches(Buffer.from(a.salt, 'hex'), Buffer.from(a.hash, 'hex'), b.secret));
    assert.ok(
      !secretMatches(Buffer.from(a.salt, 'hex'), Buffer.alloc(5), a.secret),
      'a hash of the wrong length does not match (and does not throw)',
    );
  });

  it('compares hashes with crypto.timingSafeEqual', async () => {
    const { key, record } = makeKey();
    const spy = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    try {
      const { verifier } = verifierOver([record]);
      assert.equal((await verifier.verify(key)).ok, true);
      assert.equal(
        (await verifier.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).ok,
        false,
      );
      assert.equal(spy.mock.callCount(), 2, 'one constant-time comparison per check');
      assert.ok(spy.mock.calls.every((call) => (call.arguments[0] as Buffer).length === 32));
    } finally {
      spy.mock.restore();
      syncBuiltinESMExports();
    }
  });
});

describe('key verifier', () => {
  it('accepts a stored key, refuses an unknown id or a wrong secret alike, and a malformed key without reading the store', async () => {
    const { key, record } = makeKey();
    const { verifier, reads } = verifierOver([record]);
    assert.deepEqual(await verifier.verify(key), {
      ok: true,
      key: { keyId: record.keyId, role: 'participant', participant: 'sbi' },
    });
    const wrongSecret = keyText(record.keyId, newSecret().secret);
    assert.deepEqual(await verifier.verify(wrongSecret), { ok: false, reason: 'unknown' });
    assert.deepEqual(await verifier.verify(makeKey().key), { ok: false, reason: 'unknown' });
    const before = reads.length;
    assert.deepEqual(await verifier.verify('vostro_nonsense'), { ok: false, reason: 'malformed' });
    assert.equal(reads.length, before);
  });

  it('reads a key once, then answers from memory until the TTL passes', async () => {
    const { key, record } = makeKey();
    const { verifier, reads, clock } = verifierOver([record], { ttlMs: 5000 });
    assert.equal(verifier.verifyCached(key), undefined, 'not cached yet');
    await verifier.verify(key);
    for (let i = 0; i < 100; i += 1) assert.equal(verifier.verifyCached(key)?.ok, true);
    assert.equal(reads.length, 1);
    clock.now += 4999;
    assert.equal(verifier.verifyCached(key)?.ok, true);
    clock.now += 1;
    assert.equal(verifier.verifyCached(key), undefined, 'stale after the TTL');
    await verifier.verify(key);
    assert.equal(reads.length, 2);
    const unknown = makeKey().key;
    await verifier.verify(unknown);
    await verifier.verify(unknown);
    assert.equal(reads.length, 3, 'an unknown id is remembered too');
  });

  it('sees a revocation by another process within the TTL, and its own at once through forget', async () => {
    const { key, record } = makeKey();
    const { verifier, table, clock } = verifierOver([record], { ttlMs: 5000 });
    assert.equal((await verifier.verify(key)).ok, true);
    table.set(record.keyId, { ...record, revokedAt: new Date(clock.now).toISOString() });
    assert.equal(
      verifier.verifyCached(key)?.ok,
      true,
      "another process's revocation is not seen before the TTL",
    );
    clock.now += 5000;
    assert.deepEqual(await verifier.verify(key), { ok: false, reason: 'revoked' });

    const other = makeKey();
    table.set(other.record.keyId, other.record);
    assert.equal((await verifier.verify(other.key)).ok, true);
    table.set(other.record.keyId, {
      ...other.record,
      revokedAt: new Date(clock.now).toISOString(),
    });
    verifier.forget(other.record.keyId);
    assert.deepEqual(await verifier.verify(other.key), { ok: false, reason: 'revoked' });
  });

  it('honours a grace period to the millisecond, from the cache too', async () => {
    const { key, record } = makeKey();
    const { verifier, clock } = verifierOver(
      [{ ...record, revokedAt: new Date(1_800_000_060_000).toISOString() }],
      { ttlMs: 600_000 },
    );
    assert.equal((await verifier.verify(key)).ok, true);
    clock.now = 1_800_000_059_999;
    assert.equal(verifier.verifyCached(key)?.ok, true);
    clock.now = 1_800_000_060_000;
    assert.deepEqual(verifier.verifyCached(key), { ok: false, reason: 'revoked' });
  });

  it('a revocation during a store read is not lost: the read is made again', async () => {
    const { key, record } = makeKey();
    const { verifier, table, reads } = verifierOver([record]);
    const pending = verifier.verify(key);
    table.set(record.keyId, { ...record, revokedAt: new Date(0).toISOString() });
    verifier.forget(record.keyId);
    assert.deepEqual(await pending, { ok: false, reason: 'revoked' });
    assert.equal(reads.length, 2);
  });

  it('reads a key once for all concurrent requests, and stays within its size', async () => {
    const keys = Array.from({ length: 5 }, () => makeKey());
    const { verifier, reads } = verifierOver(
      keys.map((key) => key.record),
      { maxEntries: 3 },
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, () => verifier.verify(keys[0]?.key ?? '')),
    );
    assert.ok(results.every((result) => result.ok));
    assert.equal(reads.length, 1);
    for (const key of keys) await verifier.verify(key.key);
    assert.equal(verifier.size, 3);
    assert.equal(
      (await verifier.verify(keys[0]?.key ?? '')).ok,
      true,
      'an evicted key is read again',
    );
  });

  it('treats a damaged record as no key, and an unreadable revocation date as revoked', async () => {
    const broken = makeKey();
    const odd = makeKey();
    const { verifier } = verifierOver([
      { ...broken.record, hash: 'zz' },
      { ...odd.record, revokedAt: 'soon' },
    ]);
    assert.deepEqual(await verifier.verify(broken.key), { ok: false, reason: 'unknown' });
    assert.deepEqual(await verifier.verify(odd.key), { ok: false, reason: 'revoked' });
  });

  it('checks a cached key in microseconds', async () => {
    const { key, record } = makeKey();
    const { verifier } = verifierOver([record]);
    await verifier.verify(key);
    const rounds = 20_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i += 1) verifier.verifyCached(key);
    const microseconds = Number(process.hrtime.bigint() - start) / 1000 / rounds;
    assert.ok(microseconds < 50, `${microseconds.toFixed(2)} µs per check`);
  });
});
