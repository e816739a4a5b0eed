import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AMOUNT_MAX } from '../../ledger/currency.js';
import { AccountFlags, TransferFlags } from '../../ledger/flags.js';
import { MAX_ID, ZERO_ID } from '../../ledger/ids.js';
import { BATCH_MAX } from '../../ledger/model.js';
import {
  CREATE_ACCOUNT_RESULTS,
  CREATE_TRANSFER_RESULTS,
  type CreateAccountResult,
  type CreateTransferResult,
} from '../../ledger/results.js';
import { verifyLedger } from '../../ledger/verify.js';
import {
  accountId,
  accountInput,
  LedgerFixture,
  RUB,
  transferId,
  transferInput,
  type StoreFactory,
} from './fixtures.js';

const seenAccountResults = new Set<CreateAccountResult>();
const seenTransferResults = new Set<CreateTransferResult>();

/** Every create-account and create-transfer result code, each produced and asserted on the given store. */
export function resultCodeCases(factory: StoreFactory): void {
  const withFixture = (name: string, body: (fixture: LedgerFixture) => Promise<void>): void => {
    it(name, async () => {
      const store = await factory.open();
      try {
        await body(new LedgerFixture(store));
        const report = await verifyLedger(store);
        assert.deepEqual(report.problems, [], 'the verifier passes after every case');
      } finally {
        await store.close();
      }
    });
  };
  const expectAccount = async (
    fixture: LedgerFixture,
    input: Parameters<typeof accountInput>[0],
    expected: CreateAccountResult,
  ): Promise<void> => {
    const [result] = await fixture.accounts([accountInput(input)]);
    assert.equal(result, expected);
    seenAccountResults.add(expected);
  };
  const expectTransfer = async (
    fixture: LedgerFixture,
    input: Parameters<typeof transferInput>[0],
    expected: CreateTransferResult,
  ): Promise<void> => {
    const before = await fixture.store.counts();
    const [result] = await fixture.transfers([transferInput(input)]);
    assert.equal(result, expected);
    // A refused transfer writes nothing; the one exception is the ledger's own void of a pending
    // transfer whose timeout has passed, which the batch performs before it looks at its events.
    if (expected !== 'ok' && expected !== 'pending_transfer_expired')
      assert.deepEqual(await fixture.store.counts(), before, `${expected} writes nothing`);
    seenTransferResults.add(expected);
  };

  describe(`${factory.name}: create_accounts result codes`, () => {
    withFixture('validation codes in order of precedence', async (f) => {
      await expectAccount(f, { flags: 1 << 5 }, 'reserved_flag');
      await expectAccount(f, { id: accountId(ZERO_ID) }, 'id_must_not_be_zero');
      await expectAccount(f, { id: accountId(MAX_ID) }, 'id_must_not_be_int_max');
      await expectAccount(
        f,
        {
          flags: AccountFlags.debitsMustNotExceedCredits | AccountFlags.creditsMustNotExceedDebits,
        },
        'flags_are_mutually_exclusive',
      );
      await expectAccount(f, { ledger: 0 }, 'ledger_must_not_be_zero');
      await expectAccount(f, { ledger: 999 }, 'ledger_not_supported');
      await expectAccount(f, { code: 0 }, 'code_must_not_be_zero');
      await expectAccount(f, { owner: '' }, 'owner_must_not_be_empty');
      await expectAccount(
        f,
        { owner: 's\u0000bi', reference: 'x'.repeat(65) },
        'owner_must_be_plain_text',
      );
      await expectAccount(f, { owner: 'sbi\u001b[2J' }, 'owner_must_be_plain_text');
      await expectAccount(f, { reference: 'x'.repeat(65) }, 'reference_too_long');
      await expectAccount(f, { reference: '\u{1F4B8}'.repeat(65) }, 'reference_too_long');
      await expectAccount(f, { reference: '\ud800' }, 'reference_must_be_plain_text');
      await expectAccount(
        f,
        { reference: 'x\u0000y', userData64: -1n },
        'reference_must_be_plain_text',
      );
      await expectAccount(f, { reference: 'line\nbreak' }, 'reference_must_be_plain_text');
      await expectAccount(f, { userData64: -1n }, 'user_data_out_of_range');
      await expectAccount(f, { userData32: 2 ** 32 }, 'user_data_out_of_range');
      assert.equal((await f.store.counts()).accounts, 0);
    });
    withFixture('ok, exists and exists_with_different_*', async (f) => {
      const original = accountInput({ reference: 'SRVA', userData64: 7n });
      assert.deepEqual(await f.accounts([original]), ['ok']);
      seenAccountResults.add('ok');
      await expectAccount(f, { ...original }, 'exists');
      await expectAccount(
        f,
        { ...original, flags: AccountFlags.debitsMustNotExceedCredits },
        'exists_with_different_flags',
      );
      await expectAccount(f, { ...original, owner: 'vtb' }, 'exists_with_different_owner');
      await expectAccount(
        f,
        { ...original, reference: 'other' },
        'exists_with_different_reference',
      );
      await expectAccount(f, { ...original, userData64: 8n }, 'exists_with_different_user_data');
      await expectAccount(f, { ...original, ledger: RUB }, 'exists_with_different_ledger');
      await expectAccount(f, { ...original, code: 2 }, 'exists_with_different_code');
      assert.equal((await f.store.counts()).accounts, 1);
    });
    withFixture('linked chains succeed or fail as a whole', async (f) => {
      const first = accountInput({ flags: AccountFlags.linked });
      assert.deepEqual(await f.accounts([first, accountInput({ code: 0 }), accountInput()]), [
        'linked_event_failed',
        'code_must_not_be_zero',
        'ok',
      ]);
      assert.deepEqual(
        await f.accounts([accountInput(), accountInput({ flags: AccountFlags.linked })]),
        ['ok', 'linked_event_chain_open'],
      );
      seenAccountResults.add('linked_event_failed').add('linked_event_chain_open');
      assert.equal((await f.ledger.lookupAccounts([first.id])).length, 0);
      assert.equal((await f.store.counts()).accounts, 2);
    });
    it(`covers every account result code`, () => {
      assert.deepEqual(
        CREATE_ACCOUNT_RESULTS.filter((code) => !seenAccountResults.has(code)),
        [],
      );
    });
  });

  describe(`${factory.name}: create_transfers result codes`, () => {
    withFixture('validation codes that need no account', async (f) => {
      const [a, b] = await f.openAccounts({}, {});
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, flags: 1 << 4 },
        'reserved_flag',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, id: transferId(ZERO_ID) },
        'id_must_not_be_zero',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, id: transferId(MAX_ID) },
        'id_must_not_be_int_max',
      );
      await expectTransfer(
        f,
        {
          debitAccountId: a,
          creditAccountId: b,
          flags: TransferFlags.pending | TransferFlags.voidPending,
        },
        'flags_are_mutually_exclusive',
      );
      await expectTransfer(f, { creditAccountId: b }, 'debit_account_id_must_not_be_zero');
      await expectTransfer(
        f,
        { debitAccountId: accountId(MAX_ID), creditAccountId: b },
        'debit_account_id_must_not_be_int_max',
      );
      await expectTransfer(f, { debitAccountId: a }, 'credit_account_id_must_not_be_zero');
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: accountId(MAX_ID) },
        'credit_account_id_must_not_be_int_max',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: a },
        'accounts_must_be_different',
      );
      await expectTransfer(
        f,
        {
          debitAccountId: a,
          creditAccountId: b,
          pendingId: transferId('11111111-1111-4111-8111-111111111111'),
        },
        'pending_id_must_be_zero',
      );
      await expectTransfer(f, { flags: TransferFlags.postPending }, 'pending_id_must_not_be_zero');
      await expectTransfer(
        f,
        { flags: TransferFlags.voidPending, pendingId: transferId(MAX_ID) },
        'pending_id_must_not_be_int_max',
      );
      const self = transferId('22222222-2222-4222-8222-222222222222');
      await expectTransfer(
        f,
        { id: self, flags: TransferFlags.postPending, pendingId: self },
        'pending_id_must_be_different',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, timeoutSeconds: 5 },
        'timeout_reserved_for_pending_transfer',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, flags: TransferFlags.pending, timeoutSeconds: -1 },
        'timeout_out_of_range',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, amount: 0n },
        'amount_must_not_be_zero',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, amount: -5n },
        'amount_out_of_range',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, amount: AMOUNT_MAX + 1n },
        'amount_out_of_range',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, ledger: 0 },
        'ledger_must_not_be_zero',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, code: 0 },
        'code_must_not_be_zero',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, reference: 'r'.repeat(65) },
        'reference_too_long',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, reference: '\udc00' },
        'reference_must_be_plain_text',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, reference: 'x\u0000y', userData32: -1 },
        'reference_must_be_plain_text',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, reference: '\u0085' },
        'reference_must_be_plain_text',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, userData32: -1 },
        'user_data_out_of_range',
      );
    });
    withFixture('account lookups and ledgers', async (f) => {
      const [a, b, rub] = await f.openAccounts({}, {}, { ledger: RUB });
      const missing = accountId('33333333-3333-4333-8333-333333333333');
      await expectTransfer(
        f,
        { debitAccountId: missing, creditAccountId: b },
        'debit_account_not_found',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: missing },
        'credit_account_not_found',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: rub },
        'accounts_must_have_the_same_ledger',
      );
      await expectTransfer(
        f,
        { debitAccountId: a, creditAccountId: b, ledger: RUB },
        'ledger_mismatch',
      );
      await expectTransfer(f, { debitAccountId: a, creditAccountId: b, amount: 250n }, 'ok');
      assert.deepEqual(await f.balances(a), {
        debitsPending: 0n,
        debitsPosted: 250n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
      assert.deepEqual(await f.balances(b), {
        debitsPending: 0n,
        debitsPosted: 0n,
        creditsPending: 0n,
        creditsPosted: 250n,
      });
    });
    withFixture('exists and exists_with_different_*', async (f) => {
      const [a, b, c] = await f.openAccounts({}, {}, {});
      const original = transferInput({
        debitAccountId: a,
        creditAccountId: b,
        amount: 40n,
        reference: 'INV-1',
      });
      assert.deepEqual(await f.transfers([original]), ['ok']);
      await expectTransfer(f, { ...original }, 'exists');
      await expectTransfer(
        f,
        { ...original, flags: TransferFlags.pending },
        'exists_with_different_flags',
      );
      await expectTransfer(
        f,
        { ...original, pendingId: transferId('44444444-4444-4444-8444-444444444444') },
        'exists_with_different_pending_id',
      );
      await expectTransfer(f, { ...original, timeoutSeconds: 3 }, 'exists_with_different_timeout');
      await expectTransfer(
        f,
        { ...original, debitAccountId: c },
        'exists_with_different_debit_account_id',
      );
      await expectTransfer(
        f,
        { ...original, creditAccountId: c },
        'exists_with_different_credit_account_id',
      );
      await expectTransfer(f, { ...original, amount: 41n }, 'exists_with_different_amount');
      await expectTransfer(
        f,
        { ...original, reference: 'INV-2' },
        'exists_with_different_reference',
      );
      await expectTransfer(f, { ...original, userData64: 1n }, 'exists_with_different_user_data');
      await expectTransfer(f, { ...original, ledger: RUB }, 'exists_with_different_ledger');
      await expectTransfer(f, { ...original, code: 2 }, 'exists_with_different_code');
      assert.deepEqual(await f.balances(a), {
        debitsPending: 0n,
        debitsPosted: 40n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
    });
    withFixture('two-phase: post, partial post, void, and their refusals', async (f) => {
      const [a, b, c] = await f.openAccounts({}, {}, {});
      const pending = transferInput({
        debitAccountId: a,
        creditAccountId: b,
        amount: 500n,
        flags: TransferFlags.pending,
      });
      await expectTransfer(f, pending, 'ok');
      assert.deepEqual(await f.balances(a), {
        debitsPending: 500n,
        debitsPosted: 0n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
      const post = { flags: TransferFlags.postPending, pendingId: pending.id, amount: 0n };
      await expectTransfer(
        f,
        { ...post, pendingId: transferId('55555555-5555-4555-8555-555555555555') },
        'pending_transfer_not_found',
      );
      const plain = transferInput({ debitAccountId: a, creditAccountId: b });
      await expectTransfer(f, plain, 'ok');
      await expectTransfer(f, { ...post, pendingId: plain.id }, 'pending_transfer_not_pending');
      await expectTransfer(
        f,
        { ...post, debitAccountId: c },
        'pending_transfer_has_different_debit_account_id',
      );
      await expectTransfer(
        f,
        { ...post, creditAccountId: c },
        'pending_transfer_has_different_credit_account_id',
      );
      await expectTransfer(f, { ...post, ledger: RUB }, 'pending_transfer_has_different_ledger');
      await expectTransfer(f, { ...post, code: 9 }, 'pending_transfer_has_different_code');
      await expectTransfer(f, { ...post, amount: 501n }, 'exceeds_pending_transfer_amount');
      await expectTransfer(
        f,
        { flags: TransferFlags.voidPending, pendingId: pending.id, amount: 499n },
        'pending_transfer_has_different_amount',
      );
      await expectTransfer(f, { ...post, amount: 300n }, 'ok');
      assert.deepEqual(await f.balances(a), {
        debitsPending: 0n,
        debitsPosted: 400n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
      assert.deepEqual(await f.balances(b), {
        debitsPending: 0n,
        debitsPosted: 0n,
        creditsPending: 0n,
        creditsPosted: 400n,
      });
      await expectTransfer(f, { ...post }, 'pending_transfer_already_posted');
      const second = transferInput({
        debitAccountId: a,
        creditAccountId: b,
        amount: 70n,
        flags: TransferFlags.pending,
      });
      assert.deepEqual(
        await f.transfers([
          second,
          transferInput({ flags: TransferFlags.voidPending, pendingId: second.id, amount: 0n }),
        ]),
        ['ok', 'ok'],
      );
      await expectTransfer(
        f,
        { flags: TransferFlags.postPending, pendingId: second.id, amount: 0n },
        'pending_transfer_already_voided',
      );
      assert.deepEqual(await f.balances(a), {
        debitsPending: 0n,
        debitsPosted: 400n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
      const [stored] = await f.ledger.lookupTransfers([pending.id]);
      assert.equal(stored?.pendingStatus, 'posted');
    });
    withFixture('timeouts: the ledger voids an expired pending transfer itself', async (f) => {
      const [a, b] = await f.openAccounts({}, {});
      const pending = transferInput({
        debitAccountId: a,
        creditAccountId: b,
        amount: 90n,
        flags: TransferFlags.pending,
        timeoutSeconds: 10,
      });
      await expectTransfer(f, pending, 'ok');
      f.clock.advanceSeconds(10);
      assert.equal(await f.ledger.expireDue(), 0);
      assert.deepEqual(await f.balances(a), {
        debitsPending: 90n,
        debitsPosted: 0n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
      f.clock.advanceSeconds(1); // the pending transfer's timestamp is a few nanoseconds past the clock's start
      await expectTransfer(
        f,
        { flags: TransferFlags.postPending, pendingId: pending.id, amount: 0n },
        'pending_transfer_expired',
      );
      assert.deepEqual(await f.balances(a), {
        debitsPending: 0n,
        debitsPosted: 0n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
      const [stored] = await f.ledger.lookupTransfers([pending.id]);
      assert.equal(stored?.pendingStatus, 'expired');
      const other = transferInput({
        debitAccountId: a,
        creditAccountId: b,
        amount: 5n,
        flags: TransferFlags.pending,
        timeoutSeconds: 1,
      });
      await expectTransfer(f, other, 'ok');
      f.clock.advanceSeconds(2);
      assert.equal(await f.ledger.expireDue(), 1);
      assert.equal((await f.ledger.lookupTransfers([other.id]))[0]?.pendingStatus, 'expired');
    });
    withFixture('balance limits and overflows', async (f) => {
      const [funded, limited, plain, creditLimited] = await f.openAccounts(
        {},
        { flags: AccountFlags.debitsMustNotExceedCredits },
        {},
        { flags: AccountFlags.creditsMustNotExceedDebits },
      );
      await expectTransfer(
        f,
        { debitAccountId: funded, creditAccountId: limited, amount: 100n },
        'ok',
      );
      await expectTransfer(
        f,
        { debitAccountId: limited, creditAccountId: plain, amount: 101n },
        'exceeds_credits',
      );
      await expectTransfer(
        f,
        {
          debitAccountId: limited,
          creditAccountId: plain,
          amount: 60n,
          flags: TransferFlags.pending,
        },
        'ok',
      );
      await expectTransfer(
        f,
        { debitAccountId: limited, creditAccountId: plain, amount: 41n },
        'exceeds_credits',
      );
      await expectTransfer(
        f,
        { debitAccountId: plain, creditAccountId: creditLimited, amount: 1n },
        'exceeds_debits',
      );
      const [big, other] = await f.openAccounts({}, {});
      await expectTransfer(
        f,
        { debitAccountId: big, creditAccountId: other, amount: AMOUNT_MAX },
        'ok',
      );
      await expectTransfer(
        f,
        { debitAccountId: big, creditAccountId: plain, amount: 1n },
        'overflows_debits_posted',
      );
      await expectTransfer(
        f,
        { debitAccountId: plain, creditAccountId: other, amount: 1n },
        'overflows_credits_posted',
      );
      await expectTransfer(
        f,
        { debitAccountId: big, creditAccountId: plain, amount: 1n, flags: TransferFlags.pending },
        'overflows_debits',
      );
      await expectTransfer(
        f,
        { debitAccountId: plain, creditAccountId: other, amount: 1n, flags: TransferFlags.pending },
        'overflows_credits',
      );
      const [p1, p2, p3] = await f.openAccounts({}, {}, {});
      await expectTransfer(
        f,
        {
          debitAccountId: p1,
          creditAccountId: p2,
          amount: AMOUNT_MAX,
          flags: TransferFlags.pending,
        },
        'ok',
      );
      await expectTransfer(
        f,
        { debitAccountId: p1, creditAccountId: p3, amount: 1n, flags: TransferFlags.pending },
        'overflows_debits_pending',
      );
      await expectTransfer(
        f,
        { debitAccountId: p3, creditAccountId: p2, amount: 1n, flags: TransferFlags.pending },
        'overflows_credits_pending',
      );
    });
    withFixture('linked chains: all or nothing, and an open chain', async (f) => {
      const [a, b] = await f.openAccounts({}, {});
      const first = transferInput({
        debitAccountId: a,
        creditAccountId: b,
        flags: TransferFlags.linked,
      });
      const bad = transferInput({
        debitAccountId: a,
        creditAccountId: b,
        flags: TransferFlags.linked,
        amount: 0n,
      });
      const third = transferInput({ debitAccountId: a, creditAccountId: b });
      const alone = transferInput({ debitAccountId: a, creditAccountId: b, amount: 7n });
      assert.deepEqual(await f.transfers([first, bad, third, alone]), [
        'linked_event_failed',
        'amount_must_not_be_zero',
        'linked_event_failed',
        'ok',
      ]);
      assert.deepEqual(
        await f.transfers([
          transferInput({ debitAccountId: a, creditAccountId: b, flags: TransferFlags.linked }),
        ]),
        ['linked_event_chain_open'],
      );
      seenTransferResults.add('linked_event_failed').add('linked_event_chain_open');
      assert.deepEqual(await f.balances(a), {
        debitsPending: 0n,
        debitsPosted: 7n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
      assert.equal((await f.ledger.lookupTransfers([first.id, third.id])).length, 0);
    });
    withFixture('a batch over the limit is refused whole', async (f) => {
      const [a, b] = await f.openAccounts({}, {});
      const batch = Array.from({ length: BATCH_MAX + 1 }, () =>
        transferInput({ debitAccountId: a, creditAccountId: b }),
      );
      assert.deepEqual(await f.ledger.createTransfers(batch), {
        ok: false,
        error: 'batch_too_large',
      });
      assert.equal((await f.store.counts()).transfers, 0);
      const full = await f.transfers(batch.slice(0, BATCH_MAX));
      assert.equal(full.filter((result) => result === 'ok').length, BATCH_MAX);
    });
    it('covers every transfer result code', () => {
      assert.deepEqual(
        CREATE_TRANSFER_RESULTS.filter((code) => !seenTransferResults.has(code)),
        [],
      );
    });
  });
}
