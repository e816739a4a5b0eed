import { Type } from '@sinclair/typebox';
import { isUuid } from '../ledger/ids.js';
import { fitsLength, truncateText } from '../ledger/text.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { documentKind, oneOf, strict, type DocumentReader } from '../domain/documents.js';
import { HubError, invalidField } from '../domain/errors.js';
import { isoOfNs } from '../domain/time.js';
import type { EventInput } from '../store/events.js';
import type { PaymentService } from '../settlement/payments.js';
import {
  creditEndNs,
  refuseAuditor,
  sidesOf,
  tradeDocuments,
  tradeIn,
  tradeNotFound,
  transition,
  type TradeRecord,
  type TradeService,
} from './trades.js';
import type { RegisterSnapshot } from '../documents/register-snapshot.js';
import type { TradeTerms } from '../documents/verify.js';
import { titleStatusIn } from './titles.js';
import {
  storedDocuments,
  type DocumentVerifier,
  type StoredTradeDocument,
} from './trade-documents.js';

/**
 * Presentations: the exporter's side presents the documents a documentary credit requires, by
 * their hashes (each submitted and stored before, src/trade/trade-documents.ts). Every document is
 * verified against the trust register as of now, at its own receipt time (a key revoked after the
 * hub received the document does not spoil it), against the trade's terms and with the
 * presentation's time for the presentation period; the credit's required set must be complete.
 *
 * - Everything verifies: the presentation is `accepted`, the credit's reservation is posted and
 *   the trade goes presented → paid, all in ONE store transaction with the presentation record and
 *   its audit entry (and the payment's): there is no moment at which the money has moved and the
 *   presentation is not recorded, or the other way round.
 * - Anything fails: the presentation is `discrepant`, lists every discrepancy (document, check,
 *   reason; a missing required type is one too), the money stays reserved and the trade is
 *   `presented`; the exporter may present again, corrected, until the credit expires.
 * - A trade paid already refuses any further presentation (`trade_already_paid`); an expired or
 *   cancelled one refuses it too. Two presentations racing for one trade are ordered by the store:
 *   the second finds the trade paid inside its transaction and is refused; only one pays.
 * - Idempotent by presentation id: the same id, trade and documents again answer the stored
 *   presentation; the id with other documents is `presentation_exists`.
 * - Every recorded outcome is an event in the same transaction (`presentation.accepted`, or
 *   `presentation.refused` for discrepant and refused ones), for the trade's parties; a
 *   presentation refused before anything is recorded (the cases above that throw) writes none.
 *
 * Where the verification runs. Checking a hybrid signature costs about 3 ms of CPU per document
 * (ML-DSA-65 and Ed25519), and a write transaction holds the ledger's write lock: every other
 * batch of the hub waits behind it. So the documents are verified BEFORE the transaction, from
 * what the store holds then (documents, register, trade terms), possibly on worker threads (the
 * `verify` given to the service). Inside the transaction only what can have changed since is read
 * again, cheaply: the trade (its status: another presentation may have paid it, a cancel or the
 * credit's expiry may have ended it), the stored documents of the hashes (one may have arrived),
 * the register entries of the documents' issuers (a key revoked, with a revocation time before a
 * document's receipt), whether a presented bill of lading's title was surrendered since
 * (src/trade/titles.ts) and the presentation's date. These inputs are compared with those the
 * verification used; if any differs, the documents are verified again inside the transaction
 * (correct, and slow only in that rare case). Signatures and hashes themselves cannot change: a
 * document is stored under its hash and never rewritten. Passing the verification results in from
 * outside without this re-check would let a revocation or a cancel that commits in between be
 * ignored; verifying everything inside would make every presentation hold the write lock for
 * 20 ms.
 */

export const PRESENTATIONS = 'presentations';

/** How many documents one presentation may name. */
const DOCUMENTS_MAX = 20;
const HASH = /^sha256:[0-9a-f]{64}$/;

export interface Discrepancy {
  /** The document's hash; absent for a discrepancy of the presentation as a whole (a missing type). */
  readonly document?: string;
  /** A verifier check name, or `stored` (no such document) or `required_documents`. */
  readonly check: string;
  readonly reason: string;
}

