import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { parseDay, parseInstant } from '../domain/time.js';
import { currencies, currencyByCode } from '../ledger/currency.js';
import { findUnstorableText, PLAIN_TEXT_PATTERN } from '../ledger/text.js';

/**
 * The trade documents the hub knows: what each one says, as a TypeBox schema (which both checks a
 * document and describes it in the API's OpenAPI description) beside its TypeScript type.
 *
 * Every document's content is one JSON object that names its type, the schema version (1), the
 * trade it belongs to, the issuer's own number for it, the issuer (an id in the trust register,
 * src/documents/register-snapshot.ts) and when it was issued; the rest depends on the type. The
 * content is what is hashed (RFC 8785 canonical JSON, SHA-256) and signed; the envelope around it
 * is src/documents/envelope.ts.
 *
 * Conventions, the same in every type:
 *
 * - parties (seller, buyer, shipper, consignee, …) are participant ids, the same ids the trade
 *   names as exporter and importer (or register issuer ids that act for them);
 * - amounts are decimal strings in major units with at most the currency's minor digits
 *   (`"1250000.00"`), quantities decimal strings with at most six decimals (`"1500"`, `"12.5"`):
 *   no JSON numbers, so that no float ever touches them;
 * - dates are `YYYY-MM-DD`, instants ISO 8601 with a zone; both are checked as real calendar dates;
 * - goods lines carry a 6-digit HS 2022 subheading, compared with the trade's lines by the verifier;
 * - text people read is plain (no control characters) and bounded;
 * - no other fields: a renamed or misspelt field is refused, never ignored.
 *
 * `parseDocumentContent` applies the schema of the document's own type, then the rules a schema
 * cannot state (real dates, the currency's decimals, an invoice's lines adding up to its total),
 * and names the first field at fault and why.
 */

