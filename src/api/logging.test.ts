import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../hub/actor.js';
import { newAccountId } from '../ledger/ids.js';
import { openTestApi, type TestApi } from './api.test-helper.js';
import { apiLogger } from './logger.js';

/**
 * Structured logs: JSON lines with the request id, and never a secret. Every line the server
 * writes at the most verbose level is kept while keys are issued, used, mistyped, refused,
 * rotated and revoked; then each line is searched for every secret involved.
 */
describe('logs', () => {
  const lines: string[] = [];
  let api: TestApi;
  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 }, { logger: apiLogger('trace', (line) => lines.push(line)) });
  });
  after(async () => api.close());

  it('carry request ids, and no API key or secret appears in any line', async () => {
    const secrets: string[] = [api.operatorKey];
    await api.participants.create({ id: 'sbi', name: 'State Bank of India', kind: 'bank', country: 'IN', currencies: ['INR'] }, CLI_ACTOR);
    const staff = await api.call({ method: 'POST', url: '/v1/keys', payload: { role: 'auditor', label: 'log test' }, headers: { 'x-request-id': 'log-test-issue' } });
    assert.equal(staff.statusCode, 201);
    const auditorKey = String(staff.json()['key']);
    const participant = await api.call({ method: 'POST', url: '/v1/participants/sbi/keys', payload: {} });
    const participantKey = String(participant.json()['key']);
    secrets.push(auditorKey, participantKey);

    assert.equal((await api.call({ method: 'GET', url: '/v1/verify', key: auditorKey })).statusCode, 200);
    assert.equal((await api.call({ method: 'POST', url: '/v1/keys', payload: { role: 'auditor' }, key: auditorKey })).statusCode, 403);
    assert.equal((await api.call({ method: 'GET', url: `/v1/accounts/${newAccountId()}`, key: participantKey })).statusCode, 404);
    const mistyped = `${participantKey.slice(0, -1)}${participantKey.endsWith('A') ? 'B' : 'A'}`;
    assert.equal((await api.call({ method: 'GET', url: '/v1/participants/sbi', key: mistyped })).statusCode, 401);
    assert.equal((await api.call({ method: 'GET', url: '/v1/participants/sbi', headers: { authorization: `Basic ${Buffer.from(`x:${participantKey}`).toString('base64')}` }, key: null })).statusCode, 401);
    await api.call({ method: 'GET', url: `/v1/participants/sbi?key=${participantKey}`, key: participantKey });

    const rotated = await api.call({ method: 'POST', url: `/v1/keys/${String(participant.json()['keyId'])}/rotate`, key: participantKey });
    assert.equal(rotated.statusCode, 201);
    const newKey = String(rotated.json()['key']);
    secrets.push(newKey);
    assert.equal((await api.call({ method: 'GET', url: '/v1/participants/sbi', key: participantKey })).statusCode, 401, 'rotated without grace: the old key stops');
    await api.call({ method: 'POST', url: `/v1/keys/${String(rotated.json()['keyId'])}/revoke`, key: newKey });
    assert.equal((await api.call({ method: 'GET', url: '/v1/participants/sbi', key: newKey })).statusCode, 401);

    assert.ok(lines.length > 20, `lines were captured (${lines.length})`);
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      assert.equal(typeof parsed['level'], 'number');
      for (const secret of secrets) {
        // vostro_<16 hex>_<secret>: the secret itself may hold "_" (base64url), so cut by position.
        const secretPart = secret.slice('vostro_'.length + 16 + 1);
        assert.ok(secretPart.length >= 40, 'the secret part of the key');
        assert.ok(!line.includes(secretPart.slice(0, 20)), `a log line holds a secret: ${line}`);
        assert.ok(!line.includes(Buffer.from(`x:${secret}`).toString('base64').slice(4, 40)), `a log line holds an encoded secret: ${line}`);
      }
    }
    const issueLines = lines.filter((line) => line.includes('"reqId":"log-test-issue"'));
    assert.ok(issueLines.length >= 2, 'the request id is on the request\'s lines');
    assert.ok(lines.some((line) => line.includes('API key refused')), 'refusals are logged (without the key)');
  });
});
