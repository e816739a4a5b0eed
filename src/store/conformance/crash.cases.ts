import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { verifyLedger } from '../../ledger/verify.js';
import { CRASH_BATCH_SIZE, crashTransferId } from './crash-child.js';
import { openStoreForTests } from './open-store.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Runs the writer until it has acknowledged something, then SIGKILLs it at a random later moment. */
async function runAndKill(target: string, killAfterMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let acknowledged = -1;
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const lines = output.split('\n');
      output = lines.pop() ?? '';
      for (const line of lines) {
        // The clock starts at the first acknowledgement, not at start-up, which a loaded machine
        // can stretch past any fixed delay (then no round would kill a writer that had written).
        if (line.startsWith('ack ')) {
          if (acknowledged < 0) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          acknowledged = Number(line.slice(4));
        }
      }
    });
    void exited.then((code) =>
      code === null ? resolve() : reject(new Error(`writer exited with ${code}: ${errors}`)),
    );
  });
  return acknowledged;
}

/** Kills the writer `kills` times; after each restart every acknowledged batch is whole and nothing is torn. */
export function crashCases(
  name: string,
  target: () => string,
  kills = Number(process.env.VOSTRO_CRASH_KILLS ?? 20),
): void {
  it(
    `${name}: SIGKILL at random moments ${kills} times loses no acknowledged batch`,
    { timeout: 600_000 },
    async () => {
      let highestAcknowledged = -1;
      for (let round = 0; round < kills; round += 1) {
        const acknowledged = await runAndKill(target(), 20 + Math.floor(Math.random() * 400));
        highestAcknowledged = Math.max(highestAcknowledged, acknowledged);
        const store = await openStoreForTests(target());
        try {
          const transfers = (await store.counts()).transfers;
          assert.equal(
            transfers % CRASH_BATCH_SIZE,
            0,
            `round ${round}: ${transfers} transfers is not a whole number of batches`,
          );
          const batches = transfers / CRASH_BATCH_SIZE;
          assert.ok(
            batches > highestAcknowledged,
            `round ${round}: batch ${highestAcknowledged} was acknowledged but only ${batches} batches are stored`,
          );
          const lastIds = [
            crashTransferId(batches - 1, 0),
            crashTransferId(batches - 1, CRASH_BATCH_SIZE - 1),
          ];
          if (batches > 0)
            assert.equal(
              (await store.getTransfers(lastIds)).length,
              2,
              'the newest batch is whole',
            );
          const report = await verifyLedger(store);
          assert.deepEqual(report.problems, [], `round ${round}: verifier`);
        } finally {
          await store.close();
        }
      }
      assert.ok(highestAcknowledged >= 0, 'the writer acknowledged at least one batch');
    },
  );
}
