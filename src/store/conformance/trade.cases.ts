import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLI_ACTOR, type Actor } from '../../domain/actor.js';
import { HubError } from '../../domain/errors.js';
import { Hub } from '../../hub/hub.js';
import { manualClock, type ManualClock } from '../../ledger/clock.js';
import { newTransferId, type AccountId } from '../../ledger/ids.js';
import { Ledger } from '../../ledger/ledger.js';
import { verifyLedger } from '../../ledger/verify.js';
import { participantAccountId } from '../../participants/accounts.js';
import { signDocument, type SignedDocument } from '../../documents/envelope.js';
import { signTitleEntry } from '../../documents/bill-of-lading.js';
import { generateKeyPair, type SigningKeyPair } from '../../documents/signature.js';
import type { DocumentContent } from '../../documents/types.js';
import type { PresentationRecord, PresentationService } from '../../trade/presentations.js';
import type { TrustRegister } from '../../trade/register.js';
import type { TitleService } from '../../trade/titles.js';
import type { TradeDocumentService } from '../../trade/trade-documents.js';
import type { TradeInput } from '../../trade/trades.js';
import type { LedgerStore, WriteTransaction } from '../store.js';
import type { StoreFactory } from './fixtures.js';

/**
 * Trades and documentary payment on a real store (issue 14): the trade record, the documentary
 * credit's reservation (pending legs with the net debit cap leg), the payment document and the
 * audit entries are written in one store transaction, or none of them is; cancelling voids the
 * reservation in the same transaction; the ledger's timeout expires it. Run on SQLite
 * (src/store/sqlite/sqlite-store.test.ts) and PostgreSQL (src/store/postgres/postgres-store.test.ts).
 */

/** 2026-01-01T00:00:00Z: trades below ship by 2026-02-15 and their credits expire at the end of 2026-03-31. */
const START_NS = 1_767_225_600_000_000_000n;
/** 2026-04-01T00:00:00Z: the end of the credits' expiry date. */
const CREDIT_END_NS = 1_775_001_600_000_000_000n;

export const participantActor = (id: string): Actor => ({
  id,
  role: 'participant',
  participant: id,
});

export const customerAccount = (participant: string, currency: string): AccountId =>
  participantAccountId(participant, currency, 'customer');

/**
 * A hub with two banks and four corporates: indo-pharma (exporter, India, kept by sbi, INR),
 * rus-med (importer, Russia, kept by vtb, INR and RUB: it holds rupees for Indian trade),
 * ural-trade (importer kept by vtb, RUB only) and delhi-foods (another Indian corporate at sbi);
 * a third bank, bob, is party to nothing. rus-med has 50,000,000.00 INR; vtb's INR net debit cap
 * is 10,000,000.00.
 */
export interface TradeWorld {
  readonly hub: Hub;
  readonly store: LedgerStore;
  readonly clock: ManualClock;
}

export async function openTradeWorld(store: LedgerStore): Promise<TradeWorld> {
  const clock = manualClock(START_NS);
  const hub = new Hub(new Ledger(store, { clock }));
  const cli = CLI_ACTOR;
  await hub.open(['INR', 'RUB'], cli);
  for (const bank of [
    { id: 'sbi', name: 'State Bank of India', country: 'IN', currencies: ['INR'] },
    { id: 'bob', name: 'Bank of Baroda', country: 'IN', currencies: ['INR'] },
    { id: 'vtb', name: 'VTB Bank', country: 'RU', currencies: ['RUB', 'INR'] },
  ])
    await hub.participants.create({ ...bank, kind: 'bank' }, cli);
  for (const corporate of [
    { id: 'indo-pharma', name: 'Indo Pharma Ltd', country: 'IN', bank: 'sbi', currencies: ['INR'] },
    { id: 'rus-med', name: 'RusMed LLC', country: 'RU', bank: 'vtb', currencies: ['INR', 'RUB'] },
    { id: 'ural-trade', name: 'Ural Trade JSC', country: 'RU', bank: 'vtb', currencies: ['RUB'] },
    { id: 'delhi-foods', name: 'Delhi Foods', country: 'IN', bank: 'sbi', currencies: ['INR'] },
  ])
    await hub.participants.create({ ...corporate, kind: 'corporate' }, cli);
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: customerAccount('rus-med', 'INR'),
      amount: 50_000_000_00n,
      reference: 'deposit',
    },
    cli,
  );
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: customerAccount('ural-trade', 'RUB'),
      amount: 50_000_000_00n,
      reference: 'deposit',
    },
    cli,
  );
  await hub.caps.set('vtb', 'INR', 10_000_000_00n, cli);
  return { hub, store, clock };
}