export interface PresentationRecord {
  readonly id: string;
  readonly trade: string;
  readonly documents: readonly string[];
  readonly status: 'accepted' | 'discrepant' | 'refused';
  readonly discrepancies: readonly Discrepancy[];
  /** The presenting participant, or `operator` / `cli`. */
  readonly presentedBy: string;
  readonly presentedAt: string;
  /** The credit's payment, posted by this presentation (accepted only). */
  readonly payment?: string;
}

const presentationDocuments = documentKind<PresentationRecord>(
  PRESENTATIONS,
  Type.Object(
    {
      id: Type.String(),
      trade: Type.String(),
      documents: Type.Array(Type.String()),
      status: oneOf(['accepted', 'discrepant', 'refused']),
      discrepancies: Type.Array(
        Type.Object(
          { document: Type.Optional(Type.String()), check: Type.String(), reason: Type.String() },
          strict,
        ),
      ),
      presentedBy: Type.String(),
      presentedAt: Type.String(),
      payment: Type.Optional(Type.String()),
    },
    strict,
  ),
);

/** Presentations are kept under `trade/id`, so that a trade's are listed by prefix. */
const keyOf = (trade: string, id: string): string => `${trade}/${id}`;

/** Reads the trust register as a snapshot, inside a transaction or from the store (src/trade/register.ts). */
export interface RegisterReader {
  snapshotIn(reader: DocumentReader): Promise<RegisterSnapshot>;
}

/** What the verification of a presentation was computed from, and what it found. */
interface Verified {
  readonly inputs: string;
  readonly discrepancies: Discrepancy[];
}

export class PresentationService {
  constructor(
    private readonly ledger: Ledger,
    private readonly trades: TradeService,
    private readonly payments: PaymentService,
    private readonly register: RegisterReader,
    private readonly verify: DocumentVerifier,
  ) {}

  /** Presents documents under a trade's documentary credit; see the file comment. */
  async present(
    input: { id: string; trade: string; documents: readonly string[] },
    actor: Actor,
  ): Promise<PresentationRecord> {
    return (await this.record(input, actor)).presentation;
  }

