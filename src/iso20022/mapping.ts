import { createHash } from 'node:crypto';
import type { AccountId } from '../ledger/ids.js';
import { REFERENCE_MAX_LENGTH } from '../ledger/model.js';
import { truncateText } from '../ledger/text.js';
import type {
  ParticipantRecord,
  AccountEntry,
  ParticipantRegistry,
} from '../participants/registry.js';
import { HUB_ID } from '../participants/participant.js';
import type { PaymentRequest } from '../settlement/payments.js';
import {
  toMinorUnits,
  type AccountRef,
  type InboundMessage,
  type InboundTransaction,
} from './inbound.js';
import type { IsoPaymentRecord } from './records.js';

/**
 * One transaction of an inbound pacs.008 or pacs.009 mapped to a payment, or the reason it is
 * rejected, before any transaction is written (these reads need none). The rules, field by field,
 * are in docs/iso20022.md ("Inbound: pacs.008 and pacs.009").
 */

/** The ISO external status reason codes the hub answers with. */
export type ReasonCode =
  'AC01' | 'AC04' | 'AM01' | 'AM02' | 'AM03' | 'AM04' | 'DUPL' | 'FF01' | 'RC01' | 'NARR';

export interface Rejection {
  readonly code: ReasonCode;
  readonly info: string;
}

export type MappedTransaction =
  | {
      readonly tx: InboundTransaction;
      readonly uetr: string;
      readonly request: PaymentRequest;
      readonly iso: Omit<IsoPaymentRecord, 'message'>;
    }
  | { readonly tx: InboundTransaction; readonly uetr: string; readonly rejection: Rejection };

/** What every transaction of one message is mapped in. */
export interface MappingContext {
  readonly registry: ParticipantRegistry;
  readonly message: InboundMessage;
  /** The instructing agent: whose payments these are. */
  readonly instructing: ParticipantRecord;
  /** The BIC the UETRs of transactions without one are derived from. */
  readonly instructingBic: string;
}

interface InnerContext extends MappingContext {
  readonly lookups: Lookups;
}

/**
 * The registry's answers, asked once per message for each name: a file of a thousand transactions
 * names a few banks, and often the same accounts, many times.
 */
class Lookups {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(private readonly registry: ParticipantRegistry) {}

  private once<T>(key: string, ask: () => Promise<T>): Promise<T> {
    let answer = this.memo.get(key) as Promise<T> | undefined;
    if (answer === undefined) {
      answer = ask();
      this.memo.set(key, answer);
    }
    return answer;
  }

  byBic(bic: string): Promise<ParticipantRecord | undefined> {
    return this.once(`b${bic}`, () => this.registry.byBic(bic));
  }

  cached(id: string): Promise<ParticipantRecord | undefined> {
    return this.once(`p${id}`, () => this.registry.cached(id));
  }

  account(id: AccountId): Promise<AccountEntry | undefined> {
    return this.once(`a${id}`, () => this.registry.account(id));
  }

  accountByIdentifier(ref: AccountRef): Promise<AccountId | undefined> {
    return this.once('iban' in ref ? `i${ref.iban}` : `o${ref.other}`, () =>
      this.registry.accountByIdentifier(ref),
    );
  }
}

class Rejected extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.info);
  }
}

function reject(code: ReasonCode, info: string): never {
  throw new Rejected({ code, info });
}

/**
 * The UETR of a transaction: its own (lower-case), or, when it has none, a UUID version 4 derived
 * from (instructing agent BIC, MsgId, EndToEndId, position), so that the same message sent again
 * names the same payment and is answered as a duplicate, never paid twice.
 */
