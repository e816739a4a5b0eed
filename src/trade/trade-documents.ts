import { Type } from '@sinclair/typebox';
import {
  DOCUMENT_MAX_BYTES,
  parseSignedDocument,
  type SignedDocument,
} from '../documents/envelope.js';
import type { IssuerEntry, RegisterSnapshot } from '../documents/register-snapshot.js';
import { VerifierPool } from '../documents/verify-pool.js';
import { DOCUMENT_TYPES, type DocumentType } from '../documents/types.js';
import {
  atReceiptTime,
  verifyDocument,
  type CheckName,
  type TradeTerms,
  type VerificationReport,
  type VerifyContext,
} from '../documents/verify.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { documentKind, oneOf, strict, type DocumentReader } from '../domain/documents.js';
import { HubError, invalidField } from '../domain/errors.js';
import { isoOfNs } from '../domain/time.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import { participantDocuments } from '../participants/registry.js';
import { checkHsCode } from './hs.js';
import type { TrustRegister } from './register.js';
import {
  storedDocumentPut,
  storedDocuments,
  TRADE_DOCUMENTS as STORED_DOCUMENTS,
  type StoredTradeDocument,
} from './stored-documents.js';
import { titleStatusIn } from './titles.js';
import { maySee, tradeIn, tradeNotFound, type TradeRecord, type TradeService } from './trades.js';

export { storedDocuments, type StoredTradeDocument } from './stored-documents.js';

/** The collection of stored documents, keyed by document hash (src/trade/stored-documents.ts). */
export const TRADE_DOCUMENTS = STORED_DOCUMENTS;

/**
 * Signed trade documents at the hub: an issuer signs a document offline (`vostro document sign`)
 * and it, or a party to the trade, submits it; the hub verifies it against the trust register at
 * the moment it receives it and stores it, keyed by its document hash, with that receipt time.
 *
 * - A document whose integrity fails (its shape, size, hash, either signature, its issuer, or its
 *   key at receipt: see `INTEGRITY_CHECKS`) is refused with `document_invalid`, naming every
 *   failed check, and nothing is written; so is one whose goods name an HS code that HS 2022
 *   does not have (`unknown_hs_code`, naming the line: src/trade/hs.ts).
 * - A document that disagrees with its trade (other parties, goods, amounts, currency, a late
 *   shipment) is stored all the same: those are the discrepancies a presentation reports, and
 *   the bank deciding on a presentation needs to see the document that has them.
 * - Submitting the same document again changes nothing (`status: 'exists'`).
 *
 * Each store is one transaction with its audit entry (`documents.submit`). The receipt time is the
 * transaction's clock reading, the same instant the audit log records; a key revoked after it does
 * not undo the document, which keeps being verified at its receipt time.
 *
 * Where the verification runs. Checking a hybrid signature costs about 3 ms of CPU (ML-DSA-65 and
 * Ed25519), and a write transaction holds the ledger's write lock: every other batch of the hub
 * waits behind it. So the document is verified BEFORE the transaction, on the shared worker pool
 * (the `verifier` given to the service), from what the store holds then: the register, the trade's
 * terms, whether the document is stored (and its receipt time if so), else the clock's reading as
 * the receipt time. A document whose bytes, hash or signatures fail is refused there: no later
 * write can mend those. Inside the transaction only what can have changed since is read again,
 * cheaply: the register entries the verification looked at (the issuer's, with its keys and their
 * standing, the issuers the document names as parties, the owner of its key), the trade's terms,
 * whether the document was stored meanwhile, and the receipt time, now the transaction's clock.
 * The two checks that compare the receipt time with the key's validity and standing are run
 * again at the transaction's receipt time (`atReceiptTime`, which costs nothing); if any other
 * input differs from what the verification used, the document is verified again inside the
 * transaction (correct, and slow only in that rare case). Signatures and
 * hashes themselves cannot change: a key id is the hash of its public key, and a stored document is
 * never rewritten. (A bill of lading's title is not part of a submission's verification: submitting
 * runs without `titleSurrendered`, so its surrender cannot change the outcome.) The stored receipt
 * time stays the transaction's, so a key revoked between the verification and the commit still
 * refuses the document; passing the outside verification in without this re-check would let such
 * a revocation be ignored, and verifying inside every time would make every submission hold the
 * write lock for 3 ms.
 *
 * Customs data exchange: an export declaration is signed by the exporting country's customs (an
 * issuer of role customs linked to a `customs` participant) and addressed to the importing
 * country's customs participant, which lists what is addressed to it (`listAddressedTo`), reads and
 * verifies it before the goods arrive, and acknowledges it with a signed `customs_receipt` naming
 * the declaration's hash. The receipt is addressed back to the declaring customs. Besides the
 * operator and auditors, only the trade's parties and their banks, the customs a document is
 * addressed to and the participant of its issuer may read a document; to anyone else it does not
 * exist (`document_not_found`).
 */
