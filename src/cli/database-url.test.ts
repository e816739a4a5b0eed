import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskPassword } from '../store/postgres/connection.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import { recordingIo } from './io.js';
import { runCli } from './program.js';

/** A PostgreSQL password never reaches output: not in the user part of the URL, not as `?password=`. */
describe('PostgreSQL URLs are printed with the password masked', () => {
  it('masks the user-part password and password query parameters of any case', () => {
    const masked = maskPassword(
      'postgres://vostro:Us3rPart@db.example:5432/hub?schema=ledger&password=Qu3ryPart&SSLPASSWORD=Ss1Part&PassWord=MixedCase',
    );
    for (const secret of ['Us3rPart', 'Qu3ryPart', 'Ss1Part', 'MixedCase'])
      assert.ok(!masked.includes(secret), masked);
    assert.match(masked, /^postgres:\/\/vostro:\*\*\*@db\.example:5432\/hub\?/);
    assert.match(masked, /schema=ledger/);
    assert.equal(
      maskPassword('postgres://vostro@db.example/hub?schema=ledger'),
      'postgres://vostro@db.example/hub?schema=ledger',
    );
  });

  it(
    'an unreachable server: the error names the masked URL only',
    { timeout: 30_000 },
    async () => {
      const url = 'postgres://vostro@127.0.0.1:1/hub?password=Unr3achable-Secret';
      await assert.rejects(PostgresStore.open({ url, connectTimeoutMs: 2000 }), (error: Error) => {
        assert.ok(!error.message.includes('Unr3achable-Secret'), error.message);
        assert.match(error.message, /password=\*\*\*/);
        return true;
      });
      const io = recordingIo();
      assert.equal(await runCli(['verify', '--db', url], io), 1);
      const printed = io.stdout.join('') + io.stderr.join('');
      assert.ok(!printed.includes('Unr3achable-Secret'), printed);
      assert.match(printed, /password=\*\*\*/);
    },
  );
});

await postgresTests('PostgreSQL URL masking', (schemas) => {
  it(
    '`vostro init` and `vostro start --no-serve` on a URL with ?password= print it masked',
    { timeout: 60_000 },
    async () => {
      // The test server trusts local connections, so the password is accepted and ignored.
      const url = `${schemas.next()}&password=Pr1nted-Nowhere`;
      for (const argv of [
        ['init', '--db', url],
        ['start', '--no-serve', '--db', url],
        ['init', '--db', url, '--json'],
      ]) {
        const io = recordingIo();
        assert.equal(await runCli(argv, io), 0, io.stderr.join(''));
        const printed = io.stdout.join('') + io.stderr.join('');
        assert.ok(!printed.includes('Pr1nted-Nowhere'), `${argv[0]}: ${printed}`);
        assert.match(printed, /password=\*\*\*/);
        if (argv[0] === 'init' && !argv.includes('--json')) {
          // The variable the next steps use is set first: it is not set in the user's shell yet.
          const exported = printed.indexOf('export VOSTRO_DATABASE_URL=');
          assert.ok(exported > 0, printed);
          assert.ok(exported < printed.indexOf('--db "$VOSTRO_DATABASE_URL"'), printed);
        }
      }
    },
  );
});
