/**
 * Who besides an account's owner sees the transfer events on it (the ledger's EventPartiesHook,
 * src/ledger/events.ts): a corporate's bank sees its customer's events, and the bank that keeps a
 * vostro or nostro account sees the events on that account. Both facts are fixed when the
 * participant or account is opened (a corporate's bank cannot change; the keeping bank is part of
 * the account's id), so what this process has seen is never stale; what it has not seen yet is
 * read through the batch's own transaction (a read through the store would wait behind it).
 */
import type { EventPartiesHook } from '../ledger/events.js';
import type { AccountId } from '../ledger/ids.js';
import type { WriteTransaction } from '../store/store.js';

/** What the hook needs of a participant's document. */
export interface PartyRecord {
  readonly kind: string;
  readonly bank?: string;
  readonly accounts: readonly { readonly id: string; readonly heldAt?: string }[];
}

export interface PartySource {
  /** A participant this process has seen, or undefined. */
  known(id: string): PartyRecord | undefined;
  /** The bank that keeps a vostro or nostro account this process has seen, or undefined. */
  keeper(accountId: AccountId): string | undefined;
  /** Participants' documents read through the transaction, those of `ids` that exist. */
  read(tx: WriteTransaction, ids: readonly string[]): Promise<ReadonlyMap<string, PartyRecord>>;
}

/** How long an owner found to be no participant is not asked about again (raw ledger accounts). */
const NOT_A_PARTICIPANT_MS = 5_000;

export function eventPartiesHook(source: PartySource): EventPartiesHook {
  const notParticipants = new Map<string, number>();
  return async (tx, owners, keptAccounts) => {
    const now = Date.now();
    const records = new Map<string, PartyRecord>();
    const unknown: string[] = [];
    for (const owner of owners) {
      const record = source.known(owner);
      if (record !== undefined) records.set(owner, record);
      else if ((notParticipants.get(owner) ?? 0) <= now) unknown.push(owner);
    }
    const keptBy = new Map<AccountId, string | undefined>();
    for (const account of keptAccounts) {
      const keeper = source.keeper(account.id);
      keptBy.set(account.id, keeper);
      if (keeper === undefined && !records.has(account.owner) && !unknown.includes(account.owner))
        unknown.push(account.owner);
    }
    if (unknown.length > 0) {
      const read = await source.read(tx, unknown);
      for (const owner of unknown) {
        const record = read.get(owner);
        if (record === undefined) notParticipants.set(owner, now + NOT_A_PARTICIPANT_MS);
        else records.set(owner, record);
      }
    }
    const extra = new Map<string, readonly string[]>();
    for (const [owner, record] of records)
      if (record.kind === 'corporate' && record.bank !== undefined) extra.set(owner, [record.bank]);
    for (const account of keptAccounts) {
      const keeper =
        keptBy.get(account.id) ??
        records.get(account.owner)?.accounts.find((held) => held.id === account.id)?.heldAt;
      if (keeper !== undefined) extra.set(account.id, [keeper]);
    }
    return extra;
  };
}
