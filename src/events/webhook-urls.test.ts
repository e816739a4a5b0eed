import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../domain/errors.js';
import {
  checkAllowedHosts,
  checkWebhookUrl,
  DEFAULT_WEBHOOK_ALLOWED_HOSTS,
  WEBHOOK_URL_MAX,
} from './webhook-urls.js';

function refusedWith(field: string, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HubError, String(error));
    assert.equal(error.code, 'invalid_field');
    assert.equal(error.field, field);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('webhook URLs and the allow-list', () => {
  const allowed = checkAllowedHosts(['127.0.0.1', 'LocalHost', '[::1]', '*.bank.example']);

  it('accepts http and https URLs to allowed hosts, normalised', () => {
    assert.equal(
      checkWebhookUrl('http://127.0.0.1:8080/hooks', allowed),
      'http://127.0.0.1:8080/hooks',
    );
    assert.equal(checkWebhookUrl('HTTPS://LOCALHOST/x?y=1', allowed), 'https://localhost/x?y=1');
    assert.equal(checkWebhookUrl('http://[::1]:9/', allowed), 'http://[::1]:9/');
    assert.equal(
      checkWebhookUrl('https://hooks.bank.example/vostro', allowed),
      'https://hooks.bank.example/vostro',
    );
    assert.deepEqual(
      DEFAULT_WEBHOOK_ALLOWED_HOSTS.map((host) =>
        checkWebhookUrl(`http://${host}/`, DEFAULT_WEBHOOK_ALLOWED_HOSTS),
      ),
      ['http://127.0.0.1/', 'http://localhost/'],
    );
  });

  it('refuses hosts outside the allow-list, naming the host and the list', () => {
    assert.throws(
      () => checkWebhookUrl('https://evil.example/', allowed),
      refusedWith(
        'url',
        /host evil\.example is not in the hub's webhook allow-list \(127\.0\.0\.1, localhost, \[::1\], \*\.bank\.example\)/,
      ),
    );
    assert.throws(
      () => checkWebhookUrl('https://bank.example/', allowed),
      refusedWith('url', /bank\.example is not in/),
      '*.domain covers hosts under the domain, not the domain itself',
    );
    assert.throws(
      () => checkWebhookUrl('https://notbank.example/', allowed),
      refusedWith('url', /notbank\.example/),
    );
    assert.throws(
      () => checkWebhookUrl('http://127.0.0.2/', allowed),
      refusedWith('url', /127\.0\.0\.2/),
    );
    assert.throws(() => checkWebhookUrl('http://127.0.0.1/', []), refusedWith('url', /\(empty\)/));
  });

  it('refuses other schemes, credentials, fragments, junk and overlong URLs', () => {
    assert.throws(
      () => checkWebhookUrl('ftp://127.0.0.1/', allowed),
      refusedWith('url', /scheme is ftp/),
    );
    assert.throws(
      () => checkWebhookUrl('file:///etc/passwd', allowed),
      refusedWith('url', /scheme is file/),
    );
    assert.throws(
      () => checkWebhookUrl('http://user:pw@127.0.0.1/', allowed),
      refusedWith('url', /credentials/),
    );
    assert.throws(
      () => checkWebhookUrl('http://user@127.0.0.1/', allowed),
      refusedWith('url', /credentials/),
    );
    assert.throws(
      () => checkWebhookUrl('http://127.0.0.1/#x', allowed),
      refusedWith('url', /fragment/),
    );
    assert.throws(
      () => checkWebhookUrl('http://127.0.0.1/#', allowed),
      refusedWith('url', /fragment/),
    );
    assert.throws(
      () => checkWebhookUrl('/relative', allowed),
      refusedWith('url', /not an absolute URL/),
    );
    assert.throws(
      () => checkWebhookUrl('http://127.0.0.1/\u0007', allowed),
      refusedWith('url', /control/),
    );
    assert.throws(() => checkWebhookUrl(42, allowed), refusedWith('url', /must be a string/));
    const long = `http://127.0.0.1/${'a'.repeat(WEBHOOK_URL_MAX)}`;
    assert.throws(() => checkWebhookUrl(long, allowed), refusedWith('url', /at most 2048/));
    const grows = `http://127.0.0.1/${' '.repeat(WEBHOOK_URL_MAX - 100)}x`;
    assert.throws(
      () => checkWebhookUrl(grows, allowed),
      refusedWith('url', /once normalised/),
      'spaces become %20: the stored form is checked too',
    );
    assert.throws(
      () => checkWebhookUrl('x', allowed, 'hooks/0/url'),
      refusedWith('hooks/0/url', /absolute/),
    );
  });

  it('refuses allow-list entries that are not hosts', () => {
    assert.throws(
      () => checkAllowedHosts(['127.0.0.1', 'http://x']),
      refusedWith('allowedHosts/1', /"http:\/\/x" is not a host name/),
    );
    assert.throws(() => checkAllowedHosts(['']), refusedWith('allowedHosts/0', /not a host/));
    assert.throws(() => checkAllowedHosts(['*.']), refusedWith('allowedHosts/0', /not a host/));
    assert.throws(
      () => checkAllowedHosts(['*.[::1]']),
      refusedWith('allowedHosts/0', /not a host/),
    );
    assert.deepEqual(checkAllowedHosts([' Hooks.Example ']), ['hooks.example']);
  });
});
