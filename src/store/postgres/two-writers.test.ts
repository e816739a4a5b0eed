import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { transferId } from '../conformance/fixtures.js';
import { verifyLedger } from '../../ledger/verify.js';
import { PostgresStore } from './postgres-store.js';
import { postgresTests } from './test-database.js';
import { LIMITED_ACCOUNT } from './two-writers-child.js';

const CHILD = fileURLToPath(new URL('./two-writers-child.ts', import.meta.url));
const BATCHES = 40;

interface Acknowledged {
  readonly ok: string[];
  readonly exists: string[];
}

/** Runs one writer to the end and collects what it acknowledged. */
async function runWriter(url: string, writer: string): Promise<Acknowledged> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, writer, String(BATCHES)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acknowledged: Acknowledged = { ok: [], exists: [] };
  let pending = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('ack ')) continue;
      const batch = JSON.parse(line.slice(4)) as Acknowledged;
      acknowledged.ok.push(...batch.ok);
      acknowledged.exists.push(...batch.exists);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, `writer ${writer} failed: ${errors}`);
  return acknowledged;
}

await postgresTests('postgres two writers', (schemas) => {
  it(
    'two processes hammering the same accounts: every acknowledged transfer is stored once, the verifier passes',
    { timeout: 180_000 },
    async () => {
      const url = schemas.next();
      const [first, second] = await Promise.all([runWriter(url, 'a'), runWriter(url, 'b')]);
      const okIds = [...first.ok, ...second.ok];
      assert.equal(new Set(okIds).size, okIds.length, 'no transfer id was created by both writers');
      // Every id both writers sent alike was created exactly once, and the other writer was told it exists.
      const shared = okIds.filter((id) => second.exists.includes(id) || first.exists.includes(id));
      assert.ok(shared.length > 0, 'the writers overlapped on shared ids');
      const store = await PostgresStore.open({ url });
      try {
        const stored = await store.getTransfers(okIds.map(transferId));
        assert.equal(stored.length, okIds.length, 'every acknowledged transfer is stored');
        assert.equal(
          (await store.counts()).transfers,
          okIds.length,
          'nothing is stored that was not acknowledged',
        );
        const [limited] = await store.getAccounts([LIMITED_ACCOUNT]);
        assert.ok(
          limited !== undefined && limited.debitsPosted <= limited.creditsPosted,
          'the balance limit held',
        );
        assert.ok(limited.debitsPosted > 0n, 'the limited account was spent from');
        const report = await verifyLedger(store);
        assert.deepEqual(report.problems, []);
        assert.equal(report.transfers, okIds.length);
      } finally {
        await store.close();
      }
    },
  );
});
