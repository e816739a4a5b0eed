import assert from 'node:assert/strict';
import type { InjectOptions, RouteOptions } from 'fastify';
import { CLI_ACTOR } from '../domain/actor.js';
import { signTitleEntry, type SignedTitleEntry } from '../documents/bill-of-lading.js';
import { signDocument, type SignedDocument } from '../documents/envelope.js';
import { generateKeyPair, type SigningKeyPair } from '../documents/signature.js';
import type {
  BillOfLading,
  CommercialInvoice,
  DocumentContent,
  ExportDeclaration,
} from '../documents/types.js';
import { newAccountId, newTransferId } from '../ledger/ids.js';
import { participantAccountId } from '../participants/accounts.js';
import { Hub } from '../hub/hub.js';
import { accountBody, openTestApi, transferBody, type TestApi } from './api.test-helper.js';
import type { ApiLimits } from './limits.js';

/** Who sends a request in the authorisation tests. */
export const CALLERS = ['none', 'operator', 'auditor', 'owner', 'foreign'] as const;
export type Caller = (typeof CALLERS)[number];

/**
 * A server with the cast of the authorisation and audit tests: an operator and an auditor key;
 * bank `sbi` with a key (the *owner* of the resources below) and bank `vtb` with a key (a *foreign*
 * participant); a spare bank to suspend; an account of sbi's with a transfer into it; a funding
 * account of the operator's for pending transfers. Routes are collected as they are registered.
 */
export interface AccessFixture {
  readonly api: TestApi;
  readonly routes: readonly { method: string; url: string; config: RouteOptions['config'] }[];
  readonly keys: Readonly<Record<Exclude<Caller, 'none'>, string>>;
  readonly keyIds: Readonly<Record<Exclude<Caller, 'none'>, string>>;
  /** sbi's INR settlement account. */
  readonly ownAccount: string;
  /** vtb's INR settlement account. */
  readonly foreignAccount: string;
  /** An operator account with no balance limit, the debit side of test transfers. */
  readonly funding: string;
  /** A transfer from `funding` into `ownAccount`: sbi is only on its credit side. */
  readonly ownTransfer: string;
  /** A transfer from `funding` into `foreignAccount`. */
  readonly foreignTransfer: string;
  /** Sends a request as one of the callers. */
  as(caller: Caller, options: InjectOptions): ReturnType<TestApi['call']>;
  /** A new pending transfer from `funding` to `foreignAccount`, for post and void. */
  pending(): Promise<string>;
  /** A new key of sbi's, for rotation and revocation. */
  ownSpareKeyId(): Promise<string>;
  /** A new quote (INR→RUB through FX provider `fxp`) asked for by sbi, optionally executed as a reservation. */
  ownQuote(reserved?: boolean): Promise<string>;
  /** A new pending payment of 1.00 INR from sbi to vtb. */
  pendingPayment(): Promise<string>;
  /** A newly closed RUB window. */
  closedWindow(): Promise<string>;
  /**
   * A new trade between corporates `exp` (kept by sbi, the owner) and `imp` (kept by spare), on
   * open account, created by the operator: sbi finances it, vtb (foreign) has nothing to do with it.
   * `agreed` and `shipped` take it that far.
   */
  ownTrade(stage?: 'draft' | 'agreed' | 'shipped'): Promise<string>;
  /** A trade body for POST /v1/trades (exp sells to imp). */
  tradeBody(): Record<string, unknown>;
  /** A new carrier in the trust register, registered by the operator; with a key when asked. */
  issuer(withKey?: boolean): Promise<{ id: string; keyId?: string }>;
  /** A public key for POST /v1/issuers/{id}/keys, new each time. */
  publicKeyBody(): Record<string, unknown>;
  /**
   * The signers of the trust register, each with one key valid 2026–2036: `exp` (the exporter,
   * invoices and packing lists; participant exp), `ocean-line` (a carrier, bills of lading),
   * `in-customs` and `ru-customs` (export declarations and receipts; participants customs-in and
   * customs-ru), `imp` (the importer, who signs only title transfers; participant imp).
   */
  readonly signers: Readonly<
    Record<'exp' | 'imp' | 'ocean-line' | 'in-customs' | 'ru-customs', SigningKeyPair>
  >;
  /** A draft trade of 10 kg of rice (HS 100630) at 90.00 INR from exp to imp, on open account, created at the start. */
  readonly documentTrade: string;
  /** An invoice of `trade` (the rice of `tradeBody`) by exp, numbered anew each time. */
  invoice(trade: string, overrides?: Partial<CommercialInvoice>): CommercialInvoice;
  /** A bill of lading of `trade` by ocean-line, shipper exp, to order, numbered anew each time. */
  billOfLading(trade: string, overrides?: Partial<BillOfLading>): BillOfLading;
  /** An export declaration of `trade` by in-customs (India), addressed to customs-ru. */
  declaration(trade: string, overrides?: Partial<ExportDeclaration>): ExportDeclaration;
  /** `content` signed with the key of the issuer it names. */
  sign(content: DocumentContent): SignedDocument;
  /** A new signed invoice of `documentTrade`, not yet submitted. */
  ownDocument(): SignedDocument;
  /**
   * A new bill of lading of `documentTrade`, submitted by the operator, and entry 0 of its title
   * (ocean-line issues it to exp), signed and not yet recorded.
   */
  ownBillOfLading(): Promise<{ hash: string; issue: SignedTitleEntry }>;
  /**
   * A new trade from exp to imp under a documentary credit that requires an invoice, agreed (the
   * importer's 900.00 INR reserved) and shipped, with its invoice submitted: ready to present.
   */
  ownCreditTrade(): Promise<{ id: string; documents: string[] }>;
}

