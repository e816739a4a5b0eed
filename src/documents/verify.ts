import { dayText, parseDay, parseInstant } from '../domain/time.js';
import { documentHash } from './canonical.js';
import { DOCUMENT_MAX_BYTES, parseEnvelope, type Envelope } from './envelope.js';
import type { IssuerEntry, IssuerKey, RegisterSnapshot } from './register-snapshot.js';
import { verifyDigest } from './signature.js';
import {
  decimalText,
  aDocument,
  DOCUMENT_TYPE_NAMES,
  DOCUMENT_TYPES,
  minorDigits,
  parseDocumentContent,
  QUANTITY_DECIMALS,
  scaledDecimal,
  shown,
  type DocumentContent,
  type DocumentType,
} from './types.js';

/**
 * The verifier: one function, pure and synchronous, that the hub (on submission and on
 * presentation), the command line and the offline verifier (a document file and an exported
 * register snapshot, no server) all run, so that the three cannot disagree.
 *
 * Like the fragments of the OpenAttestation verifier, it answers with every check, each `pass`,
 * `fail` or `skipped` with a reason a bank's documents checker can act on, rather than stopping at
 * the first problem; a document is `valid` when no check failed. A check that cannot apply (a
 * shipment date on an invoice) or whose inputs are missing (no trade given, or the document too
 * malformed to get that far) is skipped and says why; a check is skipped for a missing input only
 * when another check has already failed for it (the signatures are skipped only when the key is
 * unknown, which fails `issuer_known` or `key_valid_at_receipt`), so an unverified document is
 * never `valid`.
 *
 * The checks, in the order they are reported:
 *
 * | check | what it says |
 * |---|---|
 * | `size` | the document, as JSON, is at most DOCUMENT_MAX_BYTES |
 * | `schema` | the envelope and the content have their shapes (the first field at fault, and why) |
 * | `canonical_hash` | the stated hash is the SHA-256 of the content's RFC 8785 form |
 * | `signature_ml_dsa_65`, `signature_ed25519` | each half of the hybrid signature verifies over the stated hash with the key the register holds |
 * | `issuer_known`, `issuer_allowed` | the issuer is in the register, and may issue this type |
 * | `key_valid_at_receipt` | the key is the issuer's, and valid when the hub received the document |
 * | `key_not_revoked` | the key was not revoked or superseded before the hub received the document |
 * | `bill_of_lading_not_surrendered` | a bill of lading's title was not surrendered |
 * | `trade_*`, `shipment_date`, `presentation_period` | consistency with the trade, when one is given |
 *
 * Content changed after signing fails `canonical_hash` (the signatures are over the stated hash,
 * which still verifies); a changed hash or signature fails the signature checks. Amounts are
 * compared as bigint minor units, never as floats. The verifier never throws on what it is given:
 * a check that meets an input it cannot read fails with what it met.
 */

/**
 * The checks of a document (see the table above), and the two of a bill of lading's title chain
 * (src/documents/bill-of-lading.ts): `title_document` for the bill itself, `title_entry` for each
 * entry of its chain.
 */
export type CheckName =
  | 'schema'
  | 'size'
  | 'canonical_hash'
  | 'signature_ml_dsa_65'
  | 'signature_ed25519'
  | 'issuer_known'
  | 'issuer_allowed'
  | 'key_valid_at_receipt'
  | 'key_not_revoked'
  | 'bill_of_lading_not_surrendered'
  | 'trade_match'
  | 'trade_parties'
  | 'trade_goods'
  | 'trade_amounts'
  | 'trade_currency'
  | 'shipment_date'
  | 'presentation_period'
  | 'title_document'
  | 'title_entry';

export interface Check {
  name: CheckName;
  status: 'pass' | 'fail' | 'skipped';
  reason: string;
}

export interface VerificationReport {
  valid: boolean;
  /** The hash of the content as recomputed (whatever the document states), once the envelope parses. */
  hash?: string;
  type?: DocumentType;
  trade?: string;
  checks: Check[];
}

