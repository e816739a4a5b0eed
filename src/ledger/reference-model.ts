import { AMOUNT_MAX, currencyByLedger } from './currency.js';
import { MAX_ID, ZERO_ID } from './ids.js';
import type { AccountInput, TransferInput } from './model.js';
import type { CreateAccountResult, CreateTransferResult } from './results.js';

/**
 * A deliberately simple in-memory ledger, written from the rules in docs/ledger.md without looking
 * at the real implementation, for model-based tests: a linked chain is run on a deep copy of the
 * whole state, kept if it succeeds and thrown away if it fails. Slow, obvious, and independent.
 */
interface ModelAccount {
  input: AccountInput;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}
interface ModelTransfer {
  input: TransferInput;
  /** As stored: post/void carry their pending's accounts, ledger, code and the real amount. */
  stored: TransferInput;
  status?: 'pending' | 'posted' | 'voided' | 'expired';
  /** Set by the test from the timestamp the real ledger assigned; 0n = never expires. */
  expiresAt: bigint;
}
interface State {
  accounts: Map<string, ModelAccount>;
  transfers: Map<string, ModelTransfer>;
}

const LINKED = 1;
const PENDING = 2;
const POST = 4;
const VOID = 8;

export class ReferenceLedger {
  private state: State = { accounts: new Map(), transfers: new Map() };

  createAccounts(events: readonly AccountInput[]): CreateAccountResult[] {
    return this.runChains(events, (event) => this.createAccount(event)) as CreateAccountResult[];
  }

  createTransfers(events: readonly TransferInput[], nowNs: bigint): CreateTransferResult[] {
    this.expire(nowNs);
    return this.runChains(events, (event) =>
      this.createTransfer(event, nowNs),
    ) as CreateTransferResult[];
  }

  /** The real ledger assigned this pending transfer its timestamp; it expires `timeout` seconds later. */
  setPendingTimestamp(id: string, timestampNs: bigint): void {
    const transfer = this.state.transfers.get(id);
    if (
      transfer !== undefined &&
      transfer.status !== undefined &&
      transfer.input.timeoutSeconds > 0
    ) {
      transfer.expiresAt = timestampNs + BigInt(transfer.input.timeoutSeconds) * 1_000_000_000n;
    }
  }

  expire(nowNs: bigint): void {
    for (const transfer of this.state.transfers.values()) {
      if (
        transfer.status === 'pending' &&
        transfer.expiresAt !== 0n &&
        transfer.expiresAt <= nowNs
      ) {
        this.account(transfer.stored.debitAccountId).debitsPending -= transfer.stored.amount;
        this.account(transfer.stored.creditAccountId).creditsPending -= transfer.stored.amount;
        transfer.status = 'expired';
      }
    }
  }

  balances(
    id: string,
  ):
    | { debitsPending: bigint; debitsPosted: bigint; creditsPending: bigint; creditsPosted: bigint }
    | undefined {
    const account = this.state.accounts.get(id);
    if (account === undefined) return undefined;
    const { debitsPending, debitsPosted, creditsPending, creditsPosted } = account;
    return { debitsPending, debitsPosted, creditsPending, creditsPosted };
  }

  pendingStatus(id: string): string | undefined {
    return this.state.transfers.get(id)?.status;
  }

  accountIds(): string[] {
    return [...this.state.accounts.keys()];
  }

  transferIds(): string[] {
    return [...this.state.transfers.keys()];
  }

  private account(id: string): ModelAccount {
    const account = this.state.accounts.get(id);
    if (account === undefined) throw new Error(`model: no account ${id}`);
    return account;
  }

  private runChains<Event extends { flags: number }>(
    events: readonly Event[],
    apply: (event: Event) => string,
  ): string[] {
    const results: string[] = [];
    let start = 0;
    while (start < events.length) {
      let end = start;
      while (end < events.length - 1 && ((events[end] as Event).flags & LINKED) !== 0) end += 1;
      const saved = cloneState(this.state);
      const chain: string[] = [];
      let failed = -1;
      for (let index = start; index <= end && failed < 0; index += 1) {
        const event = events[index] as Event;
        const result =
          index === events.length - 1 && (event.flags & LINKED) !== 0
            ? 'linked_event_chain_open'
            : apply(event);
        chain.push(result);
        if (result !== 'ok' && result !== 'exists') failed = index - start;
      }
      if (failed >= 0) {
        this.state = saved;
        for (let index = start; index <= end; index += 1)
          results.push(
            index - start === failed ? (chain[failed] as string) : 'linked_event_failed',
          );
      } else {
        results.push(...chain);
      }
      start = end + 1;
    }
    return results;
  }

