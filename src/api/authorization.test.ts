import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type InjectOptions } from 'fastify';
import { CLI_ACTOR } from '../domain/actor.js';
import { newAccountId, newTransferId, type AccountId } from '../ledger/ids.js';
import { participantAccountId } from '../participants/accounts.js';
import { checkRoutePolicies, policyProblem } from './access.js';
import { CALLERS, openAccessFixture, type AccessFixture } from './access.test-helper.js';
import { EVENT_ROWS } from './access-events.test-helper.js';
import {
  ANY_KEY,
  get,
  operatorWrite,
  OWN_READ,
  ownKeyWrite,
  post,
  PUBLIC,
  STAFF_READ,
  streamed,
  type Answer,
  type Case,
} from './access-matrix.test-helper.js';
import { accountBody, transferBody } from './api.test-helper.js';

/**
 * The authorisation matrix: every route the server registers (collected with Fastify's onRoute
 * hook), called by every kind of caller, must answer what this table says. A route that is not in
 * the table fails the test, and so does a table entry for a route that no longer exists: a new
 * route cannot ship without someone deciding, here, who may call it.
 *
 * Callers: no key; the operator; the auditor; `owner`, the participant (sbi) whose account,
 * transfer, participant record or key the request names; `foreign`, another participant (vtb).
 * HEAD routes (made by Fastify for every GET) are checked with their GET's row.
 */
/** An identifier no account has yet. */
const uniqueName = (): string => `M-${newAccountId().slice(-12)}`;

