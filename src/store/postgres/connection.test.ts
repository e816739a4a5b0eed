import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskPassword, parsePostgresUrl, PostgresUrlError } from './connection.js';

describe('postgres:// URLs with several hosts (libpq style)', () => {
  it('splits the host list into one single-host connection string per host, in order', () => {
    const target = parsePostgresUrl(
      'postgres://vostro:s3cret@db1:5433,db2:5434,[::1]:5435/hub?schema=ledger&target_session_attrs=read-write&sslmode=disable',
    );
    assert.deepEqual(
      target.hosts.map((host) => host.address),
      ['db1:5433', 'db2:5434', '[::1]:5435'],
    );
    assert.deepEqual(
      target.hosts.map((host) => host.connectionString),
      [
        'postgres://vostro:s3cret@db1:5433/hub?sslmode=disable',
        'postgres://vostro:s3cret@db2:5434/hub?sslmode=disable',
        'postgres://vostro:s3cret@[::1]:5435/hub?sslmode=disable',
      ],
    );
    assert.equal(target.connectionString, target.hosts[0]?.connectionString);
    assert.equal(target.schema, 'ledger');
    assert.equal(target.targetSessionAttrs, 'read-write');
    assert.equal(
      target.description,
      'postgres://vostro:***@db1:5433,db2:5434,[::1]:5435/hub?schema=ledger&target_session_attrs=read-write&sslmode=disable',
    );
  });

  it('defaults: one host takes any server (as libpq); several hosts look for the writable one', () => {
    const single = parsePostgresUrl('postgres://postgres@127.0.0.1:5432/postgres');
    assert.equal(single.targetSessionAttrs, 'any');
    assert.equal(single.connectionString, 'postgres://postgres@127.0.0.1:5432/postgres');
    assert.equal(parsePostgresUrl('postgres://a:1,b:2/db').targetSessionAttrs, 'read-write');
    assert.equal(
      parsePostgresUrl('postgres://a:1,b:2/db?target_session_attrs=any').targetSessionAttrs,
      'any',
    );
    assert.deepEqual(
      parsePostgresUrl('postgresql://a,b/db').hosts.map((host) => host.connectionString),
      ['postgresql://a/db', 'postgresql://b/db'],
    );
  });

  it('refuses what it cannot use, saying which part and why', () => {
    const refusals: [string, RegExp][] = [
      ['postgres://a:1,,b:2/db', /empty host in the host list "a:1,,b:2"/],
      ['postgres://a:1,b:99999/db', /host 2 of 2 \("b:99999"\) .*port 99999 is not within 1-65535/],
      ['postgres://a:1,b:x/db', /host 2 of 2 \("b:x"\) .*port "x" is not a number/],
      ['postgres://a:0/db', /host "a:0" .*port 0 is not within 1-65535/],
      ['postgres://a:1,a:1/db', /a:1 is listed twice/],
      [
        'postgres://a:1,b:2/db?target_session_attrs=standby',
        /target_session_attrs=standby .*use read-write/,
      ],
      ['postgres://a:1,b:2/db?schema=Bad', /schema "Bad"/],
      ['postgres://a:1/db#x', /no #fragment/],
      ['mysql://a/db', /not a postgres:\/\/ URL/],
    ];
    for (const [url, message] of refusals)
      assert.throws(
        () => parsePostgresUrl(url),
        (error: unknown) => error instanceof PostgresUrlError && message.test(error.message),
        url,
      );
  });

  it('a password never shows, also with several hosts', () => {
    const masked = maskPassword('postgres://u:Hidd3n@h1:1,h2:2/db?password=Als0');
    assert.equal(masked, 'postgres://u:***@h1:1,h2:2/db?password=***');
  });
});
