import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { documentHash } from './canonical.js';
import {
  copy,
  keyFrom,
  keyOf,
  OTHER_TRADE_ID,
  sampleContents,
  sampleContext,
  sampleRegister,
  signAs,
  TRADE,
  TRADE_ID,
} from './documents.test-helper.js';
import { DOCUMENT_MAX_BYTES, signDocument, type SignedDocument } from './envelope.js';
import type { IssuerEntry, RegisterSnapshot } from './register-snapshot.js';
import { fromBase64, toBase64 } from './signature.js';
import { DOCUMENT_TYPES, type DocumentContent, type DocumentType } from './types.js';
import {
  verifyDocument,
  type Check,
  type CheckName,
  type VerificationReport,
  type VerifyContext,
} from './verify.js';

// Signed once for the file: ML-DSA-65 signing costs about 6 ms a document.
const SIGNED = Object.fromEntries(
  Object.values(sampleContents()).map((content) => [content.type, signAs(content)]),
) as Record<DocumentType, SignedDocument>;
const signed = (type: DocumentType): SignedDocument => copy(SIGNED[type]);

function check(report: VerificationReport, name: CheckName): Check {
  const found = report.checks.find((c) => c.name === name);
  assert.ok(found !== undefined, `no ${name} check`);
  return found;
}
const status = (report: VerificationReport, name: CheckName) => check(report, name).status;
const reason = (report: VerificationReport, name: CheckName) => check(report, name).reason;
const failed = (report: VerificationReport) =>
  report.checks.filter((c) => c.status === 'fail').map((c) => c.name);

/** Re-signs `content` (changed from a sample) as `issuer` would, and verifies it. */
function verifyContent(
  content: DocumentContent,
  context: Partial<VerifyContext> = {},
  issuer = content.issuer,
): VerificationReport {
  return verifyDocument(signDocument(content, keyOf(issuer)), sampleContext(context));
}

/** A register with one issuer changed. */
function registerWith(id: string, change: (issuer: IssuerEntry) => void): RegisterSnapshot {
  const register = sampleRegister();
  const issuer = register.issuers.find((i) => i.id === id);
  assert.ok(issuer !== undefined);
  change(issuer);
  return register;
}

/** Which checks do not apply to a type (skipped); every other check passes. */
const NOT_APPLICABLE: Record<DocumentType, CheckName[]> = {
  commercial_invoice: ['bill_of_lading_not_surrendered', 'shipment_date'],
  packing_list: [
    'bill_of_lading_not_surrendered',
    'trade_amounts',
    'trade_currency',
    'shipment_date',
  ],
  certificate_of_origin: [
    'bill_of_lading_not_surrendered',
    'trade_amounts',
    'trade_currency',
    'shipment_date',
  ],
  bill_of_lading: ['trade_amounts', 'trade_currency'],
  rail_consignment_note: ['bill_of_lading_not_surrendered', 'trade_amounts', 'trade_currency'],
  insurance_certificate: ['bill_of_lading_not_surrendered', 'trade_goods', 'shipment_date'],
  export_declaration: ['bill_of_lading_not_surrendered', 'shipment_date'],
  customs_receipt: [
    'bill_of_lading_not_surrendered',
    'trade_parties',
    'trade_goods',
    'trade_amounts',
    'trade_currency',
    'shipment_date',
  ],
};

