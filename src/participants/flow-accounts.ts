/**
 * The countries and parties of accounts for the ledger's monthly flow totals (the ledger's
 * FlowAccountsHook, src/ledger/flows.ts), from the participants' documents, as the analytics count
 * them (src/reports/trade-analytics.ts): an account's country is its owner's, and the participants
 * who see its payments are those whose visible accounts hold it — the owner, for an account its
 * document lists; a corporate's bank; the bank that keeps a vostro or nostro account. All of it is
 * fixed once the account is in its owner's document (a participant's country and a corporate's
 * bank cannot change; the keeping bank is part of the account's id), so what this process has seen
 * is kept; the rest is read through the batch's own transaction.
 */
import type { FlowAccount, FlowAccountsHook } from '../ledger/flows.js';
import type { AccountId } from '../ledger/ids.js';
import type { WriteTransaction } from '../store/store.js';

/** What the hook needs of a participant's document. */
export interface FlowRecord {
  readonly id: string;
  readonly kind: string;
  readonly country: string;
  readonly bank?: string;
  readonly accounts: readonly { readonly id: string; readonly heldAt?: string }[];
}

export interface FlowSource {
  /** A participant this process has seen, or undefined. */
  known(id: string): FlowRecord | undefined;
  /** Participants' documents read through the transaction, those of `ids` that exist. */
  read(tx: WriteTransaction, ids: readonly string[]): Promise<ReadonlyMap<string, FlowRecord>>;
}

/** How long an account found in no participant's document is not asked about again (raw ledger accounts). */
const UNLISTED_MS = 5_000;

/** An account as its owner's document says; undefined when the document does not list it. */
function listed(record: FlowRecord, id: AccountId): FlowAccount | undefined {
  const account = record.accounts.find((held) => held.id === id);
  if (account === undefined) return undefined;
  const parties = [record.id];
  if (record.kind === 'corporate' && record.bank !== undefined) parties.push(record.bank);
  if (account.heldAt !== undefined) parties.push(account.heldAt);
  return { country: record.country, parties };
}

export function flowAccountsHook(source: FlowSource): FlowAccountsHook {
  const seen = new Map<AccountId, FlowAccount>();
  /** Accounts no document lists, until when they are not asked about again, and their country. */
  const unlisted = new Map<AccountId, { until: number; country: string }>();
  return async (tx, accounts) => {
    const now = Date.now();
    const answer = new Map<AccountId, FlowAccount>();
    const missing: { id: AccountId; owner: string }[] = [];
    for (const account of accounts) {
      const found = seen.get(account.id);
      if (found !== undefined) {
        answer.set(account.id, found);
        continue;
      }
      const known = source.known(account.owner);
      const fromKnown = known === undefined ? undefined : listed(known, account.id);
      if (fromKnown !== undefined) {
        seen.set(account.id, fromKnown);
        answer.set(account.id, fromKnown);
        continue;
      }
      const skipped = unlisted.get(account.id);
      if (skipped !== undefined && skipped.until > now)
        answer.set(account.id, { country: skipped.country, parties: [] });
      else missing.push({ id: account.id, owner: account.owner });
    }
    if (missing.length > 0) {
      const records = await source.read(tx, [...new Set(missing.map((entry) => entry.owner))]);
      for (const { id, owner } of missing) {
        const record = records.get(owner);
        const found = record === undefined ? undefined : listed(record, id);
        if (found !== undefined) {
          seen.set(id, found);
          answer.set(id, found);
        } else {
          const country = record?.country ?? '';
          unlisted.set(id, { until: now + UNLISTED_MS, country });
          answer.set(id, { country, parties: [] });
        }
      }
    }
    return answer;
  };
}
