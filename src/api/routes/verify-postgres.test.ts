import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { ApiKeys } from '../../access/api-keys.js';
import { CLI_ACTOR } from '../../domain/actor.js';
import type { AccountId } from '../../ledger/ids.js';
import { Ledger } from '../../ledger/ledger.js';
import { accountInput, INR, transferInput } from '../../store/conformance/fixtures.js';
import { parsePostgresUrl } from '../../store/postgres/connection.js';
import { PostgresStore } from '../../store/postgres/postgres-store.js';
import { postgresTests } from '../../store/postgres/test-database.js';
import { transferBody, type JsonBody } from '../api.test-helper.js';
import { buildServer } from '../server.js';

/**
 * The verifier through the API on PostgreSQL: a worker thread with a connection of its own in one
 * REPEATABLE READ READ ONLY transaction. Orders, not durations, are asserted.
 */

interface RunJson {
  id: string;
  status: 'running' | 'passed' | 'failed' | 'error';
  progress: {
    phase: string;
    journalEntries: number;
    journalEntriesTotal: number;
    transfers: number;
    transfersTotal: number;
  };
  report: { ok: boolean; transfers: number; problems: string[] } | null;
  error: string | null;
}

await postgresTests('verify API on postgres', (schemas) => {
  describe('verification through the API, off the event loop (PostgreSQL)', () => {
    let url = '';
    let store: PostgresStore;
    let ledger: Ledger;
    let app: FastifyInstance;
    /** What before() opened, closed in reverse by after() even if before() failed part-way. */
    const opened: { close(): Promise<unknown> }[] = [];
    let operator = '';
    let base = '';
    const accounts = [accountInput(), accountInput()];
    const [debit, credit] = accounts.map((account) => account.id) as [AccountId, AccountId];
    const headers = (): Record<string, string> => ({
      authorization: `Bearer ${operator}`,
      'content-type': 'application/json',
    });
    const writeBatch = async (size: number): Promise<void> => {
      const outcome = await ledger.createTransfers(
        Array.from({ length: size }, () =>
          transferInput({
            debitAccountId: debit,
            creditAccountId: credit,
            ledger: INR,
            amount: 1n,
          }),
        ),
      );
      assert.ok(outcome.ok && outcome.results.every((result) => result === 'ok'));
    };
    const call = async (
      method: 'GET' | 'POST',
      path: string,
    ): Promise<{ status: number; body: JsonBody; location?: string }> => {
      const response = await app.inject({
        method,
        url: path,
        headers: { authorization: `Bearer ${operator}` },
      });
      return {
        status: response.statusCode,
        body: response.json(),
        ...(response.headers['location'] === undefined
          ? {}
          : { location: String(response.headers['location']) }),
      };
    };
    const run = async (id: string): Promise<RunJson> => {
      const response = await call('GET', `/v1/verify/runs/${id}`);
      assert.equal(response.status, 200);
      return response.body as RunJson;
    };
    const startRun = async (): Promise<RunJson> => {
      const response = await call('POST', '/v1/verify/runs');
      assert.equal(response.status, 202, JSON.stringify(response.body));
      assert.equal(response.location, `/v1/verify/runs/${response.body['id']}`);
      return response.body as RunJson;
    };
    const finished = async (id: string): Promise<RunJson> => {
      for (;;) {
        const current = await run(id);
        if (current.status !== 'running') return current;
        await sleep(20);
      }
    };

    before(async () => {
      url = schemas.next();
      store = await PostgresStore.open({ url, poolMax: 4 });
      opened.push(store);
      ledger = new Ledger(store);
      const keys = new ApiKeys(ledger);
      app = await buildServer({
        ledger,
        store,
        keys,
        limits: { verifyIntervalMs: 0, rateLimitPerSecond: 0 },
      });
      opened.push(app);
      operator = (await keys.issue({ role: 'operator', label: 'pg verify' }, CLI_ACTOR)).key;
      assert.ok((await ledger.createAccounts(accounts)).ok);
      for (let batch = 0; batch < 40; batch += 1) await writeBatch(500);
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      for (const resource of opened.reverse()) await resource.close();
    });

    it('progress part-way through the journal; /healthz and a transfer answered while the run still runs; totals at the end', async () => {
      const started = await startRun();
      let current = started;
      while (
        current.status === 'running' &&
        !(current.progress.phase === 'journal' && current.progress.journalEntries > 0)
      ) {
        await sleep(10);
        current = await run(started.id);
      }
      assert.equal(
        current.status,
        'running',
        'the verification ended before it was seen part-way through the journal',
      );
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      const transfer = await fetch(`${base}/v1/transfers`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify(transferBody(debit, credit)),
      });
      assert.equal(transfer.status, 201);
      assert.equal(
        (await run(started.id)).status,
        'running',
        'answered only after the verification ended',
      );
      const done = await finished(started.id);
      assert.equal(done.status, 'passed', JSON.stringify(done));
      assert.equal(done.progress.phase, 'done');
      assert.equal(done.progress.journalEntries, done.progress.journalEntriesTotal);
      assert.equal(done.progress.transfers, done.progress.transfersTotal);
      assert.ok(done.progress.transfersTotal >= 20_000);
      assert.equal(done.report?.transfers, done.progress.transfersTotal);
    });

    it('batches written while a run reads show up as no problem: it verifies the snapshot it began with', async () => {
      const before = (await store.counts()).transfers;
      const started = await startRun();
      let writtenWhileRunning = 0;
      while ((await run(started.id)).status === 'running') {
        await writeBatch(200);
        writtenWhileRunning += 1;
      }
      const done = await run(started.id);
      assert.ok(writtenWhileRunning > 0);
      assert.equal(done.status, 'passed', JSON.stringify(done.report?.problems));
      assert.ok((done.report?.transfers ?? 0) >= before);
      assert.ok(
        (done.report?.transfers ?? 0) < (await store.counts()).transfers,
        'what came after the snapshot is not in it',
      );
    });

    it('the verifier on its thread still finds tampering: a balance changed in the database', async () => {
      const target = parsePostgresUrl(url);
      const intruder = new pg.Client({ connectionString: target.connectionString });
      await intruder.connect();
      try {
        await intruder.query(
          `UPDATE ${target.schema}.accounts SET credits_posted = credits_posted + 1 WHERE id = $1`,
          [credit],
        );
      } finally {
        await intruder.end();
      }
      const done = await finished((await startRun()).id);
      assert.equal(done.status, 'failed');
      assert.ok(
        done.report?.problems.some((problem) =>
          problem.startsWith(`account ${credit}: stored creditsPosted`),
        ),
        JSON.stringify(done.report?.problems),
      );
      const legacy = await call('GET', '/v1/verify');
      assert.equal(legacy.status, 200);
      assert.equal(legacy.body['ok'], false);
    });
  });
});
