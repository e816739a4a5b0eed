import { currencyByLedger } from '../ledger/currency.js';
import type { AccountId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import type { StoredTransfer } from '../ledger/model.js';
import {
  creditBalancesAt,
  HistoryTooLongError,
  postedAmount,
  postedSnapshot,
} from '../ledger/account-history.js';
import type { Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import type { StoredEvent } from '../store/events.js';
import type { AccountEntry, ParticipantRegistry } from '../participants/registry.js';
import { HUB_ID } from '../participants/participant.js';
import { reportMsgId } from './judge.js';
import {
  debitCreditNotification,
  statement,
  type NotificationEntry,
  type NotificationInput,
} from './outbound.js';
import { paymentDocuments, type IsoPaymentRecord } from './records.js';

/** Most entries in one statement: a day of an account busier than this is read through the API's transfers. */
export const STATEMENT_MAX_ENTRIES = 100_000;
/** Most entries in one camt.054 answer. */
export const NOTIFICATIONS_MAX = 1_000;
/** Events read per page, and pages read at most per answer, when looking for an account's. */
const EVENT_PAGE = 1_000;
const EVENT_PAGES_MAX = 20;
const DAY_NS = 86_400_000_000_000n;
/** The events that book or reserve money on an account; voids and expiries only release a reservation. */
const BOOKING_EVENTS = ['transfer.created', 'transfer.posted'] as const;

/**
 * What the hub tells a participant about its accounts in ISO 20022: the camt.053 statement of a
 * UTC day (opening and closing booked balance from the ledger's account history, every booking of
 * the day) and camt.054 notifications (from the transfer events of the events outbox). Entries of
 * ISO payments carry their UETR, EndToEndId, remittance and purpose back.
 *
 * Who may read: the operator and the auditor every account; a participant key the accounts it owns
 * and those it keeps (a customer's, a vostro account), as for payments (src/settlement/parties.ts).
 * Any other account is answered as one that does not exist.
 */
export class IsoNotifications {
  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
  ) {}

  async statement(accountId: AccountId, date: string, actor: Actor): Promise<string> {
    const sinceNs = dayStartNs(date);
    const entry = await this.visibleAccount(accountId, actor);
    const nowNs = this.ledger.clock.nowNs();
    if (sinceNs > nowNs)
      throw new HubError('invalid_parameter', {
        field: 'date',
        message: `${date} has not begun (UTC): a statement covers a day that has`,
      });
    const untilNs = sinceNs + DAY_NS;
    let snapshot;
    try {
      snapshot = await postedSnapshot(this.ledger.store, accountId, {
        sinceNs,
        untilNs,
        maxMovements: STATEMENT_MAX_ENTRIES,
      });
    } catch (error) {
      if (!(error instanceof HistoryTooLongError)) throw error;
      throw new HubError('invalid_parameter', {
        field: 'date',
        message: `account ${accountId} has more than ${STATEMENT_MAX_ENTRIES} bookings on ${date}: read them a page at a time from its transfers`,
      });
    }
    if (snapshot === undefined) throw accountNotFound(accountId);
    const [opening = 0n, closing = 0n] = creditBalancesAt(snapshot, [sinceNs - 1n, untilNs - 1n]);
    const transfers = [...snapshot.movements].reverse();
    const iso = await paymentDocuments.getMany(
      this.ledger.store,
      transfers.map((transfer) => transfer.id),
    );
    const entries = await Promise.all(
      transfers.map((transfer) =>
        this.entry(accountId, transferFacts(transfer), iso.get(transfer.id), 'BOOK'),
      ),
    );
    const owner = await this.registry.cached(entry.participant);
    return statement({
      msgId: reportMsgId(),
      createdAt: dateOf(nowNs),
      statementId: `${date}-${accountId.replaceAll('-', '').slice(0, 24)}`,
      accountId: hex(accountId),
      currency: entry.currency,
      ...(owner === undefined ? {} : { ownerName: owner.name }),
      from: dateOf(sinceNs),
      to: dateOf(untilNs - 1_000_000n),
      opening,
      closing,
      entries,
    });
  }

  /**
   * The account's bookings (transfers created or posted on it) after the event `afterSeq`, at most
   * `limit`, and the last event read: the next call starts there. Reads at most
   * EVENT_PAGES_MAX pages of events per call, so an account with few events among many answers
   * with fewer entries and a cursor that still moves on.
   */
  async notifications(
    query: { accountId: AccountId; afterSeq: bigint; limit: number },
    actor: Actor,
  ): Promise<{ xml: string; lastSeq: bigint }> {
    if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > NOTIFICATIONS_MAX)
      throw new HubError('invalid_parameter', {
        field: 'limit',
        message: `limit is 1 to ${NOTIFICATIONS_MAX}`,
      });
    if (query.afterSeq < 0n)
      throw new HubError('invalid_parameter', { field: 'after', message: 'after is 0 or more' });
    const entry = await this.visibleAccount(query.accountId, actor);
    const found: StoredEvent[] = [];
    let lastSeq = query.afterSeq;
    for (let page = 0; page < EVENT_PAGES_MAX && found.length < query.limit; page += 1) {
      const events = await this.ledger.store.events({
        afterSeq: lastSeq,
        // Events name the owners of both accounts, never the hub (whose own accounts only the
        // operator and the auditor read): for those, every event is looked at.
        ...(entry.participant === HUB_ID ? {} : { participant: entry.participant }),
        types: BOOKING_EVENTS,
        limit: EVENT_PAGE,
      });
      for (const event of events) {
        lastSeq = event.seq;
        if (touches(event, query.accountId)) found.push(event);
        if (found.length === query.limit) break;
      }
      if (events.length < EVENT_PAGE) break;
    }
    const notification = await this.notificationOf(query.accountId, entry, found);
    return {
      xml: debitCreditNotification({
        msgId: reportMsgId(),
        createdAt: dateOf(this.ledger.clock.nowNs()),
        notifications: [notification],
      }),
      lastSeq,
    };
  }

  /**
   * camt.054 for a delivery of events (a webhook's): one notification per account the events book
   * on that `participant` may see (every account without one); undefined when there is none.
   */
  async forEvents(
    events: readonly StoredEvent[],
    participant?: string,
  ): Promise<string | undefined> {
    const byAccount = new Map<AccountId, { entry: AccountEntry; events: StoredEvent[] }>();
    for (const event of events) {
      if (!(BOOKING_EVENTS as readonly string[]).includes(event.type)) continue;
      for (const side of ['debitAccountId', 'creditAccountId'] as const) {
        const id = event.data[side];
        if (typeof id !== 'string') continue;
        const entry = await this.registry.account(id as AccountId);
        if (entry === undefined) continue;
        if (
          participant !== undefined &&
          entry.participant !== participant &&
          entry.settlesWith !== participant
        )
          continue;
        const group = byAccount.get(entry.id) ?? { entry, events: [] };
        group.events.push(event);
        byAccount.set(entry.id, group);
      }
    }
    if (byAccount.size === 0) return undefined;
    const notifications = await Promise.all(
      [...byAccount].map(([id, group]) => this.notificationOf(id, group.entry, group.events)),
    );
    return debitCreditNotification({
      msgId: reportMsgId(),
      createdAt: dateOf(this.ledger.clock.nowNs()),
      notifications,
    });
  }

  private async notificationOf(
    accountId: AccountId,
    entry: AccountEntry,
    events: readonly StoredEvent[],
  ): Promise<NotificationInput['notifications'][number]> {
    const facts = events.map(eventFacts);
    const iso = await paymentDocuments.getMany(
      this.ledger.store,
      facts.flatMap((fact) =>
        fact.pendingId === undefined ? [fact.id] : [fact.id, fact.pendingId],
      ),
    );
    const entries = await Promise.all(
      facts.map((fact) =>
        this.entry(
          accountId,
          fact,
          iso.get(fact.id) ?? (fact.pendingId === undefined ? undefined : iso.get(fact.pendingId)),
          fact.pending ? 'PDNG' : 'BOOK',
        ),
      ),
    );
    const owner = await this.registry.cached(entry.participant);
    const first = events[0]?.seq ?? 0n;
    const last = events.at(-1)?.seq ?? first;
    return {
      id: `${hex(accountId).slice(0, 16)}-${first}-${last}`.slice(0, 35),
      accountId: hex(accountId),
      currency: entry.currency,
      ...(owner === undefined ? {} : { ownerName: owner.name }),
      entries,
    };
  }

  /** One entry of a statement or notification, seen from `accountId`. */
  private async entry(
    accountId: AccountId,
    fact: TransferFacts,
    iso: IsoPaymentRecord | undefined,
    status: 'BOOK' | 'PDNG',
  ): Promise<NotificationEntry> {
    const credit = fact.creditAccountId === accountId;
    const other = credit ? fact.debitAccountId : fact.creditAccountId;
    const isoName = credit ? iso?.debtorName : iso?.creditorName;
    const counterparty = isoName ?? (await this.ownerName(other as AccountId));
    return {
      transferId: fact.id,
      ...(iso === undefined
        ? {}
        : {
            uetr: iso.uetr,
            endToEndId: iso.endToEndId,
            ...(iso.instrId === undefined ? {} : { instrId: iso.instrId }),
            ...(iso.purpose === undefined ? {} : { purpose: iso.purpose }),
          }),
      direction: credit ? 'CRDT' : 'DBIT',
      amount: fact.amount,
      currency: fact.currency,
      bookedAt: dateOf(fact.timestamp),
      ...(counterparty === undefined ? {} : { counterpartyName: counterparty }),
      counterpartyAccount: hex(other),
      ...(iso?.remittance !== undefined
        ? { remittance: iso.remittance }
        : fact.reference === ''
          ? {}
          : { remittance: [fact.reference] }),
      status,
    };
  }

  private async ownerName(account: AccountId): Promise<string | undefined> {
    const entry = await this.registry.account(account);
    return entry === undefined ? undefined : (await this.registry.cached(entry.participant))?.name;
  }

  /** The account, if `actor` may read it; else the answer for an account that does not exist. */
  private async visibleAccount(accountId: AccountId, actor: Actor): Promise<AccountEntry> {
    const entry = await this.registry.account(accountId);
    if (entry === undefined) throw accountNotFound(accountId);
    if (
      actor.role === 'operator' ||
      actor.role === 'auditor' ||
      (actor.participant !== undefined &&
        (entry.participant === actor.participant || entry.settlesWith === actor.participant))
    )
      return entry;
    // The path of an unknown id (which refreshes the directory when due), and its answer.
    await this.registry.refreshAfterMiss();
    throw accountNotFound(accountId);
  }
}

