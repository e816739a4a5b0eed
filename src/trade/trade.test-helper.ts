import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { generateKeyPair, type SigningKeyPair } from '../documents/signature.js';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import { manualClock, type ManualClock } from '../ledger/clock.js';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LedgerStore } from '../store/store.js';

/**
 * What the tests of src/trade share: a ledger on a fresh store (SQLite here, PostgreSQL when a
 * test passes its own opener) with a manual clock, the corridor's participants, and signing keys
 * made once per test file (ML-DSA-65 key generation costs a millisecond or two each).
 */
const directory = mkdtempSync(join(tmpdir(), 'vostro-trade-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

export type OpenStore = () => Promise<LedgerStore>;

export const openSqlite: OpenStore = () =>
  Promise.resolve(new SqliteStore({ path: join(directory, `trade-${++counter}.db`) }));

/** 2026-03-02T00:00:00Z, a Monday. */
export const START_NS = 1_772_409_600_000_000_000n;

export async function withLedger(
  open: OpenStore,
  body: (ledger: Ledger, clock: ManualClock, participants: ParticipantRegistry) => Promise<void>,
): Promise<void> {
  const store = await open();
  try {
    const clock = manualClock(START_NS);
    const ledger = new Ledger(store, { clock });
    const participants = new ParticipantRegistry(ledger);
    await seedParticipants(participants);
    await body(ledger, clock, participants);
    assert.deepEqual((await verifyLedger(store)).problems, [], 'the verifier passes');
  } finally {
    await store.close();
  }
}

/**
 * Two banks a side, an Indian exporter and a Russian importer with their banks, and both
 * countries' customs authorities.
 */
async function seedParticipants(participants: ParticipantRegistry): Promise<void> {
  const cli = CLI_ACTOR;
  await participants.ensureHub(['INR', 'RUB'], cli);
  for (const [id, name, country, currency] of [
    ['sbi', 'State Bank of India', 'IN', 'INR'],
    ['vtb', 'VTB Bank', 'RU', 'RUB'],
  ] as const)
    await participants.create({ id, name, kind: 'bank', country, currencies: [currency] }, cli);
  await participants.create(
    {
      id: 'tata',
      name: 'Tata Steel',
      kind: 'corporate',
      country: 'IN',
      bank: 'sbi',
      currencies: ['INR'],
    },
    cli,
  );
  await participants.create(
    {
      id: 'severstal',
      name: 'Severstal',
      kind: 'corporate',
      country: 'RU',
      bank: 'vtb',
      currencies: ['RUB'],
    },
    cli,
  );
  await participants.create(
    { id: 'in-customs', name: 'CBIC', kind: 'customs', country: 'IN', currencies: [] },
    cli,
  );
  await participants.create(
    {
      id: 'ru-customs',
      name: 'Federal Customs Service',
      kind: 'customs',
      country: 'RU',
      currencies: [],
    },
    cli,
  );
}

const keys = new Map<number, SigningKeyPair>();

/** The test key pair number `n`, made from a fixed seed once per file. */
export function testKey(n: number): SigningKeyPair {
  let pair = keys.get(n);
  if (pair === undefined) {
    pair = generateKeyPair(new Uint8Array(64).fill(n));
    keys.set(n, pair);
  }
  return pair;
}

export const operator: Actor = { id: 'operator', role: 'operator' };
export const auditor: Actor = { id: 'auditor', role: 'auditor' };
export function participantActor(participant: string): Actor {
  return { id: participant, role: 'participant', participant };
}

/** A HubError with this code (and field, and a message matching `message`). */
export function refusal(
  code: string,
  field?: string,
  message?: RegExp,
): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HubError, `expected a HubError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field, error.message);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  };
}

/** What a refused call must leave as it was: the ledger's counts, the audit log and the documents read back. */
export async function unchanged(store: LedgerStore): Promise<() => Promise<void>> {
  const counts = await store.counts();
  const audit = (await store.auditEntries({ limit: 10_000 })).length;
  return async () => {
    assert.deepEqual(await store.counts(), counts, 'no ledger row written');
    assert.equal((await store.auditEntries({ limit: 10_000 })).length, audit, 'no audit entry');
  };
}
