import { Type, type Static } from '@sinclair/typebox';
import { AMOUNT_MAX, currencyByCode, formatAmount, type Currency } from '../ledger/currency.js';
import { derivedId, isUuid, type AccountId, type TransferId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import {
  accountIdString,
  decimalString,
  documentKind,
  oneOf,
  strict,
  type DocumentReader,
} from '../domain/documents.js';
import { checkPlainText, HubError, invalidField } from '../domain/errors.js';
import { dayStartNs, dayText, isoOfNs, parseDay } from '../domain/time.js';
import type { ParticipantRecord, ParticipantRegistry } from '../participants/registry.js';
import type { ParticipantAccount } from '../participants/accounts.js';
import type { PaymentService } from '../settlement/payments.js';
import { DOCUMENT_TYPES, type DocumentType } from '../documents/types.js';
import type { TradeTerms } from '../documents/verify.js';
import { checkHsCode } from './hs.js';
import { checkIncoterm, INCOTERMS_2020, type Incoterm } from './incoterms.js';

/**
 * Trades: what the money pays for. A trade names the exporter and the importer (corporate
 * participants, each kept by its bank), the goods (HS 2022 subheadings, quantities, unit prices),
 * the currency (rupees or roubles), the Incoterms 2020 rule, the latest shipment date, optionally
 * the corridor the goods take, and the payment terms. Its total is computed here, exactly, in
 * minor units: never a float, never rounded.
 *
 * Lifecycle: draft → agreed → shipped → presented → paid, or expired, or cancelled. One side
 * records the trade (a draft); the other side agrees to it. On documentary-credit terms the
 * agreement is also the credit's opening: the importer's bank reserves the total as a pending
 * payment from the importer's account to the exporter's, through the hub's payment rules (net
 * debit caps hold), with a timeout at the end of the credit's expiry date, in the same store
 * transaction as the trade record and its audit entry. Presenting the documents
 * (presentations.ts) posts that payment, in the same transaction as the presentation; cancelling
 * the trade voids it, and the ledger releases it at the timeout (the trade is then expired, noticed
 * at the next read or attempt, or by `expireDue`).
 *
 * Who sees a trade: its exporter and importer (participant keys), the banks that keep them, the
 * operator and auditors. Anyone else is told that there is no such trade (404
 * `trade_not_found`), word for word as for an id nobody used.
 */

export const TRADES = 'trades';

export const TRADE_STATUSES = [
  'draft',
  'agreed',
  'shipped',
  'presented',
  'paid',
  'expired',
  'cancelled',
] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];

const PAYMENT_TERM_KINDS = [
  'advance',
  'open_account',
  'documentary_collection',
  'documentary_credit',
] as const;

export type PaymentTerms =
  | { readonly kind: 'advance' }
  | { readonly kind: 'open_account'; readonly days: number }
  | { readonly kind: 'documentary_collection' }
  | {
      readonly kind: 'documentary_credit';
      readonly requiredDocuments: readonly DocumentType[];
      readonly presentationPeriodDays: number;
      /** YYYY-MM-DD: the credit holds until the end of this day (UTC). */
      readonly expiryDate: string;
      /** The importer's account the credit is paid from. */
      readonly payer: AccountId;
      /** The exporter's account it is paid into. */
      readonly payee: AccountId;
    };

/** The route the goods take, as the corridor planner summarised it (src/corridors). */
export interface CorridorSummary {
  /** Every stop with the mode between, e.g. "INNSA -sea-> IRBND -rail-> RUMOW". */
  readonly summary: string;
  readonly days?: number;
  readonly distanceKm?: number;
}

export interface TradeLine {
  /** A 6-digit HS 2022 subheading. */
  readonly hs: string;
  readonly description: string;
  /** A positive decimal, at most 6 decimal places. */
  readonly quantity: string;
  /** The unit of the quantity, e.g. "TNE", "KGM", "pieces". */
  readonly unit: string;
  /** Major units of the trade's currency, at most its decimal places. */
  readonly unitPrice: string;
}

export interface TradeInput {
  /** The client's id (a UUID): the idempotency key. */
  readonly id: string;
  readonly exporter: string;
  readonly importer: string;
  readonly currency: 'INR' | 'RUB';
  readonly lines: readonly TradeLine[];
  readonly incoterm: { readonly rule: Incoterm; readonly place: string };
  /** YYYY-MM-DD. */
  readonly latestShipmentDate: string;
  readonly corridor?: CorridorSummary;
  readonly paymentTerms: PaymentTerms;
}

export interface TradeHistoryEntry {
  readonly status: TradeStatus;
  readonly at: string;
  /** The actor's id (a participant, `operator`, `cli`), or `expiry` when the credit ran out. */
  readonly by: string;
  readonly reason?: string;
}

export interface TradeRecord extends TradeInput {
  readonly status: TradeStatus;
  /** The total in minor units, as a decimal string: Σ quantity × unit price, exact. */
  readonly totalMinor: string;
  readonly exporterBank: string;
  readonly importerBank: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly agreedAt?: string;
  readonly shippedAt?: string;
  readonly presentedAt?: string;
  readonly paidAt?: string;
  /** The payment id of the documentary credit's reservation. */
  readonly reservation?: string;
  readonly history: readonly TradeHistoryEntry[];
}

const dateString = () => Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

