import { uuidV7 } from '../ledger/ids.js';
import { HubError } from '../domain/errors.js';
import { BatchRejectedError } from '../settlement/pay-batch.js';
import type { PaymentResult } from '../settlement/payments.js';
import type { InboundMessage } from './inbound.js';
import type { MappedTransaction, Rejection } from './mapping.js';
import { statusReport, type StatusReportInput } from './outbound.js';
import type { GroupStatus, IsoMessageRecord, IsoTransactionRecord } from './records.js';

/**
 * The status of every transaction of a judged message, and its status report (pacs.002): pure
 * functions of the mapping and the ledger's outcomes.
 */

/** The reason a payment the ledger or the payment rules refused is rejected with. */
export function rejectionOf(error: HubError): Rejection {
  if (error instanceof BatchRejectedError) return { code: 'NARR', info: error.message };
  switch (error.code) {
    case 'insufficient_funds':
    case 'liquidity_cap_exceeded':
      return { code: 'AM04', info: error.message };
    case 'account_not_found':
    case 'account_role_mismatch':
      return { code: 'AC01', info: error.message };
    case 'participant_suspended':
      return { code: 'AC04', info: error.message };
    case 'payment_refused':
      if (error.field === 'id') return { code: 'DUPL', info: error.message };
      if (error.field === 'payee') return { code: 'AM03', info: error.message };
      return { code: 'NARR', info: error.message };
    case 'invalid_field':
      return { code: error.field === 'amount' ? 'AM01' : 'NARR', info: error.message };
    default:
      return { code: 'NARR', info: error.message };
  }
}

export interface TransactionStatus {
  readonly status: 'ACSC' | 'RJCT';
  readonly rejection?: Rejection;
}

/**
 * Each transaction's status: rejected at mapping, refused with the batch (`batchCulprit`: a
 * batch-booked message with a transaction rejected at mapping books nothing), or as the ledger's
 * outcome for it says (`outcomes[k]` for the k-th mapped transaction).
 */
export function transactionStatuses(
  mapped: readonly MappedTransaction[],
  outcomes: readonly (PaymentResult | HubError)[],
  batchCulprit: number | undefined,
): TransactionStatus[] {
  let next = 0;
  return mapped.map((item): TransactionStatus => {
    if ('rejection' in item) return { status: 'RJCT', rejection: item.rejection };
    if (batchCulprit !== undefined) {
      const culprit = mapped[batchCulprit];
      const why = culprit !== undefined && 'rejection' in culprit ? culprit.rejection : undefined;
      return {
        status: 'RJCT',
        rejection: {
          code: 'NARR',
          info: `rejected with the batch: transaction ${batchCulprit + 1} (${culprit?.tx.endToEndId ?? ''}) was rejected ${why?.code ?? ''}: ${why?.info ?? ''}`,
        },
      };
    }
    const outcome = outcomes[next];
    next += 1;
    if (outcome === undefined) throw new Error('bug: a mapped transaction without an outcome');
    if (outcome instanceof HubError) return { status: 'RJCT', rejection: rejectionOf(outcome) };
    if (outcome.status === 'exists')
      return {
        status: 'RJCT',
        rejection: {
          code: 'DUPL',
          info: `UETR ${item.uetr} was paid before: a payment is made once`,
        },
      };
    return { status: 'ACSC' };
  });
}

export function groupStatusOf(statuses: readonly TransactionStatus[]): GroupStatus {
  const accepted = statuses.filter((status) => status.status === 'ACSC').length;
  if (accepted === statuses.length && accepted > 0) return 'ACSC';
  return accepted === 0 ? 'RJCT' : 'PART';
}

/** A new status report's MsgId: `VS` and a UUIDv7's 32 hex digits (Max35Text). */
export function reportMsgId(): string {
  return `VS${uuidV7().replaceAll('-', '')}`;
}

/** Who a status report is from (the hub's BIC) and to (the instructing agent's), when known. */
export interface ReportAgents {
  readonly instructingAgentBic?: string;
  readonly instructedAgentBic?: string;
}

/** The per-transaction part of the message document: what the report says of each. */
export function transactionRecords(
  mapped: readonly MappedTransaction[],
  statuses: readonly TransactionStatus[],
): IsoTransactionRecord[] {
  return mapped.map((item, index) => {
    const status = statuses[index] as TransactionStatus;
    const { tx } = item;
    return {
      index: tx.index,
      ...(tx.instrId === undefined ? {} : { instrId: tx.instrId }),
      endToEndId: tx.endToEndId,
      ...(tx.txId === undefined ? {} : { txId: tx.txId }),
      uetr: item.uetr,
      status: status.status,
      ...(status.rejection === undefined
        ? {}
        : { reason: status.rejection.code, info: status.rejection.info }),
      currency: tx.amount.currency,
      amount: tx.amount.decimal,
    };
  });
}

/**
 * The pacs.002 of a judged message, from its document: the same report each time it is asked
 * for (when the message is judged, replayed, or read back by id).
 */
export function reportOf(record: IsoMessageRecord): string {
  return statusReport({
    msgId: record.report.msgId,
    createdAt: new Date(record.report.createdAt),
    ...(record.report.instructingAgentBic === undefined
      ? {}
      : { instructingAgentBic: record.report.instructingAgentBic }),
    ...(record.report.instructedAgentBic === undefined
      ? {}
      : { instructedAgentBic: record.report.instructedAgentBic }),
    original: {
      msgId: record.msgId,
      kind: record.kind,
      createdAt: record.createdAt,
      numberOfTransactions: record.numberOfTransactions,
    },
    groupStatus: record.groupStatus,
    transactions: record.transactions.map((tx) => ({
      ...(tx.instrId === undefined ? {} : { instrId: tx.instrId }),
      endToEndId: tx.endToEndId,
      ...(tx.txId === undefined ? {} : { txId: tx.txId }),
      uetr: tx.uetr,
      status: tx.status,
      ...(tx.reason === undefined
        ? {}
        : { reason: { code: tx.reason, info: tx.info === undefined ? [] : [tx.info] } }),
      amount: { currency: tx.currency, decimal: tx.amount },
    })),
  });
}

/** The report of a message refused whole: group RJCT with the reason, no transaction judged. */
export function refusedReport(
  original: StatusReportInput['original'],
  rejection: Rejection | { readonly code: string; readonly info: readonly string[] },
  createdAt: Date,
): string {
  return statusReport({
    msgId: reportMsgId(),
    createdAt,
    original,
    groupStatus: 'RJCT',
    groupReason: {
      code: rejection.code,
      info: typeof rejection.info === 'string' ? [rejection.info] : rejection.info,
    },
    transactions: [],
  });
}

export function originalOf(message: InboundMessage): StatusReportInput['original'] {
  return {
    msgId: message.msgId,
    kind: message.kind,
    createdAt: message.createdAt,
    numberOfTransactions: message.numberOfTransactions,
  };
}