/** Verifies one signed document (src/documents/verify.ts `verifyDocument`, or the worker pool's). */
export type DocumentVerifier = (
  input: unknown,
  context: VerifyContext,
) => VerificationReport | Promise<VerificationReport>;

/**
 * The checks whose failure refuses a document: it is not what it claims to be, or its signer may
 * not sign it, or not with that key at the time the hub received it. The other checks compare the
 * document with its trade and do not refuse storage.
 */
const INTEGRITY_CHECKS: ReadonlySet<CheckName> = new Set<CheckName>([
  'schema',
  'size',
  'canonical_hash',
  'signature_ml_dsa_65',
  'signature_ed25519',
  'issuer_known',
  'issuer_allowed',
  'key_valid_at_receipt',
  'key_not_revoked',
]);

/**
 * The integrity checks whose outcome depends on the document alone (and on a key's public key,
 * which its key id fixes): a failure of one of them refuses the document whatever the store holds.
 */
const FIXED_CHECKS: ReadonlySet<CheckName> = new Set<CheckName>([
  'schema',
  'size',
  'canonical_hash',
  'signature_ml_dsa_65',
  'signature_ed25519',
]);

/**
 * The documents addressed to a participant, in the order the hub received them: one small
 * document per addressed document under `${participant}/${receipt ns, 20 digits}/${hash}`.
 */
const ADDRESSED_DOCUMENTS = 'addressed_documents';
const addressedDocuments = documentKind<{ hash: string }>(
  ADDRESSED_DOCUMENTS,
  Type.Object({ hash: Type.String() }, strict),
);

/** The documents of a trade, under `${trade}/${hash}`. */
const TRADE_DOCUMENT_INDEX = 'trade_document_index';
const tradeDocumentIndex = documentKind<{ type: DocumentType; receivedAt: string }>(
  TRADE_DOCUMENT_INDEX,
  Type.Object({ type: oneOf(DOCUMENT_TYPES), receivedAt: Type.String() }, strict),
);

const LIST_MAX = 1000;

export interface SubmitResult {
  document: StoredTradeDocument;
  report: VerificationReport;
  status: 'created' | 'exists';
}

export interface AddressedPage {
  documents: StoredTradeDocument[];
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
}

export class TradeDocumentService {
  constructor(
    private readonly ledger: Ledger,
    private readonly register: TrustRegister,
    private readonly trades: TradeService,
    /**
     * Runs the verification before the transaction: by default `verifyDocument` on the process's
     * shared worker pool (src/documents/verify-pool.ts). Tests give their own to act between the
     * verification and the transaction (a key revoked there must still refuse the document).
     */
    private readonly verifier: DocumentVerifier = (input, context) =>
      VerifierPool.shared().verify(input, context),
  ) {}

