import { manualClock, type ManualClock } from '../../ledger/clock.js';
import { AccountFlags, TransferFlags } from '../../ledger/flags.js';
import {
  newAccountId,
  newTransferId,
  parseAccountId,
  parseTransferId,
  ZERO_ACCOUNT_ID,
  ZERO_TRANSFER_ID,
  type AccountId,
  type TransferId,
} from '../../ledger/ids.js';
import { Ledger } from '../../ledger/ledger.js';
import { AccountKind, type AccountInput, type TransferInput } from '../../ledger/model.js';
import type { CreateAccountResult, CreateTransferResult } from '../../ledger/results.js';
import type { LedgerStore } from '../store.js';

export const INR = 356;
export const RUB = 643;

/**
 * An account id a test writes out, through the ledger's own parser: a test id that is not a UUID
 * fails at once instead of reaching a store under a brand it does not deserve.
 */
export function accountId(text: string): AccountId {
  const id = parseAccountId(text);
  if (id === undefined) throw new Error(`test fixture: ${JSON.stringify(text)} is not an id`);
  return id;
}

/** A transfer id a test writes out; see `accountId`. */
export function transferId(text: string): TransferId {
  const id = parseTransferId(text);
  if (id === undefined) throw new Error(`test fixture: ${JSON.stringify(text)} is not an id`);
  return id;
}

export function accountInput(overrides: Partial<AccountInput> = {}): AccountInput {
  return {
    id: newAccountId(),
    ledger: INR,
    code: AccountKind.settlement,
    flags: AccountFlags.none,
    owner: 'sbi',
    reference: '',
    userData64: 0n,
    userData32: 0,
    ...overrides,
  };
}

export function transferInput(overrides: Partial<TransferInput> = {}): TransferInput {
  return {
    id: newTransferId(),
    debitAccountId: ZERO_ACCOUNT_ID,
    creditAccountId: ZERO_ACCOUNT_ID,
    amount: 100n,
    pendingId: ZERO_TRANSFER_ID,
    ledger: INR,
    code: 1,
    flags: TransferFlags.none,
    timeoutSeconds: 0,
    reference: '',
    userData64: 0n,
    userData32: 0,
    ...overrides,
  };
}

/** A ledger on a store with a manual clock, and shorthands that fail loudly on a refused batch. */
export class LedgerFixture {
  readonly clock: ManualClock = manualClock();
  readonly ledger: Ledger;

  constructor(readonly store: LedgerStore) {
    this.ledger = new Ledger(store, { clock: this.clock });
  }

  async accounts(inputs: readonly AccountInput[]): Promise<CreateAccountResult[]> {
    const outcome = await this.ledger.createAccounts(inputs);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.results;
  }

  async transfers(inputs: readonly TransferInput[]): Promise<CreateTransferResult[]> {
    const outcome = await this.ledger.createTransfers(inputs);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.results;
  }

  /** Creates accounts that must succeed and returns their ids. */
  async openAccounts<Inputs extends Partial<AccountInput>[]>(
    ...inputs: Inputs
  ): Promise<{ [K in keyof Inputs]: AccountId }> {
    const created = inputs.map((input) => accountInput(input));
    const results = await this.accounts(created);
    if (results.some((result) => result !== 'ok'))
      throw new Error(`fixture accounts refused: ${results.join(', ')}`);
    return created.map((input) => input.id) as { [K in keyof Inputs]: AccountId };
  }

  async balances(id: AccountId): Promise<{
    debitsPending: bigint;
    debitsPosted: bigint;
    creditsPending: bigint;
    creditsPosted: bigint;
  }> {
    const [account] = await this.ledger.lookupAccounts([id]);
    if (account === undefined) throw new Error(`no account ${id}`);
    const { debitsPending, debitsPosted, creditsPending, creditsPosted } = account;
    return { debitsPending, debitsPosted, creditsPending, creditsPosted };
  }
}

/** How a conformance suite gets a fresh, empty store of the kind under test. */
export interface StoreFactory {
  readonly name: string;
  /** Undefined when this kind of store cannot run here (the suite then says so and skips). */
  readonly unavailableReason?: () => Promise<string | undefined>;
  open(): Promise<LedgerStore>;
}
