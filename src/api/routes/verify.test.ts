import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { AccountId } from '../../ledger/ids.js';
import { INR, transferInput } from '../../store/conformance/fixtures.js';
import {
  accountBody,
  createAccounts,
  openTestApi,
  transferBody,
  type TestApi,
} from '../api.test-helper.js';

/**
 * The verifier through the API on SQLite: it runs on a worker thread against a snapshot, so
 * requests and batches go on while it replays the journal. The ledger is made big enough that a
 * verification takes a while (tens of thousands of transfers); the assertions are about order
 * (what finished before what), not about durations.
 */

interface RunJson {
  id: string;
  status: 'running' | 'passed' | 'failed' | 'error';
  progress: {
    phase: string;
    journalEntries: number;
    journalEntriesTotal: number;
    accounts: number;
    accountsTotal: number;
    transfers: number;
    transfersTotal: number;
  };
  report: { ok: boolean; transfers: number; journalEntries: number; problems: string[] } | null;
  error: string | null;
}

const BATCHES = 20;
const BATCH_SIZE = 2000;

describe('verification through the API, off the event loop (SQLite)', () => {
  let api: TestApi;
  let base = '';
  let debit = '';
  let credit = '';
  const headers = (): Record<string, string> => ({
    authorization: `Bearer ${api.operatorKey}`,
    'content-type': 'application/json',
  });
  const writeBatch = async (size: number): Promise<void> => {
    const outcome = await api.ledger.createTransfers(
      Array.from({ length: size }, () =>
        transferInput({
          debitAccountId: debit as AccountId,
          creditAccountId: credit as AccountId,
          ledger: INR,
          amount: 1n,
        }),
      ),
    );
    assert.ok(outcome.ok && outcome.results.every((result) => result === 'ok'));
  };
  const run = async (id: string): Promise<RunJson> => {
    const response = await api.call({ method: 'GET', url: `/v1/verify/runs/${id}` });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<RunJson>();
  };
  const startRun = async (): Promise<RunJson> => {
    const response = await api.call({ method: 'POST', url: '/v1/verify/runs' });
    assert.equal(response.statusCode, 202, response.body);
    const started = response.json<RunJson>();
    assert.equal(response.headers['location'], `/v1/verify/runs/${started.id}`);
    return started;
  };
  const finished = async (id: string): Promise<RunJson> => {
    for (;;) {
      const current = await run(id);
      if (current.status !== 'running') return current;
      await sleep(20);
    }
  };
  /** /healthz and one transfer over real HTTP; the order in which they were answered. */
  const healthAndTransfer = (answered: string[]): Promise<unknown> =>
    Promise.all([
      fetch(`${base}/healthz`).then((response) => {
        assert.equal(response.status, 200);
        answered.push('healthz');
      }),
      fetch(`${base}/v1/transfers`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify(transferBody(debit, credit)),
      }).then((response) => {
        assert.equal(response.status, 201);
        answered.push('transfer');
      }),
    ]);

  before(async () => {
    api = await openTestApi({ verifyIntervalMs: 0, rateLimitPerSecond: 0 });
    [debit, credit] = (await createAccounts(api, accountBody(), accountBody())) as [string, string];
    for (let batch = 0; batch < BATCHES; batch += 1) await writeBatch(BATCH_SIZE);
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => api.close());

  it('GET /v1/verify: /healthz and a transfer sent once the server has the request are answered before the report', async () => {
    const answered: string[] = [];
    // Sent from the server's own 'request' event for /v1/verify, which fires as the verification begins.
    const sideRequests = new Promise<unknown>((resolve) => {
      const listener = (request: IncomingMessage): void => {
        if (request.url !== '/v1/verify') return;
        api.app.server.off('request', listener);
        resolve(healthAndTransfer(answered));
      };
      api.app.server.on('request', listener);
    });
    const verify = fetch(`${base}/v1/verify`, { headers: headers() }).then(async (response) => {
      answered.push('verify');
      assert.equal(response.status, 200);
      return (await response.json()) as { ok: boolean; transfers: number };
    });
    const [report] = await Promise.all([verify, sideRequests]);
    assert.equal(report.ok, true);
    assert.equal(
      answered.at(-1),
      'verify',
      `answered in the order ${answered.join(', ')}: the verification held up the others`,
    );
  });

  it('POST /v1/verify/runs: progress part-way through the journal; /healthz and a transfer answered while it still runs; totals at the end', async () => {
    const started = await startRun();
    assert.equal(started.status, 'running');
    const seen: RunJson['progress'][] = [started.progress];
    let current = started;
    while (
      current.status === 'running' &&
      !(current.progress.phase === 'journal' && current.progress.journalEntries > 0)
    ) {
      await sleep(10);
      current = await run(started.id);
      seen.push(current.progress);
    }
    assert.equal(
      current.status,
      'running',
      'the verification ended before it was seen part-way through the journal',
    );
    const answered: string[] = [];
    await healthAndTransfer(answered);
    assert.equal(
      (await run(started.id)).status,
      'running',
      'answered only after the verification ended',
    );
    assert.deepEqual(new Set(answered), new Set(['healthz', 'transfer']));

    for (
      current = await run(started.id);
      current.status === 'running';
      current = await run(started.id)
    ) {
      seen.push(current.progress);
      await sleep(20);
    }
    seen.push(current.progress);
    assert.equal(current.status, 'passed', JSON.stringify(current));
    const { progress, report } = current;
    assert.equal(progress.phase, 'done');
    assert.equal(progress.journalEntries, progress.journalEntriesTotal);
    assert.equal(progress.transfers, progress.transfersTotal);
    assert.equal(progress.accounts, progress.accountsTotal);
    assert.ok(progress.transfersTotal >= BATCHES * BATCH_SIZE);
    assert.equal(report?.transfers, progress.transfersTotal);
    assert.equal(report.journalEntries, progress.journalEntriesTotal);
    const entries = seen.map((step) => step.journalEntries);
    assert.deepEqual(
      entries,
      [...entries].sort((x, y) => x - y),
      'progress never goes back',
    );
    assert.ok(
      seen.some(
        (step) =>
          step.phase === 'journal' &&
          step.journalEntries > 0 &&
          step.journalEntries < step.journalEntriesTotal,
      ),
      'seen part-way',
    );
  });

  it('batches written while a run reads show up as no problem: it verifies the snapshot it began with', async () => {
    const before = (await api.store.counts()).transfers;
    const started = await startRun();
    let writtenWhileRunning = 0;
    while ((await run(started.id)).status === 'running') {
      await writeBatch(500);
      writtenWhileRunning += 1;
    }
    const done = await run(started.id);
    assert.ok(writtenWhileRunning > 0);
    assert.equal(done.status, 'passed', JSON.stringify(done.report?.problems));
    assert.ok((done.report?.transfers ?? 0) >= before, 'everything committed before the run began');
    assert.ok(
      (done.report?.transfers ?? 0) < (await api.store.counts()).transfers,
      'but not what came after',
    );
  });

  it('the verifier on its thread still finds tampering: a transfer changed in the file', async () => {
    const path = api.store.snapshotSource();
    assert.equal(path.kind, 'sqlite');
    // Tampering as an intruder would: straight into the file, past vostro and its triggers.
    const intruder = new Database(path.path);
    try {
      intruder.exec('DROP TRIGGER transfers_no_update');
      intruder
        .prepare(
          'UPDATE transfers SET amount = amount + 1 WHERE timestamp = (SELECT min(timestamp) FROM transfers)',
        )
        .run();
    } finally {
      intruder.close();
    }
    const done = await finished((await startRun()).id);
    assert.equal(done.status, 'failed');
    assert.equal(done.report?.ok, false);
    assert.ok(
      done.report.problems.some((problem) =>
        /journal entry \d+: hash mismatch, its transfers were changed/.test(problem),
      ),
      JSON.stringify(done.report.problems),
    );
  });
});