const TradeRecordSchema = Type.Object(
  {
    id: Type.String(),
    exporter: Type.String(),
    importer: Type.String(),
    currency: oneOf(['INR', 'RUB']),
    lines: Type.Array(
      Type.Object(
        {
          hs: Type.String({ pattern: '^[0-9]{6}$' }),
          description: Type.String(),
          quantity: Type.String(),
          unit: Type.String(),
          unitPrice: Type.String(),
        },
        strict,
      ),
    ),
    incoterm: Type.Object({ rule: oneOf(INCOTERMS_2020), place: Type.String() }, strict),
    latestShipmentDate: dateString(),
    corridor: Type.Optional(
      Type.Object(
        {
          summary: Type.String(),
          days: Type.Optional(Type.Number()),
          distanceKm: Type.Optional(Type.Number()),
        },
        strict,
      ),
    ),
    paymentTerms: Type.Union([
      Type.Object({ kind: Type.Literal('advance') }, strict),
      Type.Object({ kind: Type.Literal('open_account'), days: Type.Integer() }, strict),
      Type.Object({ kind: Type.Literal('documentary_collection') }, strict),
      Type.Object(
        {
          kind: Type.Literal('documentary_credit'),
          requiredDocuments: Type.Array(oneOf(DOCUMENT_TYPES)),
          presentationPeriodDays: Type.Integer(),
          expiryDate: dateString(),
          payer: accountIdString(),
          payee: accountIdString(),
        },
        strict,
      ),
    ]),
    status: oneOf(TRADE_STATUSES),
    totalMinor: decimalString(),
    exporterBank: Type.String(),
    importerBank: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
    agreedAt: Type.Optional(Type.String()),
    shippedAt: Type.Optional(Type.String()),
    presentedAt: Type.Optional(Type.String()),
    paidAt: Type.Optional(Type.String()),
    reservation: Type.Optional(Type.String()),
    history: Type.Array(
      Type.Object(
        {
          status: oneOf(TRADE_STATUSES),
          at: Type.String(),
          by: Type.String(),
          reason: Type.Optional(Type.String()),
        },
        strict,
      ),
    ),
  },
  strict,
);

/** The trade documents, one per trade under its id. Read and written by presentations.ts too. */
export const tradeDocuments = documentKind<TradeRecord>(
  TRADES,
  TradeRecordSchema satisfies { static: Static<typeof TradeRecordSchema> },
);

/** The trade stored under `id`, as `reader` sees it (a transaction sees its own writes); no visibility check. */
export async function tradeIn(
  reader: DocumentReader,
  id: string,
): Promise<TradeRecord | undefined> {
  return tradeDocuments.get(reader, id);
}

/** Statuses a trade never leaves. */
const FINAL: ReadonlySet<TradeStatus> = new Set(['paid', 'expired', 'cancelled']);

/** The audit actor of a trade expired because its credit ran out (noticed by a read, an attempt or `expireDue`). */
const EXPIRY_ACTOR: Actor = { id: 'expiry', role: 'operator' };

const LINES_MAX = 200;
const QUANTITY_DECIMALS_MAX = 6;
const DESCRIPTION_MAX = 200;
const UNIT_MAX = 16;
const CORRIDOR_SUMMARY_MAX = 500;
const PRESENTATION_PERIOD_MAX = 90;
const OPEN_ACCOUNT_DAYS_MAX = 365;
/** The longest a credit may run past the latest shipment date (its reservation holds money that long). */
const CREDIT_DAYS_MAX = 730;
const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_SECOND;

/** The side of a trade a participant is on: as the corporate itself, or as the bank that keeps it. */
type Side = 'exporter' | 'importer';

export function sidesOf(trade: TradeRecord, participant: string | undefined): Set<Side> {
  const sides = new Set<Side>();
  if (participant === undefined) return sides;
  if (participant === trade.exporter || participant === trade.exporterBank) sides.add('exporter');
  if (participant === trade.importer || participant === trade.importerBank) sides.add('importer');
  return sides;
}

/** Whether `actor` may see `trade`: the operator and auditors all; a participant key those it is a party to or finances. */
export function maySee(trade: TradeRecord, actor: Actor): boolean {
  if (actor.role === 'operator' || actor.role === 'auditor') return true;
  return sidesOf(trade, actor.participant).size > 0;
}

export function tradeNotFound(id: string, field = 'id'): HubError {
  return new HubError('trade_not_found', { field, message: `no trade ${id}` });
}

/** The instant the documentary credit ends: the end of its expiry date, UTC (ns). */
export function creditEndNs(expiryDate: string): bigint {
  return dayStartNs(parseDay(expiryDate, 'paymentTerms/expiryDate')) + NS_PER_DAY;
}

/** A trade moved to `status` by `by` at `nowNs`, with its history entry and the time field of that status. */
export function transition(
  trade: TradeRecord,
  status: TradeStatus,
  nowNs: bigint,
  by: string,
  reason?: string,
): TradeRecord {
  const at = isoOfNs(nowNs);
  const stamp =
    status === 'agreed'
      ? { agreedAt: at }
      : status === 'shipped'
        ? { shippedAt: at }
        : status === 'presented'
          ? { presentedAt: at }
          : status === 'paid'
            ? { paidAt: at }
            : {};
  return {
    ...trade,
    ...stamp,
    status,
    history: [...trade.history, { status, at, by, ...(reason === undefined ? {} : { reason }) }],
  };
}

