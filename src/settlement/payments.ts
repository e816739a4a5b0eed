import { Type } from '@sinclair/typebox';
import { currencyByCode, currencyByLedger } from '../ledger/currency.js';
import type { AccountId, TransferId } from '../ledger/ids.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import type { CreateTransferResult } from '../ledger/results.js';
import { REFERENCE_MAX_LENGTH, type TransferInput } from '../ledger/model.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import type { AuditEntry, RecordPut } from '../store/records.js';
import { decimalString, documentKind, oneOf, strict } from '../domain/documents.js';
import { checkPlainText, HubError, invalidField } from '../domain/errors.js';
import type { AccountEntry, ParticipantRegistry } from '../participants/registry.js';
import { participantAccountId } from '../participants/accounts.js';
import { HUB_ID } from '../participants/participant.js';
import { TransferCode } from './codes.js';
import {
  chainInputs,
  chainOutcome,
  legId,
  paymentLegs,
  resolveInputs,
  type ChainOutcome,
  type Leg,
} from './legs.js';
import { mayActFor, payeeAccount, payerAccount } from './parties.js';
import {
  AtomicBatchRefused,
  groupByActor,
  PAY_BATCH_MAX,
  PreparedBatch,
  writePaymentBatch,
  type BatchOptions,
} from './pay-batch.js';

/** The collection of payment documents: one per two-phase payment, keyed by the payment's id. */
export const PAYMENTS = 'payments';

export interface PaymentRequest {
  /** The client's id for the payment (a UUID): the idempotency key, and the id of its main transfer. */
  readonly id: string;
  readonly payer: AccountId;
  readonly payee: AccountId;
  /** Minor units of the accounts' currency. */
  readonly amount: bigint;
  readonly reference: string;
  /** Two-phase: reserve now (pending legs), post or void later. */
  readonly pending?: boolean;
  readonly timeoutSeconds?: number;
  /** The trade whose documentary credit this reservation is (see `reserveIn`). */
  readonly trade?: string;
}

export interface PaymentResult {
  readonly id: string;
  readonly status: 'created' | 'exists';
  /** The ids of every leg written, the payment's own first. */
  readonly transferIds: readonly TransferId[];
  readonly interbank: boolean;
  /**
   * Post and void only: the ledger had already released the legs (`expired` at their timeout,
   * `voided`, `posted`) so this call resolved nothing; the payment document now says so.
   */
  readonly lapsed?: PaymentRecord['status'];
}

/** A checked request with its planned legs (see `PaymentService.prepare`). */
interface PreparedPayment {
  readonly request: PaymentRequest;
  readonly payer: AccountEntry;
  readonly payee: AccountEntry;
  readonly legs: readonly Leg[];
  readonly pending: boolean;
  readonly timeoutSeconds: number;
  readonly inputs: readonly TransferInput[];
}

/** A prepared payment of a batch, with the actor it is made for. */
interface BatchItem extends PreparedPayment {
  readonly id: string;
  readonly actor: Actor;
}

/**
 * A two-phase payment as the hub recorded it, written in the same transaction as its pending legs.
 * Post and void find a payment only through this document: a pending transfer that is not a
 * payment made by this service (a raw transfer of the operator's, the legs of an FX quote) is not
 * a payment, whatever its id. `status` follows the legs: it changes with the post or void, and when
 * the ledger is found to have released the legs (timeout), at the first attempt to resolve them.
 */
export interface PaymentRecord {
  readonly id: string;
  readonly status: 'reserved' | 'posted' | 'voided' | 'expired';
  readonly payer: string;
  readonly payee: string;
  readonly currency: string;
  /** Minor units, as a decimal string. */
  readonly amountMinor: string;
  /** How many legs the payment has (1, or 2 with the cap leg); their ids follow `legId`. */
  readonly legs: number;
  /** Seconds after which the ledger voids the legs; 0: never. */
  readonly timeoutSeconds: number;
  /** Who ordered it: a participant id (for a participant key), `operator` or `cli`. */
  readonly orderedBy: string;
  /** The participant whose key ordered it; absent when the operator did. */
  readonly participant?: string;
  /** For a documentary credit's reservation: the trade (posted or voided only through it). */
  readonly trade?: string;
  readonly createdAt: string;
}

