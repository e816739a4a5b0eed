import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  newWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
  webhookSecretKey,
} from './signing.js';

/**
 * The vector of the Standard Webhooks reference libraries' tests
 * (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function
 * works"): computed by their implementation, not by ours.
 */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const vectorHeaders = (overrides: Record<string, string | undefined> = {}) => ({
  'webhook-id': VECTOR.id,
  'webhook-timestamp': String(VECTOR.timestamp),
  'webhook-signature': VECTOR.signature,
  ...overrides,
});

const verifyAt = (
  headers: Parameters<typeof verifyWebhook>[1],
  body: string | Uint8Array = VECTOR.body,
  nowSeconds = VECTOR.timestamp,
) => verifyWebhook(VECTOR.secret, headers, body, 300, nowSeconds);

/** HMAC-SHA256 through WebCrypto: another implementation than the one signing.ts uses. */
async function webCryptoSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    Buffer.from(secret.replace(/^whsec_/, ''), 'base64'),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    new TextEncoder().encode(`${id}.${timestamp}.${body}`),
  );
  return `v1,${Buffer.from(mac).toString('base64')}`;
}

describe('webhook signatures (Standard Webhooks)', () => {
  it('signs the reference vector as the reference libraries do, with or without the whsec_ prefix', () => {
    assert.equal(
      signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body),
      VECTOR.signature,
    );
    assert.equal(
      signWebhook(VECTOR.secret.slice(6), VECTOR.id, VECTOR.timestamp, VECTOR.body),
      VECTOR.signature,
    );
    assert.equal(
      signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.body)),
      VECTOR.signature,
      'bytes sign as the same text does',
    );
  });

  it('agrees with an independent HMAC (WebCrypto) on fresh secrets and bodies', async () => {
    for (let round = 0; round < 20; round += 1) {
      const secret = newWebhookSecret();
      const body = JSON.stringify({ events: [{ id: String(round), text: 'ру́пия ₹ "q"' }] });
      const id = `dlv_wh_${round}_1_${round + 1}`;
      const timestamp = 1_700_000_000 + round;
      assert.equal(
        signWebhook(secret, id, timestamp, body),
        await webCryptoSignature(secret, id, timestamp, body),
      );
    }
  });

  it('makes secrets of whsec_ and base64 of 32 random bytes, all different', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newWebhookSecret()));
    assert.equal(secrets.size, 50);
    for (const secret of secrets) {
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.equal(webhookSecretKey(secret).length, 32);
    }
  });

  it('refuses secrets that are not base64 of 24 to 64 bytes', () => {
    assert.throws(() => webhookSecretKey('whsec_not base64!'), /base64/);
    assert.throws(() => webhookSecretKey('whsec_abc'), /base64/);
    assert.throws(
      () => webhookSecretKey(`whsec_${Buffer.alloc(16).toString('base64')}`),
      /24 to 64 bytes, not 16/,
    );
    assert.throws(() => webhookSecretKey(`whsec_${Buffer.alloc(65).toString('base64')}`), /not 65/);
    assert.equal(webhookSecretKey(`whsec_${Buffer.alloc(64).toString('base64')}`).length, 64);
  });

  it('verifies the reference vector, in a Fetch Headers object and in a Node headers record', () => {
    assert.equal(verifyAt(vectorHeaders()), true);
    assert.equal(verifyAt(new Headers(vectorHeaders())), true);
    assert.equal(
      verifyAt({
        'Webhook-Id': VECTOR.id,
        'WEBHOOK-TIMESTAMP': String(VECTOR.timestamp),
        'Webhook-Signature': [VECTOR.signature],
      }),
      true,
      'header names in any case, values as arrays',
    );
    assert.equal(verifyAt(vectorHeaders(), Buffer.from(VECTOR.body)), true);
  });

  it('accepts any one valid signature among several, ignoring other versions and junk', () => {
    const signatures = [
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      'nonsense',
      'v1,***',
      VECTOR.signature,
    ].join(' ');
    assert.equal(verifyAt(vectorHeaders({ 'webhook-signature': signatures })), true);
    const withoutValid = signatures.replace(VECTOR.signature, 'v1,');
    assert.equal(verifyAt(vectorHeaders({ 'webhook-signature': withoutValid })), false);
  });

  it('refuses a changed body, id or timestamp, another secret, and missing headers', () => {
    assert.equal(verifyAt(vectorHeaders(), '{"test": 2432232315}'), false);
    assert.equal(verifyAt(vectorHeaders({ 'webhook-id': 'msg_other' })), false);
    assert.equal(
      verifyAt(
        vectorHeaders({ 'webhook-timestamp': String(VECTOR.timestamp + 1) }),
        VECTOR.body,
        VECTOR.timestamp + 1,
      ),
      false,
    );
    assert.equal(
      verifyWebhook(newWebhookSecret(), vectorHeaders(), VECTOR.body, 300, VECTOR.timestamp),
      false,
    );
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
      assert.equal(verifyAt(vectorHeaders({ [name]: undefined })), false, `without ${name}`);
    assert.equal(verifyAt(new Headers({ 'webhook-id': VECTOR.id })), false);
  });

  it('refuses timestamps outside the tolerance, malformed ones and an oversized signature header', () => {
    assert.equal(verifyAt(vectorHeaders(), VECTOR.body, VECTOR.timestamp + 300), true);
    assert.equal(verifyAt(vectorHeaders(), VECTOR.body, VECTOR.timestamp + 301), false);
    assert.equal(verifyAt(vectorHeaders(), VECTOR.body, VECTOR.timestamp - 301), false);
    assert.equal(verifyAt(vectorHeaders({ 'webhook-timestamp': 'hello' })), false);
    assert.equal(verifyAt(vectorHeaders({ 'webhook-timestamp': '-1614265330' })), false);
    assert.equal(
      verifyAt(
        vectorHeaders({ 'webhook-signature': `${'v1,x '.repeat(1000)}${VECTOR.signature}` }),
      ),
      false,
    );
    assert.equal(verifyAt(vectorHeaders({ 'webhook-signature': 'v1,g0hM9SsE' })), false);
  });

  it('builds the delivery headers with one signature per secret, each verifying', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const body = '{"events":[]}';
    const headers = webhookHeaders(
      [current, previous],
      'dlv_x_1_2',
      1_700_000_000,
      body,
      'application/json',
    );
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['webhook-id'], 'dlv_x_1_2');
    assert.equal(headers['webhook-timestamp'], '1700000000');
    assert.equal(headers['webhook-signature']?.split(' ').length, 2);
    for (const secret of [current, previous])
      assert.equal(verifyWebhook(secret, headers, body, 300, 1_700_000_010), true);
  });
});
