import { CLI_ACTOR } from '../domain/actor.js';
import { sha256Hex } from '../documents/canonical.js';
import { signDocument } from '../documents/envelope.js';
import { generateKeyPair, type SigningKeyPair } from '../documents/signature.js';
import type { DocumentContent } from '../documents/types.js';
import type { Hub } from '../hub/hub.js';
import { derivedId, type AccountId } from '../ledger/ids.js';
import type { IssuerInput } from '../trade/register.js';
import type { TradeInput } from '../trade/trades.js';

/**
 * The trade half of the demo (`vostro start`): Uralchem, a Russian fertiliser maker, sells urea and
 * potash to Chambal Fertilisers in India, paid in rupees into Sberbank's Special Rupee Vostro
 * Account at SBI under two documentary credits. Its documents are signed by their issuers — the
 * carrier FESCO, the Chamber of Commerce and Industry of the Russian Federation, the insurer
 * Ingosstrakh and Uralchem itself — with hybrid ML-DSA-65 + Ed25519 keys registered in the trust
 * register. The first trade's presentation verifies and its payment posts; the second's invoice
 * bills more than the trade's price, so its presentation is discrepant and the money stays
 * reserved. Dates are relative to today, so that the credits are open whenever the demo starts.
 *
 * The demo's signing keys are derived from the issuers' names: anyone can make them, which is
 * right for a demo and nothing else. Real issuers make theirs with `vostro signing-key generate`
 * and keep them.
 */
export async function seedDemoTrades(
  hub: Hub,
  accounts: { readonly payer: AccountId; readonly payee: AccountId },
): Promise<void> {
  const cli = CLI_ACTOR;
  const today = Date.now();
  const day = (offset: number): string =>
    new Date(today + offset * 86_400_000).toISOString().slice(0, 10);
  const keys = new Map<string, SigningKeyPair>();
  for (const issuer of ISSUERS) {
    const key = demoKey(issuer.id);
    keys.set(issuer.id, key);
    await hub.register.addIssuer(issuer, cli);
    await hub.register.addKey(
      issuer.id,
      {
        publicKey: key.publicKey,
        validFrom: `${day(-30)}T00:00:00Z`,
        validTo: `${day(365)}T00:00:00Z`,
      },
      cli,
    );
  }
  const sign = (content: DocumentContent) => {
    const key = keys.get(content.issuer);
    if (key === undefined) throw new Error(`bug: no demo key for ${content.issuer}`);
    return signDocument(content, key);
  };
  for (const spec of TRADES) {
    const trade: TradeInput = {
      id: demoId(`trade:${spec.number}`),
      exporter: 'uralchem',
      importer: 'chambal',
      currency: 'INR',
      lines: [spec.line],
      incoterm: { rule: 'CIF', place: 'Kandla' },
      latestShipmentDate: day(20),
      corridor: { summary: 'RUNVS -sea (Suez)-> INIXY', days: 24, distanceKm: 8300 },
      paymentTerms: {
        kind: 'documentary_credit',
        requiredDocuments: [
          'commercial_invoice',
          'bill_of_lading',
          'certificate_of_origin',
          'insurance_certificate',
        ],
        presentationPeriodDays: 21,
        expiryDate: day(60),
        payer: accounts.payer,
        payee: accounts.payee,
      },
    };
    const recorded = await hub.trades.create(trade, cli);
    await hub.trades.agree(recorded.id, cli);
    await hub.trades.ship(recorded.id, cli);
    const total = spec.invoiceTotal;
    const header = (type: DocumentContent['type'], issuer: string, number: string) => ({
      type,
      version: 1 as const,
      trade: recorded.id,
      number,
      issuer,
      issuedAt: `${day(-2)}T10:00:00Z`,
    });
    const goods = [
      {
        hs: spec.line.hs,
        description: spec.line.description,
        quantity: spec.line.quantity,
        unit: spec.line.unit,
      },
    ];
    const documents: DocumentContent[] = [
      {
        ...header('commercial_invoice', 'uralchem', `UC-INV-${spec.number}`),
        type: 'commercial_invoice',
        seller: 'uralchem',
        buyer: 'chambal',
        currency: 'INR',
        lines: [{ ...goods[0]!, unitPrice: spec.invoiceUnitPrice, amount: total }],
        total,
      },
      {
        ...header('bill_of_lading', 'fesco', `FESCO-NVS-${spec.number}`),
        type: 'bill_of_lading',
        shipper: 'uralchem',
        consignee: 'chambal',
        toOrder: false,
        carrier: 'fesco',
        vessel: 'MV FESCO Diomid',
        portOfLoading: 'Novorossiysk (RUNVS)',
        portOfDischarge: 'Kandla (INIXY)',
        shippedOnBoard: day(-3),
        lines: goods,
      },
      {
        ...header('certificate_of_origin', 'tpprf', `TPP-RF-${spec.number}`),
        type: 'certificate_of_origin',
        originCountry: 'RU',
        exporter: 'uralchem',
        consignee: 'chambal',
        lines: goods,
      },
      {
        ...header('insurance_certificate', 'ingosstrakh', `IGS-MC-${spec.number}`),
        type: 'insurance_certificate',
        insured: 'chambal',
        currency: 'INR',
        insuredAmount: spec.insuredAmount,
        covers: 'ICC(A)',
      },
    ] as DocumentContent[];
    const hashes: string[] = [];
    for (const content of documents) {
      const submitted = await hub.documents.submit(sign(content), cli);
      hashes.push(submitted.document.hash);
    }
    await hub.presentations.present(
      { id: demoId(`presentation:${spec.number}`), trade: recorded.id, documents: hashes },
      cli,
    );
  }
}