  /**
   * `present`, saying whether this call made the presentation (`created`) or found it made
   * before under the same id with the same documents (`exists`: a retry, which changes nothing).
   */
  async record(
    input: { id: string; trade: string; documents: readonly string[] },
    actor: Actor,
  ): Promise<{ presentation: PresentationRecord; status: 'created' | 'exists' }> {
    refuseAuditor(actor, 'present documents under');
    const { id, tradeId, documents } = checkPresentationInput(input);
    const stored = await presentationDocuments.get(this.ledger.store, keyOf(tradeId, id));
    // `get` answers trade_not_found to whoever may not see the trade, and expires a lapsed credit.
    const trade = await this.trades.get(tradeId, actor);
    if (stored !== undefined)
      return { presentation: sameOrConflict(stored, documents), status: 'exists' };
    if (actor.role !== 'operator' && !sidesOf(trade, actor.participant).has('exporter'))
      throw new HubError('trade_status_conflict', {
        field: 'trade',
        message: `documents under trade ${tradeId}'s credit are presented by the exporter's side (${trade.exporter} or ${trade.exporterBank}), not ${actor.participant ?? actor.id}`,
      });
    refuseUnlessPresentable(trade);
    const terms = this.trades.termsOf(trade);
    const presentedAtNs = this.ledger.clock.nowNs();
    const outside = await this.verifyAll(this.ledger.store, trade, terms, documents, presentedAtNs);

    // Whether the transaction found the presentation made already (by a concurrent retry).
    const found = { before: false };
    const outcome = await this.ledger.transact(async (tx) => {
      const again = await presentationDocuments.get(tx, keyOf(tradeId, id));
      found.before = again !== undefined;
      if (again !== undefined) return again;
      const current = await tradeIn(tx, tradeId);
      if (current === undefined) throw tradeNotFound(tradeId, 'trade');
      refuseUnlessPresentable(current);
      const reservation = current.reservation;
      if (reservation === undefined) throw new Error(`bug: trade ${tradeId} has no reservation`);
      if (tx.nowNs >= creditEndNs(creditOf(current).expiryDate))
        return this.lapse(tx, current, { id, documents, actor }, 'expired', true);
      const verified =
        (await this.inputsOf(tx, current, documents, tx.nowNs)) === outside.inputs
          ? outside
          : await this.verifyAll(tx, current, this.trades.termsOf(current), documents, tx.nowNs);
      const record: PresentationRecord = {
        id,
        trade: tradeId,
        documents,
        status: verified.discrepancies.length === 0 ? 'accepted' : 'discrepant',
        discrepancies: verified.discrepancies,
        presentedBy: byOf(actor),
        presentedAt: isoOfNs(tx.nowNs),
      };
      let next =
        current.status === 'presented'
          ? current
          : transition(current, 'presented', tx.nowNs, byOf(actor));
      if (record.status === 'accepted') {
        const posted = await this.payments.postIn(tx, reservation, actor);
        if (posted.lapsed !== undefined && posted.lapsed !== 'posted')
          return this.lapse(tx, current, { id, documents, actor }, posted.lapsed, false);
        next = transition(next, 'paid', tx.nowNs, byOf(actor));
        Object.assign(record, { payment: reservation });
      }
      await tx.putRecords([
        presentationDocuments.put(keyOf(tradeId, id), record),
        tradeDocuments.put(tradeId, next),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'presentations.create', id, {
          trade: tradeId,
          status: record.status,
          documents: documents.length,
          discrepancies: record.discrepancies.length,
          ...(record.payment === undefined ? {} : { payment: record.payment }),
        }),
      ]);
      await tx.appendEvents([presentationEvent(record, current, tx.nowNs)]);
      return record;
    });
    return {
      presentation: sameOrConflict(outcome, documents),
      status: found.before ? 'exists' : 'created',
    };
  }

  /** The presentations of a trade `actor` may see, oldest id first. */
  async list(tradeId: string, actor: Actor): Promise<PresentationRecord[]> {
    const trade = await this.trades.get(tradeId, actor);
    const found: PresentationRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await presentationDocuments.list(this.ledger.store, {
        prefix: `${trade.id}/`,
        ...(after === undefined ? {} : { afterKey: after }),
        limit: 200,
      });
      found.push(...page);
      if (page.length < 200) return found;
      const last = page[page.length - 1];
      after = last === undefined ? undefined : keyOf(last.trade, last.id);
    }
  }

  /**
   * The credit ran out under the presentation (its end passed, or the ledger released the
   * reservation): the trade is expired, the presentation recorded as `refused` saying so, in
   * this transaction; the caller gets the refused record.
   */
  private async lapse(
    tx: LedgerTransaction,
    trade: TradeRecord,
    presentation: { id: string; documents: readonly string[]; actor: Actor },
    how: string,
    /** Whether the reservation is still to be released here (not when postIn found it lapsed). */
    release: boolean,
  ): Promise<PresentationRecord> {
    const expiryDate = creditOf(trade).expiryDate;
    // The transaction's one ledger batch: past its timeout the ledger expires the legs first.
    if (trade.reservation !== undefined && release)
      await this.payments.voidIn(tx, trade.reservation, presentation.actor);
    const reason = `the documentary credit expired at the end of ${expiryDate} and its reservation was released (${how}); nothing was paid`;
    const record: PresentationRecord = {
      id: presentation.id,
      trade: trade.id,
      documents: presentation.documents,
      status: 'refused',
      discrepancies: [{ check: 'credit_expired', reason }],
      presentedBy: byOf(presentation.actor),
      presentedAt: isoOfNs(tx.nowNs),
    };
    const expired = transition(trade, 'expired', tx.nowNs, 'expiry', reason);
    await tx.putRecords([
      presentationDocuments.put(keyOf(trade.id, presentation.id), record),
      tradeDocuments.put(trade.id, expired),
    ]);
    await tx.appendAudit([
      auditEntry(presentation.actor, tx.nowNs, 'presentations.create', presentation.id, {
        trade: trade.id,
        status: 'refused',
        documents: presentation.documents.length,
        discrepancies: 1,
      }),
      auditEntry(presentation.actor, tx.nowNs, 'trades.expire', trade.id, {
        reservation: trade.reservation ?? null,
        released: how,
      }),
    ]);
    await tx.appendEvents([presentationEvent(record, trade, tx.nowNs)]);
    return record;
  }

  /** Verifies every document of a presentation as `reader` sees the store, and the completeness of the set. */
  private async verifyAll(
    reader: DocumentReader,
    trade: TradeRecord,
    terms: TradeTerms,
    hashes: readonly string[],
    presentedAtNs: bigint,
  ): Promise<Verified> {
    const [found, register, surrendered] = await Promise.all([
      storedDocuments(reader, hashes),
      this.register.snapshotIn(reader),
      surrenderedTitles(reader, hashes),
    ]);
    const presentedAt = isoOfNs(presentedAtNs);
    const reports = await Promise.all(
      hashes.map(async (hash) => {
        const stored = found.get(hash);
        if (stored === undefined) return { hash, stored, report: undefined };
        const report = await this.verify(stored.document, {
          register,
          receivedAt: stored.receivedAt,
          trade: terms,
          presentedAt,
          ...(stored.type === 'bill_of_lading' ? { titleSurrendered: surrendered.has(hash) } : {}),
        });
        return { hash, stored, report };
      }),
    );
    const discrepancies: Discrepancy[] = [];
    for (const { hash, report } of reports) {
      if (report === undefined) {
        discrepancies.push({
          document: hash,
          check: 'stored',
          reason: `no document ${hash} was submitted to the hub`,
        });
        continue;
      }
      for (const check of report.checks)
        if (check.status === 'fail')
          discrepancies.push({ document: hash, check: check.name, reason: check.reason });
    }
    const presentedTypes = new Set(
      reports.flatMap(({ stored }) => (stored === undefined ? [] : [stored.type])),
    );
    for (const type of creditOf(trade).requiredDocuments)
      if (!presentedTypes.has(type))
        discrepancies.push({
          check: 'required_documents',
          reason: `the credit requires a ${type.replaceAll('_', ' ')}; none was presented`,
        });
    return {
      inputs: inputsKey(trade, found, register, surrendered, hashes, presentedAtNs),
      discrepancies,
    };
  }

  /** The inputs a verification in `reader` would use, as one comparable string. */
  private async inputsOf(
    reader: DocumentReader,
    trade: TradeRecord,
    hashes: readonly string[],
    presentedAtNs: bigint,
  ): Promise<string> {
    const [found, register, surrendered] = await Promise.all([
      storedDocuments(reader, hashes),
      this.register.snapshotIn(reader),
      surrenderedTitles(reader, hashes),
    ]);
    return inputsKey(trade, found, register, surrendered, hashes, presentedAtNs);
  }
}

