import type { AccountId } from '../ledger/ids.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { Batcher } from '../domain/batcher.js';
import type { HubError } from '../domain/errors.js';
import type { EventInput, StoredEvent } from '../store/events.js';
import { RECORD_KEY_MAX } from '../store/records.js';
import { isStorableText } from '../ledger/text.js';
import type { ParticipantRegistry } from '../participants/registry.js';
import { AtomicBatchRefused, PreparedBatch } from '../settlement/pay-batch.js';
import type { PaymentResult, PaymentService } from '../settlement/payments.js';
import { bicKey } from '../participants/identifiers.js';
import { HUB_ID } from '../participants/participant.js';
import {
  groupRefusal,
  instructingAgent,
  messageKey,
  notYours,
  type Instructing,
} from './group-checks.js';
import type { InboundMessage } from './inbound.js';
import {
  groupStatusOf,
  originalOf,
  refusedReport,
  reportMsgId,
  reportOf,
  type ReportAgents,
  transactionRecords,
  transactionStatuses,
  type TransactionStatus,
} from './judge.js';
import { mapTransactions, type MappedTransaction, type Rejection } from './mapping.js';
import { IsoNotifications } from './notifications.js';
import { readHere, type ReadMessage } from './reader-pool.js';
import {
  messageDocuments,
  paymentDocuments,
  type GroupStatus,
  type IsoMessageRecord,
} from './records.js';
import { IsoFormatError } from './xml.js';

/** Message keys remembered per process, to answer a reused MsgId without reading the store. */
const RECENT_MAX = 100_000;

export interface SubmitOutcome {
  /** The pacs.002 status report. */
  readonly statusReport: string;
  readonly groupStatus: GroupStatus;
  readonly accepted: number;
  readonly rejected: number;
  /** The same message (instructing agent, MsgId and bytes) again: its original report. */
  readonly replayed: boolean;
  /** The stored message's key, for `message(id)`; '' for a message refused whole (nothing stored). */
  readonly messageId: string;
}

/** A message judged outside any transaction, waiting for the one that writes it. */
interface Judged {
  readonly key: string;
  readonly hash: string;
  readonly message: InboundMessage;
  readonly instructing: Instructing;
  readonly actor: Actor;
  readonly mapped: readonly MappedTransaction[];
  /** The payments of the mapped transactions, in order (empty when the batch is refused whole). */
  readonly batch: PreparedBatch;
  readonly atomic: boolean;
  /** A batch-booked message with a transaction rejected at mapping: that transaction's position. */
  readonly batchCulprit?: number;
}

/**
 * ISO 20022 in and out: pacs.008 and pacs.009 in (each message validated against its schema,
 * mapped to payments, booked, answered with a pacs.002), camt.053 statements and camt.054
 * notifications out. The rules are in docs/iso20022.md.
 *
 * A message's document, its payments' references and its payments are written in one
 * transaction, so no crash leaves payments without their message or the reverse. Messages of one
 * transaction sent at the same time are grouped into one transaction (a Batcher, as FX executions
 * are); each is read, validated and mapped on its own before, and one message's refusal never
 * fails another's. A larger message is its own transaction.
 */
export class Iso20022Service {
  /** Messages being judged in this process, by key: the same key waits for the one before it. */
  private readonly inflight = new Map<string, Promise<void>>();
  /** Keys and hashes of the messages this process wrote lately (at most RECENT_MAX). */
  private readonly recent = new Map<string, string>();
  private readonly singles: Batcher<Judged, SubmitOutcome>;
  private readonly out: IsoNotifications;

