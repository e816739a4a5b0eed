import { Type, type Static } from '@sinclair/typebox';
import { TITLE_ACTIONS } from '../documents/bill-of-lading.js';
import { DOCUMENT_MAX_BYTES } from '../documents/envelope.js';
import { ISSUER_ROLES } from '../documents/register-snapshot.js';
import { DOCUMENT_SCHEMAS, DOCUMENT_TYPES } from '../documents/types.js';
import { INCOTERMS_2020 } from '../trade/incoterms.js';
import { ParticipantId } from './hub-schemas.js';
import { Amount, PageLimit, PlainText, StringEnum, Uuid } from './schemas.js';

/**
 * Schemas of the trade routes: trades and their presentations, signed documents and their
 * verification reports, the trust register, and bill-of-lading title entries. Like schemas.ts they
 * validate requests, shape responses and are published in `/v1/openapi.json`; unknown fields are
 * refused. The content of a signed document is checked against the schema of its own type
 * (`DOCUMENT_SCHEMAS` of src/documents/types.ts, published here too), so a malformed document is a
 * 400 naming the field inside it, e.g. `/content/lines/0/hs`.
 */
const strict = { additionalProperties: false } as const;

const DATE = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const DateTime = Type.String({
  maxLength: 40,
  description: 'ISO 8601 date-time with a zone, e.g. 2026-11-20T09:30:00Z',
});
/** A quantity: a plain decimal string (no sign, no exponent). */
const Quantity = Type.String({
  pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,6})?$',
  description: 'a decimal string, e.g. "1200" or "12.5"',
  examples: ['1200'],
});
const HsCode = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'a 6-digit HS 2022 subheading, checked against the nomenclature the hub ships',
  examples: ['100630'],
});
const IssuerId = Type.Unsafe<string>({
  ...ParticipantId,
  description:
    'an issuer of the trust register (a participant’s id when it is one): a lower-case letter, then 1 to 39 lower-case letters, digits or hyphens',
  examples: ['maersk'],
});
const DocumentHash = Type.String({
  pattern: '^sha256:[0-9a-f]{64}$',
  description: 'sha256: and the SHA-256 of the content’s RFC 8785 canonical form, in hex',
});
const SigningKeyId = Type.String({
  pattern: '^key:[0-9a-f]{32}$',
  description: 'key: and the first 32 hex digits of the SHA-256 of the public key’s canonical form',
});
const DocumentType = StringEnum(DOCUMENT_TYPES);

// Trades

const TradeLine = Type.Object(
  {
    hs: HsCode,
    description: PlainText({ minLength: 1, maxLength: 200 }),
    quantity: Quantity,
    unit: PlainText({ minLength: 1, maxLength: 16, description: 'e.g. kg, t, pcs, m3' }),
    unitPrice: Amount,
  },
  strict,
);
const PaymentTermsBody = Type.Object(
  {
    kind: StringEnum(
      ['advance', 'open_account', 'documentary_collection', 'documentary_credit'] as const,
      {
        description:
          'advance, open account (with days), documentary collection (D/P), or documentary credit (with the required documents, the presentation period, the expiry date and the accounts paid from and to)',
      },
    ),
    days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, description: 'open account' })),
    requiredDocuments: Type.Optional(
      Type.Array(DocumentType, { minItems: 1, maxItems: 16, description: 'documentary credit' }),
    ),
    presentationPeriodDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 365,
        description: 'documentary credit: days after shipment',
      }),
    ),
    expiryDate: Type.Optional(Type.Unsafe<string>({ ...DATE, description: 'documentary credit' })),
    payer: Type.Optional(
      Type.Unsafe<string>({ ...Uuid, description: 'documentary credit: the importer’s account' }),
    ),
    payee: Type.Optional(
      Type.Unsafe<string>({ ...Uuid, description: 'documentary credit: the exporter’s account' }),
    ),
  },
  strict,
);
const CorridorSummary = Type.Object(
  {
    summary: PlainText({
      minLength: 1,
      maxLength: 500,
      description: 'every stop with the mode between, e.g. "INNSA -sea-> IRBND -rail-> RUMOW"',
    }),
    days: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
    distanceKm: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
  },
  {
    ...strict,
    description: 'the route the goods take, as the planner (GET /v1/routes) summarised it',
  },
);
export const TradeCreate = Type.Object(
  {
    id: Uuid,
    exporter: ParticipantId,
    importer: ParticipantId,
    currency: StringEnum(['INR', 'RUB'] as const),
    lines: Type.Array(TradeLine, { minItems: 1, maxItems: 200 }),
    incoterm: Type.Object(
      {
        rule: StringEnum(INCOTERMS_2020, { description: 'an Incoterms 2020 rule' }),
        place: PlainText({ minLength: 1, maxLength: 100, description: 'the named place or port' }),
      },
      strict,
    ),
    latestShipmentDate: DATE,
    corridor: Type.Optional(CorridorSummary),
    paymentTerms: PaymentTermsBody,
  },
  strict,
);
export type TradeCreate = Static<typeof TradeCreate>;

