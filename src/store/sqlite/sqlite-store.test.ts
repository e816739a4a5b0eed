import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { contentionCases, POISON } from '../conformance/contention.cases.js';
import { crashCases } from '../conformance/crash.cases.js';
import { eventCases } from '../conformance/events.cases.js';
import { flowCases } from '../conformance/flows.cases.js';
import { modelCases } from '../conformance/model.cases.js';
import { recordCases } from '../conformance/records.cases.js';
import { resultCodeCases } from '../conformance/result-codes.cases.js';
import { searchCases } from '../conformance/search.cases.js';
import { tallyCases } from '../conformance/tallies.cases.js';
import { textCases } from '../conformance/text.cases.js';
import { tradeCases } from '../conformance/trade.cases.js';
import type { StoreFactory } from '../conformance/fixtures.js';
import type { LedgerStore } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-sqlite-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

/** Real SQLite files (WAL needs a file, and so does the background checkpointer). */
export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  open: async () => new SqliteStore({ path: join(directory, `ledger-${++counter}.db`) }),
};

resultCodeCases(sqliteFactory);
modelCases(sqliteFactory);
recordCases(sqliteFactory);
searchCases(sqliteFactory);
tallyCases(sqliteFactory);
flowCases(sqliteFactory);
const poison = async (store: LedgerStore): Promise<void> => {
  // A second connection adds the rule; the store's writer sees another connection wrote and starts over.
  const db = new Database(store.description.replace(/^sqlite:/, ''));
  db.exec(
    `CREATE TRIGGER poison BEFORE INSERT ON transfers WHEN NEW.reference = '${POISON}' BEGIN SELECT RAISE(ABORT, 'poisoned reference'); END`,
  );
  db.close();
};
contentionCases(sqliteFactory, poison);
eventCases(sqliteFactory, poison);
textCases(sqliteFactory);
tradeCases(sqliteFactory);
it('events are append-only (sqlite triggers)', async () => {
  const store = await sqliteFactory.open();
  const path = store.description.replace(/^sqlite:/, '');
  try {
    await store.write((transaction) =>
      transaction.appendEvents([
        { type: 'test.kept', subject: 's', participants: ['sbi'], data: {}, at: 1n },
      ]),
    );
  } finally {
    await store.close();
  }
  const db = new Database(path);
  try {
    assert.throws(() => db.exec("UPDATE events SET type = 'x'"), /events are append-only/);
    assert.throws(() => db.exec('DELETE FROM events'), /events are append-only/);
    assert.throws(() => db.exec("UPDATE event_parties SET participant = 'x'"), /append-only/);
    assert.throws(() => db.exec('DELETE FROM event_parties'), /events are append-only/);
    assert.equal(db.prepare('SELECT count(*) FROM event_parties').pluck().get(), 1);
  } finally {
    db.close();
  }
});

const crashFile = join(directory, 'crash.db');
crashCases('sqlite', () => crashFile);