/** A documentary-credit trade of indo-pharma's medicines to rus-med, 1,500,500.00 INR. */
export function creditTrade(overrides: Partial<TradeInput> = {}): TradeInput {
  return {
    id: newTransferId(),
    exporter: 'indo-pharma',
    importer: 'rus-med',
    currency: 'INR',
    lines: [
      {
        hs: '300420',
        description: 'Antibiotics, packaged for retail sale',
        quantity: '1000',
        unit: 'boxes',
        unitPrice: '1250.50',
      },
      {
        hs: '100630',
        description: 'Basmati rice, milled',
        quantity: '2.5',
        unit: 'TNE',
        unitPrice: '100000.00',
      },
    ],
    incoterm: { rule: 'CIF', place: 'Novorossiysk' },
    latestShipmentDate: '2026-02-15',
    corridor: { summary: 'INNSA -sea-> RUNVS', days: 28, distanceKm: 9800 },
    paymentTerms: {
      kind: 'documentary_credit',
      requiredDocuments: ['commercial_invoice', 'bill_of_lading', 'certificate_of_origin'],
      presentationPeriodDays: 21,
      expiryDate: '2026-03-31',
      payer: customerAccount('rus-med', 'INR'),
      payee: customerAccount('indo-pharma', 'INR'),
    },
    ...overrides,
  };
}