const TradeTermsView = Type.Object(
  {
    id: Type.String(),
    exporter: Type.String(),
    importer: Type.String(),
    currency: Type.String(),
    lines: Type.Array(
      Type.Object(
        {
          hs: Type.String(),
          quantity: Type.String(),
          unit: Type.String(),
          unitPrice: Type.String(),
        },
        strict,
      ),
    ),
    total: Amount,
    latestShipmentDate: Type.String(),
    presentationPeriodDays: Type.Optional(Type.Integer()),
    expiryDate: Type.Optional(Type.String()),
  },
  {
    ...strict,
    description: 'what documents are checked against (`vostro document verify --trade`)',
  },
);
const TradeStatus = StringEnum([
  'draft',
  'agreed',
  'shipped',
  'presented',
  'paid',
  'expired',
  'cancelled',
] as const);
export const Trade = Type.Object(
  {
    id: Type.String(),
    status: TradeStatus,
    exporter: Type.String(),
    importer: Type.String(),
    exporterBank: Type.String(),
    importerBank: Type.String(),
    currency: Type.String(),
    lines: Type.Array(
      Type.Object(
        {
          hs: Type.String(),
          description: Type.String(),
          quantity: Type.String(),
          unit: Type.String(),
          unitPrice: Type.String(),
        },
        strict,
      ),
    ),
    total: Amount,
    incoterm: Type.Object({ rule: Type.String(), place: Type.String() }, strict),
    latestShipmentDate: Type.String(),
    corridor: Type.Optional(CorridorSummary),
    paymentTerms: Type.Object(
      { kind: Type.String() },
      { additionalProperties: true, description: 'as given when the trade was created' },
    ),
    createdBy: Type.String(),
    createdAt: Type.String(),
    agreedAt: Type.Optional(Type.String()),
    shippedAt: Type.Optional(Type.String()),
    presentedAt: Type.Optional(Type.String()),
    paidAt: Type.Optional(Type.String()),
    reservation: Type.Optional(
      Type.String({ description: 'the payment id of the documentary credit’s reservation' }),
    ),
    history: Type.Array(
      Type.Object(
        {
          status: TradeStatus,
          at: Type.String(),
          by: Type.String(),
          reason: Type.Optional(Type.String()),
        },
        strict,
      ),
    ),
    terms: TradeTermsView,
  },
  strict,
);
export const TradeParams = Type.Object({ id: Uuid }, strict);
export type TradeParams = Static<typeof TradeParams>;
export const TradeListQuery = Type.Object(
  {
    status: Type.Optional(TradeStatus),
    after: Type.Optional(
      Type.Unsafe<string>({ ...Uuid, description: 'the `next` of the page before' }),
    ),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type TradeListQuery = Static<typeof TradeListQuery>;
export const TradeCancel = Type.Object(
  { reason: PlainText({ minLength: 1, maxLength: 200, description: 'why, for the audit log' }) },
  strict,
);
export type TradeCancel = Static<typeof TradeCancel>;

export const PresentationCreate = Type.Object(
  {
    id: Uuid,
    documents: Type.Array(DocumentHash, {
      minItems: 1,
      maxItems: 32,
      description: 'hashes of documents already submitted (POST /v1/documents)',
    }),
  },
  strict,
);
export type PresentationCreate = Static<typeof PresentationCreate>;
export const Presentation = Type.Object(
  {
    id: Type.String(),
    trade: Type.String(),
    documents: Type.Array(Type.String()),
    status: StringEnum(['accepted', 'discrepant', 'refused'] as const),
    discrepancies: Type.Array(
      Type.Object(
        { document: Type.Optional(Type.String()), check: Type.String(), reason: Type.String() },
        strict,
      ),
    ),
    presentedBy: Type.String(),
    presentedAt: Type.String(),
    payment: Type.Optional(
      Type.String({ description: 'the payment posted when the presentation was accepted' }),
    ),
  },
  strict,
);

// Signed documents

const Base64 = (bytes: number, what: string) =>
  Type.String({
    maxLength: Math.ceil(bytes / 3) * 4 + 4,
    pattern: '^[A-Za-z0-9+/]*={0,2}$',
    description: `base64 of the ${bytes}-byte ${what}`,
  });
const HybridSignature = Type.Object(
  {
    algorithm: Type.Literal('ML-DSA-65+Ed25519'),
    keyId: SigningKeyId,
    mlDsa65: Base64(3309, 'ML-DSA-65 signature (FIPS 204)'),
    ed25519: Base64(64, 'Ed25519 signature'),
  },
  strict,
);
const PublicKey = Type.Object(
  {
    algorithm: Type.Literal('ML-DSA-65+Ed25519'),
    mlDsa65: Base64(1952, 'ML-DSA-65 public key'),
    ed25519: Base64(32, 'Ed25519 public key'),
  },
  strict,
);

/**
 * A document's content, checked against the schema of its `type`: one `if`/`then` per type, so a
 * malformed document is refused naming the field inside it rather than "matches none of eight".
 */
const DocumentContent = Type.Unsafe<Record<string, unknown> & { type: string }>({
  type: 'object',
  required: ['type'],
  properties: { type: DocumentType },
  allOf: DOCUMENT_TYPES.map((type) => ({
    if: { properties: { type: { const: type } }, required: ['type'] },
    then: DOCUMENT_SCHEMAS[type],
  })),
  description: `the document itself: one of ${DOCUMENT_TYPES.join(', ')}, each with its own schema (the \`then\` of its type)`,
});
export const SignedDocument = Type.Object(
  {
    format: Type.Literal('vostro-document/1'),
    content: DocumentContent,
    hash: DocumentHash,
    signature: HybridSignature,
  },
  {
    ...strict,
    description: `a signed document as \`vostro document sign\` writes it; at most ${DOCUMENT_MAX_BYTES} bytes as JSON`,
  },
);
export type SignedDocumentBody = Static<typeof SignedDocument>;
/** What POST /v1/documents/verify takes: anything, since saying what is wrong with it is the point. */
export const DocumentToVerify = Type.Unsafe<unknown>({
  description:
    'a signed document (the body of POST /v1/documents); whatever is sent, the answer is a report naming every check that failed, the schema first',
});

const Check = Type.Object(
  {
    name: Type.String({
      description:
        'schema, size, canonical_hash, signature_ml_dsa_65, signature_ed25519, issuer_known, issuer_allowed, key_valid_at_receipt, key_not_revoked, bill_of_lading_not_surrendered, trade_match, trade_parties, trade_goods, trade_amounts, trade_currency, shipment_date, presentation_period',
    }),
    status: StringEnum(['pass', 'fail', 'skipped'] as const),
    reason: Type.String(),
  },
  strict,
);
export const VerificationReport = Type.Object(
  {
    valid: Type.Boolean({ description: 'true when no check failed' }),
    hash: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    trade: Type.Optional(Type.String()),
    checks: Type.Array(Check),
  },
  strict,
);
export const StoredDocument = Type.Object(
  {
    hash: Type.String(),
    type: Type.String(),
    trade: Type.String(),
    issuer: Type.String(),
    receivedAt: Type.String({
      description: 'when the hub received it: keys are judged at this time',
    }),
    receivedBy: Type.String(),
    addressedTo: Type.Optional(
      Type.String({ description: 'for an export declaration: the customs participant it is for' }),
    ),
    document: Type.Object(
      {
        format: Type.String(),
        content: Type.Object({}, { additionalProperties: true }),
        hash: Type.String(),
        signature: Type.Object({}, { additionalProperties: true }),
      },
      { ...strict, description: 'the signed document, exactly as received' },
    ),
  },
  strict,
);
export const TradeDocumentList = Type.Object(
  {
    data: Type.Array(
      Type.Object(
        { ...StoredDocument.properties, report: VerificationReport },
        {
          ...strict,
          description:
            'a stored document of the trade with the hub’s verification of it now: the register as it is, the document’s receipt time, the trade’s terms',
        },
      ),
    ),
  },
  strict,
);
export const DocumentSubmitted = Type.Object(
  {
    status: StringEnum(['created', 'exists'] as const),
    document: StoredDocument,
    report: VerificationReport,
  },
  strict,
);
export const DocumentParams = Type.Object({ hash: DocumentHash }, strict);
export type DocumentParams = Static<typeof DocumentParams>;
export const CustomsParams = Type.Object({ id: ParticipantId }, strict);
export type CustomsParams = Static<typeof CustomsParams>;
export const CustomsDocumentsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        pattern: '^[0-9]{20}/sha256:[0-9a-f]{64}$',
        description: 'the `next` of the page before (opaque: pass it back as it came)',
      }),
    ),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type CustomsDocumentsQuery = Static<typeof CustomsDocumentsQuery>;