/** A discrepancy's reason in an event: its first 200 characters (the presentation has it whole). */
const EVENT_REASON_MAX = 200;

/**
 * The event of a recorded presentation, in the transaction that records it: `presentation.accepted`
 * (the credit's payment posted: its id, amount and currency) or `presentation.refused` (discrepant,
 * or refused because the credit ran out: the status says which, with the failed checks). A
 * presentation rejected before anything is recorded (invalid input, a trade paid, expired or
 * cancelled, a presenter not of the exporter's side) writes no event. Its participants are those
 * who may read the trade: the exporter, the importer and the banks that keep them.
 */
function presentationEvent(
  record: PresentationRecord,
  trade: TradeRecord,
  nowNs: bigint,
): EventInput {
  const accepted = record.status === 'accepted';
  return {
    type: accepted ? 'presentation.accepted' : 'presentation.refused',
    subject: record.id,
    participants: [trade.exporter, trade.exporterBank, trade.importer, trade.importerBank],
    data: {
      id: record.id,
      trade: record.trade,
      status: record.status,
      documents: [...record.documents],
      presentedBy: record.presentedBy,
      presentedAt: record.presentedAt,
      // Only an accepted presentation has one: the credit's payment it posted.
      ...(record.payment === undefined ? {} : { payment: record.payment }),
      ...(accepted
        ? { amount: trade.totalMinor, currency: trade.currency }
        : {
            discrepancies: record.discrepancies.map((discrepancy) => ({
              ...(discrepancy.document === undefined ? {} : { document: discrepancy.document }),
              check: discrepancy.check,
              reason: shortReason(discrepancy.reason),
            })),
          }),
    },
    at: nowNs,
  };
}

function shortReason(reason: string): string {
  return fitsLength(reason, EVENT_REASON_MAX)
    ? reason
    : `${truncateText(reason, EVENT_REASON_MAX - 1)}…`;
}

/**
 * What a presentation's verification depends on besides the documents' immutable bytes: the
 * trade's terms, which hashes are stored and when each was received, the register entries of
 * their issuers, and the day of presentation (the presentation period is counted in days).
 */
