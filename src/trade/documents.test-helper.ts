import { signTitleEntry, type TitleEntryContent } from '../documents/bill-of-lading.js';
import { signDocument, type SignedDocument } from '../documents/envelope.js';
import type { SigningKeyPair } from '../documents/signature.js';
import type {
  BillOfLading,
  CommercialInvoice,
  CustomsReceipt,
  DocumentContent,
  ExportDeclaration,
} from '../documents/types.js';
import type { ManualClock } from '../ledger/clock.js';
import type { Ledger } from '../ledger/ledger.js';
import type { ParticipantRegistry } from '../participants/registry.js';
import { PaymentService } from '../settlement/payments.js';
import { TrustRegister } from './register.js';
import { TitleService } from './titles.js';
import { TradeDocumentService } from './trade-documents.js';
import { TradeService, type TradeRecord } from './trades.js';
import { operator, testKey, withLedger, type OpenStore } from './trade.test-helper.js';

/**
 * A trade with its document issuers, for the tests of document submission, customs data exchange
 * and title transfer: Tata Steel (IN, at SBI) sells 1,500 t of steel plate to Severstal (RU, at
 * VTB) for INR 78,000,000.00, CIF Novorossiysk. The register holds the carrier, both customs
 * authorities, both corporates and both banks, each with its own key; the corporates and banks
 * are issuers under their participant ids, so that they can hold a bill of lading's title.
 */
export interface TradeFixture {
  readonly ledger: Ledger;
  readonly clock: ManualClock;
  readonly register: TrustRegister;
  readonly trades: TradeService;
  readonly documents: TradeDocumentService;
  readonly titles: TitleService;
  readonly trade: TradeRecord;
}

export const TRADE_ID = '0190f0a1-7c3e-7000-8000-00000000a001';

/** Issuer id → its key (made once per test file). */
export const KEYS = {
  maersk: () => testKey(11),
  'in-cbic': () => testKey(12),
  'ru-fts': () => testKey(13),
  tata: () => testKey(14),
  severstal: () => testKey(15),
  sbi: () => testKey(16),
  vtb: () => testKey(17),
} as const satisfies Record<string, () => SigningKeyPair>;
export type IssuerId = keyof typeof KEYS;

const ISSUERS = [
  {
    id: 'maersk',
    name: 'Maersk Line',
    role: 'carrier',
    country: 'IN',
    documentTypes: ['bill_of_lading'],
  },
  {
    id: 'in-cbic',
    name: 'CBIC',
    role: 'customs',
    country: 'IN',
    documentTypes: ['export_declaration', 'customs_receipt'],
    participant: 'in-customs',
  },
  {
    id: 'ru-fts',
    name: 'Federal Customs Service',
    role: 'customs',
    country: 'RU',
    documentTypes: ['export_declaration', 'customs_receipt'],
    participant: 'ru-customs',
  },
  {
    id: 'tata',
    name: 'Tata Steel',
    role: 'exporter',
    country: 'IN',
    documentTypes: ['commercial_invoice', 'packing_list'],
    participant: 'tata',
  },
  {
    id: 'severstal',
    name: 'Severstal',
    role: 'importer',
    country: 'RU',
    documentTypes: [],
    participant: 'severstal',
  },
  {
    id: 'sbi',
    name: 'State Bank of India',
    role: 'bank',
    country: 'IN',
    documentTypes: [],
    participant: 'sbi',
  },
  {
    id: 'vtb',
    name: 'VTB Bank',
    role: 'bank',
    country: 'RU',
    documentTypes: [],
    participant: 'vtb',
  },
] as const;

export async function withTrade(
  open: OpenStore,
  body: (fixture: TradeFixture) => Promise<void>,
): Promise<void> {
  await withLedger(open, async (ledger, clock, participants) => {
    const fixture = await tradeFixture(ledger, clock, participants);
    await body(fixture);
  });
}