describe('verification runs through the API: one at a time, a pause between runs', () => {
  let api: TestApi;
  before(async () => {
    // The default limits: a verification may start 30 s after the last one finished.
    api = await openTestApi({ rateLimitPerSecond: 0 });
    await createAccounts(api, accountBody(), accountBody());
  });
  after(async () => api.close());

  it('callers share the running run; once it has finished a new one is refused with 429 and Retry-After until the interval has passed', async () => {
    const auditor = await api.issueKey('auditor');
    const [first, second] = await Promise.all([
      api.call({ method: 'POST', url: '/v1/verify/runs' }),
      api.call({ method: 'POST', url: '/v1/verify/runs', key: auditor }),
    ]);
    assert.equal(first.statusCode, 202);
    assert.equal(second.statusCode, 202);
    const id = first.json()['id'] as string;
    assert.equal(second.json()['id'], id, 'the second caller got the run already running');
    assert.equal(first.json()['startedBy']['role'], 'operator');
    const waiting = await api.call({ method: 'GET', url: '/v1/verify', key: auditor });
    assert.equal(
      waiting.statusCode,
      200,
      'GET /v1/verify joins the running run and waits for its report',
    );
    assert.equal(waiting.json()['ok'], true);
    const list = (await api.call({ method: 'GET', url: '/v1/verify/runs' })).json();
    assert.deepEqual(
      list['data'].map((kept: { id: string }) => kept.id),
      [id],
      'one run for the three callers',
    );
    assert.equal(list['data'][0]['status'], 'passed');

    for (const request of [
      { method: 'POST' as const, url: '/v1/verify/runs' },
      { method: 'GET' as const, url: '/v1/verify' },
    ]) {
      const refused = await api.call({ ...request, key: auditor });
      assert.equal(refused.statusCode, 429, `${request.method} ${request.url}`);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(refused.json()['code'], 'verification_too_soon');
      assert.match(refused.json()['detail'], new RegExp(`/v1/verify/runs/${id}`));
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
    }
    assert.equal(
      (await api.call({ method: 'GET', url: '/v1/verify/runs' })).json()['data'].length,
      1,
      'nothing started',
    );
  });

  it('an unknown run is 404; a malformed run id is 400 naming the path parameter', async () => {
    const unknown = await api.call({
      method: 'GET',
      url: '/v1/verify/runs/0193a1f0-0000-7000-8000-000000000000',
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json()['code'], 'verification_run_not_found');
    const malformed = await api.call({ method: 'GET', url: '/v1/verify/runs/latest' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json()['errors'][0]['field'], 'path.id');
  });
});

describe('verification runs when the server closes', () => {
  it('a running verification is stopped as closing begins: a caller waiting for its report gets 503', async () => {
    const api = await openTestApi({ rateLimitPerSecond: 0 });
    try {
      const waiting = api.call({ method: 'GET', url: '/v1/verify' });
      let runs: { status: string }[] = [];
      while (runs.length === 0)
        runs = (await api.call({ method: 'GET', url: '/v1/verify/runs' })).json()['data'];
      assert.equal(runs[0]?.status, 'running');
      await api.app.close();
      const answer = await waiting;
      assert.equal(answer.statusCode, 503);
      assert.equal(answer.json()['code'], 'verification_not_run');
      assert.match(answer.json()['detail'], /stopped/);
    } finally {
      await api.close();
    }
  });
});