function inputsKey(
  trade: TradeRecord,
  found: ReadonlyMap<string, StoredTradeDocument>,
  register: RegisterSnapshot,
  surrendered: ReadonlySet<string>,
  hashes: readonly string[],
  presentedAtNs: bigint,
): string {
  const issuers = new Set([...found.values()].map((stored) => stored.issuer));
  return JSON.stringify([
    trade.id,
    trade.lines,
    trade.currency,
    trade.totalMinor,
    trade.latestShipmentDate,
    trade.paymentTerms,
    hashes.map((hash) => found.get(hash)?.receivedAt ?? null),
    register.issuers.filter((issuer) => issuers.has(issuer.id)),
    hashes.filter((hash) => surrendered.has(hash)),
    isoOfNs(presentedAtNs).slice(0, 10),
  ]);
}

/** The presented hashes that are bills of lading whose title was surrendered (src/trade/titles.ts). */
async function surrenderedTitles(
  reader: DocumentReader,
  hashes: readonly string[],
): Promise<Set<string>> {
  const statuses = await Promise.all(hashes.map((hash) => titleStatusIn(reader, hash)));
  return new Set(
    statuses.flatMap((status) => (status?.surrendered === true ? [status.billOfLading] : [])),
  );
}

function creditOf(
  trade: TradeRecord,
): Extract<TradeRecord['paymentTerms'], { kind: 'documentary_credit' }> {
  const terms = trade.paymentTerms;
  if (terms.kind !== 'documentary_credit')
    throw new HubError('trade_status_conflict', {
      field: 'trade',
      message: `trade ${trade.id} is on ${terms.kind.replaceAll('_', ' ')} terms: documents are presented under a documentary credit`,
    });
  return terms;
}

/** Refuses a presentation under a trade that cannot take one now. */
function refuseUnlessPresentable(trade: TradeRecord): void {
  creditOf(trade);
  switch (trade.status) {
    case 'agreed':
    case 'shipped':
    case 'presented':
      return;
    case 'paid':
      throw new HubError('trade_already_paid', {
        field: 'trade',
        message: `trade ${trade.id} was paid on an accepted presentation (${trade.paidAt ?? ''}); no further presentation is taken`,
      });
    case 'expired':
      throw new HubError('trade_expired', {
        field: 'trade',
        message: `trade ${trade.id}'s documentary credit expired; documents can no longer be presented`,
      });
    case 'cancelled':
    case 'draft':
      throw new HubError('trade_status_conflict', {
        field: 'trade',
        message: `trade ${trade.id} is ${trade.status}; documents are presented under an agreed credit`,
      });
  }
}

function sameOrConflict(
  stored: PresentationRecord,
  documents: readonly string[],
): PresentationRecord {
  if (JSON.stringify(stored.documents) === JSON.stringify(documents)) return stored;
  throw new HubError('presentation_exists', {
    field: 'id',
    message: `presentation ${stored.id} was made before with other documents`,
  });
}

function byOf(actor: Actor): string {
  return actor.role === 'participant' ? (actor.participant ?? actor.id) : actor.id;
}

function checkPresentationInput(input: {
  id: string;
  trade: string;
  documents: readonly string[];
}): { id: string; tradeId: string; documents: string[] } {
  if (!isUuid(input.id))
    throw invalidField({
      field: 'id',
      message: `a presentation id is a UUID, not ${JSON.stringify(input.id)}`,
    });
  if (!isUuid(input.trade))
    throw invalidField({
      field: 'trade',
      message: `a trade id is a UUID, not ${JSON.stringify(input.trade)}`,
    });
  const documents: unknown = input.documents;
  if (!Array.isArray(documents) || documents.length === 0 || documents.length > DOCUMENTS_MAX)
    throw invalidField({
      field: 'documents',
      message: `a presentation names 1 to ${DOCUMENTS_MAX} documents by their hashes`,
    });
  const hashes = documents.map((hash: unknown, index) => {
    if (typeof hash !== 'string' || !HASH.test(hash))
      throw invalidField({
        field: `documents/${index}`,
        message: `a document is named by its hash, "sha256:" and 64 lower-case hex digits, not ${JSON.stringify(hash)}`,
      });
    return hash;
  });
  hashes.forEach((hash, index) => {
    if (hashes.indexOf(hash) !== index)
      throw invalidField({ field: `documents/${index}`, message: `${hash} is named twice` });
  });
  return { id: input.id.toLowerCase(), tradeId: input.trade.toLowerCase(), documents: hashes };
}
