import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI_ACTOR } from '../domain/actor.js';
import { signDocument, type SignedDocument } from '../documents/envelope.js';
import { generateKeyPair, type SigningKeyPair } from '../documents/signature.js';
import type { DocumentContent, DocumentType } from '../documents/types.js';
import { newTransferId } from '../ledger/ids.js';
import {
  creditDocuments,
  creditTrade,
  customerAccount,
  issuerKey,
  openTradeWorld,
  participantActor,
  registerIssuers,
} from '../store/conformance/trade.cases.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { TradeInput } from '../trade/trades.js';

/**
 * Documentary payment as a bank sees it: a trade on documentary-credit terms is agreed (the
 * importer's bank reserves the amount), shipped, and its six documents — commercial invoice,
 * packing list, certificate of origin, bill of lading, rail consignment note for the INSTC leg and
 * insurance certificate, each signed by its issuer with ML-DSA-65 + Ed25519 — are submitted.
 * What is timed is the presentation alone: the six documents verified (signatures on the hub's
 * worker threads), the credit's required set checked, and the reserved payment posted in the same
 * store transaction as the presentation record and its audit entry. On a real SQLite store in a
 * temporary directory, through the Hub as the API and the CLI use it. Every presentation must be
 * accepted (the trade paid), or the run fails. The first presentation, which starts the worker
 * threads, is not counted.
 */
export async function presentationLatencies(
  budgetMs: number,
  maxPresentations: number,
): Promise<{ latenciesMs: number[]; preparationMs: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'vostro-bench-presentation-'));
  const world = await openTradeWorld(new SqliteStore({ path: join(directory, 'bench.db') }));
  const { hub, clock } = world;
  try {
    const cli = CLI_ACTOR;
    // Room for every credit: the importer's rupees and its bank's net debit cap.
    await hub.payments.fund(
      {
        id: newTransferId(),
        account: customerAccount('rus-med', 'INR'),
        amount: 10_000_000_000_00n,
        reference: 'bench deposit',
      },
      cli,
    );
    await hub.caps.set('vtb', 'INR', 10_000_000_000_00n, cli);
    await registerIssuers(hub.register);
    const keys = new Map<string, SigningKeyPair>([['indo-pharma', issuerKey('indo-pharma')]]);
    for (const [index, issuer] of EXTRA_ISSUERS.entries()) {
      const key = generateKeyPair(new Uint8Array(64).fill(index + 101));
      keys.set(issuer.id, key);
      await hub.register.addIssuer({ ...issuer, documentTypes: [...issuer.documentTypes] }, cli);
      await hub.register.addKey(
        issuer.id,
        {
          publicKey: key.publicKey,
          validFrom: '2026-01-01T00:00:00Z',
          validTo: '2027-01-01T00:00:00Z',
        },
        cli,
      );
    }
    const latenciesMs: number[] = [];
    let preparationMs = 0;
    // The first presentation starts the verifier's worker threads: a warm-up, not counted.
    let warmedUp = false;
    const started = performance.now();
    while (latenciesMs.length < maxPresentations && performance.now() - started < budgetMs) {
      const prepared = performance.now();
      clock.set(START_NS);
      const trade = creditTrade({
        paymentTerms: {
          ...(creditTrade().paymentTerms as Extract<
            TradeInput['paymentTerms'],
            { kind: 'documentary_credit' }
          >),
          requiredDocuments: [...REQUIRED],
        },
      });
      await hub.trades.create(trade, participantActor('rus-med'));
      await hub.trades.agree(trade.id, participantActor('indo-pharma'));
      await hub.trades.ship(trade.id, participantActor('indo-pharma'));
      clock.set(SUBMITTED_NS);
      const hashes: string[] = [];
      for (const document of sixDocuments(trade, keys)) {
        const { document: stored } = await hub.documents.submit(document, cli);
        hashes.push(stored.hash);
      }
      clock.set(PRESENTED_NS);
      preparationMs += performance.now() - prepared;
      const before = performance.now();
      const presentation = await hub.presentations.present(
        { id: newTransferId(), trade: trade.id, documents: hashes },
        participantActor('indo-pharma'),
      );
      if (warmedUp) latenciesMs.push(performance.now() - before);
      warmedUp = true;
      if (presentation.status !== 'accepted')
        throw new Error(
          `the benchmark presentation was ${presentation.status}: ${JSON.stringify(presentation.discrepancies)}`,
        );
    }
    return { latenciesMs, preparationMs };
  } finally {
    await world.store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** 2026-01-01, 2026-02-12 and 2026-02-19 (UTC): agreed, documents received, presented. */
const START_NS = 1_767_225_600_000_000_000n;
const SUBMITTED_NS = 1_770_854_400_000_000_000n;
const PRESENTED_NS = SUBMITTED_NS + 7n * 86_400n * 1_000_000_000n;

const REQUIRED: readonly DocumentType[] = [
  'commercial_invoice',
  'packing_list',
  'certificate_of_origin',
  'bill_of_lading',
  'rail_consignment_note',
  'insurance_certificate',
];

/** The issuers creditDocuments' three do not cover (registerIssuers registers the carrier, the chamber and the exporter). */
const EXTRA_ISSUERS = [
  {
    id: 'bench-rail',
    name: 'Russian Railways',
    role: 'carrier',
    country: 'RU',
    documentTypes: ['rail_consignment_note'],
  },
  {
    id: 'bench-insurer',
    name: 'New India Assurance',
    role: 'insurer',
    country: 'IN',
    documentTypes: ['insurance_certificate'],
  },
] as const;

/**
 * The six documents of creditTrade's goods (1,500,500.00 INR): creditDocuments' invoice, bill of
 * lading (shipped on 2026-02-10) and certificate of origin, and a packing list, an SMGS rail note
 * and an insurance certificate.
 */
function sixDocuments(
  trade: TradeInput,
  keys: ReadonlyMap<string, SigningKeyPair>,
): SignedDocument[] {
  const header = (type: DocumentType, issuer: string, number: string) => ({
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
  const more = [
    {
      ...header('packing_list', 'indo-pharma', 'PL-B-1'),
      lines: goods.map((line) => ({ ...line, packages: 20, grossKg: '2600' })),
    },
    {
      ...header('rail_consignment_note', 'bench-rail', 'SMGS-B-1'),
      convention: 'SMGS',
      consignor: trade.exporter,
      consignee: trade.importer,
      stationFrom: 'Astara (AZ)',
      stationTo: 'Moskva-Tovarnaya',
      acceptedAt: '2026-02-12',
      lines: goods,
    },
    {
      ...header('insurance_certificate', 'bench-insurer', 'INS-B-1'),
      insured: trade.exporter,
      currency: trade.currency,
      insuredAmount: '1650550.00',
      covers: 'ICC(A)',
    },
  ] as DocumentContent[];
  return [
    ...Object.values(creditDocuments(trade)),
    ...more.map((content) => {
      const key = keys.get(content.issuer);
      if (key === undefined) throw new Error(`bug: no bench key for ${content.issuer}`);
      return signDocument(content, key);
    }),
  ];
}