/** What an entry needs of a transfer, from the ledger or from a transfer event. */
interface TransferFacts {
  readonly id: string;
  readonly pendingId?: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly timestamp: bigint;
  readonly reference: string;
  readonly pending: boolean;
}

function transferFacts(transfer: StoredTransfer): TransferFacts {
  return {
    id: transfer.id,
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: postedAmount(transfer),
    currency: currencyByLedger(transfer.ledger)?.code ?? '',
    timestamp: transfer.timestamp,
    reference: transfer.reference,
    pending: false,
  };
}

function eventFacts(event: StoredEvent): TransferFacts {
  const data = event.data;
  const text = (key: string): string => {
    const value = data[key];
    return typeof value === 'string' ? value : '';
  };
  const pendingId = text('pendingId');
  return {
    id: text('id'),
    ...(pendingId === '' ? {} : { pendingId }),
    debitAccountId: text('debitAccountId'),
    creditAccountId: text('creditAccountId'),
    amount: BigInt(text('amount') || '0'),
    currency: text('currency'),
    timestamp: BigInt(text('timestamp') || '0'),
    reference: text('reference'),
    pending: event.type === 'transfer.created' && data.pending === true,
  };
}

function touches(event: StoredEvent, accountId: AccountId): boolean {
  return event.data.debitAccountId === accountId || event.data.creditAccountId === accountId;
}

/** The start of a UTC day given as YYYY-MM-DD, in ns; `invalid_parameter` for anything else. */
function dayStartNs(date: string): bigint {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new HubError('invalid_parameter', {
      field: 'date',
      message: 'date is a calendar day YYYY-MM-DD (UTC)',
    });
  return BigInt(ms) * 1_000_000n;
}

function accountNotFound(accountId: AccountId): HubError {
  return new HubError('account_not_found', {
    field: 'account',
    message: `account ${accountId} belongs to no participant`,
  });
}

function hex(id: string): string {
  return id.replaceAll('-', '');
}

function dateOf(ns: bigint): Date {
  return new Date(Number(ns / 1_000_000n));
}