function statusConflict(trade: TradeRecord, wanted: string): HubError {
  if (trade.status === 'paid')
    return new HubError('trade_already_paid', {
      field: 'id',
      message: `trade ${trade.id} is paid already (${trade.paidAt ?? ''}); it cannot be ${wanted}`,
    });
  if (trade.status === 'expired')
    return new HubError('trade_expired', {
      field: 'id',
      message: `trade ${trade.id} expired: its documentary credit ran out at the end of ${trade.paymentTerms.kind === 'documentary_credit' ? trade.paymentTerms.expiryDate : 'its expiry date'} and the reservation was released; it cannot be ${wanted}`,
    });
  return new HubError('trade_status_conflict', {
    field: 'id',
    message: `trade ${trade.id} is ${trade.status}; it cannot be ${wanted}`,
  });
}

export class TradeService {
  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
    private readonly payments: PaymentService,
  ) {}

  /**
   * Records a trade as a draft. The exporter or importer (a participant key of either
   * corporate), the bank that keeps either, or the operator may; anyone else is refused as if
   * the named parties did not exist for it. Every field is checked and the first fault is named
   * (`lines/2/hs`, `paymentTerms/expiryDate`). Idempotent by id: the same body again answers the
   * stored trade; another body under a used id is `trade_exists`.
   */
  async create(input: TradeInput, actor: Actor): Promise<TradeRecord> {
    return (await this.record(input, actor)).trade;
  }

  /**
   * `create`, saying also whether this call recorded the trade (`created`) or found it recorded
   * by an earlier call with the same body (`exists`, nothing written): the API answers 201 or 200.
   */
  async record(
    input: TradeInput,
    actor: Actor,
  ): Promise<{ trade: TradeRecord; status: 'created' | 'exists' }> {
    refuseAuditor(actor, 'record');
    const checked = checkTradeInput(input);
    const currency = currencyByCode(checked.currency) as Currency;
    const totalMinor = tradeTotalMinor(checked.lines, currency);
    const exporter = await this.corporate(checked.exporter, 'exporter');
    const importer = await this.corporate(checked.importer, 'importer');
    if (exporter.id === importer.id)
      throw invalidField({
        field: 'importer',
        message: 'the exporter and the importer are two different participants',
      });
    const exporterBank = exporter.bank as string;
    const importerBank = importer.bank as string;
    if (actor.role === 'participant') {
      const parties = [exporter.id, importer.id, exporterBank, importerBank];
      if (actor.participant === undefined || !parties.includes(actor.participant))
        throw new HubError('participant_not_found', {
          field: 'exporter',
          message: `a trade is recorded by its exporter, its importer or the bank of either; ${actor.participant ?? actor.id} is none of these`,
        });
    }
    if (checked.paymentTerms.kind === 'documentary_credit')
      await this.checkCreditAccounts(checked, exporter, importer);
    const stored = await this.ledger.transact(async (tx) => {
      const existing = await tradeIn(tx, checked.id);
      if (existing !== undefined) return { existing, created: undefined };
      const record: TradeRecord = {
        ...checked,
        status: 'draft',
        totalMinor: totalMinor.toString(),
        exporterBank,
        importerBank,
        createdBy: actor.role === 'participant' ? (actor.participant ?? actor.id) : actor.id,
        createdAt: isoOfNs(tx.nowNs),
        history: [
          {
            status: 'draft',
            at: isoOfNs(tx.nowNs),
            by: actor.role === 'participant' ? (actor.participant ?? actor.id) : actor.id,
          },
        ],
      };
      await tx.putRecords([tradeDocuments.put(record.id, record)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'trades.create', record.id, {
          exporter: record.exporter,
          importer: record.importer,
          currency: record.currency,
          total: formatAmount(totalMinor, currency),
          lines: record.lines.length,
          terms: record.paymentTerms.kind,
        }),
      ]);
      return { created: record, existing: undefined };
    });
    if (stored.created !== undefined) return { trade: stored.created, status: 'created' };
    const existing = stored.existing;
    if (!sameInput(existing, checked))
      throw new HubError('trade_exists', {
        field: 'id',
        message: `trade id ${checked.id} was used before for another trade`,
      });
    if (!maySee(existing, actor)) throw tradeNotFound(checked.id);
    return { trade: existing, status: 'exists' };
  }

  /**
   * The other side agrees to a draft: a party of the side that did not record it (or the
   * operator; when the operator or a bank of both sides recorded it, either side). On
   * documentary-credit terms the importer's bank reserves the total from the credit's payer
   * account to its payee account, pending until the end of the expiry date, in this same
   * transaction; if the hub's payment rules refuse it (net debit cap, funds, a suspended party)
   * nothing is written, the trade stays a draft, and the refusal names `paymentTerms/payer`.
   * Agreeing an agreed trade again is an idempotent retry.
   */
  async agree(id: string, actor: Actor): Promise<TradeRecord> {
    refuseAuditor(actor, 'agree to');
    const trade = await this.visible(id, actor);
    if (trade.status === 'agreed') return trade;
    if (trade.status !== 'draft') throw statusConflict(trade, 'agreed');
    this.requireOtherSide(trade, actor);
    const terms = trade.paymentTerms;
    if (terms.kind === 'documentary_credit') {
      const payer = await this.registry.account(terms.payer);
      if (payer !== undefined && payer.currency !== trade.currency)
        throw crossCurrency(trade, payer.currency);
    }
    const reservation = derivedId(`vostro:trade:${id}:credit`);
    return this.ledger.transact(async (tx) => {
      const current = await this.current(tx, id);
      if (current.status === 'agreed') return current;
      if (current.status !== 'draft') throw statusConflict(current, 'agreed');
      let agreed = transition(current, 'agreed', tx.nowNs, byOf(actor));
      if (terms.kind === 'documentary_credit') {
        // Timeouts are whole seconds from the legs' ledger timestamp (now, or a few ns after):
        // rounded up, the legs are released at the end of the expiry date or within a second
        // after it, never before. Presentations check the date itself (presentations.ts).
        const remainingNs = creditEndNs(terms.expiryDate) - tx.nowNs;
        const timeoutSeconds = (remainingNs + NS_PER_SECOND - 1n) / NS_PER_SECOND;
        if (remainingNs <= 0n)
          throw new HubError('trade_expired', {
            field: 'paymentTerms/expiryDate',
            message: `the documentary credit's expiry date ${terms.expiryDate} has passed; it cannot be opened`,
          });
        const bank: Actor = {
          id: current.importerBank,
          role: 'participant',
          participant: current.importerBank,
          ...(actor.requestId === undefined ? {} : { requestId: actor.requestId }),
        };
        try {
          await this.payments.reserveIn(
            tx,
            {
              id: reservation,
              payer: terms.payer,
              payee: terms.payee,
              amount: BigInt(current.totalMinor),
              reference: `documentary credit, trade ${id}`,
              pending: true,
              timeoutSeconds: Number(timeoutSeconds),
              trade: id,
            },
            bank,
          );
        } catch (error) {
          if (!(error instanceof HubError)) throw error;
          throw new HubError(error.code, {
            field: 'paymentTerms/payer',
            message: `${current.importerBank} could not reserve the documentary credit of ${formatAmount(BigInt(current.totalMinor), currencyByCode(current.currency) as Currency)} ${current.currency} from ${terms.payer}: ${error.message}`,
          });
        }
        agreed = { ...agreed, reservation };
      }
      await tx.putRecords([tradeDocuments.put(id, agreed)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'trades.agree', id, {
          ...(agreed.reservation === undefined
            ? {}
            : { reservation: agreed.reservation, amountMinor: agreed.totalMinor }),
        }),
      ]);
      return agreed;
    });
  }

  /** The goods are shipped: the exporter's side (or the operator) says so of an agreed trade. */
  async ship(id: string, actor: Actor): Promise<TradeRecord> {
    refuseAuditor(actor, 'ship');
    const trade = await this.visible(id, actor);
    if (trade.status === 'shipped') return trade;
    if (trade.status !== 'agreed') throw statusConflict(trade, 'shipped');
    if (actor.role !== 'operator' && !sidesOf(trade, actor.participant).has('exporter'))
      throw new HubError('trade_status_conflict', {
        field: 'id',
        message: `the exporter's side (${trade.exporter} or ${trade.exporterBank}) reports the shipment of trade ${id}, not ${actor.participant ?? actor.id}`,
      });
    return this.ledger.transact(async (tx) => {
      const current = await this.current(tx, id);
      if (current.status === 'shipped') return current;
      if (current.status !== 'agreed') throw statusConflict(current, 'shipped');
      const shipped = transition(current, 'shipped', tx.nowNs, byOf(actor));
      await tx.putRecords([tradeDocuments.put(id, shipped)]);
      await tx.appendAudit([auditEntry(actor, tx.nowNs, 'trades.ship', id, {})]);
      return shipped;
    });
  }

  /**
   * Cancels a trade that is not paid, expired or cancelled already, voiding a documentary
   * credit's reservation in the same transaction. A draft may be cancelled by either side; once
   * agreed, a documentary credit is irrevocable for the importer: only the exporter's side (the
   * beneficiary releasing it) or the operator may cancel.
   */
  async cancel(id: string, reason: string, actor: Actor): Promise<TradeRecord> {
    refuseAuditor(actor, 'cancel');
    checkPlainText(reason, { field: 'reason', max: 200 });
    if (reason.trim().length === 0)
      throw invalidField({ field: 'reason', message: 'a cancellation gives its reason' });
    const trade = await this.visible(id, actor);
    if (trade.status === 'cancelled') return trade;
    if (FINAL.has(trade.status)) throw statusConflict(trade, 'cancelled');
    if (
      actor.role !== 'operator' &&
      trade.status !== 'draft' &&
      trade.reservation !== undefined &&
      !sidesOf(trade, actor.participant).has('exporter')
    )
      throw new HubError('trade_status_conflict', {
        field: 'id',
        message: `trade ${id} is ${trade.status} on an irrevocable documentary credit: only the exporter's side or the operator may cancel it`,
      });
    return this.ledger.transact(async (tx) => {
      const current = await this.current(tx, id);
      if (current.status === 'cancelled') return current;
      if (FINAL.has(current.status)) throw statusConflict(current, 'cancelled');
      if (current.reservation !== undefined) {
        const voided = await this.payments.voidIn(tx, current.reservation, actor);
        if (voided.lapsed === 'posted')
          throw new Error(`bug: trade ${id} is ${current.status} but its reservation is posted`);
      }
      const cancelled = transition(current, 'cancelled', tx.nowNs, byOf(actor), reason.trim());
      await tx.putRecords([tradeDocuments.put(id, cancelled)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'trades.cancel', id, {
          reason: reason.trim(),
          ...(current.reservation === undefined ? {} : { voided: current.reservation }),
        }),
      ]);
      return cancelled;
    });
  }

  /** The trade, if `actor` may see it; else `trade_not_found`. A credit found to have run out expires it first. */
  async get(id: string, actor: Actor): Promise<TradeRecord> {
    return this.visible(id, actor);
  }

  /** The trades `actor` may see, in id order after `after`, at most `limit`, of one status if given. */
  async list(
    actor: Actor,
    query: { status?: TradeStatus; after?: string; limit: number },
  ): Promise<TradeRecord[]> {
    const found: TradeRecord[] = [];
    let after = query.after;
    for (;;) {
      const page = await tradeDocuments.list(this.ledger.store, {
        ...(after === undefined ? {} : { afterKey: after }),
        limit: 200,
      });
      for (const stored of page) {
        if (!maySee(stored, actor)) continue;
        const trade = await this.expireIfLapsed(stored);
        if (query.status !== undefined && trade.status !== query.status) continue;
        found.push(trade);
        if (found.length >= query.limit) return found;
      }
      if (page.length < 200) return found;
      after = page[page.length - 1]?.id;
    }
  }

  /**
   * Expires every trade whose documentary credit has run out: the ledger first releases every
   * pending transfer past its timeout, then each such trade becomes `expired` (audited as
   * `trades.expire`). Returns the ids expired. The hub may call it on a schedule; reads and
   * attempts do the same for the one trade they touch.
   */
  async expireDue(): Promise<string[]> {
    await this.ledger.expireDue();
    const expired: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await tradeDocuments.list(this.ledger.store, {
        ...(after === undefined ? {} : { afterKey: after }),
        limit: 200,
      });
      for (const trade of page)
        if ((await this.expireIfLapsed(trade)).status === 'expired' && trade.status !== 'expired')
          expired.push(trade.id);
      if (page.length < 200) return expired;
      after = page[page.length - 1]?.id;
    }
  }

  /** The terms the document verifier checks documents against. */
  termsOf(trade: TradeRecord): TradeTerms {
    const currency = currencyByCode(trade.currency) as Currency;
    const terms = trade.paymentTerms;
    return {
      id: trade.id,
      exporter: trade.exporter,
      importer: trade.importer,
      currency: trade.currency,
      lines: trade.lines.map((line) => ({
        hs: line.hs,
        quantity: line.quantity,
        unit: line.unit,
        unitPrice: line.unitPrice,
      })),
      total: formatAmount(BigInt(trade.totalMinor), currency),
      latestShipmentDate: trade.latestShipmentDate,
      ...(terms.kind === 'documentary_credit'
        ? { presentationPeriodDays: terms.presentationPeriodDays, expiryDate: terms.expiryDate }
        : {}),
    };
  }

  /**
   * A trade whose documentary credit ran out (the ledger released the reservation at its timeout,
   * or the timeout has passed and the ledger will at its next batch) as expired: written, with its
   * audit entry and the reservation's payment document, in one transaction. Others unchanged.
   */
  async expireIfLapsed(trade: TradeRecord): Promise<TradeRecord> {
    if (FINAL.has(trade.status) || trade.reservation === undefined) return trade;
    if (!(await this.lapsed(trade.reservation))) return trade;
    return this.ledger.transact(async (tx) => {
      const current = await this.current(tx, trade.id);
      if (FINAL.has(current.status) || current.reservation === undefined) return current;
      // Voiding a leg past its timeout makes the ledger expire it first: the result is `lapsed`.
      const released = await this.payments.voidIn(tx, current.reservation, EXPIRY_ACTOR);
      if (released.lapsed === 'posted')
        throw new Error(
          `bug: trade ${trade.id} is ${current.status} but its reservation is posted`,
        );
      const expired = transition(
        current,
        'expired',
        tx.nowNs,
        EXPIRY_ACTOR.id,
        'the documentary credit expired and the ledger released the reservation',
      );
      await tx.putRecords([tradeDocuments.put(trade.id, expired)]);
      await tx.appendAudit([
        auditEntry(EXPIRY_ACTOR, tx.nowNs, 'trades.expire', trade.id, {
          reservation: current.reservation,
          released: released.lapsed ?? 'voided',
        }),
      ]);
      return expired;
    });
  }

  /** Whether the reservation's legs are no longer pending by the ledger's timeout (released, or due). */
  private async lapsed(reservation: string): Promise<boolean> {
    const [leg] = await this.ledger.lookupTransfers([reservation as TransferId]);
    if (leg === undefined) return false;
    if (leg.pendingStatus === 'expired') return true;
    return (
      leg.pendingStatus === 'pending' &&
      leg.expiresAt !== undefined &&
      leg.expiresAt <= this.ledger.clock.nowNs()
    );
  }

  /** The trade as `actor` may see it (expired first if its credit ran out), or `trade_not_found`. */
  private async visible(id: string, actor: Actor): Promise<TradeRecord> {
    if (!isUuid(id))
      throw invalidField({
        field: 'id',
        message: `a trade id is a UUID, not ${JSON.stringify(id)}`,
      });
    const trade = await tradeIn(this.ledger.store, id.toLowerCase());
    if (trade === undefined || !maySee(trade, actor)) throw tradeNotFound(id);
    return this.expireIfLapsed(trade);
  }

  private async current(tx: DocumentReader, id: string): Promise<TradeRecord> {
    const trade = await tradeIn(tx, id);
    if (trade === undefined) throw tradeNotFound(id);
    return trade;
  }

  private requireOtherSide(trade: TradeRecord, actor: Actor): void {
    if (actor.role === 'operator') return;
    if (actor.role !== 'participant') throw tradeNotFound(trade.id);
    const creator = sidesOf(trade, trade.createdBy);
    const mine = sidesOf(trade, actor.participant);
    const other = creator.size === 1 ? [...mine].some((side) => !creator.has(side)) : mine.size > 0;
    if (!other || actor.participant === trade.createdBy)
      throw new HubError('trade_status_conflict', {
        field: 'id',
        message: `trade ${trade.id} was recorded by ${trade.createdBy}; the other side agrees to it, not ${actor.participant ?? actor.id}`,
      });
  }

  /** A corporate participant with its bank, or a precise refusal naming `field`. */
  private async corporate(id: string, field: Side): Promise<ParticipantRecord> {
    const participant = await this.registry.find(id);
    if (participant === undefined)
      throw new HubError('participant_not_found', { field, message: `no participant ${id}` });
    if (participant.kind !== 'corporate' || participant.bank === undefined)
      throw new HubError('participant_kind_mismatch', {
        field,
        message: `the ${field} is a corporate participant; ${id} is a ${participant.kind}`,
      });
    return participant;
  }

  /**
   * The credit's accounts: the payer an account of the importer's, the payee one of the
   * exporter's or its bank's vostro account (a Russian exporter paid in rupees is paid into its
   * bank's Special Rupee Vostro Account at an Indian bank), both in the trade's currency. A payer account in another currency is refused
   * with what to do instead: the credit does not convert.
   */
  private async checkCreditAccounts(
    input: TradeInput,
    exporter: ParticipantRecord,
    importer: ParticipantRecord,
  ): Promise<void> {
    const terms = input.paymentTerms;
    if (terms.kind !== 'documentary_credit') return;
    const payer = importer.accounts.find((account) => account.id === terms.payer);
    if (payer === undefined)
      throw new HubError('account_not_found', {
        field: 'paymentTerms/payer',
        message: `the credit is paid from an account of the importer ${importer.id}; ${terms.payer} is not one`,
      });
    if (payer.currency !== input.currency)
      throw crossCurrency(
        { id: input.id, currency: input.currency, importer: importer.id },
        payer.currency,
      );
    const payee =
      exporter.accounts.find((account) => account.id === terms.payee) ??
      (await this.exporterBankVostro(exporter, terms.payee));
    if (payee === undefined)
      throw new HubError('account_not_found', {
        field: 'paymentTerms/payee',
        message: `the credit is paid into an account of the exporter ${exporter.id}, or into its bank ${exporter.bank ?? ''}'s vostro account; ${terms.payee} is neither`,
      });
    if (payee.currency !== input.currency)
      throw new HubError('currency_not_used', {
        field: 'paymentTerms/payee',
        message: `the credit pays ${input.currency} into a ${input.currency} account of the exporter; ${terms.payee} is in ${payee.currency}`,
      });
  }

  /** The exporter's bank's vostro account `id`, if that is what it is. */
  private async exporterBankVostro(
    exporter: ParticipantRecord,
    id: AccountId,
  ): Promise<ParticipantAccount | undefined> {
    if (exporter.bank === undefined) return undefined;
    const bank = await this.registry.find(exporter.bank);
    return bank?.accounts.find((account) => account.id === id && account.role === 'vostro');
  }
}