  /**
   * `read` validates and reads a message and hashes its bytes: by default on this thread
   * (`readHere`); the hub gives its worker-thread pool (`IsoReaderPool`, reader-pool.ts).
   */
  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
    private readonly payments: PaymentService,
    private readonly read: (xml: string | Uint8Array) => Promise<ReadMessage> = readHere,
  ) {
    this.singles = new Batcher((items) => this.writeGroup(items), {
      maxItems: 1024,
      concurrentGroups: 2,
      what: 'ISO 20022 messages',
    });
    this.out = new IsoNotifications(ledger, registry);
  }

  /**
   * Judges one inbound message. IsoFormatError for a message that cannot be read (too large, not
   * XML, a DOCTYPE, another message or version); `forbidden` for a participant key naming another
   * participant as instructing agent. Everything else is answered with a pacs.002: a message
   * refused whole (schema errors FF01, NbOfTxs or CtrlSum FF01, a reused MsgId DUPL, settlement
   * method, unknown agents RC01) writes nothing; a judged one is written with its payments.
   */
  async submit(xml: string | Uint8Array, actor: Actor): Promise<SubmitOutcome> {
    let message: InboundMessage;
    let hash: string;
    try {
      ({ message, hash } = await this.read(xml));
    } catch (error) {
      if (error instanceof IsoFormatError && error.code === 'schema')
        return this.schemaRefusal(error, actor);
      throw error;
    }
    const found = await instructingAgent(this.registry, message, actor);
    const now = (): Date => new Date(Number(this.ledger.clock.nowNs() / 1_000_000n));
    if (!('participant' in found)) return refused(message, found, now());
    const key = messageKey(found, message.msgId);
    const release = await this.lock(key);
    try {
      // Known here: a reused MsgId at once; a replay from the store (a read through the store waits
      // for every write before it, so messages not seen here are looked up in their transaction).
      const known = this.recent.get(key);
      if (known !== undefined && known !== hash)
        return refused(message, reusedMsgId(message), now());
      const stored =
        known === undefined ? undefined : await messageDocuments.get(this.ledger.store, key);
      if (stored !== undefined) return answerStored(stored, hash, message, now());
      const refusal = await groupRefusal(this.registry, message);
      if (refusal !== undefined) return refused(message, refusal, now());
      const judged = await this.judge(message, found, key, hash, actor);
      if (message.transactions.length === 1) return await this.singles.submit(judged);
      const [outcome] = await this.writeGroup([judged]);
      if (outcome === undefined) throw new Error('bug: a group of one without its outcome');
      if (outcome instanceof Error) throw outcome;
      return outcome;
    } finally {
      release();
    }
  }

  /**
   * A judged message as its instructing agent, the operator or the auditor may read it;
   * undefined for any other (as for a message that does not exist).
   */
  async message(
    id: string,
    actor: Actor,
  ): Promise<
    | { kind: string; msgId: string; statusReport: string; receivedAt: string; from: string }
    | undefined
  > {
    // A key is at most an 11-character BIC, a colon and a 35-character MsgId; nothing else is asked for.
    if (id.length === 0 || id.length > RECORD_KEY_MAX || !isStorableText(id)) return undefined;
    const record = await messageDocuments.get(this.ledger.store, id);
    if (record === undefined) return undefined;
    if (actor.role === 'participant' && record.from !== actor.participant) return undefined;
    return {
      kind: record.kind,
      msgId: record.msgId,
      statusReport: reportOf(record),
      receivedAt: record.receivedAt,
      from: record.from,
    };
  }

  /** camt.053: the account's statement for a UTC day (see notifications.ts). */
  async statement(accountId: AccountId, date: string, actor: Actor): Promise<string> {
    return this.out.statement(accountId, date, actor);
  }

  /** camt.054: the account's transfers after an event (see notifications.ts). */
  async notifications(
    query: { accountId: AccountId; afterSeq: bigint; limit: number },
    actor: Actor,
  ): Promise<{ xml: string; lastSeq: bigint }> {
    return this.out.notifications(query, actor);
  }

  /** camt.054 for a webhook's events, of the accounts `participant` may see (all without one). */
  async notificationForEvents(
    events: readonly StoredEvent[],
    participant?: string,
  ): Promise<string | undefined> {
    return this.out.forEvents(events, participant);
  }

  /** FF01 with the schema's errors; the header as written names the message. Nothing written. */
  private async schemaRefusal(error: IsoFormatError, actor: Actor): Promise<SubmitOutcome> {
    const original = error.original;
    const bic = original?.instructingAgentBic;
    if (actor.role === 'participant' && bic !== undefined) {
      const sender = await this.registry.byBic(bic);
      if (sender?.id !== actor.participant) throw notYours(actor, bic);
    }
    const count = Number(original?.numberOfTransactions);
    const report = refusedReport(
      {
        msgId: original?.msgId ?? 'NOTPROVIDED',
        kind: original?.kind ?? 'unknown',
        ...(original?.createdAt === undefined ? {} : { createdAt: original.createdAt }),
        ...(Number.isSafeInteger(count) && count >= 0 ? { numberOfTransactions: count } : {}),
      },
      {
        code: 'FF01',
        info: [
          error.message,
          ...error.errors.map((problem) => `${problem.path}: ${problem.message}`),
        ],
      },
      new Date(Number(this.ledger.clock.nowNs() / 1_000_000n)),
    );
    return {
      statusReport: report,
      groupStatus: 'RJCT',
      accepted: 0,
      rejected: Number.isSafeInteger(count) && count >= 0 ? count : 0,
      replayed: false,
      messageId: '',
    };
  }

  /** Maps the transactions and plans their payments, outside any transaction. */
  private async judge(
    message: InboundMessage,
    instructing: Instructing,
    key: string,
    hash: string,
    actor: Actor,
  ): Promise<Judged> {
    const mapped = await mapTransactions({
      registry: this.registry,
      message,
      instructing: instructing.participant,
      instructingBic: bicKey(instructing.name),
    });
    const atomic = message.batchBooking === true;
    const culprit = atomic ? mapped.findIndex((item) => 'rejection' in item) : -1;
    const requests =
      culprit >= 0 ? [] : mapped.flatMap((item) => ('request' in item ? [item.request] : []));
    const batch = await this.payments.prepareBatch(requests.map((request) => ({ request, actor })));
    return {
      key,
      hash,
      message,
      instructing,
      actor,
      mapped,
      batch,
      atomic,
      ...(culprit >= 0 ? { batchCulprit: culprit } : {}),
    };
  }

  /**
   * Writes judged messages in one transaction: the message documents are read again inside it (a
   * message another process wrote meanwhile is answered as stored), the payments of the rest are
   * one ledger batch, and each message's document, references and audit entry go with them. A
   * batch-booked message refused after its transfers were staged is written again without them.
   */
  private async writeGroup(items: readonly Judged[]): Promise<(SubmitOutcome | Error)[]> {
    const outcomes = await this.writeGroupOnce(items);
    outcomes.forEach((outcome, index) => {
      const item = items[index];
      if (item !== undefined && !(outcome instanceof Error) && outcome.messageId === item.key)
        this.remember(item.key, item.hash);
    });
    return outcomes;
  }

  private remember(key: string, hash: string): void {
    this.recent.set(key, hash);
    if (this.recent.size > RECENT_MAX) {
      const oldest = this.recent.keys().next();
      if (oldest.done !== true) this.recent.delete(oldest.value);
    }
  }

  private async writeGroupOnce(items: readonly Judged[]): Promise<(SubmitOutcome | Error)[]> {
    try {
      return await this.ledger.transact(async (tx) => {
        const stored = await messageDocuments.getMany(
          tx,
          items.map((item) => item.key),
        );
        const outcomes = new Array<SubmitOutcome | Error>(items.length);
        const active: { index: number; item: Judged }[] = [];
        const keys = new Set<string>();
        items.forEach((item, index) => {
          const found = stored.get(item.key);
          if (found !== undefined || keys.has(item.key))
            outcomes[index] =
              found === undefined
                ? new Error(`bug: message ${item.key} twice in one group`)
                : answerStored(found, item.hash, item.message, dateOf(tx.nowNs));
          else {
            keys.add(item.key);
            active.push({ index, item });
          }
        });
        const atomic = active.length === 1 && active[0]?.item.atomic === true;
        const results = await this.payments.writeBatchIn(
          tx,
          joinBatches(active.map(({ item }) => item.batch)),
          atomic,
        );
        const hubBic = await this.hubBic(tx);
        let offset = 0;
        for (const { index, item } of active) {
          const slice = results.slice(offset, offset + item.batch.length);
          offset += item.batch.length;
          outcomes[index] = await this.record(tx, item, slice, hubBic);
        }
        return outcomes;
      });
    } catch (error) {
      if (!(error instanceof AtomicBatchRefused) || items.length !== 1) throw error;
      const item = items[0] as Judged;
      const results = error.outcomes as readonly (PaymentResult | HubError)[];
      return [
        await this.ledger.transact(async (tx) => {
          const found = await messageDocuments.get(tx, item.key);
          if (found !== undefined)
            return answerStored(found, item.hash, item.message, dateOf(tx.nowNs));
          return this.record(tx, item, results, await this.hubBic(tx));
        }),
      ];
    }
  }

  /** The message's document, its accepted payments' references and its audit entry, in `tx`. */
  private async record(
    tx: LedgerTransaction,
    item: Judged,
    results: readonly (PaymentResult | HubError)[],
    hubBic: string | undefined,
  ): Promise<SubmitOutcome> {
    const statuses = transactionStatuses(item.mapped, results, item.batchCulprit);
    const groupStatus = groupStatusOf(statuses);
    const accepted = statuses.filter((status) => status.status === 'ACSC').length;
    const record: IsoMessageRecord = {
      id: item.key,
      kind: item.message.kind,
      msgId: item.message.msgId,
      createdAt: item.message.createdAt,
      numberOfTransactions: item.message.numberOfTransactions,
      from: item.instructing.participant.id,
      submittedBy: item.actor.id,
      hash: item.hash,
      receivedAt: dateOf(tx.nowNs).toISOString(),
      groupStatus,
      batchBooking: item.atomic,
      transactions: transactionRecords(item.mapped, statuses),
      report: {
        msgId: reportMsgId(),
        createdAt: dateOf(tx.nowNs).toISOString(),
        ...agents(hubBic, item.instructing.participant.bic),
      },
    };
    const report = reportOf(record);
    const puts = [messageDocuments.put(item.key, record)];
    item.mapped.forEach((mapped, index) => {
      if (statuses[index]?.status === 'ACSC' && 'iso' in mapped)
        puts.push(paymentDocuments.put(mapped.uetr, { ...mapped.iso, message: item.key }));
    });
    await tx.putRecords(puts);
    const refusedEvents = refusedPaymentEvents(item, statuses, tx.nowNs);
    if (refusedEvents.length > 0) await tx.appendEvents(refusedEvents);
    await tx.appendAudit([
      auditEntry(item.actor, tx.nowNs, 'iso20022.submit', item.key, {
        kind: item.message.kind,
        msg_id: item.message.msgId,
        from: item.instructing.participant.id,
        group_status: groupStatus,
        accepted,
        rejected: statuses.length - accepted,
        sha256: item.hash,
      }),
    ]);
    return {
      statusReport: report,
      groupStatus,
      accepted,
      rejected: statuses.length - accepted,
      replayed: false,
      messageId: item.key,
    };
  }

  /**
   * The hub's BIC, if it has one, read once per group through the transaction: a read of the store
   * from inside a write waits for that write (on SQLite), so a hub record not yet cached (a database
   * whose hub was never opened) held every writer.
   */
  private async hubBic(tx: LedgerTransaction): Promise<string | undefined> {
    return (await this.registry.findIn(tx, HUB_ID))?.bic;
  }

  /** Waits for any message of the same key being judged in this process; the release function. */
  private async lock(key: string): Promise<() => void> {
    for (
      let waiting = this.inflight.get(key);
      waiting !== undefined;
      waiting = this.inflight.get(key)
    )
      await waiting;
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = () => {
        this.inflight.delete(key);
        resolve();
      };
    });
    this.inflight.set(key, held);
    return release;
  }
}