export const DOCUMENT_TYPES = [
  'commercial_invoice',
  'packing_list',
  'certificate_of_origin',
  'bill_of_lading',
  'rail_consignment_note',
  'insurance_certificate',
  'export_declaration',
  'customs_receipt',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Each type as a documents checker names it, for reasons people read. */
export const DOCUMENT_TYPE_NAMES: Record<DocumentType, string> = {
  commercial_invoice: 'commercial invoice',
  packing_list: 'packing list',
  certificate_of_origin: 'certificate of origin',
  bill_of_lading: 'bill of lading',
  rail_consignment_note: 'rail consignment note',
  insurance_certificate: 'insurance certificate',
  export_declaration: 'export declaration',
  customs_receipt: 'customs receipt',
};

/** A type with its article, for reasons: 'a commercial invoice', 'an export declaration'. */
export function aDocument(type: DocumentType): string {
  const name = DOCUMENT_TYPE_NAMES[type];
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** The largest number of goods lines one document may carry. */
const MAX_LINES = 200;
/** The decimals a quantity may have. */
export const QUANTITY_DECIMALS = 6;

const strict = { additionalProperties: false } as const;

/** One of the given strings (a union of literals: TypeBox's compiler checks no bare `enum`). */
export function stringEnum<const T extends string>(values: readonly T[], description: string) {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );
}

/**
 * What each pattern asks, in words, for refusals: a schema's description may say what the field
 * means (`the carrier`), so the rule a value broke is kept apart, keyed by the pattern itself.
 */
const PATTERN_RULES = new Map<string, string>([
  [PLAIN_TEXT_PATTERN, 'plain text, without control characters'],
]);

/**
 * A string schema with a pattern, and the rule it states in words (`a 6-digit HS 2022
 * subheading such as "100630"`), which a refusal quotes: `must be <rule>, got "7208"`.
 */
export function patterned(
  pattern: string,
  rule: string,
  options: { description?: string; maxLength?: number } = {},
) {
  PATTERN_RULES.set(pattern, rule);
  return Type.String({ pattern, description: rule, ...options });
}

/** Plain text people read, of 1 to `max` characters. */
const plainText = (max: number, description: string) =>
  Type.String({
    minLength: 1,
    maxLength: max,
    pattern: PLAIN_TEXT_PATTERN,
    description: `${description}; plain text (no control characters) of 1 to ${max} characters`,
  });

/** A participant id or register issuer id: the pattern of src/participants/participant.ts. */
const PARTY_ID_PATTERN = '^[a-z][a-z0-9-]{1,39}$';
export const PartyId = patterned(
  PARTY_ID_PATTERN,
  'a participant or register issuer id such as "tata-steel": 2 to 40 lower-case letters, digits or hyphens, starting with a letter',
);
const TradeId = patterned(
  '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  'a trade id: a lower-case UUID',
);
const HsCode = patterned('^[0-9]{6}$', 'a 6-digit HS 2022 subheading such as "100630"');
const Quantity = patterned(
  `^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,${QUANTITY_DECIMALS}})?$`,
  `a decimal string such as "1500" or "12.5" (at most ${QUANTITY_DECIMALS} decimals, no sign or exponent)`,
);
const Amount = patterned(
  '^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,4})?$',
  'an amount in major units as a decimal string such as "1250000.00" (no sign or exponent)',
  {
    description:
      'an amount in major units as a decimal string such as "1250000.00", with at most the currency\'s decimals',
  },
);
const CurrencyCode = stringEnum(
  currencies.map((currency) => currency.code),
  'an ISO 4217 currency code',
);
export const Country = patterned(
  '^[A-Z]{2}$',
  'an ISO 3166-1 alpha-2 country code such as "IN" or "RU"',
);
const DateOnly = patterned('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', 'a date such as "2026-03-15"');
/** ISO 8601 with a zone, as `parseInstant` (src/domain/time.ts) reads it. */
export const DateTime = patterned(
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$',
  'an ISO 8601 date-time with a zone such as "2026-03-15T09:30:00Z"',
);
/** A document hash as `documentHash` (src/documents/canonical.ts) writes it. */
export const DocumentHash = patterned(
  '^sha256:[0-9a-f]{64}$',
  'a document hash: "sha256:" and 64 lower-case hex digits',
);
/** A signing key's id, as `keyIdOf` (src/documents/signature.ts) makes it. */
export const KeyId = patterned(
  '^key:[0-9a-f]{32}$',
  'a key id: "key:" and 32 lower-case hex digits',
);
const Unit = plainText(16, 'the unit of the quantity, as the trade states it ("kg", "t", "pcs")');
const Description = plainText(200, 'a description of the goods');
const Place = plainText(100, 'a port, station or place');

/** The fields every document's content starts with. */
function header<const T extends DocumentType>(type: T) {
  return {
    type: Type.Literal(type, { description: 'the document type' }),
    version: Type.Literal(1, { description: 'the version of the document schema' }),
    trade: TradeId,
    number: plainText(64, "the issuer's own number for the document"),
    issuer: { ...PartyId, description: 'the id of the issuer in the trust register' },
    issuedAt: DateTime,
  };
}

const lines = <T extends TSchema>(line: T) =>
  Type.Array(line, { minItems: 1, maxItems: MAX_LINES, description: 'the goods lines' });

const goods = { hs: HsCode, description: Description, quantity: Quantity, unit: Unit };
const GoodsLine = Type.Object(goods, strict);

export const CommercialInvoiceSchema = Type.Object(
  {
    ...header('commercial_invoice'),
    seller: PartyId,
    buyer: PartyId,
    currency: CurrencyCode,
    lines: lines(
      Type.Object(
        {
          ...goods,
          unitPrice: Amount,
          amount: { ...Amount, description: 'quantity × unit price, in the invoice currency' },
        },
        strict,
      ),
    ),
    total: { ...Amount, description: 'the sum of the line amounts' },
  },
  { ...strict, title: 'Commercial invoice' },
);

export const PackingListSchema = Type.Object(
  {
    ...header('packing_list'),
    lines: lines(
      Type.Object(
        {
          ...goods,
          packages: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'packages' }),
          grossKg: { ...Quantity, description: 'gross weight in kilograms, a decimal string' },
        },
        strict,
      ),
    ),
  },
  { ...strict, title: 'Packing list' },
);

