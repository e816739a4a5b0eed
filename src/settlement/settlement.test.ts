import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newTransferId } from '../ledger/ids.js';
import { TransferFlags } from '../ledger/flags.js';
import { NETTED_CODES } from './codes.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { corrupt, corruptDocument, renamed } from '../domain/documents.test-helper.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import { CAPS } from './caps.js';
import { PAYMENTS } from './payments.js';
import { WINDOWS } from './windows.js';
import { WindowScheduler } from './schedule.js';

const cli = CLI_ACTOR;
const pay = (payer: string, payee: string, amount: bigint) => ({
  id: newTransferId(),
  payer: account(payer, 'INR'),
  payee: account(payee, 'INR'),
  amount,
  reference: 'test',
});

describe('payments, caps and windows', () => {
  it('an interbank payment within the cap posts with its cap leg; past the cap it is refused and writes nothing', async () => {
    await withHub(async (hub) => {
      await hub.caps.set('sbi', 'INR', 500_00n, cli);
      const first = await hub.payments.pay(pay('sbi', 'bob', 300_00n), cli);
      assert.equal(first.status, 'created');
      assert.equal(first.interbank, true);
      assert.equal(first.transferIds.length, 2);
      assert.deepEqual(await hub.caps.status('sbi', 'INR'), {
        participant: 'sbi',
        currency: 'INR',
        capMinor: 500_00n,
        headroomMinor: 200_00n,
        netMinor: -300_00n,
      });
      const before = await hub.ledger.store.counts();
      await assert.rejects(
        hub.payments.pay(pay('sbi', 'bob', 200_01n), cli),
        refusal('liquidity_cap_exceeded', 'payer'),
      );
      assert.deepEqual(await hub.ledger.store.counts(), before, 'nothing written');
      // Money coming in raises the headroom: the cap bounds the net, not the gross. Bob has no cap
      // but has received 300: it may pay out up to that, and no more.
      await hub.payments.pay(pay('bob', 'sbi', 100_00n), cli);
      assert.equal((await hub.caps.status('bob', 'INR')).headroomMinor, 200_00n);
      await assert.rejects(
        hub.payments.pay(pay('bob', 'sbi', 200_01n), cli),
        refusal('liquidity_cap_exceeded', 'payer'),
      );
      assert.equal((await hub.caps.status('sbi', 'INR')).headroomMinor, 300_00n);
      await hub.payments.pay(pay('sbi', 'bob', 300_00n), cli);
      await assert.rejects(
        hub.caps.set('sbi', 'INR', 100_00n, cli),
        refusal('cap_below_current_use', 'cap'),
      );
    });
  });

  it('a retried payment id returns exists and moves nothing more; a reused id with other content is refused', async () => {
    await withHub(async (hub) => {
      await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
      const request = pay('sbi', 'bob', 10_00n);
      assert.equal((await hub.payments.pay(request, cli)).status, 'created');
      assert.equal((await hub.payments.pay(request, cli)).status, 'exists');
      assert.equal((await hub.caps.status('sbi', 'INR')).headroomMinor, 990_00n);
      await assert.rejects(
        hub.payments.pay({ ...request, amount: 11_00n }, cli),
        refusal('payment_refused', 'id'),
      );
    });
  });

  it('two-phase payments reserve cap headroom, then post or void every leg together', async () => {
    await withHub(async (hub) => {
      await hub.caps.set('sbi', 'INR', 100_00n, cli);
      const reserved = await hub.payments.pay({ ...pay('sbi', 'bob', 80_00n), pending: true }, cli);
      assert.equal((await hub.caps.status('sbi', 'INR')).headroomMinor, 20_00n);
      await assert.rejects(
        hub.payments.pay(pay('sbi', 'bob', 30_00n), cli),
        refusal('liquidity_cap_exceeded'),
      );
      await hub.payments.resolve(reserved.id, 'void', cli);
      assert.equal((await hub.caps.status('sbi', 'INR')).headroomMinor, 100_00n);
      const again = await hub.payments.pay({ ...pay('sbi', 'bob', 60_00n), pending: true }, cli);
      await hub.payments.resolve(again.id, 'post', cli);
      const [payee] = await hub.ledger.lookupAccounts([account('bob', 'INR')]);
      assert.equal(payee?.creditsPosted, 1_000_000_00n + 60_00n);
    });
  });

  it('closing a window nets its payments, restores headroom, and settling writes the instructions once', async () => {
    await withHub(async (hub) => {
      for (const bank of ['sbi', 'bob', 'fx']) await hub.caps.set(bank, 'INR', 1_000_00n, cli);
      await hub.payments.pay(pay('sbi', 'bob', 700_00n), cli);
      await hub.payments.pay(pay('bob', 'fx', 200_00n), cli);
      await hub.payments.pay(pay('fx', 'sbi', 50_00n), cli);
      // On-us (a bank to its own account) is not interbank: no cap leg and not netted.
      const window = await hub.windows.current('INR');
      assert.equal(window.id, 'INR-1');
      await assert.rejects(hub.windows.net('INR-1'), refusal('window_not_closed', 'window'));
      const { closed, opened } = await hub.windows.close('INR', cli, 'INR-1');
      assert.equal(closed.status, 'closed');
      assert.equal(opened.id, 'INR-2');
      await assert.rejects(
        hub.windows.close('INR', cli, 'INR-1'),
        refusal('window_already_closed', 'window'),
      );
      assert.equal(
        (await hub.caps.status('sbi', 'INR')).headroomMinor,
        1_000_00n,
        'headroom restored for the new window',
      );
      const { netting } = await hub.windows.net('INR-1');
      assert.ok(netting !== undefined);
      const net = Object.fromEntries(
        netting.positions.map((position) => [position.participant, position.netMinor]),
      );
      assert.deepEqual(net, { sbi: -650_00n, bob: 500_00n, fx: 150_00n });
      assert.equal(netting.grossMinor, 950_00n);
      assert.equal(netting.movedMinor, 650_00n);
      const before = await hub.ledger.lookupAccounts([
        account('sbi', 'INR'),
        account('bob', 'INR'),
      ]);
      const settled = await hub.windows.settle('INR-1', cli);
      assert.equal(settled.window.status, 'settled');
      assert.equal(settled.window.settlementTransfers?.length, 3);
      const after = await hub.ledger.lookupAccounts([account('sbi', 'INR'), account('bob', 'INR')]);
      assert.equal(
        (before[0]?.creditsPosted ?? 0n) - (before[0]?.debitsPosted ?? 0n) - 650_00n,
        (after[0]?.creditsPosted ?? 0n) - (after[0]?.debitsPosted ?? 0n),
      );
      assert.equal((after[1]?.creditsPosted ?? 0n) - (before[1]?.creditsPosted ?? 0n), 500_00n);
      await assert.rejects(
        hub.windows.settle('INR-1', cli),
        refusal('window_already_settled', 'window'),
      );
      await assert.rejects(
        hub.windows.settle('INR-2', cli),
        refusal('window_not_closed', 'window'),
      );
      await assert.rejects(hub.windows.get('INR-9'), refusal('window_not_found', 'window'));
      await assert.rejects(hub.windows.get('bogus'), refusal('window_not_found', 'window'));
    });
  });

  it('every payment lands in exactly one window when windows close under concurrent load', async () => {
    await withHub(async (hub) => {
      for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 100_000_000_00n, cli);
      const ids: string[] = [];
      const payments: Promise<unknown>[] = [];
      const closes: Promise<unknown>[] = [];
      for (let index = 0; index < 400; index += 1) {
        const request = pay(
          index % 2 === 0 ? 'sbi' : 'bob',
          index % 2 === 0 ? 'bob' : 'sbi',
          BigInt(1 + (index % 7)),
        );
        ids.push(request.id);
        payments.push(hub.payments.pay(request, cli));
        if (index % 100 === 50) closes.push(hub.windows.close('INR', cli));
      }
      await Promise.all([...payments, ...closes]);
      const windows = (await hub.windows.list('INR')).filter((window) => window.status !== 'open');
      assert.equal(windows.length, 4);
      const transfers = await hub.ledger.lookupTransfers(ids as never);
      assert.equal(transfers.length, 400);
      let counted = 0;
      for (const transfer of transfers) {
        const containing = windows.filter(
          (window) =>
            BigInt(window.openedAfter) < transfer.timestamp &&
            transfer.timestamp <= BigInt(window.closedAt ?? '0'),
        );
        assert.ok(containing.length <= 1, 'no transfer in two windows');
        counted += containing.length;
      }
      const open = await hub.windows.current('INR');
      const inOpen = transfers.filter(
        (transfer) => transfer.timestamp > BigInt(open.openedAfter),
      ).length;
      assert.equal(counted + inOpen, 400, 'every transfer is in exactly one window');
      let netted = 0;
      for (const window of windows)
        netted += (await hub.windows.net(window.id)).netting?.transferCount ?? 0;
      assert.equal(netted, counted, 'netting counts each closed window’s payments once');
      // Netting read each window's pair tallies, kept as the payments were written: they hold what
      // summing the window's transfers gives.
      for (const window of windows) {
        assert.ok(window.tally !== undefined, `${window.id} has a tally period`);
        const codes = [...NETTED_CODES];
        const tallied = await hub.ledger.store.tallies({
          parts: [{ ledger: 356, period: window.tally.period }],
          codes,
        });
        const summed = await hub.ledger.store.pairTotals({
          parts: [
            {
              ledger: 356,
              firstTimestamp: BigInt(window.openedAfter) + 1n,
              lastTimestamp: BigInt(window.closedAt ?? '0'),
            },
          ],
          codes,
          excludeFlags: TransferFlags.pending | TransferFlags.voidPending,
        });
        const rows = (totals: typeof summed): string[] =>
          totals
            .map(
              (total) =>
                `${total.debitAccountId} ${total.creditAccountId} ${total.amount} ${total.count}`,
            )
            .sort();
        assert.deepEqual(rows(tallied), rows(summed), window.id);
      }
    });
  });
});

