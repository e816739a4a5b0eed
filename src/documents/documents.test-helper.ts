import { signDocument, type SignedDocument } from './envelope.js';
import type { IssuerEntry, RegisterSnapshot } from './register-snapshot.js';
import { generateKeyPair, type SigningKeyPair } from './signature.js';
import type { DocumentContent, DocumentType } from './types.js';
import type { TradeTerms, VerifyContext } from './verify.js';

/**
 * One trade (Indian steel to a Russian importer, in rupees) with a signed sample of every
 * document type, its issuers in a trust register, and a context that every sample verifies in
 * with no check failing. Keys are made once per test file from fixed seeds (ML-DSA-65 keygen is
 * about 1.5 ms, signing about 6 ms).
 */

export const TRADE_ID = '0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51';
export const OTHER_TRADE_ID = '0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a52';

export const TRADE: TradeTerms = {
  id: TRADE_ID,
  exporter: 'tata-steel',
  importer: 'rusimport',
  currency: 'INR',
  lines: [
    { hs: '720851', quantity: '1000', unit: 't', unitPrice: '900.00' },
    { hs: '721049', quantity: '250', unit: 't', unitPrice: '1200.00' },
  ],
  total: '1200000.00',
  latestShipmentDate: '2026-03-15',
  presentationPeriodDays: 21,
  expiryDate: '2026-04-30',
};

/** A key pair from a fixed seed: the same keys in every run. */
export function keyFrom(seedByte: number): SigningKeyPair {
  return generateKeyPair(new Uint8Array(64).fill(seedByte));
}

interface IssuerSpec {
  readonly id: string;
  readonly role: IssuerEntry['role'];
  readonly country: string;
  readonly documentTypes: DocumentType[];
  readonly participant?: string;
}

const ISSUERS: readonly IssuerSpec[] = [
  { id: 'sci-carrier', role: 'carrier', country: 'IN', documentTypes: ['bill_of_lading'] },
  { id: 'rzd-rail', role: 'carrier', country: 'RU', documentTypes: ['rail_consignment_note'] },
  {
    id: 'fieo',
    role: 'chamber_of_commerce',
    country: 'IN',
    documentTypes: ['certificate_of_origin'],
  },
  { id: 'icici-lombard', role: 'insurer', country: 'IN', documentTypes: ['insurance_certificate'] },
  {
    id: 'in-customs',
    role: 'customs',
    country: 'IN',
    documentTypes: ['export_declaration'],
    participant: 'in-customs',
  },
  {
    id: 'ru-customs',
    role: 'customs',
    country: 'RU',
    documentTypes: ['customs_receipt'],
    participant: 'ru-customs',
  },
  {
    id: 'tata-steel',
    role: 'exporter',
    country: 'IN',
    documentTypes: ['commercial_invoice', 'packing_list'],
    participant: 'tata-steel',
  },
  { id: 'rusimport', role: 'importer', country: 'RU', documentTypes: [], participant: 'rusimport' },
  { id: 'sbi', role: 'bank', country: 'IN', documentTypes: [], participant: 'sbi' },
  { id: 'vtb-bank', role: 'bank', country: 'RU', documentTypes: [], participant: 'vtb-bank' },
];

/** Every issuer's key, by issuer id. */
export const KEYS: ReadonlyMap<string, SigningKeyPair> = new Map(
  ISSUERS.map((issuer, index) => [issuer.id, keyFrom(index + 1)]),
);

export function keyOf(issuer: string): SigningKeyPair {
  const key = KEYS.get(issuer);
  if (key === undefined) throw new Error(`no test key for ${issuer}`);
  return key;
}

export const KEY_VALID_FROM = '2026-01-01T00:00:00Z';
export const KEY_VALID_TO = '2027-01-01T00:00:00Z';

/** A register holding every issuer above, each with its one key, valid through 2026. */
export function sampleRegister(): RegisterSnapshot {
  return {
    format: 'vostro-trust-register/1',
    exportedAt: '2026-03-01T00:00:00Z',
    issuers: ISSUERS.map((issuer) => ({
      id: issuer.id,
      name: `${issuer.id} (test)`,
      role: issuer.role,
      country: issuer.country,
      documentTypes: [...issuer.documentTypes],
      ...(issuer.participant === undefined ? {} : { participant: issuer.participant }),
      keys: [
        {
          keyId: keyOf(issuer.id).keyId,
          publicKey: keyOf(issuer.id).publicKey,
          validFrom: KEY_VALID_FROM,
          validTo: KEY_VALID_TO,
        },
      ],
    })),
  };
}