export const CertificateOfOriginSchema = Type.Object(
  {
    ...header('certificate_of_origin'),
    originCountry: Country,
    exporter: PartyId,
    consignee: PartyId,
    lines: lines(GoodsLine),
  },
  { ...strict, title: 'Certificate of origin' },
);

export const BillOfLadingSchema = Type.Object(
  {
    ...header('bill_of_lading'),
    shipper: PartyId,
    consignee: Type.Optional({
      ...PartyId,
      description: 'the consignee; required unless the bill is made out to order',
    }),
    toOrder: Type.Boolean({
      description: 'true for a bill made out "to order" (of the consignee when one is named)',
    }),
    carrier: { ...PartyId, description: 'the carrier, an issuer id in the trust register' },
    vessel: plainText(100, 'the vessel'),
    portOfLoading: Place,
    portOfDischarge: Place,
    shippedOnBoard: { ...DateOnly, description: 'the date the goods were shipped on board' },
    lines: lines(GoodsLine),
  },
  { ...strict, title: 'Bill of lading (sea)' },
);

export const RailConsignmentNoteSchema = Type.Object(
  {
    ...header('rail_consignment_note'),
    convention: stringEnum(['SMGS', 'CIM'], 'the rail convention: SMGS or CIM'),
    consignor: PartyId,
    consignee: PartyId,
    stationFrom: Place,
    stationTo: Place,
    acceptedAt: { ...DateOnly, description: 'the date the railway accepted the goods' },
    lines: lines(GoodsLine),
  },
  { ...strict, title: 'Rail consignment note (SMGS/CIM)' },
);

export const InsuranceCertificateSchema = Type.Object(
  {
    ...header('insurance_certificate'),
    insured: PartyId,
    currency: CurrencyCode,
    insuredAmount: Amount,
    covers: plainText(100, 'the cover, such as "ICC(A)"'),
  },
  { ...strict, title: 'Insurance certificate' },
);

export const ExportDeclarationSchema = Type.Object(
  {
    ...header('export_declaration'),
    exporter: PartyId,
    importer: PartyId,
    exportCountry: Country,
    importCountry: Country,
    addressedTo: { ...PartyId, description: "the importing country's customs, a participant id" },
    shippingBill: plainText(64, 'the shipping bill number'),
    portOfExport: Place,
    lines: lines(Type.Object({ ...goods, value: Amount }, strict)),
    currency: CurrencyCode,
    totalValue: { ...Amount, description: 'the sum of the line values' },
  },
  { ...strict, title: 'Export declaration (shipping bill summary)' },
);

export const CustomsReceiptSchema = Type.Object(
  {
    ...header('customs_receipt'),
    receivedDeclaration: { ...DocumentHash, description: 'the hash of the export declaration' },
    receivedBy: { ...PartyId, description: 'the customs that received it, a participant id' },
    receivedAt: DateTime,
  },
  { ...strict, title: 'Customs receipt' },
);

export type CommercialInvoice = Static<typeof CommercialInvoiceSchema>;
export type PackingList = Static<typeof PackingListSchema>;
export type CertificateOfOrigin = Static<typeof CertificateOfOriginSchema>;
export type BillOfLading = Static<typeof BillOfLadingSchema>;
export type RailConsignmentNote = Static<typeof RailConsignmentNoteSchema>;
export type InsuranceCertificate = Static<typeof InsuranceCertificateSchema>;
export type ExportDeclaration = Static<typeof ExportDeclarationSchema>;
export type CustomsReceipt = Static<typeof CustomsReceiptSchema>;
export type DocumentContent =
  | CommercialInvoice
  | PackingList
  | CertificateOfOrigin
  | BillOfLading
  | RailConsignmentNote
  | InsuranceCertificate
  | ExportDeclaration
  | CustomsReceipt;

