import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { newTransferId, type AccountId } from '../ledger/ids.js';
import type { Clock } from '../ledger/clock.js';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { participantAccountId } from '../participants/accounts.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LedgerStore } from '../store/store.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import { Hub } from './hub.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-hub-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

/** A hub on a fresh SQLite file with two Indian banks, two Russian banks and an FX provider, prefunded. */
export async function withHub(
  body: (hub: Hub) => Promise<void>,
  options: { store?: () => Promise<LedgerStore>; clock?: Clock } = {},
): Promise<void> {
  const store =
    options.store === undefined
      ? new SqliteStore({ path: join(directory, `hub-${++counter}.db`) })
      : await options.store();
  try {
    const hub = new Hub(
      new Ledger(store, options.clock === undefined ? {} : { clock: options.clock }),
    );
    await seed(hub);
    await body(hub);
    assert.deepEqual((await verifyLedger(store)).problems, [], 'the verifier passes');
  } finally {
    await store.close();
  }
}

export const account = (
  participant: string,
  currency: string,
  role: Parameters<typeof participantAccountId>[2] = 'settlement',
  heldAt?: string,
): AccountId => participantAccountId(participant, currency, role, heldAt);

async function seed(hub: Hub): Promise<void> {
  const cli = CLI_ACTOR;
  await hub.open(['INR', 'RUB'], cli);
  await hub.participants.create(
    { id: 'sbi', name: 'State Bank of India', kind: 'bank', country: 'IN', currencies: ['INR'] },
    cli,
  );
  await hub.participants.create(
    { id: 'bob', name: 'Bank of Baroda', kind: 'bank', country: 'IN', currencies: ['INR'] },
    cli,
  );
  await hub.participants.create(
    { id: 'vtb', name: 'VTB Bank', kind: 'bank', country: 'RU', currencies: ['RUB'] },
    cli,
  );
  await hub.participants.create(
    { id: 'sber', name: 'Sberbank', kind: 'bank', country: 'RU', currencies: ['RUB'] },
    cli,
  );
  await hub.participants.create(
    {
      id: 'fx',
      name: 'IndoRus FX',
      kind: 'fx_provider',
      country: 'IN',
      currencies: ['INR', 'RUB'],
    },
    cli,
  );
  await hub.participants.openAccount('vtb', 'vostro', 'INR', 'sbi', cli);
  for (const [participant, currency] of [
    ['sbi', 'INR'],
    ['bob', 'INR'],
    ['vtb', 'RUB'],
    ['sber', 'RUB'],
    ['fx', 'INR'],
    ['fx', 'RUB'],
  ] as const) {
    await hub.payments.fund(
      {
        id: newTransferId(),
        account: account(participant, currency),
        amount: 1_000_000_00n,
        reference: 'prefunding',
      },
      cli,
    );
  }
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: account('fx', 'INR', 'fx_liquidity'),
      amount: 10_000_000_00n,
      reference: 'liquidity',
    },
    cli,
  );
  await hub.payments.fund(
    {
      id: newTransferId(),
      account: account('fx', 'RUB', 'fx_liquidity'),
      amount: 10_000_000_00n,
      reference: 'liquidity',
    },
    cli,
  );
}

export function refusal(code: string, field?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HubError, `expected a HubError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  };
}
