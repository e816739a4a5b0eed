import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeys } from '../access/api-keys.js';
import { accountBody, transferBody } from './api.test-helper.js';
import { buildServer } from './server.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import type { PostgresCluster } from '../store/postgres/cluster.test-helper.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';

export interface FailoverRun {
  /** Transfers acknowledged (201 created or 200 exists) to the clients. */
  readonly acknowledged: number;
  /** 503 answers the clients got (and retried with the same ids). */
  readonly unavailable: number;
  /** From the SIGKILL of the primary to the first acknowledgement of a request sent after it, in ms. */
  readonly unavailableMs: number;
  /** From the SIGKILL to the end of `pg_ctl promote -w`, in ms. */
  readonly promoteMs: number;
}

/**
 * Honest clients stream transfers through the API (POST /v1/transfers, the group committer) to a
 * store on the cluster's multi-host URL; at a random moment the primary's postmaster is SIGKILLed
 * and the standby promoted, as an operator or Patroni would. A client answered 503 retries with the
 * same body (ids are idempotency keys) until it is acknowledged. Afterwards: every acknowledged
 * transfer, and nothing else, is on the new primary, with the balances they add up to, and the
 * verifier passes there.
 */
export async function failoverRun(
  cluster: PostgresCluster,
  options: { readonly clients?: number; readonly afterMs?: number } = {},
): Promise<FailoverRun> {
  const store = await PostgresStore.open({
    url: cluster.url(),
    poolMax: 4,
    connectTimeoutMs: 2000,
    commitCheckTimeoutMs: 20_000,
  });
  try {
    const ledger = new Ledger(store);
    const keys = new ApiKeys(ledger);
    const app = await buildServer({ ledger, store, keys, limits: { rateLimitPerSecond: 0 } });
    try {
      const key = (await keys.issue({ role: 'operator', label: 'failover' }, CLI_ACTOR)).key;
      const headers = { authorization: `Bearer ${key}` };
      const accounts = Array.from({ length: 6 }, () => accountBody());
      const created = await app.inject({
        method: 'POST',
        url: '/v1/accounts/batch',
        headers,
        payload: { accounts },
      });
      assert.equal(created.statusCode, 200, created.body);
      const ids = accounts.map((account) => String(account['id']));
      const acknowledged = new Map<string, bigint>();
      let unavailable = 0;
      const falseFailures: string[] = [];
      /** When the primary was killed; until then, never. */
      let killedAt = Number.POSITIVE_INFINITY;
      let firstAfterKill: number | undefined;
      let stop = false;
      const client = async (index: number): Promise<void> => {
        for (let n = 0; !stop; n += 1) {
          const debit = ids[(index + n) % ids.length] as string;
          const credit = ids[(index + n + 1 + (n % 3)) % ids.length] as string;
          const paise = BigInt(100 + ((index * 7919 + n * 104_729) % 90_000));
          const body = transferBody(debit, credit, {
            amount: `${paise / 100n}.${String(paise % 100n).padStart(2, '0')}`,
          });
          let saidRolledBack = false;
          for (;;) {
            const sentAt = Date.now();
            const response = await app.inject({
              method: 'POST',
              url: '/v1/transfers',
              headers,
              payload: body,
            });
            if (response.statusCode === 201 || response.statusCode === 200) {
              // `exists` after an answer that said "rolled back": a committed batch was answered as failed.
              if (response.statusCode === 200 && saidRolledBack)
                falseFailures.push(String(body['id']));
              acknowledged.set(String(body['id']), paise);
              // Sent after the kill: an answer for a batch committed before it does not count.
              if (sentAt >= killedAt && firstAfterKill === undefined) firstAfterKill = Date.now();
              break;
            }
            assert.equal(response.statusCode, 503, response.body);
            unavailable += 1;
            if (/rolled back/.test(String(response.json<{ detail?: unknown }>().detail)))
              saidRolledBack = true;
            await sleep(50);
          }
        }
      };
      const clients = Array.from({ length: options.clients ?? 8 }, (_, index) => client(index));
      await sleep(options.afterMs ?? 300 + Math.floor(Math.random() * 700));
      const before = acknowledged.size;
      killedAt = Date.now();
      cluster.kill(cluster.primary);
      await cluster.promote(cluster.standby);
      const promoteMs = Date.now() - killedAt;
      const deadline = Date.now() + 25_000;
      while (firstAfterKill === undefined && Date.now() < deadline) await sleep(20);
      await sleep(300);
      stop = true;
      await Promise.all(clients);
      assert.ok(before > 0, 'transfers were acknowledged before the kill');
      assert.ok(firstAfterKill !== undefined, 'a write succeeded after the failover');

      // Every acknowledged transfer, and nothing else, is on the new primary, read directly there.
      const rows = await cluster.query<{ id: string; amount: bigint | string }>(
        cluster.standby,
        'SELECT id::text AS id, amount FROM public.transfers',
      );
      const stored = new Map(rows.map((row) => [row.id, BigInt(row.amount)]));
      const missing = [...acknowledged.keys()].filter((id) => !stored.has(id));
      assert.deepEqual(missing, [], 'every acknowledged transfer is on the new primary');
      assert.deepEqual(falseFailures, [], 'no transfer answered "rolled back" was written');
      assert.equal(stored.size, acknowledged.size, 'no transfer that was not acknowledged');
      for (const [id, paise] of acknowledged) assert.equal(stored.get(id), paise, id);
      const [sums] = await cluster.query<{ debits: string; credits: string }>(
        cluster.standby,
        'SELECT sum(debits_posted)::text AS debits, sum(credits_posted)::text AS credits FROM public.accounts',
      );
      const total = [...acknowledged.values()].reduce((sum, paise) => sum + paise, 0n);
      assert.equal(BigInt(sums?.debits ?? '-1'), total, 'balances add up to what was acknowledged');
      assert.equal(BigInt(sums?.credits ?? '-1'), total);
      assert.deepEqual((await verifyLedger(store)).problems, []);
      return {
        acknowledged: acknowledged.size,
        unavailable,
        unavailableMs: firstAfterKill - killedAt,
        promoteMs,
      };
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}
