import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExitCode } from '../io.js';
import {
  createAccount,
  storeCounts,
  tempDb,
  transfer,
  vostro,
  vostroJson,
  vostroOk,
} from './cli.test-helper.js';

interface TransferJson {
  id: string;
  result: string;
  message: string;
  transfer: {
    id: string;
    kind: string;
    amount: string;
    currency: string;
    debitAccountId: string;
    creditAccountId: string;
    pendingStatus: string | null;
    expiresAt: string | null;
    code: number;
    reference: string;
    timestamp: string;
  } | null;
}

interface BalanceJson {
  debitsPosted: string;
  creditsPosted: string;
  debitsPending: string;
  creditsPending: string;
  netPosted: string;
}

describe('vostro transfer', () => {
  const { path: db, cleanup } = tempDb();
  let sbi = '';
  let sberbank = '';
  let funded = '';
  let rub = '';
  before(async () => {
    await vostroOk(['init', '--db', db]);
    sbi = await createAccount(db, 'sbi', 'INR');
    sberbank = await createAccount(db, 'sberbank', 'INR');
    funded = await createAccount(db, 'bob', 'INR', ['--debits-must-not-exceed-credits']);
    rub = await createAccount(db, 'vtb', 'RUB');
  });
  after(cleanup);

  const balance = async (id: string): Promise<BalanceJson> =>
    (await vostroJson<{ balances: BalanceJson }>(['balance', id, '--db', db])).balances;

  /** Runs a command that must be refused and checks that it wrote nothing at all. */
  async function refusedWithoutWriting(
    argv: readonly string[],
    code: number,
    stderrPattern: RegExp,
  ): Promise<void> {
    const countsBefore = await storeCounts(db);
    const run = await vostro(argv);
    assert.equal(run.code, code, `exit code of ${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, stderrPattern);
    assert.deepEqual(await storeCounts(db), countsBefore);
  }

  it('moves money and prints the transfer', async () => {
    const run = await transfer(db, sbi, sberbank, '12500.00', ['--reference', 'INV-1']);
    assert.equal(run.code, ExitCode.ok, run.stderr);
    assert.match(run.stdout, /plain transfer of 12,500\.00 INR/);
    assert.match(run.stdout, /reference INV-1/);
    assert.equal((await balance(sberbank)).creditsPosted, '12500.00');
    assert.equal((await balance(sbi)).netPosted, '-12500.00');
  });

  it('`transfer create` is the same command, and --json gives the result and the stored transfer', async () => {
    const out = await vostroJson<TransferJson>([
      'transfer',
      'create',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      sberbank,
      '--amount',
      '0.05',
      '--code',
      '7',
    ]);
    assert.equal(out.result, 'ok');
    assert.equal(out.message, 'the transfer was created');
    assert.ok(out.transfer);
    assert.equal(out.transfer.id, out.id);
    assert.equal(out.transfer.kind, 'plain');
    assert.equal(out.transfer.amount, '0.05');
    assert.equal(out.transfer.currency, 'INR');
    assert.equal(out.transfer.code, 7);
    assert.match(out.transfer.timestamp, /^\d+$/);
  });

  it('re-sending the same --id and content is `exists`, exit 0, written once', async () => {
    const id = '0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b';
    await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      sberbank,
      '--amount',
      '1',
      '--id',
      id,
    ]);
    const countsBefore = await storeCounts(db);
    const again = await transfer(db, sbi, sberbank, '1', ['--id', id.toUpperCase()]);
    assert.equal(again.code, ExitCode.ok);
    assert.match(again.stderr, /exists already/);
    assert.deepEqual(await storeCounts(db), countsBefore);
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', sbi, '--credit', sberbank, '--amount', '2', '--id', id],
      1,
      /exists_with_different_amount/,
    );
  });

  for (const [amount, pattern] of [
    ['1e3', /--amount: amount "1e3" is not a plain decimal number/],
    ['-5', /--amount: amount "-5" is not a plain decimal number/],
    ['1.234', /--amount: INR allows at most 2 decimal places/],
    ['abc', /--amount: amount "abc" is not a plain decimal number/],
    ['0', /--amount: amount must be between 0\.01 and/],
    ['0.00', /--amount: amount must be between 0\.01 and/],
    ['1,000.00', /--amount: .*not a plain decimal/],
    ['92233720368547758.08', /--amount: amount must be between/],
    ['', /--amount: .*not a plain decimal/],
  ] as const) {
    it(`refuses --amount "${amount}" with exit 2 and writes nothing`, async () => {
      await refusedWithoutWriting(
        ['transfer', '--db', db, '--debit', sbi, '--credit', sberbank, '--amount', amount],
        ExitCode.usage,
        pattern,
      );
    });
  }

  it('refuses an unknown debit or credit account with exit 1, naming the side', async () => {
    const unknown = '0190a5b2-0000-7000-8000-000000000001';
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', unknown, '--credit', sberbank, '--amount', '1'],
      1,
      new RegExp(`debit account \\(--debit\\) ${unknown} does not exist`),
    );
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', sbi, '--credit', unknown, '--amount', '1'],
      1,
      new RegExp(`credit account \\(--credit\\) ${unknown} does not exist`),
    );
  });

  it('refuses malformed uuids with exit 2, naming the option', async () => {
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', 'sbi', '--credit', sberbank, '--amount', '1'],
      2,
      /--debit: "sbi" is not an account id/,
    );
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', sbi, '--credit', `${sberbank}x`, '--amount', '1'],
      2,
      /--credit: .* is not an account id/,
    );
    await refusedWithoutWriting(
      [
        'transfer',
        '--db',
        db,
        '--debit',
        sbi,
        '--credit',
        sberbank,
        '--amount',
        '1',
        '--id',
        '123',
      ],
      2,
      /--id: "123" is not a transfer id/,
    );
  });

  it('refuses the same account on both sides with its result code, exit 1', async () => {
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', sbi, '--credit', sbi, '--amount', '1'],
      1,
      /accounts_must_be_different: the debit and the credit account must be different accounts/,
    );
  });

  it('refuses accounts in different currencies', async () => {
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', sbi, '--credit', rub, '--amount', '1'],
      1,
      /accounts_must_have_the_same_ledger/,
    );
  });

  it('refuses a debit beyond the credits of a funded account', async () => {
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', funded, '--credit', sbi, '--amount', '1'],
      1,
      /exceeds_credits/,
    );
  });

  it('a refused transfer with --json prints its result code and message, exit 1', async () => {
    const run = await vostro([
      'transfer',
      '--db',
      db,
      '--debit',
      funded,
      '--credit',
      sbi,
      '--amount',
      '1',
      '--json',
    ]);
    assert.equal(run.code, 1);
    const out = JSON.parse(run.stdout) as TransferJson;
    assert.equal(out.result, 'exceeds_credits');
    assert.match(out.message, /may not have more debits than credits/);
    assert.equal(out.transfer, null);
  });

  it('refuses a missing required option with exit 2', async () => {
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--debit', sbi, '--credit', sberbank],
      2,
      /required option '--amount <decimal>' not specified/,
    );
    await refusedWithoutWriting(
      ['transfer', '--db', db, '--credit', sberbank, '--amount', '1'],
      2,
      /required option '--debit <account-id>'/,
    );
  });

  it('validates --code, --timeout and --reference', async () => {
    const base = ['transfer', '--db', db, '--debit', sbi, '--credit', sberbank, '--amount', '1'];
    await refusedWithoutWriting([...base, '--code', '0'], 2, /--code: 0 is out of range/);
    await refusedWithoutWriting(
      [...base, '--code', '1.5'],
      2,
      /--code: "1.5" is not a whole number/,
    );
    await refusedWithoutWriting(
      [...base, '--timeout', '10'],
      2,
      /--timeout: only a --pending transfer can time out/,
    );
    await refusedWithoutWriting([...base, '--pending', '--timeout', '-1'], 2, /--timeout/);
    await refusedWithoutWriting(
      [...base, '--reference', 'x'.repeat(65)],
      2,
      /--reference: the reference is 65 characters long/,
    );
  });

  it('refuses to create a database behind a mistyped --db', async () => {
    const run = await transfer(`${db}.missing`, sbi, sberbank, '1');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no database at .*\.missing; create one with `vostro init/);
  });

  it('reserves with --pending, posts part of it, and refuses a second post', async () => {
    const before = await balance(sberbank);
    const pending = await vostroJson<TransferJson>([
      'transfer',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      sberbank,
      '--amount',
      '1000.00',
      '--pending',
      '--timeout',
      '3600',
    ]);
    assert.equal(pending.transfer?.kind, 'pending');
    assert.equal(pending.transfer.pendingStatus, 'pending');
    assert.ok(pending.transfer.expiresAt);
    assert.equal((await balance(sberbank)).creditsPending, '1000.00');
    const post = await vostroJson<TransferJson>([
      'transfer',
      'post',
      pending.id,
      '--db',
      db,
      '--amount',
      '600.50',
    ]);
    assert.equal(post.transfer?.kind, 'post');
    assert.equal(post.transfer.amount, '600.50');
    assert.equal(post.transfer.debitAccountId, sbi);
    const after = await balance(sberbank);
    assert.equal(after.creditsPending, '0.00');
    assert.equal(
      BigInt(after.creditsPosted.replace('.', '')) - BigInt(before.creditsPosted.replace('.', '')),
      60050n,
    );
    await refusedWithoutWriting(
      ['transfer', 'post', pending.id, '--db', db],
      1,
      /pending_transfer_already_posted/,
    );
    await refusedWithoutWriting(
      ['transfer', 'void', pending.id, '--db', db],
      1,
      /pending_transfer_already_posted/,
    );
  });

  it('voids a pending transfer and refuses posting more than was reserved', async () => {
    const pending = await vostroJson<TransferJson>([
      'transfer',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      sberbank,
      '--amount',
      '50',
      '--pending',
    ]);
    await refusedWithoutWriting(
      ['transfer', 'post', pending.id, '--db', db, '--amount', '50.01'],
      1,
      /exceeds_pending_transfer_amount/,
    );
    await refusedWithoutWriting(
      ['transfer', 'post', pending.id, '--db', db, '--amount', '5.001'],
      2,
      /--amount: INR allows at most 2 decimal places/,
    );
    const run = await vostroOk(['transfer', 'void', pending.id, '--db', db]);
    assert.match(run.stdout, /void transfer of 50\.00 INR/);
    assert.equal((await balance(sberbank)).creditsPending, '0.00');
  });

  it('refuses post and void of unknown or malformed pending ids', async () => {
    await refusedWithoutWriting(
      ['transfer', 'post', '0190a5b2-0000-7000-8000-0000000000ff', '--db', db],
      1,
      /pending transfer 0190a5b2-0000-7000-8000-0000000000ff does not exist/,
    );
    await refusedWithoutWriting(
      ['transfer', 'void', 'nope', '--db', db],
      2,
      /<pending-id>: "nope" is not a transfer id/,
    );
  });

  it('lets the ledger void a pending transfer at its timeout', async () => {
    const pending = await vostroJson<TransferJson>([
      'transfer',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      sberbank,
      '--amount',
      '75',
      '--pending',
      '--timeout',
      '1',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Any command voids what is due first: the ledger writes that void itself, so read once before counting.
    assert.equal((await balance(sberbank)).creditsPending, '0.00');
    await refusedWithoutWriting(
      ['transfer', 'post', pending.id, '--db', db],
      1,
      /pending_transfer_expired/,
    );
    const history = await vostroJson<{ transfers: { kind: string }[] }>([
      'history',
      sberbank,
      '--db',
      db,
      '--limit',
      '1',
    ]);
    assert.equal(history.transfers[0]?.kind, 'expired');
    assert.equal((await balance(sberbank)).creditsPending, '0.00');
  });

  it('prints help for transfer and its subcommands', async () => {
    for (const argv of [
      ['transfer', '--help'],
      ['transfer', 'create', '--help'],
      ['transfer', 'post', '--help'],
      ['transfer', 'void', '--help'],
    ]) {
      const run = await vostro(argv);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /Usage: vostro transfer/);
    }
  });

  it('leaves a ledger that verifies', async () => {
    const run = await vostro(['verify', '--db', db]);
    assert.equal(run.code, 0, run.stdout);
  });
});