/**
 * A `payment.refused` event per rejected transaction, for the instructing agent (whose payment it
 * was), shaped as every payment's (id, payer, payee, amount, currency, code, message): the UETR,
 * the ISO reason code and why; the accounts and amount only when they were understood (a
 * transaction rejected for an unknown account has none); and where it came from (the message
 * kind and key, the EndToEndId).
 */
function refusedPaymentEvents(
  item: Judged,
  statuses: readonly TransactionStatus[],
  nowNs: bigint,
): EventInput[] {
  const events: EventInput[] = [];
  item.mapped.forEach((mapped, index) => {
    const rejection = statuses[index]?.rejection;
    if (rejection === undefined) return;
    const request = 'request' in mapped ? mapped.request : undefined;
    events.push({
      type: 'payment.refused',
      subject: mapped.uetr,
      participants: [item.instructing.participant.id],
      data: {
        id: mapped.uetr,
        ...(request === undefined
          ? {}
          : { payer: request.payer, payee: request.payee, amount: request.amount.toString() }),
        currency: mapped.tx.amount.currency,
        code: rejection.code,
        message: rejection.info,
        source: item.message.kind,
        messageId: item.key,
        endToEndId: mapped.tx.endToEndId,
      },
      at: nowNs,
    });
  });
  return events;
}