const header = <T extends DocumentType>(type: T, issuer: string, number: string) => ({
  type,
  version: 1 as const,
  trade: TRADE_ID,
  number,
  issuer,
  issuedAt: '2026-03-10T09:30:00+05:30',
});

const steel = [
  { hs: '720851', description: 'Hot-rolled steel plates, 10 mm', quantity: '1000', unit: 't' },
  { hs: '721049', description: 'Galvanised steel sheet', quantity: '250', unit: 't' },
];

/** A well-formed content of each type, consistent with TRADE. */
export function sampleContents(): { [T in DocumentType]: Extract<DocumentContent, { type: T }> } {
  return {
    commercial_invoice: {
      ...header('commercial_invoice', 'tata-steel', 'INV-2026-0042'),
      seller: 'tata-steel',
      buyer: 'rusimport',
      currency: 'INR',
      lines: [
        { ...steel[0]!, unitPrice: '900.00', amount: '900000.00' },
        { ...steel[1]!, unitPrice: '1200.00', amount: '300000.00' },
      ],
      total: '1200000.00',
    },
    packing_list: {
      ...header('packing_list', 'tata-steel', 'PL-2026-0042'),
      lines: [
        { ...steel[0]!, packages: 40, grossKg: '1002500' },
        { ...steel[1]!, packages: 10, grossKg: '251000.5' },
      ],
    },
    certificate_of_origin: {
      ...header('certificate_of_origin', 'fieo', 'COO/IN/2026/7781'),
      originCountry: 'IN',
      exporter: 'tata-steel',
      consignee: 'rusimport',
      lines: steel.map((line) => ({ ...line })),
    },
    bill_of_lading: {
      ...header('bill_of_lading', 'sci-carrier', 'SCI-NSA-2026-1187'),
      shipper: 'tata-steel',
      consignee: 'rusimport',
      toOrder: false,
      carrier: 'sci-carrier',
      vessel: 'MV Vishva Prerna',
      portOfLoading: 'Nhava Sheva (INNSA)',
      portOfDischarge: 'Novorossiysk (RUNVS)',
      shippedOnBoard: '2026-03-12',
      lines: steel.map((line) => ({ ...line })),
    },
    rail_consignment_note: {
      ...header('rail_consignment_note', 'rzd-rail', 'SMGS-77120'),
      convention: 'SMGS',
      consignor: 'tata-steel',
      consignee: 'rusimport',
      stationFrom: 'Astara (AZ)',
      stationTo: 'Moskva-Tovarnaya',
      acceptedAt: '2026-03-14',
      lines: steel.map((line) => ({ ...line })),
    },
    insurance_certificate: {
      ...header('insurance_certificate', 'icici-lombard', 'ICL-MC-2026-3312'),
      insured: 'tata-steel',
      currency: 'INR',
      insuredAmount: '1320000.00',
      covers: 'ICC(A)',
    },
    export_declaration: {
      ...header('export_declaration', 'in-customs', 'SB-INNSA-2026-556102'),
      exporter: 'tata-steel',
      importer: 'rusimport',
      exportCountry: 'IN',
      importCountry: 'RU',
      addressedTo: 'ru-customs',
      shippingBill: '5561020',
      portOfExport: 'Nhava Sheva (INNSA)',
      lines: [
        { ...steel[0]!, value: '900000.00' },
        { ...steel[1]!, value: '300000.00' },
      ],
      currency: 'INR',
      totalValue: '1200000.00',
    },
    customs_receipt: {
      ...header('customs_receipt', 'ru-customs', 'FCS-RCPT-2026-0091'),
      receivedDeclaration: `sha256:${'ab'.repeat(32)}`,
      receivedBy: 'ru-customs',
      receivedAt: '2026-03-11T12:00:00+03:00',
    },
  };
}

/** Signs `content` with its issuer's key. */
export function signAs(content: DocumentContent, issuer = content.issuer): SignedDocument {
  return signDocument(content, keyOf(issuer));
}

/** A context in which every sample verifies: received and presented within every window. */
export function sampleContext(overrides: Partial<VerifyContext> = {}): VerifyContext {
  return {
    register: sampleRegister(),
    receivedAt: '2026-03-16T10:00:00Z',
    trade: TRADE,
    presentedAt: '2026-03-20T10:00:00Z',
    titleSurrendered: false,
    ...overrides,
  };
}

/** A deep copy of a JSON value, to change without touching the original. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
