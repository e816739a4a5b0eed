import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { startWebhookDispatcher } from '../events/dispatcher.js';
import { appendEvents, FAST, Receiver, until } from '../events/events.test-helper.js';
import { inboundMessage } from '../iso20022/messages.test-helper.js';
import type { AccessFixture } from './access.test-helper.js';
import {
  ANY_KEY,
  get,
  operatorWrite,
  OWN_READ,
  post,
  pathPart,
  type AuditCase,
  type Case,
} from './access-matrix.test-helper.js';

/**
 * The ISO 20022 and webhook resources of the authorisation and audit tests, over the access
 * fixture: sbi (the owner, BIC SBININBB) pays vtb (the foreign participant, VTBRRUMM); webhook
 * endpoints of sbi's in each state.
 */
export const OWNER_BIC = 'SBININBB';
export const FOREIGN_BIC = 'VTBRRUMM';

const hex = (id: string): string => id.replaceAll('-', '');

/** A new pacs.008 from sbi's settlement account to vtb's, sent by sbi: 1.00 INR. */
export function isoMessage(f: AccessFixture): string {
  return inboundMessage({
    msgId: `AUTHZ-${randomUUID().slice(0, 12)}`,
    instructingAgentBic: OWNER_BIC,
    instructedAgentBic: FOREIGN_BIC,
    transactions: [
      {
        uetr: randomUUID(),
        amount: '1.00',
        debtorAccount: { other: hex(f.ownAccount) },
        debtorAgentBic: OWNER_BIC,
        creditorAccount: { other: hex(f.foreignAccount) },
        creditorAgentBic: FOREIGN_BIC,
      },
    ],
  });
}

/** POST /v1/iso20022/messages with a new message of sbi's. */
export function submitRequest(f: AccessFixture): InjectOptions {
  return {
    method: 'POST',
    url: '/v1/iso20022/messages',
    headers: { 'content-type': 'application/xml' },
    payload: isoMessage(f),
  };
}

/** A message sbi submitted (by the operator's key), paid; its stored id. */
export async function ownIsoMessage(f: AccessFixture): Promise<string> {
  const response = await f.api.call(submitRequest(f));
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers['vostro-group-status'], 'ACSC', response.body);
  return String(response.headers['vostro-message-id']);
}

/**
 * A new webhook endpoint of sbi's, in the state asked for: `pending_approval` (registered by sbi's
 * key), `active` (by the operator) or `disabled`.
 */