export function refusedWith(code: string, field?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HubError, `expected a HubError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field, error.message);
    return true;
  };
}

/**
 * The store, whose write transactions throw right after writing documents that match `fault`
 * (while `armed()`): what the transaction wrote before (its ledger batch) and the documents
 * themselves must all be rolled back.
 */
export function withFaultAfterPut(
  store: LedgerStore,
  fault: (collection: string, value: Record<string, unknown>) => boolean,
  armed: () => boolean,
): LedgerStore {
  const write = <T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> =>
    store.write((transaction) => {
      const hooked: WriteTransaction = {
        lastJournalEntry: () => transaction.lastJournalEntry(),
        loadAccounts: (ids) => transaction.loadAccounts(ids),
        loadTransfers: (ids) => transaction.loadTransfers(ids),
        duePendingTransfers: (nowNs, limit) => transaction.duePendingTransfers(nowNs, limit),
        insertAccounts: (accounts) => transaction.insertAccounts(accounts),
        insertTransfers: (transfers) => transaction.insertTransfers(transfers),
        updateBalances: (accounts) => transaction.updateBalances(accounts),
        resolvePending: (resolutions) => transaction.resolvePending(resolutions),
        appendJournal: (entry) => transaction.appendJournal(entry),
        getRecords: (collection, keys) => transaction.getRecords(collection, keys),
        putRecords: async (puts, updatedAt) => {
          await transaction.putRecords(puts, updatedAt);
          if (armed() && puts.some((put) => fault(put.collection, put.value)))
            throw new Error('fault injected after putRecords');
        },
        appendAudit: (entries) => transaction.appendAudit(entries),
        addTallies: (tallies) => transaction.addTallies(tallies),
        addFlows: (rows, replace) => transaction.addFlows(rows, replace),
        appendEvents: (events) => transaction.appendEvents(events),
        appendTransferEvents: (events) => transaction.appendTransferEvents(events),
      };
      return work(hooked);
    });
  return Object.assign(Object.create(store) as LedgerStore, { write });
}

/** Everything a failed transaction must not have changed. */
async function footprint(world: TradeWorld): Promise<unknown> {
  const { store, hub } = world;
  const [vtbCap] = await store.getAccounts([participantAccountId('vtb', 'INR', 'cap')]);
  const [payer] = await store.getAccounts([customerAccount('rus-med', 'INR')]);
  return {
    counts: await store.counts(),
    audit: (await store.auditEntries({ limit: 10_000 })).length,
    trades: (await store.listRecords({ collection: 'trades', limit: 1000 })).map((r) => r.value),
    payments: (await store.listRecords({ collection: 'payments', limit: 1000 })).map(
      (r) => r.value,
    ),
    capPending: vtbCap?.debitsPending,
    payerPending: payer?.debitsPending,
    headroom: (await hub.caps.status('vtb', 'INR')).headroomMinor,
  };
}

/** Issuers of the documents below, each with one key (made once per file: keygen and signing cost ms). */
const ISSUER_KEYS = new Map<string, SigningKeyPair>();
/** The signing key of one of the issuers `registerIssuers` registers (made once, from a fixed seed). */
export function issuerKey(id: string): SigningKeyPair {
  let key = ISSUER_KEYS.get(id);
  if (key === undefined) {
    key = generateKeyPair(new Uint8Array(64).fill(ISSUER_KEYS.size + 11));
    ISSUER_KEYS.set(id, key);
  }
  return key;
}

/** Registers the carrier, the chamber and the exporter as issuers, with keys valid through 2026. */
export async function registerIssuers(register: TrustRegister): Promise<void> {
  const cli = CLI_ACTOR;
  for (const issuer of [
    {
      id: 'sci-carrier',
      name: 'Shipping Corporation of India',
      role: 'carrier',
      country: 'IN',
      documentTypes: ['bill_of_lading'],
    },
    {
      id: 'fieo',
      name: 'Federation of Indian Export Organisations',
      role: 'chamber_of_commerce',
      country: 'IN',
      documentTypes: ['certificate_of_origin'],
    },
    {
      id: 'indo-pharma',
      name: 'Indo Pharma Ltd',
      role: 'exporter',
      country: 'IN',
      documentTypes: ['commercial_invoice', 'packing_list'],
      participant: 'indo-pharma',
    },
  ] as const) {
    await register.addIssuer({ ...issuer, documentTypes: [...issuer.documentTypes] }, cli);
    await register.addKey(
      issuer.id,
      {
        publicKey: issuerKey(issuer.id).publicKey,
        validFrom: '2026-01-01T00:00:00Z',
        validTo: '2027-01-01T00:00:00Z',
      },
      cli,
    );
  }
}

/** The three documents creditTrade's credit requires, consistent with the trade (shipped on 2026-02-10). */
export function creditDocuments(
  trade: TradeInput,
  overrides: { shippedOnBoard?: string } = {},
): Record<'commercial_invoice' | 'bill_of_lading' | 'certificate_of_origin', SignedDocument> {
  const header = (type: string, issuer: string, number: string) => ({
    type,
    version: 1 as const,
    trade: trade.id,
    number,
    issuer,
    issuedAt: '2026-02-10T09:30:00+05:30',
  });
  const goods = trade.lines.map(({ hs, description, quantity, unit }) => ({
    hs,
    description,
    quantity,
    unit,
  }));
  const amounts = ['1250500.00', '250000.00'];
  return {
    commercial_invoice: signDocument(
      {
        ...header('commercial_invoice', 'indo-pharma', 'INV-2026-17'),
        seller: trade.exporter,
        buyer: trade.importer,
        currency: trade.currency,
        lines: trade.lines.map((line, index) => ({
          ...goods[index]!,
          unitPrice: line.unitPrice,
          amount: amounts[index]!,
        })),
        total: '1500500.00',
      } as DocumentContent,
      issuerKey('indo-pharma'),
    ),
    bill_of_lading: signDocument(
      {
        ...header('bill_of_lading', 'sci-carrier', 'SCI-NSA-2026-2201'),
        shipper: trade.exporter,
        consignee: trade.importer,
        toOrder: false,
        carrier: 'sci-carrier',
        vessel: 'MV Vishva Prerna',
        portOfLoading: 'Nhava Sheva (INNSA)',
        portOfDischarge: 'Novorossiysk (RUNVS)',
        shippedOnBoard: overrides.shippedOnBoard ?? '2026-02-10',
        lines: goods,
      } as DocumentContent,
      issuerKey('sci-carrier'),
    ),
    certificate_of_origin: signDocument(
      {
        ...header('certificate_of_origin', 'fieo', 'COO/IN/2026/31'),
        originCountry: 'IN',
        exporter: trade.exporter,
        consignee: trade.importer,
        lines: goods,
      } as DocumentContent,
      issuerKey('fieo'),
    ),
  };
}

/** A TradeWorld with the trust register's issuers: documentary payment as the Hub wires it. */
export interface DocumentWorld extends TradeWorld {
  readonly register: TrustRegister;
  readonly documents: TradeDocumentService;
  readonly presentations: PresentationService;
  readonly titles: TitleService;
}

/** 2026-02-12T00:00:00Z: the documents are submitted; they are presented a week later. */
const SUBMITTED_NS = 1_770_854_400_000_000_000n;
const PRESENTED_NS = SUBMITTED_NS + 7n * 86_400n * 1_000_000_000n;

/**
 * A trade on documentary-credit terms, agreed and shipped, with its three documents signed by
 * their issuers and submitted (on 2026-02-12); the clock then stands at 2026-02-19.
 */
export async function shippedCreditTrade(
  world: DocumentWorld,
  options: { shippedOnBoard?: string } = {},
): Promise<{
  trade: TradeInput;
  hashes: Record<'commercial_invoice' | 'bill_of_lading' | 'certificate_of_origin', string>;
}> {
  const { hub, clock, documents } = world;
  const trade = creditTrade();
  await hub.trades.create(trade, participantActor('rus-med'));
  await hub.trades.agree(trade.id, participantActor('indo-pharma'));
  await hub.trades.ship(trade.id, participantActor('indo-pharma'));
  clock.set(SUBMITTED_NS);
  const signed = creditDocuments(trade, options);
  for (const document of Object.values(signed)) await documents.submit(document, CLI_ACTOR);
  clock.set(PRESENTED_NS);
  return {
    trade,
    hashes: {
      commercial_invoice: signed.commercial_invoice.hash,
      bill_of_lading: signed.bill_of_lading.hash,
      certificate_of_origin: signed.certificate_of_origin.hash,
    },
  };
}

export async function openDocumentWorld(store: LedgerStore): Promise<DocumentWorld> {
  const world = await openTradeWorld(store);
  const { register, documents, presentations, titles } = world.hub;
  await registerIssuers(register);
  return { ...world, register, documents, presentations, titles };
}

export function tradeCases(factory: StoreFactory): void {
  const withWorld = (
    name: string,
    body: (world: TradeWorld) => Promise<void>,
    wrap?: (store: LedgerStore) => LedgerStore,
  ): void => {
    it(name, async () => {
      const store = await factory.open();
      try {
        await body(await openTradeWorld(wrap === undefined ? store : wrap(store)));
        assert.deepEqual((await verifyLedger(store)).problems, [], 'the verifier passes');
      } finally {
        await store.close();
      }
    });
  };
  const importer = participantActor('rus-med');
  const exporter = participantActor('indo-pharma');

  describe(`trades and documentary credits (${factory.name})`, () => {
    withWorld(
      'agreeing a documentary credit reserves the total with its cap leg in the same transaction as the trade and its audit entries',
      async (world) => {
        const { hub, store } = world;
        const input = creditTrade();
        const draft = await hub.trades.create(input, importer);
        assert.equal(draft.status, 'draft');
        assert.equal(draft.totalMinor, '150050000');
        assert.equal(draft.createdBy, 'rus-med');
        await assert.rejects(
          hub.trades.agree(input.id, importer),
          refusedWith('trade_status_conflict', 'id'),
        );
        const agreed = await hub.trades.agree(input.id, exporter);
        assert.equal(agreed.status, 'agreed');
        assert.ok(agreed.reservation !== undefined);
        const payment = await hub.payments.payment(agreed.reservation);
        assert.ok(payment !== undefined);
        assert.equal(payment.status, 'reserved');
        assert.equal(payment.amountMinor, '150050000');
        assert.equal(payment.trade, input.id);
        assert.equal(payment.legs, 2, 'the payment leg and vtb’s cap leg');
        // The legs time out at the end of the expiry date, 2026-04-01T00:00:00Z (timeouts are
        // whole seconds from the leg's timestamp, which is a few ns after the clock's reading).
        const [leg] = await store.getTransfers([agreed.reservation as never]);
        assert.ok(leg !== undefined);
        assert.equal(leg.pendingStatus, 'pending');
        assert.ok(
          leg.expiresAt !== undefined &&
            leg.expiresAt >= CREDIT_END_NS &&
            leg.expiresAt < CREDIT_END_NS + 1_000_000_000n,
          String(leg.expiresAt),
        );
        assert.equal(
          (await hub.caps.status('vtb', 'INR')).headroomMinor,
          10_000_000_00n - 1_500_500_00n,
        );
        const actions = (await store.auditEntries({ limit: 10_000 })).map((entry) => entry.action);
        assert.deepEqual(actions.slice(-3), ['trades.create', 'payments.reserve', 'trades.agree']);
        // Agreeing again is a retry; the reservation is not made twice.
        assert.deepEqual(await hub.trades.agree(input.id, exporter), agreed);
        // The reservation is the trade's: it cannot be posted or voided as a payment.
        await assert.rejects(
          hub.payments.resolve(agreed.reservation, 'void', CLI_ACTOR),
          refusedWith('payment_refused', 'id'),
        );
      },
    );

    let armed = false;
    withWorld(
      'a fault after the agreed trade is written rolls back the reservation, the payment document and the audit entries with it',
      async (world) => {
        const { hub } = world;
        const input = creditTrade();
        await hub.trades.create(input, importer);
        const before = await footprint(world);
        armed = true;
        await assert.rejects(
          hub.trades.agree(input.id, exporter),
          /fault injected after putRecords/,
        );
        armed = false;
        assert.deepEqual(await footprint(world), before, 'nothing of the agreement was written');
        const agreed = await hub.trades.agree(input.id, exporter);
        assert.equal(agreed.status, 'agreed', 'the same agreement goes through afterwards');
      },
      (store) =>
        withFaultAfterPut(
          store,
          (collection, value) => collection === 'trades' && value.status === 'agreed',
          () => armed,
        ),
    );

    withWorld(
      'a reservation past the importer bank’s net debit cap is refused precisely and the trade stays a draft',
      async (world) => {
        const { hub } = world;
        await hub.caps.set('vtb', 'INR', 1_000_000_00n, CLI_ACTOR);
        const input = creditTrade();
        await hub.trades.create(input, exporter);
        const before = await footprint(world);
        await assert.rejects(hub.trades.agree(input.id, importer), (error: unknown) => {
          refusedWith('liquidity_cap_exceeded', 'paymentTerms/payer')(error);
          assert.match(
            (error as Error).message,
            /vtb could not reserve the documentary credit of 1500500\.00 INR/,
          );
          return true;
        });
        assert.deepEqual(await footprint(world), before);
        assert.equal((await hub.trades.get(input.id, importer)).status, 'draft');
      },
    );

    withWorld(
      'cancelling an agreed trade voids the reservation in the same transaction; only the exporter’s side or the operator may',
      async (world) => {
        const { hub, store } = world;
        const input = creditTrade();
        await hub.trades.create(input, exporter);
        const agreed = await hub.trades.agree(input.id, participantActor('vtb'));
        await assert.rejects(
          hub.trades.cancel(input.id, 'changed our mind', importer),
          refusedWith('trade_status_conflict', 'id'),
        );
        const cancelled = await hub.trades.cancel(input.id, 'goods not available', exporter);
        assert.equal(cancelled.status, 'cancelled');
        assert.deepEqual(
          cancelled.history.map((entry) => [entry.status, entry.by]),
          [
            ['draft', 'indo-pharma'],
            ['agreed', 'vtb'],
            ['cancelled', 'indo-pharma'],
          ],
        );
        assert.equal((await hub.payments.payment(agreed.reservation ?? ''))?.status, 'voided');
        const [leg] = await store.getTransfers([agreed.reservation as never]);
        assert.equal(leg?.pendingStatus, 'voided');
        assert.equal((await hub.caps.status('vtb', 'INR')).headroomMinor, 10_000_000_00n);
        const actions = (await store.auditEntries({ limit: 10_000 })).map((entry) => entry.action);
        assert.deepEqual(actions.slice(-2), ['payments.void', 'trades.cancel']);
        await assert.rejects(
          hub.trades.ship(input.id, exporter),
          refusedWith('trade_status_conflict'),
        );
      },
    );

    withWorld(
      'the ledger releases the reservation at the end of the expiry date; the trade is expired at the next read, and expireDue finds the rest',
      async (world) => {
        const { hub, clock, store } = world;
        const first = creditTrade();
        const second = creditTrade();
        for (const input of [first, second]) {
          await hub.trades.create(input, exporter);
          await hub.trades.agree(input.id, importer);
        }
        await hub.trades.ship(first.id, exporter);
        clock.set(CREDIT_END_NS - 1n);
        assert.equal(
          (await hub.trades.get(first.id, importer)).status,
          'shipped',
          'still open at the last nanosecond',
        );
        clock.set(CREDIT_END_NS + 1_000_000_000n);
        const expired = await hub.trades.get(first.id, participantActor('sbi'));
        assert.equal(expired.status, 'expired');
        assert.deepEqual(expired.history.at(-1)?.by, 'expiry');
        assert.equal((await hub.payments.payment(expired.reservation ?? ''))?.status, 'expired');
        await assert.rejects(
          hub.trades.cancel(first.id, 'too late', exporter),
          refusedWith('trade_expired'),
        );
        assert.deepEqual(await hub.trades.expireDue(), [second.id]);
        assert.deepEqual(await hub.trades.expireDue(), []);
        assert.equal((await hub.trades.get(second.id, importer)).status, 'expired');
        assert.equal((await hub.caps.status('vtb', 'INR')).headroomMinor, 10_000_000_00n);
        const [leg] = await store.getTransfers([expired.reservation as never]);
        assert.equal(leg?.pendingStatus, 'expired');
        const actions = (await store.auditEntries({ limit: 10_000 })).map((entry) => entry.action);
        assert.equal(actions.filter((action) => action === 'trades.expire').length, 2);
      },
    );

    withWorld(
      'each party sees its own trades, banks those they finance, the operator and auditors all; others get trade_not_found',
      async (world) => {
        const { hub } = world;
        const mine = creditTrade();
        const theirs = creditTrade({
          importer: 'ural-trade',
          currency: 'RUB',
          paymentTerms: { kind: 'open_account', days: 60 },
        });
        await hub.trades.create(mine, importer);
        await hub.trades.create(theirs, participantActor('ural-trade'));
        const sees = async (actor: Actor): Promise<string[]> =>
          (await hub.trades.list(actor, { limit: 100 })).map((trade) => trade.id).sort();
        const both = [mine.id, theirs.id].sort();
        assert.deepEqual(await sees(CLI_ACTOR), both);
        assert.deepEqual(await sees({ id: 'auditor', role: 'auditor' }), both);
        assert.deepEqual(await sees(exporter), both, 'the exporter of both');
        assert.deepEqual(await sees(participantActor('sbi')), both, 'the exporter’s bank');
        assert.deepEqual(await sees(participantActor('vtb')), both, 'the importers’ bank');
        assert.deepEqual(await sees(importer), [mine.id]);
        assert.deepEqual(await sees(participantActor('ural-trade')), [theirs.id]);
        assert.deepEqual(await sees(participantActor('bob')), []);
        assert.deepEqual(await sees(participantActor('delhi-foods')), []);
        for (const outsider of ['bob', 'delhi-foods'])
          await assert.rejects(
            hub.trades.get(mine.id, participantActor(outsider)),
            refusedWith('trade_not_found', 'id'),
          );
        await assert.rejects(
          hub.trades.agree(mine.id, participantActor('bob')),
          refusedWith('trade_not_found'),
        );
        assert.deepEqual(
          (await hub.trades.list(CLI_ACTOR, { status: 'draft', limit: 1 })).length,
          1,
          'limit holds',
        );
        await assert.rejects(
          hub.trades.create(creditTrade(), participantActor('bob')),
          refusedWith('participant_not_found', 'exporter'),
        );
      },
    );

    withWorld(
      'create is idempotent by id: the same body answers the stored trade, another body is trade_exists; concurrent creates store one',
      async (world) => {
        const { hub, store } = world;
        const input = creditTrade();
        const results = await Promise.allSettled([
          hub.trades.create(input, importer),
          hub.trades.create(input, importer),
          hub.trades.create({ ...input, latestShipmentDate: '2026-02-16' }, importer),
        ]);
        assert.equal(results[0].status, 'fulfilled');
        assert.equal(results[1].status, 'fulfilled');
        assert.equal(results[2].status, 'rejected');
        refusedWith('trade_exists', 'id')(results[2].reason);
        const creates = (await store.auditEntries({ limit: 10_000 })).filter(
          (entry) => entry.action === 'trades.create',
        );
        assert.equal(creates.length, 1);
      },
    );
  });

  const withDocuments = (
    name: string,
    body: (world: DocumentWorld) => Promise<void>,
    wrap?: (store: LedgerStore) => LedgerStore,
  ): void => {
    it(name, async () => {
      const store = await factory.open();
      try {
        await body(await openDocumentWorld(wrap === undefined ? store : wrap(store)));
        assert.deepEqual((await verifyLedger(store)).problems, [], 'the verifier passes');
      } finally {
        await store.close();
      }
    });
  };
  const present = (
    world: DocumentWorld,
    trade: string,
    documents: readonly string[],
    id = newTransferId(),
  ): Promise<PresentationRecord> =>
    world.presentations.present({ id, trade, documents }, participantActor('sbi'));
  const payee = customerAccount('indo-pharma', 'INR');

  describe(`presentations and documentary payment (${factory.name})`, () => {
    withDocuments(
      'a complete, verifying presentation posts the reservation in the same transaction; the trade is paid and a second presentation is refused',
      async (world) => {
        const { hub, store, presentations } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        const id = newTransferId();
        const accepted = await present(world, trade.id, Object.values(hashes), id);
        assert.deepEqual(accepted.discrepancies, []);
        assert.equal(accepted.status, 'accepted');
        const paid = await hub.trades.get(trade.id, importer);
        assert.equal(paid.status, 'paid');
        assert.deepEqual(
          paid.history.map((entry) => entry.status),
          ['draft', 'agreed', 'shipped', 'presented', 'paid'],
        );
        assert.equal(accepted.payment, paid.reservation);
        assert.equal((await hub.payments.payment(paid.reservation ?? ''))?.status, 'posted');
        const [leg] = await store.getTransfers([paid.reservation as never]);
        assert.equal(leg?.pendingStatus, 'posted');
        const [exporterAccount] = await store.getAccounts([payee]);
        assert.equal(exporterAccount?.creditsPosted, 1_500_500_00n, 'the exporter is paid');
        const actions = (await store.auditEntries({ limit: 10_000 })).map((entry) => entry.action);
        assert.deepEqual(actions.slice(-2), ['payments.post', 'presentations.create']);
        assert.deepEqual(
          await present(world, trade.id, Object.values(hashes), id),
          accepted,
          'the same presentation again is a retry',
        );
        await assert.rejects(
          present(world, trade.id, [hashes.commercial_invoice], id),
          refusedWith('presentation_exists', 'id'),
        );
        const before = await footprint(world);
        await assert.rejects(
          present(world, trade.id, Object.values(hashes)),
          refusedWith('trade_already_paid', 'trade'),
        );
        assert.deepEqual(await footprint(world), before, 'the refusal wrote nothing');
        assert.deepEqual(await presentations.list(trade.id, exporter), [accepted]);
        await assert.rejects(
          presentations.list(trade.id, participantActor('bob')),
          refusedWith('trade_not_found'),
        );
      },
    );

    let armed = false;
    withDocuments(
      'a fault after the accepted presentation is written rolls back the posting with it: the money stays reserved',
      async (world) => {
        const { hub, store } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        const before = await footprint(world);
        armed = true;
        await assert.rejects(
          present(world, trade.id, Object.values(hashes)),
          /fault injected after putRecords/,
        );
        armed = false;
        assert.deepEqual(await footprint(world), before, 'nothing of the presentation was written');
        const shipped = await hub.trades.get(trade.id, importer);
        assert.equal(shipped.status, 'shipped');
        const [leg] = await store.getTransfers([shipped.reservation as never]);
        assert.equal(leg?.pendingStatus, 'pending');
        assert.equal((await present(world, trade.id, Object.values(hashes))).status, 'accepted');
      },
      (store) =>
        withFaultAfterPut(
          store,
          (collection, value) => collection === 'presentations' && value.status === 'accepted',
          () => armed,
        ),
    );

    withDocuments(
      'discrepancies are listed, every one, and the money stays reserved; a corrected presentation then pays',
      async (world) => {
        const { hub, store } = world;
        const { trade, hashes } = await shippedCreditTrade(world, { shippedOnBoard: '2026-02-16' });
        const unknown = `sha256:${'0'.repeat(64)}`;
        const discrepant = await present(world, trade.id, [
          hashes.commercial_invoice,
          hashes.bill_of_lading,
          unknown,
        ]);
        assert.equal(discrepant.status, 'discrepant');
        assert.deepEqual(
          discrepant.discrepancies.map((d) => [d.document ?? null, d.check]),
          [
            [hashes.bill_of_lading, 'shipment_date'],
            [unknown, 'stored'],
            [null, 'required_documents'],
          ],
        );
        assert.match(discrepant.discrepancies[2]?.reason ?? '', /requires a certificate of origin/);
        const presented = await hub.trades.get(trade.id, importer);
        assert.equal(presented.status, 'presented');
        assert.equal((await hub.payments.payment(presented.reservation ?? ''))?.status, 'reserved');
        const [leg] = await store.getTransfers([presented.reservation as never]);
        assert.equal(leg?.pendingStatus, 'pending', 'the money stays reserved');
        assert.equal(
          (await hub.caps.status('vtb', 'INR')).headroomMinor,
          10_000_000_00n - 1_500_500_00n,
        );
        // The carrier issues a corrected bill of lading; the exporter presents again.
        const corrected = creditDocuments(trade).bill_of_lading;
        await world.documents.submit(corrected, CLI_ACTOR);
        const accepted = await present(world, trade.id, [
          hashes.commercial_invoice,
          corrected.hash,
          hashes.certificate_of_origin,
        ]);
        assert.equal(accepted.status, 'accepted');
        assert.equal((await hub.trades.get(trade.id, importer)).status, 'paid');
      },
    );

    withDocuments(
      'a bill of lading whose title was surrendered is a discrepancy: the title went back to the carrier for delivery',
      async (world) => {
        const { hub } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        const { titles } = world;
        const entry = (
          seq: number,
          action: 'issue' | 'surrender',
          from: string,
          to: string,
          previous: string | null,
        ) =>
          signTitleEntry(
            {
              format: 'vostro-title-entry/1',
              billOfLading: hashes.bill_of_lading,
              seq,
              action,
              from,
              to,
              at: '2026-02-12T10:00:00Z',
              previous,
            },
            issuerKey(from),
          );
        const issued = entry(0, 'issue', 'sci-carrier', 'indo-pharma', null);
        await titles.record(issued, CLI_ACTOR);
        await titles.record(
          entry(1, 'surrender', 'indo-pharma', 'sci-carrier', issued.hash),
          CLI_ACTOR,
        );
        const discrepant = await present(world, trade.id, Object.values(hashes));
        assert.equal(discrepant.status, 'discrepant');
        assert.deepEqual(
          discrepant.discrepancies.map((d) => [d.document, d.check]),
          [[hashes.bill_of_lading, 'bill_of_lading_not_surrendered']],
        );
        assert.equal((await hub.trades.get(trade.id, importer)).status, 'presented');
      },
    );

    withDocuments(
      'two presentations of one trade at once: exactly one pays, the other is refused as paid',
      async (world) => {
        const { hub, store } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        const results = await Promise.allSettled(
          Array.from({ length: 4 }, () => present(world, trade.id, Object.values(hashes))),
        );
        const accepted = results.filter(
          (result) => result.status === 'fulfilled' && result.value.status === 'accepted',
        );
        assert.equal(accepted.length, 1, 'one presentation pays');
        for (const result of results)
          if (result.status === 'rejected') refusedWith('trade_already_paid')(result.reason);
        assert.equal(results.filter((result) => result.status === 'rejected').length, 3);
        const [exporterAccount] = await store.getAccounts([payee]);
        assert.equal(exporterAccount?.creditsPosted, 1_500_500_00n, 'paid once');
        assert.equal((await hub.trades.get(trade.id, importer)).status, 'paid');
      },
    );

    withDocuments(
      'after the credit expires a presentation is refused and nothing is paid; the importer’s side may not present',
      async (world) => {
        const { hub, clock, store } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        await assert.rejects(
          world.presentations.present(
            { id: newTransferId(), trade: trade.id, documents: Object.values(hashes) },
            participantActor('vtb'),
          ),
          refusedWith('trade_status_conflict', 'trade'),
        );
        clock.set(CREDIT_END_NS + 1_000_000_000n);
        await assert.rejects(
          present(world, trade.id, Object.values(hashes)),
          refusedWith('trade_expired', 'trade'),
        );
        const expired = await hub.trades.get(trade.id, importer);
        assert.equal(expired.status, 'expired');
        const [exporterAccount] = await store.getAccounts([payee]);
        assert.ok(exporterAccount !== undefined);
        assert.equal(exporterAccount.creditsPosted, 0n);
        assert.equal(exporterAccount.creditsPending, 0n);
      },
    );

    withDocuments(
      'a presentation at the last second of the expiry date, before the ledger released the legs, is refused and records the expiry',
      async (world) => {
        const { hub, clock } = world;
        const { trade, hashes } = await shippedCreditTrade(world);
        // The legs' timeout is rounded up to whole seconds: at the end of the expiry date they
        // may still be pending for a moment; the credit has ended all the same.
        clock.set(CREDIT_END_NS);
        const refused = await present(world, trade.id, Object.values(hashes));
        assert.equal(refused.status, 'refused');
        assert.equal(refused.discrepancies[0]?.check, 'credit_expired');
        const expired = await hub.trades.get(trade.id, importer);
        assert.equal(expired.status, 'expired');
        assert.notEqual((await hub.payments.payment(expired.reservation ?? ''))?.status, 'posted');
      },
    );
  });
}