/** The schema of each type's content (the API publishes them in its OpenAPI description). */
export const DOCUMENT_SCHEMAS: Record<DocumentType, TSchema> = {
  commercial_invoice: CommercialInvoiceSchema,
  packing_list: PackingListSchema,
  certificate_of_origin: CertificateOfOriginSchema,
  bill_of_lading: BillOfLadingSchema,
  rail_consignment_note: RailConsignmentNoteSchema,
  insurance_certificate: InsuranceCertificateSchema,
  export_declaration: ExportDeclarationSchema,
  customs_receipt: CustomsReceiptSchema,
};

const CHECKERS = Object.fromEntries(
  DOCUMENT_TYPES.map((type) => [type, TypeCompiler.Compile(DOCUMENT_SCHEMAS[type])]),
) as Record<DocumentType, TypeCheck<TSchema>>;

/** Where a value breaks a rule: a field (`content/lines/0/hs`) and a reason people can act on. */
export interface FieldFault {
  readonly field: string;
  readonly reason: string;
}

/**
 * A document's content as its type's `DocumentContent`, or the first field at fault and why.
 * Fields are named from the envelope down (`content`, `content/lines/2/quantity`), as the verifier
 * and the API report them.
 */
export function parseDocumentContent(
  value: unknown,
): { ok: true; content: DocumentContent } | { ok: false; field: string; reason: string } {
  const fault = contentFault(value);
  return fault === undefined
    ? { ok: true, content: value as DocumentContent }
    : { ok: false, field: fault.field, reason: fault.reason };
}

function contentFault(value: unknown): FieldFault | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { field: 'content', reason: `must be an object, got ${kindOf(value)}` };
  const unstorable = findUnstorableText(value);
  if (unstorable !== undefined)
    return { field: fieldOf('content', unstorable.path), reason: unstorable.reason };
  const type = (value as { type?: unknown }).type;
  if (type === undefined) return { field: 'content/type', reason: 'is required' };
  if (typeof type !== 'string' || !(DOCUMENT_TYPES as readonly string[]).includes(type))
    return {
      field: 'content/type',
      reason: `must be one of ${DOCUMENT_TYPES.join(', ')}, got ${shown(type)}`,
    };
  const documentType = type as DocumentType;
  const checker = CHECKERS[documentType];
  if (!checker.Check(value)) {
    const first = checker.Errors(value).First();
    if (first === undefined) return { field: 'content', reason: 'does not match its schema' };
    return schemaFault(first, 'content', aDocument(documentType));
  }
  return ruleFault(value as DocumentContent);
}

/** The rules a schema cannot state, on content that has its type's shape. */
function ruleFault(content: DocumentContent): FieldFault | undefined {
  const dateFault = (field: string, text: string, kind: 'date' | 'instant') => {
    try {
      if (kind === 'date') parseDay(text, field);
      else parseInstant(text, field);
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = message.startsWith(field)
        ? message.slice(field.length).replace(/^:? /, '')
        : message;
      return { field: `content/${field}`, reason };
    }
  };
  const issued = dateFault('issuedAt', content.issuedAt, 'instant');
  if (issued !== undefined) return issued;
  const positive = (field: string, text: string, scale: number): FieldFault | undefined =>
    scaledDecimal(text, scale) === 0n
      ? { field: `content/${field}`, reason: 'must be more than zero' }
      : undefined;
  if ('lines' in content) {
    for (const [index, line] of content.lines.entries()) {
      const zero = positive(`lines/${index}/quantity`, line.quantity, QUANTITY_DECIMALS);
      if (zero !== undefined) return zero;
    }
  }
  switch (content.type) {
    case 'commercial_invoice':
      return invoiceFault(content);
    case 'packing_list':
      for (const [index, line] of content.lines.entries()) {
        const zero = positive(`lines/${index}/grossKg`, line.grossKg, QUANTITY_DECIMALS);
        if (zero !== undefined) return zero;
      }
      return undefined;
    case 'certificate_of_origin':
      return undefined;
    case 'bill_of_lading':
      if (!content.toOrder && content.consignee === undefined)
        return {
          field: 'content/consignee',
          reason: 'is required: the bill is not made out to order, so it must name its consignee',
        };
      return dateFault('shippedOnBoard', content.shippedOnBoard, 'date');
    case 'rail_consignment_note':
      return dateFault('acceptedAt', content.acceptedAt, 'date');
    case 'insurance_certificate':
      return (
        amountFault('insuredAmount', content.insuredAmount, content.currency) ??
        positive('insuredAmount', content.insuredAmount, minorDigits(content.currency))
      );
    case 'export_declaration':
      return declarationFault(content);
    case 'customs_receipt':
      return dateFault('receivedAt', content.receivedAt, 'instant');
  }
}

