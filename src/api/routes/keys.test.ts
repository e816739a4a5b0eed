import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { openTestApi, type TestApi } from '../api.test-helper.js';

describe('keys API', () => {
  let api: TestApi;
  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 });
    await api.participants.create(
      { id: 'sbi', name: 'State Bank of India', kind: 'bank', country: 'IN', currencies: ['INR'] },
      CLI_ACTOR,
    );
  });
  after(async () => api.close());

  const post = (url: string, payload?: Record<string, unknown>, key?: string) =>
    api.call({
      method: 'POST',
      url,
      ...(payload === undefined ? {} : { payload }),
      ...(key === undefined ? {} : { key }),
    });
  const whoAmI = async (key: string) =>
    (await api.call({ method: 'GET', url: '/v1/participants/sbi', key })).statusCode;

  it('issues a participant key once: the full key in the response, never in a listing', async () => {
    const issued = await post('/v1/participants/sbi/keys', { label: 'treasury' });
    assert.equal(issued.statusCode, 201, issued.body);
    const body = issued.json();
    assert.match(body['key'], /^vostro_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.equal(body['key'].split('_')[1], body['keyId']);
    assert.deepEqual(
      [body['role'], body['participant'], body['label'], body['status'], body['createdBy']],
      ['participant', 'sbi', 'treasury', 'active', 'operator'],
    );
    assert.equal(await whoAmI(body['key']), 200);
    const listed = await api.call({ method: 'GET', url: '/v1/participants/sbi/keys' });
    assert.equal(listed.statusCode, 200);
    const text = listed.body;
    assert.ok(text.includes(body['keyId']));
    const secret = String(body['key']).slice(24);
    for (const hidden of [secret, '"salt"', '"hash"', '"key"'])
      assert.ok(!text.includes(hidden), `the listing shows ${hidden}`);
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/keys?participant=sbi' })).json()['data'].length,
      1,
    );
    const missing = await post('/v1/participants/nobody/keys', {});
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json()['code'], 'participant_not_found');
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/participants/nobody/keys' })).statusCode,
      404,
    );
  });

  it('issues operator and auditor keys under /v1/keys and lists them by role, a page at a time', async () => {
    const auditor = await post('/v1/keys', { role: 'auditor', label: 'external audit 2026' });
    assert.equal(auditor.statusCode, 201);
    assert.equal(auditor.json()['participant'], undefined);
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/verify', key: auditor.json()['key'] })).statusCode,
      200,
    );
    await post('/v1/keys', { role: 'operator', label: 'second operator' });
    const auditors = (await api.call({ method: 'GET', url: '/v1/keys?role=auditor' })).json();
    assert.deepEqual(
      auditors['data'].map((key: { role: string }) => key.role),
      ['auditor'],
    );
    const seen: string[] = [];
    let url = '/v1/keys?limit=1';
    for (let pages = 0; pages < 10; pages += 1) {
      const page = (await api.call({ method: 'GET', url })).json();
      seen.push(...page['data'].map((key: { keyId: string }) => key.keyId));
      if (page['next'] === null) break;
      url = `/v1/keys?limit=1&after=${page['next']}`;
    }
    assert.equal(
      seen.length,
      4,
      "the tests' operator key, sbi's, the auditor's and the second operator's",
    );
    assert.deepEqual([...seen].sort(), seen, 'in key-id order');
    const participantRole = await post('/v1/keys', { role: 'participant' });
    assert.equal(
      participantRole.statusCode,
      400,
      'participant keys are issued under their participant',
    );
  });

  it('rotates a key with a grace period: both work until the old one is revoked; it cannot be rotated twice', async () => {
    const first = (await post('/v1/participants/sbi/keys', { label: 'rotating' })).json();
    const rotated = await post(
      `/v1/keys/${first['keyId']}/rotate`,
      { graceSeconds: 3600 },
      first['key'],
    );
    assert.equal(rotated.statusCode, 201, rotated.body);
    const body = rotated.json();
    assert.notEqual(body['key'], first['key']);
    assert.deepEqual(
      [body['role'], body['participant'], body['label'], body['rotatedFrom'], body['createdBy']],
      ['participant', 'sbi', 'rotating', first['keyId'], 'sbi'],
    );
    assert.equal(body['previous']['status'], 'rotating');
    assert.equal(body['previous']['replacedBy'], body['keyId']);
    assert.equal(await whoAmI(first['key']), 200, 'the old key works during the grace period');
    assert.equal(await whoAmI(body['key']), 200);
    const twice = await post(`/v1/keys/${first['keyId']}/rotate`);
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json()['code'], 'key_revoked');
    assert.equal(twice.json()['errors'][0]['field'], 'path.keyId');
    const revoked = await post(`/v1/keys/${first['keyId']}/revoke`);
    assert.equal(revoked.statusCode, 200);
    assert.equal(revoked.json()['status'], 'revoked');
    assert.equal(await whoAmI(first['key']), 401, 'revocation ends the grace period at once');
    assert.equal(await whoAmI(body['key']), 200);
    assert.equal((await post(`/v1/keys/${first['keyId']}/revoke`)).statusCode, 409);
    assert.equal((await post('/v1/keys/0123456789abcdef/revoke')).statusCode, 404);
    assert.equal((await post('/v1/keys/not-a-key-id/revoke')).statusCode, 400);
    const tooLong = await post(`/v1/keys/${body['keyId']}/rotate`, { graceSeconds: 8 * 24 * 3600 });
    assert.equal(tooLong.statusCode, 400);
    assert.equal(tooLong.json()['errors'][0]['field'], '/graceSeconds');
  });

  it('rotation without a body ends the old key at once; a participant may revoke the key it is using', async () => {
    const first = (await post('/v1/participants/sbi/keys', {})).json();
    const rotated = await api.call({
      method: 'POST',
      url: `/v1/keys/${first['keyId']}/rotate`,
      key: first['key'],
    });
    assert.equal(rotated.statusCode, 201, rotated.body);
    assert.equal(rotated.json()['previous']['status'], 'revoked');
    assert.equal(await whoAmI(first['key']), 401);
    const next = rotated.json()['key'];
    assert.equal(
      (await post(`/v1/keys/${rotated.json()['keyId']}/revoke`, undefined, next)).statusCode,
      200,
    );
    const after = await api.call({ method: 'GET', url: '/v1/participants/sbi', key: next });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json()['code'], 'key_revoked');
  });

  it('GET /v1/me names the presented key: role, participant, key id, label; never a secret', async () => {
    const me = async (key?: string) =>
      api.call({ method: 'GET', url: '/v1/me', ...(key === undefined ? {} : { key }) });
    const operator = await me();
    assert.equal(operator.statusCode, 200, operator.body);
    assert.deepEqual(operator.json(), {
      actor: 'operator',
      role: 'operator',
      keyId: api.operatorKey.split('_')[1],
      label: operator.json()['label'],
      status: 'active',
    });
    const auditor = (await post('/v1/keys', { role: 'auditor', label: 'who am i' })).json();
    assert.deepEqual(
      [(await me(auditor['key'])).json()['role'], (await me(auditor['key'])).json()['label']],
      ['auditor', 'who am i'],
    );
    const first = (await post('/v1/participants/sbi/keys', { label: 'desk' })).json();
    const participant = await me(first['key']);
    assert.deepEqual(participant.json(), {
      actor: 'sbi',
      role: 'participant',
      participant: 'sbi',
      keyId: first['keyId'],
      label: 'desk',
      status: 'active',
    });
    const secret = String(first['key']).slice(24);
    assert.ok(!participant.body.includes(secret));
    // A key in its grace period says so, and until when.
    await post(`/v1/keys/${first['keyId']}/rotate`, { graceSeconds: 60 }, first['key']);
    const rotating = (await me(first['key'])).json();
    assert.equal(rotating['status'], 'rotating');
    assert.match(rotating['revokedAt'], /^\d{4}-\d{2}-\d{2}T/);
    await post(`/v1/keys/${first['keyId']}/revoke`);
    assert.equal((await me(first['key'])).statusCode, 401);
    const none = await api.call({ method: 'GET', url: '/v1/me', key: null });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json()['code'], 'missing_credentials');
  });
});
