/**
 * Transfer events: the ledger writes one to the events outbox (../store/events.ts) for every
 * transfer a batch stores, in the batch's own transaction, whoever wrote it (payments, FX,
 * settlement, raw transfers, the ledger's expiry sweep). So a participant's feed has every
 * movement on its accounts exactly when it committed, and no service can forget one.
 *
 * The mirror leg of an interbank payment (between two net-debit-cap accounts) is left out: it is
 * how the hub enforces caps, not money moving, and its payment already has an event.
 */
import { currencyByLedger } from './currency.js';
import { TransferFlags } from './flags.js';
import { ZERO_ID, type AccountId } from './ids.js';
import { AccountKind, type Account, type StoredTransfer } from './model.js';
import type {
  EventInput,
  TransferEvents,
  TransferEventType,
  WriteTransaction,
} from '../store/store.js';

/**
 * Extra parties of a batch's transfer events. Given each owner of an account with an event once,
 * and each such account kept by another bank (vostro and nostro accounts), it answers, per owner
 * id and per account id, the participants who also see those events (a corporate's bank; the bank
 * that keeps a vostro account). Runs inside the batch's transaction, once per batch that has
 * events; it must only read through `tx` (a read through the store would wait for this batch).
 */
export type EventPartiesHook = (
  tx: WriteTransaction,
  owners: readonly string[],
  keptAccounts: readonly Account[],
) => Promise<ReadonlyMap<string, readonly string[]>>;

/** The hub's own participant id: never asked about (operator and auditor see every event anyway). */
const HUB = 'hub';

export function transferEventType(transfer: StoredTransfer): TransferEventType {
  const { flags } = transfer;
  if ((flags & TransferFlags.expired) !== 0) return 'transfer.expired';
  if ((flags & TransferFlags.postPending) !== 0) return 'transfer.posted';
  if ((flags & TransferFlags.voidPending) !== 0) return 'transfer.voided';
  return 'transfer.created';
}

/** True for the mirror leg of an interbank payment: both accounts are net-debit-cap accounts. */
function isCapLeg(debit: Account, credit: Account): boolean {
  return debit.code === AccountKind.netDebitCap && credit.code === AccountKind.netDebitCap;
}

function requireAccount(accounts: ReadonlyMap<AccountId, Account>, id: AccountId): Account {
  const account = accounts.get(id);
  if (account === undefined)
    throw new Error(`bug: the account ${id} of a stored transfer was not loaded`);
  return account;
}

function isKept(account: Account): boolean {
  return account.code === AccountKind.vostro || account.code === AccountKind.nostro;
}

/**
 * What the hook is asked about: every owner of an account with an event, once (the hub's own
 * accounts aside), and every vostro or nostro account with an event, once.
 */
export function eventOwners(
  transfers: readonly StoredTransfer[],
  accounts: ReadonlyMap<AccountId, Account>,
): { owners: string[]; keptAccounts: Account[] } {
  const owners = new Set<string>();
  const kept = new Set<Account>();
  for (const transfer of transfers) {
    const debit = requireAccount(accounts, transfer.debitAccountId);
    const credit = requireAccount(accounts, transfer.creditAccountId);
    if (isCapLeg(debit, credit)) continue;
    owners.add(debit.owner);
    owners.add(credit.owner);
    if (isKept(debit)) kept.add(debit);
    if (isKept(credit)) kept.add(credit);
  }
  owners.delete(HUB);
  return { owners: [...owners], keptAccounts: [...kept] };
}

/**
 * The events of a batch's transfers: one per transfer but cap legs, as TransferEvents (a type
 * code and two sides per transfer). `extraParties` maps an owner or an account id to the
 * participants who also see its events (from the EventPartiesHook).
 */