describe('verifyDocument: signed samples', () => {
  for (const type of DOCUMENT_TYPES) {
    it(`a signed ${type.replaceAll('_', ' ')} passes every check that applies to it`, () => {
      const document = signed(type);
      const report = verifyDocument(document, sampleContext());
      assert.equal(report.valid, true, JSON.stringify(report.checks, null, 1));
      assert.equal(report.hash, document.hash);
      assert.equal(report.type, type);
      assert.equal(report.trade, TRADE_ID);
      assert.equal(report.checks.length, 17);
      for (const { name, status: got, reason: why } of report.checks) {
        const expected = NOT_APPLICABLE[type].includes(name) ? 'skipped' : 'pass';
        assert.equal(got, expected, `${name}: ${why}`);
        assert.ok(why.length > 10, `${name} gives a reason`);
      }
    });
  }

  it('reads the document as JSON text or UTF-8 bytes as it reads the parsed value', () => {
    const document = signed('commercial_invoice');
    const report = verifyDocument(document, sampleContext());
    const text = JSON.stringify(document);
    assert.deepEqual(verifyDocument(text, sampleContext()), report);
    assert.deepEqual(verifyDocument(new TextEncoder().encode(text), sampleContext()), report);
  });

  it('skips the trade checks, saying so, when no trade is given, and is then still valid', () => {
    const report = verifyDocument(signed('bill_of_lading'), {
      register: sampleRegister(),
      receivedAt: '2026-03-16T10:00:00Z',
    });
    assert.equal(report.valid, true);
    for (const name of [
      'trade_match',
      'trade_parties',
      'trade_goods',
      'trade_amounts',
      'trade_currency',
      'shipment_date',
      'presentation_period',
    ] as const) {
      assert.deepEqual(check(report, name), {
        name,
        status: 'skipped',
        reason: 'not checked: no trade was given to check the document against',
      });
    }
    assert.equal(
      reason(report, 'bill_of_lading_not_surrendered'),
      'not checked: no title chain was given to say whether it was surrendered',
    );
  });
});

