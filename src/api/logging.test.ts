import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import { newAccountId } from '../ledger/ids.js';
import { openTestApi, type TestApi } from './api.test-helper.js';
import { apiLogger, redactText, redactUrl } from './logger.js';

/**
 * Structured logs: JSON lines with the request id, and never a secret. Every line the server
 * writes at the most verbose level is kept while keys are issued, used, mistyped, refused,
 * rotated and revoked; then each line is searched for every secret involved.
 */
describe('logs', () => {
  const lines: string[] = [];
  let api: TestApi;
  before(async () => {
    api = await openTestApi(
      { rateLimitPerSecond: 0 },
      { logger: apiLogger('trace', (line) => lines.push(line)) },
    );
  });
  after(async () => api.close());

  it('carry request ids, and no API key or secret appears in any line', async () => {
    const secrets: string[] = [api.operatorKey];
    await api.participants.create(
      { id: 'sbi', name: 'State Bank of India', kind: 'bank', country: 'IN', currencies: ['INR'] },
      CLI_ACTOR,
    );
    const staff = await api.call({
      method: 'POST',
      url: '/v1/keys',
      payload: { role: 'auditor', label: 'log test' },
      headers: { 'x-request-id': 'log-test-issue' },
    });
    assert.equal(staff.statusCode, 201);
    const auditorKey = String(staff.json()['key']);
    const participant = await api.call({
      method: 'POST',
      url: '/v1/participants/sbi/keys',
      payload: {},
    });
    const participantKey = String(participant.json()['key']);
    secrets.push(auditorKey, participantKey);

    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/verify', key: auditorKey })).statusCode,
      200,
    );
    assert.equal(
      (
        await api.call({
          method: 'POST',
          url: '/v1/keys',
          payload: { role: 'auditor' },
          key: auditorKey,
        })
      ).statusCode,
      403,
    );
    assert.equal(
      (
        await api.call({
          method: 'GET',
          url: `/v1/accounts/${newAccountId()}`,
          key: participantKey,
        })
      ).statusCode,
      404,
    );
    const mistyped = `${participantKey.slice(0, -1)}${participantKey.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/participants/sbi', key: mistyped })).statusCode,
      401,
    );
    assert.equal(
      (
        await api.call({
          method: 'GET',
          url: '/v1/participants/sbi',
          headers: {
            authorization: `Basic ${Buffer.from(`x:${participantKey}`).toString('base64')}`,
          },
          key: null,
        })
      ).statusCode,
      401,
    );
    await api.call({
      method: 'GET',
      url: `/v1/participants/sbi?key=${participantKey}`,
      key: participantKey,
    });

    const rotated = await api.call({
      method: 'POST',
      url: `/v1/keys/${String(participant.json()['keyId'])}/rotate`,
      key: participantKey,
    });
    assert.equal(rotated.statusCode, 201);
    const newKey = String(rotated.json()['key']);
    secrets.push(newKey);
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/participants/sbi', key: participantKey }))
        .statusCode,
      401,
      'rotated without grace: the old key stops',
    );
    await api.call({
      method: 'POST',
      url: `/v1/keys/${String(rotated.json()['keyId'])}/revoke`,
      key: newKey,
    });
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/participants/sbi', key: newKey })).statusCode,
      401,
    );

    assert.ok(lines.length > 20, `lines were captured (${lines.length})`);
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      assert.equal(typeof parsed['level'], 'number');
      for (const secret of secrets) {
        // vostro_<16 hex>_<secret>: the secret itself may hold "_" (base64url), so cut by position.
        const secretPart = secret.slice('vostro_'.length + 16 + 1);
        assert.ok(secretPart.length >= 40, 'the secret part of the key');
        assert.ok(!line.includes(secretPart.slice(0, 20)), `a log line holds a secret: ${line}`);
        assert.ok(
          !line.includes(Buffer.from(`x:${secret}`).toString('base64').slice(4, 40)),
          `a log line holds an encoded secret: ${line}`,
        );
      }
    }
    const issueLines = lines.filter((line) => line.includes('"reqId":"log-test-issue"'));
    assert.ok(issueLines.length >= 2, "the request id is on the request's lines");
    assert.ok(
      lines.some((line) => line.includes('API key refused')),
      'refusals are logged (without the key)',
    );
  });
  it('hostile: a key, a bare secret or a password anywhere in a URL, a request id or a malformed body reaches no log line and no problem document', async () => {
    lines.length = 0;
    const key = await api.issueKey('auditor');
    const keyId = key.slice('vostro_'.length, 'vostro_'.length + 16);
    const secret = key.slice('vostro_'.length + 17);
    const password = 'correct horse battery staple';
    const upper = `VOSTRO_${key.slice('vostro_'.length)}`;
    const encoded = encodeURIComponent(key).replace(/_/g, '%5F');
    const doubly = encoded.replace(/%/g, '%25');
    const basic = Buffer.from(`x:${key}`).toString('base64');
    const urls = [
      `/v1/participants?token=${key}`,
      `/v1/participants?limit=1&token=${upper}`,
      `/v1/participants?Api-Key=${key.replace('vostro', 'VoStRo')}`,
      `/v1/participants?x=${secret}`,
      `/v1/participants?after=a&q=prefix:${secret}`,
      `/v1/participants?access_token=${secret.slice(0, 30)}`,
      `/v1/participants?PASSWORD=${encodeURIComponent(password)}`,
      `/v1/participants?pwd=${password.replace(/ /g, '+')}`,
      `/v1/participants?authorization=Bearer%20${key}`,
      `/v1/participants?auth=${encodeURIComponent(`Basic ${basic}`)}`,
      `/v1/participants?q=${encoded}`,
      `/v1/participants?q=${doubly}`,
      `/v1/participants?q=%zz${encoded}`,
      `/v1/participants?${key}`,
      `/v1/participants?${secret}=1`,
      `/v1/participants/${secret}`,
      `/v1/participants/${key}`,
      `/v1/participants/${encoded}/keys`,
      `/v1/${key}`,
      `/v1/no-such/${secret}?limit=1`,
      `/readyz?token=${key}`,
      `/v1/surplus?windows=${secret}`,
    ];
    const bodies: string[] = [];
    for (const [index, url] of urls.entries()) {
      for (const credentials of [null, api.operatorKey]) {
        const response = await api.call({ method: 'GET', url, key: credentials });
        bodies.push(
          `url ${index} -> ${response.statusCode} ${JSON.stringify(response.headers)} ${response.body}`,
        );
      }
    }
    // A request id that is a bare secret is replaced, not echoed and logged.
    const byId = await api.call({
      method: 'GET',
      url: '/v1/participants',
      headers: { 'x-request-id': secret },
    });
    assert.notEqual(byId.headers['x-request-id'], secret);
    bodies.push(`request id -> ${JSON.stringify(byId.headers)} ${byId.body}`);
    // Bodies that a parser's message would quote.
    for (const payload of [
      key,
      `{"reference": "${key}"`,
      `{"reference": ${secret}}`,
      `${secret}`,
      `{"password": "${password}", }`,
    ]) {
      const response = await api.call({
        method: 'POST',
        url: '/v1/accounts',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assert.equal(response.statusCode, 400, payload);
      bodies.push(`body -> ${response.body}`);
    }

    const secretPieces = [
      secret.slice(0, 20),
      secret.slice(12, 32),
      secret.slice(-20),
      basic.slice(10, 40),
      'horse battery',
      'horse+battery',
      'horse%20battery',
    ];
    for (const text of [...lines, ...bodies]) {
      for (const piece of secretPieces)
        assert.ok(!text.includes(piece), `a secret (${piece}) in: ${text}`);
    }
    assert.ok(lines.length > urls.length, `lines were captured (${lines.length})`);
    // What is not secret is kept: the path, other parameters, a key's public id.
    const first = (
      await api.call({ method: 'GET', url: `/v1/participants?limit=1&token=${upper}`, key: null })
    ).json();
    assert.equal(first['instance'], `/v1/participants?limit=1&token=[redacted]`);
    const inPath = (
      await api.call({ method: 'GET', url: `/v1/nope/${key}?limit=2`, key: null })
    ).json();
    assert.equal(inPath['instance'], `/v1/nope/vostro_${keyId}_[redacted]?limit=2`);
    assert.ok(
      lines.some((line) => line.includes(`"url":"/v1/participants?x=[redacted]"`)),
      'the logged URL keeps the path and masks the value',
    );
    assert.ok(
      lines.some((line) => line.includes(`vostro_${keyId}_[redacted]`)),
      'a pasted key keeps its public id in the log',
    );
  });
  it('keeps what is not secret in a URL: ids, cursors, timestamps, dates, hashes', () => {
    for (const url of [
      '/v1/accounts/0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51/transfers?before=1733550000000000000&limit=10',
      '/v1/windows/INR-1/report?format=csv&table=positions',
      '/v1/audit?actor=sbi&after=12',
      '/v1/participants/sbi/statement?from=2025-01-01&to=2025-02-01T00:00:00%2B05:30&currency=INR',
      `/v1/journal?hash=${'ab'.repeat(32)}`,
      '/v1/routes?from=Nhava+Sheva&to=Moscow&avoid=suez,hormuz',
    ])
      assert.equal(redactUrl(url), url);
    assert.equal(
      redactText('no account with id 0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51'),
      'no account with id 0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51',
    );
  });
});
