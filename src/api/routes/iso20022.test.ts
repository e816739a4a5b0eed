import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { Hub } from '../../hub/hub.js';
import {
  inboundMessage,
  type InboundMessageOptions,
  type InboundTxOptions,
} from '../../iso20022/messages.test-helper.js';
import { validateOutgoing } from '../../iso20022/schemas.js';
import { newTransferId, type AccountId } from '../../ledger/ids.js';
import { participantAccountId } from '../../participants/accounts.js';
import { openTestApi, type TestApi } from '../api.test-helper.js';

/** The banks' BICs; Tata's account is kept by SBI, Infosys's by Bank of Baroda. */
const SBI = 'SBININBB';
const BOB = 'BARBINBB';
const VTB = 'VTBRRUMM';
const INFY_IBAN = 'GB82WEST12345698765432';
const tata = participantAccountId('tata', 'INR', 'customer');
const infy = participantAccountId('infy', 'INR', 'customer');

/** A customer credit transfer from Tata (at SBI) to Infosys (at Bank of Baroda), sent by SBI. */
function pacs008(
  transactions: readonly InboundTxOptions[] = [{}],
  options: Partial<InboundMessageOptions> = {},
): string {
  return inboundMessage({
    msgId: `MSG-${randomUUID().slice(0, 8)}`,
    instructingAgentBic: SBI,
    instructedAgentBic: BOB,
    ...options,
    transactions: transactions.map((tx) => ({
      uetr: randomUUID(),
      amount: '1234.50',
      debtorName: 'Tata Exports',
      debtorAccount: { other: 'TATA-0001' },
      debtorAgentBic: SBI,
      creditorName: 'Infosys',
      creditorAccount: { iban: INFY_IBAN },
      creditorAgentBic: BOB,
      remittance: ['INV-2026-114'],
      ...tx,
    })),
  });
}

const xml = { 'content-type': 'application/xml' };