/**
 * The other direction of the demo's trade: Tata Steel sells seamless line pipe to Uralchem, for a
 * plant's pipelines, in rupees on documents against payment (a documentary collection: no credit,
 * so no money moves when the documents are submitted). Shipped from Nhava Sheva to Novorossiysk by
 * FESCO, its invoice signed by Tata Steel, its certificate of Indian origin by the Federation of
 * Indian Export Organisations, its bill of lading by FESCO; all three verify. Only Tata Steel,
 * Uralchem and their banks (SBI, Sberbank) see it: the Chambal trades are not Tata Steel's.
 * Adds issuers, a trade and documents: no participant, account, transfer or event.
 */
export async function seedDemoExportTrade(hub: Hub): Promise<void> {
  const cli = CLI_ACTOR;
  const today = Date.now();
  const day = (offset: number): string =>
    new Date(today + offset * 86_400_000).toISOString().slice(0, 10);
  for (const issuer of EXPORT_ISSUERS) {
    await hub.register.addIssuer(issuer, cli);
    await hub.register.addKey(
      issuer.id,
      {
        publicKey: demoKey(issuer.id).publicKey,
        validFrom: `${day(-30)}T00:00:00Z`,
        validTo: `${day(365)}T00:00:00Z`,
      },
      cli,
    );
  }
  const line = {
    hs: '730419',
    description: 'Seamless line pipe, API 5L X52, 273 mm',
    quantity: '800',
    unit: 'TNE',
    unitPrice: '92000.00',
  };
  const recorded = await hub.trades.create(
    {
      id: demoId('trade:TSL-EXP-2026-0117'),
      exporter: 'tata-steel',
      importer: 'uralchem',
      currency: 'INR',
      lines: [line],
      incoterm: { rule: 'CIF', place: 'Novorossiysk' },
      latestShipmentDate: day(15),
      corridor: { summary: 'INNSA -sea (Suez)-> RUNVS', days: 26, distanceKm: 7600 },
      paymentTerms: { kind: 'documentary_collection' },
    },
    cli,
  );
  await hub.trades.agree(recorded.id, cli);
  await hub.trades.ship(recorded.id, cli);
  const header = (issuer: string, number: string) => ({
    version: 1 as const,
    trade: recorded.id,
    number,
    issuer,
    issuedAt: `${day(-1)}T09:30:00Z`,
  });
  const goods = [
    { hs: line.hs, description: line.description, quantity: line.quantity, unit: line.unit },
  ];
  const documents: DocumentContent[] = [
    {
      ...header('tata-steel', 'TSL-EXP-2026-0117'),
      type: 'commercial_invoice',
      seller: 'tata-steel',
      buyer: 'uralchem',
      currency: 'INR',
      lines: [{ ...goods[0]!, unitPrice: line.unitPrice, amount: '73600000.00' }],
      total: '73600000.00',
    },
    {
      ...header('fieo', 'FIEO-COO-2026-55812'),
      type: 'certificate_of_origin',
      originCountry: 'IN',
      exporter: 'tata-steel',
      consignee: 'uralchem',
      lines: goods,
    },
    {
      ...header('fesco', 'FESCO-NSA-2026-0117'),
      type: 'bill_of_lading',
      shipper: 'tata-steel',
      consignee: 'uralchem',
      toOrder: false,
      carrier: 'fesco',
      vessel: 'MV FESCO Dalnegorsk',
      portOfLoading: 'Nhava Sheva (INNSA)',
      portOfDischarge: 'Novorossiysk (RUNVS)',
      shippedOnBoard: day(-1),
      lines: goods,
    },
  ];
  for (const content of documents)
    await hub.documents.submit(signDocument(content, demoKey(content.issuer)), cli);
}

