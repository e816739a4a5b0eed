import { Type } from '@sinclair/typebox';
import { documentKind, oneOf, strict } from '../domain/documents.js';

/**
 * What the hub keeps of the ISO 20022 messages it judged, beside the ledger, in the same
 * transaction as the payments they made: the message (its status report, for a replay and for
 * `GET …/messages/{id}`), and per payment the references the ledger has no room for (UETR,
 * EndToEndId, remittance, purpose, names), which statements and notifications give back.
 */
export const ISO_MESSAGES = 'iso20022_messages';
export const ISO_PAYMENTS = 'iso20022_payments';

export type TransactionStatus = 'ACSC' | 'RJCT';
export type GroupStatus = 'ACSC' | 'PART' | 'RJCT';

/** One transaction of a judged message, with what its status report says of it. */
export interface IsoTransactionRecord {
  readonly index: number;
  readonly instrId?: string;
  readonly endToEndId: string;
  readonly txId?: string;
  readonly uetr: string;
  readonly status: TransactionStatus;
  /** ISO external status reason code (AC01, AM04, DUPL, …) of a rejection, and why. */
  readonly reason?: string;
  readonly info?: string;
  /** IntrBkSttlmAmt as the message wrote it. */
  readonly currency: string;
  readonly amount: string;
}

/**
 * A judged inbound message, under `<instructing BIC>:<MsgId>` (see `messageKey`). Its pacs.002 is
 * not stored as XML: `report` and the transactions hold everything it says, and `reportOf`
 * (judge.ts) writes the same report from them whenever it is asked for again (a replay, `GET
 * …/messages/{id}`), a fraction of the XML's size in the store.
 */
export interface IsoMessageRecord {
  readonly id: string;
  readonly kind: string;
  readonly msgId: string;
  /** The message's CreDtTm and NbOfTxs as written. */
  readonly createdAt: string;
  readonly numberOfTransactions: number;
  /** The instructing agent: the participant the message came from. */
  readonly from: string;
  /** Who submitted it: a participant id, `operator` or `cli`. */
  readonly submittedBy: string;
  /** SHA-256 of the message's bytes as received, hex: the same MsgId with other bytes is another message. */
  readonly hash: string;
  /** ISO 8601. */
  readonly receivedAt: string;
  readonly groupStatus: GroupStatus;
  readonly batchBooking: boolean;
  readonly transactions: readonly IsoTransactionRecord[];
  /** The status report's own header: its MsgId, CreDtTm (ISO 8601) and agents. */
  readonly report: {
    readonly msgId: string;
    readonly createdAt: string;
    readonly instructingAgentBic?: string;
    readonly instructedAgentBic?: string;
  };
}

export const messageDocuments = documentKind<IsoMessageRecord>(
  ISO_MESSAGES,
  Type.Object(
    {
      id: Type.String(),
      kind: Type.String(),
      msgId: Type.String(),
      createdAt: Type.String(),
      numberOfTransactions: Type.Integer({ minimum: 0 }),
      from: Type.String(),
      submittedBy: Type.String(),
      hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
      receivedAt: Type.String(),
      groupStatus: oneOf(['ACSC', 'PART', 'RJCT']),
      batchBooking: Type.Boolean(),
      transactions: Type.Array(
        Type.Object(
          {
            index: Type.Integer({ minimum: 0 }),
            instrId: Type.Optional(Type.String()),
            endToEndId: Type.String(),
            txId: Type.Optional(Type.String()),
            uetr: Type.String(),
            status: oneOf(['ACSC', 'RJCT']),
            reason: Type.Optional(Type.String()),
            info: Type.Optional(Type.String()),
            currency: Type.String(),
            amount: Type.String(),
          },
          strict,
        ),
      ),
      report: Type.Object(
        {
          msgId: Type.String(),
          createdAt: Type.String(),
          instructingAgentBic: Type.Optional(Type.String()),
          instructedAgentBic: Type.Optional(Type.String()),
        },
        strict,
      ),
    },
    strict,
  ),
);

/** An accepted ISO payment's references, under its UETR (the payment's and main transfer's id). */
export interface IsoPaymentRecord {
  readonly uetr: string;
  /** The message's key (IsoMessageRecord.id). */
  readonly message: string;
  readonly kind: string;
  readonly msgId: string;
  readonly instrId?: string;
  readonly endToEndId: string;
  readonly txId?: string;
  readonly remittance?: readonly string[];
  readonly purpose?: string;
  readonly debtorName?: string;
  readonly creditorName?: string;
}

export const paymentDocuments = documentKind<IsoPaymentRecord>(
  ISO_PAYMENTS,
  Type.Object(
    {
      uetr: Type.String(),
      message: Type.String(),
      kind: Type.String(),
      msgId: Type.String(),
      instrId: Type.Optional(Type.String()),
      endToEndId: Type.String(),
      txId: Type.Optional(Type.String()),
      remittance: Type.Optional(Type.Array(Type.String())),
      purpose: Type.Optional(Type.String()),
      debtorName: Type.Optional(Type.String()),
      creditorName: Type.Optional(Type.String()),
    },
    strict,
  ),
);