export function transactionUetr(
  tx: InboundTransaction,
  instructingBic: string,
  msgId: string,
): string {
  if (tx.uetr !== undefined) return tx.uetr.toLowerCase();
  const bytes = createHash('sha256')
    .update(
      `vostro:uetr\u0000${instructingBic}\u0000${msgId}\u0000${tx.endToEndId}\u0000${tx.index}`,
    )
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Maps every transaction of the message (UETRs that repeat within it are rejected DUPL after the first). */
export async function mapTransactions(context: MappingContext): Promise<MappedTransaction[]> {
  const inner: InnerContext = { ...context, lookups: new Lookups(context.registry) };
  const seen = new Map<string, number>();
  const uetrs = context.message.transactions.map((tx) => {
    const uetr = transactionUetr(tx, context.instructingBic, context.message.msgId);
    const first = seen.get(uetr);
    if (first === undefined) seen.set(uetr, tx.index);
    return { uetr, repeats: first };
  });
  return Promise.all(
    context.message.transactions.map(async (tx, position): Promise<MappedTransaction> => {
      const { uetr, repeats } = uetrs[position] as { uetr: string; repeats: number | undefined };
      try {
        if (repeats !== undefined)
          reject('DUPL', `UETR ${uetr} is also that of transaction ${repeats + 1} of this message`);
        const request = await mapOne(inner, tx, uetr);
        return { tx, uetr, request, iso: isoData(context.message, tx, uetr) };
      } catch (error) {
        if (!(error instanceof Rejected)) throw error;
        return { tx, uetr, rejection: error.rejection };
      }
    }),
  );
}

async function mapOne(
  context: InnerContext,
  tx: InboundTransaction,
  uetr: string,
): Promise<PaymentRequest> {
  const registry = context.lookups;
  if (
    tx.instructedAgentBic !== undefined &&
    (await registry.byBic(tx.instructedAgentBic)) === undefined
  )
    reject('RC01', `InstdAgt ${tx.instructedAgentBic} is not a participant of this hub`);
  const amount = minorUnits(tx);
  const { payer, payee } =
    context.message.kind === 'pacs.009.001.09'
      ? await institutionAccounts(context, tx)
      : await customerAccounts(context, tx);
  const instructing = context.instructing.id;
  if (payer.participant !== instructing && payer.settlesWith !== instructing)
    reject(
      'AC01',
      `DbtrAcct is not an account the instructing agent (${context.instructingBic}) may debit: it debits only its own accounts and those it keeps`,
    );
  for (const [side, entry] of [
    ['DbtrAcct', payer],
    ['CdtrAcct', payee],
  ] as const) {
    if (entry.currency !== tx.amount.currency)
      reject(
        'AM03',
        `${side} is a ${entry.currency} account; the amount is in ${tx.amount.currency}`,
      );
    if (entry.role === 'cap' || entry.role === 'cap_source' || entry.participant === HUB_ID)
      reject('AC01', `${side} is one of the hub's own accounts, which take no payments`);
  }
  for (const party of new Set([
    payer.participant,
    payer.settlesWith,
    payee.participant,
    payee.settlesWith,
  ]))
    if (party !== undefined && (await registry.cached(party))?.status === 'suspended')
      reject('AC04', `${party} is suspended: its accounts take and make no payments`);
  return {
    id: uetr,
    payer: payer.id,
    payee: payee.id,
    amount,
    reference: reference(context.message, tx),
  };
}

/** IntrBkSttlmAmt in exact minor units (never rounded). */
function minorUnits(tx: InboundTransaction): bigint {
  const minor = toMinorUnits(tx.amount.decimal, tx.amount.currency);
  if (typeof minor !== 'bigint')
    reject(minor.reason === 'currency' ? 'AM03' : 'AM02', minor.message);
  if (minor === 0n) reject('AM01', 'the amount is zero');
  return minor;
}

/** pacs.008: DbtrAcct and CdtrAcct are accounts here, kept by DbtrAgt and CdtrAgt. */
async function customerAccounts(
  context: InnerContext,
  tx: InboundTransaction,
): Promise<{ payer: AccountEntry; payee: AccountEntry }> {
  const payer = await namedAccount(context.lookups, tx.debtorAccount, 'DbtrAcct');
  const payee = await namedAccount(context.lookups, tx.creditorAccount, 'CdtrAcct');
  await checkAgent(context.lookups, tx.debtorAgentBic, 'DbtrAgt', payer, 'DbtrAcct');
  await checkAgent(context.lookups, tx.creditorAgentBic, 'CdtrAgt', payee, 'CdtrAcct');
  return { payer, payee };
}

/**
 * pacs.009: the debtor and creditor are financial institutions, named by BICFI; their settlement
 * accounts in the currency, unless DbtrAcct / CdtrAcct name another account of theirs.
 */
async function institutionAccounts(
  context: InnerContext,
  tx: InboundTransaction,
): Promise<{ payer: AccountEntry; payee: AccountEntry }> {
  const payer = await institutionAccount(
    context.lookups,
    tx.debtor.bic,
    tx.debtorAccount,
    'Dbtr',
    tx.amount.currency,
  );
  const payee = await institutionAccount(
    context.lookups,
    tx.creditor.bic,
    tx.creditorAccount,
    'Cdtr',
    tx.amount.currency,
  );
  if (tx.debtorAgentBic !== undefined)
    await checkAgent(context.lookups, tx.debtorAgentBic, 'DbtrAgt', payer, 'DbtrAcct');
  if (tx.creditorAgentBic !== undefined)
    await checkAgent(context.lookups, tx.creditorAgentBic, 'CdtrAgt', payee, 'CdtrAcct');
  return { payer, payee };
}

async function institutionAccount(
  registry: Lookups,
  bic: string | undefined,
  ref: AccountRef | undefined,
  side: 'Dbtr' | 'Cdtr',
  currency: string,
): Promise<AccountEntry> {
  if (bic === undefined) reject('RC01', `${side}/FinInstnId names no BICFI`);
  const institution = await registry.byBic(bic);
  if (institution === undefined) reject('RC01', `${side} ${bic} is not a participant of this hub`);
  if (ref !== undefined) {
    const entry = await namedAccount(registry, ref, `${side}Acct`);
    if (entry.participant !== institution.id)
      reject('AC01', `${side}Acct is not an account of ${side} ${bic}`);
    return entry;
  }
  const account = institution.accounts.find(
    (candidate) => candidate.role === 'settlement' && candidate.currency === currency,
  );
  const entry = account === undefined ? undefined : await registry.account(account.id);
  if (entry === undefined)
    reject('AC01', `${side} ${bic} has no ${currency} settlement account here`);
  return entry;
}

async function namedAccount(
  registry: Lookups,
  ref: AccountRef | undefined,
  field: string,
): Promise<AccountEntry> {
  if (ref === undefined)
    reject('AC01', `${field} is missing: the account must be named (IBAN or Othr/Id)`);
  const id: AccountId | undefined = await registry.accountByIdentifier(ref);
  const entry = id === undefined ? undefined : await registry.account(id);
  if (entry === undefined)
    reject('AC01', `${field} ${'iban' in ref ? ref.iban : ref.other} is no account here`);
  return entry;
}

/** The agent named for an account must be the participant that keeps it (settles for it). */
async function checkAgent(
  registry: Lookups,
  bic: string | undefined,
  agent: 'DbtrAgt' | 'CdtrAgt',
  entry: AccountEntry,
  account: 'DbtrAcct' | 'CdtrAcct',
): Promise<void> {
  if (bic === undefined) reject('RC01', `${agent}/FinInstnId names no BICFI`);
  const participant = await registry.byBic(bic);
  if (participant === undefined) reject('RC01', `${agent} ${bic} is not a participant of this hub`);
  if (entry.settlesWith !== participant.id)
    reject('AC01', `${account} is not kept by ${agent} ${bic}`);
}

/** XML text may hold tabs and line breaks; a reference is one line of plain text. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/** The ledger reference of the payment: the message kind and EndToEndId, as plain text. */
function reference(message: InboundMessage, tx: InboundTransaction): string {
  const kind = message.kind.slice(0, 8);
  return truncateText(`${kind} ${tx.endToEndId}`.replace(CONTROL, ' '), REFERENCE_MAX_LENGTH);
}

function isoData(
  message: InboundMessage,
  tx: InboundTransaction,
  uetr: string,
): Omit<IsoPaymentRecord, 'message'> {
  return {
    uetr,
    kind: message.kind,
    msgId: message.msgId,
    endToEndId: tx.endToEndId,
    ...(tx.instrId === undefined ? {} : { instrId: tx.instrId }),
    ...(tx.txId === undefined ? {} : { txId: tx.txId }),
    ...(tx.remittance === undefined || tx.remittance.length === 0
      ? {}
      : { remittance: tx.remittance }),
    ...(tx.purpose === undefined ? {} : { purpose: tx.purpose }),
    ...(tx.debtor.name === undefined ? {} : { debtorName: tx.debtor.name }),
    ...(tx.creditor.name === undefined ? {} : { creditorName: tx.creditor.name }),
  };
}