function invoiceFault(invoice: CommercialInvoice): FieldFault | undefined {
  const digits = minorDigits(invoice.currency);
  let sum = 0n;
  for (const [index, line] of invoice.lines.entries()) {
    const fault =
      amountFault(`lines/${index}/unitPrice`, line.unitPrice, invoice.currency) ??
      amountFault(`lines/${index}/amount`, line.amount, invoice.currency);
    if (fault !== undefined) return fault;
    const expected = lineAmountMinor(line.quantity, line.unitPrice, digits);
    const stated = scaledDecimal(line.amount, digits);
    if (stated !== expected)
      return {
        field: `content/lines/${index}/amount`,
        reason: `${line.amount} ${invoice.currency} is not quantity ${line.quantity} × unit price ${line.unitPrice} = ${decimalText(expected, digits)} ${invoice.currency}`,
      };
    sum += stated;
  }
  const totalFault = amountFault('total', invoice.total, invoice.currency);
  if (totalFault !== undefined) return totalFault;
  if (scaledDecimal(invoice.total, digits) !== sum)
    return {
      field: 'content/total',
      reason: `${invoice.total} ${invoice.currency} is not the sum of the line amounts, ${decimalText(sum, digits)} ${invoice.currency}`,
    };
  return undefined;
}

function declarationFault(declaration: ExportDeclaration): FieldFault | undefined {
  const digits = minorDigits(declaration.currency);
  let sum = 0n;
  for (const [index, line] of declaration.lines.entries()) {
    const fault = amountFault(`lines/${index}/value`, line.value, declaration.currency);
    if (fault !== undefined) return fault;
    sum += scaledDecimal(line.value, digits);
  }
  const totalFault = amountFault('totalValue', declaration.totalValue, declaration.currency);
  if (totalFault !== undefined) return totalFault;
  if (scaledDecimal(declaration.totalValue, digits) !== sum)
    return {
      field: 'content/totalValue',
      reason: `${declaration.totalValue} ${declaration.currency} is not the sum of the line values, ${decimalText(sum, digits)} ${declaration.currency}`,
    };
  return undefined;
}

/** An amount with more decimals than its currency has. */
function amountFault(field: string, text: string, currency: string): FieldFault | undefined {
  const digits = minorDigits(currency);
  const decimals = text.split('.')[1]?.length ?? 0;
  return decimals > digits
    ? {
        field: `content/${field}`,
        reason: `${text} has ${decimals} decimals; ${currency} amounts have at most ${digits}`,
      }
    : undefined;
}

/** The minor-unit digits of a currency the schema accepted (every code there is in the table). */
export function minorDigits(currency: string): number {
  return currencyByCode(currency)?.exponent ?? 2;
}

/**
 * A plain decimal string (`"12.5"`) as an integer count of 10^-scale units (`12500` at scale 3),
 * exactly: bigint arithmetic, never a float. The caller has checked the text's shape; decimals
 * beyond `scale` are a bug there and throw.
 */
export function scaledDecimal(text: string, scale: number): bigint {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  if (match === null) throw new Error(`${shown(text)} is not a plain decimal`);
  const fraction = match[2] ?? '';
  if (fraction.length > scale) throw new Error(`${text} has more than ${scale} decimals`);
  return BigInt(`${match[1] ?? '0'}${fraction.padEnd(scale, '0')}`);
}

