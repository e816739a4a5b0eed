import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { CLI_ACTOR } from '../domain/actor.js';
import { Hub } from '../hub/hub.js';
import { manualClock } from '../ledger/clock.js';
import { newTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { participantAccountId } from '../participants/accounts.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { tradeAnalytics } from './trade-analytics.js';

/** 2026-01-15T00:00:00Z and 2026-02-10T00:00:00Z, in nanoseconds. */
const JAN_15 = 1_768_435_200_000_000_000n;
const FEB_10 = 1_770_681_600_000_000_000n;

const directory = mkdtempSync(join(tmpdir(), 'vostro-analytics-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** A hub on the SQLite file at `path`, with the test's clock. */
async function openHub(path: string, clock = manualClock(JAN_15)): Promise<Hub> {
  const hub = new Hub(new Ledger(new SqliteStore({ path }), { clock }));
  await hub.open(['INR', 'RUB'], CLI_ACTOR);
  return hub;
}

it('a database written before the monthly flow totals existed is upgraded: the table is built once from its transfers', async () => {
  const path = join(directory, 'upgraded.db');
  const clock = manualClock(JAN_15);
  const hub = await openHub(path, clock);
  for (const [id, country] of [
    ['sbi', 'IN'],
    ['vtb', 'RU'],
  ] as const)
    await hub.participants.create(
      { id, name: id, kind: 'bank', country, currencies: ['INR', 'RUB'] },
      CLI_ACTOR,
    );
  const settlement = (bank: string): ReturnType<typeof participantAccountId> =>
    participantAccountId(bank, 'INR', 'settlement');
  for (const bank of ['sbi', 'vtb']) {
    await hub.caps.set(bank, 'INR', 1_000_000_00n, CLI_ACTOR);
    await hub.payments.fund(
      { id: newTransferId(), account: settlement(bank), amount: 1_000_000_00n, reference: 'f' },
      CLI_ACTOR,
    );
  }
  const pay = async (payer: string, payee: string, amount: bigint): Promise<void> => {
    await hub.payments.pay(
      {
        id: newTransferId(),
        payer: settlement(payer),
        payee: settlement(payee),
        amount,
        reference: 'p',
      },
      CLI_ACTOR,
    );
  };
  await pay('vtb', 'sbi', 500_00n);
  await pay('sbi', 'vtb', 120_00n);
  clock.set(FEB_10);
  await pay('vtb', 'sbi', 70_00n);
  const asked = { from: '2026-01', to: '2026-02', nowMs: Number(FEB_10 / 1_000_000n) };
  const before = await tradeAnalytics(hub, CLI_ACTOR, asked);
  const sbiBefore = await tradeAnalytics(
    hub,
    { id: 'k', role: 'participant', participant: 'sbi' },
    asked,
  );
  await hub.ledger.store.close();

  // The file as the code before the totals left it: no table, no migration 7, no "built" mark.
  const raw = new Database(path);
  raw.exec(`DROP TABLE flow_totals; DELETE FROM schema_migrations WHERE version = 8;
    DELETE FROM records WHERE collection = 'ledger_flows'`);
  raw.close();

  const upgraded = await openHub(path, manualClock(FEB_10 + 1_000_000_000n));
  try {
    const after = await tradeAnalytics(upgraded, CLI_ACTOR, asked);
    assert.deepEqual(after.months, before.months);
    assert.deepEqual(after.totals, before.totals);
    assert.deepEqual(after.months[0]?.flows, [
      { direction: 'IN-RU', currency: 'INR', count: 1, amount: '12000' },
      { direction: 'RU-IN', currency: 'INR', count: 1, amount: '50000' },
    ]);
    const sbiAfter = await tradeAnalytics(
      upgraded,
      { id: 'k', role: 'participant', participant: 'sbi' },
      asked,
    );
    assert.deepEqual(sbiAfter.months, sbiBefore.months);
    assert.equal(await upgraded.ledger.ensureFlowTotals(), false, 'built once');
  } finally {
    await upgraded.ledger.store.close();
  }
});