  private createAccount(event: AccountInput): string {
    if ((event.flags & ~15) !== 0) return 'reserved_flag';
    if (event.id === ZERO_ID) return 'id_must_not_be_zero';
    if (event.id === MAX_ID) return 'id_must_not_be_int_max';
    const existing = this.state.accounts.get(event.id)?.input;
    if (existing !== undefined) {
      if (existing.flags !== event.flags) return 'exists_with_different_flags';
      if (existing.owner !== event.owner) return 'exists_with_different_owner';
      if (existing.reference !== event.reference) return 'exists_with_different_reference';
      if (existing.userData64 !== event.userData64 || existing.userData32 !== event.userData32)
        return 'exists_with_different_user_data';
      if (existing.ledger !== event.ledger) return 'exists_with_different_ledger';
      if (existing.code !== event.code) return 'exists_with_different_code';
      return 'exists';
    }
    if ((event.flags & 6) === 6) return 'flags_are_mutually_exclusive';
    if (event.ledger === 0) return 'ledger_must_not_be_zero';
    if (currencyByLedger(event.ledger) === undefined) return 'ledger_not_supported';
    if (event.code === 0) return 'code_must_not_be_zero';
    if (event.owner === '') return 'owner_must_not_be_empty';
    this.state.accounts.set(event.id, {
      input: event,
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 0n,
    });
    return 'ok';
  }

  private createTransfer(event: TransferInput, nowNs: bigint): string {
    if ((event.flags & ~15) !== 0) return 'reserved_flag';
    if (event.id === ZERO_ID) return 'id_must_not_be_zero';
    if (event.id === MAX_ID) return 'id_must_not_be_int_max';
    const existing = this.state.transfers.get(event.id);
    if (existing !== undefined) return compareWithExisting(event, existing.stored);
    const resolving = (event.flags & (POST | VOID)) !== 0;
    const invalid = validate(event, resolving);
    if (invalid !== undefined) return invalid;
    return resolving ? this.resolve(event, nowNs) : this.transfer(event);
  }

  private transfer(event: TransferInput): string {
    const debit = this.state.accounts.get(event.debitAccountId);
    if (debit === undefined) return 'debit_account_not_found';
    const credit = this.state.accounts.get(event.creditAccountId);
    if (credit === undefined) return 'credit_account_not_found';
    if (debit.input.ledger !== credit.input.ledger) return 'accounts_must_have_the_same_ledger';
    if (event.ledger !== debit.input.ledger) return 'ledger_mismatch';
    const pending = (event.flags & PENDING) !== 0;
    const amount = event.amount;
    if (pending && debit.debitsPending + amount > AMOUNT_MAX) return 'overflows_debits_pending';
    if (pending && credit.creditsPending + amount > AMOUNT_MAX) return 'overflows_credits_pending';
    if (!pending && debit.debitsPosted + amount > AMOUNT_MAX) return 'overflows_debits_posted';
    if (!pending && credit.creditsPosted + amount > AMOUNT_MAX) return 'overflows_credits_posted';
    if (debit.debitsPending + debit.debitsPosted + amount > AMOUNT_MAX) return 'overflows_debits';
    if (credit.creditsPending + credit.creditsPosted + amount > AMOUNT_MAX)
      return 'overflows_credits';
    if (
      (debit.input.flags & 2) !== 0 &&
      debit.debitsPending + debit.debitsPosted + amount > debit.creditsPosted
    )
      return 'exceeds_credits';
    if (
      (credit.input.flags & 4) !== 0 &&
      credit.creditsPending + credit.creditsPosted + amount > credit.debitsPosted
    )
      return 'exceeds_debits';
    if (pending) {
      debit.debitsPending += amount;
      credit.creditsPending += amount;
    } else {
      debit.debitsPosted += amount;
      credit.creditsPosted += amount;
    }
    this.state.transfers.set(event.id, {
      input: event,
      stored: event,
      status: pending ? 'pending' : undefined,
      expiresAt: 0n,
    });
    return 'ok';
  }

