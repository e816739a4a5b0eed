import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { participantAccountId } from '../../participants/accounts.js';
import { openTestApi, type TestApi } from '../api.test-helper.js';

/** A valid IBAN (the ISO 13616 example), with its spaces, and another one. */
const IBAN = 'DE89 3704 0044 0532 0130 00';
const IBAN_2 = 'GB82WEST12345698765432';

describe('participants’ BICs and accounts’ identifiers over HTTP', () => {
  let api: TestApi;
  let sbiKey: string;
  let vtbKey: string;
  const sbiInr = participantAccountId('sbi', 'INR', 'settlement');
  const vtbInr = participantAccountId('vtb', 'INR', 'settlement');

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 });
    for (const [id, country] of [
      ['sbi', 'IN'],
      ['vtb', 'RU'],
    ] as const)
      await api.participants.create(
        { id, name: id.toUpperCase(), kind: 'bank', country, currencies: ['INR'] },
        CLI_ACTOR,
      );
    await api.participants.create(
      {
        id: 'tea-house',
        name: 'Tea House',
        kind: 'corporate',
        country: 'IN',
        bank: 'sbi',
        currencies: ['INR'],
      },
      CLI_ACTOR,
    );
    sbiKey = await api.issueKey('participant', 'sbi');
    vtbKey = await api.issueKey('participant', 'vtb');
  });
  after(async () => api.close());

  it('creates a participant with a BIC, shows it, changes it and takes it away', async () => {
    const created = await api.call({
      method: 'POST',
      url: '/v1/participants',
      payload: {
        id: 'bob',
        name: 'Bank of Baroda',
        kind: 'bank',
        country: 'IN',
        currencies: ['INR'],
        bic: 'BARBINBBXXX',
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json()['bic'], 'BARBINBBXXX');
    const read = await api.call({ method: 'GET', url: '/v1/participants/bob' });
    assert.equal(read.json()['bic'], 'BARBINBBXXX');
    const changed = await api.call({
      method: 'PATCH',
      url: '/v1/participants/bob',
      payload: { bic: 'BARBINBB' },
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json()['bic'], 'BARBINBB');
    assert.equal((await api.participants.byBic('BARBINBBXXX'))?.id, 'bob', 'one institution');
    const removed = await api.call({
      method: 'PATCH',
      url: '/v1/participants/bob',
      payload: { bic: null },
    });
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(removed.json()['bic'], undefined);
    assert.equal(await api.participants.byBic('BARBINBB'), undefined);
  });

  it('refuses a BIC that is malformed, another’s, or on a corporate, naming the field; writes nothing', async () => {
    await api.call({ method: 'PATCH', url: '/v1/participants/sbi', payload: { bic: 'SBININBB' } });
    const audit = (await api.store.auditEntries({ limit: 100_000 })).length;
    const cases: [string, string, Record<string, unknown>, number, string, string][] = [
      ['PATCH', '/v1/participants/vtb', { bic: 'vtbrru' }, 400, 'invalid_request', '/bic'],
      ['PATCH', '/v1/participants/vtb', { bic: 'SBININBBXXX' }, 409, 'identifier_exists', '/bic'],
      ['PATCH', '/v1/participants/vtb', {}, 400, 'invalid_request', '/bic'],
      [
        'PATCH',
        '/v1/participants/vtb',
        { bic: 'VTBRRUMM', name: 'x' },
        400,
        'invalid_request',
        '/name',
      ],
      ['PATCH', '/v1/participants/tea-house', { bic: 'TEAHINBB' }, 400, 'invalid_field', '/bic'],
      [
        'PATCH',
        '/v1/participants/nobody',
        { bic: 'NOBOINBB' },
        404,
        'participant_not_found',
        'path.id',
      ],
      [
        'POST',
        '/v1/participants',
        {
          id: 'dup',
          name: 'Dup',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
          bic: 'SBININBB',
        },
        409,
        'identifier_exists',
        '/bic',
      ],
    ];
    for (const [method, url, payload, status, code, field] of cases) {
      const response = await api.call({ method, url, payload });
      const label = `${method} ${url} ${JSON.stringify(payload)}`;
      assert.equal(response.statusCode, status, `${label}: ${response.body}`);
      assert.equal(response.json()['code'], code, label);
      assert.equal(response.json()['errors']?.[0]?.['field'], field, label);
    }
    assert.equal((await api.store.auditEntries({ limit: 100_000 })).length, audit);
    assert.equal((await api.participants.find('vtb'))?.bic, undefined);
  });

  it('registers an IBAN and another identifier (201, then 200), shows them, removes them', async () => {
    const added = await api.call({
      method: 'POST',
      url: `/v1/accounts/${sbiInr}/identifiers`,
      payload: { iban: IBAN },
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.deepEqual(added.json()['identifiers'], [{ iban: 'DE89370400440532013000' }]);
    const again = await api.call({
      method: 'POST',
      url: `/v1/accounts/${sbiInr}/identifiers`,
      payload: { iban: 'de89370400440532013000' },
    });
    assert.equal(again.statusCode, 200, again.body);
    const other = await api.call({
      method: 'POST',
      url: `/v1/accounts/${sbiInr}/identifiers`,
      payload: { other: 'SBI-SRVA-0001' },
      key: sbiKey,
    });
    assert.equal(other.statusCode, 201, other.body);
    assert.equal(await api.participants.accountByIdentifier({ iban: IBAN }), sbiInr);
    const participant = await api.call({ method: 'GET', url: '/v1/participants/sbi', key: sbiKey });
    assert.deepEqual(
      participant.json()['accounts'].find((account: { id: string }) => account.id === sbiInr)[
        'identifiers'
      ],
      [{ iban: 'DE89370400440532013000' }, { other: 'SBI-SRVA-0001' }],
    );
    const removed = await api.call({
      method: 'DELETE',
      url: `/v1/accounts/${sbiInr}/identifiers/${encodeURIComponent(IBAN)}`,
    });
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(removed.json()['identifiers'], [{ other: 'SBI-SRVA-0001' }]);
    const removedOther = await api.call({
      method: 'DELETE',
      url: `/v1/accounts/${sbiInr}/identifiers/SBI-SRVA-0001`,
      key: sbiKey,
    });
    assert.equal(removedOther.statusCode, 200, removedOther.body);
    assert.equal(removedOther.json()['identifiers'], undefined);
    assert.equal(await api.participants.accountByIdentifier({ iban: IBAN }), undefined);
  });

  it('an IBAN-shaped other identifier is removed with scheme=other', async () => {
    const added = await api.call({
      method: 'POST',
      url: `/v1/accounts/${sbiInr}/identifiers`,
      payload: { other: IBAN_2 },
    });
    assert.equal(added.statusCode, 201, added.body);
    const asIban = await api.call({
      method: 'DELETE',
      url: `/v1/accounts/${sbiInr}/identifiers/${IBAN_2}`,
    });
    assert.equal(asIban.statusCode, 404, asIban.body);
    assert.equal(asIban.json()['code'], 'identifier_not_found');
    assert.equal(asIban.json()['errors'][0]['field'], 'path.identifier');
    const asOther = await api.call({
      method: 'DELETE',
      url: `/v1/accounts/${sbiInr}/identifiers/${IBAN_2}?scheme=other`,
    });
    assert.equal(asOther.statusCode, 200, asOther.body);
  });

  it('refuses bad identifiers precisely, another’s account as missing, a taken identifier as 409; writes nothing', async () => {
    await api.call({
      method: 'POST',
      url: `/v1/accounts/${vtbInr}/identifiers`,
      payload: { iban: IBAN_2 },
    });
    const audit = (await api.store.auditEntries({ limit: 100_000 })).length;
    const missing = '0193a1f0-0000-7000-8000-00000000ffff';
    const cases: [
      string,
      string,
      Record<string, unknown> | undefined,
      string | null,
      number,
      string,
      string | undefined,
    ][] = [
      [
        'POST',
        `/v1/accounts/${sbiInr}/identifiers`,
        { iban: 'DE89 3704 0044 0532 0130 01' },
        null,
        400,
        'invalid_field',
        '/iban',
      ],
      [
        'POST',
        `/v1/accounts/${sbiInr}/identifiers`,
        { iban: 'x' },
        null,
        400,
        'invalid_request',
        '/iban',
      ],
      [
        'POST',
        `/v1/accounts/${sbiInr}/identifiers`,
        { other: 'a'.repeat(35) },
        null,
        400,
        'invalid_request',
        '/other',
      ],
      [
        'POST',
        `/v1/accounts/${sbiInr}/identifiers`,
        { other: '0193a1f000007000800000000000ffff' },
        null,
        400,
        'invalid_field',
        '/other',
      ],
      [
        'POST',
        `/v1/accounts/${sbiInr}/identifiers`,
        { iban: IBAN, other: 'x' },
        null,
        400,
        'invalid_field',
        '/',
      ],
      ['POST', `/v1/accounts/${sbiInr}/identifiers`, {}, null, 400, 'invalid_field', '/'],
      [
        'POST',
        `/v1/accounts/${sbiInr}/identifiers`,
        { iban: IBAN_2 },
        null,
        409,
        'identifier_exists',
        '/iban',
      ],
      [
        'POST',
        `/v1/accounts/${missing}/identifiers`,
        { other: 'X-1' },
        null,
        404,
        'account_not_found',
        undefined,
      ],
      [
        'POST',
        `/v1/accounts/${sbiInr}/identifiers`,
        { other: 'X-1' },
        'vtb',
        404,
        'account_not_found',
        undefined,
      ],
      [
        'DELETE',
        `/v1/accounts/${vtbInr}/identifiers/${IBAN_2}`,
        undefined,
        'sbi',
        404,
        'account_not_found',
        undefined,
      ],
      [
        'DELETE',
        `/v1/accounts/${sbiInr}/identifiers/NOPE`,
        undefined,
        null,
        404,
        'identifier_not_found',
        'path.identifier',
      ],
      [
        'DELETE',
        `/v1/accounts/${sbiInr}/identifiers/%20x`,
        undefined,
        null,
        400,
        'invalid_field',
        'path.identifier',
      ],
    ];
    for (const [method, url, payload, as, status, code, field] of cases) {
      const key = as === 'sbi' ? sbiKey : as === 'vtb' ? vtbKey : undefined;
      const response = await api.call({
        method,
        url,
        ...(payload === undefined ? {} : { payload }),
        ...(key === undefined ? {} : { key }),
      });
      const label = `${method} ${url} ${JSON.stringify(payload)} as ${as ?? 'operator'}`;
      assert.equal(response.statusCode, status, `${label}: ${response.body}`);
      assert.equal(response.json()['code'], code, label);
      assert.equal(response.json()['errors']?.[0]?.['field'], field, label);
    }
    assert.equal((await api.store.auditEntries({ limit: 100_000 })).length, audit);
    assert.equal(await api.participants.accountByIdentifier({ other: 'X-1' }), undefined);
  });

  it('a bank registers identifiers for the accounts of the corporates it keeps', async () => {
    const corporate = participantAccountId('tea-house', 'INR', 'customer');
    const added = await api.call({
      method: 'POST',
      url: `/v1/accounts/${corporate}/identifiers`,
      payload: { other: 'TEA-0001' },
      key: sbiKey,
    });
    assert.equal(added.statusCode, 201, added.body);
    const foreign = await api.call({
      method: 'POST',
      url: `/v1/accounts/${corporate}/identifiers`,
      payload: { other: 'TEA-0002' },
      key: vtbKey,
    });
    assert.equal(foreign.statusCode, 404, foreign.body);
  });
});