function crossCurrency(
  trade: { id: string; currency: string; importer: string },
  payerCurrency: string,
): HubError {
  return new HubError('currency_not_used', {
    field: 'paymentTerms/payer',
    message: `trade ${trade.id} is in ${trade.currency} but the credit's payer account is in ${payerCurrency}: a documentary credit is reserved in the trade's currency; ${trade.importer} must first convert with an FX quote into an account in ${trade.currency} and name that account as the payer`,
  });
}

/** Auditors read every trade and change none. */
export function refuseAuditor(actor: Actor, what: string): void {
  if (actor.role === 'auditor')
    throw invalidField({
      field: 'actor',
      message: `auditors read trades; they do not ${what} them`,
    });
}

function byOf(actor: Actor): string {
  return actor.role === 'participant' ? (actor.participant ?? actor.id) : actor.id;
}

/** Whether a stored trade was recorded from this same input (an idempotent retry). */
function sameInput(stored: TradeRecord, input: TradeInput): boolean {
  const pick = (trade: TradeInput): string =>
    JSON.stringify([
      trade.id,
      trade.exporter,
      trade.importer,
      trade.currency,
      trade.lines.map((line) => [
        line.hs,
        line.description,
        line.quantity,
        line.unit,
        line.unitPrice,
      ]),
      [trade.incoterm.rule, trade.incoterm.place],
      trade.latestShipmentDate,
      trade.corridor === undefined
        ? null
        : [trade.corridor.summary, trade.corridor.days ?? null, trade.corridor.distanceKm ?? null],
      paymentTermsKey(trade.paymentTerms),
    ]);
  return pick(stored) === pick(input);
}