/** Every path to a leaf (string, number, boolean, null) of a JSON value. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => leafPaths(item, [...path, index]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]));
  return [path];
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('empty path');
  if (value === undefined) delete node[last];
  else node[last] = value;
}

describe('verifyDocument: tampering (property)', () => {
  it('any change to any field of the content fails canonical_hash against the stated hash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DOCUMENT_TYPES),
        fc.nat(),
        fc.oneof(
          fc.record({
            kind: fc.constant('replace' as const),
            value: fc.jsonValue({ maxDepth: 2 }),
          }),
          fc.record({ kind: fc.constant('delete' as const) }),
          fc.record({
            kind: fc.constant('add' as const),
            key: fc.string({ minLength: 1, maxLength: 8 }),
            value: fc.jsonValue({ maxDepth: 1 }),
          }),
        ),
        (type, pick, change) => {
          const document = signed(type);
          const content = document.content as unknown as Record<string, unknown>;
          const paths = leafPaths(content);
          const path = paths[pick % paths.length]!;
          if (change.kind === 'replace') setAt(content, path, change.value);
          else if (change.kind === 'delete') setAt(content, path, undefined);
          else content[change.key] = change.value;
          fc.pre(documentHash(content) !== document.hash);
          const report = verifyDocument(document, sampleContext());
          assert.equal(report.valid, false);
          assert.equal(status(report, 'canonical_hash'), 'fail', reason(report, 'canonical_hash'));
          assert.match(
            reason(report, 'canonical_hash'),
            new RegExp(
              `^the content hashes to sha256:[0-9a-f]{64}, not the stated ${document.hash}`,
            ),
          );
          // The signatures are over the stated hash: they still hold (or, if the issuer was
          // changed, cannot be checked); they never take the blame for a changed field.
          assert.notEqual(status(report, 'signature_ml_dsa_65'), 'fail');
          assert.notEqual(status(report, 'signature_ed25519'), 'fail');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any change to any byte of either signature fails that signature check, and only it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DOCUMENT_TYPES),
        fc.constantFrom('mlDsa65' as const, 'ed25519' as const),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (type, algorithm, at, mask) => {
          const document = signed(type);
          const bytes = fromBase64(document.signature[algorithm]);
          assert.ok(bytes !== undefined);
          const index = at % bytes.length;
          bytes[index] = bytes[index]! ^ mask;
          document.signature[algorithm] = toBase64(bytes);
          const report = verifyDocument(document, sampleContext());
          const [bad, good] =
            algorithm === 'mlDsa65'
              ? (['signature_ml_dsa_65', 'signature_ed25519'] as const)
              : (['signature_ed25519', 'signature_ml_dsa_65'] as const);
          assert.equal(report.valid, false);
          assert.deepEqual(failed(report), [bad]);
          assert.match(reason(report, bad), /does not verify/);
          assert.equal(status(report, good), 'pass');
          assert.equal(status(report, 'canonical_hash'), 'pass');
        },
      ),
      { numRuns: 50 },
    );
  });

  it('content changed and its hash restated fails both signatures, not the hash', () => {
    const document = signed('commercial_invoice');
    (document.content as { buyer: string }).buyer = 'tata-steel';
    document.hash = documentHash(document.content);
    const report = verifyDocument(document, sampleContext());
    assert.deepEqual(failed(report), ['signature_ml_dsa_65', 'signature_ed25519', 'trade_parties']);
    assert.match(
      reason(report, 'signature_ml_dsa_65'),
      /^the ML-DSA-65 signature by key:[0-9a-f]{32} of tata-steel does not verify over sha256:/,
    );
  });

  it('refuses signatures of the wrong length, or not base64, naming the size', () => {
    const short = signed('packing_list');
    short.signature.mlDsa65 = toBase64(fromBase64(short.signature.mlDsa65)!.subarray(1));
    const report = verifyDocument(short, sampleContext());
    assert.deepEqual(failed(report), ['signature_ml_dsa_65']);
    assert.match(
      reason(report, 'signature_ml_dsa_65'),
      /signature is 3308 bytes; ML-DSA-65 signatures are 3309$/,
    );
    const long = signed('packing_list');
    long.signature.ed25519 = toBase64(new Uint8Array([...fromBase64(long.signature.ed25519)!, 0]));
    const longReport = verifyDocument(long, sampleContext());
    assert.deepEqual(failed(longReport), ['signature_ed25519']);
    assert.match(
      reason(longReport, 'signature_ed25519'),
      /signature is 65 bytes; Ed25519 signatures are 64$/,
    );
    const garbled = signed('packing_list');
    garbled.signature.ed25519 = '*not base64*';
    assert.match(
      reason(verifyDocument(garbled, sampleContext()), 'signature_ed25519'),
      /not base64/,
    );
  });
});

describe('verifyDocument: the trade', () => {
  it('fails trade_match, and only it, for a document of another trade replayed onto this one', () => {
    const content = { ...sampleContents().commercial_invoice, trade: OTHER_TRADE_ID };
    const report = verifyContent(content);
    assert.deepEqual(failed(report), ['trade_match']);
    assert.equal(
      reason(report, 'trade_match'),
      `the document names trade ${OTHER_TRADE_ID}, not trade ${TRADE_ID} it was checked against: a document of another trade`,
    );
    assert.equal(report.trade, OTHER_TRADE_ID);
  });

  it('names a party that is not the side of the trade its role asks for', () => {
    const invoice = { ...sampleContents().commercial_invoice, buyer: 'rosneft-trading' };
    const report = verifyContent(invoice);
    assert.deepEqual(failed(report), ['trade_parties']);
    assert.equal(
      reason(report, 'trade_parties'),
      "buyer rosneft-trading is not the trade's importer rusimport",
    );
    const insured = { ...sampleContents().insurance_certificate, insured: 'sbi' };
    assert.equal(
      reason(verifyContent(insured), 'trade_parties'),
      "insured sbi is neither the trade's exporter tata-steel nor its importer rusimport",
    );
    const swapped = {
      ...sampleContents().bill_of_lading,
      shipper: 'rusimport',
      consignee: 'tata-steel',
    };
    assert.equal(
      reason(verifyContent(swapped), 'trade_parties'),
      "shipper rusimport is not the trade's exporter tata-steel; consignee tata-steel is not the trade's importer rusimport",
    );
  });

  it('accepts a register issuer acting for a side, and a bill made out to order', () => {
    const register = registerWith('sbi', (issuer) => {
      issuer.participant = 'rusimport';
    });
    const toOrder = { ...sampleContents().bill_of_lading, toOrder: true, consignee: 'sbi' };
    assert.equal(verifyContent(toOrder, { register }).valid, true);
    const actingFor = { ...sampleContents().bill_of_lading, consignee: 'sbi' };
    const report = verifyContent(actingFor, { register });
    assert.equal(report.valid, true);
    assert.match(
      reason(report, 'trade_parties'),
      /consignee sbi is the trade's importer rusimport/,
    );
  });

  it("fails an exporter's own document for a trade it is not the exporter of", () => {
    const register = registerWith('tata-steel', (issuer) => {
      issuer.participant = 'jsw-steel';
    });
    const report = verifyDocument(signed('packing_list'), sampleContext({ register }));
    assert.deepEqual(failed(report), ['trade_parties']);
    assert.equal(
      reason(report, 'trade_parties'),
      "the issuer tata-steel acts for jsw-steel, not for the trade's exporter tata-steel",
    );
  });

  it("fails goods that are not the trade's, in another unit, or more than the trade's", () => {
    const bl = copy(sampleContents().bill_of_lading);
    bl.lines[0]!.quantity = '1000.5';
    bl.lines.push({ hs: '100630', description: 'Basmati rice', quantity: '20', unit: 't' });
    bl.lines[1]!.unit = 'kg';
    const report = verifyContent(bl);
    assert.deepEqual(failed(report), ['trade_goods']);
    assert.equal(
      reason(report, 'trade_goods'),
      [
        'line 2: HS 721049 is stated in "kg"; the trade states it in "t"',
        "line 3: HS 100630 is not among the trade's goods (720851, 721049)",
        "HS 720851: 1000.5 t in the document, more than the trade's 1000 t",
      ].join('; '),
    );
    const twoUnits = {
      ...TRADE,
      lines: [...TRADE.lines, { hs: '721049', quantity: '40', unit: 'coils', unitPrice: '0.00' }],
    };
    const coils = copy(sampleContents().packing_list);
    coils.lines.push({ ...coils.lines[1]!, quantity: '41', unit: 'coils' });
    coils.lines[0]!.unit = 'kg';
    assert.equal(
      reason(verifyContent(coils, { trade: twoUnits }), 'trade_goods'),
      [
        'line 1: HS 720851 is stated in "kg"; the trade states it in "t"',
        "HS 721049: 41 coils in the document, more than the trade's 40 coils",
      ].join('; '),
    );
    const partial = copy(sampleContents().certificate_of_origin);
    partial.lines = [{ ...partial.lines[0]!, quantity: '400' }];
    const partialReport = verifyContent(partial);
    assert.equal(partialReport.valid, true);
    assert.match(reason(partialReport, 'trade_goods'), /\(HS 720851: 400 t of the trade's 1000\)$/);
  });

  it("fails an invoice whose total or unit prices are not the trade's, in exact decimals", () => {
    const invoice = copy(sampleContents().commercial_invoice);
    invoice.lines[0] = { ...invoice.lines[0]!, unitPrice: '950.00', amount: '950000.00' };
    invoice.total = '1250000.00';
    const report = verifyContent(invoice);
    assert.deepEqual(failed(report), ['trade_amounts']);
    assert.equal(
      reason(report, 'trade_amounts'),
      "line 1: unit price 950.00 INR differs from the trade's 900.00 INR for HS 720851; invoice total 1250000.00 INR differs from the trade total 1200000.00 INR",
    );
  });

  it('fails a document in another currency on trade_currency, and does not compare its amounts', () => {
    const invoice = { ...sampleContents().commercial_invoice, currency: 'RUB' };
    const report = verifyContent(invoice);
    assert.deepEqual(failed(report), ['trade_currency']);
    assert.equal(
      reason(report, 'trade_currency'),
      'the commercial invoice is in RUB; the trade is in INR',
    );
    assert.equal(
      reason(report, 'trade_amounts'),
      'not compared: the invoice is in RUB, the trade in INR (see trade_currency)',
    );
  });

  it('fails insurance under 110% of the trade total (UCP 600 28(f)(ii)) and a declared value that differs', () => {
    const insurance = { ...sampleContents().insurance_certificate, insuredAmount: '1319999.99' };
    assert.equal(
      reason(verifyContent(insurance), 'trade_amounts'),
      'insured amount 1319999.99 INR is less than 110% of the trade total 1200000.00 INR (1320000.00 INR), the minimum of UCP 600 article 28(f)(ii)',
    );
    const declaration = copy(sampleContents().export_declaration);
    declaration.lines[1]!.value = '350000.00';
    declaration.totalValue = '1250000.00';
    assert.equal(
      reason(verifyContent(declaration), 'trade_amounts'),
      'declared value 1250000.00 INR differs from the trade total 1200000.00 INR',
    );
  });

  it('fails a shipment after the latest shipment date', () => {
    const bl = { ...sampleContents().bill_of_lading, shippedOnBoard: '2026-03-16' };
    const report = verifyContent(bl);
    assert.deepEqual(failed(report), ['shipment_date']);
    assert.equal(
      reason(report, 'shipment_date'),
      'shipped on board 2026-03-16, after the latest shipment date 2026-03-15',
    );
    const rail = { ...sampleContents().rail_consignment_note, acceptedAt: '2026-03-15' };
    assert.equal(verifyContent(rail).valid, true);
  });

  it('fails a presentation after the period from shipment, or after expiry', () => {
    const bl = signed('bill_of_lading');
    const late = verifyDocument(bl, sampleContext({ presentedAt: '2026-04-03T08:00:00Z' }));
    assert.deepEqual(failed(late), ['presentation_period']);
    assert.equal(
      reason(late, 'presentation_period'),
      'presented on 2026-04-03, 22 days after shipment; the credit allows 21 days after shipment on 2026-03-12 (until 2026-04-02)',
    );
    assert.equal(
      verifyDocument(bl, sampleContext({ presentedAt: '2026-04-02T23:59:59Z' })).valid,
      true,
    );
    const expired = verifyDocument(
      signed('commercial_invoice'),
      sampleContext({ presentedAt: '2026-05-01T00:00:00+05:30' }),
    );
    // 2026-04-30 18:30 UTC: the day is counted in UTC
    assert.equal(expired.valid, true);
    const afterExpiry = verifyDocument(
      signed('commercial_invoice'),
      sampleContext({ presentedAt: '2026-05-01T10:00:00Z' }),
    );
    assert.equal(
      reason(afterExpiry, 'presentation_period'),
      'presented on 2026-05-01, after the credit expired on 2026-04-30',
    );
    const noPresentation = verifyDocument(bl, sampleContext({ presentedAt: undefined }));
    assert.equal(
      reason(noPresentation, 'presentation_period'),
      'not checked: no presentation date was given',
    );
    const openAccount = { ...TRADE };
    delete openAccount.presentationPeriodDays;
    delete openAccount.expiryDate;
    assert.equal(
      reason(verifyDocument(bl, sampleContext({ trade: openAccount })), 'presentation_period'),
      'not checked: the trade sets no presentation period or expiry date',
    );
    assert.equal(
      reason(
        verifyDocument(signed('packing_list'), sampleContext({ trade: openAccount })),
        'presentation_period',
      ),
      'not checked: the trade sets no expiry date, and a packing list states no shipment date to count a presentation period from',
    );
  });

  it('fails a bill of lading whose title was surrendered', () => {
    const report = verifyDocument(
      signed('bill_of_lading'),
      sampleContext({ titleSurrendered: true }),
    );
    assert.deepEqual(failed(report), ['bill_of_lading_not_surrendered']);
    assert.equal(
      reason(report, 'bill_of_lading_not_surrendered'),
      'the bill of lading was surrendered to the carrier; it no longer carries title to the goods',
    );
  });
});

describe('verifyDocument: issuers and keys', () => {
  const RECEIVED = '2026-03-16T10:00:00Z';

  it('keeps valid a document received before its key was revoked', () => {
    const register = registerWith('tata-steel', (issuer) => {
      issuer.keys[0]!.revokedAt = '2026-03-16T10:00:00.001Z';
      issuer.keys[0]!.revocationReason = 'key compromise';
    });
    const report = verifyDocument(signed('commercial_invoice'), sampleContext({ register }));
    assert.equal(report.valid, true);
    assert.match(
      reason(report, 'key_not_revoked'),
      /stood at 2026-03-16T10:00:00Z: it was revoked at 2026-03-16T10:00:00.001Z \(key compromise\), later/,
    );
  });

  it('fails a document received at or after its key was revoked', () => {
    for (const revokedAt of [RECEIVED, '2026-03-01T00:00:00Z']) {
      const register = registerWith('tata-steel', (issuer) => {
        issuer.keys[0]!.revokedAt = revokedAt;
        issuer.keys[0]!.revocationReason = 'key compromise';
      });
      const report = verifyDocument(signed('commercial_invoice'), sampleContext({ register }));
      assert.deepEqual(failed(report), ['key_not_revoked']);
      assert.equal(
        reason(report, 'key_not_revoked'),
        `${keyOf('tata-steel').keyId} of tata-steel was revoked at ${revokedAt} (key compromise); the document was received at ${RECEIVED}, at or after the revocation`,
      );
    }
  });

  it('fails a document received once its key was superseded, not before', () => {
    const successor = keyFrom(77);
    const supersede = (from: string) =>
      registerWith('tata-steel', (issuer) => {
        issuer.keys[0]!.supersededBy = successor.keyId;
        issuer.keys.push({
          keyId: successor.keyId,
          publicKey: successor.publicKey,
          validFrom: from,
          validTo: '2028-01-01T00:00:00Z',
        });
      });
    const before = verifyDocument(
      signed('commercial_invoice'),
      sampleContext({ register: supersede('2026-04-01T00:00:00Z') }),
    );
    assert.equal(before.valid, true);
    const after = verifyDocument(
      signed('commercial_invoice'),
      sampleContext({ register: supersede('2026-03-15T00:00:00Z') }),
    );
    assert.deepEqual(failed(after), ['key_not_revoked']);
    assert.equal(
      reason(after, 'key_not_revoked'),
      `${keyOf('tata-steel').keyId} of tata-steel was superseded by ${successor.keyId} from 2026-03-15T00:00:00Z; the document was received at ${RECEIVED}, after that`,
    );
    const lost = registerWith('tata-steel', (issuer) => {
      issuer.keys[0]!.supersededBy = successor.keyId;
    });
    assert.match(
      reason(
        verifyDocument(signed('commercial_invoice'), sampleContext({ register: lost })),
        'key_not_revoked',
      ),
      /which is not in the register$/,
    );
  });

  it("fails a document received outside its key's validity", () => {
    const early = verifyDocument(
      signed('certificate_of_origin'),
      sampleContext({ receivedAt: '2025-12-31T23:59:59Z' }),
    );
    assert.deepEqual(failed(early), ['key_valid_at_receipt']);
    assert.match(
      reason(early, 'key_valid_at_receipt'),
      /^the document was received at 2025-12-31T23:59:59Z, before key:[0-9a-f]{32} of fieo became valid at 2026-01-01T00:00:00Z$/,
    );
    const late = verifyDocument(
      signed('certificate_of_origin'),
      sampleContext({ receivedAt: '2027-01-01T00:00:00Z', presentedAt: undefined }),
    );
    assert.deepEqual(failed(late), ['key_valid_at_receipt']);
    assert.match(
      reason(late, 'key_valid_at_receipt'),
      /after key:[0-9a-f]{32} of fieo expired at 2027-01-01T00:00:00Z$/,
    );
  });

  it('fails a document signed with a key of another issuer, or one the register does not hold', () => {
    const invoice = sampleContents().commercial_invoice;
    const borrowed = verifyDocument(signDocument(invoice, keyOf('fieo')), sampleContext());
    assert.deepEqual(failed(borrowed), ['key_valid_at_receipt']);
    assert.equal(
      reason(borrowed, 'key_valid_at_receipt'),
      `${keyOf('fieo').keyId} is not a key of tata-steel; it is a key of fieo`,
    );
    assert.equal(status(borrowed, 'signature_ml_dsa_65'), 'skipped');
    assert.equal(status(borrowed, 'key_not_revoked'), 'skipped');
    const stranger = keyFrom(99);
    const unknownKey = verifyDocument(signDocument(invoice, stranger), sampleContext());
    assert.equal(
      reason(unknownKey, 'key_valid_at_receipt'),
      `${stranger.keyId} is not a key of tata-steel: the register holds no such key`,
    );
    assert.equal(unknownKey.valid, false);
  });

  it('fails an issuer the register does not know, or does not allow this type', () => {
    const unknown = { ...sampleContents().certificate_of_origin, issuer: 'acme-chamber' };
    const report = verifyDocument(signDocument(unknown, keyFrom(98)), sampleContext());
    assert.deepEqual(failed(report), ['issuer_known']);
    assert.equal(
      reason(report, 'issuer_known'),
      'the issuer "acme-chamber" is not in the trust register (exported at 2026-03-01T00:00:00Z)',
    );
    assert.equal(status(report, 'issuer_allowed'), 'skipped');
    assert.equal(status(report, 'signature_ed25519'), 'skipped');
    assert.equal(report.valid, false);
    const notAllowed = { ...sampleContents().commercial_invoice, issuer: 'fieo' };
    const refused = verifyContent(notAllowed);
    assert.deepEqual(failed(refused), ['issuer_allowed']);
    assert.equal(
      reason(refused, 'issuer_allowed'),
      'fieo (chamber of commerce) may not issue a commercial invoice; the register allows it certificate of origin',
    );
    const bank = { ...sampleContents().commercial_invoice, issuer: 'sbi' };
    assert.equal(
      reason(verifyContent(bank), 'issuer_allowed'),
      'sbi (bank) may not issue a commercial invoice; the register allows it no document types',
    );
  });
});

describe('verifyDocument: malformed and hostile input', () => {
  const only = (report: VerificationReport) =>
    report.checks
      .filter((c) => c.status !== 'skipped')
      .map((c) => `${c.name} ${c.status}: ${c.reason}`);

  it('refuses a document over the size limit before reading it further', () => {
    const big = { ...signed('packing_list'), padding: 'x'.repeat(DOCUMENT_MAX_BYTES) };
    const report = verifyDocument(big, sampleContext());
    assert.equal(report.valid, false);
    assert.match(
      reason(report, 'size'),
      /^the document is 267\d{3} bytes, over the limit of 262144 bytes \(256 KiB\)$/,
    );
    assert.deepEqual(check(report, 'schema'), {
      name: 'schema',
      status: 'skipped',
      reason: 'not checked: the document is over the size limit',
    });
    assert.equal(report.checks.filter((c) => c.status === 'pass').length, 0);
    assert.equal(status(verifyDocument(JSON.stringify(big), sampleContext()), 'size'), 'fail');
  });

  it('says which field of the envelope or content is wrong, and checks the rest it can', () => {
    const cases: [unknown, string][] = [
      [null, 'schema fail: document must be an object, got null'],
      [[], 'schema fail: document must be an object, got an array'],
      ['{"format":', 'schema fail: the document is not JSON: Unexpected end of JSON input'],
      [
        { ...signed('packing_list'), format: 'vostro-document/2' },
        'schema fail: format must be "vostro-document/1", got "vostro-document/2"',
      ],
      [{ ...signed('packing_list'), signature: undefined }, 'schema fail: signature is required'],
      [
        { ...signed('packing_list'), hash: 'sha256:ABC' },
        'schema fail: hash must be a document hash: "sha256:" and 64 lower-case hex digits, got "sha256:ABC"',
      ],
      [
        { ...signed('packing_list'), content: 'text' },
        'schema fail: content must be an object, got a string "text"',
      ],
      [
        { ...signed('packing_list'), extra: true },
        'schema fail: extra is not a field of a signed document',
      ],
    ];
    for (const [input, expected] of cases) {
      const report = verifyDocument(input, sampleContext());
      assert.equal(report.valid, false);
      const lines = only(report).filter((line) => !line.startsWith('size pass'));
      assert.deepEqual(lines, [expected]);
    }
    const signature = signed('packing_list');
    (signature.signature as { algorithm: string }).algorithm = 'ML-DSA-87';
    assert.deepEqual(only(verifyDocument(signature, sampleContext())).slice(1), [
      'schema fail: signature/algorithm must be "ML-DSA-65+Ed25519", got "ML-DSA-87"',
    ]);
    // A content fault still lets the hash and the signatures be checked.
    const content = signed('packing_list');
    (content.content as { lines: unknown[] }).lines = [];
    const report = verifyDocument(content, sampleContext());
    assert.equal(reason(report, 'schema'), 'content/lines must have at least 1 item(s)');
    assert.equal(status(report, 'canonical_hash'), 'fail');
    assert.equal(status(report, 'signature_ml_dsa_65'), 'pass');
    assert.equal(status(report, 'issuer_known'), 'pass');
    assert.equal(status(report, 'trade_match'), 'skipped');
  });

  it('refuses what is not JSON data: a bigint, a cycle, a function, bytes that are not UTF-8', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const input of [10n, cycle, () => 1, undefined, new Uint8Array([0x7b, 0xff, 0x7d])]) {
      const report = verifyDocument(input, sampleContext());
      assert.equal(report.valid, false);
      assert.equal(status(report, 'schema'), 'fail');
      assert.match(reason(report, 'schema'), /^the document is not (JSON data|UTF-8 text)/);
    }
  });

  it('never throws, whatever it is given, and never calls anything valid that is not a signed document', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withTypedArray: true }),
        (input) => {
          const report = verifyDocument(input, sampleContext());
          assert.equal(report.valid, false);
          assert.equal(report.checks.length, 17);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on a document with any part replaced by any JSON', () => {
    fc.assert(
      fc.property(fc.nat(), fc.jsonValue({ maxDepth: 2 }), (pick, value) => {
        const document = signed('bill_of_lading');
        const paths = leafPaths(document);
        setAt(document, paths[pick % paths.length]!, value);
        const report = verifyDocument(document, sampleContext());
        assert.equal(report.checks.length, 17);
      }),
      { numRuns: 60 },
    );
  });

  it('fails a check, not the call, when the context itself cannot be read', () => {
    const report = verifyDocument(
      signed('packing_list'),
      sampleContext({ receivedAt: 'yesterday' }),
    );
    assert.equal(status(report, 'key_valid_at_receipt'), 'fail');
    assert.match(
      reason(report, 'key_valid_at_receipt'),
      /^could not be checked: receivedAt must be an ISO 8601 date/,
    );
    assert.equal(report.valid, false);
  });
});