/** An integer count of 10^-scale units as a decimal string with exactly `scale` decimals. */
export function decimalText(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/**
 * Quantity × unit price in minor units, rounded half up to the currency's minor unit (the one
 * rounding an invoice line gets; the sum of the lines is then exact).
 */
export function lineAmountMinor(quantity: string, unitPrice: string, digits: number): bigint {
  const product = scaledDecimal(quantity, QUANTITY_DECIMALS) * scaledDecimal(unitPrice, digits);
  const unit = 10n ** BigInt(QUANTITY_DECIMALS);
  return (product + unit / 2n) / unit;
}

/** A TypeBox error as a field and a reason people can act on. */
export function schemaFault(error: ValueError, root: string, what: string): FieldFault {
  const field = error.path === '' ? root : `${root}${error.path}`;
  const pattern = (error.schema as { pattern?: unknown }).pattern;
  const description = (error.schema as { description?: unknown }).description;
  const rule = typeof pattern === 'string' ? PATTERN_RULES.get(pattern) : undefined;
  const must = rule ?? (typeof description === 'string' ? description : undefined);
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return { field, reason: 'is required' };
    case ValueErrorType.ObjectAdditionalProperties:
      return { field, reason: `is not a field of ${what}` };
    case ValueErrorType.Object:
      return { field, reason: `must be an object, got ${kindOf(error.value)}` };
    case ValueErrorType.Array:
      return { field, reason: `must be an array, got ${kindOf(error.value)}` };
    case ValueErrorType.ArrayMinItems:
      return { field, reason: `must have at least ${String(error.schema.minItems)} item(s)` };
    case ValueErrorType.ArrayMaxItems:
      return { field, reason: `must have at most ${String(error.schema.maxItems)} items` };
    case ValueErrorType.Boolean:
      return { field, reason: `must be true or false, got ${shown(error.value)}` };
    case ValueErrorType.Integer:
    case ValueErrorType.Number:
      return { field, reason: `must be a whole number, got ${shown(error.value)}` };
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      return {
        field,
        reason: `must be from ${String(error.schema.minimum)} to ${String(error.schema.maximum)}, got ${shown(error.value)}`,
      };
    case ValueErrorType.Literal:
      return { field, reason: `must be ${shown(error.schema.const)}, got ${shown(error.value)}` };
    case ValueErrorType.String:
      return { field, reason: `must be a string, got ${kindOf(error.value)}` };
    case ValueErrorType.StringMinLength:
      return { field, reason: 'must not be empty' };
    case ValueErrorType.StringMaxLength:
      return {
        field,
        reason: `is longer than ${String(error.schema.maxLength)} characters`,
      };
    default: {
      const choices = (error.schema as { anyOf?: unknown }).anyOf;
      if (Array.isArray(choices) && choices.every((choice) => isConst(choice)))
        return {
          field,
          reason: `must be one of ${choices.map((choice) => String(choice.const)).join(', ')}, got ${shown(error.value)}`,
        };
      if (must !== undefined)
        return { field, reason: `must be ${must}, got ${shown(error.value)}` };
      return { field, reason: `${error.message.toLowerCase()}, got ${shown(error.value)}` };
    }
  }
}

/** A value as a reason shows it: JSON, cut to 100 characters (a document hash is 71). */
export function shown(value: unknown): string {
  let text: string;
  try {
    const json: unknown = JSON.stringify(value);
    text = typeof json === 'string' ? json : String(value);
  } catch {
    text = String(value);
  }
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** What kind of JSON value this is: 'null', 'an array', 'a number 12', 'a string "x"'. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return `a ${typeof value} ${shown(value)}`;
}

function isConst(schema: unknown): schema is { const: string | number | boolean } {
  return typeof schema === 'object' && schema !== null && 'const' in schema;
}

function fieldOf(root: string, path: readonly (string | number)[]): string {
  return [root, ...path.map(String)].join('/');
}