export async function ownWebhook(
  f: AccessFixture,
  status: 'pending_approval' | 'active' | 'disabled' = 'active',
  url = 'http://127.0.0.1:9/hooks',
): Promise<string> {
  const byOwner = status === 'pending_approval';
  const created = await f.api.call({
    method: 'POST',
    url: '/v1/webhooks',
    payload: byOwner ? { url } : { participant: 'sbi', url },
    key: byOwner ? f.keys.owner : f.api.operatorKey,
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = String(created.json()['endpoint']['id']);
  if (status === 'disabled') {
    const disabled = await f.api.call({ method: 'POST', url: `/v1/webhooks/${id}/disable` });
    assert.equal(disabled.statusCode, 200, disabled.body);
  }
  return id;
}

const delivered = new WeakMap<AccessFixture, Promise<{ endpoint: string; delivery: string }>>();

/**
 * An endpoint of sbi's with one delivery made: to a receiver on 127.0.0.1, by a dispatcher run
 * just for it (the fixture's server does not listen, so it delivers nothing itself). Made once.
 */
export async function ownDelivery(
  f: AccessFixture,
): Promise<{ endpoint: string; delivery: string }> {
  const made = delivered.get(f) ?? deliver(f);
  delivered.set(f, made);
  return made;
}

async function deliver(f: AccessFixture): Promise<{ endpoint: string; delivery: string }> {
  const receiver = await Receiver.start();
  const dispatcher = startWebhookDispatcher({ ledger: f.api.ledger }, FAST);
  try {
    const endpoint = await ownWebhook(f, 'active', receiver.url);
    await appendEvents(f.api.ledger, [{ type: 'payment.refused', participants: ['sbi'] }]);
    let delivery: string | undefined;
    await until(async () => {
      const page = await f.api.call({ method: 'GET', url: `/v1/webhooks/${endpoint}/deliveries` });
      delivery = (page.json()['data'] as { id: string; status: string }[]).find(
        (candidate) => candidate.status === 'delivered',
      )?.id;
      return delivery !== undefined;
    }, 'a delivery');
    return { endpoint, delivery: delivery ?? '' };
  } finally {
    await dispatcher.stop();
    await receiver.close();
  }
}

/** The matrix's rows of the ISO 20022, event and webhook routes (src/api/authorization.test.ts). */
export const EVENT_ROWS: Readonly<Record<string, Case>> = {
  'POST /v1/iso20022/messages': {
    // vtb submitting a message whose instructing agent is sbi: 403, whatever it holds.
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 403 },
    request: (f) => submitRequest(f),
  },
  'GET /v1/iso20022/messages/:id': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/iso20022/messages/${await ownIsoMessage(f)}`)(),
    notFound: 'message_not_found',
  },
  'GET /v1/iso20022/accounts/:id/statement': {
    expect: OWN_READ,
    request: (f) =>
      get(
        `/v1/iso20022/accounts/${f.ownAccount}/statement?date=${new Date().toISOString().slice(0, 10)}`,
      )(),
    notFound: 'account_not_found',
  },
  'GET /v1/iso20022/accounts/:id/notifications': {
    expect: OWN_READ,
    request: (f) => get(`/v1/iso20022/accounts/${f.ownAccount}/notifications`)(),
    notFound: 'account_not_found',
  },

  'GET /v1/events': { expect: ANY_KEY, request: get('/v1/events') },
  // A stream does not end: its status and headers are read over a real connection.
  'GET /v1/events/stream': { expect: ANY_KEY, request: get('/v1/events/stream'), stream: true },

  'POST /v1/webhooks': {
    // vtb registering for sbi: 403, as for any participant naming another.
    expect: { none: 401, operator: 201, auditor: 403, owner: 201, foreign: 403 },
    request: () => post('/v1/webhooks', { participant: 'sbi', url: 'http://127.0.0.1:9/matrix' }),
  },
  'GET /v1/webhooks': { expect: ANY_KEY, request: get('/v1/webhooks') },
  'GET /v1/webhooks/:id': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/webhooks/${await ownWebhook(f)}`)(),
    notFound: 'webhook_not_found',
  },
  'DELETE /v1/webhooks/:id': {
    expect: { none: 401, operator: 204, auditor: 403, owner: 204, foreign: 404 },
    request: async (f) => ({ method: 'DELETE', url: `/v1/webhooks/${await ownWebhook(f)}` }),
    notFound: 'webhook_not_found',
  },
  'POST /v1/webhooks/:id/approve': {
    expect: operatorWrite(200),
    request: async (f) => post(`/v1/webhooks/${await ownWebhook(f, 'pending_approval')}/approve`),
  },
  'POST /v1/webhooks/:id/disable': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/webhooks/${await ownWebhook(f)}/disable`),
    notFound: 'webhook_not_found',
  },
  'POST /v1/webhooks/:id/replay': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/webhooks/${await ownWebhook(f, 'disabled')}/replay`, {}),
    notFound: 'webhook_not_found',
  },
  'POST /v1/webhooks/:id/rotate-secret': {
    expect: { none: 401, operator: 200, auditor: 403, owner: 200, foreign: 404 },
    request: async (f) => post(`/v1/webhooks/${await ownWebhook(f)}/rotate-secret`),
    notFound: 'webhook_not_found',
  },
  'GET /v1/webhooks/:id/deliveries': {
    expect: OWN_READ,
    request: async (f) => get(`/v1/webhooks/${(await ownDelivery(f)).endpoint}/deliveries`)(),
    notFound: 'webhook_not_found',
  },
  'GET /v1/webhooks/:id/deliveries/:deliveryId/attempts': {
    expect: OWN_READ,
    request: async (f) => {
      const { endpoint, delivery } = await ownDelivery(f);
      return get(`/v1/webhooks/${endpoint}/deliveries/${delivery}/attempts`)();
    },
    notFound: 'webhook_not_found',
  },
};

/** The audit test's rows of the ISO 20022 and webhook routes (src/api/audit.test.ts). */
export const EVENT_AUDIT_CASES: Readonly<Record<string, AuditCase>> = {
  'POST /v1/iso20022/messages': {
    request: (f) => submitRequest(f),
    // Its payment, then the message (target: <instructing BIC>:<MsgId>, upper case as sent).
    before: ['payments.create'],
    action: 'iso20022.submit',
    owner: true,
    badBody: { not: 'xml' },
  },
  'POST /v1/webhooks': {
    request: () => ({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { participant: 'sbi', url: 'http://127.0.0.1:9/audit' },
    }),
    action: 'webhooks.register',
    owner: true,
    badBody: { participant: 'sbi', url: 'ftp://127.0.0.1/audit' },
  },
  'DELETE /v1/webhooks/:id': {
    request: async (f) => ({ method: 'DELETE', url: `/v1/webhooks/${await ownWebhook(f)}` }),
    action: 'webhooks.remove',
    target: pathPart(3),
    owner: true,
  },
  'POST /v1/webhooks/:id/approve': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/webhooks/${await ownWebhook(f, 'pending_approval')}/approve`,
    }),
    action: 'webhooks.approve',
    target: pathPart(3),
  },
  'POST /v1/webhooks/:id/disable': {
    request: async (f) => ({ method: 'POST', url: `/v1/webhooks/${await ownWebhook(f)}/disable` }),
    action: 'webhooks.disable',
    target: pathPart(3),
    owner: true,
  },
  'POST /v1/webhooks/:id/replay': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/webhooks/${await ownWebhook(f, 'disabled')}/replay`,
      payload: {},
    }),
    action: 'webhooks.replay',
    target: pathPart(3),
    owner: true,
    badBody: { fromSeq: 'first' },
  },
  'POST /v1/webhooks/:id/rotate-secret': {
    request: async (f) => ({
      method: 'POST',
      url: `/v1/webhooks/${await ownWebhook(f)}/rotate-secret`,
    }),
    action: 'webhooks.rotate_secret',
    target: pathPart(3),
    owner: true,
  },
};