function paymentTermsKey(terms: PaymentTerms): unknown {
  switch (terms.kind) {
    case 'advance':
    case 'documentary_collection':
      return [terms.kind];
    case 'open_account':
      return [terms.kind, terms.days];
    case 'documentary_credit':
      return [
        terms.kind,
        terms.requiredDocuments,
        terms.presentationPeriodDays,
        terms.expiryDate,
        terms.payer,
        terms.payee,
      ];
  }
}

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** A positive decimal string as `units / 10^scale`, or a refusal naming `field`. */
function parseDecimal(
  text: unknown,
  field: string,
  what: string,
  maxDecimals: number,
): { units: bigint; scale: number } {
  if (typeof text !== 'string' || text.length > 40 || !DECIMAL.test(text))
    throw invalidField({
      field,
      message: `the ${what} is a decimal string such as "12.5", not ${JSON.stringify(text)}`,
    });
  const [, whole = '0', fraction = ''] = DECIMAL.exec(text) ?? [];
  if (fraction.length > maxDecimals)
    throw invalidField({
      field,
      message: `the ${what} ${text} has ${fraction.length} decimal places; at most ${maxDecimals}`,
    });
  const units = BigInt(whole + fraction);
  if (units === 0n) throw invalidField({ field, message: `the ${what} must be positive` });
  return { units, scale: fraction.length };
}