async function tradeFixture(
  ledger: Ledger,
  clock: ManualClock,
  participants: ParticipantRegistry,
): Promise<TradeFixture> {
  // A participant that is no party to the trade, to be refused.
  await participants.create(
    {
      id: 'infosys',
      name: 'Infosys',
      kind: 'corporate',
      country: 'IN',
      bank: 'sbi',
      currencies: ['INR'],
    },
    operator,
  );
  const register = new TrustRegister(ledger);
  for (const issuer of ISSUERS) {
    await register.addIssuer({ ...issuer, documentTypes: [...issuer.documentTypes] }, operator);
    await register.addKey(
      issuer.id,
      {
        publicKey: KEYS[issuer.id]().publicKey,
        validFrom: '2026-01-01T00:00:00Z',
        validTo: '2028-01-01T00:00:00Z',
      },
      operator,
    );
  }
  const trades = new TradeService(ledger, participants, new PaymentService(ledger, participants));
  const trade = await trades.create(
    {
      id: TRADE_ID,
      exporter: 'tata',
      importer: 'severstal',
      currency: 'INR',
      lines: [
        {
          hs: '720851',
          description: 'hot-rolled steel plate, over 10 mm',
          quantity: '1500',
          unit: 't',
          unitPrice: '52000.00',
        },
      ],
      incoterm: { rule: 'CIF', place: 'Novorossiysk' },
      latestShipmentDate: '2026-04-30',
      paymentTerms: { kind: 'advance' },
    },
    operator,
  );
  const documents = new TradeDocumentService(ledger, register, trades);
  const titles = new TitleService(ledger, register);
  return { ledger, clock, register, trades, documents, titles, trade };
}

const header = { version: 1, trade: TRADE_ID, issuedAt: '2026-03-01T10:00:00Z' } as const;
const goods = {
  hs: '720851',
  description: 'hot-rolled steel plate, over 10 mm',
  quantity: '1500',
  unit: 't',
};

export function invoice(overrides: Partial<CommercialInvoice> = {}): CommercialInvoice {
  return {
    ...header,
    type: 'commercial_invoice',
    number: 'TS/2026/0042',
    issuer: 'tata',
    seller: 'tata',
    buyer: 'severstal',
    currency: 'INR',
    lines: [{ ...goods, unitPrice: '52000.00', amount: '78000000.00' }],
    total: '78000000.00',
    ...overrides,
  };
}

export function declaration(overrides: Partial<ExportDeclaration> = {}): ExportDeclaration {
  return {
    ...header,
    type: 'export_declaration',
    number: 'SB-4417-2026',
    issuer: 'in-cbic',
    exporter: 'tata',
    importer: 'severstal',
    exportCountry: 'IN',
    importCountry: 'RU',
    addressedTo: 'ru-customs',
    shippingBill: '4417/2026',
    portOfExport: 'Nhava Sheva',
    lines: [{ ...goods, value: '78000000.00' }],
    currency: 'INR',
    totalValue: '78000000.00',
    ...overrides,
  };
}

export function receipt(
  declarationHash: string,
  overrides: Partial<CustomsReceipt> = {},
): CustomsReceipt {
  return {
    ...header,
    type: 'customs_receipt',
    number: 'FTS-R-0091',
    issuer: 'ru-fts',
    receivedDeclaration: declarationHash,
    receivedBy: 'ru-customs',
    receivedAt: '2026-03-03T08:00:00Z',
    ...overrides,
  };
}

export function billOfLading(overrides: Partial<BillOfLading> = {}): BillOfLading {
  return {
    ...header,
    type: 'bill_of_lading',
    number: 'MAEU-240311-7',
    issuer: 'maersk',
    shipper: 'tata',
    toOrder: true,
    carrier: 'maersk',
    vessel: 'Maersk Kensington',
    portOfLoading: 'Nhava Sheva',
    portOfDischarge: 'Novorossiysk',
    shippedOnBoard: '2026-03-02',
    lines: [goods],
    ...overrides,
  };
}

/** `content` signed with the key of the issuer it names (or `key`). */
export function signed(content: DocumentContent, key?: SigningKeyPair): SignedDocument {
  return signDocument(content, key ?? KEYS[content.issuer as IssuerId]());
}

/** A title entry signed by its `from` (or `key`). */
export function entry(
  content: Omit<TitleEntryContent, 'format'>,
  key?: SigningKeyPair,
): ReturnType<typeof signTitleEntry> {
  return signTitleEntry(
    { format: 'vostro-title-entry/1', ...content },
    key ?? KEYS[content.from as IssuerId](),
  );
}
