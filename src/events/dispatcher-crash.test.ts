import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { Receiver, until } from './events.test-helper.js';
import { deliveryDocuments, endpointDocuments } from './webhook-records.js';

const CHILD = fileURLToPath(new URL('./dispatcher.test-child.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'vostro-dispatcher-crash-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** A hub child process, with its output lines as they come. */
class Child {
  readonly lines: string[] = [];
  errors = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly process: ChildProcess;

  constructor(args: string[]) {
    this.process = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.process.stdout?.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.process.stderr?.on('data', (chunk: Buffer) => (this.errors += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.process.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  line(prefix: string): string[] | undefined {
    return this.lines
      .find((line) => line.startsWith(`${prefix} `))
      ?.split(' ')
      .slice(1);
  }

  paid(): number {
    const last = this.lines.filter((line) => line.startsWith('paid ')).at(-1);
    return last === undefined ? 0 : Number(last.slice(5));
  }

  kill(signal: NodeJS.Signals): void {
    if (this.process.exitCode === null && this.process.signalCode === null)
      this.process.kill(signal);
  }
}

describe('a killed hub', () => {
  it(
    'delivers after a restart what it had not delivered: nothing missing, in order, signed',
    { timeout: 120_000 },
    async () => {
      const path = join(directory, 'killed.db');
      const receiver = await Receiver.start();
      // Slow enough that the kill lands while deliveries are in flight; some answers fail.
      receiver.behaviour = (_request, index) =>
        index % 7 === 3 ? 500 : { status: 200, delayMs: 15 };
      const first = new Child([path, 'first', receiver.url]);
      let second: Child | undefined;
      try {
        await until(
          () => first.paid() >= 150 && receiver.requests.length >= 5,
          'payments and deliveries',
          60_000,
        );
        first.kill('SIGKILL');
        assert.equal((await first.exited).signal, 'SIGKILL', first.errors);
        const [endpointId, cursor, secret] = first.line('endpoint') ?? [];
        assert.ok(endpointId !== undefined && cursor !== undefined && secret !== undefined);
        const beforeRestart = receiver.deduplicated().length;

        second = new Child([path, 'resume', cursor]);
        await until(() => second?.line('events') !== undefined, 'the restarted hub', 60_000);
        const expected = second.line('events')?.[0]?.split(',') ?? [];
        assert.ok(expected.length >= 150, `the payments wrote events for sbi (${expected.length})`);
        assert.ok(
          beforeRestart < expected.length,
          'the first hub was killed before it had delivered everything',
        );
        await until(
          () => receiver.deduplicated(true).length >= expected.length,
          'every event acknowledged',
          60_000,
        );
        second.kill('SIGTERM');
        assert.equal((await second.exited).code, 0, second.errors);

        const received = receiver.deduplicated();
        assert.deepEqual(
          received.map((event) => event.id),
          expected,
          'nothing missing, nothing extra, in order',
        );
        assert.ok(
          received.every(
            (event) => event.type.startsWith('transfer.') && event.participants.includes('sbi'),
          ),
        );
        receiver.assertSigned([secret]);
        const store = new SqliteStore({ path });
        try {
          const endpoint = await endpointDocuments.get(store, endpointId);
          assert.equal(endpoint?.cursor, expected.at(-1), 'the cursor reached the last event');
          assert.equal(endpoint?.pending, undefined);
          const deliveries = await deliveryDocuments.list(store, {
            prefix: `${endpointId}/`,
            limit: 10_000,
          });
          assert.ok(deliveries.length > 0);
          assert.deepEqual(
            new Set(deliveries.map((delivery) => delivery.status)),
            new Set(['delivered']),
            'a delivery the first hub left half-done was resumed and completed',
          );
        } finally {
          await store.close();
        }
      } finally {
        first.kill('SIGKILL');
        second?.kill('SIGKILL');
        await Promise.all([first.exited, second?.exited]);
        await receiver.close();
      }
    },
  );
});
