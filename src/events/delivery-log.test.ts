import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ledger } from '../ledger/ledger.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { DeliveryLog } from './delivery-log.js';
import { startWebhookDispatcher } from './dispatcher.js';
import { FAST, until } from './events.test-helper.js';
import { deliveryDocuments } from './webhook-records.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-delivery-log-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const delivery = {
  id: 'dlv_wh_0123456789abcdef_1_2',
  endpoint: 'wh_0123456789abcdef',
  firstSeq: '1',
  lastSeq: '2',
  events: 2,
  status: 'pending' as const,
  attempts: 1,
  createdAt: new Date(0).toISOString(),
};

describe('the delivery log and a store that fails', () => {
  it('keeps what a failed flush held, tells the waiters, and writes it with the next flush', async () => {
    const store = new SqliteStore({ path: join(directory, 'restore.db') });
    const log = new DeliveryLog(new Ledger(store), 15_000);
    try {
      assert.equal(await log.acquire(), true);
      log.delivery(delivery);
      log.attempt(delivery.endpoint, 1n, 2n, {
        delivery: delivery.id,
        attempt: 1,
        at: delivery.createdAt,
        status: 500,
        durationMs: 3,
      });
      log.endpoint(delivery.endpoint, {
        revision: 0,
        cursor: 0n,
        formedThrough: 2n,
        pending: undefined,
      });
      // A transaction that fails inside: a document no store may hold.
      const written = log.written();
      log.delivery({
        ...delivery,
        id: 'dlv_wh_0123456789abcdef_3_3',
        firstSeq: '3',
        lastSeq: '3',
        lastError: 'nul \u0000 in text',
      });
      await assert.rejects(log.flush(), /NUL|text/i);
      await assert.rejects(written);
      assert.equal(log.size, 4, 'nothing lost');
      log.delivery({ ...delivery, id: 'dlv_wh_0123456789abcdef_3_3', firstSeq: '3', lastSeq: '3' });
      await log.flush();
      assert.equal(log.size, 0);
      const stored = await deliveryDocuments.list(store, {
        prefix: `${delivery.endpoint}/`,
        limit: 10,
      });
      assert.deepEqual(
        stored.map((d) => d.id),
        [delivery.id, 'dlv_wh_0123456789abcdef_3_3'],
      );
      await log.written();
    } finally {
      await store.close();
    }
  });

  it('a dispatcher whose store closes under it reports the errors and still stops', async () => {
    const store = new SqliteStore({ path: join(directory, 'closed.db') });
    const errors: string[] = [];
    const dispatcher = startWebhookDispatcher(
      { ledger: new Ledger(store) },
      { ...FAST, onError: (what) => errors.push(what) },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(errors.length, 0, errors.join(', '));
    await store.close();
    await until(() => errors.includes('webhook dispatcher'), 'the failed poll reported');
    await dispatcher.stop();
    assert.ok(errors.includes('webhook dispatcher: the last write'), errors.join(', '));
  });
});
