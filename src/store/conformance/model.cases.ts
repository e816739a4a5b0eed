import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { AMOUNT_MAX } from '../../ledger/currency.js';
import { TransferFlags } from '../../ledger/flags.js';
import { ZERO_ACCOUNT_ID, ZERO_TRANSFER_ID } from '../../ledger/ids.js';
import type { AccountInput, TransferInput } from '../../ledger/model.js';
import { ReferenceLedger } from '../../ledger/reference-model.js';
import { verifyLedger } from '../../ledger/verify.js';
import { accountId, INR, LedgerFixture, RUB, transferId } from './fixtures.js';
import type { StoreFactory } from './fixtures.js';

/** Small id pools, so that random commands collide: duplicates, posts of real pendings, and so on. */
const ACCOUNT_IDS = Array.from({ length: 6 }, (_, index) =>
  accountId(`0195a000-0000-7000-8000-00000000000${index + 1}`),
);
const TRANSFER_IDS = Array.from({ length: 24 }, (_, index) =>
  transferId(`0195b000-0000-7000-8000-${String(index + 1).padStart(12, '0')}`),
);

interface Real {
  readonly fixture: LedgerFixture;
}

const accountArbitrary: fc.Arbitrary<AccountInput> = fc.record({
  id: fc.constantFrom(...ACCOUNT_IDS),
  ledger: fc.constantFrom(INR, INR, RUB, 0, 999),
  code: fc.constantFrom(1, 1, 2, 0),
  flags: fc.constantFrom(0, 0, 0, 1, 2, 4, 6, 3, 8, 10, 32),
  owner: fc.constantFrom('sbi', 'vtb'),
  reference: fc.constant(''),
  userData64: fc.constant(0n),
  userData32: fc.constant(0),
});

const transferArbitrary: fc.Arbitrary<TransferInput> = fc.record({
  id: fc.constantFrom(...TRANSFER_IDS),
  debitAccountId: fc.constantFrom(...ACCOUNT_IDS, ZERO_ACCOUNT_ID),
  creditAccountId: fc.constantFrom(...ACCOUNT_IDS, ZERO_ACCOUNT_ID),
  amount: fc.constantFrom(0n, 1n, 5n, 50n, 100n, 1000n, AMOUNT_MAX, AMOUNT_MAX - 1n),
  pendingId: fc.constantFrom(ZERO_TRANSFER_ID, ZERO_TRANSFER_ID, ...TRANSFER_IDS),
  ledger: fc.constantFrom(INR, INR, RUB, 0),
  code: fc.constantFrom(1, 1, 1, 2, 0),
  flags: fc.constantFrom(0, 0, 1, 2, 2, 3, 4, 4, 5, 8, 8, 9, 6, 16),
  timeoutSeconds: fc.constantFrom(0, 0, 0, 1, 3),
  reference: fc.constantFrom('', '', 'INV-7'),
  userData64: fc.constant(0n),
  userData32: fc.constant(0),
});

class CreateAccounts implements fc.AsyncCommand<ReferenceLedger, Real> {
  constructor(readonly events: AccountInput[]) {}
  check = (): boolean => true;
  async run(model: ReferenceLedger, real: Real): Promise<void> {
    const expected = model.createAccounts(this.events);
    assert.deepEqual(await real.fixture.accounts(this.events), expected);
    await compareState(model, real);
  }
  toString = (): string =>
    `accounts(${this.events.map((event) => `${event.id.slice(-2)}:${event.ledger}/${event.flags}/${event.code}`).join(' ')})`;
}

