import assert from 'node:assert/strict';
import { newTransferId, type AccountId } from '../ledger/ids.js';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import type { Hub } from '../hub/hub.js';
import { account, withHub } from '../hub/hub.test-helper.js';
import type { LedgerStore } from '../store/store.js';
import type { Clock } from '../ledger/clock.js';
import { ISO_MESSAGES, ISO_PAYMENTS, type IsoMessageRecord } from './records.js';

/**
 * A hub for the ISO 20022 service's tests: the hub test helper's banks with BICs, two corporates
 * (Tata at SBI, Infosys at Bank of Baroda) whose accounts answer to registered identifiers, and
 * rupee caps, so that customer and interbank payments both go through.
 */
export const BIC = {
  sbi: 'SBININBB',
  bob: 'BARBINBB',
  vtb: 'VTBRRUMM',
  sber: 'SABRRUMM',
  hub: 'VOSTINBB',
} as const;

export const TATA_ACCOUNT = { other: 'TATA-0001' } as const;
export const INFY_IBAN = 'GB82WEST12345698765432';
export const INFY_ACCOUNT = { iban: INFY_IBAN } as const;

export const tata = (): AccountId => account('tata', 'INR', 'customer');
export const infy = (): AccountId => account('infy', 'INR', 'customer');

export const participantKey = (participant: string): Actor => ({
  id: participant,
  role: 'participant',
  participant,
  keyId: `key-${participant}`,
});

export async function withIsoHub(
  body: (hub: Hub) => Promise<void>,
  options: { store?: () => Promise<LedgerStore>; clock?: Clock } = {},
): Promise<void> {
  await withHub(async (hub) => {
    const cli = CLI_ACTOR;
    for (const [participant, bic] of Object.entries(BIC))
      await hub.participants.setBic(participant, bic, cli);
    await hub.participants.create(
      {
        id: 'tata',
        name: 'Tata Exports',
        kind: 'corporate',
        country: 'IN',
        bank: 'sbi',
        currencies: ['INR'],
      },
      cli,
    );
    await hub.participants.create(
      {
        id: 'infy',
        name: 'Infosys',
        kind: 'corporate',
        country: 'IN',
        bank: 'bob',
        currencies: ['INR'],
      },
      cli,
    );
    await hub.participants.addAccountIdentifier(tata(), TATA_ACCOUNT, cli);
    await hub.participants.addAccountIdentifier(infy(), INFY_ACCOUNT, cli);
    await hub.payments.fund(
      { id: newTransferId(), account: tata(), amount: 100_000_00n, reference: 'deposit' },
      cli,
    );
    for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 500_000_00n, cli);
    await body(hub);
  }, options);
}

export async function balance(hub: Hub, id: AccountId): Promise<bigint> {
  const [found] = await hub.ledger.lookupAccounts([id]);
  assert.ok(found !== undefined, `account ${id}`);
  return found.creditsPosted - found.debitsPosted;
}

/** Everything a refused message must leave as it was. */
export async function written(store: LedgerStore) {
  return {
    counts: await store.counts(),
    audit: (await store.auditEntries({ limit: 100_000 })).length,
    messages: (await store.listRecords({ collection: ISO_MESSAGES, limit: 100_000 })).length,
    payments: (await store.listRecords({ collection: ISO_PAYMENTS, limit: 100_000 })).length,
    events: await store.lastEventSeq(),
  };
}

export async function storedMessage(store: LedgerStore, id: string): Promise<IsoMessageRecord> {
  const found = (await store.getRecords(ISO_MESSAGES, [id])).get(id);
  assert.ok(found !== undefined, `message ${id} is stored`);
  return found.value as unknown as IsoMessageRecord;
}

/** The reason codes of a stored message's transactions, in order ('' for accepted ones). */
export async function reasons(store: LedgerStore, id: string): Promise<string[]> {
  return (await storedMessage(store, id)).transactions.map((tx) => tx.reason ?? '');
}
