import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LedgerOverloadedError } from '../ledger/group-commit.js';
import { BATCHER_QUEUE_MAX, Batcher, BatcherOverloadedError } from './batcher.js';

/** A Batcher whose groups each wait until released; `groups` records what each group held. */
function gatedBatcher(options: { queueMax?: number }) {
  const groups: string[][] = [];
  const waiting: (() => void)[] = [];
  const batcher = new Batcher<string, string>(
    async (items) => {
      groups.push([...items]);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return items.map((item) => item.toUpperCase());
    },
    { maxItems: 10, concurrentGroups: 1, what: 'letters', ...options },
  );
  /** Lets the group that is running finish, once one is. */
  const release = async (): Promise<void> => {
    while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
    waiting.shift()?.();
  };
  return { batcher, groups, release };
}

describe('Batcher', () => {
  it('refuses an item while its queue is full, with the overload error the API answers 503, and takes items again once it drains', async () => {
    const { batcher, groups, release } = gatedBatcher({ queueMax: 2 });
    const first = batcher.submit('a');
    await new Promise((resolve) => setImmediate(resolve)); // 'a' is running, the queue is empty
    assert.deepEqual(groups, [['a']]);
    const waiting = [batcher.submit('b'), batcher.submit('c')];
    const refused = batcher.submit('d');
    await assert.rejects(refused, (error: unknown) => {
      assert.ok(error instanceof BatcherOverloadedError);
      assert.ok(error instanceof LedgerOverloadedError, 'the error the API maps to 503');
      assert.equal(error.queueMax, 2);
      assert.equal(error.message, '2 letters are waiting to be written; retry shortly');
      return true;
    });
    await release();
    assert.equal(await first, 'A');
    await release();
    assert.deepEqual(await Promise.all(waiting), ['B', 'C']);
    assert.deepEqual(groups, [['a'], ['b', 'c']], 'the refused item was never run');
    const again = batcher.submit('e');
    await release();
    assert.equal(await again, 'E');
  });

  it('lets as many items wait as the ledger lets transfers wait, by default', async () => {
    const { batcher, release } = gatedBatcher({});
    const accepted = Array.from({ length: BATCHER_QUEUE_MAX }, (_, index) =>
      batcher.submit(`x${index}`),
    );
    await assert.rejects(batcher.submit('one too many'), BatcherOverloadedError);
    assert.equal(BATCHER_QUEUE_MAX, 65_536);
    for (let group = 0; group < Math.ceil(BATCHER_QUEUE_MAX / 10); group += 1) await release();
    assert.equal((await Promise.all(accepted)).length, BATCHER_QUEUE_MAX);
  });
});
