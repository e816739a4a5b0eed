import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorCodes, type FastifyError } from 'fastify';
import { accountBody, openTestApi, type TestApi } from './api.test-helper.js';
import { toProblem } from './errors.js';
import { statusTitle } from './problems.js';

/**
 * Fastify's refusals reach the client in vostro's terms: its own problem codes, a detail that says
 * what was wrong, never a framework code such as `fst_err_ctp_invalid_media_type`.
 */
describe('framework refusals as vostro problems', () => {
  let api: TestApi;
  before(async () => (api = await openTestApi({ rateLimitPerSecond: 0 })));
  after(async () => api.close());

  it('no client error Fastify can raise becomes a problem with a framework code', () => {
    const constructors = Object.entries(errorCodes) as [string, new () => FastifyError][];
    let clientErrors = 0;
    for (const [name, ErrorClass] of constructors) {
      const error = new ErrorClass();
      const status = error.statusCode ?? 500;
      if (status < 400 || status >= 500) continue;
      clientErrors += 1;
      const problem = toProblem(error);
      assert.ok(problem !== undefined, `${name} (${status}) is answered as a bug`);
      assert.equal(problem.status, status, name);
      assert.match(problem.code, /^[a-z][a-z0-9_]*$/, name);
      assert.ok(!problem.code.startsWith('fst_'), `${name} is answered with code ${problem.code}`);
    }
    assert.ok(clientErrors >= 5, `only ${clientErrors} client errors among Fastify's error codes`);
  });

  it('415 names the Content-Type received and the one accepted, under vostro’s own type', async () => {
    for (const type of ['application/xml', 'text/plain; charset=utf-8', 'a/b/c', 'bogus']) {
      const response = await api.call({
        method: 'POST',
        url: '/v1/accounts',
        headers: { 'content-type': type },
        payload: JSON.stringify(accountBody()),
      });
      assert.equal(response.statusCode, 415, `${type}: ${response.body}`);
      const problem = response.json();
      assert.equal(problem['type'], 'urn:vostro:problem:unsupported_media_type');
      assert.equal(problem['code'], 'unsupported_media_type');
      assert.ok(problem['detail'].includes(type), `${type}: ${problem['detail']}`);
      assert.match(problem['detail'], /request bodies are application\/json/);
    }
  });

  it('a body shorter or longer than its Content-Length is 400 content_length_mismatch', async () => {
    for (const length of ['1', '50']) {
      const response = await api.call({
        method: 'POST',
        url: '/v1/accounts',
        headers: { 'content-type': 'application/json', 'content-length': length },
        payload: '{}',
      });
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json()['code'], 'content_length_mismatch');
      assert.equal(response.json()['errors'][0].field, 'header.content-length');
    }
  });

  it('413 names the limit of the route in bytes: the server’s, or a route’s own', async () => {
    const routes: [string, number][] = [
      ['/v1/accounts', 4 * 1024 * 1024],
      ['/v1/documents', 256 * 1024 + 16 * 1024],
      ['/v1/documents/verify', 256 * 1024 + 16 * 1024],
    ];
    for (const [url, limit] of routes) {
      const payload = JSON.stringify({ padding: 'x'.repeat(limit) });
      const response = await api.call({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assert.equal(response.statusCode, 413, `${url}: ${response.body.slice(0, 200)}`);
      const problem = response.json();
      assert.equal(problem['code'], 'body_too_large');
      assert.equal(
        problem['detail'],
        `the body is ${Buffer.byteLength(payload)} bytes, larger than this route takes: at most ${limit} bytes (${limit / 1024 >= 1024 ? `${limit / 1024 / 1024} MiB` : `${limit / 1024} KiB`})`,
      );
      assert.deepEqual(problem['errors'], [
        { field: 'body', reason: `larger than ${limit} bytes` },
      ]);
    }
  });

  it('a path parameter past Fastify’s length limit is 414 path_parameter_too_long', async () => {
    // Not a response of any one route (no route is matched), so it is asked of the server directly.
    const response = await api.app.inject({
      method: 'GET',
      url: `/v1/accounts/${'a'.repeat(101)}`,
      headers: { authorization: `Bearer ${api.operatorKey}` },
    });
    assert.equal(response.statusCode, 414, response.body);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    const problem = response.json();
    assert.equal(problem['code'], 'path_parameter_too_long');
    assert.equal(problem['title'], 'URI Too Long');
    assert.match(problem['detail'], /longer than 100 characters/);
  });

  it('every status the API or its sockets answer with has its title', () => {
    for (const status of [400, 401, 403, 404, 405, 408, 409, 413, 414, 415, 422, 429, 431, 503])
      assert.notEqual(statusTitle(status), 'Error', String(status));
  });
});
