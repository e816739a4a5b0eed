import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import { account, withHub } from '../hub/hub.test-helper.js';
import { Hub } from '../hub/hub.js';
import { newAccountId, newTransferId, ZERO_TRANSFER_ID, type AccountId } from '../ledger/ids.js';
import { AccountKind, type AccountInput, type TransferInput } from '../ledger/model.js';
import type { StoredEvent } from '../store/events.js';
import { ParticipantRegistry } from './registry.js';

const cli = CLI_ACTOR;

function partiesBySubject(events: readonly StoredEvent[]): Map<string, readonly string[]> {
  return new Map(events.map((event) => [event.subject, event.participants]));
}

describe('event parties (the registry hook the Hub installs)', () => {
  it("a corporate's transfer events are also its bank's; a vostro account's, the keeping bank's", async () => {
    await withHub(async (hub) => {
      await hub.participants.create(
        {
          id: 'acme',
          name: 'Acme Exports',
          kind: 'corporate',
          country: 'IN',
          bank: 'bob',
          currencies: ['INR'],
        },
        cli,
      );
      await hub.caps.set('bob', 'INR', 1_000_00n, cli);
      const before = await hub.ledger.store.lastEventSeq();
      const funding = newTransferId();
      await hub.payments.fund(
        {
          id: funding,
          account: account('acme', 'INR', 'customer'),
          amount: 500_00n,
          reference: 'in',
        },
        cli,
      );
      const toVostro = await hub.payments.pay(
        {
          id: newTransferId(),
          payer: account('acme', 'INR', 'customer'),
          payee: account('vtb', 'INR', 'vostro', 'sbi'),
          amount: 120_00n,
          reference: 'invoice 7',
        },
        cli,
      );
      assert.equal(toVostro.status, 'created');
      const events = await hub.ledger.store.events({ afterSeq: before, limit: 100 });
      const parties = partiesBySubject(events);
      assert.deepEqual(parties.get(funding), ['acme', 'bob'], 'the hub is never listed');
      assert.deepEqual(
        parties.get(toVostro.id),
        ['acme', 'vtb', 'bob', 'sbi'],
        "payer, payee, the payer's bank and the bank that keeps the vostro account",
      );
      assert.equal(
        events.filter((event) =>
          (toVostro.transferIds as readonly string[]).includes(event.subject),
        ).length,
        1,
        'the cap leg of the interbank payment has no event',
      );
      const sbiFeed = await hub.ledger.store.events({
        afterSeq: before,
        participant: 'sbi',
        limit: 100,
      });
      assert.deepEqual(
        sbiFeed.map((event) => event.subject),
        [toVostro.id],
      );
    });
  });

  it('a registry that has not seen a participant yet reads it in the batch; other owners are no participants', async () => {
    await withHub(async (hub) => {
      await hub.participants.create(
        {
          id: 'tata',
          name: 'Tata Steel',
          kind: 'corporate',
          country: 'IN',
          bank: 'sbi',
          currencies: ['INR'],
        },
        cli,
      );
      await hub.payments.fund(
        {
          id: newTransferId(),
          account: account('tata', 'INR', 'customer'),
          amount: 10_00n,
          reference: 'x',
        },
        cli,
      );
      const [raw, rawToo] = [newAccountId(), newAccountId()];
      const opened = await hub.ledger.createAccounts([
        rawAccount(raw, 'raw-owner'),
        rawAccount(rawToo, 'raw-owner-2'),
      ]);
      assert.deepEqual(opened.ok && opened.results, ['ok', 'ok']);
      // A second hub over the same ledger, as another process would be: its registry knows no
      // one, and the batch below is the first thing it does.
      const fresh = new Hub(hub.ledger, new ParticipantRegistry(hub.ledger));
      const before = await hub.ledger.store.lastEventSeq();
      const transfers = [
        rawTransfer(account('tata', 'INR', 'customer'), account('sbi', 'INR'), 1_00n),
        rawTransfer(account('bob', 'INR'), account('vtb', 'INR', 'vostro', 'sbi'), 2_00n),
        rawTransfer(raw, rawToo, 3n),
        rawTransfer(rawToo, raw, 1n),
      ];
      const outcome = await fresh.ledger.createTransfers(transfers);
      assert.deepEqual(outcome.ok && outcome.results, ['ok', 'ok', 'ok', 'ok']);
      const parties = partiesBySubject(
        await hub.ledger.store.events({ afterSeq: before, limit: 100 }),
      );
      assert.deepEqual(
        transfers.map((transfer) => parties.get(transfer.id)),
        [
          ['tata', 'sbi'],
          ['bob', 'vtb', 'sbi'],
          ['raw-owner', 'raw-owner-2'],
          ['raw-owner-2', 'raw-owner'],
        ],
      );
      // Owners found to be no participant are not asked about again for a while; known ones never.
      const again = [
        rawTransfer(raw, rawToo, 1n),
        rawTransfer(account('tata', 'INR', 'customer'), raw, 1n),
      ];
      const second = await fresh.ledger.createTransfers(again);
      assert.deepEqual(second.ok && second.results, ['ok', 'ok']);
      const later = partiesBySubject(
        await hub.ledger.store.events({ afterSeq: before, limit: 100 }),
      );
      assert.deepEqual(later.get(again[1]?.id ?? ''), ['tata', 'raw-owner', 'sbi']);
    });
  });
});

function rawTransfer(debit: AccountId, credit: AccountId, amount: bigint): TransferInput {
  return {
    id: newTransferId(),
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    pendingId: ZERO_TRANSFER_ID,
    ledger: 356,
    code: 1,
    flags: 0,
    timeoutSeconds: 0,
    reference: '',
    userData64: 0n,
    userData32: 0,
  };
}

function rawAccount(id: AccountId, owner: string): AccountInput {
  return {
    id,
    ledger: 356,
    code: AccountKind.suspense,
    flags: 0,
    owner,
    reference: '',
    userData64: 0n,
    userData32: 0,
  };
}
