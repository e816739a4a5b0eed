import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordingIo } from './io.js';
import { runCli } from './program.js';

/** A multi-host URL vostro cannot use is refused before anything connects, naming the setting. */
describe('--db with a bad multi-host URL', () => {
  it('vostro refuses a bad --db URL naming the option and the reason', async () => {
    const io = recordingIo();
    assert.equal(await runCli(['verify', '--db', 'postgres://h1:5433,h2:70000/db'], io), 1);
    assert.match(
      io.stderr.join(''),
      /^error: --db: host 2 of 2 \("h2:70000"\) in the database URL: port 70000 is not within 1-65535\n$/,
    );
  });

  it('vostro serve too: nothing is started', async () => {
    const io = recordingIo();
    assert.equal(
      await runCli(
        ['serve', '--db', 'postgres://h1:5433,h2:5434/db?target_session_attrs=standby'],
        io,
      ),
      1,
    );
    assert.match(
      io.stderr.join(''),
      /^error: --db: target_session_attrs=standby in the database URL: vostro writes, so use read-write/,
    );
  });

  it('names VOSTRO_DATABASE_URL when the URL came from there', async () => {
    const io = recordingIo({ VOSTRO_DATABASE_URL: 'postgres://h1:5433,,h2:5434/db' });
    assert.equal(await runCli(['verify'], io), 1);
    assert.match(io.stderr.join(''), /^error: VOSTRO_DATABASE_URL: empty host in the host list/);
  });
});
