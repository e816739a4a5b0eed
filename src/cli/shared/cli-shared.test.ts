import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { JsonObject } from '../../store/records.js';
import { UsageError } from '../errors.js';
import { eventRow, parseEventTypes, parseSeqOption } from './events.js';
import { remoteOf, remoteRefusal } from './remote.js';
import { webhookAllowedHosts } from './webhook-hosts.js';

const view = (type: string, data: JsonObject) => ({
  id: '7',
  type,
  at: '2026-11-20T09:30:00.000000001Z',
  subject: 'subject-7',
  participants: ['sbi', 'bob'],
  data,
});

describe('what the event, remote and webhook-host commands share', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vostro-cli-shared-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an event row says the money in major units, who paid whom, a refusal’s code and the reference', () => {
    assert.deepEqual(
      eventRow(
        view('transfer.created', {
          amount: '4500000',
          currency: 'INR',
          debitOwner: 'tata-steel',
          creditOwner: 'sberbank',
          reference: 'UC-INV-42',
        }),
      ),
      [
        '7',
        '2026-11-20T09:30:00.000000001Z',
        'transfer.created',
        'subject-7',
        'sbi,bob',
        '45,000.00 INR, tata-steel → sberbank, UC-INV-42',
      ],
    );
    assert.equal(
      eventRow(
        view('payment.refused', {
          amount: '100',
          currency: 'XYZ',
          payer: 'a',
          payee: 'b',
          code: 'AM04',
        }),
      )[5],
      '100 XYZ, a → b, refused: AM04',
    );
    assert.equal(eventRow(view('window.closed', {}))[5], '');
  });

  it('an event row says what a conversion, a window and a presentation did', () => {
    assert.equal(
      eventRow(
        view('quote.executed', {
          sourceAmount: '3000000000',
          sourceCurrency: 'INR',
          targetAmount: '3211276500',
          targetCurrency: 'RUB',
          rate: '1.0704',
          provider: 'indorus-fx',
          payer: 'acct-a',
          payee: 'acct-b',
        }),
      )[5],
      '30,000,000.00 INR → 32,112,765.00 RUB, rate 1.0704, by indorus-fx',
    );
    assert.equal(
      eventRow(
        view('window.settled', {
          status: 'settled',
          currency: 'INR',
          gross: '90000',
          moved: '50000',
          next: 'INR-2',
        }),
      )[5],
      'settled, moved 500.00 INR of 900.00 INR, next INR-2',
    );
    assert.equal(
      eventRow(
        view('presentation.refused', {
          status: 'discrepant',
          trade: 'T-1',
          discrepancies: [{ check: 'signature', reason: 'bad' }],
        }),
      )[5],
      'discrepant, trade T-1, 1 discrepancy',
    );
    assert.equal(
      eventRow(
        view('presentation.accepted', {
          status: 'accepted',
          trade: 'T-2',
          amount: '1420000000',
          currency: 'INR',
        }),
      )[5],
      'accepted, trade T-2, 14,200,000.00 INR',
    );
  });

  it('parses sequence numbers and event types, naming the option', () => {
    assert.equal(parseSeqOption('--after', '0'), 0n);
    assert.equal(parseSeqOption('--after', '9223372036854775807'), 9223372036854775807n);
    for (const bad of ['', '01', '-1', '1.0', '1e3', '12345678901234567890'])
      assert.throws(() => parseSeqOption('--after', bad), UsageError);
    assert.equal(parseEventTypes(undefined), undefined);
    assert.deepEqual(parseEventTypes(['transfer.created,transfer.posted', 'transfer.created']), [
      'transfer.created',
      'transfer.posted',
    ]);
    assert.throws(() => parseEventTypes(['transfer.created,']), /--type: "" is not an event type/);
  });

  it('the webhook allow-list: flags replace the environment; hosts, [IPv6] and *.domain; no URL, port or junk', () => {
    assert.equal(webhookAllowedHosts(undefined, {}), undefined);
    assert.equal(webhookAllowedHosts(undefined, { VOSTRO_WEBHOOK_ALLOWED_HOSTS: ' ' }), undefined);
    assert.deepEqual(
      webhookAllowedHosts(['Hooks.Example.com', 'hooks.example.com', '[::1]', '*.bank.example'], {
        VOSTRO_WEBHOOK_ALLOWED_HOSTS: 'other.example',
      }),
      ['hooks.example.com', '[::1]', '*.bank.example'],
    );
    assert.deepEqual(
      webhookAllowedHosts(undefined, { VOSTRO_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, ,localhost' }),
      ['127.0.0.1', 'localhost'],
    );
    for (const [host, message] of [
      ['http://hooks.example.com', /is a URL/],
      ['hooks.example.com/x', /is a URL/],
      ['hooks.example.com:443', /has a port/],
      ['[::1]:443', /has a port/],
      ['::1', /is not a host name/],
      ['bad_host!', /is not a host name/],
      ['x'.repeat(70), /is not a host name/],
    ] as const)
      assert.throws(
        () => webhookAllowedHosts([host], {}),
        (error: Error) =>
          error instanceof UsageError &&
          message.test(error.message) &&
          error.message.startsWith('--webhook-allow-host: '),
      );
  });

  it('--url: the server’s address without /v1 or a trailing slash, the key from a file or VOSTRO_KEY', () => {
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, '  vostro_key \n');
    assert.deepEqual(remoteOf({ url: 'http://127.0.0.1:8080/v1/', keyFile }, {}), {
      base: 'http://127.0.0.1:8080',
      key: 'vostro_key',
    });
    assert.deepEqual(remoteOf({ url: 'https://hub.example/vostro/' }, { VOSTRO_KEY: 'k' }), {
      base: 'https://hub.example/vostro',
      key: 'k',
    });
    assert.equal(remoteOf({}, { VOSTRO_KEY: 'k' }), undefined);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    assert.throws(
      () => remoteOf({ url: 'http://127.0.0.1', keyFile: empty }, {}),
      /--key-file: .*empty is empty/,
    );
    assert.throws(
      () => remoteOf({ url: 'http://127.0.0.1/?x=1' }, { VOSTRO_KEY: 'k' }),
      /without \?query or #fragment/,
    );
  });

  it('a refusal from the server: its detail, code and field errors, or the start of a body that is not a problem document', async () => {
    const problem = new Response(
      JSON.stringify({
        detail: 'limit: must be at most 10000',
        code: 'invalid_parameter',
        errors: [
          { field: '/limit', reason: 'must be at most 10000' },
          { reason: 'and another' },
          { nothing: true },
        ],
      }),
      { status: 400 },
    );
    assert.equal(
      (await remoteRefusal(problem)).message,
      'the server answered 400: limit: must be at most 10000 (invalid_parameter)\n  /limit: must be at most 10000\n  and another',
    );
    assert.equal(
      (await remoteRefusal(new Response('<html>Bad Gateway</html>', { status: 502 }))).message,
      'the server answered 502: <html>Bad Gateway</html>',
    );
  });
});
