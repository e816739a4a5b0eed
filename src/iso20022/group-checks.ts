import type { Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import { bicKey } from '../participants/identifiers.js';
import type { ParticipantRecord, ParticipantRegistry } from '../participants/registry.js';
import { PAY_BATCH_MAX } from '../settlement/pay-batch.js';
import type { InboundMessage } from './inbound.js';
import type { Rejection } from './mapping.js';

/**
 * The checks of a whole inbound message, before any transaction is looked at: who sends it, and
 * whether its group header agrees with its transactions. A message that fails one is refused
 * whole and nothing of it is written.
 */

/** Settlement methods taken: through the hub's accounts (CLRG), or the agents' accounts here (INDA, INGA). */
export const SETTLEMENT_METHODS: readonly string[] = ['CLRG', 'INDA', 'INGA'];

/** Kinds of participant that send FI-to-FI messages. */
const SENDER_KINDS: readonly string[] = ['bank', 'fx_provider', 'hub'];

export interface Instructing {
  readonly participant: ParticipantRecord;
  /** How the message names the instructing agent (its BIC), or the participant's own BIC or id. */
  readonly name: string;
}

/** A participant key acting as another participant: 403, nothing written. */
export function notYours(actor: Actor, bic: string): HubError {
  return new HubError('forbidden', {
    field: 'InstgAgt',
    message: `the instructing agent ${bic} is not ${actor.participant ?? actor.id}: a participant key submits messages only as its own BIC`,
  });
}

/**
 * The instructing agent: the InstgAgt BICFI of the group header or of the transactions (all must
 * name one participant), else, for a participant key, its own participant. A participant key may
 * only submit as itself (else `forbidden`); the operator submits for any participant the message
 * names. Returns a rejection (RC01) for a message that names no participant the operator could
 * act for.
 */
export async function instructingAgent(
  registry: ParticipantRegistry,
  message: Pick<InboundMessage, 'instructingAgentBic' | 'transactions'>,
  actor: Actor,
): Promise<Instructing | Rejection> {
  if (actor.role === 'auditor')
    throw new HubError('forbidden', {
      field: 'actor',
      message: 'the auditor reads; it submits no messages',
    });
  const written = [
    message.instructingAgentBic,
    ...message.transactions.map((tx) => tx.instructingAgentBic),
  ].filter((bic): bic is string => bic !== undefined);
  const bics = [...new Map(written.map((bic) => [bicKey(bic), bic])).values()];
  const found = await Promise.all(bics.map((bic) => registry.byBic(bic)));
  if (actor.role === 'participant') {
    bics.forEach((bic, index) => {
      if (found[index]?.id !== actor.participant) throw notYours(actor, bic);
    });
    const own = await registry.cached(actor.participant ?? '');
    if (own === undefined || !SENDER_KINDS.includes(own.kind))
      throw new HubError('forbidden', {
        field: 'actor',
        message: `${actor.participant ?? actor.id} is not a bank or FX provider: FI-to-FI messages come from financial institutions`,
      });
    return { participant: own, name: bics[0] ?? own.bic ?? own.id };
  }
  const first = bics[0];
  if (first === undefined)
    return {
      code: 'RC01',
      info: 'the message names no instructing agent (GrpHdr/InstgAgt or CdtTrfTxInf/InstgAgt)',
    };
  const unknown = bics.findIndex((_, index) => found[index] === undefined);
  if (unknown >= 0)
    return {
      code: 'RC01',
      info: `InstgAgt ${bics[unknown] ?? ''} is not a participant of this hub`,
    };
  if (bics.length > 1)
    return {
      code: 'RC01',
      info: `the message names several instructing agents (${bics.join(', ')}); one message comes from one agent`,
    };
  // Only banks, FX providers and the hub have BICs (KINDS_WITH_BIC), all of them senders.
  return { participant: found[0] as ParticipantRecord, name: first };
}

/** The key of a message's document: the instructing agent (as its BIC's institution) and MsgId. */
export function messageKey(instructing: Instructing, msgId: string): string {
  return `${bicKey(instructing.name)}:${msgId}`;
}

/**
 * The group header against the transactions and the hub's terms: the settlement method, NbOfTxs,
 * CtrlSum, the instructed agent, the size. Undefined when the message may be judged.
 */
export async function groupRefusal(
  registry: ParticipantRegistry,
  message: InboundMessage,
): Promise<Rejection | undefined> {
  if (!SETTLEMENT_METHODS.includes(message.settlementMethod))
    return {
      code: 'NARR',
      info: `settlement method ${message.settlementMethod} is not offered: the hub settles ${SETTLEMENT_METHODS.join(', ')}${message.settlementMethod === 'COVE' ? ' (no cover payments)' : ''}`,
    };
  const count = message.transactions.length;
  if (message.numberOfTransactions !== count)
    return {
      code: 'FF01',
      info: `GrpHdr/NbOfTxs is ${message.numberOfTransactions} but the message holds ${count} transaction${count === 1 ? '' : 's'}`,
    };
  if (message.controlSum !== undefined) {
    const written = decimalValue(message.controlSum);
    const sum = message.transactions
      .map((tx) => decimalValue(tx.amount.decimal))
      .reduce(addDecimals, { digits: 0n, scale: 0 });
    if (compareDecimals(written, sum) !== 0)
      return {
        code: 'FF01',
        info: `GrpHdr/CtrlSum is ${message.controlSum.trim()} but the amounts of the transactions add up to ${showDecimal(sum)}`,
      };
  }
  if (count > PAY_BATCH_MAX)
    return {
      code: 'NARR',
      info: `a message holds at most ${PAY_BATCH_MAX} transactions here (this one ${count}): send it in parts`,
    };
  const instructed = message.instructedAgentBic;
  if (instructed !== undefined && (await registry.byBic(instructed)) === undefined)
    return { code: 'RC01', info: `InstdAgt ${instructed} is not a participant of this hub` };
  return undefined;
}

/** An exact decimal: digits × 10^-scale. */
interface Decimal {
  readonly digits: bigint;
  readonly scale: number;
}

function decimalValue(text: string): Decimal {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text);
  if (match === null)
    throw new Error(`bug: ${JSON.stringify(text)} passed the schema as a decimal`);
  const fraction = match[3] ?? '';
  const digits = BigInt(`${match[2] || '0'}${fraction}` || '0');
  return { digits: match[1] === '-' ? -digits : digits, scale: fraction.length };
}

function rescale(value: Decimal, scale: number): bigint {
  return value.digits * 10n ** BigInt(scale - value.scale);
}

function addDecimals(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { digits: rescale(a, scale) + rescale(b, scale), scale };
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const difference = rescale(a, scale) - rescale(b, scale);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

function showDecimal(value: Decimal): string {
  const text = value.digits.toString().padStart(value.scale + 1, '0');
  return value.scale === 0 ? text : `${text.slice(0, -value.scale)}.${text.slice(-value.scale)}`;
}