/** What the verifier needs to know of a trade (TradeService.termsOf makes it from a trade record). */
export interface TradeTerms {
  id: string;
  /** Participant ids of the two sides. */
  exporter: string;
  importer: string;
  currency: string;
  lines: { hs: string; quantity: string; unit: string; unitPrice: string }[];
  /** Major units, a decimal string. */
  total: string;
  /** YYYY-MM-DD. */
  latestShipmentDate: string;
  /** Documentary credit: days after shipment within which documents must be presented. */
  presentationPeriodDays?: number;
  /** Documentary credit: YYYY-MM-DD, the last day of presentation. */
  expiryDate?: string;
}

export interface VerifyContext {
  register: RegisterSnapshot;
  /** ISO 8601: the hub's receipt time from its journal, or now when verifying a new document offline. */
  receivedAt: string;
  trade?: TradeTerms;
  /** ISO 8601: when the document was presented under the trade's credit. */
  presentedAt?: string;
  /** Whether the title chain of this bill of lading ends in a surrender (src/documents/bill-of-lading.ts). */
  titleSurrendered?: boolean;
}

/** The checks of one document, in the order they are reported. */
const DOCUMENT_CHECKS = [
  'size',
  'schema',
  'canonical_hash',
  'signature_ml_dsa_65',
  'signature_ed25519',
  'issuer_known',
  'issuer_allowed',
  'key_valid_at_receipt',
  'key_not_revoked',
  'bill_of_lading_not_surrendered',
  'trade_match',
  'trade_parties',
  'trade_goods',
  'trade_amounts',
  'trade_currency',
  'shipment_date',
  'presentation_period',
] as const satisfies readonly CheckName[];
type DocumentCheckName = (typeof DOCUMENT_CHECKS)[number];

type Outcome = Omit<Check, 'name'>;
const pass = (reason: string): Outcome => ({ status: 'pass', reason });
const fail = (reason: string): Outcome => ({ status: 'fail', reason });
const skipped = (reason: string): Outcome => ({ status: 'skipped', reason });

const NS_PER_DAY = 86_400_000_000_000n;

/**
 * Verifies one signed document (a parsed JSON value, or its JSON text or UTF-8 bytes) against the
 * register and, when given, the trade; see the file comment.
 */
