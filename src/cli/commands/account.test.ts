import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ExitCode } from '../io.js';
import {
  createAccount,
  storeCounts,
  tempDb,
  vostro,
  vostroJson,
  vostroOk,
} from './cli.test-helper.js';

interface AccountJson {
  id: string;
  owner: string;
  currency: string;
  kind: string;
  code: number;
  linked: boolean;
  debitsMustNotExceedCredits: boolean;
  creditsMustNotExceedDebits: boolean;
  tallied: boolean;
  reference: string;
  createdAt: string;
  timestamp: string;
  balances: Record<string, string>;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('vostro account', () => {
  const { path: db, cleanup } = tempDb();
  before(async () => {
    await vostroOk(['init', '--db', db]);
  });
  after(cleanup);

  async function refusedWithoutWriting(
    argv: readonly string[],
    code: number,
    stderrPattern: RegExp,
  ): Promise<void> {
    const countsBefore = await storeCounts(db);
    const run = await vostro(argv);
    assert.equal(run.code, code, `exit code of ${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, stderrPattern);
    assert.equal(run.stdout, '');
    assert.deepEqual(await storeCounts(db), countsBefore);
  }

  it('create prints a new UUIDv7 and show finds it', async () => {
    const id = await createAccount(db, 'sbi', 'inr', ['--reference', 'SBI Mumbai']);
    assert.match(id, UUID_V7);
    const shown = await vostroOk(['account', 'show', id, '--db', db]);
    assert.match(shown.stdout, /sbi/);
    assert.match(shown.stdout, /INR \(ledger 356\)/);
    assert.match(shown.stdout, /SBI Mumbai/);
  });

  it('create --json returns the result and the stored account', async () => {
    const out = await vostroJson<{ id: string; result: string; account: AccountJson }>([
      'account',
      'create',
      '--db',
      db,
      '--owner',
      'sberbank',
      '--currency',
      'RUB',
      '--kind',
      'vostro',
      '--debits-must-not-exceed-credits',
    ]);
    assert.equal(out.result, 'ok');
    assert.equal(out.account.id, out.id);
    assert.equal(out.account.currency, 'RUB');
    assert.equal(out.account.kind, 'vostro');
    assert.equal(out.account.debitsMustNotExceedCredits, true);
    assert.equal(out.account.creditsMustNotExceedDebits, false);
    assert.deepEqual(out.account.balances, {
      debitsPosted: '0.00',
      creditsPosted: '0.00',
      debitsPending: '0.00',
      creditsPending: '0.00',
      netPosted: '0.00',
      available: '0.00',
    });
  });

  it('create with --id is idempotent and refuses a different content under the same id', async () => {
    const id = '0190A5B2-7C3E-7D4F-8A1B-2C3D4E5F6A7B';
    assert.equal(await createAccount(db, 'vtb', 'RUB', ['--id', id]), id.toLowerCase());
    const again = await vostro([
      'account',
      'create',
      '--db',
      db,
      '--owner',
      'vtb',
      '--currency',
      'RUB',
      '--kind',
      'settlement',
      '--id',
      id,
    ]);
    assert.equal(again.code, ExitCode.ok);
    assert.match(again.stderr, /exists already/);
    await refusedWithoutWriting(
      [
        'account',
        'create',
        '--db',
        db,
        '--owner',
        'vtb',
        '--currency',
        'INR',
        '--kind',
        'settlement',
        '--id',
        id,
      ],
      1,
      /exists_with_different_ledger/,
    );
  });

  it('refuses bad input with exit 2, naming the option, and writes nothing', async () => {
    const base = ['account', 'create', '--db', db];
    await refusedWithoutWriting(
      [...base, '--owner', 'sbi', '--currency', 'XYZ', '--kind', 'settlement'],
      2,
      /--currency: unknown currency "XYZ"; supported: INR, RUB/,
    );
    await refusedWithoutWriting(
      [...base, '--owner', 'sbi', '--currency', 'INR', '--kind', 'piggybank'],
      2,
      /option '--kind <kind>' argument 'piggybank' is invalid/,
    );
    await refusedWithoutWriting(
      [...base, '--currency', 'INR', '--kind', 'settlement'],
      2,
      /required option '--owner <participant>' not specified/,
    );
    await refusedWithoutWriting(
      [...base, '--owner', 'State Bank', '--currency', 'INR', '--kind', 'settlement'],
      2,
      /--owner: "State Bank" is not a participant id/,
    );
    await refusedWithoutWriting(
      [
        ...base,
        '--owner',
        'sbi',
        '--currency',
        'INR',
        '--kind',
        'settlement',
        '--id',
        'not-a-uuid',
      ],
      2,
      /--id: "not-a-uuid" is not an account id/,
    );
    await refusedWithoutWriting(
      [
        ...base,
        '--owner',
        'sbi',
        '--currency',
        'INR',
        '--kind',
        'settlement',
        '--reference',
        'r'.repeat(65),
      ],
      2,
      /--reference/,
    );
    await refusedWithoutWriting(
      [
        ...base,
        '--owner',
        'sbi',
        '--currency',
        'INR',
        '--kind',
        'settlement',
        '--debits-must-not-exceed-credits',
        '--credits-must-not-exceed-debits',
      ],
      2,
      /cannot be used with/,
    );
  });

  it('refuses the nil uuid with the ledger result code', async () => {
    await refusedWithoutWriting(
      [
        'account',
        'create',
        '--db',
        db,
        '--owner',
        'sbi',
        '--currency',
        'INR',
        '--kind',
        'settlement',
        '--id',
        '00000000-0000-0000-0000-000000000000',
      ],
      1,
      /id_must_not_be_zero/,
    );
  });

  it('list filters by owner, pages with --after and prints JSON', async () => {
    const ids = [
      await createAccount(db, 'bob', 'INR'),
      await createAccount(db, 'bob', 'RUB'),
      await createAccount(db, 'bob', 'USD'),
    ];
    const first = await vostroJson<{ accounts: AccountJson[]; next: string | null }>([
      'account',
      'list',
      '--db',
      db,
      '--owner',
      'bob',
      '--limit',
      '2',
    ]);
    assert.deepEqual(
      first.accounts.map((account) => account.id),
      ids.slice(0, 2),
    );
    assert.ok(first.next);
    const second = await vostroJson<{ accounts: AccountJson[]; next: string | null }>([
      'account',
      'list',
      '--db',
      db,
      '--owner',
      'bob',
      '--after',
      first.next,
    ]);
    assert.deepEqual(
      second.accounts.map((account) => account.id),
      ids.slice(2),
    );
    assert.equal(second.next, null);
    const table = await vostroOk(['account', 'list', '--db', db, '--owner', 'bob']);
    for (const id of ids) assert.match(table.stdout, new RegExp(id));
    assert.match(table.stdout, /USD/);
  });

  it('list validates --limit', async () => {
    for (const limit of ['0', '1001', 'ten', '5.5']) {
      const run = await vostro(['account', 'list', '--db', db, '--limit', limit]);
      assert.equal(run.code, 2, limit);
      assert.match(run.stderr, /--limit/);
    }
  });

  it('show refuses an unknown account with exit 1 and a malformed id with exit 2', async () => {
    const unknown = await vostro([
      'account',
      'show',
      '0190a5b2-0000-7000-8000-000000000009',
      '--db',
      db,
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /account 0190a5b2-0000-7000-8000-000000000009 does not exist/);
    const malformed = await vostro(['account', 'show', 'xyz', '--db', db]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /<account-id>: "xyz" is not an account id/);
  });

  it('show --json has the account shape of GET /v1/accounts/{id}', async () => {
    const id = await createAccount(db, 'hub', 'INR');
    const shown = await vostroJson<AccountJson>(['account', 'show', id, '--db', db]);
    assert.deepEqual(Object.keys(shown), [
      'id',
      'owner',
      'currency',
      'kind',
      'code',
      'linked',
      'debitsMustNotExceedCredits',
      'creditsMustNotExceedDebits',
      'tallied',
      'reference',
      'userData64',
      'userData32',
      'createdAt',
      'timestamp',
      'balances',
    ]);
    assert.equal(shown.id, id);
    assert.equal(shown.owner, 'hub');
    assert.match(shown.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    assert.match(shown.timestamp, /^\d+$/);
  });

  it('uses VOSTRO_DB when --db is not given', async () => {
    const run = await vostro(['account', 'list', '--json'], { VOSTRO_DB: db });
    assert.equal(run.code, 0, run.stderr);
    assert.ok((JSON.parse(run.stdout) as { accounts: unknown[] }).accounts.length > 0);
  });

  it('prints help for every subcommand', async () => {
    for (const sub of ['create', 'list', 'show']) {
      const run = await vostro(['account', sub, '--help']);
      assert.equal(run.code, 0);
      assert.match(run.stdout, new RegExp(`Usage: vostro account ${sub}`));
    }
  });
});
