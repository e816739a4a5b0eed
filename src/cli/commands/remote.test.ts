import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { participantAccountId } from '../../participants/accounts.js';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';
import { tempDb, vostro, vostroOk } from './cli.test-helper.js';

const SAMPLE = new URL('../../../docs/examples/pacs.008-tata-steel.xml', import.meta.url).pathname;

/**
 * `--url`: while `vostro serve` holds a SQLite database, `iso20022 submit` and `events` go through
 * its HTTP API with an API key from `--key-file` or `$VOSTRO_KEY` (a real server on 127.0.0.1,
 * started in-process). The server's refusals become the CLI's exit codes: 2 for a message refused
 * as a whole, 1 for any other refusal; an unreachable server is said as such.
 */
describe('vostro iso20022 submit and events --url, through a running server', () => {
  const { path: db, cleanup } = tempDb();
  const file = (name: string): string => join(dirname(db), name);
  const keyFile = file('operator.key');
  const sbiKeyFile = file('sbi.key');
  let url = '';
  let stop: (signal: string) => void = () => undefined;
  let serving: Promise<number> = Promise.resolve(0);
  const io = {
    ...recordingIo(),
    waitForShutdown: () => new Promise<string>((resolve) => (stop = resolve)),
  };
  const remote = (argv: string[], env: Record<string, string> = {}) =>
    vostro(
      [...argv, '--url', url, ...(env['VOSTRO_KEY'] === undefined ? ['--key-file', keyFile] : [])],
      env,
    );

  before(async () => {
    await vostroOk(['init', '--db', db]);
    for (const [id, country, extra] of [
      ['sbi', 'IN', ['--kind', 'bank', '--bic', 'DEMOINBBXXX']],
      ['bob', 'IN', ['--kind', 'bank', '--bic', 'DEMOINBDXXX']],
      ['sberbank', 'RU', ['--kind', 'bank']],
      ['tata-steel', 'IN', ['--kind', 'corporate', '--bank', 'bob']],
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
        country,
        '--currencies',
        country === 'IN' ? 'INR' : 'RUB',
        ...extra,
      ]);
    await vostroOk([
      'participant',
      'open-account',
      'sberbank',
      '--role',
      'vostro',
      '--currency',
      'INR',
      '--held-at',
      'sbi',
      '--db',
      db,
    ]);
    const tata = participantAccountId('tata-steel', 'INR', 'customer');
    await vostroOk(['account', 'identify', tata, '--other', 'BOB-CA-0042-7788', '--db', db]);
    await vostroOk(['payment', 'fund', '--db', db, '--account', tata, '--amount', '500000.00']);
    await vostroOk([
      'cap',
      'set',
      '--db',
      db,
      '--participant',
      'bob',
      '--currency',
      'INR',
      '--amount',
      '100000.00',
    ]);
    writeFileSync(
      keyFile,
      (await vostroOk(['key', 'issue', '--db', db, '--role', 'operator'])).stdout,
    );
    writeFileSync(
      sbiKeyFile,
      (
        await vostroOk([
          'key',
          'issue',
          '--db',
          db,
          '--role',
          'participant',
          '--participant',
          'sbi',
        ])
      ).stdout,
    );
    serving = runCli(['serve', '--db', db, '--port', '0', '--log-level', 'warn'], io);
    for (let waited = 0; url === '' && waited < 200; waited += 1) {
      url = /http:\/\/127\.0\.0\.1:\d+/.exec(io.stdout.join(''))?.[0] ?? '';
      if (url === '') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.notEqual(url, '', io.stderr.join(''));
  });
  after(async () => {
    stop('SIGTERM');
    assert.equal(await serving, 0, io.stderr.join(''));
    cleanup();
  });

  it('submits through the API: the pacs.002 and its summary, exit 0; again, the original report', async () => {
    const run = await remote(['iso20022', 'submit', SAMPLE]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /<GrpSts>ACSC<\/GrpSts>/);
    assert.equal(
      run.stderr,
      'ACSC: 1 accepted, 0 rejected; message DEMOINBD:DEMO-BOB-20261120-0001\n',
    );
    const again = await remote(['iso20022', 'submit', SAMPLE], {
      VOSTRO_KEY: readFileSync(keyFile, 'utf8'),
    });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /submitted before/);
  });

  it('the server’s refusals: a DOCTYPE exit 2, another bank’s message 403 exit 1, a wrong key 401 exit 1', async () => {
    const hostile = file('hostile.xml');
    writeFileSync(
      hostile,
      '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<d>&x;</d>\n',
    );
    const refused = await remote(['iso20022', 'submit', hostile]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^error: <file>: .*hostile\.xml: the server answered 400: .*DOCTYPE/m,
    );
    assert.equal(refused.stdout, '');
    const other = await vostro([
      'iso20022',
      'submit',
      SAMPLE,
      '--url',
      url,
      '--key-file',
      sbiKeyFile,
    ]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /the server answered 403/);
    const wrong = await remote(['iso20022', 'submit', SAMPLE], {
      VOSTRO_KEY: 'vostro_0000000000000000_nope',
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /the server answered 401/);
  });

  it(
    'lists the event feed through the API, and follows its live stream until the shutdown signal',
    { timeout: 60_000 },
    async () => {
      const page = await remote(['events', '--json', '--participant', 'sberbank']);
      assert.equal(page.code, 0, page.stderr);
      const listed = JSON.parse(page.stdout) as { data: { id: string }[]; lastId: string };
      let followStop: (signal: string) => void = () => undefined;
      const followIo = {
        ...recordingIo(),
        waitForShutdown: () => new Promise<string>((resolve) => (followStop = resolve)),
      };
      const following = runCli(
        [
          'events',
          '--follow',
          '--json',
          '--url',
          url,
          '--key-file',
          keyFile,
          '--after',
          listed.lastId,
          '--participant',
          'sbi',
        ],
        followIo,
      );
      const message = file('second.xml');
      writeFileSync(
        message,
        readFileSync(SAMPLE, 'utf8')
          .replace('DEMO-BOB-20261120-0001', 'DEMO-BOB-20261120-0002')
          .replace('8f4a3c2e-6b1d-4e5f-9a7b-3c2d1e0f4a5b', '8f4a3c2e-6b1d-4e5f-9a7b-3c2d1e0f4a5c')
          .replaceAll('45000.00<', '1000.00<'),
      );
      assert.equal((await remote(['iso20022', 'submit', message])).code, 0);
      const events = () =>
        followIo.stdout
          .join('')
          .split('\n')
          .filter((line) => line !== '')
          .map(
            (line) =>
              JSON.parse(line) as { id: string; type: string; data: Record<string, unknown> },
          );
      for (let waited = 0; events().length === 0 && waited < 200; waited += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      followStop('SIGINT');
      assert.equal(await following, 0, followIo.stderr.join(''));
      assert.ok(
        events().some(
          (event) => event.type === 'transfer.created' && event.data['amount'] === '100000',
        ),
      );
      assert.ok(events().every((event) => BigInt(event.id) > BigInt(listed.lastId)));
    },
  );

  it('--follow --url with a key the server refuses ends at once (exit 1)', async () => {
    const followIo = {
      ...recordingIo({ VOSTRO_KEY: 'vostro_0000000000000000_nope' }),
      waitForShutdown: () => new Promise<string>(() => undefined),
    };
    assert.equal(await runCli(['events', '--follow', '--url', url], followIo), 1);
    assert.match(followIo.stderr.join(''), /^error: the server answered 401/);
  });

  it('refuses a confused command line (exit 2) and says when the server cannot be reached (exit 1)', async () => {
    // A port nothing listens on: one just freed.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    for (const [argv, env, code, message] of [
      [
        ['events', '--url', `http://127.0.0.1:${port}`],
        { VOSTRO_KEY: 'k' },
        1,
        new RegExp(`cannot reach the server at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`),
      ],
      [
        ['events', '--url', url, '--db', db],
        { VOSTRO_KEY: 'k' },
        2,
        /--url and --db name two places/,
      ],
      [
        ['events', '--url', url],
        {},
        2,
        /--url: give the API key with --key-file FILE or in \$VOSTRO_KEY/,
      ],
      [
        ['events', '--url', 'ftp://127.0.0.1'],
        { VOSTRO_KEY: 'k' },
        2,
        /--url: ftp is not http or https/,
      ],
      [['events', '--url', 'nonsense'], { VOSTRO_KEY: 'k' }, 2, /--url: "nonsense" is not a URL/],
      [
        ['events', '--url', 'http://u:p@127.0.0.1'],
        { VOSTRO_KEY: 'k' },
        2,
        /--url: no credentials in the URL/,
      ],
      [['events', '--key-file', keyFile], {}, 2, /--key-file goes with --url/],
      [
        ['events', '--url', url],
        { VOSTRO_KEY: 'vostro_0000000000000000_nope' },
        1,
        /the server answered 401/,
      ],
      [['events', '--url', url, '--key-file', file('none.key')], {}, 2, /--key-file: cannot read /],
    ] as const) {
      const run = await vostro([...argv], { ...env });
      assert.equal(run.code, code, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});

describe('vostro events --follow --url when the server goes away and comes back', () => {
  const { path: db, cleanup } = tempDb();
  after(cleanup);

  it(
    'says so, connects again, and goes on after the last event it printed',
    { timeout: 120_000 },
    async () => {
      await vostroOk(['init', '--db', db]);
      await vostroOk([
        'participant',
        'create',
        '--db',
        db,
        '--id',
        'sbi',
        '--name',
        'SBI',
        '--kind',
        'bank',
        '--country',
        'IN',
        '--currencies',
        'INR',
      ]);
      const key = (
        await vostroOk(['key', 'issue', '--db', db, '--role', 'operator'])
      ).stdout.trim();
      const sbi = participantAccountId('sbi', 'INR', 'settlement');
      const serve = async (port: number) => {
        let stop: (signal: string) => void = () => undefined;
        const io = {
          ...recordingIo(),
          waitForShutdown: () => new Promise<string>((resolve) => (stop = resolve)),
        };
        const exit = runCli(
          ['serve', '--db', db, '--port', String(port), '--log-level', 'warn'],
          io,
        );
        let url = '';
        for (let waited = 0; url === '' && waited < 200; waited += 1) {
          url = /http:\/\/127\.0\.0\.1:\d+/.exec(io.stdout.join(''))?.[0] ?? '';
          if (url === '') await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.notEqual(url, '', io.stderr.join(''));
        const fund = async (amount: string) => {
          const response = await fetch(`${url}/v1/payments/fund`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({ id: randomUUID(), account: sbi, amount }),
          });
          assert.ok(response.ok, await response.text());
        };
        return {
          url,
          fund,
          stop: async () => {
            stop('SIGTERM');
            assert.equal(await exit, 0);
          },
        };
      };
      const first = await serve(0);
      let followStop: (signal: string) => void = () => undefined;
      const followIo = {
        ...recordingIo({ VOSTRO_KEY: key }),
        waitForShutdown: () => new Promise<string>((resolve) => (followStop = resolve)),
      };
      const following = runCli(['events', '--follow', '--json', '--url', first.url], followIo);
      const amounts = () =>
        followIo.stdout
          .join('')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => (JSON.parse(line) as { data: Record<string, unknown> }).data['amount']);
      await first.fund('1.00');
      for (let waited = 0; amounts().length < 1 && waited < 200; waited += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await first.stop();
      for (
        let waited = 0;
        !followIo.stderr.join('').includes('went away') && waited < 200;
        waited += 1
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(
        followIo.stderr.join(''),
        /the server at http:\/\/127\.0\.0\.1:\d+ went away; connecting again in 2 s \(after event \d+; Ctrl-C to stop\)/,
      );
      const second = await serve(Number(new URL(first.url).port));
      await second.fund('2.00');
      for (let waited = 0; amounts().length < 2 && waited < 300; waited += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      followStop('SIGINT');
      assert.equal(await following, 0, followIo.stderr.join(''));
      await second.stop();
      assert.deepEqual(
        amounts(),
        ['100', '200'],
        'each event once, in order, across the reconnection',
      );
    },
  );
});