/**
 * The trade's total in minor units: Σ quantity × unit price, each line exact. A line whose amount
 * has more decimal places than the currency (2.5 × 10.01 = 25.025 INR) is refused, not rounded;
 * so is a total past what the ledger can hold.
 */
function tradeTotalMinor(lines: readonly TradeLine[], currency: Currency): bigint {
  let total = 0n;
  lines.forEach((line, index) => {
    const quantity = parseDecimal(
      line.quantity,
      `lines/${index}/quantity`,
      'quantity',
      QUANTITY_DECIMALS_MAX,
    );
    const price = parseDecimal(
      line.unitPrice,
      `lines/${index}/unitPrice`,
      'unit price',
      currency.exponent,
    );
    // quantity × price has scale q + p; in minor units (scale e): divide by 10^(q + p − e), exactly.
    const product = quantity.units * price.units;
    const shift = BigInt(quantity.scale + price.scale - currency.exponent);
    const divisor = 10n ** (shift > 0n ? shift : 0n);
    const amount = shift >= 0n ? product / divisor : product * 10n ** -shift;
    if (shift > 0n && product % divisor !== 0n)
      throw invalidField({
        field: `lines/${index}/quantity`,
        message: `line ${index}: ${line.quantity} × ${line.unitPrice} is not a whole number of minor units of ${currency.code} (${currency.exponent} decimal places); amounts are exact, never rounded`,
      });
    total += amount;
    if (total > AMOUNT_MAX)
      throw invalidField({
        field: `lines/${index}/unitPrice`,
        message: `the total passes the largest amount the ledger holds (${formatAmount(AMOUNT_MAX, currency)} ${currency.code}) at line ${index}`,
      });
  });
  return total;
}