describe('ISO 20022 over HTTP', () => {
  let api: TestApi;
  let sbiKey: string;
  let bobKey: string;
  let vtbKey: string;
  let auditorKey: string;

  const submit = (body: string | Buffer, key?: string, headers: Record<string, string> = xml) =>
    api.call({
      method: 'POST',
      url: '/v1/iso20022/messages',
      headers,
      payload: body,
      ...(key === undefined ? {} : { key }),
    });
  const balance = async (id: AccountId): Promise<bigint> => {
    const [found] = await api.ledger.lookupAccounts([id]);
    return (found?.creditsPosted ?? 0n) - (found?.debitsPosted ?? 0n);
  };
  /** The audit log's length and the store's counts: what a refused request must leave alone. */
  const written = async () => ({
    audit: (await api.store.auditEntries({ limit: 100_000 })).length,
    counts: await api.store.counts(),
    events: await api.store.lastEventSeq(),
  });

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 });
    const hub = new Hub(api.ledger, api.participants);
    await hub.open(['INR'], CLI_ACTOR);
    for (const [id, country, bic] of [
      ['sbi', 'IN', SBI],
      ['bob', 'IN', BOB],
      ['vtb', 'RU', VTB],
    ] as const)
      await api.participants.create(
        { id, name: id.toUpperCase(), kind: 'bank', country, currencies: ['INR'], bic },
        CLI_ACTOR,
      );
    for (const [id, bank] of [
      ['tata', 'sbi'],
      ['infy', 'bob'],
    ] as const)
      await api.participants.create(
        { id, name: id, kind: 'corporate', country: 'IN', bank, currencies: ['INR'] },
        CLI_ACTOR,
      );
    await api.participants.addAccountIdentifier(tata, { other: 'TATA-0001' }, CLI_ACTOR);
    await api.participants.addAccountIdentifier(infy, { iban: INFY_IBAN }, CLI_ACTOR);
    await hub.payments.fund(
      { id: newTransferId(), account: tata, amount: 100_000_00n, reference: 'deposit' },
      CLI_ACTOR,
    );
    for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 500_000_00n, CLI_ACTOR);
    sbiKey = await api.issueKey('participant', 'sbi');
    bobKey = await api.issueKey('participant', 'bob');
    vtbKey = await api.issueKey('participant', 'vtb');
    auditorKey = await api.issueKey('auditor');
  });
  after(async () => api.close());

  it('pays a pacs.008 and answers with its pacs.002 (ACSC); the same message again is its original report', async () => {
    const before = [await balance(tata), await balance(infy)];
    const message = pacs008();
    const response = await submit(message, sbiKey);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/xml; charset=utf-8');
    assert.equal(response.headers['vostro-group-status'], 'ACSC');
    assert.equal(response.headers['vostro-replayed'], 'false');
    validateOutgoing('pacs.002.001.11', response.body);
    assert.match(response.body, /<TxSts>ACSC<\/TxSts>/);
    assert.deepEqual(
      [await balance(tata), await balance(infy)],
      [(before[0] ?? 0n) - 123450n, (before[1] ?? 0n) + 123450n],
      'exactly 1234.50 moved',
    );
    const id = String(response.headers['vostro-message-id']);
    assert.match(id, /^SBININBB:MSG-/);

    const again = await submit(message, sbiKey);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.headers['vostro-replayed'], 'true');
    assert.equal(again.body, response.body, 'the original report');
    assert.equal(await balance(tata), (before[0] ?? 0n) - 123450n, 'paid once');

    for (const [key, status] of [
      [sbiKey, 200],
      [api.operatorKey, 200],
      [auditorKey, 200],
      [bobKey, 404],
    ] as const) {
      const stored = await api.call({
        method: 'GET',
        url: `/v1/iso20022/messages/${encodeURIComponent(id)}`,
        key,
      });
      assert.equal(stored.statusCode, status, stored.body);
      if (status === 200) assert.equal(stored.body, response.body);
      else assert.equal(stored.json()['code'], 'message_not_found');
    }
  });

  it('a MsgId of any characters is answered, and its id header is the path to its report', async () => {
    const msgId = 'Ω/支付 %41?#';
    const response = await submit(pacs008([{}], { msgId }), sbiKey);
    assert.equal(response.statusCode, 200, response.body);
    const id = String(response.headers['vostro-message-id']);
    assert.equal(id, `SBININBB:${encodeURIComponent(msgId)}`);
    const stored = await api.call({
      method: 'GET',
      url: `/v1/iso20022/messages/${id}`,
      key: sbiKey,
    });
    assert.equal(stored.statusCode, 200, stored.body);
    assert.equal(stored.body, response.body);
  });

  it('answers every transaction: PART with the reason of each rejected one (AM02, AC01, AM04)', async () => {
    const response = await submit(
      pacs008([
        { amount: '10.00' },
        { amount: '10.005' },
        { creditorAccount: { other: 'NOBODY-1' } },
        { amount: '99999999.00' },
      ]),
      sbiKey,
    );
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['vostro-group-status'], 'PART');
    validateOutgoing('pacs.002.001.11', response.body);
    const statuses = [...response.body.matchAll(/<TxSts>(\w+)<\/TxSts>/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['ACSC', 'RJCT', 'RJCT', 'RJCT']);
    const reasons = [...response.body.matchAll(/<Rsn><Cd>(\w+)<\/Cd><\/Rsn>/g)].map((m) => m[1]);
    assert.deepEqual(reasons, ['AM02', 'AC01', 'AM04']);
  });

  it('a schema-invalid message is 200 with a pacs.002 RJCT FF01 naming the error, and writes nothing', async () => {
    const before = await written();
    const invalid = pacs008().replace(/<NbOfTxs>1<\/NbOfTxs>/, '<NbOfTxs>one</NbOfTxs>');
    const response = await submit(invalid, sbiKey);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['vostro-group-status'], 'RJCT');
    assert.equal(response.headers['vostro-message-id'], undefined, 'nothing stored');
    validateOutgoing('pacs.002.001.11', response.body);
    assert.match(response.body, /<Cd>FF01<\/Cd>/);
    assert.match(response.body, /NbOfTxs/);
    assert.deepEqual(await written(), before);
  });

  it('refuses hostile and unsupported bodies with a precise problem, writing nothing', async () => {
    const valid = pacs008();
    const xxe =
      `<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${valid.slice(valid.indexOf('<Document'))}`.replace(
        '<MsgId>',
        '<MsgId>&xxe;',
      );
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>\n<lolz>&lol2;</lolz>`;
    const oldVersion = pacs008([{}], { version: '001.08' });
    const camt = valid.replace('pacs.008.001.09', 'camt.053.001.08');
    const foreign = valid.replace(
      'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09',
      'urn:example:pay',
    );
    const huge = Buffer.alloc(9 * 1024 * 1024, 0x20);
    const cases: [string, string | Buffer, Record<string, string>, number, string, RegExp?][] = [
      ['XXE', xxe, xml, 400, 'xml_doctype_refused', /DOCTYPE/],
      ['billion laughs', laughs, xml, 400, 'xml_doctype_refused'],
      ['not XML', 'this is not xml', xml, 400, 'not_xml'],
      ['empty', '', xml, 400, 'not_xml'],
      [
        'pacs.008.001.08',
        oldVersion,
        xml,
        422,
        'unsupported_message_version',
        /001\.08.*001\.09|001\.09.*001\.08/,
      ],
      ['camt.053 in', camt, xml, 422, 'unsupported_message', /camt\.053/],
      ['another namespace', foreign, xml, 422, 'unsupported_message', /urn:example:pay/],
      ['9 MB', huge, xml, 413, 'body_too_large', /8388608 bytes/],
      [
        'JSON',
        JSON.stringify({ xml: valid }),
        { 'content-type': 'application/json' },
        415,
        'unsupported_media_type',
        /application\/xml/,
      ],
      [
        'text/plain',
        valid,
        { 'content-type': 'text/plain' },
        415,
        'unsupported_media_type',
        /application\/xml/,
      ],
      ['no content type', valid, {}, 415, 'unsupported_media_type', /no Content-Type/],
      [
        'Latin-1',
        valid,
        { 'content-type': 'application/xml; charset=iso-8859-1' },
        415,
        'unsupported_media_type',
        /charset/,
      ],
    ];
    const before = await written();
    for (const [label, body, headers, status, code, detail] of cases) {
      const response = await submit(body, sbiKey, headers);
      assert.equal(response.statusCode, status, `${label}: ${response.body.slice(0, 400)}`);
      assert.equal(
        response.headers['content-type'],
        'application/problem+json; charset=utf-8',
        label,
      );
      assert.equal(response.json()['code'], code, label);
      if (detail !== undefined) assert.match(response.json()['detail'], detail, label);
      assert.ok(response.json()['errors'].length > 0, `${label}: names the field`);
    }
    assert.deepEqual(await written(), before);
    // text/xml is XML too.
    const asText = await submit(pacs008(), sbiKey, { 'content-type': 'text/xml; charset=utf-8' });
    assert.equal(asText.statusCode, 200, asText.body);
  });

  it('a body sent without a length (chunked) is cut at 8 MiB: 413, nothing written', async () => {
    const before = await written();
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = api.app.server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/iso20022/messages',
          method: 'POST',
          headers: { authorization: `Bearer ${sbiKey}`, 'content-type': 'application/xml' },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const write = (): void => {
        while (sent < 9 * 1024 * 1024) {
          sent += chunk.length;
          if (!request.write(chunk)) {
            request.once('drain', write);
            return;
          }
        }
        request.end();
      };
      request.on('error', () => undefined);
      write();
    });
    assert.equal(answer.status, 413, answer.body);
    assert.equal((JSON.parse(answer.body) as { code: string }).code, 'body_too_large');
    assert.deepEqual(await written(), before);
  });

  it('a participant submits only as itself (403); an auditor never; other routes still take JSON only', async () => {
    const before = await written();
    const asBob = await submit(pacs008(), bobKey);
    assert.equal(asBob.statusCode, 403, asBob.body);
    assert.equal(asBob.json()['code'], 'forbidden');
    const asAuditor = await submit(pacs008(), auditorKey);
    assert.equal(asAuditor.statusCode, 403, asAuditor.body);
    assert.deepEqual(await written(), before);
    const xmlElsewhere = await api.call({
      method: 'POST',
      url: '/v1/participants',
      headers: xml,
      payload: '<participant/>',
    });
    assert.equal(xmlElsewhere.statusCode, 415, xmlElsewhere.body);
  });

  it('camt.053 statement and camt.054 notifications of an account: for staff, and the banks that own or keep it', async () => {
    const uetr = randomUUID();
    const paid = await submit(pacs008([{ uetr, amount: '77.25' }]), sbiKey);
    assert.equal(paid.headers['vostro-group-status'], 'ACSC', paid.body);
    const today = new Date().toISOString().slice(0, 10);
    const statement = await api.call({
      method: 'GET',
      url: `/v1/iso20022/accounts/${tata}/statement?date=${today}`,
      key: sbiKey,
    });
    assert.equal(statement.statusCode, 200, statement.body);
    assert.equal(statement.headers['content-type'], 'application/xml; charset=utf-8');
    validateOutgoing('camt.053.001.08', statement.body);
    assert.ok(statement.body.includes(uetr), 'the entry refers back to the UETR');
    assert.ok(statement.body.includes('77.25'));

    const notifications = await api.call({
      method: 'GET',
      url: `/v1/iso20022/accounts/${infy}/notifications?after=0&limit=1000`,
      key: bobKey,
    });
    assert.equal(notifications.statusCode, 200, notifications.body);
    validateOutgoing('camt.054.001.08', notifications.body);
    assert.ok(notifications.body.includes(uetr));
    const last = String(notifications.headers['vostro-last-event-id']);
    assert.match(last, /^[1-9][0-9]*$/);
    const none = await api.call({
      method: 'GET',
      url: `/v1/iso20022/accounts/${infy}/notifications?after=${last}`,
      key: bobKey,
    });
    assert.equal(none.statusCode, 200, none.body);
    assert.ok(!none.body.includes(uetr), 'after the cursor, nothing of it again');

    const cases: [string, string, number, string, string | undefined][] = [
      [
        `/v1/iso20022/accounts/${tata}/statement?date=${today}`,
        vtbKey,
        404,
        'account_not_found',
        undefined,
      ],
      [`/v1/iso20022/accounts/${infy}/notifications`, sbiKey, 404, 'account_not_found', undefined],
      [
        `/v1/iso20022/accounts/${tata}/statement?date=2026-02-30`,
        sbiKey,
        400,
        'invalid_parameter',
        'query.date',
      ],
      [
        `/v1/iso20022/accounts/${tata}/statement?date=2999-01-01`,
        sbiKey,
        400,
        'invalid_parameter',
        'query.date',
      ],
      [`/v1/iso20022/accounts/${tata}/statement`, sbiKey, 400, 'invalid_request', 'query.date'],
      [
        `/v1/iso20022/accounts/${tata}/notifications?after=x`,
        sbiKey,
        400,
        'invalid_request',
        'query.after',
      ],
      [`/v1/iso20022/accounts/not-an-id/notifications`, sbiKey, 400, 'invalid_request', 'path.id'],
      [`/v1/iso20022/messages/nope`, sbiKey, 400, 'invalid_request', 'path.id'],
      [`/v1/iso20022/messages/SBININBB:NOPE`, sbiKey, 404, 'message_not_found', 'path.id'],
    ];
    for (const [url, key, status, code, field] of cases) {
      const response = await api.call({ method: 'GET', url, key });
      assert.equal(response.statusCode, status, `${url}: ${response.body}`);
      assert.equal(response.json()['code'], code, url);
      assert.equal(response.json()['errors']?.[0]?.['field'], field, url);
    }
  });
});
