import { Type } from '@sinclair/typebox';
import { currencyByCode, currencyByLedger } from '../ledger/currency.js';
import type { AccountId, TransferId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import type { CreateTransferResult } from '../ledger/results.js';
import { REFERENCE_MAX_LENGTH } from '../ledger/model.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { decimalString, documentKind, oneOf, strict } from '../domain/documents.js';
import { checkPlainText, HubError, invalidField } from '../domain/errors.js';
import type { AccountEntry, ParticipantRegistry } from '../participants/registry.js';
import { participantAccountId } from '../participants/accounts.js';
import { HUB_ID } from '../participants/participant.js';
import { TransferCode } from './codes.js';
import { chainInputs, chainOutcome, legId, paymentLegs, resolveInputs, type Leg } from './legs.js';
import { mayActFor, payeeAccount, payerAccount } from './parties.js';

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
}

export interface PaymentResult {
  readonly id: string;
  readonly status: 'created' | 'exists';
  /** The ids of every leg written, the payment's own first. */
  readonly transferIds: readonly TransferId[];
  readonly interbank: boolean;
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
    if (request.amount <= 0n)
      throw invalidField({ field: 'amount', message: 'the amount must be positive' });
    checkPlainText(request.reference, { field: 'reference', max: REFERENCE_MAX_LENGTH });
    const { payer, payee } = await this.parties(actor, request.payer, request.payee);
    const legs = paymentLegs(payer, payee, request.amount, TransferCode.payment, request.reference);
    const pending = request.pending === true;
    const timeoutSeconds = pending ? (request.timeoutSeconds ?? 0) : 0;
    const inputs = chainInputs(request.id, legs, { pending, timeoutSeconds });
    const outcome = await this.ledger.transact(async (tx) => {
      const outcome = chainOutcome(legs, await tx.createTransfers(inputs), { payerField: 'payer' });
      if (outcome.status === 'created') {
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
            createdAt: new Date(Number(tx.nowNs / 1_000_000n)).toISOString(),
          };
          await tx.putRecords([paymentDocuments.put(record.id, record)]);
        }
        await tx.appendAudit([
          auditEntry(
            actor,
            tx.nowNs,
            pending ? 'payments.reserve' : 'payments.create',
            request.id,
            {
              payer: payer.id,
              payee: payee.id,
              amount: request.amount.toString(),
              currency: payer.currency,
              legs: legs.length,
            },
          ),
        ]);
      }
      return outcome;
    });
    return {
      id: request.id,
      status: outcome.status,
      transferIds: inputs.map((input) => input.id),
      interbank: legs.length > 1,
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
    const legs = await this.storedLegs(record);
    const inputs = resolveInputs(paymentId, legs, action);
    const done: PaymentRecord['status'] = action === 'post' ? 'posted' : 'voided';
    const answer = (status: 'created' | 'exists'): PaymentResult => ({
      id: paymentId,
      status,
      transferIds: inputs.map((input) => input.id),
      interbank: legs.length > 1,
    });
    if (record.status === done) return answer('exists');
    if (record.status !== 'reserved') throw notPending(record);
    const outcome = await this.ledger.transact(
      async (tx): Promise<{ status: 'created' | 'exists' } | { lapsed: PaymentRecord }> => {
        const current = (await paymentDocuments.get(tx, paymentId)) ?? record;
        if (current.status === done) return { status: 'exists' };
        if (current.status !== 'reserved') return { lapsed: current };
        const results = await tx.createTransfers(inputs);
        const released = releasedAs(results);
        if (released !== undefined) {
          // The ledger resolved the legs before us (their timeout passed): the document says so from now on.
          const lapsed: PaymentRecord = { ...current, status: released };
          await tx.putRecords([paymentDocuments.put(paymentId, lapsed)]);
          await tx.appendAudit([
            auditEntry(actor, tx.nowNs, 'payments.released', paymentId, {
              status: released,
              attempted: action,
            }),
          ]);
          return { lapsed };
        }
        const outcome = chainOutcome(legs, results, { payerField: 'id' });
        await tx.putRecords([paymentDocuments.put(paymentId, { ...current, status: done })]);
        if (outcome.status === 'created')
          await tx.appendAudit([
            auditEntry(actor, tx.nowNs, `payments.${action}`, paymentId, { legs: legs.length }),
          ]);
        return outcome;
      },
    );
    if ('lapsed' in outcome) {
      if (outcome.lapsed.status === done) return answer('exists');
      throw notPending(outcome.lapsed);
    }
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