const TABLE: Readonly<Record<string, Case>> = {
  'GET /healthz': { expect: PUBLIC, request: get('/healthz') },
  'GET /readyz': { expect: PUBLIC, request: get('/readyz') },
  'GET /metrics': { expect: PUBLIC, request: get('/metrics') },
  'GET /v1/openapi.json': { expect: PUBLIC, request: get('/v1/openapi.json') },
  'GET /v1/docs': { expect: PUBLIC, request: get('/v1/docs') },
  'HEAD /v1/docs/': { expect: PUBLIC, request: get('/v1/docs/') },
  'GET /v1/docs/static/index.html': {
    expect: { none: 302, operator: 302, auditor: 302, owner: 302, foreign: 302 },
    request: get('/v1/docs/static/index.html'),
  },
  'GET /v1/docs/static/swagger-initializer.js': {
    expect: PUBLIC,
    request: get('/v1/docs/static/swagger-initializer.js'),
  },
  'GET /v1/docs/json': { expect: PUBLIC, request: get('/v1/docs/json') },
  'GET /v1/docs/yaml': { expect: PUBLIC, request: get('/v1/docs/yaml') },
  'GET /v1/docs/static/*': { expect: PUBLIC, request: get('/v1/docs/static/swagger-ui.css') },

  'POST /v1/accounts': {
    expect: operatorWrite(201),
    request: () => post('/v1/accounts', accountBody()),
  },
  'POST /v1/accounts/batch': {
    expect: operatorWrite(200),
    request: () => post('/v1/accounts/batch', { accounts: [accountBody()] }),
  },
  'GET /v1/accounts': {
    expect: { ...OWN_READ, foreign: 403 },
    request: get('/v1/accounts?owner=sbi'),
  },
  'GET /v1/accounts/:id': {
    expect: OWN_READ,
    request: (f) => get(`/v1/accounts/${f.ownAccount}`)(),
    notFound: 'account_not_found',
  },
  'GET /v1/accounts/:id/balance': {
    expect: OWN_READ,
    request: (f) => get(`/v1/accounts/${f.ownAccount}/balance`)(),
    notFound: 'account_not_found',
  },
  'GET /v1/accounts/:id/balance-history': {
    expect: OWN_READ,
    request: (f) => get(`/v1/accounts/${f.ownAccount}/balance-history?from=2020-01-01`)(),
    notFound: 'account_not_found',
  },
  'GET /v1/accounts/:id/transfers': {
    expect: OWN_READ,
    request: (f) => get(`/v1/accounts/${f.ownAccount}/transfers`)(),
    notFound: 'account_not_found',
  },

  'POST /v1/transfers': {
    expect: operatorWrite(201),
    request: (f) => post('/v1/transfers', transferBody(f.funding, f.ownAccount)),
  },
  'POST /v1/transfers/batch': {
    expect: operatorWrite(200),
    request: (f) =>
      post('/v1/transfers/batch', { transfers: [transferBody(f.funding, f.ownAccount)] }),
  },
  'GET /v1/transfers/:id': {
    expect: OWN_READ,
    request: (f) => get(`/v1/transfers/${f.ownTransfer}`)(),
    notFound: 'transfer_not_found',
  },
  'GET /v1/transfers': {
    expect: { ...OWN_READ, foreign: 403 },
    request: get('/v1/transfers?participant=sbi'),
  },
  'GET /v1/transfers/:id/chain': {
    expect: OWN_READ,
    request: (f) => get(`/v1/transfers/${f.ownTransfer}/chain`)(),
    notFound: 'transfer_not_found',
  },
  'POST /v1/transfers/:id/post': {
    expect: operatorWrite(201),
    request: async (f) => post(`/v1/transfers/${await f.pending()}/post`, { id: newTransferId() }),
  },
  'POST /v1/transfers/:id/void': {
    expect: operatorWrite(201),
    request: async (f) => post(`/v1/transfers/${await f.pending()}/void`, { id: newTransferId() }),
  },
  'GET /v1/verify': { expect: STAFF_READ, request: get('/v1/verify') },
  'POST /v1/verify/runs': {
    expect: { ...STAFF_READ, operator: 202, auditor: 202 },
    request: () => post('/v1/verify/runs'),
  },
  'GET /v1/verify/runs': { expect: STAFF_READ, request: get('/v1/verify/runs') },
  'GET /v1/verify/runs/:id': {
    expect: STAFF_READ,
    request: async (f) =>
      get(
        `/v1/verify/runs/${(await f.api.call({ method: 'POST', url: '/v1/verify/runs' })).json()['id']}`,
      )(),
  },

  'POST /v1/participants': {
    expect: operatorWrite(201),
    request: () =>
      post('/v1/participants', {
        id: `bank-${newAccountId().slice(-12)}`,
        name: 'New Bank',
        kind: 'bank',
        country: 'IN',
        currencies: ['INR'],
      }),
  },
  'GET /v1/participants': { expect: STAFF_READ, request: get('/v1/participants') },
  'GET /v1/participants/:id': {
    expect: OWN_READ,
    request: get('/v1/participants/sbi'),
    notFound: 'participant_not_found',
  },
  'PATCH /v1/participants/:id': {
    expect: operatorWrite(200),
    request: () => ({
      method: 'PATCH',
      url: '/v1/participants/spare',
      payload: { bic: 'SPARINBB' },
    }),
  },
  'POST /v1/accounts/:id/identifiers': {
    expect: { none: 401, operator: 201, auditor: 403, owner: 201, foreign: 404 },
    request: (f) => post(`/v1/accounts/${f.ownAccount}/identifiers`, { other: uniqueName() }),
    notFound: 'account_not_found',
  },
  'DELETE /v1/accounts/:id/identifiers/:identifier': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => {
      const other = uniqueName();
      await f.api.participants.addAccountIdentifier(
        f.ownAccount as AccountId,
        { other },
        CLI_ACTOR,
      );
      return { method: 'DELETE', url: `/v1/accounts/${f.ownAccount}/identifiers/${other}` };
    },
    notFound: 'account_not_found',
  },
  'POST /v1/participants/:id/accounts': {
    expect: operatorWrite(201),
    request: () => post('/v1/participants/sbi/accounts', { role: 'investment', currency: 'INR' }),
  },
  'POST /v1/participants/:id/suspend': {
    expect: operatorWrite(200),
    request: () => post('/v1/participants/spare/suspend'),
  },
  'POST /v1/participants/:id/activate': {
    expect: operatorWrite(200),
    request: () => post('/v1/participants/spare/activate'),
  },
  'POST /v1/participants/:id/keys': {
    expect: operatorWrite(201),
    request: () => post('/v1/participants/sbi/keys', { label: 'matrix' }),
  },
  'GET /v1/participants/:id/keys': {
    expect: OWN_READ,
    request: get('/v1/participants/sbi/keys'),
    notFound: 'participant_not_found',
  },

  'POST /v1/keys': {
    expect: operatorWrite(201),
    request: () => post('/v1/keys', { role: 'auditor', label: 'matrix' }),
  },
  'GET /v1/keys': { expect: STAFF_READ, request: get('/v1/keys') },
  'GET /v1/me': { expect: ANY_KEY, request: get('/v1/me') },
  'POST /v1/keys/:keyId/rotate': {
    expect: ownKeyWrite(201),
    request: async (f) => post(`/v1/keys/${await f.ownSpareKeyId()}/rotate`),
    notFound: 'key_not_found',
  },
  'POST /v1/keys/:keyId/revoke': {
    expect: ownKeyWrite(200),
    request: async (f) => post(`/v1/keys/${await f.ownSpareKeyId()}/revoke`),
    notFound: 'key_not_found',
  },

  'GET /v1/audit': { expect: STAFF_READ, request: get('/v1/audit') },

  'POST /v1/payments': {
    expect: { none: 401, operator: 201, auditor: 403, owner: 201, foreign: 422 },
    request: (f) =>
      post('/v1/payments', {
        id: newTransferId(),
        payer: f.ownAccount,
        payee: f.foreignAccount,
        amount: '1.00',
      }),
  },
  'POST /v1/payments/:id/post': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/payments/${await f.pendingPayment()}/post`),
    notFound: 'payment_not_found',
  },
  'POST /v1/payments/:id/void': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/payments/${await f.pendingPayment()}/void`),
    notFound: 'payment_not_found',
  },
  'POST /v1/payments/fund': {
    expect: operatorWrite(201),
    request: (f) =>
      post('/v1/payments/fund', { id: newTransferId(), account: f.ownAccount, amount: '1.00' }),
  },
  'PUT /v1/participants/:id/caps/:currency': {
    expect: operatorWrite(200),
    request: () => ({
      method: 'PUT',
      url: '/v1/participants/sbi/caps/INR',
      payload: { cap: '1000000.00' },
    }),
  },
  'GET /v1/participants/:id/caps/:currency': {
    expect: OWN_READ,
    request: get('/v1/participants/sbi/caps/INR'),
    notFound: 'participant_not_found',
  },
  'GET /v1/windows': { expect: STAFF_READ, request: get('/v1/windows?currency=INR') },
  'POST /v1/windows/close': {
    expect: operatorWrite(200),
    request: () => post('/v1/windows/close', { currency: 'RUB' }),
  },
  'GET /v1/windows/:id/positions': {
    expect: STAFF_READ,
    request: async (f) => get(`/v1/windows/${await f.closedWindow()}/positions`)(),
  },
  'GET /v1/participants/:id/windows/:window/position': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/participants/sbi/windows/${await f.closedWindow()}/position`)(),
    notFound: 'participant_not_found',
  },
  'POST /v1/windows/:id/settle': {
    expect: operatorWrite(200),
    request: async (f) => post(`/v1/windows/${await f.closedWindow()}/settle`),
  },
  'PUT /v1/fx/rates': {
    expect: operatorWrite(200),
    request: () => ({
      method: 'PUT',
      url: '/v1/fx/rates',
      payload: { source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-21' },
    }),
  },
  'POST /v1/fx/rates/import': {
    expect: operatorWrite(200),
    request: () =>
      post('/v1/fx/rates/import', { csv: 'date,source,target,rate\n2026-11-19,INR,RUB,1.0701\n' }),
  },
  'GET /v1/fx/rates/:source/:target': { expect: ANY_KEY, request: get('/v1/fx/rates/INR/RUB') },
  'GET /v1/fx/rates/:source/:target/history': {
    expect: ANY_KEY,
    request: get('/v1/fx/rates/INR/RUB/history'),
  },
  'PUT /v1/fx/spreads': {
    expect: operatorWrite(200),
    request: () => ({
      method: 'PUT',
      url: '/v1/fx/spreads',
      payload: { provider: 'fxp', source: 'INR', target: 'RUB', spreadBps: 25, fee: '1.00' },
    }),
  },
  'POST /v1/fx/quotes': {
    expect: { none: 401, operator: 201, auditor: 403, owner: 201, foreign: 201 },
    request: () =>
      post('/v1/fx/quotes', {
        provider: 'fxp',
        source: 'INR',
        target: 'RUB',
        fixed: 'source',
        amount: '10.00',
      }),
  },
  'GET /v1/fx/quotes/:id': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/fx/quotes/${await f.ownQuote()}`)(),
    notFound: 'quote_not_found',
  },
  'POST /v1/fx/quotes/:id/execute': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) =>
      post(`/v1/fx/quotes/${await f.ownQuote()}/execute`, {
        payer: f.ownAccount,
        payee: participantAccountId('fxp', 'RUB', 'settlement'),
      }),
    notFound: 'quote_not_found',
  },
  'POST /v1/fx/quotes/:id/post': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/fx/quotes/${await f.ownQuote(true)}/post`),
    notFound: 'quote_not_found',
  },
  'POST /v1/fx/quotes/:id/void': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/fx/quotes/${await f.ownQuote(true)}/void`),
    notFound: 'quote_not_found',
  },
  'GET /v1/fx/providers/:id/quote-lifetime': {
    expect: ANY_KEY,
    request: get('/v1/fx/providers/fxp/quote-lifetime'),
  },
  // The matrix's owner (sbi) is a bank: the provider's own key is tested in routes/settlement-authz.test.ts.
  'PUT /v1/fx/providers/:id/quote-lifetime': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 404, foreign: 404 },
    request: () => ({
      method: 'PUT',
      url: '/v1/fx/providers/fxp/quote-lifetime',
      payload: { maxTtlSeconds: 300 },
    }),
    notFound: 'participant_not_found',
  },

  'GET /v1/windows/:id/report': {
    expect: STAFF_READ,
    request: async (f) => get(`/v1/windows/${await f.closedWindow()}/report?format=html`)(),
  },
  'GET /v1/participants/:id/statement': {
    expect: OWN_READ,
    request: get('/v1/participants/sbi/statement?from=2026-01-01&to=2030-01-01&format=csv'),
    notFound: 'participant_not_found',
  },
  'GET /v1/analytics/trade': { expect: ANY_KEY, request: get('/v1/analytics/trade') },
  'GET /v1/surplus': { expect: STAFF_READ, request: get('/v1/surplus') },
  'POST /v1/surplus/sweep': {
    expect: operatorWrite(201),
    request: () =>
      post('/v1/surplus/sweep', {
        id: newTransferId(),
        bank: 'vtb',
        amount: '1.00',
        instrument: 'treasury_bill',
        heldAt: 'sbi',
      }),
  },

  'POST /v1/trades': {
    expect: { none: 401, operator: 201, auditor: 403, owner: 201, foreign: 404 },
    request: (f) => post('/v1/trades', f.tradeBody()),
    notFound: 'participant_not_found',
  },
  'GET /v1/trades': { expect: ANY_KEY, request: get('/v1/trades') },
  'GET /v1/trades/:id': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/trades/${await f.ownTrade()}`)(),
    notFound: 'trade_not_found',
  },
  'POST /v1/trades/:id/agree': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/trades/${await f.ownTrade()}/agree`),
    notFound: 'trade_not_found',
  },
  'POST /v1/trades/:id/ship': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/trades/${await f.ownTrade('agreed')}/ship`),
    notFound: 'trade_not_found',
  },
  'POST /v1/trades/:id/cancel': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/trades/${await f.ownTrade()}/cancel`, { reason: 'matrix' }),
    notFound: 'trade_not_found',
  },
  // A documentary credit's presentation, by the exporter's side (sbi keeps the exporter).
  'POST /v1/trades/:id/presentations': {
    expect: { none: 401, operator: 201, auditor: 403, owner: 201, foreign: 404 },
    request: async (f) => {
      const { id, documents } = await f.ownCreditTrade();
      return post(`/v1/trades/${id}/presentations`, { id: newTransferId(), documents });
    },
    notFound: 'trade_not_found',
  },
  'GET /v1/trades/:id/presentations': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/trades/${(await f.ownCreditTrade()).id}/presentations`)(),
    notFound: 'trade_not_found',
  },
  'GET /v1/trades/:id/documents': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/trades/${(await f.ownCreditTrade()).id}/documents`)(),
    notFound: 'trade_not_found',
  },

  // Real signed documents of a trade sbi finances: vtb is no party to it.
  'POST /v1/documents': {
    expect: { none: 401, operator: 201, auditor: 403, owner: 201, foreign: 404 },
    request: (f) => post('/v1/documents', { ...f.ownDocument() }),
    notFound: 'trade_not_found',
  },
  'POST /v1/documents/verify': {
    expect: ANY_KEY,
    request: (f) => post('/v1/documents/verify', { ...f.ownDocument() }),
  },
  'GET /v1/documents/:hash': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/documents/${(await f.ownBillOfLading()).hash}`)(),
    notFound: 'document_not_found',
  },
  // Only the customs authority itself (and staff) lists what is addressed to it.
  'GET /v1/customs/:id/documents': {
    expect: { none: 401, operator: 200, auditor: 200, owner: 404, foreign: 404 },
    request: get('/v1/customs/customs-ru/documents'),
    notFound: 'participant_not_found',
  },
  'POST /v1/bills-of-lading/:hash/entries': {
    expect: { none: 401, operator: 201, auditor: 403, owner: 201, foreign: 404 },
    request: async (f) => {
      const { hash, issue } = await f.ownBillOfLading();
      return post(`/v1/bills-of-lading/${hash}/entries`, { ...issue });
    },
    notFound: 'document_not_found',
  },
  'GET /v1/bills-of-lading/:hash/entries': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/bills-of-lading/${(await f.ownBillOfLading()).hash}/entries`)(),
    notFound: 'document_not_found',
  },

  'POST /v1/issuers': {
    expect: operatorWrite(201),
    request: () =>
      post('/v1/issuers', {
        id: `insurer-${newAccountId().slice(-12)}`,
        name: 'Matrix Insurance',
        role: 'insurer',
        country: 'IN',
        documentTypes: ['insurance_certificate'],
      }),
  },
  'GET /v1/issuers': { expect: ANY_KEY, request: get('/v1/issuers') },
  'GET /v1/issuers/:id': {
    expect: ANY_KEY,
    request: async (f) => get(`/v1/issuers/${(await f.issuer()).id}`)(),
  },
  'POST /v1/issuers/:id/keys': {
    expect: operatorWrite(201),
    request: async (f) => post(`/v1/issuers/${(await f.issuer()).id}/keys`, f.publicKeyBody()),
  },
  'POST /v1/issuers/:id/keys/:keyId/revoke': {
    expect: operatorWrite(200),
    request: async (f) => {
      const { id, keyId } = await f.issuer(true);
      return post(`/v1/issuers/${id}/keys/${keyId ?? ''}/revoke`, { reason: 'matrix' });
    },
  },
  'GET /v1/register': { expect: ANY_KEY, request: get('/v1/register') },

  ...EVENT_ROWS,

  'GET /v1/routes': {
    expect: ANY_KEY,
    request: get('/v1/routes?from=INNSA&to=Moscow&date=2026-12-01'),
  },
  'GET /v1/corridors/compare': {
    expect: ANY_KEY,
    request: get('/v1/corridors/compare?from=INNSA&to=Moscow&date=2026-12-01'),
  },
  'GET /v1/corridors/network': {
    expect: ANY_KEY,
    request: get('/v1/corridors/network?date=2026-12-01'),
  },
};