/** The agents of a status report: from the hub (its BIC, if it has one) to `to`. */
function agents(hub: string | undefined, to: string | undefined): ReportAgents {
  return {
    ...(hub === undefined ? {} : { instructingAgentBic: hub }),
    ...(to === undefined ? {} : { instructedAgentBic: to }),
  };
}

function dateOf(nowNs: bigint): Date {
  return new Date(Number(nowNs / 1_000_000n));
}

function joinBatches(batches: readonly PreparedBatch[]): PreparedBatch {
  return batches.length === 1 ? (batches[0] as PreparedBatch) : PreparedBatch.join(batches);
}

/** The message stored under the same key: the same bytes are a replay, others a reused MsgId. */
function answerStored(
  stored: IsoMessageRecord,
  hash: string,
  message: InboundMessage,
  now: Date,
): SubmitOutcome {
  if (stored.hash === hash) {
    const accepted = stored.transactions.filter((tx) => tx.status === 'ACSC').length;
    return {
      statusReport: reportOf(stored),
      groupStatus: stored.groupStatus,
      accepted,
      rejected: stored.transactions.length - accepted,
      replayed: true,
      messageId: stored.id,
    };
  }
  return refused(message, reusedMsgId(message), now);
}

function reusedMsgId(message: InboundMessage): Rejection {
  return {
    code: 'DUPL',
    info: `MsgId ${message.msgId} names another message this agent sent before: a MsgId names one message`,
  };
}

/** A message refused whole: nothing written (so no key to read it by). */
function refused(message: InboundMessage, rejection: Rejection, now: Date): SubmitOutcome {
  return {
    statusReport: refusedReport(originalOf(message), rejection, now),
    groupStatus: 'RJCT',
    accepted: 0,
    rejected: message.transactions.length,
    replayed: false,
    messageId: '',
  };
}