  private resolve(event: TransferInput, nowNs: bigint): string {
    const target = this.state.transfers.get(event.pendingId);
    if (target === undefined) return 'pending_transfer_not_found';
    const p = target.stored;
    if ((p.flags & PENDING) === 0) return 'pending_transfer_not_pending';
    if (event.debitAccountId !== ZERO_ID && event.debitAccountId !== p.debitAccountId)
      return 'pending_transfer_has_different_debit_account_id';
    if (event.creditAccountId !== ZERO_ID && event.creditAccountId !== p.creditAccountId)
      return 'pending_transfer_has_different_credit_account_id';
    if (event.ledger !== 0 && event.ledger !== p.ledger)
      return 'pending_transfer_has_different_ledger';
    if (event.code !== 0 && event.code !== p.code) return 'pending_transfer_has_different_code';
    const post = (event.flags & POST) !== 0;
    if (post && event.amount > p.amount) return 'exceeds_pending_transfer_amount';
    if (!post && event.amount !== 0n && event.amount !== p.amount)
      return 'pending_transfer_has_different_amount';
    if (target.status === 'posted') return 'pending_transfer_already_posted';
    if (target.status === 'voided') return 'pending_transfer_already_voided';
    if (target.status === 'expired' || (target.expiresAt !== 0n && target.expiresAt <= nowNs))
      return 'pending_transfer_expired';
    const amount = post && event.amount !== 0n ? event.amount : p.amount;
    const debit = this.account(p.debitAccountId);
    const credit = this.account(p.creditAccountId);
    if (post && debit.debitsPosted + amount > AMOUNT_MAX) return 'overflows_debits_posted';
    if (post && credit.creditsPosted + amount > AMOUNT_MAX) return 'overflows_credits_posted';
    debit.debitsPending -= p.amount;
    credit.creditsPending -= p.amount;
    if (post) {
      debit.debitsPosted += amount;
      credit.creditsPosted += amount;
    }
    target.status = post ? 'posted' : 'voided';
    const stored = {
      ...event,
      debitAccountId: p.debitAccountId,
      creditAccountId: p.creditAccountId,
      ledger: p.ledger,
      code: p.code,
      amount,
    };
    this.state.transfers.set(event.id, { input: event, stored, expiresAt: 0n });
    return 'ok';
  }
}

function validate(event: TransferInput, resolving: boolean): string | undefined {
  const phases = [PENDING, POST, VOID].filter((flag) => (event.flags & flag) !== 0).length;
  if (phases > 1) return 'flags_are_mutually_exclusive';
  if (!resolving && event.debitAccountId === ZERO_ID) return 'debit_account_id_must_not_be_zero';
  if (event.debitAccountId === MAX_ID) return 'debit_account_id_must_not_be_int_max';
  if (!resolving && event.creditAccountId === ZERO_ID) return 'credit_account_id_must_not_be_zero';
  if (event.creditAccountId === MAX_ID) return 'credit_account_id_must_not_be_int_max';
  if (event.debitAccountId !== ZERO_ID && event.debitAccountId === event.creditAccountId)
    return 'accounts_must_be_different';
  if (!resolving && event.pendingId !== ZERO_ID) return 'pending_id_must_be_zero';
  if (resolving && event.pendingId === ZERO_ID) return 'pending_id_must_not_be_zero';
  if (resolving && event.pendingId === MAX_ID) return 'pending_id_must_not_be_int_max';
  if (resolving && event.pendingId === event.id) return 'pending_id_must_be_different';
  if (event.timeoutSeconds !== 0 && (event.flags & PENDING) === 0)
    return 'timeout_reserved_for_pending_transfer';
  if (event.timeoutSeconds < 0 || event.timeoutSeconds > 2 ** 31 - 1) return 'timeout_out_of_range';
  if (!resolving && event.amount === 0n) return 'amount_must_not_be_zero';
  if (event.amount < 0n || event.amount > AMOUNT_MAX) return 'amount_out_of_range';
  if (!resolving && event.ledger === 0) return 'ledger_must_not_be_zero';
  if (!resolving && event.code === 0) return 'code_must_not_be_zero';
  return undefined;
}

function compareWithExisting(event: TransferInput, stored: TransferInput): string {
  const resolving = (event.flags & (POST | VOID)) !== 0;
  const same = <T>(given: T, kept: T, omitted: T): boolean =>
    given === kept || (resolving && given === omitted);
  if (event.flags !== stored.flags) return 'exists_with_different_flags';
  if (event.pendingId !== stored.pendingId) return 'exists_with_different_pending_id';
  if (event.timeoutSeconds !== stored.timeoutSeconds) return 'exists_with_different_timeout';
  if (!same(event.debitAccountId, stored.debitAccountId, ZERO_ID as string))
    return 'exists_with_different_debit_account_id';
  if (!same(event.creditAccountId, stored.creditAccountId, ZERO_ID as string))
    return 'exists_with_different_credit_account_id';
  if (!same(event.amount, stored.amount, 0n)) return 'exists_with_different_amount';
  if (event.reference !== stored.reference) return 'exists_with_different_reference';
  if (event.userData64 !== stored.userData64 || event.userData32 !== stored.userData32)
    return 'exists_with_different_user_data';
  if (!same(event.ledger, stored.ledger, 0)) return 'exists_with_different_ledger';
  if (!same(event.code, stored.code, 0)) return 'exists_with_different_code';
  return 'exists';
}

function cloneState(state: State): State {
  const accounts = new Map([...state.accounts].map(([id, account]) => [id, { ...account }]));
  const transfers = new Map([...state.transfers].map(([id, transfer]) => [id, { ...transfer }]));
  return { accounts, transfers };
}