/** The row that checks a route: its own, or its GET's for a HEAD route. */
function caseOf(method: string, url: string): Case | undefined {
  return TABLE[`${method} ${url}`] ?? (method === 'HEAD' ? TABLE[`GET ${url}`] : undefined);
}

describe('authorisation matrix: every route × every kind of caller', () => {
  let fixture: AccessFixture;
  before(async () => (fixture = await openAccessFixture()));
  after(async () => fixture.api.close());

  it('every registered route has a row in the table, and every row a route', () => {
    const registered = fixture.routes.map((route) => `${route.method} ${route.url}`);
    const missing = registered.filter(
      (route) =>
        caseOf(route.split(' ')[0] as string, route.slice(route.indexOf(' ') + 1)) === undefined,
    );
    assert.deepEqual(
      missing,
      [],
      `routes without a row in the authorisation table (decide who may call them, then add them): ${missing.join(', ')}`,
    );
    const stale = Object.keys(TABLE).filter((row) => !registered.includes(row));
    assert.deepEqual(stale, [], `rows for routes that do not exist: ${stale.join(', ')}`);
    for (const route of fixture.routes)
      assert.equal(
        policyProblem(route.config?.access),
        undefined,
        `${route.method} ${route.url} declares a valid policy`,
      );
  });

  it('answers each caller as the table says', async () => {
    const failures: string[] = [];
    for (const route of fixture.routes) {
      const row = caseOf(route.method, route.url);
      if (row === undefined) continue;
      for (const caller of CALLERS) {
        const request = {
          ...(await row.request(fixture)),
          method: route.method as InjectOptions['method'],
        };
        const response: Answer =
          row.stream === true
            ? await streamed(fixture, caller, request)
            : await fixture.as(caller, request);
        const expected = row.expect[caller];
        const label = `${route.method} ${route.url} as ${caller}`;
        if (response.statusCode !== expected) {
          failures.push(
            `${label}: ${response.statusCode}, expected ${expected} ${response.body.slice(0, 200)}`,
          );
          continue;
        }
        if (expected === 401)
          assert.match(
            String(response.headers['www-authenticate']),
            /^Bearer realm="vostro"/,
            `${label}: WWW-Authenticate`,
          );
        if (expected >= 400 && route.method !== 'HEAD')
          assert.equal(
            response.headers['content-type'],
            'application/problem+json; charset=utf-8',
            label,
          );
        if (expected === 404 && route.method !== 'HEAD')
          assert.equal(
            response.json()['code'],
            row.notFound,
            `${label}: the same code as for a resource that does not exist`,
          );
      }
    }
    assert.deepEqual(failures, []);
  });

  it("a foreign participant's 404 is word for word the answer for a resource that does not exist", async () => {
    const missingAccount = newAccountId();
    const pairs: [string, string][] = [
      [`/v1/accounts/${fixture.foreignAccount}`, `/v1/accounts/${missingAccount}`],
      [`/v1/accounts/${fixture.foreignAccount}/balance`, `/v1/accounts/${missingAccount}/balance`],
      [`/v1/transfers/${fixture.foreignTransfer}`, `/v1/transfers/${newTransferId()}`],
      ['/v1/participants/vtb', '/v1/participants/nobody'],
      [
        '/v1/participants/vtb/windows/INR-1/position',
        '/v1/participants/nobody/windows/INR-1/position',
      ],
    ];
    const strip = (body: Record<string, unknown>, id: string) =>
      JSON.stringify({ ...body, requestId: undefined, instance: undefined }).replaceAll(id, '<id>');
    for (const [foreign, missing] of pairs) {
      const seen = await fixture.as('owner', { method: 'GET', url: foreign });
      const absent = await fixture.as('owner', { method: 'GET', url: missing });
      assert.equal(seen.statusCode, 404);
      assert.equal(
        strip(seen.json(), foreign.split('/')[3] as string),
        strip(absent.json(), missing.split('/')[3] as string),
      );
    }
    const foreignKey = await fixture.as('owner', {
      method: 'POST',
      url: `/v1/keys/${fixture.keyIds.foreign}/revoke`,
    });
    const absentKey = await fixture.as('owner', {
      method: 'POST',
      url: '/v1/keys/0000000000000000/revoke',
    });
    assert.equal(foreignKey.json()['code'], absentKey.json()['code']);
    assert.equal(foreignKey.statusCode, 404);
  });

  it('a participant key lists only its own accounts, and sees transfers that touch them on either side', async () => {
    const own = await fixture.as('owner', { method: 'GET', url: '/v1/accounts' });
    assert.equal(own.statusCode, 200);
    const owners = new Set(own.json()['data'].map((account: { owner: string }) => account.owner));
    assert.deepEqual([...owners], ['sbi']);
    const all = await fixture.as('auditor', { method: 'GET', url: '/v1/accounts' });
    assert.ok(all.json()['data'].length > own.json()['data'].length, "the auditor sees everyone's");
    const history = await fixture.as('owner', {
      method: 'GET',
      url: `/v1/accounts/${fixture.ownAccount}/transfers`,
    });
    const credited = history.json<{ data: { id: string }[] }>().data;
    assert.ok(
      credited.some((transfer) => transfer.id === fixture.ownTransfer),
      'the transfer credited to sbi',
    );
    const refused = await fixture.as('foreign', {
      method: 'GET',
      url: `/v1/accounts/${fixture.ownAccount}/transfers`,
    });
    assert.equal(refused.statusCode, 404);
  });

  it('a participant key can never move money through the raw ledger routes, not even from its own account', async () => {
    const counts = await fixture.api.store.counts();
    for (const caller of ['owner', 'foreign', 'auditor'] as const) {
      const response = await fixture.as(caller, {
        method: 'POST',
        url: '/v1/transfers',
        payload: transferBody(fixture.ownAccount, fixture.foreignAccount),
      });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json()['code'], 'forbidden');
    }
    assert.deepEqual(await fixture.api.store.counts(), counts);
  });

  it('refuses malformed, unknown, wrong-secret and revoked keys with 401 before looking at the request', async () => {
    const [, keyId] = /^vostro_([0-9a-f]{16})_(.+)$/.exec(fixture.keys.owner) ?? assert.fail();
    const cases: [string | undefined, string][] = [
      [undefined, 'missing_credentials'],
      ['Basic dXNlcjpwYXNz', 'invalid_credentials'],
      ['Bearer', 'invalid_credentials'],
      ['Bearer not-a-key', 'invalid_credentials'],
      [`Bearer vostro_${keyId}_${'A'.repeat(43)}`, 'invalid_credentials'],
      [`Bearer vostro_ffffffffffffffff_${'A'.repeat(43)}`, 'invalid_credentials'],
      [`Bearer ${fixture.keys.owner}x`, 'invalid_credentials'],
    ];
    for (const [header, code] of cases) {
      const response = await fixture.api.call({
        method: 'POST',
        url: '/v1/transfers',
        headers: header === undefined ? {} : { authorization: header },
        payload: { not: 'even valid' },
        key: null,
      });
      assert.equal(response.statusCode, 401, `${header}: ${response.body}`);
      assert.equal(response.json()['code'], code, String(header));
    }
    const lowerCase = await fixture.api.call({
      method: 'GET',
      url: '/v1/verify',
      headers: { authorization: `bearer ${fixture.keys.auditor}` },
      key: null,
    });
    assert.equal(lowerCase.statusCode, 200, 'the scheme name is case-insensitive');
    const spare = await fixture.api.keys.issue(
      { role: 'auditor' },
      { id: 'cli', role: 'operator' },
    );
    assert.equal(
      (await fixture.api.call({ method: 'GET', url: '/v1/verify', key: spare.key })).statusCode,
      200,
    );
    await fixture.api.call({ method: 'POST', url: `/v1/keys/${spare.info.keyId}/revoke` });
    const revoked = await fixture.api.call({ method: 'GET', url: '/v1/verify', key: spare.key });
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.json()['code'], 'key_revoked');
    assert.match(String(revoked.headers['www-authenticate']), /error="invalid_token"/);
  });
});

describe('route policies', () => {
  it('a route without a policy, or with a malformed one, stops the server from starting', async () => {
    const bad: unknown[] = [
      undefined,
      'read',
      { roles: [] },
      { roles: ['admin'] },
      { roles: ['participant'] },
      { roles: ['operator'], scope: 'account' },
      { public: false },
      { public: true, roles: ['operator'] },
      { roles: ['participant'], scope: 'everything' },
    ];
    for (const access of bad) {
      const app = Fastify();
      checkRoutePolicies(app);
      await assert.rejects(
        async () => {
          app.get(
            '/v1/new',
            { config: access === undefined ? {} : { access: access as never } },
            async () => 'unguarded',
          );
          await app.ready();
        },
        /access policy|roles|scope|public|policy/,
        JSON.stringify(access),
      );
      await app.close();
    }
    for (const access of [
      { public: true },
      { roles: ['operator'] },
      { roles: ['operator', 'auditor', 'participant'], scope: 'account' },
    ])
      assert.equal(policyProblem(access), undefined);
  });
});
