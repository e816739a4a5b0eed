import { currencyByCode } from '../ledger/currency.js';
import { TransferFlags } from '../ledger/flags.js';
import { derivedId, ZERO_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import { REFERENCE_MAX_LENGTH, type TransferInput } from '../ledger/model.js';
import { truncateText } from '../ledger/text.js';
import { TRANSFER_RESULT_MESSAGES, type CreateTransferResult } from '../ledger/results.js';
import { HubError, invalidField } from '../domain/errors.js';
import { participantAccountId } from '../participants/accounts.js';
import type { AccountEntry } from '../participants/registry.js';
import { TransferCode } from './codes.js';

/**
 * The legs of one hub operation, written as one linked chain: every leg posts, or none does. A
 * payment between accounts that settle with different participants carries a second leg on their
 * cap accounts (payer's bank → payee's bank): the payer bank's cap account may not go below zero
 * (`debits_must_not_exceed_credits`), so the ledger itself refuses a payment that would take the
 * bank's net debit in the open window past its cap, atomically with the payment, under any load.
 * This is TigerBeetle's pattern for balance bounds: a control account and a linked transfer.
 */
export type LegKind =
  | 'payment'
  | 'cap'
  | 'fx_source'
  | 'fx_target'
  | 'fee'
  | 'settlement'
  | 'cap_reset'
  | 'funding'
  | 'sweep';

export interface Leg {
  readonly kind: LegKind;
  readonly debit: AccountId;
  readonly credit: AccountId;
  readonly amount: bigint;
  readonly currency: string;
  readonly code: number;
  readonly reference: string;
  /** For cap legs: the bank whose cap is used. */
  readonly bank?: string;
}

/** A payment leg between two accounts, and, when they settle with different participants, its cap leg. */
export function paymentLegs(
  payer: AccountEntry,
  payee: AccountEntry,
  amount: bigint,
  code: number,
  reference: string,
  kind: LegKind = 'payment',
): Leg[] {
  const legs: Leg[] = [
    { kind, debit: payer.id, credit: payee.id, amount, currency: payer.currency, code, reference },
  ];
  const from = payer.settlesWith;
  const to = payee.settlesWith;
  if (from !== undefined && to !== undefined && from !== to) {
    legs.push({
      kind: 'cap',
      debit: participantAccountId(from, payer.currency, 'cap'),
      credit: participantAccountId(to, payer.currency, 'cap'),
      amount,
      currency: payer.currency,
      code: TransferCode.capUse,
      reference,
      bank: from,
    });
  }
  return legs;
}

/** The id of leg `index` of operation `operationId`: the first leg carries the operation's own id. */
export function legId(operationId: string, index: number): TransferId {
  return (
    index === 0 ? operationId : derivedId(`vostro:leg:${operationId}:${index}`)
  ) as TransferId;
}

/** The legs as one linked chain of transfers (pending ones when `pending`, with that timeout). */
export function chainInputs(
  operationId: string,
  legs: readonly Leg[],
  options: { pending?: boolean; timeoutSeconds?: number } = {},
): TransferInput[] {
  return legs.map((leg, index) => ({
    id: legId(operationId, index),
    debitAccountId: leg.debit,
    creditAccountId: leg.credit,
    amount: leg.amount,
    pendingId: ZERO_ID as TransferId,
    ledger: currencyByCode(leg.currency)?.ledger ?? 0,
    code: leg.code,
    flags:
      (index < legs.length - 1 ? TransferFlags.linked : 0) |
      (options.pending === true ? TransferFlags.pending : 0),
    timeoutSeconds: options.pending === true ? (options.timeoutSeconds ?? 0) : 0,
    reference: truncateText(leg.reference, REFERENCE_MAX_LENGTH),
    userData64: 0n,
    userData32: index,
  }));
}

/** Posts or voids every pending leg of an operation, as one linked chain. */
export function resolveInputs(
  operationId: string,
  legs: readonly Leg[],
  action: 'post' | 'void',
): TransferInput[] {
  return legs.map((leg, index) => ({
    id: derivedId(`vostro:${action}:${operationId}:${index}`) as TransferId,
    debitAccountId: leg.debit,
    creditAccountId: leg.credit,
    amount: 0n,
    pendingId: legId(operationId, index),
    ledger: currencyByCode(leg.currency)?.ledger ?? 0,
    code: leg.code,
    flags:
      (index < legs.length - 1 ? TransferFlags.linked : 0) |
      (action === 'post' ? TransferFlags.postPending : TransferFlags.voidPending),
    timeoutSeconds: 0,
    reference: truncateText(leg.reference, REFERENCE_MAX_LENGTH),
    userData64: 0n,
    userData32: index,
  }));
}

export type ChainOutcome = { readonly status: 'created' } | { readonly status: 'exists' };

/**
 * What the ledger's results for a chain mean for the operation: all `ok` — created; all `exists` —
 * a retry of an operation already written (idempotent); otherwise the refusal of the leg that
 * failed (its siblings say `linked_event_failed`), as a precise HubError.
 */
export function chainOutcome(
  legs: readonly Leg[],
  results: readonly CreateTransferResult[],
  describe: { payerField: string },
): ChainOutcome {
  if (results.every((result) => result === 'ok')) return { status: 'created' };
  if (results.every((result) => result === 'exists')) return { status: 'exists' };
  const index = results.findIndex(
    (result) => result !== 'ok' && result !== 'linked_event_failed' && result !== 'exists',
  );
  const failed = index === -1 ? results.findIndex((result) => result !== 'ok') : index;
  const leg = legs[failed];
  const result = results[failed];
  if (leg === undefined || result === undefined)
    throw new Error('bug: a chain without a failed leg');
  if (result === 'exceeds_credits') {
    if (leg.kind === 'cap')
      throw new HubError('liquidity_cap_exceeded', {
        field: describe.payerField,
        message: `${leg.bank ?? 'the payer bank'}'s net debit in the open ${leg.currency} window would exceed its cap`,
      });
    if (leg.kind === 'fx_target')
      throw new HubError('insufficient_fx_liquidity', {
        field: 'provider',
        message: `the FX provider has too little ${leg.currency} liquidity for this conversion`,
      });
    throw new HubError('insufficient_funds', {
      field: describe.payerField,
      message: `the ${leg.kind === 'settlement' ? 'settling participant' : 'paying account'} has too little ${leg.currency} for ${leg.kind === 'fee' ? 'the fee' : 'this payment'}`,
    });
  }
  // The services check references first; this names the field for a caller that did not.
  if (result === 'reference_too_long' || result === 'reference_must_be_plain_text')
    throw invalidField({ field: 'reference', message: TRANSFER_RESULT_MESSAGES[result] });
  if (result.startsWith('exists_with_different') || result === 'exists') {
    throw new HubError('payment_refused', {
      field: 'id',
      message: `the operation id was used before with different content (${result})`,
    });
  }
  throw new HubError('payment_refused', {
    field: describe.payerField,
    message: `the ledger refused the ${leg.kind} leg: ${result}`,
  });
}
