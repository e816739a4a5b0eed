import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { participantAccountId } from '../../participants/accounts.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

/**
 * How ISO 20022 messages name participants and accounts, at the command line: a bank's BIC (given
 * at creation with --bic, changed or removed with `participant set-bic`) and an account's IBAN or
 * other identifier (`account identify`). Every refusal names the argument at fault, exits non-zero
 * and leaves the audit log as it was.
 */
describe('vostro participant set-bic and account identify', () => {
  const { path: db, cleanup } = tempDb();
  const srva = participantAccountId('sberbank', 'INR', 'vostro', 'sbi');
  const tata = participantAccountId('tata-steel', 'INR', 'customer');

  async function auditActions(): Promise<string[]> {
    const store = new SqliteStore({ path: db, backgroundCheckpoints: false });
    try {
      return (await store.auditEntries({ limit: 100_000 })).map((entry) => entry.action);
    } finally {
      await store.close();
    }
  }
  /** Runs a command expected to fail with `code`, its stderr matching `message`, auditing nothing. */
  async function refuses(argv: string[], code: number, message: RegExp): Promise<void> {
    const audited = (await auditActions()).length;
    const run = await vostro([...argv, '--db', db]);
    assert.equal(run.code, code, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal((await auditActions()).length, audited, `${argv.join(' ')} changed nothing`);
  }
  const create = (id: string, country: string, extra: string[]): Promise<unknown> =>
    vostroOk([
      'participant',
      'create',
      '--db',
      db,
      '--id',
      id,
      '--name',
      id,
      '--country',
      country,
      ...extra,
    ]);

  before(async () => {
    await vostroOk(['init', '--db', db]);
    await create('sbi', 'IN', ['--kind', 'bank', '--currencies', 'INR', '--bic', 'DEMOINBBXXX']);
    await create('sberbank', 'RU', ['--kind', 'bank', '--currencies', 'RUB']);
    await create('tata-steel', 'IN', [
      '--kind',
      'corporate',
      '--bank',
      'sbi',
      '--currencies',
      'INR',
    ]);
    await vostroOk([
      'participant',
      'open-account',
      'sberbank',
      '--role',
      'vostro',
      '--currency',
      'INR',
      '--held-at',
      'sbi',
      '--db',
      db,
    ]);
  });
  after(cleanup);

  it('gives a bank its BIC at creation and with set-bic, shows it, and takes it away with --remove', async () => {
    const shown = await vostroJson<{ bic?: string }>(['participant', 'show', 'sbi', '--db', db]);
    assert.equal(shown.bic, 'DEMOINBBXXX');
    assert.match(
      (await vostroOk(['participant', 'show', 'sbi', '--db', db])).stdout,
      /│ BIC +│ DEMOINBBXXX/,
    );
    const set = await vostroOk(['participant', 'set-bic', 'sberbank', 'DEMORUMMXXX', '--db', db]);
    assert.equal(set.stdout, 'sberbank is DEMORUMMXXX\n');
    const json = await vostroJson<{ bic?: string }>([
      'participant',
      'set-bic',
      'sberbank',
      'DEMORUMM',
      '--db',
      db,
    ]);
    assert.equal(json.bic, 'DEMORUMM', 'the 8-character form of its own BIC');
    assert.equal(
      (await vostroOk(['participant', 'set-bic', 'sberbank', '--remove', '--db', db])).stdout,
      'sberbank has no BIC\n',
    );
    await vostroOk(['participant', 'set-bic', 'sberbank', 'DEMORUMMXXX', '--db', db]);
    assert.ok(
      (await auditActions()).filter((action) => action === 'participants.set_bic').length >= 4,
    );
  });

  it('refuses a malformed BIC, one another bank has, a corporate’s, an unknown participant and a confused command line', async () => {
    await refuses(
      ['participant', 'set-bic', 'sberbank', 'sber-123'],
      1,
      /^error: <bic>: a BIC is 8 or 11 capital letters/m,
    );
    await refuses(['participant', 'set-bic', 'sberbank', 'demorumm'], 1, /<bic>: a BIC is 8 or 11/);
    await refuses(
      ['participant', 'set-bic', 'sberbank', 'DEMOINBB'],
      1,
      /DEMOINBB.*(identifier_exists)/,
    );
    await refuses(
      ['participant', 'set-bic', 'tata-steel', 'DEMOINTTXXX'],
      1,
      /a corporate has no BIC/,
    );
    await refuses(['participant', 'set-bic', 'nobody', 'DEMOINZZXXX'], 1, /nobody/);
    await refuses(['participant', 'set-bic', 'sberbank'], 2, /give the BIC to set, or --remove/);
    await refuses(
      ['participant', 'set-bic', 'sberbank', 'DEMORUMMXXX', '--remove'],
      2,
      /two different things/,
    );
    await refuses(
      [
        'participant',
        'create',
        '--id',
        'vtb',
        '--name',
        'VTB',
        '--kind',
        'bank',
        '--country',
        'RU',
        '--currencies',
        'RUB',
        '--bic',
        'DEMORUMMXXX',
      ],
      1,
      /--bic: .*(identifier_exists)/,
    );
    assert.equal((await vostro(['participant', 'show', 'vtb', '--db', db])).code, 1, 'not created');
  });

  it('gives accounts an IBAN or another identifier, lists them with the participant, and removes one', async () => {
    const added = await vostroOk([
      'account',
      'identify',
      tata,
      '--other',
      'SBI-CA-0042-7788',
      '--db',
      db,
    ]);
    assert.equal(added.stdout, `${tata} (INR customer) answers to: other SBI-CA-0042-7788\n`);
    // GB82 WEST 1234 5698 7654 32: the IBAN of ISO 13616's own example, spaces and all.
    const iban = await vostroJson<{ identifiers: unknown[] }>([
      'account',
      'identify',
      srva,
      '--iban',
      'GB82 WEST 1234 5698 7654 32',
      '--db',
      db,
    ]);
    assert.deepEqual(iban.identifiers, [{ iban: 'GB82WEST12345698765432' }]);
    const shown = await vostroOk(['participant', 'show', 'sberbank', '--db', db]);
    assert.match(shown.stdout, /IBAN GB82WEST12345698765432/);
    const again = await vostroOk([
      'account',
      'identify',
      tata,
      '--other',
      'SBI-CA-0042-7788',
      '--db',
      db,
    ]);
    assert.equal(again.stdout, added.stdout, 'the same identifier again changes nothing');
    const removed = await vostroOk([
      'account',
      'identify',
      srva,
      '--iban',
      'GB82WEST12345698765432',
      '--remove',
      '--db',
      db,
    ]);
    assert.equal(removed.stdout, `${srva} (INR vostro) answers to: its id only\n`);
    const actions = await auditActions();
    assert.ok(
      actions.includes('accounts.identifiers.add') &&
        actions.includes('accounts.identifiers.remove'),
    );
  });

  it('refuses a bad IBAN, a taken identifier, an unknown account and a malformed command line', async () => {
    await refuses(
      ['account', 'identify', srva, '--iban', 'GB82WEST12345698765433'],
      1,
      /--iban: IBAN GB82WEST12345698765433 fails its ISO 13616 check digits/,
    );
    await refuses(
      ['account', 'identify', srva, '--iban', 'not an iban'],
      1,
      /--iban: an IBAN is a country code/,
    );
    await refuses(
      ['account', 'identify', srva, '--other', 'SBI-CA-0042-7788'],
      1,
      /identifier_exists/,
    );
    await refuses(['account', 'identify', srva, '--other', 'x'.repeat(35)], 1, /--other: /);
    await refuses(
      ['account', 'identify', srva, '--other', tata.replaceAll('-', '')],
      1,
      /--other: /,
    );
    await refuses(
      ['account', 'identify', participantAccountId('nobody', 'INR', 'customer'), '--other', 'N-1'],
      1,
      /belongs to no participant/,
    );
    await refuses(
      ['account', 'identify', 'not-a-uuid', '--other', 'N-1'],
      2,
      /<account-id>: "not-a-uuid" is not an account id/,
    );
    await refuses(['account', 'identify', srva], 2, /give the identifier: --iban or --other/);
    await refuses(
      ['account', 'identify', srva, '--iban', 'GB82WEST12345698765432', '--other', 'N-1'],
      2,
      /cannot be used with/,
    );
    await refuses(
      ['account', 'identify', srva, '--other', 'NOT-THERE', '--remove'],
      1,
      /identifier_not_found/,
    );
  });
});