/** The Indian exporter and chamber of the export trade (FESCO, registered already, carries it). */
const EXPORT_ISSUERS: readonly IssuerInput[] = [
  {
    id: 'tata-steel',
    name: 'Tata Steel',
    role: 'exporter',
    country: 'IN',
    documentTypes: ['commercial_invoice', 'packing_list'],
    participant: 'tata-steel',
  },
  {
    id: 'fieo',
    name: 'Federation of Indian Export Organisations',
    role: 'chamber_of_commerce',
    country: 'IN',
    documentTypes: ['certificate_of_origin'],
  },
];

/** The demo's document issuers: a carrier, a chamber of commerce, an insurer and the exporter. */
const ISSUERS: readonly IssuerInput[] = [
  {
    id: 'fesco',
    name: 'FESCO Transportation Group',
    role: 'carrier',
    country: 'RU',
    documentTypes: ['bill_of_lading'],
  },
  {
    id: 'tpprf',
    name: 'Chamber of Commerce and Industry of the Russian Federation',
    role: 'chamber_of_commerce',
    country: 'RU',
    documentTypes: ['certificate_of_origin'],
  },
  {
    id: 'ingosstrakh',
    name: 'Ingosstrakh Insurance',
    role: 'insurer',
    country: 'RU',
    documentTypes: ['insurance_certificate'],
  },
  {
    id: 'uralchem',
    name: 'Uralchem',
    role: 'exporter',
    country: 'RU',
    documentTypes: ['commercial_invoice', 'packing_list'],
    participant: 'uralchem',
  },
];

/** Two urea and potash trades: the first's documents agree with it, the second's invoice bills more than agreed. */
const TRADES = [
  {
    number: '2026-0301',
    line: {
      hs: '310210',
      description: 'Urea, granular, 46% N',
      quantity: '2500',
      unit: 'TNE',
      unitPrice: '31500.00',
    },
    invoiceUnitPrice: '31500.00',
    invoiceTotal: '78750000.00',
    insuredAmount: '86625000.00',
  },
  {
    number: '2026-0302',
    line: {
      hs: '310420',
      description: 'Potassium chloride (muriate of potash)',
      quantity: '1200',
      unit: 'TNE',
      unitPrice: '27000.00',
    },
    invoiceUnitPrice: '27500.00',
    invoiceTotal: '33000000.00',
    insuredAmount: '35640000.00',
  },
] as const;

/** A key pair derived from the issuer's id: 64 bytes of seed from two SHA-256 hashes of its name. */
function demoKey(issuer: string): SigningKeyPair {
  const hex =
    sha256Hex(`vostro demo signing key ${issuer} 1`) +
    sha256Hex(`vostro demo signing key ${issuer} 2`);
  return generateKeyPair(Uint8Array.from(Buffer.from(hex, 'hex')));
}

function demoId(name: string): string {
  return derivedId(`vostro:demo:${name}`);
}
