import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { newWebhookSecret, webhookHeaders } from '../events/signing.js';
import { startWebhookReceiver, type WebhookReceiver } from './demo-receiver.js';

/**
 * The demo's webhook receiver, over real HTTP on 127.0.0.1: it logs only deliveries whose
 * signature verifies, each event once however often it is delivered (also across a restart,
 * from its log), and refuses what is not a delivery.
 */
describe('the demo webhook receiver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vostro-receiver-'));
  const logPath = join(dir, 'demo-webhooks.log');
  const secret = newWebhookSecret();
  const receivers: WebhookReceiver[] = [];
  after(async () => {
    for (const receiver of receivers) await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (): Promise<WebhookReceiver> => {
    const receiver = await startWebhookReceiver({
      secret: () => secret,
      logPath,
      path: '/webhooks/sberbank',
      port: 0,
    });
    receivers.push(receiver);
    return receiver;
  };
  const event = (id: number) => ({
    id: String(id),
    type: 'transfer.created',
    at: '2026-11-20T09:30:00.000000001Z',
    subject: `transfer-${id}`,
    participants: ['sberbank', 'sbi'],
    data: {
      amount: '4500000',
      currency: 'INR',
      debitOwner: 'tata-steel',
      creditOwner: 'sberbank',
      reference: 'UC-INV-2026-0042',
    },
  });
  const deliver = async (
    receiver: WebhookReceiver,
    body: string,
    options: { id?: string; key?: string; contentType?: string; url?: string } = {},
  ): Promise<number> => {
    const headers = webhookHeaders(
      [options.key ?? secret],
      options.id ?? 'dlv_ep_1_2',
      Math.floor(Date.now() / 1000),
      body,
      options.contentType ?? 'application/json',
    );
    const response = await fetch(options.url ?? receiver.url, { method: 'POST', headers, body });
    return response.status;
  };
  const lines = (): string[] =>
    existsSync(logPath) ? readFileSync(logPath, 'utf8').trimEnd().split('\n') : [];

  it('logs each verified event once, with its money in major units, and answers 204', async () => {
    const receiver = await start();
    assert.match(receiver.url, /^http:\/\/127\.0\.0\.1:\d+\/webhooks\/sberbank$/);
    const body = JSON.stringify({ events: [event(1), event(2)] });
    assert.equal(await deliver(receiver, body), 204);
    assert.equal(lines().length, 2);
    assert.match(
      lines()[0] ?? '',
      /^\S+Z event 1 transfer\.created at 2026-11-20T09:30:00\.000000001Z: 45,000\.00 INR, tata-steel → sberbank, "UC-INV-2026-0042" \(delivery dlv_ep_1_2, signature verified\)$/,
    );
    // At least once: the same delivery again (a retry) adds nothing.
    assert.equal(await deliver(receiver, body), 204);
    assert.equal(lines().length, 2);
    assert.deepEqual(receiver.counts, { accepted: 2, refused: 0, duplicates: 2 });
  });

  it('refuses a forged, stale or unsigned delivery with 401 and logs the refusal, not its events', async () => {
    const receiver = await start();
    const body = JSON.stringify({ events: [event(3)] });
    assert.equal(await deliver(receiver, body, { key: newWebhookSecret() }), 401);
    const stale = webhookHeaders(
      [secret],
      'dlv_x',
      Math.floor(Date.now() / 1000) - 3600,
      body,
      'application/json',
    );
    assert.equal((await fetch(receiver.url, { method: 'POST', headers: stale, body })).status, 401);
    assert.equal((await fetch(receiver.url, { method: 'POST', body })).status, 401);
    const refused = lines().filter((line) => line.includes('REFUSED'));
    assert.equal(refused.length, 3);
    assert.ok(!lines().some((line) => line.includes(' event 3 ')));
  });

  it('answers 404 to anything but a POST to its path, and 413 to a body over 8 MiB', async () => {
    const receiver = await start();
    assert.equal((await fetch(receiver.url)).status, 404);
    assert.equal(
      (await fetch(`${receiver.url}/other`, { method: 'POST', body: '{}' })).status,
      404,
    );
    const huge = await fetch(receiver.url, {
      method: 'POST',
      body: 'x'.repeat(8 * 1024 * 1024 + 1),
    }).catch(() => undefined);
    assert.ok(huge === undefined || huge.status === 413);
  });

  it('logs a camt.054 delivery as one line, once per delivery id, and a restarted receiver remembers what its log holds', async () => {
    const receiver = await start();
    const xml = '<?xml version="1.0"?><Document/>';
    assert.equal(
      await deliver(receiver, xml, { id: 'dlv_ep_4_9', contentType: 'application/xml' }),
      204,
    );
    assert.equal(
      await deliver(receiver, xml, { id: 'dlv_ep_4_9', contentType: 'application/xml' }),
      204,
    );
    assert.equal(lines().filter((line) => line.includes('dlv_ep_4_9')).length, 1);
    await receiver.close();
    const again = await start();
    const before = lines().length;
    assert.equal(await deliver(again, JSON.stringify({ events: [event(1), event(4)] })), 204);
    assert.equal(
      await deliver(again, xml, { id: 'dlv_ep_4_9', contentType: 'application/xml' }),
      204,
    );
    assert.deepEqual(
      lines()
        .slice(before)
        .map((line) => / event (\d+) /.exec(line)?.[1]),
      ['4'],
      'event 1 and the camt.054 delivery were logged before the restart',
    );
  });

  it('answers 500 to a body that is not the JSON it announces, logging nothing', async () => {
    const receiver = await start();
    const before = lines().length;
    assert.equal(await deliver(receiver, '{not json'), 500);
    assert.equal(lines().length, before);
  });
});