export function verifyDocument(input: unknown, context: VerifyContext): VerificationReport {
  const outcomes = new Map<DocumentCheckName, Outcome>();
  const report = (hash?: string, type?: DocumentType, trade?: string): VerificationReport => {
    const checks = DOCUMENT_CHECKS.map((name): Check => ({
      name,
      ...(outcomes.get(name) ?? skipped('not checked')),
    }));
    return {
      valid: checks.every((check) => check.status !== 'fail'),
      ...(hash === undefined ? {} : { hash }),
      ...(type === undefined ? {} : { type }),
      ...(trade === undefined ? {} : { trade }),
      checks,
    };
  };
  const skipRest = (reason: string) => {
    for (const name of DOCUMENT_CHECKS)
      if (!outcomes.has(name)) outcomes.set(name, skipped(reason));
  };
  const run = runInto(outcomes);

  // size, and a plain JSON copy of the input (no getters, prototypes or shared references)
  const read = readInput(input);
  if (!read.ok) {
    outcomes.set('size', read.size);
    outcomes.set('schema', read.schema);
    skipRest('not checked: the document could not be read (see size and schema)');
    return report();
  }
  outcomes.set('size', pass(`the document is ${read.bytes} bytes; the limit is ${limitText()}`));

  const parsedEnvelope = parseEnvelope(read.value);
  if (!parsedEnvelope.ok) {
    const { field, reason } = parsedEnvelope.fault;
    outcomes.set('schema', fail(`${field} ${reason}`));
    skipRest('not checked: the document is not a signed vostro-document/1 (see schema)');
    return report();
  }
  const envelope = parsedEnvelope.envelope;
  const raw = envelope.content;
  const rawType = DOCUMENT_TYPES.find((type) => type === raw.type);
  const rawTrade = typeof raw.trade === 'string' ? raw.trade : undefined;
  const parsedContent = parseDocumentContent(raw);
  const content = parsedContent.ok ? parsedContent.content : undefined;
  outcomes.set(
    'schema',
    parsedContent.ok
      ? pass(`a well-formed ${DOCUMENT_TYPE_NAMES[parsedContent.content.type]} (vostro-document/1)`)
      : fail(`${parsedContent.field} ${parsedContent.reason}`),
  );

  let hash: string | undefined;
  run('canonical_hash', () => {
    hash = documentHash(raw);
    return hash === envelope.hash
      ? pass(`the content hashes to ${hash}, as stated`)
      : fail(
          `the content hashes to ${hash}, not the stated ${envelope.hash}: the content was changed after it was hashed, or the stated hash is wrong`,
        );
  });

  const issuerId = typeof raw.issuer === 'string' ? raw.issuer : undefined;
  const issuer =
    issuerId === undefined ? undefined : context.register.issuers.find((i) => i.id === issuerId);
  const keyId = envelope.signature.keyId;
  const key = issuer?.keys.find((k) => k.keyId === keyId);
  checkIssuer(run, context.register, issuerId, issuer, rawType);
  checkSignatures(run, envelope, issuer, key);
  checkKey(run, context, issuer, keyId, key);
  run('bill_of_lading_not_surrendered', () => surrenderCheck(rawType, context.titleSurrendered));

  if (content === undefined) {
    skipRest("not checked: the content does not have its type's shape (see schema)");
  } else if (context.trade === undefined) {
    skipRest('not checked: no trade was given to check the document against');
  } else {
    const trade = context.trade;
    run('trade_match', () =>
      content.trade === trade.id
        ? pass(`the document names trade ${trade.id}`)
        : fail(
            `the document names trade ${content.trade}, not trade ${trade.id} it was checked against: a document of another trade`,
          ),
    );
    run('trade_parties', () => partiesCheck(content, trade, context.register, issuer));
    run('trade_goods', () => goodsCheck(content, trade));
    run('trade_amounts', () => amountsCheck(content, trade));
    run('trade_currency', () => currencyCheck(content, trade));
    run('shipment_date', () => shipmentCheck(content, trade));
    run('presentation_period', () => presentationCheck(content, trade, context.presentedAt));
  }
  return report(hash, rawType, rawTrade);
}

type Run = (name: DocumentCheckName, check: () => Outcome) => void;

