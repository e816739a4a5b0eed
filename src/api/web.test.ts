import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestApi, type TestApi } from './api.test-helper.js';
import { DASHBOARD_CSP } from './web.js';

describe('the web dashboard served beside the API', () => {
  const root = mkdtempSync(join(tmpdir(), 'vostro-web-'));
  let api: TestApi;
  before(async () => {
    // A built dashboard in miniature: its page and one hashed asset, as scripts/build-web.mjs writes them.
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>vostro</title>');
    writeFileSync(join(root, 'assets', 'main-AB12CD34.js'), 'export {};\n');
    api = await openTestApi({}, { server: { dashboard: root } });
  });
  after(async () => {
    await api.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers / with the page, no-cache, under a strict Content-Security-Policy, without a key', async () => {
    const page = await api.app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.equal(page.headers['content-security-policy'], DASHBOARD_CSP);
    assert.match(DASHBOARD_CSP, /default-src 'self'/);
    assert.doesNotMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
  });

  it('serves a hashed asset as immutable for a year', async () => {
    const asset = await api.app.inject({ method: 'GET', url: '/assets/main-AB12CD34.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['content-type'] ?? '', /javascript/);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('leaves /v1 as it was: unknown routes get the API problem, routes still want a key', async () => {
    const unknown = await api.app.inject({ method: 'GET', url: '/v1/no-such-route' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(unknown.json()['code'], 'route_not_found');
    assert.equal(unknown.headers['content-security-policy'], undefined);
    const other = await api.app.inject({ method: 'GET', url: '/no-such-file.js' });
    assert.equal(other.statusCode, 404);
    assert.equal(other.json()['code'], 'route_not_found');
    const keyless = await api.app.inject({ method: 'GET', url: '/v1/windows?currency=INR' });
    assert.equal(keyless.statusCode, 401);
  });

  it('serves no dashboard from a directory without a build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vostro-web-empty-'));
    const bare = await openTestApi({}, { server: { dashboard: empty } });
    try {
      const page = await bare.app.inject({ method: 'GET', url: '/' });
      assert.equal(page.statusCode, 404);
      assert.equal(page.json()['code'], 'route_not_found');
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
