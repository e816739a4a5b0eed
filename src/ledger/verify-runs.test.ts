import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LedgerFixture, transferInput } from '../store/conformance/fixtures.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { VERIFY_PHASES, type VerifyProgress } from './verify.js';
import {
  VerifyRuns,
  VerifyRunsClosedError,
  VerifyTooSoonError,
  verifyInWorker,
} from './verify-runs.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-verify-runs-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const runner = { actor: 'auditor', role: 'auditor' };

describe('verifications on a worker thread', () => {
  const path = join(directory, 'runs.db');
  let store: SqliteStore;
  before(async () => {
    store = new SqliteStore({ path });
    const fixture = new LedgerFixture(store);
    const [a, b] = await fixture.openAccounts({}, {});
    for (let index = 0; index < 5; index += 1)
      await fixture.transfers(
        Array.from({ length: 20 }, () => transferInput({ debitAccountId: a, creditAccountId: b })),
      );
  });
  after(async () => store.close());

  it('reports progress phase by phase, ending with everything replayed', async () => {
    const seen: VerifyProgress[] = [];
    const report = await verifyInWorker(store.snapshotSource(), {
      onProgress: (progress) => seen.push(progress),
      progressIntervalMs: 0,
    }).report;
    assert.equal(report.ok, true);
    const phases = [...new Set(seen.map((progress) => progress.phase))];
    assert.deepEqual(phases, VERIFY_PHASES, 'every phase, in order');
    const last = seen.at(-1) as VerifyProgress;
    assert.deepEqual(last, {
      phase: 'done',
      journalEntries: 6,
      journalEntriesTotal: 6,
      accounts: 2,
      accountsTotal: 2,
      transfers: 100,
      transfersTotal: 100,
    });
    const entries = seen.map((progress) => progress.journalEntries);
    assert.deepEqual(
      entries,
      [...entries].sort((x, y) => x - y),
      'never goes back',
    );
    assert.ok(
      entries.some((count) => count > 0 && count < 6),
      'shows the journal part-way',
    );
  });

  it('one run at a time: asking while one runs gives that one', async () => {
    const runs = new VerifyRuns(() => store.snapshotSource(), { minIntervalMs: 0 });
    const first = runs.start(runner);
    const second = runs.start({ actor: 'operator', role: 'operator' });
    assert.equal(first.started, true);
    assert.equal(second.started, false);
    assert.equal(second.run.id, first.run.id);
    assert.equal(second.run.startedBy.actor, 'auditor', 'started by the first caller');
    const finished = await runs.finished(first.run.id);
    assert.equal(finished.status, 'passed');
    assert.equal(finished.report?.transfers, 100);
    assert.equal(
      runs.start(runner).started,
      true,
      'with no pause configured, the next may start at once',
    );
    await runs.close();
  });

  it('after a run, the next starts only once the minimum interval has passed', async () => {
    let now = 1_000_000;
    const runs = new VerifyRuns(() => store.snapshotSource(), {
      minIntervalMs: 30_000,
      nowMs: () => now,
    });
    const { run } = runs.start(runner);
    now += 5_000; // still running: shared, never refused
    assert.equal(runs.start(runner).run.id, run.id);
    const finished = await runs.finished(run.id);
    assert.equal(finished.finishedAt, now);
    now += 10_000;
    assert.throws(
      () => runs.start(runner),
      (error: unknown) =>
        error instanceof VerifyTooSoonError &&
        error.retryAfterMs === 20_000 &&
        error.latest.id === run.id,
    );
    now += 19_999;
    assert.throws(
      () => runs.start(runner),
      (error: unknown) => error instanceof VerifyTooSoonError && error.retryAfterMs === 1,
    );
    now += 1;
    const next = runs.start(runner);
    assert.equal(next.started, true);
    assert.notEqual(next.run.id, run.id);
    await runs.finished(next.run.id);
    assert.deepEqual(
      runs.list().map((kept) => kept.id),
      [next.run.id, run.id],
      'newest first',
    );
    await runs.close();
  });

  it('a run that could not be carried out says why, and does not hold back the next', async () => {
    let missing = true;
    const runs = new VerifyRuns(
      () =>
        missing ? { kind: 'sqlite', path: join(directory, 'no-such.db') } : store.snapshotSource(),
      { minIntervalMs: 60_000 },
    );
    const failed = await runs.finished(runs.start(runner).run.id);
    assert.equal(failed.status, 'error');
    assert.match(failed.error ?? '', /unable to open database file/);
    assert.equal(failed.report, undefined);
    missing = false;
    const next = runs.start(runner);
    assert.equal(next.started, true);
    assert.equal((await runs.finished(next.run.id)).status, 'passed');
    await runs.close();
  });

  it('close stops a running verification and refuses new ones', async () => {
    const runs = new VerifyRuns(() => store.snapshotSource(), { minIntervalMs: 0 });
    const { run } = runs.start(runner);
    await runs.close();
    const stopped = runs.get(run.id);
    assert.ok(stopped !== undefined, 'the run is kept');
    assert.equal(stopped.status, 'error');
    assert.match(stopped.error ?? '', /stopped/);
    assert.throws(() => runs.start(runner), VerifyRunsClosedError);
  });
});
