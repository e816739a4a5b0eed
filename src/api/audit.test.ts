import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { CLI_ACTOR } from '../domain/actor.js';
import { newAccountId, newTransferId, type AccountId } from '../ledger/ids.js';
import { participantAccountId } from '../participants/accounts.js';
import type { StoredAuditEntry } from '../store/records.js';
import { EVENT_AUDIT_CASES } from './access-events.test-helper.js';
import { pathPart, type AuditCase } from './access-matrix.test-helper.js';
import { openAccessFixture, type AccessFixture, type Caller } from './access.test-helper.js';
import { accountBody, transferBody } from './api.test-helper.js';

/**
 * The audit log: every route that changes something writes exactly one entry, in the same
 * transaction as the change, naming the actor, its role, the key id and the request id; a request
 * refused before it reaches the ledger or the registry (no key, wrong role, foreign resource,
 * invalid body) writes none. As in the authorisation test, every mutating route of the route
 * table must have a row here.
 */
const bodyId = (request: InjectOptions): string =>
  String((request.payload as Record<string, unknown>)['id']);
const CASES: Readonly<Record<string, AuditCase>> = {
  'POST /v1/accounts': {
    request: () => ({ method: 'POST', url: '/v1/accounts', payload: accountBody() }),
    action: 'accounts.create',
    target: bodyId,
    badBody: { id: 'x' },
  },
  'POST /v1/accounts/batch': {
    request: () => ({
      method: 'POST',
      url: '/v1/accounts/batch',
      payload: { accounts: [accountBody(), accountBody()] },
    }),
    action: 'accounts.create_batch',
    badBody: { accounts: [] },
  },
  'POST /v1/transfers': {
    request: (f) => ({
      method: 'POST',
      url: '/v1/transfers',
      payload: transferBody(f.funding, f.ownAccount),
    }),
    action: 'transfers.create',
    target: bodyId,
    badBody: { amount: 1 },
  },
  'POST /v1/transfers/batch': {
    request: (f) => ({
      method: 'POST',
      url: '/v1/transfers/batch',
      payload: { transfers: [transferBody(f.funding, f.ownAccount)] },
    }),
    action: 'transfers.create_batch',
    badBody: { transfers: 'all' },
  },
  'POST /v1/transfers/:id/post': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/transfers/${await f.pending()}/post`,
      payload: { id: newTransferId(), amount: '1.00' },
    }),
    action: 'transfers.post',
    target: bodyId,
    badBody: { id: 'x' },
  },
  'POST /v1/transfers/:id/void': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/transfers/${await f.pending()}/void`,
      payload: { id: newTransferId() },
    }),
    action: 'transfers.void',
    target: bodyId,
    badBody: {},
  },
  'POST /v1/participants': {
    request: () => ({
      method: 'POST',
      url: '/v1/participants',
      payload: {
        id: `p-${Math.random().toString(36).slice(2, 10)}`,
        name: 'Audited Bank',
        kind: 'bank',
        country: 'RU',
        currencies: ['RUB'],
      },
    }),
    action: 'participants.create',
    target: bodyId,
    badBody: { id: 'Bad Id' },
  },
  'PATCH /v1/participants/:id': {
    request: () => ({
      method: 'PATCH',
      url: '/v1/participants/spare',
      payload: { bic: `${newAccountId().slice(-4).toUpperCase()}INBB` },
    }),
    action: 'participants.set_bic',
    target: pathPart(3),
    badBody: { bic: 'nope' },
  },
  'POST /v1/accounts/:id/identifiers': {
    request: (f) => ({
      method: 'POST',
      url: `/v1/accounts/${f.ownAccount}/identifiers`,
      payload: { other: `A-${newAccountId().slice(-12)}` },
    }),
    action: 'accounts.identifiers.add',
    target: pathPart(3),
    owner: true,
    badBody: { iban: 'DE00' },
  },
  'DELETE /v1/accounts/:id/identifiers/:identifier': {
    request: async (f) => {
      const other = `A-${newAccountId().slice(-12)}`;
      await f.api.participants.addAccountIdentifier(
        f.ownAccount as AccountId,
        { other },
        CLI_ACTOR,
      );
      return { method: 'DELETE', url: `/v1/accounts/${f.ownAccount}/identifiers/${other}` };
    },
    action: 'accounts.identifiers.remove',
    target: pathPart(3),
    owner: true,
  },
  'POST /v1/participants/:id/accounts': {
    request: () => ({
      method: 'POST',
      url: '/v1/participants/sbi/accounts',
      payload: { role: 'suspense', currency: 'INR' },
    }),
    action: 'accounts.open',
    badBody: { role: 'customer', currency: 'INR' },
  },
  'POST /v1/participants/:id/suspend': {
    request: () => ({ method: 'POST', url: '/v1/participants/spare/suspend' }),
    action: 'participants.suspend',
    target: pathPart(3),
  },
  'POST /v1/participants/:id/activate': {
    request: () => ({ method: 'POST', url: '/v1/participants/spare/activate' }),
    action: 'participants.activate',
    target: pathPart(3),
  },
  'POST /v1/participants/:id/keys': {
    request: () => ({
      method: 'POST',
      url: '/v1/participants/sbi/keys',
      payload: { label: 'audit' },
    }),
    action: 'keys.issue',
    badBody: { role: 'operator' },
  },
  'POST /v1/keys': {
    request: () => ({ method: 'POST', url: '/v1/keys', payload: { role: 'auditor' } }),
    action: 'keys.issue',
    badBody: { role: 'participant' },
  },
  'POST /v1/keys/:keyId/rotate': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/keys/${await f.ownSpareKeyId()}/rotate`,
      payload: { graceSeconds: 60 },
    }),
    action: 'keys.rotate',
    target: pathPart(3),
    owner: true,
    badBody: { graceSeconds: -1 },
  },
  'POST /v1/keys/:keyId/revoke': {
    request: async (f) => ({ method: 'POST', url: `/v1/keys/${await f.ownSpareKeyId()}/revoke` }),
    action: 'keys.revoke',
    target: pathPart(3),
    owner: true,
  },

  'POST /v1/payments': {
    request: (f) => ({
      method: 'POST',
      url: '/v1/payments',
      payload: {
        id: newTransferId(),
        payer: f.ownAccount,
        payee: f.foreignAccount,
        amount: '1.00',
      },
    }),
    action: 'payments.create',
    target: bodyId,
    owner: true,
    badBody: { amount: 1 },
  },
  'POST /v1/payments/:id/post': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/payments/${await f.pendingPayment()}/post`,
    }),
    action: 'payments.post',
    target: pathPart(3),
    owner: true,
  },
  'POST /v1/payments/:id/void': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/payments/${await f.pendingPayment()}/void`,
    }),
    action: 'payments.void',
    target: pathPart(3),
    owner: true,
  },
  'POST /v1/payments/fund': {
    request: (f) => ({
      method: 'POST',
      url: '/v1/payments/fund',
      payload: { id: newTransferId(), account: f.ownAccount, amount: '1.00' },
    }),
    action: 'payments.fund',
    target: bodyId,
    badBody: { amount: '-1' },
  },
  'PUT /v1/participants/:id/caps/:currency': {
    request: () => ({
      method: 'PUT',
      url: '/v1/participants/sbi/caps/INR',
      payload: { cap: '1000000.00' },
    }),
    action: 'caps.set',
    target: pathPart(3),
    badBody: { cap: 5 },
  },
  'POST /v1/windows/close': {
    request: () => ({ method: 'POST', url: '/v1/windows/close', payload: { currency: 'RUB' } }),
    action: 'windows.close',
    badBody: { currency: 'XXX' },
  },
  'POST /v1/windows/:id/settle': {
    request: async (f) => ({ method: 'POST', url: `/v1/windows/${await f.closedWindow()}/settle` }),
    action: 'windows.settle',
  },
  'PUT /v1/fx/rates': {
    request: () => ({
      method: 'PUT',
      url: '/v1/fx/rates',
      payload: { source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-21' },
    }),
    action: 'fx.rates.set',
    badBody: { rate: 1.07 },
  },
  'POST /v1/fx/rates/import': {
    request: () => ({
      method: 'POST',
      url: '/v1/fx/rates/import',
      payload: { csv: 'date,source,target,rate\n2026-11-19,INR,RUB,1.0701\n' },
    }),
    action: 'fx.rates.import',
    badBody: { csv: 7 },
  },
  'PUT /v1/fx/spreads': {
    request: () => ({
      method: 'PUT',
      url: '/v1/fx/spreads',
      payload: { provider: 'fxp', source: 'INR', target: 'RUB', spreadBps: 25 },
    }),
    action: 'fx.spreads.set',
    badBody: { spreadBps: -1 },
  },
  'POST /v1/fx/quotes': {
    request: () => ({
      method: 'POST',
      url: '/v1/fx/quotes',
      payload: { provider: 'fxp', source: 'INR', target: 'RUB', fixed: 'source', amount: '10.00' },
    }),
    action: 'fx.quotes.create',
    owner: true,
    anyParticipant: true,
    badBody: { amount: '1e3' },
  },
  'POST /v1/fx/quotes/:id/execute': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/fx/quotes/${await f.ownQuote()}/execute`,
      payload: { payer: f.ownAccount, payee: participantAccountId('fxp', 'RUB', 'settlement') },
    }),
    action: 'fx.quotes.execute',
    target: pathPart(4),
    owner: true,
    badBody: { payer: 'x' },
  },
  'POST /v1/fx/quotes/:id/post': {
    request: async (f) => ({ method: 'POST', url: `/v1/fx/quotes/${await f.ownQuote(true)}/post` }),
    action: 'fx.quotes.post',
    target: pathPart(4),
    owner: true,
  },
  'POST /v1/fx/quotes/:id/void': {
    request: async (f) => ({ method: 'POST', url: `/v1/fx/quotes/${await f.ownQuote(true)}/void` }),
    action: 'fx.quotes.void',
    target: pathPart(4),
    owner: true,
  },
  'PUT /v1/fx/providers/:id/quote-lifetime': {
    request: () => ({
      method: 'PUT',
      url: '/v1/fx/providers/fxp/quote-lifetime',
      payload: { maxTtlSeconds: 300 },
    }),
    action: 'fx.providers.quote_lifetime',
    target: pathPart(4),
    badBody: { maxTtlSeconds: 0 },
  },
  'POST /v1/trades': {
    request: (f) => ({ method: 'POST', url: '/v1/trades', payload: f.tradeBody() }),
    action: 'trades.create',
    target: bodyId,
    owner: true,
    badBody: { lines: [] },
  },
  'POST /v1/trades/:id/agree': {
    request: async (f) => ({ method: 'POST', url: `/v1/trades/${await f.ownTrade()}/agree` }),
    action: 'trades.agree',
    target: pathPart(3),
    owner: true,
  },
  'POST /v1/trades/:id/ship': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/trades/${await f.ownTrade('agreed')}/ship`,
    }),
    action: 'trades.ship',
    target: pathPart(3),
    owner: true,
  },
  'POST /v1/trades/:id/cancel': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/trades/${await f.ownTrade()}/cancel`,
      payload: { reason: 'audit' },
    }),
    action: 'trades.cancel',
    target: pathPart(3),
    owner: true,
    badBody: { reason: '' },
  },
  'POST /v1/trades/:id/presentations': {
    request: async (f) => {
      const { id, documents } = await f.ownCreditTrade();
      return {
        method: 'POST',
        url: `/v1/trades/${id}/presentations`,
        payload: { id: newTransferId(), documents },
      };
    },
    action: 'presentations.create',
    before: ['payments.post'],
    target: bodyId,
    owner: true,
    badBody: { id: newTransferId(), documents: [] },
  },
  'POST /v1/documents': {
    request: (f) => ({ method: 'POST', url: '/v1/documents', payload: { ...f.ownDocument() } }),
    action: 'documents.submit',
    target: (request) => String((request.payload as Record<string, unknown>)['hash']),
    owner: true,
    badBody: { format: 'vostro-document/1', content: { type: 'memo' } },
  },
  'POST /v1/bills-of-lading/:hash/entries': {
    request: async (f) => {
      const { hash, issue } = await f.ownBillOfLading();
      return { method: 'POST', url: `/v1/bills-of-lading/${hash}/entries`, payload: { ...issue } };
    },
    action: 'titles.transfer',
    target: pathPart(3),
    owner: true,
    badBody: { content: {} },
  },
  'POST /v1/issuers': {
    request: () => ({
      method: 'POST',
      url: '/v1/issuers',
      payload: {
        id: `insurer-${Math.random().toString(36).slice(2, 10)}`,
        name: 'Audited Insurance',
        role: 'insurer',
        country: 'RU',
        documentTypes: ['insurance_certificate'],
      },
    }),
    action: 'issuers.create',
    target: bodyId,
    badBody: { id: 'Bad Id' },
  },
  'POST /v1/issuers/:id/keys': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/issuers/${(await f.issuer()).id}/keys`,
      payload: f.publicKeyBody(),
    }),
    action: 'issuers.keys.add',
    target: pathPart(3),
    badBody: { publicKey: { algorithm: 'ML-DSA-65+Ed25519', mlDsa65: 'AAAA', ed25519: 'AAAA' } },
  },
  'POST /v1/issuers/:id/keys/:keyId/revoke': {
    request: async (f) => {
      const { id, keyId } = await f.issuer(true);
      return {
        method: 'POST',
        url: `/v1/issuers/${id}/keys/${keyId ?? ''}/revoke`,
        payload: { reason: 'audit' },
      };
    },
    action: 'issuers.keys.revoke',
    target: pathPart(3),
    badBody: {},
  },
  ...EVENT_AUDIT_CASES,
  'POST /v1/surplus/sweep': {
    request: () => ({
      method: 'POST',
      url: '/v1/surplus/sweep',
      payload: {
        id: newTransferId(),
        bank: 'vtb',
        amount: '1.00',
        instrument: 'government_security',
        heldAt: 'sbi',
      },
    }),
    action: 'surplus.sweep',
    target: bodyId,
    badBody: { instrument: 'gold' },
  },
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Routes of a mutating method that change nothing, and so write no entry: each says why. */
const CHANGE_NOTHING: Readonly<
  Record<
    string,
    { readonly request: (fixture: AccessFixture) => InjectOptions; readonly why: string }
  >
> = {
  'POST /v1/verify/runs': {
    request: () => ({ method: 'POST', url: '/v1/verify/runs' }),
    why: 'starts a verification, which only reads (a snapshot, on a worker thread)',
  },
  'POST /v1/documents/verify': {
    request: (f) => ({
      method: 'POST',
      url: '/v1/documents/verify',
      payload: { ...f.ownDocument() },
    }),
    why: 'verifies a document without storing it',
  },
};

describe('audit log', () => {
  let fixture: AccessFixture;
  before(async () => (fixture = await openAccessFixture()));
  after(async () => fixture.api.close());

  const entriesAfter = async (seq: bigint): Promise<StoredAuditEntry[]> =>
    fixture.api.store.auditEntries({ afterSeq: seq, limit: 1000 });
  const lastSeq = async (): Promise<bigint> => {
    const all = await fixture.api.store.auditEntries({ limit: 100_000 });
    return all.at(-1)?.seq ?? 0n;
  };
  let counter = 0;

  /** Sends the request and returns the audit entries it wrote. */
  async function audited(
    caller: Caller,
    request: InjectOptions,
  ): Promise<{ status: number; entries: StoredAuditEntry[]; requestId: string }> {
    const requestId = `audit-test-${++counter}`;
    const seq = await lastSeq();
    const response = await fixture.as(caller, {
      ...request,
      headers: { ...(request.headers ?? {}), 'x-request-id': requestId },
    });
    return { status: response.statusCode, entries: await entriesAfter(seq), requestId };
  }

  it('every mutating route has a row here', () => {
    const mutating = [
      ...new Set(
        fixture.routes
          .filter((route) => MUTATING.has(route.method))
          .map((route) => `${route.method} ${route.url}`),
      ),
    ];
    assert.deepEqual(
      mutating.filter((route) => CASES[route] === undefined && CHANGE_NOTHING[route] === undefined),
      [],
      'mutating routes without an audit case',
    );
    assert.deepEqual(
      [...Object.keys(CASES), ...Object.keys(CHANGE_NOTHING)].filter(
        (row) => !mutating.includes(row),
      ),
      [],
      'audit cases for routes that do not exist',
    );
  });

  it('a route that changes nothing writes nothing', async () => {
    for (const [route, row] of Object.entries(CHANGE_NOTHING)) {
      const { status, entries } = await audited('operator', row.request(fixture));
      assert.ok(status >= 200 && status < 300, `${route}: ${status}`);
      assert.deepEqual(entries, [], `${route} ${row.why}, yet wrote an audit entry`);
    }
  });

  it('each mutation writes exactly one entry (and those of the changes it makes through other services): actor, role, key id, request id, action, target', async () => {
    for (const [route, row] of Object.entries(CASES)) {
      const callers: Caller[] = row.owner === true ? ['operator', 'owner'] : ['operator'];
      for (const caller of callers) {
        const request = await row.request(fixture);
        const { status, entries, requestId } = await audited(caller, request);
        assert.ok(status >= 200 && status < 300, `${route} as ${caller}: ${status}`);
        assert.deepEqual(
          entries.map((written) => written.action),
          [...(row.before ?? []), row.action],
          `${route} as ${caller} wrote ${entries.length} entries: ${JSON.stringify(entries, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
        );
        for (const written of entries) {
          assert.equal(written.requestId, requestId, route);
          assert.equal(
            written.keyId,
            caller === 'operator' ? fixture.keyIds.operator : fixture.keyIds.owner,
            route,
          );
          assert.equal(written.role, caller === 'operator' ? 'operator' : 'participant', route);
          assert.equal(written.actor, caller === 'operator' ? 'operator' : 'sbi', route);
          assert.equal(written.at, entries[0]?.at, `${route}: one transaction`);
        }
        const entry = entries.at(-1) as StoredAuditEntry;
        if (row.target !== undefined)
          assert.equal(entry.target, row.target(request).toLowerCase(), route);
        assert.ok(
          !JSON.stringify(entry.detail).includes('vostro_'),
          `${route}: no key text in the audit detail`,
        );
      }
    }
  });

  it('a request refused before the change (no key, wrong role, foreign resource, invalid body) writes nothing', async () => {
    for (const [route, row] of Object.entries(CASES)) {
      const refusals: [Caller, InjectOptions][] = [];
      for (const caller of ['none', 'auditor', 'foreign'] as const) {
        if (caller !== 'foreign' || row.anyParticipant !== true)
          refusals.push([caller, await row.request(fixture)]);
      }
      if (row.owner !== true) refusals.push(['owner', await row.request(fixture)]);
      if (row.badBody !== undefined)
        refusals.push(['operator', { ...(await row.request(fixture)), payload: row.badBody }]);
      for (const [caller, request] of refusals) {
        const { status, entries } = await audited(caller, request);
        assert.ok(status >= 400 && status < 500, `${route} as ${caller}: ${status}`);
        assert.deepEqual(entries, [], `${route} as ${caller} (${status}) wrote an audit entry`);
      }
    }
  });

  it('concurrent single transfers share group-commit transactions, and each request still has its own entry', async () => {
    const seq = await lastSeq();
    const bodies = Array.from({ length: 50 }, () =>
      transferBody(fixture.funding, fixture.ownAccount),
    );
    const responses = await Promise.all(
      bodies.map((body, index) =>
        fixture.as('operator', {
          method: 'POST',
          url: '/v1/transfers',
          payload: body,
          headers: { 'x-request-id': `group-${index}` },
        }),
      ),
    );
    assert.ok(responses.every((response) => response.statusCode === 201));
    const entries = await entriesAfter(seq);
    assert.equal(entries.length, 50);
    const byRequest = new Map(entries.map((entry) => [entry.requestId, entry.target]));
    bodies.forEach((body, index) =>
      assert.equal(byRequest.get(`group-${index}`), body['id'], `request group-${index}`),
    );
  });

  it('a hub operation refused by its rules writes nothing; a ledger write is logged as an attempt whatever the ledger answers', async () => {
    const duplicate = await audited('operator', {
      method: 'POST',
      url: '/v1/participants',
      payload: { id: 'sbi', name: 'Again', kind: 'bank', country: 'IN', currencies: ['INR'] },
    });
    assert.equal(duplicate.status, 409);
    assert.deepEqual(duplicate.entries, []);
    const overdraft = await audited('operator', {
      method: 'POST',
      url: '/v1/transfers',
      payload: transferBody(fixture.ownAccount, fixture.foreignAccount, { amount: '90000000.00' }),
    });
    assert.equal(overdraft.status, 422);
    assert.deepEqual(
      overdraft.entries.map((entry) => entry.action),
      ['transfers.create'],
    );
  });

  it('the operator and the auditor read the log a page at a time, filtered by actor; participants may not', async () => {
    for (const caller of ['operator', 'auditor'] as const) {
      const first = await fixture.as(caller, { method: 'GET', url: '/v1/audit?limit=2' });
      assert.equal(first.statusCode, 200);
      const page = first.json();
      assert.equal(page['data'].length, 2);
      assert.ok(page['next'] !== null);
      const second = (
        await fixture.as(caller, { method: 'GET', url: `/v1/audit?limit=2&after=${page['next']}` })
      ).json();
      assert.ok(
        BigInt(second['data'][0]['seq']) > BigInt(page['data'][1]['seq']),
        'the next page continues after the cursor',
      );
      const sbi = (
        await fixture.as(caller, { method: 'GET', url: '/v1/audit?actor=sbi&limit=1000' })
      ).json();
      assert.ok(
        sbi['data'].length > 0 &&
          sbi['data'].every(
            (entry: { actor: string; role: string }) =>
              entry.actor === 'sbi' && entry.role === 'participant',
          ),
      );
    }
    assert.equal((await fixture.as('owner', { method: 'GET', url: '/v1/audit' })).statusCode, 403);
  });
});