  /** Verifies and stores a signed document (see the file comment); refusals write nothing. */
  async submit(signed: unknown, actor: Actor): Promise<SubmitResult> {
    const value = jsonValueOf(signed);
    const hash = hashAt(value);
    const tradeId = stringAt(value, 'content', 'trade');
    const store = this.ledger.store;
    const [register, trade, existing] = await Promise.all([
      this.register.snapshotIn(store),
      tradeId === undefined ? undefined : tradeIn(store, tradeId),
      hash === undefined
        ? undefined
        : storedDocuments(store, [hash]).then((found) => found.get(hash)),
    ]);
    const outside: VerifyInputs = {
      register,
      terms: trade === undefined ? undefined : this.trades.termsOf(trade),
      // A document stored before is judged as it was received, not as if it came now.
      receivedAt: existing?.receivedAt ?? isoOfNs(this.ledger.clock.nowNs()),
    };
    const verified = await this.verifier(value, contextOf(outside));
    // What no later write can mend (its bytes, its hash, a signature) is refused here, before the
    // document joins the queue of writers.
    if (verified.checks.some((check) => check.status === 'fail' && FIXED_CHECKS.has(check.name)))
      refuseUnlessIntact(verified);

    return this.ledger.transact(async (tx) => {
      // One after another: a transaction is one connection, which runs one query at a time.
      const register = await this.register.snapshotIn(tx, tx.nowNs);
      const trade = tradeId === undefined ? undefined : await tradeIn(tx, tradeId);
      const existing =
        hash === undefined ? undefined : (await storedDocuments(tx, [hash])).get(hash);
      const inside: VerifyInputs = {
        register,
        terms: trade === undefined ? undefined : this.trades.termsOf(trade),
        receivedAt: existing?.receivedAt ?? isoOfNs(tx.nowNs),
      };
      const report = sameInputs(value, outside, inside)
        ? atReceiptTime(value, verified, contextOf(inside))
        : // Rare: verified again, here, from what this transaction reads.
          verifyDocument(value, contextOf(inside));
      refuseUnlessIntact(report);
      const parsed = parseSignedDocument(value);
      // The verifier's schema check passed, so this parse cannot fail.
      if (!parsed.ok) throw new Error(`bug: a verified document does not parse: ${parsed.field}`);
      const document = parsed.document;
      // The verifier knows no nomenclature (src/documents is pure); a subheading HS 2022 does not
      // have is bad input, refused before anything is written.
      if ('lines' in document.content)
        for (const [index, line] of document.content.lines.entries())
          checkHsCode(line.hs, `content/lines/${index}/hs`);
      const issuer = register.issuers.find((entry) => entry.id === document.content.issuer);
      if (trade === undefined || !maySubmit(actor, trade, issuer))
        throw tradeNotFound(document.content.trade, 'content/trade');
      if (existing !== undefined) return { document: existing, report, status: 'exists' };
      const addressedTo = await addresseeOf(tx, document, issuer, register);
      const stored: StoredTradeDocument = {
        hash: document.hash,
        type: document.content.type,
        trade: trade.id,
        issuer: document.content.issuer,
        receivedAt: isoOfNs(tx.nowNs),
        receivedBy: actor.id,
        document,
        ...(addressedTo === undefined ? {} : { addressedTo }),
      };
      await tx.putRecords([
        storedDocumentPut(stored),
        tradeDocumentIndex.put(`${stored.trade}/${stored.hash}`, {
          type: stored.type,
          receivedAt: stored.receivedAt,
        }),
        ...(addressedTo === undefined
          ? []
          : [
              addressedDocuments.put(addressedKey(addressedTo, tx.nowNs, stored.hash), {
                hash: stored.hash,
              }),
            ]),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'documents.submit', stored.hash, {
          type: stored.type,
          trade: stored.trade,
          issuer: stored.issuer,
          keyId: document.signature.keyId,
          valid: report.valid,
          failed: report.checks
            .filter((check) => check.status === 'fail')
            .map((check) => check.name),
          ...(addressedTo === undefined ? {} : { addressedTo }),
        }),
      ]);
      return { document: stored, report, status: 'created' };
    });
  }

  /**
   * A stored document, to the operator, auditors, the trade's parties and their banks, the
   * participant it is addressed to, the participant of its issuer and whoever submitted it;
   * `document_not_found` to anyone else, as to a hash that is not stored.
   */
  async get(hash: string, actor: Actor): Promise<StoredTradeDocument> {
    const store = this.ledger.store;
    const stored =
      typeof hash === 'string' && HASH.test(hash)
        ? (await storedDocuments(store, [hash])).get(hash)
        : undefined;
    if (stored !== undefined && (await this.mayRead(store, actor, stored))) return stored;
    throw new HubError('document_not_found', {
      field: 'hash',
      message: `no document ${String(hash)}`,
    });
  }

  /**
   * Runs the verifier (on the shared worker pool) on a signed document without storing it, for
   * anyone who may use the hub: against the register as it is now, at the document's receipt time
   * if the hub holds it (else now), against its trade if the caller may see the trade, and, for a
   * bill of lading, with whether its title was surrendered.
   */
  async verify(signed: unknown, actor: Actor): Promise<VerificationReport> {
    const store = this.ledger.store;
    const hash = hashAt(signed);
    const tradeId = stringAt(signed, 'content', 'trade');
    const [register, trade, existing, title] = await Promise.all([
      this.register.snapshot(),
      tradeId === undefined ? undefined : tradeIn(store, tradeId),
      hash === undefined
        ? undefined
        : storedDocuments(store, [hash]).then((found) => found.get(hash)),
      hash === undefined ? undefined : titleStatusIn(store, hash),
    ]);
    const context: VerifyContext = {
      register,
      receivedAt: existing?.receivedAt ?? isoOfNs(this.ledger.clock.nowNs()),
      ...(trade !== undefined && maySee(trade, actor) ? { trade: this.trades.termsOf(trade) } : {}),
      ...(title === undefined ? {} : { titleSurrendered: title.surrendered }),
    };
    // Off this thread: nothing is written, so nothing need wait in the store's queue for it.
    return VerifierPool.shared().verify(signed, context);
  }

  /**
   * The documents addressed to a participant (a customs authority: the export declarations sent
   * to it, the receipts of its own declarations), oldest first, a page at a time. The participant
   * itself, the operator and auditors may list them; to anyone else the participant does not exist.
   */
  async listAddressedTo(
    participant: string,
    actor: Actor,
    query: { after?: string; limit?: number } = {},
  ): Promise<AddressedPage> {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX)
      throw invalidField({ field: 'limit', message: `limit is 1 to ${LIST_MAX}` });
    const store = this.ledger.store;
    const own = actor.role === 'participant' && actor.participant === participant;
    if (
      (!own && actor.role === 'participant') ||
      (await participantDocuments.get(store, participant)) === undefined
    )
      throw new HubError('participant_not_found', {
        field: 'participant',
        message: `no participant ${participant}`,
      });
    const prefix = `${participant}/`;
    const keys = await store.listRecords({
      collection: ADDRESSED_DOCUMENTS,
      prefix,
      ...(query.after === undefined ? {} : { afterKey: `${prefix}${query.after}` }),
      limit: limit + 1,
    });
    const page = keys
      .slice(0, limit)
      .map((record) => addressedDocuments.parse(record.key, record.value));
    const found = await storedDocuments(
      store,
      page.map((entry) => entry.hash),
    );
    const documents = page.map((entry) => {
      const document = found.get(entry.hash);
      if (document === undefined)
        throw new Error(
          `bug: ${ADDRESSED_DOCUMENTS} names ${entry.hash}, which is not in ${TRADE_DOCUMENTS}`,
        );
      return document;
    });
    const last = keys.length > limit ? keys[limit - 1]?.key : undefined;
    return { documents, next: last === undefined ? null : last.slice(prefix.length) };
  }

  /** The documents of a trade, in hash order, to whoever may see the trade. */
  async listForTrade(tradeId: string, actor: Actor): Promise<StoredTradeDocument[]> {
    const store = this.ledger.store;
    const trade = await tradeIn(store, tradeId);
    if (trade === undefined || !maySee(trade, actor)) throw tradeNotFound(tradeId, 'trade');
    const hashes: string[] = [];
    const prefix = `${trade.id}/`;
    for (let after: string | undefined; ;) {
      const page = await store.listRecords({
        collection: TRADE_DOCUMENT_INDEX,
        prefix,
        ...(after === undefined ? {} : { afterKey: after }),
        limit: 500,
      });
      hashes.push(...page.map((record) => record.key.slice(prefix.length)));
      if (page.length < 500) break;
      after = page.at(-1)?.key;
    }
    const found = await storedDocuments(store, hashes);
    return hashes.flatMap((hash) => {
      const document = found.get(hash);
      return document === undefined ? [] : [document];
    });
  }

  /**
   * The documents of a trade, in hash order, each with the hub's verification of it as
   * `POST /v1/documents/verify` would answer for it: against the register as it is now, at the
   * document's own receipt time, against the trade's terms and, for a bill of lading, with whether
   * its title was surrendered. To whoever may see the trade; `trade_not_found` to anyone else.
   */
  async verifiedForTrade(
    tradeId: string,
    actor: Actor,
  ): Promise<{ document: StoredTradeDocument; report: VerificationReport }[]> {
    const documents = await this.listForTrade(tradeId, actor);
    if (documents.length === 0) return [];
    const store = this.ledger.store;
    const [register, trade] = await Promise.all([
      this.register.snapshot(),
      tradeIn(store, tradeId),
    ]);
    if (trade === undefined) throw tradeNotFound(tradeId, 'trade');
    const terms = this.trades.termsOf(trade);
    return Promise.all(
      documents.map(async (document) => {
        const title =
          document.type === 'bill_of_lading'
            ? await titleStatusIn(store, document.hash)
            : undefined;
        const report = await this.verifier(document.document, {
          register,
          receivedAt: document.receivedAt,
          trade: terms,
          ...(title === undefined ? {} : { titleSurrendered: title.surrendered }),
        });
        return { document, report };
      }),
    );
  }

  private async mayRead(
    reader: DocumentReader,
    actor: Actor,
    stored: StoredTradeDocument,
  ): Promise<boolean> {
    if (actor.role === 'operator' || actor.role === 'auditor') return true;
    const participant = actor.participant;
    if (participant === undefined) return false;
    if (stored.addressedTo === participant || stored.receivedBy === participant) return true;
    const trade = await tradeIn(reader, stored.trade);
    if (trade !== undefined && maySee(trade, actor)) return true;
    return (await this.register.get(stored.issuer))?.participant === participant;
  }
}