export function transferEvents(
  transfers: readonly StoredTransfer[],
  accounts: ReadonlyMap<AccountId, Account>,
  extraParties: ReadonlyMap<string, readonly string[]> = new Map(),
): TransferEvents {
  const types = new Uint8Array(transfers.length);
  const debitSides = new Uint16Array(transfers.length);
  const creditSides = new Uint16Array(transfers.length);
  const sides: (readonly string[])[] = [];
  // One side per owner, or per account when the account has parties of its own (a vostro
  // account's keeper): a batch has a few hundred at most, however many transfers it holds.
  const sideIndexes = new Map<string, number>();
  const sideOf = (account: Account): number => {
    const own = extraParties.get(account.id);
    const key = own === undefined ? account.owner : account.id;
    let index = sideIndexes.get(key);
    if (index === undefined) {
      const parties = new Set<string>([account.owner]);
      for (const party of extraParties.get(account.owner) ?? []) parties.add(party);
      for (const party of own ?? []) parties.add(party);
      index = sides.push([...parties]) - 1;
      if (index > 0xffff) throw new Error('bug: more sides in one batch than transfers');
      sideIndexes.set(key, index);
    }
    return index;
  };
  transfers.forEach((transfer, index) => {
    const debit = requireAccount(accounts, transfer.debitAccountId);
    const credit = requireAccount(accounts, transfer.creditAccountId);
    if (isCapLeg(debit, credit)) return;
    types[index] = TRANSFER_EVENT_CODES[transferEventType(transfer)];
    debitSides[index] = sideOf(debit);
    creditSides[index] = sideOf(credit);
  });
  return { transfers, types, debitSides, creditSides, sides };
}

/** The code of each transfer event type in TransferEvents.types: 1 + its index in TRANSFER_EVENT_TYPES. */
const TRANSFER_EVENT_CODES: Readonly<Record<TransferEventType, number>> = {
  'transfer.created': 1,
  'transfer.posted': 2,
  'transfer.voided': 3,
  'transfer.expired': 4,
};

/** What a transfer event's body is made of: the transfer's own columns. */
export interface TransferEventSource {
  readonly id: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly pendingId: string;
  readonly ledger: number;
  readonly code: number;
  readonly flags: number;
  readonly reference: string;
  readonly timestamp: bigint;
}

/**
 * A transfer event's body. Stores call it when they read the event back, with the transfer row
 * and the owners of its two accounts (all of them immutable), so the body is the same whenever it
 * is read; see TransferEventInput in ../store/events.ts.
 */
export function transferEventData(
  transfer: TransferEventSource,
  type: string,
  debitOwner: string,
  creditOwner: string,
): EventInput['data'] {
  const data: EventInput['data'] = {
    id: transfer.id,
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: transfer.amount.toString(),
  };
  // Every ledger the rules accept is a currency's (`ledger_not_supported` otherwise).
  data.currency = currencyByLedger(transfer.ledger)?.code ?? `ledger ${transfer.ledger}`;
  data.ledger = transfer.ledger;
  data.code = transfer.code;
  data.flags = transfer.flags;
  if (type === 'transfer.created') data.pending = (transfer.flags & TransferFlags.pending) !== 0;
  if (transfer.pendingId !== ZERO_ID) data.pendingId = transfer.pendingId;
  data.reference = transfer.reference;
  data.timestamp = transfer.timestamp.toString();
  data.debitOwner = debitOwner;
  data.creditOwner = creditOwner;
  return data;
}

/** Writes the events of a batch's stored transfers into its transaction (see Ledger.persistTransfers). */
export async function appendTransferEvents(
  transaction: WriteTransaction,
  transfers: readonly StoredTransfer[],
  accounts: ReadonlyMap<AccountId, Account>,
  hook: EventPartiesHook | undefined,
): Promise<void> {
  let extra: ReadonlyMap<string, readonly string[]> | undefined;
  if (hook !== undefined) {
    const { owners, keptAccounts } = eventOwners(transfers, accounts);
    if (owners.length > 0) extra = await hook(transaction, owners, keptAccounts);
  }
  const events = transferEvents(transfers, accounts, extra);
  if (events.sides.length > 0) await transaction.appendTransferEvents(events);
}
