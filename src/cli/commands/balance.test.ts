import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

describe('vostro balance', () => {
  const { path: db, cleanup } = tempDb();
  let sbi = '';
  let vtb = '';
  before(async () => {
    await vostroOk(['init', '--db', db]);
    sbi = await createAccount(db, 'sbi', 'INR');
    vtb = await createAccount(db, 'vtb', 'INR');
    await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      sbi,
      '--credit',
      vtb,
      '--amount',
      '1250000.75',
    ]);
    await vostroOk([
      'transfer',
      '--db',
      db,
      '--debit',
      vtb,
      '--credit',
      sbi,
      '--amount',
      '0.75',
      '--pending',
    ]);
  });
  after(cleanup);

  it('prints posted and pending debits and credits and the net balance with the currency, digits grouped in thousands', async () => {
    const run = await vostroOk(['balance', vtb, '--db', db]);
    assert.match(run.stdout, /posted .*0\.00 INR .*1,250,000\.75 INR/);
    assert.match(run.stdout, /pending .*0\.75 INR .*0\.00 INR/);
    assert.match(run.stdout, /balance \(credits − debits, posted\): 1,250,000\.75 INR/);
    assert.match(run.stdout, /available \(less pending debits\): +1,250,000\.00 INR/);
  });

  it('--json gives what GET /v1/accounts/{id}/balance answers: exact decimal strings, never grouped', async () => {
    const out = await vostroJson<{ asOf: string }>(['balance', sbi, '--db', db]);
    assert.match(out.asOf, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.deepEqual(out, {
      accountId: sbi,
      currency: 'INR',
      balances: {
        debitsPosted: '1250000.75',
        creditsPosted: '0.00',
        debitsPending: '0.00',
        creditsPending: '0.75',
        netPosted: '-1250000.75',
        available: '-1250000.75',
      },
      asOf: out.asOf,
    });
  });

  it('refuses unknown (exit 1), malformed (exit 2) and missing (exit 2) account ids', async () => {
    const unknown = await vostro(['balance', '0190a5b2-0000-7000-8000-00000000000b', '--db', db]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /account 0190a5b2-0000-7000-8000-00000000000b does not exist/);
    const malformed = await vostro(['balance', '12', '--db', db]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /<account-id>: "12" is not an account id/);
    const missing = await vostro(['balance', '--db', db]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument 'account-id'/);
  });
});