/** JSON.stringify, typed as it behaves: undefined for what JSON cannot hold at the top (undefined, a function). */
const stringify: (value: unknown) => string | undefined = JSON.stringify;

/**
 * The document as a JSON value, after the size limit, which is checked before anything else is
 * read of it: a parsed value (what the API hands on), or its JSON text or UTF-8 bytes (a file).
 */
function jsonValueOf(signed: unknown): unknown {
  let text: string | undefined;
  if (typeof signed === 'string') text = signed;
  else if (signed instanceof Uint8Array) text = Buffer.from(signed).toString('utf8');
  else
    try {
      text = stringify(signed);
    } catch (error) {
      throw invalidField({
        field: 'document',
        message: `a signed document is JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  if (text === undefined)
    throw invalidField({ field: 'document', message: 'a signed document is a JSON object' });
  const bytes = signed instanceof Uint8Array ? signed.length : Buffer.byteLength(text, 'utf8');
  if (bytes > DOCUMENT_MAX_BYTES)
    throw new HubError('document_too_large', {
      field: 'document',
      message: `the signed document is ${bytes} bytes as JSON; the hub takes at most ${DOCUMENT_MAX_BYTES} (${DOCUMENT_MAX_BYTES / 1024} KiB)`,
    });
  if (typeof signed === 'string' || signed instanceof Uint8Array)
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw invalidField({
        field: 'document',
        message: `the signed document is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  return signed;
}

/** `document_invalid` naming every failed integrity check and its reason. */
function refuseUnlessIntact(report: VerificationReport): void {
  const failed = report.checks.filter(
    (check) => check.status === 'fail' && INTEGRITY_CHECKS.has(check.name),
  );
  if (failed.length === 0) return;
  throw new HubError('document_invalid', {
    field: 'document',
    message: `the document does not verify: ${failed.map((check) => `${check.name}: ${check.reason}`).join('; ')}`,
  });
}

const HASH = /^sha256:[0-9a-f]{64}$/;

/** The hash a document states, when it has the form of one (else it cannot be stored under it). */
function hashAt(value: unknown): string | undefined {
  const hash = stringAt(value, 'hash');
  return hash !== undefined && HASH.test(hash) ? hash : undefined;
}

/** A string at a path of an untyped value, or undefined. */
function stringAt(value: unknown, ...path: string[]): string | undefined {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' ? at : undefined;
}

/** The operator, the trade's parties and their banks, and the participant of the document's issuer. */
function maySubmit(actor: Actor, trade: TradeRecord, issuer: IssuerEntry | undefined): boolean {
  if (actor.role === 'operator') return true;
  if (actor.role !== 'participant' || actor.participant === undefined) return false;
  return maySee(trade, actor) || issuer?.participant === actor.participant;
}

function addressedKey(participant: string, nowNs: bigint, hash: string): string {
  return `${participant}/${nowNs.toString().padStart(20, '0')}/${hash}`;
}

/**
 * Whom an export declaration or a customs receipt is addressed to, after the customs rules: a
 * declaration is signed by customs of its export country and addressed to the customs participant
 * of its import country; a receipt names a stored declaration of the same trade, addressed to the
 * receipt's own customs, and goes back to the declaring customs. Other documents have no addressee.
 */
async function addresseeOf(
  tx: LedgerTransaction,
  document: SignedDocument,
  issuer: IssuerEntry | undefined,
  register: RegisterSnapshot,
): Promise<string | undefined> {
  const content = document.content;
  if (content.type === 'export_declaration') {
    if (issuer?.role !== 'customs' || issuer.participant === undefined)
      throw refusal(
        'issuer',
        `an export declaration is signed by customs; ${content.issuer} is not`,
      );
    if (content.exportCountry !== issuer.country)
      throw refusal(
        'content/exportCountry',
        `the declaration is signed by the customs of ${issuer.country} but declares an export from ${content.exportCountry}`,
      );
    const customs = await participantDocuments.get(tx, content.addressedTo);
    if (customs?.kind !== 'customs')
      throw refusal(
        'content/addressedTo',
        customs === undefined
          ? `no participant ${content.addressedTo}: a declaration is addressed to a customs participant`
          : `${content.addressedTo} is a ${customs.kind}, not a customs authority`,
      );
    if (customs.country !== content.importCountry)
      throw refusal(
        'content/addressedTo',
        `${customs.id} is the customs of ${customs.country}, not of the import country ${content.importCountry}`,
      );
    if (customs.id === issuer.participant)
      throw refusal(
        'content/addressedTo',
        'a customs authority does not address a declaration to itself',
      );
    return customs.id;
  }
  if (content.type === 'customs_receipt') {
    const declaration = (await storedDocuments(tx, [content.receivedDeclaration])).get(
      content.receivedDeclaration,
    );
    if (declaration?.type !== 'export_declaration' || declaration.trade !== content.trade)
      throw refusal(
        'content/receivedDeclaration',
        `no export declaration ${content.receivedDeclaration} of trade ${content.trade} is stored`,
      );
    if (declaration.addressedTo !== content.receivedBy)
      throw refusal(
        'content/receivedBy',
        `the declaration is addressed to ${declaration.addressedTo ?? 'nobody'}, not to ${content.receivedBy}`,
      );
    if (issuer?.role !== 'customs' || issuer.participant !== content.receivedBy)
      throw refusal(
        'issuer',
        `the receipt is signed by ${content.issuer}, which is not the customs of ${content.receivedBy}`,
      );
    return register.issuers.find((entry) => entry.id === declaration.issuer)?.participant;
  }
  return undefined;
}

/** What a submission's verification reads of the store, besides the document itself. */
interface VerifyInputs {
  readonly register: RegisterSnapshot;
  readonly terms: TradeTerms | undefined;
  /** ISO 8601: the stored receipt time of a document stored before, else the clock's reading. */
  readonly receivedAt: string;
}

function contextOf(inputs: VerifyInputs): VerifyContext {
  return {
    register: inputs.register,
    receivedAt: inputs.receivedAt,
    ...(inputs.terms === undefined ? {} : { trade: inputs.terms }),
  };
}

/**
 * Whether verifying `value` from `inside` reaches the verdicts it reached from `outside`, but for
 * the receipt time (which `atReceiptTime` applies): the same trade terms, and the same register
 * entries of the issuers the verifier looks at (the document's issuer, any issuer the document
 * names, as a party for one, and whoever holds its key).
 */
function sameInputs(value: unknown, outside: VerifyInputs, inside: VerifyInputs): boolean {
  if (JSON.stringify(outside.terms ?? null) !== JSON.stringify(inside.terms ?? null)) return false;
  const named = new Set<string>();
  stringsIn(
    value !== null && typeof value === 'object'
      ? (value as Record<string, unknown>).content
      : undefined,
    named,
  );
  const keyId = stringAt(value, 'signature', 'keyId');
  const looked = (register: RegisterSnapshot) =>
    JSON.stringify(
      register.issuers.filter(
        (entry) => named.has(entry.id) || entry.keys.some((key) => key.keyId === keyId),
      ),
    );
  return looked(outside.register) === looked(inside.register);
}

/** Every string in a JSON value, into `into`. */
function stringsIn(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) stringsIn(item, into);
}

function refusal(field: string, message: string): HubError {
  return new HubError('document_invalid', { field, message });
}
