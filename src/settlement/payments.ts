import { currencyByCode, currencyByLedger } from '../ledger/currency.js';
import type { AccountId, TransferId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import { REFERENCE_MAX_LENGTH } from '../ledger/model.js';
import { auditEntry, type Actor } from '../hub/actor.js';
import { checkPlainText, HubError, invalidField } from '../hub/errors.js';
import type { AccountEntry, ParticipantRegistry } from '../participants/registry.js';
import { participantAccountId } from '../participants/accounts.js';
import { HUB_ID } from '../participants/participant.js';
import { TransferCode } from './codes.js';
import { chainInputs, chainOutcome, legId, paymentLegs, resolveInputs, type Leg } from './legs.js';

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
 * Payments between participants' accounts in one currency. A payment between accounts that settle
 * with different participants counts towards both participants' net positions in the open window
 * and is bounded by the payer bank's net debit cap (see legs.ts). The payer must be active and the
 * accounts must belong to participants: nobody pays from or to an account of no known party.
 */
export class PaymentService {
  constructor(private readonly ledger: Ledger, private readonly registry: ParticipantRegistry) {}

  /** The participant that may order a payment from `payer`: its owner, or the bank that keeps it. */
  async mayPayFrom(actor: Actor, payer: AccountId): Promise<boolean> {
    if (actor.role === 'operator') return true;
    if (actor.role !== 'participant' || actor.participant === undefined) return false;
    const entry = await this.registry.account(payer);
    return entry !== undefined && (entry.participant === actor.participant || entry.settlesWith === actor.participant);
  }

  async pay(request: PaymentRequest, actor: Actor): Promise<PaymentResult> {
    if (request.amount <= 0n) throw invalidField('amount', 'the amount must be positive');
    checkPlainText('reference', request.reference, REFERENCE_MAX_LENGTH);
    const { payer, payee } = await this.parties(request.payer, request.payee);
    const legs = paymentLegs(payer, payee, request.amount, TransferCode.payment, request.reference);
    const inputs = chainInputs(request.id, legs, { pending: request.pending === true, timeoutSeconds: request.timeoutSeconds ?? 0 });
    const outcome = await this.ledger.transact(async (tx) => {
      const outcome = chainOutcome(legs, await tx.createTransfers(inputs), { payerField: 'payer' });
      if (outcome.status === 'created') {
        await tx.appendAudit([auditEntry(actor, tx.nowNs, request.pending === true ? 'payments.reserve' : 'payments.create', request.id, {
          payer: payer.id, payee: payee.id, amount: request.amount.toString(), currency: payer.currency, legs: legs.length,
        })]);
      }
      return outcome;
    });
    return { id: request.id, status: outcome.status, transferIds: inputs.map((input) => input.id), interbank: legs.length > 1 };
  }

  /**
   * Money entering the hub for an account (a prefunding, or a deposit a bank records for its
   * customer): the hub's settlement account in that currency is debited. Operator only.
   */
  async fund(request: { id: string; account: AccountId; amount: bigint; reference: string }, actor: Actor): Promise<PaymentResult> {
    if (request.amount <= 0n) throw invalidField('amount', 'the amount must be positive');
    checkPlainText('reference', request.reference, REFERENCE_MAX_LENGTH);
    const entry = await this.registry.account(request.account);
    if (entry === undefined) throw new HubError('account_not_found', `account ${request.account} belongs to no participant`, 'account');
    if (entry.role === 'cap' || entry.role === 'cap_source' || entry.role === 'hub_settlement') throw new HubError('account_role_mismatch', `a ${entry.role} account cannot be funded`, 'account');
    const legs: Leg[] = [{ kind: 'funding', debit: participantAccountId(HUB_ID, entry.currency, 'hub_settlement'), credit: entry.id, amount: request.amount, currency: entry.currency, code: TransferCode.funding, reference: request.reference }];
    const inputs = chainInputs(request.id, legs);
    const outcome = await this.ledger.transact(async (tx) => {
      const outcome = chainOutcome(legs, await tx.createTransfers(inputs), { payerField: 'account' });
      if (outcome.status === 'created') await tx.appendAudit([auditEntry(actor, tx.nowNs, 'payments.fund', request.id, { account: entry.id, amount: request.amount.toString(), currency: entry.currency })]);
      return outcome;
    });
    return { id: request.id, status: outcome.status, transferIds: inputs.map((input) => input.id), interbank: false };
  }

  /** Posts or voids every leg of a two-phase payment together. */
  async resolve(paymentId: string, action: 'post' | 'void', actor: Actor): Promise<PaymentResult> {
    const legs = await this.storedLegs(paymentId);
    const inputs = resolveInputs(paymentId, legs, action);
    const outcome = await this.ledger.transact(async (tx) => {
      const outcome = chainOutcome(legs, await tx.createTransfers(inputs), { payerField: 'id' });
      if (outcome.status === 'created') await tx.appendAudit([auditEntry(actor, tx.nowNs, `payments.${action}`, paymentId, { legs: legs.length })]);
      return outcome;
    });
    return { id: paymentId, status: outcome.status, transferIds: inputs.map((input) => input.id), interbank: legs.length > 1 };
  }

  /** The legs of a stored payment, read back from the ledger (its first leg has the payment's id). */
  async storedLegs(operationId: string): Promise<Leg[]> {
    const legs: Leg[] = [];
    for (let index = 0; ; index += 1) {
      const [transfer] = await this.ledger.lookupTransfers([legId(operationId, index)]);
      if (transfer === undefined) break;
      const currency = currencyByLedger(transfer.ledger)?.code ?? '';
      legs.push({ kind: transfer.code === TransferCode.capUse ? 'cap' : 'payment', debit: transfer.debitAccountId, credit: transfer.creditAccountId, amount: transfer.amount, currency, code: transfer.code, reference: transfer.reference });
    }
    if (legs.length === 0) throw new HubError('payment_not_found', `no payment ${operationId}`, 'id');
    return legs;
  }

  private async parties(payerId: AccountId, payeeId: AccountId): Promise<{ payer: AccountEntry; payee: AccountEntry }> {
    const payer = await this.registry.account(payerId);
    if (payer === undefined) throw new HubError('account_not_found', `account ${payerId} belongs to no participant`, 'payer');
    const payee = await this.registry.account(payeeId);
    if (payee === undefined) throw new HubError('account_not_found', `account ${payeeId} belongs to no participant`, 'payee');
    if (payer.currency !== payee.currency) throw new HubError('payment_refused', `payer is in ${payer.currency}, payee in ${payee.currency}: a cross-currency payment needs an FX quote`, 'payee');
    if (currencyByCode(payer.currency) === undefined) throw new HubError('unknown_currency', payer.currency, 'payer');
    for (const [entry, field] of [[payer, 'payer'], [payee, 'payee']] as const) {
      const participant = await this.registry.cached(entry.participant);
      if (participant?.status === 'suspended') throw new HubError('participant_suspended', `${entry.participant} is suspended`, field);
      if (entry.role === 'cap' || entry.role === 'cap_source') throw new HubError('account_role_mismatch', `a ${entry.role} account is the hub's bookkeeping; payments do not use it`, field);
    }
    return { payer, payee };
  }
}