/** Runs one check into `outcomes`; an input it cannot read fails it with what it met, never throws. */
function runInto(outcomes: Map<DocumentCheckName, Outcome>): Run {
  return (name, check) => {
    try {
      outcomes.set(name, check());
    } catch (error) {
      outcomes.set(
        name,
        fail(`could not be checked: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  };
}

/**
 * `report`, a verification of `input`, as at `context.receivedAt` instead of the receipt time it
 * was made with: the two checks that compare the receipt time with the key's validity,
 * revocation and supersession are run again (the signatures are not: nothing else depends on the
 * receipt time), and `valid` follows them. For a caller that verifies before it knows the
 * receipt time it will record (src/trade/trade-documents.ts verifies on the worker pool, then
 * stores at its transaction's time).
 */
export function atReceiptTime(
  input: unknown,
  report: VerificationReport,
  context: VerifyContext,
): VerificationReport {
  const read = readInput(input);
  const parsed = read.ok ? parseEnvelope(read.value) : undefined;
  // A document that could not be read has no key checks to run again.
  if (parsed === undefined || !parsed.ok) return report;
  const { content, signature } = parsed.envelope;
  const issuer =
    typeof content.issuer === 'string'
      ? context.register.issuers.find((entry) => entry.id === content.issuer)
      : undefined;
  const key = issuer?.keys.find((entry) => entry.keyId === signature.keyId);
  const again = new Map<DocumentCheckName, Outcome>();
  checkKey(runInto(again), context, issuer, signature.keyId, key);
  const checks = report.checks.map((check): Check => {
    const outcome = again.get(check.name as DocumentCheckName);
    return outcome === undefined ? check : { name: check.name, ...outcome };
  });
  return { ...report, valid: checks.every((check) => check.status !== 'fail'), checks };
}

function limitText(): string {
  return `${DOCUMENT_MAX_BYTES} bytes (${DOCUMENT_MAX_BYTES / 1024} KiB)`;
}

/** The input as a plain JSON value and its size, or the size and schema outcomes that refuse it. */
function readInput(
  input: unknown,
): { ok: true; value: unknown; bytes: number } | { ok: false; size: Outcome; schema: Outcome } {
  let text: string;
  let bytes: number;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    bytes = typeof input === 'string' ? new TextEncoder().encode(input).length : input.length;
    if (bytes > DOCUMENT_MAX_BYTES) return oversized(bytes);
    if (typeof input === 'string') text = input;
    else {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(input);
      } catch {
        return unreadable('the document is not UTF-8 text');
      }
    }
  } else {
    let json: unknown;
    try {
      json = JSON.stringify(input);
    } catch (error) {
      return unreadable(
        `the document is not JSON data: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (typeof json !== 'string')
      return unreadable(`the document is not JSON data: ${typeof input}`);
    text = json;
    bytes = new TextEncoder().encode(text).length;
    if (bytes > DOCUMENT_MAX_BYTES) return oversized(bytes);
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown, bytes };
  } catch (error) {
    return {
      ok: false,
      size: pass(`the document is ${bytes} bytes; the limit is ${limitText()}`),
      schema: fail(
        `the document is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      ),
    };
  }
}

function oversized(bytes: number) {
  return {
    ok: false as const,
    size: fail(`the document is ${bytes} bytes, over the limit of ${limitText()}`),
    schema: skipped('not checked: the document is over the size limit'),
  };
}

function unreadable(reason: string) {
  return {
    ok: false as const,
    size: skipped('not measured: the document is not JSON'),
    schema: fail(reason),
  };
}

function checkIssuer(
  run: Run,
  register: RegisterSnapshot,
  issuerId: string | undefined,
  issuer: IssuerEntry | undefined,
  type: DocumentType | undefined,
) {
  run('issuer_known', () => {
    if (issuerId === undefined)
      return skipped('not checked: the content names no issuer (see schema)');
    if (issuer === undefined)
      return fail(
        `the issuer ${shown(issuerId)} is not in the trust register (exported at ${register.exportedAt})`,
      );
    return pass(
      `the issuer ${issuer.id} (${issuer.name}, ${roleText(issuer)}, ${issuer.country}) is in the trust register`,
    );
  });
  run('issuer_allowed', () => {
    if (issuer === undefined)
      return skipped('not checked: the issuer is not known (see issuer_known)');
    if (type === undefined)
      return skipped('not checked: the document type is not known (see schema)');
    const allowed = issuer.documentTypes.map((t) => DOCUMENT_TYPE_NAMES[t]);
    if (issuer.documentTypes.includes(type))
      return pass(`the register allows ${issuer.id} to issue ${aDocument(type)}`);
    return fail(
      `${issuer.id} (${roleText(issuer)}) may not issue ${aDocument(type)}; the register allows it ${allowed.length === 0 ? 'no document types' : allowed.join(' and ')}`,
    );
  });
}

function roleText(issuer: IssuerEntry): string {
  return issuer.role.replaceAll('_', ' ');
}

function checkSignatures(
  run: Run,
  envelope: Envelope,
  issuer: IssuerEntry | undefined,
  key: IssuerKey | undefined,
) {
  const keyId = envelope.signature.keyId;
  if (key === undefined || issuer === undefined) {
    const reason = `not checked: no public key to check against: ${keyId} is not a key of the issuer in the register (see issuer_known and key_valid_at_receipt)`;
    run('signature_ml_dsa_65', () => skipped(reason));
    run('signature_ed25519', () => skipped(reason));
    return;
  }
  const digest = envelope.hash.slice('sha256:'.length);
  let result: ReturnType<typeof verifyDigest> | undefined;
  let error: unknown;
  try {
    result = verifyDigest(digest, envelope.signature, key.publicKey);
  } catch (thrown) {
    error = thrown;
  }
  const outcome =
    (algorithm: string, check: { ok: boolean; reason?: string } | undefined) => () => {
      if (check === undefined)
        return fail(
          `could not be checked: ${error instanceof Error ? error.message : String(error)}`,
        );
      return check.ok
        ? pass(
            `the ${algorithm} signature by ${keyId} of ${issuer.id} verifies over ${envelope.hash}`,
          )
        : fail(
            `the ${algorithm} signature by ${keyId} of ${issuer.id} does not verify over ${envelope.hash}${check.reason === undefined ? '' : `: ${check.reason}`}`,
          );
    };
  run('signature_ml_dsa_65', outcome('ML-DSA-65', result?.mlDsa65));
  run('signature_ed25519', outcome('Ed25519', result?.ed25519));
}

function checkKey(
  run: Run,
  context: VerifyContext,
  issuer: IssuerEntry | undefined,
  keyId: string,
  key: IssuerKey | undefined,
) {
  run('key_valid_at_receipt', () => {
    if (issuer === undefined)
      return skipped('not checked: the issuer is not known (see issuer_known)');
    if (key === undefined) {
      const owner = context.register.issuers.find((i) => i.keys.some((k) => k.keyId === keyId));
      return fail(
        `${keyId} is not a key of ${issuer.id}${owner === undefined ? ': the register holds no such key' : `; it is a key of ${owner.id}`}`,
      );
    }
    const received = parseInstant(context.receivedAt, 'receivedAt');
    const from = parseInstant(key.validFrom, 'validFrom');
    const to = parseInstant(key.validTo, 'validTo');
    if (received < from)
      return fail(
        `the document was received at ${context.receivedAt}, before ${keyId} of ${issuer.id} became valid at ${key.validFrom}`,
      );
    if (received >= to)
      return fail(
        `the document was received at ${context.receivedAt}, after ${keyId} of ${issuer.id} expired at ${key.validTo}`,
      );
    return pass(
      `${keyId} of ${issuer.id} is valid from ${key.validFrom} to ${key.validTo}; the document was received at ${context.receivedAt}`,
    );
  });
  run('key_not_revoked', () => {
    if (issuer === undefined || key === undefined)
      return skipped('not checked: the key is not a key of the issuer (see key_valid_at_receipt)');
    return keyStanding(issuer, key, context.receivedAt, 'the document was received');
  });
}

/**
 * Whether `key` of `issuer` still stood at `at` (ISO): not revoked at or before it, not superseded
 * by a key valid at or before it. A key revoked or superseded later stands for what came before.
 * Shared with the title chain (src/documents/bill-of-lading.ts).
 */
export function keyStanding(
  issuer: IssuerEntry,
  key: IssuerKey,
  at: string,
  what: string,
): Outcome {
  const atNs = parseInstant(at, 'at');
  const notes: string[] = [];
  if (key.revokedAt !== undefined) {
    const because = key.revocationReason === undefined ? '' : ` (${key.revocationReason})`;
    if (parseInstant(key.revokedAt, 'revokedAt') <= atNs)
      return fail(
        `${key.keyId} of ${issuer.id} was revoked at ${key.revokedAt}${because}; ${what} at ${at}, at or after the revocation`,
      );
    notes.push(
      `it was revoked at ${key.revokedAt}${because}, later: what was signed and received before the revocation stays valid`,
    );
  }
  if (key.supersededBy !== undefined) {
    const successor = issuer.keys.find((k) => k.keyId === key.supersededBy);
    if (successor === undefined)
      return fail(
        `${key.keyId} of ${issuer.id} was superseded by ${key.supersededBy}, which is not in the register`,
      );
    if (parseInstant(successor.validFrom, 'validFrom') <= atNs)
      return fail(
        `${key.keyId} of ${issuer.id} was superseded by ${successor.keyId} from ${successor.validFrom}; ${what} at ${at}, after that`,
      );
    notes.push(`it was superseded by ${successor.keyId} from ${successor.validFrom}, later`);
  }
  return pass(
    notes.length === 0
      ? `${key.keyId} of ${issuer.id} is neither revoked nor superseded`
      : `${key.keyId} of ${issuer.id} stood at ${at}: ${notes.join('; ')}`,
  );
}

function surrenderCheck(type: DocumentType | undefined, surrendered: boolean | undefined): Outcome {
  if (type !== 'bill_of_lading') return skipped('not a bill of lading');
  if (surrendered === undefined)
    return skipped('not checked: no title chain was given to say whether it was surrendered');
  return surrendered
    ? fail(
        'the bill of lading was surrendered to the carrier; it no longer carries title to the goods',
      )
    : pass('the bill of lading has not been surrendered');
}

// --- consistency with the trade -------------------------------------------------------------

/** The parties a document names, each with the side of the trade it must be. */
function partiesOf(content: DocumentContent): { label: string; value: string; side: Side }[] {
  switch (content.type) {
    case 'commercial_invoice':
      return [
        { label: 'seller', value: content.seller, side: 'exporter' },
        { label: 'buyer', value: content.buyer, side: 'importer' },
      ];
    case 'certificate_of_origin':
      return [
        { label: 'exporter', value: content.exporter, side: 'exporter' },
        { label: 'consignee', value: content.consignee, side: 'importer' },
      ];
    case 'bill_of_lading':
      // A bill made out to order may name the bank it is to the order of: not compared.
      return [
        { label: 'shipper', value: content.shipper, side: 'exporter' },
        ...(content.toOrder || content.consignee === undefined
          ? []
          : [{ label: 'consignee', value: content.consignee, side: 'importer' as const }]),
      ];
    case 'rail_consignment_note':
      return [
        { label: 'consignor', value: content.consignor, side: 'exporter' },
        { label: 'consignee', value: content.consignee, side: 'importer' },
      ];
    case 'insurance_certificate':
      return [{ label: 'insured', value: content.insured, side: 'either' }];
    case 'export_declaration':
      return [
        { label: 'exporter', value: content.exporter, side: 'exporter' },
        { label: 'importer', value: content.importer, side: 'importer' },
      ];
    case 'packing_list':
    case 'customs_receipt':
      return [];
  }
}
type Side = 'exporter' | 'importer' | 'either';

function partiesCheck(
  content: DocumentContent,
  trade: TradeTerms,
  register: RegisterSnapshot,
  issuer: IssuerEntry | undefined,
): Outcome {
  /** A party is a side when it is that participant, or a register issuer acting for it. */
  const is = (value: string, participant: string) =>
    value === participant ||
    register.issuers.some((i) => i.id === value && i.participant === participant);
  const sideText = (side: 'exporter' | 'importer') =>
    `the trade's ${side} ${side === 'exporter' ? trade.exporter : trade.importer}`;
  const faults: string[] = [];
  const passes: string[] = [];
  for (const { label, value, side } of partiesOf(content)) {
    if (side === 'either') {
      if (is(value, trade.exporter) || is(value, trade.importer))
        passes.push(`${label} ${value} is a party to the trade`);
      else
        faults.push(
          `${label} ${value} is neither the trade's exporter ${trade.exporter} nor its importer ${trade.importer}`,
        );
    } else if (is(value, side === 'exporter' ? trade.exporter : trade.importer))
      passes.push(`${label} ${value} is ${sideText(side)}`);
    else faults.push(`${label} ${value} is not ${sideText(side)}`);
  }
  // An exporter or importer that issues its own documents issues them for its own side only.
  if (issuer !== undefined && (issuer.role === 'exporter' || issuer.role === 'importer')) {
    const side = issuer.role;
    const actsFor = issuer.participant ?? issuer.id;
    if (actsFor === (side === 'exporter' ? trade.exporter : trade.importer))
      passes.push(`the issuer ${issuer.id} acts for ${sideText(side)}`);
    else faults.push(`the issuer ${issuer.id} acts for ${actsFor}, not for ${sideText(side)}`);
  }
  if (faults.length > 0) return fail(faults.join('; '));
  if (passes.length === 0) return skipped(`${aDocument(content.type)} names no parties`);
  return pass(passes.join('; '));
}

/** The goods lines of a document, when its type has them. */
function linesOf(
  content: DocumentContent,
): readonly { hs: string; quantity: string; unit: string }[] | undefined {
  return 'lines' in content ? content.lines : undefined;
}

function goodsCheck(content: DocumentContent, trade: TradeTerms): Outcome {
  const lines = linesOf(content);
  if (lines === undefined) return skipped(`${aDocument(content.type)} lists no goods`);
  /** The trade's quantity of each HS code in each unit it states it in. */
  const traded = new Map<string, Map<string, bigint>>();
  for (const line of trade.lines) {
    const units = traded.get(line.hs) ?? new Map<string, bigint>();
    traded.set(line.hs, units);
    units.set(
      line.unit,
      (units.get(line.unit) ?? 0n) + scaledDecimal(line.quantity, QUANTITY_DECIMALS),
    );
  }
  const faults: string[] = [];
  const shipped = new Map<string, { hs: string; unit: string; quantity: bigint }>();
  for (const [index, line] of lines.entries()) {
    const units = traded.get(line.hs);
    if (units === undefined) {
      faults.push(
        `line ${index + 1}: HS ${line.hs} is not among the trade's goods (${[...traded.keys()].join(', ')})`,
      );
      continue;
    }
    if (!units.has(line.unit)) {
      faults.push(
        `line ${index + 1}: HS ${line.hs} is stated in ${shown(line.unit)}; the trade states it in ${[...units.keys()].map((unit) => shown(unit)).join(' or ')}`,
      );
      continue;
    }
    const key = `${line.hs} ${line.unit}`;
    const sum = shipped.get(key) ?? { hs: line.hs, unit: line.unit, quantity: 0n };
    sum.quantity += scaledDecimal(line.quantity, QUANTITY_DECIMALS);
    shipped.set(key, sum);
  }
  const amounts: string[] = [];
  for (const { hs, unit, quantity } of shipped.values()) {
    const limit = traded.get(hs)?.get(unit) ?? 0n;
    if (quantity > limit)
      faults.push(
        `HS ${hs}: ${quantityText(quantity)} ${unit} in the document, more than the trade's ${quantityText(limit)} ${unit}`,
      );
    else
      amounts.push(
        `HS ${hs}: ${quantityText(quantity)} ${unit} of the trade's ${quantityText(limit)}`,
      );
  }
  if (faults.length > 0) return fail(faults.join('; '));
  return pass(
    `every line's HS code is among the trade's goods, and no quantity exceeds the trade's (${amounts.join('; ')})`,
  );
}

/** A quantity in 10^-6 units as people write it: no trailing zeros after the point. */
function quantityText(value: bigint): string {
  return decimalText(value, QUANTITY_DECIMALS).replace(/\.?0+$/, '');
}

function amountsCheck(content: DocumentContent, trade: TradeTerms): Outcome {
  const digits = minorDigits(trade.currency);
  const money = (minor: bigint) => `${decimalText(minor, digits)} ${trade.currency}`;
  const tradeTotal = scaledDecimal(trade.total, digits);
  const otherCurrency = (what: string, currency: string) =>
    skipped(
      `not compared: the ${what} is in ${currency}, the trade in ${trade.currency} (see trade_currency)`,
    );
  switch (content.type) {
    case 'commercial_invoice': {
      if (content.currency !== trade.currency) return otherCurrency('invoice', content.currency);
      const faults: string[] = [];
      for (const [index, line] of content.lines.entries()) {
        const tradeLine = trade.lines.find((l) => l.hs === line.hs && l.unit === line.unit);
        if (tradeLine === undefined) continue; // trade_goods says so
        const price = scaledDecimal(line.unitPrice, digits);
        const tradePrice = scaledDecimal(tradeLine.unitPrice, digits);
        if (price !== tradePrice)
          faults.push(
            `line ${index + 1}: unit price ${money(price)} differs from the trade's ${money(tradePrice)} for HS ${line.hs}`,
          );
      }
      // The lines add up to the total: parseDocumentContent refuses an invoice whose lines do not.
      const total = scaledDecimal(content.total, digits);
      if (total !== tradeTotal)
        faults.push(
          `invoice total ${money(total)} differs from the trade total ${money(tradeTotal)}`,
        );
      if (faults.length > 0) return fail(faults.join('; '));
      return pass(
        `invoice total ${money(total)} is the sum of its lines and the trade total, at the trade's unit prices`,
      );
    }
    case 'export_declaration': {
      if (content.currency !== trade.currency)
        return otherCurrency('declaration', content.currency);
      const declared = scaledDecimal(content.totalValue, digits);
      return declared === tradeTotal
        ? pass(`declared value ${money(declared)} is the trade total`)
        : fail(
            `declared value ${money(declared)} differs from the trade total ${money(tradeTotal)}`,
          );
    }
    case 'insurance_certificate': {
      if (content.currency !== trade.currency) return otherCurrency('insurance', content.currency);
      const insured = scaledDecimal(content.insuredAmount, digits);
      // UCP 600 article 28(f)(ii): at least 110 % of the value of the goods; rounded up.
      const minimum = (tradeTotal * 110n + 99n) / 100n;
      return insured >= minimum
        ? pass(
            `insured amount ${money(insured)} covers at least 110% of the trade total ${money(tradeTotal)} (${money(minimum)})`,
          )
        : fail(
            `insured amount ${money(insured)} is less than 110% of the trade total ${money(tradeTotal)} (${money(minimum)}), the minimum of UCP 600 article 28(f)(ii)`,
          );
    }
    default:
      return skipped(`${aDocument(content.type)} states no amounts`);
  }
}

function currencyCheck(content: DocumentContent, trade: TradeTerms): Outcome {
  if (!('currency' in content)) return skipped(`${aDocument(content.type)} states no currency`);
  const name = DOCUMENT_TYPE_NAMES[content.type];
  return content.currency === trade.currency
    ? pass(`the ${name} is in ${content.currency}, the trade's currency`)
    : fail(`the ${name} is in ${content.currency}; the trade is in ${trade.currency}`);
}

/** The shipment date a transport document states, and how it words it. */
function shipmentOf(content: DocumentContent): { date: string; wording: string } | undefined {
  if (content.type === 'bill_of_lading')
    return { date: content.shippedOnBoard, wording: 'shipped on board' };
  if (content.type === 'rail_consignment_note')
    return { date: content.acceptedAt, wording: 'accepted by the railway' };
  return undefined;
}

function shipmentCheck(content: DocumentContent, trade: TradeTerms): Outcome {
  const shipment = shipmentOf(content);
  if (shipment === undefined) return skipped(`${aDocument(content.type)} states no shipment date`);
  const day = parseDay(shipment.date, 'shipment date');
  const latest = parseDay(trade.latestShipmentDate, 'latestShipmentDate');
  return day <= latest
    ? pass(
        `${shipment.wording} ${shipment.date}, not later than the latest shipment date ${trade.latestShipmentDate}`,
      )
    : fail(
        `${shipment.wording} ${shipment.date}, after the latest shipment date ${trade.latestShipmentDate}`,
      );
}

function presentationCheck(
  content: DocumentContent,
  trade: TradeTerms,
  presentedAt: string | undefined,
): Outcome {
  if (presentedAt === undefined) return skipped('not checked: no presentation date was given');
  const presentedDay = Number(parseInstant(presentedAt, 'presentedAt') / NS_PER_DAY);
  const presented = dayText(presentedDay);
  const shipment = shipmentOf(content);
  const faults: string[] = [];
  const passes: string[] = [];
  if (shipment !== undefined && trade.presentationPeriodDays !== undefined) {
    const shipped = parseDay(shipment.date, 'shipment date');
    const last = shipped + trade.presentationPeriodDays;
    const rule = `the credit allows ${trade.presentationPeriodDays} days after shipment on ${shipment.date} (until ${dayText(last)})`;
    if (presentedDay > last)
      faults.push(
        `presented on ${presented}, ${presentedDay - shipped} days after shipment; ${rule}`,
      );
    else passes.push(`presented on ${presented}, within the period: ${rule}`);
  }
  if (trade.expiryDate !== undefined) {
    const expiry = parseDay(trade.expiryDate, 'expiryDate');
    if (presentedDay > expiry)
      faults.push(`presented on ${presented}, after the credit expired on ${trade.expiryDate}`);
    else passes.push(`not after the expiry date ${trade.expiryDate}`);
  }
  if (faults.length > 0) return fail(faults.join('; '));
  if (passes.length === 0)
    return skipped(
      shipment === undefined
        ? `not checked: the trade sets no expiry date, and ${aDocument(content.type)} states no shipment date to count a presentation period from`
        : 'not checked: the trade sets no presentation period or expiry date',
    );
  return pass(passes.join('; '));
}
