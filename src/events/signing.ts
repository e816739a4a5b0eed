import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures as the Standard Webhooks convention has them
 * (https://www.standardwebhooks.com/), so that a receiver can check them with any of that
 * project's libraries or with a few lines of its own:
 *
 * - the secret is `whsec_` followed by base64 of 24 to 64 random bytes (we make 32);
 * - the signed content is `${webhook-id}.${webhook-timestamp}.${body}`, the body as sent, byte for
 *   byte; the key is the secret's bytes after `whsec_`;
 * - `webhook-signature` is `v1,` + base64(HMAC-SHA256(key, content)); several signatures may be
 *   sent, separated by spaces (one per secret during a rotation), and any one that verifies is
 *   enough;
 * - `webhook-timestamp` is whole seconds since the epoch; a receiver refuses a timestamp too far
 *   from its own clock (5 minutes by default), which bounds how long a captured request can be
 *   replayed.
 */

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;
const SECRET_BYTES_MIN = 24;
const SECRET_BYTES_MAX = 64;
const SIGNATURE_VERSION = 'v1';
/** The longest signature header a verifier reads: a rotation sends two or three, not hundreds. */
const SIGNATURE_HEADER_MAX = 4096;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * The HMAC key of a secret: the bytes its base64 part stands for. The `whsec_` prefix may be left
 * out (the convention's libraries accept both). A secret that is not base64 of 24 to 64 bytes is
 * refused: it cannot be one this hub made, and a short key would be a weak one.
 */
export function webhookSecretKey(secret: string): Buffer {
  const text = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  if (text.length % 4 !== 0 || !BASE64.test(text))
    throw new Error('a webhook secret is whsec_ followed by base64');
  const key = Buffer.from(text, 'base64');
  if (key.length < SECRET_BYTES_MIN || key.length > SECRET_BYTES_MAX)
    throw new Error(
      `a webhook secret holds ${SECRET_BYTES_MIN} to ${SECRET_BYTES_MAX} bytes, not ${key.length}`,
    );
  return key;
}

/** `v1,<base64 HMAC-SHA256>` of `${id}.${timestampSeconds}.${body}` under the secret's key. */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  return `${SIGNATURE_VERSION},${hmac(webhookSecretKey(secret), id, timestampSeconds, body).toString('base64')}`;
}

/** The headers of one signed delivery: one signature per secret given (the new one first during a rotation). */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string | Uint8Array,
  contentType: string,
): Record<string, string> {
  return {
    'content-type': contentType,
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets
      .map((secret) => signWebhook(secret, id, timestampSeconds, body))
      .join(' '),
  };
}

/** Request headers as a receiver has them: a Fetch `Headers`, or Node's `IncomingHttpHeaders`-like record. */
export type WebhookRequestHeaders =
  Pick<Headers, 'get'> | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Whether a delivery is signed with `secret`: the id, timestamp and signature headers are present,
 * the timestamp is within `toleranceSeconds` of `nowSeconds`, and one of the `v1` signatures
 * equals the HMAC of the body as received (compared in constant time). Anything malformed is
 * simply `false`.
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookRequestHeaders,
  body: string | Uint8Array,
  toleranceSeconds = 300,
  nowSeconds: number = Date.now() / 1000,
): boolean {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined) return false;
  if (!/^\d{1,15}$/.test(timestamp) || signatures.length > SIGNATURE_HEADER_MAX) return false;
  const seconds = Number(timestamp);
  if (Math.abs(nowSeconds - seconds) > toleranceSeconds) return false;
  const expected = hmac(webhookSecretKey(secret), id, seconds, body);
  let matched = false;
  for (const signature of signatures.split(' ')) {
    const comma = signature.indexOf(',');
    if (comma < 0 || signature.slice(0, comma) !== SIGNATURE_VERSION) continue;
    const text = signature.slice(comma + 1);
    if (!BASE64.test(text)) continue;
    const given = Buffer.from(text, 'base64');
    // Every candidate is compared, so the time taken does not say which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

function hmac(
  key: Buffer,
  id: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestampSeconds}.`).update(body).digest();
}

function header(headers: WebhookRequestHeaders, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const found = headers[name] ?? findIgnoringCase(headers, name);
  if (found === undefined) return undefined;
  return typeof found === 'string' ? found : found.join(' ');
}

function isFetchHeaders(headers: WebhookRequestHeaders): headers is Pick<Headers, 'get'> {
  return typeof headers.get === 'function';
}

function findIgnoringCase(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | readonly string[] | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