export async function openAccessFixture(
  limits: Partial<ApiLimits> = { rateLimitPerSecond: 0, verifyIntervalMs: 0 },
): Promise<AccessFixture> {
  const routes: { method: string; url: string; config: RouteOptions['config'] }[] = [];
  const api = await openTestApi(limits, {
    onRoute: (route) => {
      for (const method of [route.method].flat())
        routes.push({ method, url: route.url, config: route.config });
    },
  });
  for (const [id, name, country] of [
    ['sbi', 'State Bank of India', 'IN'],
    ['vtb', 'VTB Bank', 'RU'],
    ['spare', 'Spare Bank', 'IN'],
  ] as const) {
    await api.participants.create(
      { id, name, kind: 'bank', country, currencies: ['INR'] },
      CLI_ACTOR,
    );
  }
  // BICs, for the ISO 20022 routes (src/api/access-events.test-helper.ts).
  await api.participants.setBic('sbi', 'SBININBB', CLI_ACTOR);
  await api.participants.setBic('vtb', 'VTBRRUMM', CLI_ACTOR);
  const issue = async (role: 'operator' | 'auditor' | 'participant', participant?: string) =>
    api.keys.issue({ role, ...(participant === undefined ? {} : { participant }) }, CLI_ACTOR);
  const auditor = await issue('auditor');
  const owner = await issue('participant', 'sbi');
  const foreign = await issue('participant', 'vtb');
  const operatorId =
    /^vostro_([0-9a-f]{16})_/.exec(api.operatorKey)?.[1] ?? assert.fail('operator key');
  const keys = {
    operator: api.operatorKey,
    auditor: auditor.key,
    owner: owner.key,
    foreign: foreign.key,
  };
  const keyIds = {
    operator: operatorId,
    auditor: auditor.info.keyId,
    owner: owner.info.keyId,
    foreign: foreign.info.keyId,
  };

  const ownAccount = participantAccountId('sbi', 'INR', 'settlement');
  const foreignAccount = participantAccountId('vtb', 'INR', 'settlement');
  const funding = newAccountId();
  const created = await api.call({
    method: 'POST',
    url: '/v1/accounts',
    payload: accountBody({ id: funding, owner: 'hub', kind: 'hub' }),
  });
  assert.equal(created.statusCode, 201, created.body);
  const transfer = async (
    credit: string,
    overrides: Record<string, unknown> = {},
  ): Promise<string> => {
    const body = transferBody(funding, credit, overrides);
    const response = await api.call({ method: 'POST', url: '/v1/transfers', payload: body });
    assert.equal(response.statusCode, 201, response.body);
    return String(body['id']);
  };
  const ownTransfer = await transfer(ownAccount);
  const foreignTransfer = await transfer(foreignAccount);

  // For the settlement and FX routes: the hub's accounts, an FX provider with rouble liquidity, a
  // rate and a spread, money on sbi's account and a cap that leaves room for every test payment.
  const hub = new Hub(api.ledger, api.participants);
  await hub.open(['INR', 'RUB'], CLI_ACTOR);
  await api.participants.create(
    {
      id: 'fxp',
      name: 'FX Provider',
      kind: 'fx_provider',
      country: 'IN',
      currencies: ['INR', 'RUB'],
    },
    CLI_ACTOR,
  );
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: ownAccount,
      amount: 1_000_000_00n,
      reference: 'tests',
    },
    CLI_ACTOR,
  );
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: participantAccountId('fxp', 'RUB', 'fx_liquidity'),
      amount: 1_000_000_00n,
      reference: 'tests',
    },
    CLI_ACTOR,
  );
  await hub.caps.set('sbi', 'INR', 1_000_000_00n, CLI_ACTOR);
  await hub.fx.setRate(
    { source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-20' },
    CLI_ACTOR,
  );
  // vtb's rupee vostro account at sbi, with a surplus to sweep into its investment account.
  const vostro = await api.participants.openAccount('vtb', 'vostro', 'INR', 'sbi', CLI_ACTOR);
  await api.participants.openAccount('vtb', 'investment', 'INR', undefined, CLI_ACTOR);
  await hub.payments.fund(
    { id: newTransferId(), account: vostro.id, amount: 1_000_00n, reference: 'tests' },
    CLI_ACTOR,
  );
  const sbiKey = keys.owner;
  // Two corporates for the trade routes: sbi keeps the exporter (India), spare the importer
  // (Russia, holding rupees for Indian trade).
  for (const [id, bank, country] of [
    ['exp', 'sbi', 'IN'],
    ['imp', 'spare', 'RU'],
  ] as const)
    await api.participants.create(
      { id, name: id, kind: 'corporate', country, bank, currencies: ['INR'] },
      CLI_ACTOR,
    );
  // Both countries' customs: India's declares the export to Russia's.
  for (const [id, name, country] of [
    ['customs-in', 'Indian customs', 'IN'],
    ['customs-ru', 'Russian customs', 'RU'],
  ] as const)
    await api.participants.create(
      { id, name, kind: 'customs', country, currencies: [] },
      CLI_ACTOR,
    );
  // The importer's money for documentary credits, and room under its bank's cap.
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: participantAccountId('imp', 'INR', 'customer'),
      amount: 1_000_000_00n,
      reference: 'tests',
    },
    CLI_ACTOR,
  );
  await hub.caps.set('spare', 'INR', 1_000_000_00n, CLI_ACTOR);
  // The trust register: who signs what, each with one key.
  const signers = {
    exp: generateKeyPair(),
    'ocean-line': generateKeyPair(),
    'in-customs': generateKeyPair(),
    'ru-customs': generateKeyPair(),
    imp: generateKeyPair(),
  };
  for (const issuer of [
    {
      id: 'exp',
      name: 'Exporter',
      role: 'exporter',
      country: 'IN',
      documentTypes: ['commercial_invoice', 'packing_list'],
      participant: 'exp',
    },
    {
      id: 'imp',
      name: 'Importer',
      role: 'importer',
      country: 'RU',
      documentTypes: [],
      participant: 'imp',
    },
    {
      id: 'ocean-line',
      name: 'Ocean Line',
      role: 'carrier',
      country: 'IN',
      documentTypes: ['bill_of_lading'],
    },
    {
      id: 'in-customs',
      name: 'CBIC',
      role: 'customs',
      country: 'IN',
      documentTypes: ['export_declaration', 'customs_receipt'],
      participant: 'customs-in',
    },
    {
      id: 'ru-customs',
      name: 'Federal Customs Service',
      role: 'customs',
      country: 'RU',
      documentTypes: ['export_declaration', 'customs_receipt'],
      participant: 'customs-ru',
    },
  ] as const) {
    await hub.register.addIssuer(
      { ...issuer, documentTypes: [...issuer.documentTypes] },
      CLI_ACTOR,
    );
    await hub.register.addKey(
      issuer.id,
      {
        publicKey: signers[issuer.id].publicKey,
        validFrom: '2026-01-01T00:00:00Z',
        validTo: '2036-01-01T00:00:00Z',
      },
      CLI_ACTOR,
    );
  }
  let issuers = 0;
  const publicKeyBody = (): Record<string, unknown> => ({
    publicKey: generateKeyPair().publicKey,
    validFrom: '2026-01-01T00:00:00Z',
    validTo: '2036-01-01T00:00:00Z',
  });
  const tradeBody = (): Record<string, unknown> => ({
    id: newTransferId(),
    exporter: 'exp',
    importer: 'imp',
    currency: 'INR',
    lines: [{ hs: '100630', description: 'rice', quantity: '10', unit: 'KGM', unitPrice: '90.00' }],
    incoterm: { rule: 'FOB', place: 'Mundra' },
    latestShipmentDate: '2030-01-31',
    paymentTerms: { kind: 'open_account', days: 30 },
  });
  const documentTrade = String(
    (await api.call({ method: 'POST', url: '/v1/trades', payload: tradeBody() })).json()['id'],
  );
  let numbers = 0;
  const header = (trade: string) => ({
    version: 1 as const,
    trade,
    number: `DOC-${(numbers += 1)}`,
    issuedAt: new Date().toISOString(),
  });
  const rice = { hs: '100630', description: 'rice', quantity: '10', unit: 'KGM' };
  const invoice = (
    trade: string,
    overrides: Partial<CommercialInvoice> = {},
  ): CommercialInvoice => ({
    ...header(trade),
    type: 'commercial_invoice',
    issuer: 'exp',
    seller: 'exp',
    buyer: 'imp',
    currency: 'INR',
    lines: [{ ...rice, unitPrice: '90.00', amount: '900.00' }],
    total: '900.00',
    ...overrides,
  });
  const billOfLading = (trade: string, overrides: Partial<BillOfLading> = {}): BillOfLading => ({
    ...header(trade),
    type: 'bill_of_lading',
    issuer: 'ocean-line',
    shipper: 'exp',
    toOrder: true,
    carrier: 'ocean-line',
    vessel: 'Ocean Pearl',
    portOfLoading: 'Mundra',
    portOfDischarge: 'Novorossiysk',
    shippedOnBoard: new Date().toISOString().slice(0, 10),
    lines: [rice],
    ...overrides,
  });
  const declaration = (
    trade: string,
    overrides: Partial<ExportDeclaration> = {},
  ): ExportDeclaration => ({
    ...header(trade),
    type: 'export_declaration',
    issuer: 'in-customs',
    exporter: 'exp',
    importer: 'imp',
    exportCountry: 'IN',
    importCountry: 'RU',
    addressedTo: 'customs-ru',
    shippingBill: `SB-${numbers}`,
    portOfExport: 'Mundra',
    lines: [{ ...rice, value: '900.00' }],
    currency: 'INR',
    totalValue: '900.00',
    ...overrides,
  });
  const sign = (content: DocumentContent): SignedDocument =>
    signDocument(content, signers[content.issuer as keyof typeof signers]);
  const submit = async (document: SignedDocument): Promise<string> => {
    const submitted = await api.call({ method: 'POST', url: '/v1/documents', payload: document });
    assert.equal(submitted.statusCode, 201, submitted.body);
    return document.hash;
  };

  return {
    api,
    routes,
    keys,
    keyIds,
    ownAccount,
    foreignAccount,
    funding,
    ownTransfer,
    foreignTransfer,
    as: (caller, options) => api.call({ ...options, key: caller === 'none' ? null : keys[caller] }),
    pending: () =>
      transfer(foreignAccount, { id: newTransferId(), pending: true, timeoutSeconds: 3600 }),
    ownSpareKeyId: async () => (await issue('participant', 'sbi')).info.keyId,
    ownQuote: async (reserved = false) => {
      const quote = await api.call({
        method: 'POST',
        url: '/v1/fx/quotes',
        key: sbiKey,
        payload: {
          provider: 'fxp',
          source: 'INR',
          target: 'RUB',
          fixed: 'source',
          amount: '10.00',
        },
      });
      assert.equal(quote.statusCode, 201, quote.body);
      const id = String(quote.json()['id']);
      if (reserved) {
        const executed = await api.call({
          method: 'POST',
          url: `/v1/fx/quotes/${id}/execute`,
          key: sbiKey,
          payload: {
            payer: ownAccount,
            payee: participantAccountId('fxp', 'RUB', 'settlement'),
            pending: true,
          },
        });
        assert.equal(executed.statusCode, 200, executed.body);
      }
      return id;
    },
    pendingPayment: async () => {
      const id = newTransferId();
      const paid = await api.call({
        method: 'POST',
        url: '/v1/payments',
        key: sbiKey,
        payload: { id, payer: ownAccount, payee: foreignAccount, amount: '1.00', pending: true },
      });
      assert.equal(paid.statusCode, 201, paid.body);
      return id;
    },
    tradeBody,
    publicKeyBody,
    signers,
    documentTrade,
    invoice,
    billOfLading,
    declaration,
    sign,
    ownDocument: () => sign(invoice(documentTrade)),
    ownBillOfLading: async () => {
      const hash = await submit(sign(billOfLading(documentTrade)));
      const issue = signTitleEntry(
        {
          format: 'vostro-title-entry/1',
          billOfLading: hash,
          seq: 0,
          action: 'issue',
          from: 'ocean-line',
          to: 'exp',
          at: new Date().toISOString(),
          previous: null,
        },
        signers['ocean-line'],
      );
      return { hash, issue };
    },
    ownCreditTrade: async () => {
      const base = tradeBody();
      const id = String(base['id']);
      const body = {
        ...base,
        paymentTerms: {
          kind: 'documentary_credit',
          requiredDocuments: ['commercial_invoice'],
          presentationPeriodDays: 21,
          expiryDate: '2030-03-31',
          payer: participantAccountId('imp', 'INR', 'customer'),
          payee: participantAccountId('exp', 'INR', 'customer'),
        },
      };
      const created = await api.call({ method: 'POST', url: '/v1/trades', payload: body });
      assert.equal(created.statusCode, 201, created.body);
      for (const step of ['agree', 'ship']) {
        const moved = await api.call({ method: 'POST', url: `/v1/trades/${id}/${step}` });
        assert.equal(moved.statusCode, 200, moved.body);
      }
      return { id, documents: [await submit(sign(invoice(id)))] };
    },
    issuer: async (withKey = false) => {
      const id = `carrier-${(issuers += 1)}`;
      const created = await api.call({
        method: 'POST',
        url: '/v1/issuers',
        payload: {
          id,
          name: `Carrier ${issuers}`,
          role: 'carrier',
          country: 'IN',
          documentTypes: ['bill_of_lading'],
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      if (!withKey) return { id };
      const added = await api.call({
        method: 'POST',
        url: `/v1/issuers/${id}/keys`,
        payload: publicKeyBody(),
      });
      assert.equal(added.statusCode, 201, added.body);
      return { id, keyId: String(added.json()['keys'][0]['keyId']) };
    },
    ownTrade: async (stage = 'draft') => {
      const body = tradeBody();
      const created = await api.call({ method: 'POST', url: '/v1/trades', payload: body });
      assert.equal(created.statusCode, 201, created.body);
      const id = String(body['id']);
      for (const step of stage === 'draft'
        ? []
        : stage === 'agreed'
          ? ['agree']
          : ['agree', 'ship']) {
        const moved = await api.call({ method: 'POST', url: `/v1/trades/${id}/${step}` });
        assert.equal(moved.statusCode, 200, moved.body);
      }
      return id;
    },
    closedWindow: async () => {
      const closed = await api.call({
        method: 'POST',
        url: '/v1/windows/close',
        payload: { currency: 'RUB' },
      });
      assert.equal(closed.statusCode, 200, closed.body);
      return String(closed.json()['closed']['id']);
    },
  };
}