describe('settlement documents', () => {
  it('a corrupt payment, cap, window or window head document fails its read, naming collection and field', async () => {
    await withHub(async (hub) => {
      await hub.caps.set('sbi', 'INR', 1_000_00n, cli);
      const reserved = await hub.payments.pay({ ...pay('sbi', 'bob', 10_00n), pending: true }, cli);
      await hub.windows.close('INR', cli);
      await corruptDocument(hub.ledger, PAYMENTS, reserved.id, (document) =>
        renamed(document, 'amountMinor', 'amount'),
      );
      await assert.rejects(hub.payments.payment(reserved.id), corrupt(PAYMENTS, '/amountMinor'));
      await corruptDocument(hub.ledger, CAPS, 'sbi:INR', (document) => ({
        ...document,
        capMinor: '-5',
      }));
      await assert.rejects(hub.caps.status('sbi', 'INR'), corrupt(CAPS, '/capMinor'));
      await corruptDocument(hub.ledger, WINDOWS, 'INR:0000000001', (document) => ({
        ...document,
        closedAt: 12,
      }));
      await assert.rejects(hub.windows.get('INR-1'), corrupt(WINDOWS, '/closedAt'));
      await corruptDocument(hub.ledger, 'window_heads', 'INR', () => ({ seq: '2' }));
      await assert.rejects(hub.windows.current('INR'), corrupt('window_heads', '/seq'));
    });
  });
});

describe('window scheduler', () => {
  it('closes each currency’s open window on every tick, audited as the scheduler', async () => {
    await withHub(async (hub) => {
      const closed: string[] = [];
      const failed: string[] = [];
      const scheduler = new WindowScheduler(hub.windows, ['INR', 'RUB'], 3_600_000, {
        closed: (id) => closed.push(id),
        failed: (currency) => failed.push(currency),
      });
      try {
        await scheduler.tick();
        await scheduler.tick();
      } finally {
        await scheduler.stop();
      }
      assert.deepEqual(closed, ['INR-1', 'RUB-1', 'INR-2', 'RUB-2']);
      assert.deepEqual(failed, []);
      assert.equal((await hub.windows.current('INR')).id, 'INR-3');
      const audit = await hub.ledger.store.auditEntries({ actor: 'scheduler', limit: 10 });
      assert.deepEqual(
        audit.map((entry) => [entry.action, entry.target]),
        [
          ['windows.close', 'INR-1'],
          ['windows.close', 'RUB-1'],
          ['windows.close', 'INR-2'],
          ['windows.close', 'RUB-2'],
        ],
      );
    });
  });
});
