import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import { Hub } from '../hub/hub.js';
import { AccountFlags } from '../ledger/flags.js';
import { newTransferId, ZERO_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { accountCode, participantAccountId } from '../participants/accounts.js';
import { participantDocuments, type ParticipantRecord } from '../participants/registry.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { NETTED_CODES, TransferCode } from './codes.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-windows-'));
after(() => rmSync(directory, { recursive: true, force: true }));

// A database written before pair tallies existed: its participants' accounts lack the tallied
// flag, and account flags cannot change. The hub must then leave tallies off and net by scanning
// the window's transfers, or payments between those accounts would be missing from the netting.
it('a database whose participant accounts are not tallied keeps tallies off and nets windows from the transfers', async () => {
  const store = new SqliteStore({ path: join(directory, 'legacy.db') });
  try {
    const ledger = new Ledger(store);
    const banks = ['old-sbi', 'old-vtb'];
    const ids = banks.map((bank) => participantAccountId(bank, 'INR', 'settlement'));
    const created = await ledger.createAccounts(
      ids.map((id, index) => ({
        id,
        ledger: 356,
        code: accountCode('settlement'),
        flags: 0,
        owner: banks[index] ?? '',
        reference: 'before tallies',
        userData64: 0n,
        userData32: 0,
      })),
    );
    assert.deepEqual(created.ok && created.results, ['ok', 'ok']);
    await ledger.transact(async (tx) => {
      const records: ParticipantRecord[] = banks.map((bank, index) => ({
        id: bank,
        name: bank,
        kind: 'bank',
        country: index === 0 ? 'IN' : 'RU',
        currencies: ['INR'],
        status: 'active',
        createdAt: '2026-01-01T00:00:00.000Z',
        accounts: [{ role: 'settlement', currency: 'INR', id: ids[index] as AccountId }],
      }));
      await tx.putRecords(records.map((record) => participantDocuments.put(record.id, record)));
    });

    const hub = new Hub(ledger);
    await hub.open(['INR'], CLI_ACTOR);
    assert.equal(await hub.windows.prepare(), false, 'tallies stay off');
    const [sbi, vtb] = ids as [AccountId, AccountId];
    const hubAccount = participantAccountId('hub', 'INR', 'hub_settlement');
    const transfer = (debit: AccountId, credit: AccountId, amount: bigint, code: number) => ({
      id: newTransferId(),
      debitAccountId: debit,
      creditAccountId: credit,
      amount,
      ledger: 356,
      code,
      flags: 0,
      pendingId: ZERO_ID as TransferId,
      timeoutSeconds: 0,
      userData64: 0n,
      userData32: 0,
      reference: 'test',
    });
    const results = await ledger.createTransfers([
      transfer(hubAccount, sbi, 1_000_00n, TransferCode.funding),
      transfer(hubAccount, vtb, 1_000_00n, TransferCode.funding),
      transfer(sbi, vtb, 300_00n, TransferCode.payment),
      transfer(vtb, sbi, 120_00n, TransferCode.payment),
    ]);
    assert.deepEqual(results.ok && results.results, ['ok', 'ok', 'ok', 'ok']);

    const { closed } = await hub.windows.close('INR', CLI_ACTOR, 'INR-1');
    assert.equal(closed.tally, undefined, 'the closed window has no tally period');
    assert.deepEqual(
      await store.tallies({ parts: [{ ledger: 356, period: 1 }], codes: [...NETTED_CODES] }),
      [],
      'nothing was tallied',
    );
    const { netting } = await hub.windows.net('INR-1');
    assert.ok(netting !== undefined);
    assert.equal(netting.transferCount, 2);
    assert.deepEqual(
      Object.fromEntries(
        netting.positions.map((position) => [position.participant, position.netMinor]),
      ),
      { 'old-sbi': -180_00n, 'old-vtb': 180_00n },
    );
    assert.equal(netting.grossMinor, 420_00n);
    // A closed window's netting is computed once; later calls (each participant's position, the
    // report, settling) get the same result, with the window record as it is now.
    const settled = await hub.windows.settle('INR-1', CLI_ACTOR);
    assert.equal(settled.netting, netting);
    const again = await hub.windows.net('INR-1');
    assert.equal(again.netting, netting);
    assert.equal(again.window.status, 'settled');
    assert.deepEqual((await verifyLedger(store)).problems, []);

    // The flag check is what keeps tallies off: a newly opened bank's accounts are tallied.
    const [opened] = await ledger.lookupAccounts([
      participantAccountId('hub', 'INR', 'hub_settlement'),
    ]);
    assert.ok(opened !== undefined && (opened.flags & AccountFlags.tallied) !== 0);
  } finally {
    await store.close();
  }
});
