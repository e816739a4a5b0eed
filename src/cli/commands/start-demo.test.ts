import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { participantAccountId } from '../../participants/accounts.js';
import { DEMO_ISO_PAYMENT } from '../demo-iso.js';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

interface EventView {
  id: string;
  type: string;
  at: string;
  participants: string[];
  data: Record<string, unknown>;
}

/** `vostro start` serving in-process until `stop` is called; resolves with its exit code. */
function serveStart(argv: string[]): {
  io: ReturnType<typeof recordingIo>;
  stop: () => void;
  exit: Promise<number>;
  ready: Promise<void>;
} {
  let signal: (name: string) => void = () => undefined;
  const io = {
    ...recordingIo(),
    waitForShutdown: () => new Promise<string>((resolve) => (signal = resolve)),
  };
  const exit = runCli(['start', ...argv, '--port', '0'], io);
  const ready = (async () => {
    for (let waited = 0; waited < 600; waited += 1) {
      if (io.stdout.join('').includes('vostro serving http://')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`start did not serve: ${io.stdout.join('')}${io.stderr.join('')}`);
  })();
  return { io, stop: () => signal('SIGINT'), exit, ready };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 400; waited += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/**
 * The demo's ISO 20022 and webhook parts: banks with made-up DEMO BICs, a pacs.008 paid during
 * seeding (its pacs.002, payment, statement and events there to look at), and VTB's webhook
 * endpoint, whose deliveries a receiver `start` runs on 127.0.0.1 verifies and logs beside the
 * database, across restarts and when its port is taken.
 */
describe('vostro start: the demo’s ISO 20022 message, events and webhook log', () => {
  const { path: db, cleanup } = tempDb();
  const dir = dirname(db);
  const logPath = join(dir, 'demo-webhooks.log');
  const today = new Date().toISOString().slice(0, 10);
  after(cleanup);

  it('seeds BICs, the pacs.008 and its statement, and VTB’s endpoint with its secret in a 0600 file, and says how to look at them', async () => {
    const run = await vostroOk(['start', '--no-serve', '--db', db]);
    for (const [id, bic] of [
      ['sbi', 'DEMOINBBXXX'],
      ['bob', 'DEMOINBDXXX'],
      ['sberbank', 'DEMORUMMXXX'],
      ['vtb', 'DEMORUMVXXX'],
      ['indorus-fx', 'DEMOINFXXXX'],
    ])
      assert.equal(
        (await vostroJson<{ bic?: string }>(['participant', 'show', id ?? '', '--db', db])).bic,
        bic,
      );
    const message = await vostroOk([
      'iso20022',
      'message',
      `DEMOINBB:DEMO-SBI-${today.replaceAll('-', '')}-0001`,
      '--db',
      db,
    ]);
    assert.match(message.stdout, /<GrpSts>ACSC<\/GrpSts>/);
    const srva = participantAccountId('vtb', 'INR', 'vostro', 'bob');
    const statement = await vostroOk([
      'iso20022',
      'statement',
      '--account',
      srva,
      '--date',
      today,
      '--db',
      db,
    ]);
    assert.match(statement.stdout, new RegExp(`<UETR>${DEMO_ISO_PAYMENT.uetr}</UETR>`));
    assert.match(statement.stdout, /<EndToEndId>PA-INV-2026-0311<\/EndToEndId>/);
    const saved = JSON.parse(readFileSync(join(dir, 'demo-webhook.json'), 'utf8')) as {
      endpoint: string;
      url: string;
      secret: string;
    };
    assert.equal(statSync(join(dir, 'demo-webhook.json')).mode & 0o777, 0o600);
    assert.match(saved.secret, /^whsec_/);
    assert.ok(!run.stdout.includes(saved.secret), 'the secret is never printed');
    const endpoint = await vostroJson<{ participant: string; url: string; status: string }>([
      'webhook',
      'show',
      saved.endpoint,
      '--db',
      db,
    ]);
    assert.deepEqual(
      [endpoint.participant, endpoint.url, endpoint.status],
      ['vtb', saved.url, 'active'],
    );
    assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+\/webhooks\/vtb$/);
    assert.match(
      run.stdout,
      new RegExp(
        `tail -f ${logPath.replaceAll('/', '\\/')} .*\\(it runs while \`start\` serves\\)`,
      ),
    );
    assert.match(run.stdout, new RegExp(`npx vostro webhook deliveries ${saved.endpoint} --db `));
    assert.match(run.stdout, /npx vostro events --participant vtb --db /);
    assert.match(
      run.stdout,
      /npx vostro iso20022 statement --account 36b8a68b-d615-8e2c-a10e-ac9bd0395675 --date "\$\(date -u \+%F\)" --db /,
    );
    const events = await vostroJson<{ data: EventView[] }>([
      'events',
      '--participant',
      'vtb',
      '--limit',
      '1000',
      '--db',
      db,
    ]);
    assert.ok(
      events.data.some(
        (event) =>
          event.type === 'transfer.created' &&
          event.data['amount'] === '845000000' &&
          event.data['creditOwner'] === 'vtb',
      ),
      'the pacs.008 payment is one of VTB’s events',
    );
  });

  it(
    'while serving, the receiver logs every VTB event delivered, each once and verified; a restart resumes on the same port, a taken port gets a new endpoint',
    { timeout: 120_000 },
    async () => {
      // The endpoint was registered when the demo's history had been booked, before today's
      // part: it is sent every VTB event from then on, not the history's.
      const saved = JSON.parse(readFileSync(join(dir, 'demo-webhook.json'), 'utf8')) as {
        endpoint: string;
        url: string;
      };
      const registered = Date.parse(
        (await vostroJson<{ createdAt: string }>(['webhook', 'show', saved.endpoint, '--db', db]))
          .createdAt,
      );
      const allVtbEvents = (
        await vostroJson<{ data: EventView[] }>([
          'events',
          '--participant',
          'vtb',
          '--limit',
          '1000',
          '--db',
          db,
        ])
      ).data;
      const vtbEvents = allVtbEvents.filter((event) => Date.parse(event.at) >= registered);
      assert.ok(
        vtbEvents.length > 0 && vtbEvents.length < allVtbEvents.length,
        `VTB has events of the history (${allVtbEvents.length - vtbEvents.length}) and of today (${vtbEvents.length})`,
      );
      const logged = (): string[] =>
        existsSync(logPath) ? readFileSync(logPath, 'utf8').trimEnd().split('\n') : [];
      const first = serveStart(['--db', db]);
      await first.ready;
      assert.match(
        first.io.stdout.join(''),
        /npx vostro events --follow --url http:\/\/127\.0\.0\.1:\d+\/v1 --key-file /,
      );
      try {
        await waitFor(
          () => logged().length >= vtbEvents.length,
          `${vtbEvents.length} logged events`,
        );
      } finally {
        first.stop();
      }
      assert.equal(await first.exit, 0, first.io.stderr.join(''));
      const lines = logged();
      assert.ok(
        lines.every((line) => line.includes('signature verified')),
        lines.join('\n'),
      );
      assert.deepEqual(
        lines.map((line) => / event (\d+) /.exec(line)?.[1]),
        vtbEvents.map((event) => event.id),
        'each of VTB’s events once, in order',
      );
      assert.ok(lines.some((line) => line.includes('8,450,000.00 INR, chambal → vtb')));

      // Again on the same port: the same endpoint; nothing logged twice.
      const second = serveStart(['--db', db]);
      await second.ready;
      second.stop();
      assert.equal(await second.exit, 0, second.io.stderr.join(''));
      assert.equal(
        (JSON.parse(readFileSync(join(dir, 'demo-webhook.json'), 'utf8')) as { endpoint: string })
          .endpoint,
        saved.endpoint,
      );

      // The port taken by another program: a new endpoint on a free port, the old one removed.
      const squatter = createServer();
      await new Promise<void>((resolve) =>
        squatter.listen({ host: '127.0.0.1', port: Number(new URL(saved.url).port) }, resolve),
      );
      try {
        const third = serveStart(['--db', db]);
        await third.ready;
        const { endpoint } = JSON.parse(readFileSync(join(dir, 'demo-webhook.json'), 'utf8')) as {
          endpoint: string;
        };
        assert.notEqual(endpoint, saved.endpoint);
        third.stop();
        assert.equal(await third.exit, 0, third.io.stderr.join(''));
        assert.equal(
          (await vostro(['webhook', 'show', saved.endpoint, '--db', db])).code,
          1,
          'the old endpoint is gone',
        );
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
      const ids = logged().map((line) => / event (\d+) /.exec(line)?.[1]);
      assert.equal(new Set(ids).size, ids.length, 'no event logged twice');
    },
  );

  it('a damaged demo-webhook.json, or the endpoint removed: start goes on without the demo webhook', async () => {
    const file = join(dir, 'demo-webhook.json');
    const saved = readFileSync(file, 'utf8');
    writeFileSync(file, '{not json');
    const damaged = await vostroOk(['start', '--no-serve', '--db', db]);
    assert.doesNotMatch(damaged.stdout, /demo-webhooks\.log|webhook deliveries/);
    assert.match(damaged.stdout, /npx vostro events --participant vtb --db /);
    writeFileSync(file, saved);
    const { endpoint } = JSON.parse(saved) as { endpoint: string };
    await vostroOk(['webhook', 'remove', endpoint, '--db', db]);
    const removed = await vostroOk(['start', '--no-serve', '--db', db]);
    assert.doesNotMatch(removed.stdout, /demo-webhooks\.log|webhook deliveries/);
  });

  it('--webhook-allow-host: a malformed host ends before anything is created; an allow-list without 127.0.0.1 seeds the demo without its webhook', async () => {
    const other = tempDb();
    try {
      const bad = await vostro([
        'start',
        '--no-serve',
        '--db',
        other.path,
        '--webhook-allow-host',
        'https://hooks.example.com',
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--webhook-allow-host: "https:\/\/hooks\.example\.com" is a URL/);
      assert.equal(existsSync(other.path), false);
      const fromEnv = await vostro(['start', '--no-serve', '--db', other.path], {
        VOSTRO_WEBHOOK_ALLOWED_HOSTS: 'a.example,:::',
      });
      assert.equal(fromEnv.code, 2);
      assert.match(fromEnv.stderr, /VOSTRO_WEBHOOK_ALLOWED_HOSTS: /);
      const run = await vostroOk([
        'start',
        '--no-serve',
        '--db',
        other.path,
        '--webhook-allow-host',
        'hooks.example.com',
      ]);
      assert.match(run.stdout, /seeded a demo/);
      assert.doesNotMatch(run.stdout, /demo-webhooks\.log/);
      assert.equal(existsSync(join(dirname(other.path), 'demo-webhook.json')), false);
      assert.deepEqual(
        (await vostroJson<{ data: unknown[] }>(['webhook', 'list', '--db', other.path])).data,
        [],
      );
    } finally {
      other.cleanup();
    }
  });
});