export const PresentationList = Type.Object({ data: Type.Array(Presentation) }, strict);

// The trust register

export const IssuerCreate = Type.Object(
  {
    id: IssuerId,
    name: PlainText({ minLength: 1, maxLength: 120 }),
    role: StringEnum(ISSUER_ROLES),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
    documentTypes: Type.Array(DocumentType, {
      maxItems: DOCUMENT_TYPES.length,
      uniqueItems: true,
      description:
        'the document types it may issue, within its role’s; none for an issuer that only holds and endorses bills of lading (a bank, an importer)',
    }),
    participant: Type.Optional(
      Type.Unsafe<string>({ ...ParticipantId, description: 'the participant it is, if any' }),
    ),
  },
  strict,
);
export type IssuerCreate = Static<typeof IssuerCreate>;
const IssuerKey = Type.Object(
  {
    keyId: Type.String(),
    publicKey: PublicKey,
    validFrom: Type.String(),
    validTo: Type.String(),
    revokedAt: Type.Optional(Type.String()),
    revocationReason: Type.Optional(Type.String()),
    supersededBy: Type.Optional(Type.String()),
  },
  strict,
);
export const Issuer = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: Type.String(),
    country: Type.String(),
    documentTypes: Type.Array(Type.String()),
    participant: Type.Optional(Type.String()),
    keys: Type.Array(IssuerKey),
  },
  strict,
);
export const IssuerParams = Type.Object({ id: IssuerId }, strict);
export type IssuerParams = Static<typeof IssuerParams>;
export const IssuerKeyParams = Type.Object({ id: IssuerId, keyId: SigningKeyId }, strict);
export type IssuerKeyParams = Static<typeof IssuerKeyParams>;
export const IssuerListQuery = Type.Object(
  {
    role: Type.Optional(StringEnum(ISSUER_ROLES)),
    after: Type.Optional(
      Type.Unsafe<string>({ ...IssuerId, description: 'the `next` of the page before' }),
    ),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type IssuerListQuery = Static<typeof IssuerListQuery>;
export const IssuerKeyAdd = Type.Object(
  {
    publicKey: Type.Unsafe<unknown>({
      ...PublicKey,
      description:
        'the public key `vostro signing-key generate` printed: ML-DSA-65 (1,952 bytes) and Ed25519 (32 bytes), base64',
    }),
    validFrom: DateTime,
    validTo: DateTime,
    supersedes: Type.Optional(
      Type.Unsafe<string>({
        ...SigningKeyId,
        description: 'a key of this issuer this one replaces',
      }),
    ),
  },
  strict,
);
export type IssuerKeyAdd = Static<typeof IssuerKeyAdd>;
export const IssuerKeyRevoke = Type.Object(
  { reason: PlainText({ minLength: 1, maxLength: 200, description: 'why, kept with the key' }) },
  strict,
);
export type IssuerKeyRevoke = Static<typeof IssuerKeyRevoke>;
export const RegisterSnapshot = Type.Object(
  {
    format: Type.Literal('vostro-trust-register/1'),
    exportedAt: Type.String(),
    issuers: Type.Array(Issuer),
  },
  {
    ...strict,
    description: 'the whole register, for `vostro document verify --register` with no server',
  },
);

// Bills of lading

export const TitleEntry = Type.Object(
  {
    content: Type.Object(
      {
        format: Type.Literal('vostro-title-entry/1'),
        billOfLading: DocumentHash,
        seq: Type.Integer({ minimum: 0, maximum: 100_000, description: '0: issue' }),
        action: StringEnum(TITLE_ACTIONS),
        from: IssuerId,
        to: IssuerId,
        at: DateTime,
        previous: Type.Union([DocumentHash, Type.Null()], {
          description: 'the hash of entry seq − 1; null for the issue',
        }),
      },
      strict,
    ),
    hash: DocumentHash,
    signature: HybridSignature,
  },
  { ...strict, description: 'one entry of the title chain, signed by the holder it is from' },
);
export type TitleEntryBody = Static<typeof TitleEntry>;
export const TitleRecorded = Type.Object(
  {
    status: StringEnum(['created', 'exists'] as const),
    holder: Type.String({
      description: 'the holder after this entry (the carrier after a surrender)',
    }),
    seq: Type.Integer({ minimum: 0 }),
  },
  strict,
);
export const TitleChain = Type.Object(
  { billOfLading: Type.String(), data: Type.Array(TitleEntry) },
  strict,
);
export const BillOfLadingParams = Type.Object({ hash: DocumentHash }, strict);
export type BillOfLadingParams = Static<typeof BillOfLadingParams>;
