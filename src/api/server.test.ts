import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  accountBody,
  createAccounts,
  openTestApi,
  transferBody,
  type TestApi,
} from './api.test-helper.js';

describe('API edge: limits, errors, operations, description', () => {
  let api: TestApi;
  before(
    async () =>
      (api = await openTestApi({
        bodyBytesMax: 64 * 1024,
        rateLimitPerSecond: 1,
        rateLimitBurst: 40,
      })),
  );
  after(async () => api.close());

  it('answers oversized bodies 413, other media types 415, unknown routes 404, all as problem documents', async () => {
    const big = await api.call({
      method: 'POST',
      url: '/v1/accounts',
      payload: accountBody({ reference: 'x'.repeat(70_000) }),
    });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json()['code'], 'body_too_large');
    const xml = await api.call({
      method: 'POST',
      url: '/v1/accounts',
      headers: { 'content-type': 'application/xml' },
      payload: '<account/>',
    });
    assert.equal(xml.statusCode, 415);
    // Whatever the body holds, a body that is not declared as UTF-8 JSON is 415, naming the header.
    for (const type of [
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'application/json; charset="latin1"',
      'multipart/form-data; boundary=x',
      undefined,
    ]) {
      const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
      const refused = await api.call({
        method: 'POST',
        url: '/v1/accounts',
        headers,
        payload: JSON.stringify(accountBody()),
      });
      assert.equal(refused.statusCode, 415, `${type}: ${refused.body}`);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(refused.json()['code'], 'unsupported_media_type');
      assert.deepEqual(
        refused.json()['errors'].map((error: { field: string }) => error.field),
        ['header.content-type'],
      );
      assert.match(refused.json()['detail'], /application\/json/);
    }
    for (const type of [
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'Application/JSON',
    ]) {
      const accepted = await api.call({
        method: 'POST',
        url: '/v1/accounts',
        headers: { 'content-type': type },
        payload: JSON.stringify(accountBody()),
      });
      assert.equal(accepted.statusCode, 201, `${type}: ${accepted.body}`);
    }
    const route = await api.call({ method: 'DELETE', url: '/v1/accounts' });
    assert.equal(route.statusCode, 404);
    assert.equal(route.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(route.json()['type'], 'urn:vostro:problem:route_not_found');
    const utf8 = await api.call({
      method: 'POST',
      url: '/v1/accounts',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    });
    assert.equal(utf8.statusCode, 400);
    assert.equal(utf8.json()['code'], 'invalid_utf8');
  });

  it('keeps a plain X-Request-Id and makes one up otherwise', async () => {
    const kept = await api.call({
      method: 'GET',
      url: '/v1/accounts/0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51',
      headers: { 'x-request-id': 'client-42' },
    });
    assert.equal(kept.headers['x-request-id'], 'client-42');
    assert.equal(kept.json()['requestId'], 'client-42');
    const made = await api.call({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\twith tab' },
    });
    assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('serves health, readiness, metrics and the verification report', async () => {
    assert.deepEqual((await api.call({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' });
    assert.deepEqual((await api.call({ method: 'GET', url: '/readyz' })).json(), {
      status: 'ready',
    });
    const [a, b] = await createAccounts(api, accountBody(), accountBody());
    assert.equal(
      (
        await api.call({
          method: 'POST',
          url: '/v1/transfers',
          payload: transferBody(a as string, b as string),
        })
      ).statusCode,
      201,
    );
    const report = (await api.call({ method: 'GET', url: '/v1/verify' })).json();
    assert.equal(report['ok'], true);
    assert.equal(report['transfers'], 1);
    assert.equal(report['ledgers'][0]['debitsPosted'], '100.00');
    const metrics = await api.call({ method: 'GET', url: '/metrics' });
    assert.match(
      metrics.body,
      /vostro_http_requests_total\{method="POST",route="\/v1\/transfers",status="201"\} 1/,
    );
    assert.match(metrics.body, /vostro_transfers_created_total 1/);
    assert.match(metrics.body, /vostro_group_commit_batch_size_count 1/);
    assert.match(
      metrics.body,
      /vostro_http_request_duration_seconds_bucket\{method="POST",route="\/v1\/transfers",status="201",le="\+Inf"\} 1/,
    );
    assert.match(
      metrics.body,
      /vostro_http_request_duration_seconds_count\{method="POST",route="\/v1\/transfers",status="201"\} 1/,
    );
  });

  it('publishes an OpenAPI 3.1 description of every route, and the reference page offline', async () => {
    const description = (await api.call({ method: 'GET', url: '/v1/openapi.json' })).json();
    assert.equal(description['openapi'], '3.1.0');
    const operations = Object.entries(
      description['paths'] as Record<string, Record<string, unknown>>,
    ).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const expected of [
      'POST /v1/accounts',
      'POST /v1/accounts/batch',
      'GET /v1/accounts',
      'GET /v1/accounts/{id}',
      'GET /v1/accounts/{id}/balance',
      'GET /v1/accounts/{id}/transfers',
      'POST /v1/transfers',
      'POST /v1/transfers/batch',
      'GET /v1/transfers/{id}',
      'POST /v1/transfers/{id}/post',
      'POST /v1/transfers/{id}/void',
      'GET /v1/verify',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'POST /v1/participants',
      'GET /v1/participants',
      'GET /v1/participants/{id}',
      'POST /v1/participants/{id}/accounts',
      'POST /v1/participants/{id}/suspend',
      'POST /v1/participants/{id}/activate',
      'POST /v1/participants/{id}/keys',
      'GET /v1/participants/{id}/keys',
      'POST /v1/keys',
      'GET /v1/keys',
      'POST /v1/keys/{keyId}/rotate',
      'POST /v1/keys/{keyId}/revoke',
      'GET /v1/audit',
    ])
      assert.ok(operations.includes(expected), `${expected} missing from the description`);
    assert.deepEqual(description['components']['securitySchemes']['apiKey'], {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'vostro_<keyId>_<secret>',
      description: description['components']['securitySchemes']['apiKey']['description'],
    });
    assert.deepEqual(description['security'], [{ apiKey: [] }]);
    assert.deepEqual(
      description['paths']['/healthz']['get']['security'],
      [],
      'public routes need no key',
    );
    assert.equal(
      description['paths']['/v1/transfers']['post']['security'],
      undefined,
      'other routes take the global bearer requirement',
    );
    assert.match(
      description['paths']['/v1/transfers']['post']['description'],
      /^Access: operator keys\.$/,
    );
    assert.match(
      description['paths']['/v1/accounts/{id}']['get']['description'],
      /operator and auditor keys; a participant key only for an account it owns/,
    );
    assert.doesNotMatch(description['info']['description'], /[Uu]nauthenticated/);
    const transferSchema =
      description['paths']['/v1/transfers']['post']['requestBody']['content']['application/json'][
        'schema'
      ];
    assert.equal(transferSchema['additionalProperties'], false);
    assert.equal(transferSchema['properties']['amount']['type'], 'string');
    const page = await api.call({ method: 'GET', url: '/v1/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger-ui/);
    const bundle = await api.call({ method: 'GET', url: '/v1/docs/static/swagger-ui-bundle.js' });
    assert.equal(
      bundle.statusCode,
      200,
      "the page's scripts are served from the package, not a CDN",
    );
  });

  it('limits each API key to its rate: 429 with Retry-After once the burst is spent; health is exempt', async () => {
    let limited;
    for (let request = 0; request < 60 && limited === undefined; request += 1) {
      const response = await api.call({ method: 'GET', url: '/v1/accounts?limit=1' });
      if (response.statusCode === 429) limited = response;
    }
    assert.ok(limited !== undefined, 'no 429 within 60 requests at a burst of 40');
    assert.equal(limited.json()['code'], 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal((await api.call({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });

  it('keeps one bucket per API key, and one per address for requests without a valid key', async () => {
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1' })).statusCode,
      429,
      'the operator key has spent its burst',
    );
    const auditor = await api.issueKey('auditor');
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: auditor })).statusCode,
      200,
      'another key has its own bucket',
    );
    const statuses = new Set<number>();
    for (let request = 0; request < 60; request += 1)
      statuses.add(
        (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: null })).statusCode,
      );
    assert.deepEqual(
      [...statuses].sort(),
      [401, 429],
      'requests without a key are limited by address, before the key check',
    );
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: auditor })).statusCode,
      200,
      "a key is not limited by its address's bucket",
    );
    const limited = await api.call({
      method: 'GET',
      url: '/v1/accounts?limit=1',
      headers: {
        authorization: 'Bearer vostro_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
      key: null,
    });
    assert.equal(limited.statusCode, 429, 'an unknown key is charged to the address');
  });
});

describe('rate limits: failed authentication is counted apart from valid keys', () => {
  let api: TestApi;
  before(async () => (api = await openTestApi({ rateLimitPerSecond: 1, rateLimitBurst: 10 })));
  after(async () => api.close());

  it('a flood of invalid keys from one address gets 429, and a valid key from the same address is still served, cached or not', async () => {
    const valid = await api.issueKey('auditor');
    const keyId = valid.slice('vostro_'.length, 'vostro_'.length + 16);
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: valid })).statusCode,
      200,
    );
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const forged = `vostro_${attempt.toString(16).padStart(16, '0')}_${'A'.repeat(43)}`;
      statuses.push(
        (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: forged })).statusCode,
      );
    }
    for (let attempt = 0; attempt < 5; attempt += 1)
      statuses.push(
        (await api.call({ method: 'GET', url: '/v1/no-such-route', key: null })).statusCode,
      );
    assert.ok(
      statuses.includes(401) && statuses.slice(-10).every((status) => status === 429),
      `the flood is limited: ${statuses.join(',')}`,
    );
    // The valid key's record leaves the verifier's cache (as it does after the cache's TTL): its
    // next use reads the store again, and is not charged to the flooded address.
    api.keys.verifier.forget(keyId);
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: valid })).statusCode,
      200,
      'uncached valid key',
    );
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: valid })).statusCode,
      200,
      'cached valid key',
    );
    // The same key id with a wrong secret is a failure like any other, charged to the address.
    const wrongSecret = `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: wrongSecret })).statusCode,
      429,
    );
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: null })).statusCode,
      429,
    );
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/accounts?limit=1', key: valid })).statusCode,
      200,
    );
  });
});