/** The payment documents, under the payments' ids. */
const paymentDocuments = documentKind<PaymentRecord>(
  PAYMENTS,
  Type.Object(
    {
      id: Type.String(),
      status: oneOf(['reserved', 'posted', 'voided', 'expired']),
      payer: Type.String(),
      payee: Type.String(),
      currency: Type.String(),
      amountMinor: decimalString(),
      legs: Type.Integer({ minimum: 1 }),
      timeoutSeconds: Type.Integer({ minimum: 0 }),
      orderedBy: Type.String(),
      participant: Type.Optional(Type.String()),
      trade: Type.Optional(Type.String()),
      createdAt: Type.String(),
    },
    strict,
  ),
);

/**
 * Payments between participants' accounts in one currency. A payment between accounts that settle
 * with different participants counts towards both participants' net positions in the open window
 * and is bounded by the payer bank's net debit cap (see legs.ts). The payer must be active and the
 * accounts must belong to participants: nobody pays from or to an account of no known party. Who
 * may pay from and into which account is in parties.ts.
 */
export class PaymentService {
  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
  ) {}

  /** The participant that may order a payment from `payer`: its owner, or the bank that keeps it. */
  async mayPayFrom(actor: Actor, payer: AccountId): Promise<boolean> {
    return mayActFor(this.registry, actor, payer);
  }

  async pay(request: PaymentRequest, actor: Actor): Promise<PaymentResult> {
    const prepared = await this.prepare(request, actor);
    let outcome: ChainOutcome;
    try {
      outcome = await this.ledger.transact((tx) => this.writeIn(tx, prepared, actor));
    } catch (error) {
      if (error instanceof HubError && isRecordedRefusal(error))
        await this.recordRefusal(prepared, actor, error);
      throw error;
    }
    return this.result(prepared, outcome.status);
  }

  /**
   * A payment the ledger refused (too little money, a net debit cap exceeded, a leg refused), told
   * to the payer's side: a `payment.refused` event and a `payments.refuse` audit entry, in a
   * transaction of their own after the payment's was rolled back (the refused payment itself
   * wrote nothing). A refusal of the request's form, of an account the actor may not use, or of an
   * id used before with different content is the client's answer only: it names no payment of
   * the payer's to tell anyone about. If this write fails, its error is the answer (the client
   * retries with the same id, is refused again, and the refusal is recorded then).
   */
  private async recordRefusal(
    prepared: PreparedPayment,
    actor: Actor,
    refusal: HubError,
  ): Promise<void> {
    const { request, payer, payee } = prepared;
    const participants = [payer.participant, payer.settlesWith, actor.participant].filter(
      (id): id is string => id !== undefined && id !== HUB_ID,
    );
    const details = {
      payer: payer.id,
      payee: payee.id,
      amount: request.amount.toString(),
      currency: payer.currency,
      code: refusal.code,
      message: refusal.message,
    };
    await this.ledger.transact(async (tx) => {
      await tx.appendEvents([
        {
          type: 'payment.refused',
          subject: request.id,
          participants: [...new Set(participants)],
          data: { id: request.id, ...details, source: 'api' },
          at: tx.nowNs,
        },
      ]);
      await tx.appendAudit([auditEntry(actor, tx.nowNs, 'payments.refuse', request.id, details)]);
    });
  }

  /**
   * What `pay` with `pending: true` does, inside the caller's transaction: the pending legs (with
   * the net debit cap leg when the accounts settle with different participants), the payment
   * document and the `payments.reserve` audit entry, committed with whatever else the caller
   * writes (a trade agreed on documentary-credit terms: src/trade/trades.ts). The transaction's one
   * ledger batch is these legs. A refusal (cap, funds, parties) throws the same HubError `pay`
   * would, and the caller's transaction then writes nothing. `request.trade` marks a documentary
   * credit's reservation, which `resolve` refuses to post or void: only the trade does, through
   * `postIn` / `voidIn`.
   */
  async reserveIn(
    tx: LedgerTransaction,
    request: PaymentRequest,
    actor: Actor,
  ): Promise<PaymentResult> {
    const prepared = await this.prepare({ ...request, pending: true }, actor);
    const outcome = await this.writeIn(tx, prepared, actor);
    return this.result(prepared, outcome.status);
  }

  /** Checks a request and plans its legs, before any transaction (these reads need none). */
  private async prepare(request: PaymentRequest, actor: Actor): Promise<PreparedPayment> {
    if (request.amount <= 0n)
      throw invalidField({ field: 'amount', message: 'the amount must be positive' });
    checkPlainText(request.reference, { field: 'reference', max: REFERENCE_MAX_LENGTH });
    const { payer, payee } = await this.parties(actor, request.payer, request.payee);
    const legs = paymentLegs(payer, payee, request.amount, TransferCode.payment, request.reference);
    const pending = request.pending === true;
    const timeoutSeconds = pending ? (request.timeoutSeconds ?? 0) : 0;
    const inputs = chainInputs(request.id, legs, { pending, timeoutSeconds });
    return { request, payer, payee, legs, pending, timeoutSeconds, inputs };
  }

  private async writeIn(
    tx: LedgerTransaction,
    prepared: PreparedPayment,
    actor: Actor,
  ): Promise<ChainOutcome> {
    const outcome = chainOutcome(prepared.legs, await tx.createTransfers(prepared.inputs), {
      payerField: 'payer',
    });
    if (outcome.status === 'created') await this.writeCreated(tx, [prepared], actor);
    return outcome;
  }

  /** The payment documents (of two-phase payments) and audit entries of payments just created. */
  private async writeCreated(
    tx: LedgerTransaction,
    created: readonly PreparedPayment[],
    actor: Actor,
  ): Promise<void> {
    const puts: RecordPut[] = [];
    const audit: AuditEntry[] = [];
    for (const { request, payer, payee, legs, pending, timeoutSeconds } of created) {
      if (pending) {
        const record: PaymentRecord = {
          id: request.id,
          status: 'reserved',
          payer: payer.id,
          payee: payee.id,
          currency: payer.currency,
          amountMinor: request.amount.toString(),
          legs: legs.length,
          timeoutSeconds,
          orderedBy: actor.id,
          ...(actor.role === 'participant' && actor.participant !== undefined
            ? { participant: actor.participant }
            : {}),
          ...(request.trade === undefined ? {} : { trade: request.trade }),
          createdAt: new Date(Number(tx.nowNs / 1_000_000n)).toISOString(),
        };
        puts.push(paymentDocuments.put(record.id, record));
      }
      audit.push(
        auditEntry(actor, tx.nowNs, pending ? 'payments.reserve' : 'payments.create', request.id, {
          payer: payer.id,
          payee: payee.id,
          amount: request.amount.toString(),
          currency: payer.currency,
          legs: legs.length,
          ...(request.trade === undefined ? {} : { trade: request.trade }),
        }),
      );
    }
    if (puts.length > 0) await tx.putRecords(puts);
    await tx.appendAudit(audit);
  }

  /**
   * Many payments in one ledger transaction and one batch (see pay-batch.ts): each its own linked
   * chain, or (`atomic`) all or nothing. One outcome per request, in order: the result `pay` would
   * give, or the HubError `pay` would throw (a refused request fails only itself, except in an
   * atomic batch, where the others get BatchRejectedError). `extra` writes the caller's own
   * documents in the same transaction (it may run more than once: no other effects); when an
   * atomic batch is refused after its transfers were staged, that transaction is rolled back and
   * `extra` runs in one of its own. At most PAY_BATCH_MAX requests.
   */
  async payBatch(
    requests: readonly PaymentRequest[],
    actor: Actor,
    options: BatchOptions<PaymentResult>,
  ): Promise<readonly (PaymentResult | HubError)[]> {
    const prepared = await this.prepareBatch(requests.map((request) => ({ request, actor })));
    const { extra } = options;
    try {
      return await this.ledger.transact(async (tx) => {
        const outcomes = await this.writeBatchIn(tx, prepared, options.atomic);
        if (extra !== undefined) await extra(tx, outcomes);
        return outcomes;
      });
    } catch (error) {
      if (!(error instanceof AtomicBatchRefused)) throw error;
      const outcomes = error.outcomes as readonly (PaymentResult | HubError)[];
      if (extra !== undefined) await this.ledger.transact((tx) => extra(tx, outcomes));
      return outcomes;
    }
  }

  /**
   * The first half of a batch, before any transaction: each request checked and its legs planned
   * as its actor may (what `pay` checks), or the HubError `pay` would throw. Callers that write a
   * batch inside a transaction of their own (several callers' payments grouped in one) use this
   * and `writeBatchIn`.
   */
  async prepareBatch(
    items: readonly { readonly request: PaymentRequest; readonly actor: Actor }[],
  ): Promise<PreparedBatch> {
    if (items.length > PAY_BATCH_MAX)
      throw invalidField({
        field: 'requests',
        message: `a batch holds at most ${PAY_BATCH_MAX} payments, not ${items.length}`,
      });
    const prepared = await Promise.all(
      items.map(({ request, actor }) =>
        this.prepare(request, actor).then(
          (payment): BatchItem => ({ ...payment, id: request.id, actor }),
          (error: unknown) => {
            if (error instanceof HubError) return error;
            throw error;
          },
        ),
      ),
    );
    return new PreparedBatch(prepared);
  }

  /**
   * The second half: the prepared payments as the transaction's one ledger batch, with their
   * documents and audit entries (see writePaymentBatch; an atomic batch refused after staging
   * throws AtomicBatchRefused, which must end the transaction). Batches prepared separately may be
   * concatenated.
   */
  async writeBatchIn(
    tx: LedgerTransaction,
    batch: PreparedBatch,
    atomic: boolean,
  ): Promise<(PaymentResult | HubError)[]> {
    const items = PreparedBatch.items(batch) as readonly (BatchItem | HubError)[];
    return writePaymentBatch(
      tx,
      items.map((item) => (item instanceof HubError ? '' : item.id)),
      items,
      atomic,
      {
        result: (payment, status) => this.result(payment, status),
        written: async (inner, created) => {
          for (const group of groupByActor(created))
            await this.writeCreated(inner, group, (group[0] as BatchItem).actor);
        },
      },
    );
  }

  private result(prepared: PreparedPayment, status: 'created' | 'exists'): PaymentResult {
    return {
      id: prepared.request.id,
      status,
      transferIds: prepared.inputs.map((input) => input.id),
      interbank: prepared.legs.length > 1,
    };
  }

  /**
   * Money entering the hub for an account (a prefunding, or a deposit a bank records for its
   * customer): the hub's settlement account in that currency is debited. Operator only.
   */
  async fund(
    request: { id: string; account: AccountId; amount: bigint; reference: string },
    actor: Actor,
  ): Promise<PaymentResult> {
    if (request.amount <= 0n)
      throw invalidField({ field: 'amount', message: 'the amount must be positive' });
    checkPlainText(request.reference, { field: 'reference', max: REFERENCE_MAX_LENGTH });
    const entry = await this.registry.account(request.account);
    if (entry === undefined)
      throw new HubError('account_not_found', {
        field: 'account',
        message: `account ${request.account} belongs to no participant`,
      });
    if (entry.role === 'cap' || entry.role === 'cap_source' || entry.role === 'hub_settlement')
      throw new HubError('account_role_mismatch', {
        field: 'account',
        message: `a ${entry.role} account cannot be funded`,
      });
    const legs: Leg[] = [
      {
        kind: 'funding',
        debit: participantAccountId(HUB_ID, entry.currency, 'hub_settlement'),
        credit: entry.id,
        amount: request.amount,
        currency: entry.currency,
        code: TransferCode.funding,
        reference: request.reference,
      },
    ];
    const inputs = chainInputs(request.id, legs);
    const outcome = await this.ledger.transact(async (tx) => {
      const outcome = chainOutcome(legs, await tx.createTransfers(inputs), {
        payerField: 'account',
      });
      if (outcome.status === 'created')
        await tx.appendAudit([
          auditEntry(actor, tx.nowNs, 'payments.fund', request.id, {
            account: entry.id,
            amount: request.amount.toString(),
            currency: entry.currency,
          }),
        ]);
      return outcome;
    });
    return {
      id: request.id,
      status: outcome.status,
      transferIds: inputs.map((input) => input.id),
      interbank: false,
    };
  }

  /**
   * Posts or voids every leg of a two-phase payment together. Only a payment this service recorded
   * is one (see PaymentRecord). The operator may resolve any; a participant key those a participant
   * key ordered from an account it may pay from (its own, its customers', a vostro account it
   * keeps): a payment the operator reserved on its account is the operator's to post or void.
   * Everything else is answered as a payment that does not exist. Posting a payment posted
   * already (voiding one voided) is an idempotent retry; resolving one that is no longer pending
   * otherwise (voided, posted, or released by its timeout) is `payment_not_pending`.
   */
  async resolve(paymentId: string, action: 'post' | 'void', actor: Actor): Promise<PaymentResult> {
    const record = await this.payment(paymentId);
    if (record === undefined || !(await this.mayResolve(actor, record)))
      throw new HubError('payment_not_found', { field: 'id', message: `no payment ${paymentId}` });
    if (record.trade !== undefined)
      throw new HubError('payment_refused', {
        field: 'id',
        message: `payment ${paymentId} reserves the documentary credit of trade ${record.trade}: it is posted when the documents are presented and voided when the trade is cancelled or expires, not on its own`,
      });
    const legs = await this.storedLegs(record);
    const answer = (status: 'created' | 'exists'): PaymentResult => ({
      id: paymentId,
      status,
      transferIds: resolveInputs(paymentId, legs, action).map((input) => input.id),
      interbank: legs.length > 1,
    });
    const done: PaymentRecord['status'] = action === 'post' ? 'posted' : 'voided';
    if (record.status === done) return answer('exists');
    if (record.status !== 'reserved') throw notPending(record);
    const result = await this.ledger.transact((tx) =>
      this.resolveWith(tx, record, legs, action, actor),
    );
    if (result.lapsed !== undefined) {
      if (result.lapsed === done) return answer('exists');
      throw notPending({ ...record, status: result.lapsed });
    }
    return result;
  }

  /**
   * Posts every leg of a reserved payment inside the caller's transaction (the presentation of a
   * documentary credit's documents: src/trade/presentations.ts), with the payment document and the
   * `payments.post` audit entry; the transaction's one ledger batch is this post. Who may is the
   * caller's decision (the trade's rules), not the payment's: `actor` is only audited. Posting a
   * payment posted already answers `exists`. When the ledger had already released the legs (their
   * timeout passed, or they were voided), nothing is posted: the result carries `lapsed` with what
   * happened, and the payment document says so in the same transaction (so the caller may commit
   * that and refuse), as `resolve` does. A payment never recorded is `payment_not_found`.
   */
  async postIn(tx: LedgerTransaction, paymentId: string, actor: Actor): Promise<PaymentResult> {
    return this.resolveIn(tx, paymentId, 'post', actor);
  }

  /** Voids every leg of a reserved payment inside the caller's transaction; see `postIn`. */
  async voidIn(tx: LedgerTransaction, paymentId: string, actor: Actor): Promise<PaymentResult> {
    return this.resolveIn(tx, paymentId, 'void', actor);
  }

  private async resolveIn(
    tx: LedgerTransaction,
    paymentId: string,
    action: 'post' | 'void',
    actor: Actor,
  ): Promise<PaymentResult> {
    const record = await paymentDocuments.get(tx, paymentId);
    if (record === undefined)
      throw new HubError('payment_not_found', { field: 'id', message: `no payment ${paymentId}` });
    // The legs were written by an earlier, committed transaction and never change: read from the
    // store (SQLite reads committed rows without queueing behind this transaction; PostgreSQL on
    // another pooled connection).
    const legs = await this.storedLegs(record);
    return this.resolveWith(tx, record, legs, action, actor);
  }

  /** Resolves the legs in `tx`, or records (and reports as `lapsed`) that the ledger had done so. */
  private async resolveWith(
    tx: LedgerTransaction,
    record: PaymentRecord,
    legs: readonly Leg[],
    action: 'post' | 'void',
    actor: Actor,
  ): Promise<PaymentResult> {
    const paymentId = record.id;
    const inputs = resolveInputs(paymentId, legs, action);
    const done: PaymentRecord['status'] = action === 'post' ? 'posted' : 'voided';
    const answer = (
      status: 'created' | 'exists',
      lapsed?: PaymentRecord['status'],
    ): PaymentResult => ({
      id: paymentId,
      status,
      transferIds: inputs.map((input) => input.id),
      interbank: legs.length > 1,
      ...(lapsed === undefined ? {} : { lapsed }),
    });
    const current = (await paymentDocuments.get(tx, paymentId)) ?? record;
    if (current.status === done) return answer('exists');
    if (current.status !== 'reserved') return answer('exists', current.status);
    const results = await tx.createTransfers(inputs);
    const released = releasedAs(results);
    if (released !== undefined) {
      // The ledger resolved the legs before us (their timeout passed): the document says so from now on.
      await tx.putRecords([paymentDocuments.put(paymentId, { ...current, status: released })]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'payments.released', paymentId, {
          status: released,
          attempted: action,
        }),
      ]);
      return answer('exists', released);
    }
    const outcome = chainOutcome(legs, results, { payerField: 'id' });
    await tx.putRecords([paymentDocuments.put(paymentId, { ...current, status: done })]);
    if (outcome.status === 'created')
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, `payments.${action}`, paymentId, {
          legs: legs.length,
          ...(current.trade === undefined ? {} : { trade: current.trade }),
        }),
      ]);
    return answer(outcome.status);
  }

  /** The payment document of a two-phase payment, if there is one. */
  async payment(paymentId: string): Promise<PaymentRecord | undefined> {
    return paymentDocuments.get(this.ledger.store, paymentId);
  }

  private async mayResolve(actor: Actor, record: PaymentRecord): Promise<boolean> {
    if (actor.role === 'operator') return true;
    return (
      record.participant !== undefined &&
      actor.role === 'participant' &&
      (await mayActFor(this.registry, actor, record.payer as AccountId))
    );
  }

  /** The legs of a recorded payment, read back from the ledger (its first leg has the payment's id). */
  private async storedLegs(record: PaymentRecord): Promise<Leg[]> {
    const ids = Array.from({ length: record.legs }, (_, index) => legId(record.id, index));
    const transfers = await this.ledger.lookupTransfers(ids);
    if (transfers.length !== ids.length)
      throw new Error(
        `bug: payment ${record.id} has ${transfers.length} of its ${ids.length} legs`,
      );
    return transfers.map((transfer) => ({
      kind: transfer.code === TransferCode.capUse ? 'cap' : 'payment',
      debit: transfer.debitAccountId,
      credit: transfer.creditAccountId,
      amount: transfer.amount,
      currency: currencyByLedger(transfer.ledger)?.code ?? '',
      code: transfer.code,
      reference: transfer.reference,
    }));
  }

  private async parties(
    actor: Actor,
    payerId: AccountId,
    payeeId: AccountId,
  ): Promise<{ payer: AccountEntry; payee: AccountEntry }> {
    const payer = await payerAccount(this.registry, actor, payerId);
    if (currencyByCode(payer.currency) === undefined)
      throw new HubError('unknown_currency', { field: 'payer', message: payer.currency });
    const payee = await payeeAccount(
      this.registry,
      actor,
      payeeId,
      payer.currency,
      (entry) =>
        new HubError('payment_refused', {
          field: 'payee',
          message: `payer is in ${payer.currency}, payee in ${entry.currency}: a cross-currency payment needs an FX quote`,
        }),
    );
    return { payer, payee };
  }
}

/**
 * What the ledger had already done with the legs, when resolving them was refused because they
 * were no longer pending; undefined for any other outcome.
 */
export function releasedAs(
  results: readonly CreateTransferResult[],
): 'posted' | 'voided' | 'expired' | undefined {
  for (const result of results) {
    if (result === 'pending_transfer_expired') return 'expired';
    if (result === 'pending_transfer_already_voided') return 'voided';
    if (result === 'pending_transfer_already_posted') return 'posted';
  }
  return undefined;
}

function notPending(record: PaymentRecord): HubError {
  const why =
    record.status === 'expired'
      ? `it expired (its timeout of ${record.timeoutSeconds} s passed) and the ledger released every leg`
      : `it was ${record.status} already`;
  return new HubError('payment_not_pending', {
    field: 'id',
    message: `payment ${record.id} is not pending: ${why}`,
  });
}

/** The ledger's refusals of a well-formed payment that `pay` records (see `recordRefusal`). */
function isRecordedRefusal(error: HubError): boolean {
  if (error.code === 'insufficient_funds' || error.code === 'liquidity_cap_exceeded') return true;
  return error.code === 'payment_refused' && error.field !== 'id';
}