class CreateTransfers implements fc.AsyncCommand<ReferenceLedger, Real> {
  constructor(readonly events: TransferInput[]) {}
  check = (): boolean => true;
  async run(model: ReferenceLedger, real: Real): Promise<void> {
    const expected = model.createTransfers(this.events, real.fixture.clock.nowNs());
    const actual = await real.fixture.transfers(this.events);
    assert.deepEqual(actual, expected, this.toString());
    // The server assigns timestamps; tell the model when each new pending transfer started.
    const created = this.events.filter(
      (event, index) => actual[index] === 'ok' && (event.flags & TransferFlags.pending) !== 0,
    );
    for (const transfer of await real.fixture.ledger.lookupTransfers(
      created.map((event) => event.id),
    )) {
      model.setPendingTimestamp(transfer.id, transfer.timestamp);
    }
    await compareState(model, real);
  }
  toString = (): string =>
    `transfers(${this.events.map((e) => `${e.id.slice(-2)}:${e.debitAccountId.slice(-1)}>${e.creditAccountId.slice(-1)} ${e.amount} f${e.flags} p${e.pendingId.slice(-2)} t${e.timeoutSeconds} l${e.ledger} c${e.code}`).join(' | ')})`;
}

class AdvanceClock implements fc.AsyncCommand<ReferenceLedger, Real> {
  constructor(
    readonly seconds: number,
    readonly sweep: boolean,
  ) {}
  check = (): boolean => true;
  async run(model: ReferenceLedger, real: Real): Promise<void> {
    real.fixture.clock.advanceSeconds(this.seconds);
    if (this.sweep) {
      model.expire(real.fixture.clock.nowNs());
      await real.fixture.ledger.expireDue();
      await compareState(model, real);
    }
  }
  toString = (): string => `advance(${this.seconds}s${this.sweep ? ', sweep' : ''})`;
}

async function compareState(model: ReferenceLedger, real: Real): Promise<void> {
  const accounts = await real.fixture.ledger.lookupAccounts(ACCOUNT_IDS);
  assert.deepEqual(
    accounts.map((account) => account.id).sort(),
    model.accountIds().sort(),
    'the same accounts exist',
  );
  for (const account of accounts) {
    const { debitsPending, debitsPosted, creditsPending, creditsPosted } = account;
    assert.deepEqual(
      { debitsPending, debitsPosted, creditsPending, creditsPosted },
      model.balances(account.id),
      `balances of ${account.id}`,
    );
  }
  const transfers = await real.fixture.ledger.lookupTransfers(TRANSFER_IDS);
  assert.deepEqual(
    transfers.map((transfer) => transfer.id).sort(),
    model.transferIds().sort(),
    'the same transfers exist',
  );
  for (const transfer of transfers)
    assert.equal(
      transfer.pendingStatus,
      model.pendingStatus(transfer.id),
      `status of ${transfer.id}`,
    );
}

const commands = [
  fc
    .array(accountArbitrary, { minLength: 1, maxLength: 4 })
    .map((events) => new CreateAccounts(events)),
  fc
    .array(transferArbitrary, { minLength: 1, maxLength: 6 })
    .map((events) => new CreateTransfers(events)),
  fc
    .array(transferArbitrary, { minLength: 1, maxLength: 6 })
    .map((events) => new CreateTransfers(events)),
  fc
    .tuple(fc.integer({ min: 0, max: 4 }), fc.boolean())
    .map(([seconds, sweep]) => new AdvanceClock(seconds, sweep)),
];

/** Random sequences of commands against the real ledger on `factory`'s store and the reference model. */
export function modelCases(
  factory: StoreFactory,
  runs = Number(process.env.VOSTRO_MODEL_RUNS ?? 60),
): void {
  it(
    `${factory.name}: random command sequences match the reference model`,
    { timeout: 600_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (sequence) => {
          const store = await factory.open();
          try {
            const fixture = new LedgerFixture(store);
            // Seed accounts so most transfers find theirs.
            const seed = ACCOUNT_IDS.slice(0, 4).map((id, index) => ({
              id,
              ledger: index < 3 ? INR : RUB,
              code: 1,
              flags: index === 1 ? 2 : 0,
              owner: 'seed',
              reference: '',
              userData64: 0n,
              userData32: 0,
            }));
            const model = new ReferenceLedger();
            model.createAccounts(seed);
            await fixture.accounts(seed);
            await fc.asyncModelRun(() => ({ model, real: { fixture } }), sequence);
            const report = await verifyLedger(store);
            assert.deepEqual(report.problems, []);
          } finally {
            await store.close();
          }
        }),
        { numRuns: runs },
      );
    },
  );
}
