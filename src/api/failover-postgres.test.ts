import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { verifyLedger } from '../ledger/verify.js';
import { LedgerFixture, transferInput } from '../store/conformance/fixtures.js';
import {
  clusterUnavailableReason,
  PostgresCluster,
} from '../store/postgres/cluster.test-helper.js';
import { failoverRun } from './failover.test-helper.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';

/**
 * A primary with a synchronous standby, made here (cluster.test-helper.ts), behind vostro's
 * multi-host URL. Without PostgreSQL's binaries the file is skipped, loudly (with CI=true, failed).
 */
const reason = clusterUnavailableReason();
if (reason !== undefined) {
  const message = `PostgreSQL replication tests did not run: ${reason}`;
  if (process.env.CI === 'true')
    it('PostgreSQL binaries must be present in CI', () => assert.fail(message));
  else {
    process.stderr.write(`\n${'!'.repeat(100)}\n!! ${message}\n${'!'.repeat(100)}\n\n`);
    it('PostgreSQL replication tests', { skip: message }, () => undefined);
  }
} else {
  describe('a COMMIT whose connection is lost after the batch committed', () => {
    let cluster: PostgresCluster;
    before(async () => {
      cluster = await PostgresCluster.create();
    });
    after(() => cluster.remove());

    it('a URL that lists the standby first writes to the primary; one naming only the standby is refused', async () => {
      const standbyFirst = `postgres://postgres@127.0.0.1:${cluster.standby.port},127.0.0.1:${cluster.primary.port}/postgres?target_session_attrs=read-write&schema=standby_first`;
      const store = await PostgresStore.open({ url: standbyFirst, connectTimeoutMs: 2000 });
      try {
        const fixture = new LedgerFixture(store);
        const [a, b] = await fixture.openAccounts({}, {});
        assert.deepEqual(
          await fixture.transfers([transferInput({ debitAccountId: a, creditAccountId: b })]),
          ['ok'],
        );
        assert.equal(store.snapshotSource().kind, 'postgres');
        assert.match(
          JSON.stringify(store.snapshotSource()),
          new RegExp(`127\\.0\\.0\\.1:${cluster.primary.port}/`),
          'the verifier reads the primary',
        );
      } finally {
        await store.close();
      }
      await assert.rejects(
        PostgresStore.open({
          url: `postgres://postgres@127.0.0.1:${cluster.standby.port}/postgres?target_session_attrs=read-write`,
          connectTimeoutMs: 2000,
        }),
        /cannot reach PostgreSQL at .*is read-only \(a standby in recovery/,
      );
    });

    /*
     * The injection: the standby is stopped, so the primary's COMMIT waits for it (SyncRep) with
     * the commit already in its own WAL; the backend is then ended from another session
     * (pg_terminate_backend), which PostgreSQL answers with "the transaction has already
     * committed locally" and a closed connection. The store sees its connection lost during
     * COMMIT, must find out on a new connection that the batch is there, and answer it as written
     * - not as failed, and not written a second time when the client sends it again.
     */
    it(
      'is answered as committed, after a check on a new connection; a resend is `exists`',
      { timeout: 60_000 },
      async () => {
        const store = await PostgresStore.open({
          url: cluster.url(),
          poolMax: 3,
          connectTimeoutMs: 2000,
        });
        try {
          const fixture = new LedgerFixture(store);
          const [a, b] = await fixture.openAccounts({}, {});
          assert.deepEqual(
            await fixture.transfers([
              transferInput({ debitAccountId: a, creditAccountId: b, amount: 5n }),
            ]),
            ['ok'],
          );
          await cluster.stop(cluster.standby);
          const batch = Array.from({ length: 20 }, () =>
            transferInput({ debitAccountId: a, creditAccountId: b, amount: 3n }),
          );
          const written = fixture.transfers(batch);
          // Wait until the batch's COMMIT waits for the (stopped) synchronous standby, then end it.
          let ended = false;
          for (let tries = 0; tries < 200 && !ended; tries += 1) {
            const rows = await cluster.query<{ ended: boolean }>(
              cluster.primary,
              "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'vostro' AND wait_event = 'SyncRep'",
            );
            ended = rows.some((row) => row.ended);
            if (!ended) await sleep(25);
          }
          assert.ok(ended, 'the batch was caught waiting for the standby in COMMIT');
          assert.deepEqual(
            await written,
            batch.map(() => 'ok'),
            'answered as written, not failed',
          );
          await cluster.start(cluster.standby);
          await cluster.waitForSync();
          assert.deepEqual(
            await fixture.transfers(batch),
            batch.map(() => 'exists'),
            'a resend writes nothing twice',
          );
          assert.deepEqual(await fixture.balances(a), {
            debitsPending: 0n,
            debitsPosted: 65n,
            creditsPending: 0n,
            creditsPosted: 0n,
          });
          assert.deepEqual((await verifyLedger(store)).problems, []);
        } finally {
          await store.close();
        }
      },
    );
  });

  for (const round of [1, 2]) {
    describe(`failover ${round}: the primary SIGKILLed under load, the standby promoted`, () => {
      let cluster: PostgresCluster;
      before(async () => {
        cluster = await PostgresCluster.create();
      });
      after(() => cluster.remove());

      it(
        'loses no acknowledged transfer, writes none twice, and the hub goes on on the new primary',
        { timeout: 60_000 },
        async () => {
          const run = await failoverRun(cluster);
          process.stdout.write(`# failover ${round}: ${JSON.stringify(run)}\n`);
          assert.ok(run.unavailableMs < 25_000);
        },
      );
    });
  }
}