/** Whether a value is an array, without narrowing a typed one to `any[]`. */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

/** The input checked field by field (the first fault named), with text trimmed and ids lower-cased. */
function checkTradeInput(input: TradeInput): TradeInput {
  if (typeof input !== 'object' || (input as unknown) === null)
    throw invalidField({ field: '/', message: 'a trade is an object' });
  if (!isUuid(input.id))
    throw invalidField({
      field: 'id',
      message: `a trade id is a UUID, not ${JSON.stringify(input.id)}`,
    });
  for (const field of ['exporter', 'importer'] as const)
    if (typeof input[field] !== 'string' || input[field].length === 0)
      throw invalidField({ field, message: `the ${field} is a participant id` });
  const currency: unknown = input.currency;
  if (currency !== 'INR' && currency !== 'RUB')
    throw new HubError('unknown_currency', {
      field: 'currency',
      message: `a trade is in INR or RUB, not ${JSON.stringify(input.currency)}`,
    });
  const givenLines: readonly TradeLine[] = input.lines;
  if (!isList(givenLines) || givenLines.length === 0 || givenLines.length > LINES_MAX)
    throw invalidField({ field: 'lines', message: `a trade has 1 to ${LINES_MAX} goods lines` });
  const lines = givenLines.map((line, index): TradeLine => {
    if (typeof line !== 'object' || (line as unknown) === null)
      throw invalidField({ field: `lines/${index}`, message: `line ${index} is an object` });
    checkHsCode(line.hs, `lines/${index}/hs`);
    const description = checkPlainText(line.description, {
      field: `lines/${index}/description`,
      max: DESCRIPTION_MAX,
      what: 'the description',
    }).trim();
    if (description.length === 0)
      throw invalidField({
        field: `lines/${index}/description`,
        message: 'the description is required',
      });
    const unit = checkPlainText(line.unit, {
      field: `lines/${index}/unit`,
      max: UNIT_MAX,
      what: 'the unit',
    }).trim();
    if (unit.length === 0)
      throw invalidField({
        field: `lines/${index}/unit`,
        message: 'the unit of the quantity is required (e.g. "TNE")',
      });
    return { hs: line.hs, description, quantity: line.quantity, unit, unitPrice: line.unitPrice };
  });
  const incoterm = checkIncoterm(input.incoterm);
  const shipmentDay = parseDay(input.latestShipmentDate, 'latestShipmentDate');
  let corridor: CorridorSummary | undefined;
  if (input.corridor !== undefined) {
    const given = input.corridor as Partial<CorridorSummary> | null;
    if (typeof given !== 'object' || given === null)
      throw invalidField({
        field: 'corridor',
        message: 'the corridor is an object { summary, days?, distanceKm? }',
      });
    const summary = checkPlainText(given.summary as string, {
      field: 'corridor/summary',
      max: CORRIDOR_SUMMARY_MAX,
      what: 'the corridor summary',
    });
    for (const field of ['days', 'distanceKm'] as const) {
      const value = given[field];
      if (
        value !== undefined &&
        (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      )
        throw invalidField({
          field: `corridor/${field}`,
          message: `${field} is a non-negative number`,
        });
    }
    corridor = {
      summary,
      ...(given.days === undefined ? {} : { days: given.days }),
      ...(given.distanceKm === undefined ? {} : { distanceKm: given.distanceKm }),
    };
  }
  const paymentTerms = checkPaymentTerms(input.paymentTerms, shipmentDay);
  return {
    id: input.id.toLowerCase(),
    exporter: input.exporter,
    importer: input.importer,
    currency,
    lines,
    incoterm,
    latestShipmentDate: dayText(shipmentDay),
    ...(corridor === undefined ? {} : { corridor }),
    paymentTerms,
  };
}

function checkPaymentTerms(value: PaymentTerms, shipmentDay: number): PaymentTerms {
  const field = 'paymentTerms';
  if (typeof value !== 'object' || (value as unknown) === null)
    throw invalidField({ field, message: 'the payment terms are an object { kind, … }' });
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(PAYMENT_TERM_KINDS as readonly string[]).includes(kind))
    throw invalidField({
      field: `${field}/kind`,
      message: `the payment terms are one of ${PAYMENT_TERM_KINDS.join(', ')}, not ${JSON.stringify(kind)}`,
    });
  switch (value.kind) {
    case 'advance':
    case 'documentary_collection':
      return { kind: value.kind };
    case 'open_account':
      if (!Number.isInteger(value.days) || value.days < 0 || value.days > OPEN_ACCOUNT_DAYS_MAX)
        throw invalidField({
          field: `${field}/days`,
          message: `open account terms give the days to pay, 0 to ${OPEN_ACCOUNT_DAYS_MAX}`,
        });
      return { kind: 'open_account', days: value.days };
    case 'documentary_credit': {
      const required: unknown = value.requiredDocuments;
      if (!Array.isArray(required) || required.length === 0)
        throw invalidField({
          field: `${field}/requiredDocuments`,
          message: `a documentary credit names the documents it requires, among ${DOCUMENT_TYPES.join(', ')}`,
        });
      required.forEach((type: unknown, index) => {
        if (typeof type !== 'string' || !(DOCUMENT_TYPES as readonly string[]).includes(type))
          throw invalidField({
            field: `${field}/requiredDocuments/${index}`,
            message: `${JSON.stringify(type)} is not a document type; the types are ${DOCUMENT_TYPES.join(', ')}`,
          });
        if (required.indexOf(type) !== index)
          throw invalidField({
            field: `${field}/requiredDocuments/${index}`,
            message: `${type} is required twice`,
          });
      });
      const period = value.presentationPeriodDays;
      if (!Number.isInteger(period) || period < 1 || period > PRESENTATION_PERIOD_MAX)
        throw invalidField({
          field: `${field}/presentationPeriodDays`,
          message: `the presentation period is 1 to ${PRESENTATION_PERIOD_MAX} days after shipment, not ${JSON.stringify(period)}`,
        });
      const expiryDay = parseDay(value.expiryDate, `${field}/expiryDate`);
      if (expiryDay <= shipmentDay)
        throw invalidField({
          field: `${field}/expiryDate`,
          message: `the credit's expiry date ${value.expiryDate} must be after the latest shipment date ${dayText(shipmentDay)}`,
        });
      if (expiryDay > shipmentDay + CREDIT_DAYS_MAX)
        throw invalidField({
          field: `${field}/expiryDate`,
          message: `the credit's expiry date ${value.expiryDate} is more than ${CREDIT_DAYS_MAX} days after the latest shipment date; the reservation would hold the importer's money that long`,
        });
      for (const party of ['payer', 'payee'] as const)
        if (!isUuid(value[party]))
          throw invalidField({
            field: `${field}/${party}`,
            message: `the credit's ${party} is an account id (a UUID)`,
          });
      return {
        kind: 'documentary_credit',
        requiredDocuments: required as DocumentType[],
        presentationPeriodDays: period,
        expiryDate: dayText(expiryDay),
        payer: value.payer.toLowerCase() as AccountId,
        payee: value.payee.toLowerCase() as AccountId,
      };
    }
  }
}
