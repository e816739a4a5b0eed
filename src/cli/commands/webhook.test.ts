import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebhookService } from '../../events/webhooks.js';
import { Ledger } from '../../ledger/ledger.js';
import { participantAccountId } from '../../participants/accounts.js';
import { ParticipantRegistry } from '../../participants/registry.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { startWebhookReceiver } from '../demo-receiver.js';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

interface Endpoint {
  id: string;
  participant: string;
  url: string;
  status: string;
  cursor: string;
  format: string;
  types?: string[];
  maxEventsPerDelivery: number;
}

/**
 * `vostro webhook …` against a database, and deliveries end to end: the endpoint is registered at
 * the command line, `vostro serve` delivers to a real receiver on 127.0.0.1 (the demo's, which
 * checks each signature with the secret `add` printed), and `deliveries` / `attempts` show how it
 * went. Refusals name the option at fault and exit non-zero.
 */
describe('vostro webhook', () => {
  const { path: db, cleanup } = tempDb();
  const logDir = mkdtempSync(join(tmpdir(), 'vostro-webhook-log-'));
  after(() => {
    cleanup();
    rmSync(logDir, { recursive: true, force: true });
  });
  const add = (extra: string[]) =>
    vostro(['webhook', 'add', '--db', db, '--participant', 'sbi', ...extra]);

  before(async () => {
    await vostroOk(['init', '--db', db]);
    for (const [id, extra] of [
      ['sbi', ['--kind', 'bank']],
      ['bob', ['--kind', 'bank']],
      ['tata-steel', ['--kind', 'corporate', '--bank', 'sbi']],
    ] as const)
      await vostroOk([
        'participant',
        'create',
        '--db',
        db,
        '--id',
        id,
        '--name',
        id,
        '--country',
        'IN',
        '--currencies',
        'INR',
        ...extra,
      ]);
  });

  it('adds an endpoint (active at once), prints its secret once, and lists and shows it without the secret', async () => {
    const run = await add(['--url', 'http://127.0.0.1:9/hooks/sbi', '--type', 'transfer.created']);
    assert.equal(run.code, 0, run.stderr);
    const secret = /^secret \(shown once, keep it to verify deliveries\): (whsec_\S+)$/m.exec(
      run.stdout,
    )?.[1];
    assert.ok(secret !== undefined, run.stdout);
    const id = /│ id +│ (wh_[0-9a-f]{16})/.exec(run.stdout)?.[1] ?? '';
    assert.match(run.stdout, /│ status +│ active/);
    const listed = await vostroOk(['webhook', 'list', '--db', db]);
    assert.match(listed.stdout, new RegExp(`${id} .*sbi .*active .*json`));
    assert.ok(!listed.stdout.includes(secret));
    const shown = await vostroJson<Endpoint>(['webhook', 'show', id, '--db', db]);
    assert.deepEqual(
      [shown.url, shown.types, shown.status, shown.maxEventsPerDelivery],
      ['http://127.0.0.1:9/hooks/sbi', ['transfer.created'], 'active', 100],
    );
    assert.ok(!JSON.stringify(shown).includes(secret));
    const json = await vostroJson<{ endpoint: Endpoint; secret: string }>([
      'webhook',
      'add',
      '--db',
      db,
      '--participant',
      'bob',
      '--url',
      'http://localhost:9/bob',
      '--format',
      'camt.054',
      '--max-events',
      '10',
    ]);
    assert.match(json.secret, /^whsec_/);
    assert.equal(json.endpoint.format, 'camt.054');
    const bobs = await vostroJson<{ data: Endpoint[] }>([
      'webhook',
      'list',
      '--participant',
      'bob',
      '--db',
      db,
    ]);
    assert.deepEqual(
      bobs.data.map((endpoint) => endpoint.id),
      [json.endpoint.id],
    );
    assert.match(
      (await vostroOk(['webhook', 'list', '--participant', 'tata-steel', '--db', db])).stdout,
      /^No webhook endpoints\./,
    );
    const table = await vostroOk(['webhook', 'show', json.endpoint.id, '--db', db]);
    assert.match(table.stdout, /│ format +│ camt\.054/);
    assert.match(table.stdout, /│ events per delivery +│ 10 /);
  });

  it('refuses a URL off the allow-list, with credentials or not http(s), a bad option or id; the allow-list comes from the flag or the environment', async () => {
    for (const [argv, code, message] of [
      [['--url', 'https://hooks.example.com/x'], 1, /^error: --url: .*hooks\.example\.com/m],
      [['--url', 'http://user:pw@127.0.0.1/x'], 1, /--url: .*credentials/],
      [['--url', 'ftp://127.0.0.1/x'], 1, /--url: .*ftp/],
      [['--url', 'not a url'], 1, /--url: /],
      [['--url', 'http://127.0.0.1/x', '--type', 'nope'], 2, /--type: "nope" is not an event type/],
      [['--url', 'http://127.0.0.1/x', '--max-events', '0'], 2, /--max-events: 0 is out of range/],
      [['--url', 'http://127.0.0.1/x', '--format', 'xml'], 2, /argument 'xml' is invalid/],
      [
        ['--url', 'http://127.0.0.1/x', '--webhook-allow-host', 'https://x.example'],
        2,
        /--webhook-allow-host: "https:\/\/x\.example" is a URL/,
      ],
      [
        ['--url', 'http://127.0.0.1/x', '--webhook-allow-host', 'x.example:443'],
        2,
        /--webhook-allow-host: "x\.example:443" has a port/,
      ],
      [
        ['--url', 'http://127.0.0.1/x', '--webhook-allow-host', 'bad host'],
        2,
        /--webhook-allow-host: /,
      ],
    ] as const) {
      const run = await add([...argv]);
      assert.equal(run.code, code, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const unknown = await vostro([
      'webhook',
      'add',
      '--db',
      db,
      '--participant',
      'nobody',
      '--url',
      'http://127.0.0.1/x',
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /nobody/);
    const allowed = await add([
      '--url',
      'https://hooks.example.com/x',
      '--webhook-allow-host',
      'hooks.example.com',
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    const fromEnv = await vostro(
      ['webhook', 'add', '--db', db, '--participant', 'sbi', '--url', 'https://a.hooks.example/x'],
      { VOSTRO_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, *.hooks.example' },
    );
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    const badEnv = await vostro(
      ['webhook', 'add', '--db', db, '--participant', 'sbi', '--url', 'http://127.0.0.1/x'],
      { VOSTRO_WEBHOOK_ALLOWED_HOSTS: 'http://x' },
    );
    assert.equal(badEnv.code, 2);
    assert.match(badEnv.stderr, /VOSTRO_WEBHOOK_ALLOWED_HOSTS: "http:\/\/x" is a URL/);
    for (const [argv, code, message] of [
      [['show', 'wh_nothex'], 2, /<id>: "wh_nothex" is not a webhook endpoint id/],
      [['show', 'wh_0000000000000000'], 1, /webhook_not_found/],
      [['disable', 'wh_0000000000000000'], 1, /webhook_not_found/],
      [
        ['replay', 'wh_0000000000000000', '--from', 'x'],
        2,
        /--from: "x" is not an event sequence number/,
      ],
      [
        ['attempts', 'wh_0000000000000000', 'dlv_nope'],
        2,
        /<delivery-id>: "dlv_nope" is not a delivery id/,
      ],
      [
        ['deliveries', 'wh_0000000000000000', '--limit', '5000'],
        2,
        /--limit: 5000 is out of range/,
      ],
      [['list', '--participant', 'NOT OK'], 2, /--participant: /],
    ] as const) {
      const run = await vostro(['webhook', ...argv, '--db', db]);
      assert.equal(run.code, code, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });

  it('approves an endpoint a participant registered, disables, replays, rotates its secret and removes it', async () => {
    const store = new SqliteStore({ path: db, backgroundCheckpoints: false });
    let pending: string;
    try {
      const ledger = new Ledger(store);
      const service = new WebhookService(ledger, new ParticipantRegistry(ledger));
      pending = (
        await service.register(
          { url: 'http://127.0.0.1:9/bob' },
          { id: 'bob', role: 'participant', participant: 'bob' },
        )
      ).endpoint.id;
    } finally {
      await store.close();
    }
    assert.equal(
      (await vostroJson<Endpoint>(['webhook', 'show', pending, '--db', db])).status,
      'pending_approval',
    );
    assert.equal(
      (await vostroOk(['webhook', 'approve', pending, '--db', db])).stdout,
      `webhook endpoint ${pending} is active\n`,
    );
    assert.equal(
      (await vostroOk(['webhook', 'disable', pending, '--db', db])).stdout,
      `webhook endpoint ${pending} is disabled\n`,
    );
    assert.match(
      (await vostroOk(['webhook', 'replay', pending, '--db', db])).stdout,
      /is active; deliveries resume after event \d+/,
    );
    const again = await vostro(['webhook', 'replay', pending, '--db', db]);
    assert.equal(again.code, 1, 'an active endpoint replays only --from an event');
    assert.match(again.stderr, /is active already/);
    const rotated = await vostroOk(['webhook', 'rotate-secret', pending, '--db', db]);
    assert.match(rotated.stdout, /^new secret of wh_[0-9a-f]{16} \(shown once.*\): whsec_\S+$/m);
    assert.equal(
      (await vostroOk(['webhook', 'remove', pending, '--db', db])).stdout,
      `removed webhook endpoint ${pending}; nothing more is delivered to it\n`,
    );
    assert.equal((await vostro(['webhook', 'show', pending, '--db', db])).code, 1);
  });

  it(
    'deliveries run while `vostro serve` runs: signed, received once each, and shown by deliveries and attempts',
    { timeout: 60_000 },
    async () => {
      let secret = '';
      const receiver = await startWebhookReceiver({
        secret: () => secret,
        logPath: join(logDir, 'log'),
        path: '/hooks/tata',
        port: 0,
      });
      try {
        const added = await vostroJson<{ endpoint: Endpoint; secret: string }>([
          'webhook',
          'add',
          '--db',
          db,
          '--participant',
          'sbi',
          '--url',
          receiver.url,
          '--type',
          'transfer.created',
        ]);
        secret = added.secret;
        const id = added.endpoint.id;
        const tata = participantAccountId('tata-steel', 'INR', 'customer');
        await vostroOk(['payment', 'fund', '--db', db, '--account', tata, '--amount', '10.00']);
        await vostroOk(['payment', 'fund', '--db', db, '--account', tata, '--amount', '20.00']);
        const none = await vostroOk(['webhook', 'deliveries', id, '--db', db]);
        assert.match(none.stdout, /No deliveries yet/);
        let stop: (signal: string) => void = () => undefined;
        const io = {
          ...recordingIo(),
          waitForShutdown: () => new Promise<string>((resolve) => (stop = resolve)),
        };
        const serving = runCli(['serve', '--db', db, '--port', '0', '--log-level', 'warn'], io);
        for (let waited = 0; receiver.counts.accepted < 1 && waited < 200; waited += 1)
          await new Promise((resolve) => setTimeout(resolve, 50));
        stop('SIGTERM');
        assert.equal(await serving, 0, io.stderr.join(''));
        assert.equal(
          receiver.counts.refused,
          0,
          'every delivery verified with the secret `add` printed',
        );
        const deliveries = await vostroJson<{ id: string; status: string; events: number }[]>([
          'webhook',
          'deliveries',
          id,
          '--db',
          db,
        ]);
        const [delivery] = deliveries;
        assert.ok(delivery !== undefined);
        assert.equal(delivery.status, 'delivered');
        const table = await vostroOk(['webhook', 'deliveries', id, '--db', db]);
        assert.match(table.stdout, /dlv_wh_[0-9a-f]{16}_\d+_\d+ .*delivered/);
        const attempts = await vostroOk(['webhook', 'attempts', id, delivery.id, '--db', db]);
        assert.match(attempts.stdout, /│ +1 │ \S+ +│ 204 /);
        const attemptsJson = await vostroJson<{ attempt: number; status?: number }[]>([
          'webhook',
          'attempts',
          id,
          delivery.id,
          '--db',
          db,
        ]);
        assert.deepEqual(
          attemptsJson.map((attempt) => [attempt.attempt, attempt.status]),
          [[1, 204]],
        );
        const page = await vostroJson<unknown[]>([
          'webhook',
          'deliveries',
          id,
          '--db',
          db,
          '--after',
          delivery.id,
        ]);
        assert.deepEqual(page, deliveries.slice(1));
      } finally {
        await receiver.close();
      }
    },
  );
});
