import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { LedgerStore } from '../store/store.js';
import { participantAccountId } from './accounts.js';
import {
  accountIdFromHex,
  bicKey,
  ibanChecksumValid,
  parseAccountIdentifier,
  parseBic,
} from './identifiers.js';
import { ParticipantRegistry } from './registry.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-identifiers-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

const cli = CLI_ACTOR;
const sbiKey: Actor = { id: 'sbi', role: 'participant', participant: 'sbi' };
const vtbKey: Actor = { id: 'vtb', role: 'participant', participant: 'vtb' };

function refusal(code: string, field?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HubError, `a HubError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  };
}

/** What a refused call must leave as it was: the audit log, the records it may touch, the journal. */
async function unchanged(store: LedgerStore, work: () => Promise<unknown>): Promise<void> {
  const snapshot = async () => ({
    audit: (await store.auditEntries({ limit: 10_000 })).length,
    counts: await store.counts(),
    bics: await store.listRecords({ collection: 'participant_bics', limit: 1000 }),
    identifiers: await store.listRecords({ collection: 'account_identifiers', limit: 1000 }),
    participants: await store.listRecords({ collection: 'participants', limit: 1000 }),
  });
  const before = await snapshot();
  await work();
  assert.deepEqual(await snapshot(), before, 'a refusal writes nothing');
}

async function seeded(registry: ParticipantRegistry): Promise<void> {
  await registry.create(
    {
      id: 'sbi',
      name: 'State Bank of India',
      kind: 'bank',
      country: 'IN',
      currencies: ['INR'],
      bic: 'SBININBB',
    },
    cli,
  );
  await registry.create(
    { id: 'vtb', name: 'VTB Bank', kind: 'bank', country: 'RU', currencies: ['RUB', 'INR'] },
    cli,
  );
  await registry.create(
    {
      id: 'tata',
      name: 'Tata Exports',
      kind: 'corporate',
      country: 'IN',
      bank: 'sbi',
      currencies: ['INR'],
    },
    cli,
  );
}

function cases(open: () => Promise<LedgerStore>): void {
  async function withRegistry(
    body: (registry: ParticipantRegistry, ledger: Ledger) => Promise<void>,
  ): Promise<void> {
    const store = await open();
    try {
      const ledger = new Ledger(store);
      const registry = new ParticipantRegistry(ledger);
      await seeded(registry);
      await body(registry, ledger);
      assert.deepEqual((await verifyLedger(store)).problems, []);
    } finally {
      await store.close();
    }
  }

  it('a BIC given at creation finds the participant in both head-office forms, audited', async () => {
    await withRegistry(async (registry, ledger) => {
      assert.equal((await registry.get('sbi')).bic, 'SBININBB');
      assert.equal((await registry.byBic('SBININBB'))?.id, 'sbi');
      assert.equal((await registry.byBic('SBININBBXXX'))?.id, 'sbi', 'XXX is the head office');
      assert.equal(await registry.byBic('SBININBB104'), undefined, 'another branch is not');
      assert.equal(await registry.byBic('sbininbb'), undefined, 'not a BIC');
      assert.equal(await registry.byBic('VTBRRUMM'), undefined);
      const [created] = await ledger.store.auditEntries({ limit: 1 });
      assert.deepEqual(created?.detail, {
        kind: 'bank',
        country: 'IN',
        currencies: ['INR'],
        bic: 'SBININBB',
      });
    });
  });

  it('refuses a BIC another participant holds, in either form, and writes nothing', async () => {
    await withRegistry(async (registry, ledger) => {
      await unchanged(ledger.store, async () => {
        await assert.rejects(
          registry.create(
            {
              id: 'copy',
              name: 'Copycat Bank',
              kind: 'bank',
              country: 'IN',
              currencies: ['INR'],
              bic: 'SBININBBXXX',
            },
            cli,
          ),
          refusal('identifier_exists', 'bic'),
        );
        await assert.rejects(
          registry.setBic('vtb', 'SBININBB', cli),
          refusal('identifier_exists', 'bic'),
        );
      });
      assert.equal(await registry.find('copy'), undefined);
    });
  });

  it('setBic gives, changes and takes away a BIC; the freed BIC can be taken; audited', async () => {
    await withRegistry(async (registry, ledger) => {
      const vtb = await registry.setBic('vtb', 'VTBRRUMMXXX', cli);
      assert.equal(vtb.bic, 'VTBRRUMMXXX');
      assert.equal((await registry.byBic('VTBRRUMM'))?.id, 'vtb');
      const auditBefore = (await ledger.store.auditEntries({ limit: 100 })).length;
      await registry.setBic('vtb', 'VTBRRUMMXXX', cli);
      assert.equal(
        (await ledger.store.auditEntries({ limit: 100 })).length,
        auditBefore,
        'the same BIC again changes nothing',
      );
      await registry.setBic('sbi', 'SBININBB001', cli);
      assert.equal(await registry.byBic('SBININBB'), undefined, 'the old BIC is free');
      assert.equal((await registry.byBic('SBININBB001'))?.id, 'sbi');
      await registry.setBic('vtb', 'SBININBB', cli);
      assert.equal((await registry.byBic('SBININBBXXX'))?.id, 'vtb');
      const removed = await registry.setBic('vtb', null, cli);
      assert.equal(removed.bic, undefined);
      assert.ok(!('bic' in removed), 'no bic property at all');
      assert.deepEqual(await registry.get('vtb'), removed);
      assert.equal(await registry.byBic('SBININBB'), undefined);
      const audit = await ledger.store.auditEntries({ limit: 100 });
      assert.deepEqual(
        audit
          .filter((entry) => entry.action === 'participants.set_bic')
          .map((entry) => [entry.target, entry.detail]),
        [
          ['vtb', { bic: 'VTBRRUMMXXX', previous: null }],
          ['sbi', { bic: 'SBININBB001', previous: 'SBININBB' }],
          ['vtb', { bic: 'SBININBB', previous: 'VTBRRUMMXXX' }],
          ['vtb', { bic: null, previous: 'SBININBB' }],
        ],
      );
    });
  });

  it('refuses malformed BICs and BICs of corporates and customs, naming the field', async () => {
    await withRegistry(async (registry, ledger) => {
      await unchanged(ledger.store, async () => {
        for (const bad of ['SBIN', 'sbininbb', 'SBIN1NBB', 'SBININBBX', 'SBININBB-XX']) {
          await assert.rejects(registry.setBic('vtb', bad, cli), refusal('invalid_field', 'bic'));
        }
        await assert.rejects(
          registry.setBic('tata', 'TATAINBB', cli),
          refusal('invalid_field', 'bic'),
        );
        await assert.rejects(
          registry.create(
            {
              id: 'cbic',
              name: 'CBIC',
              kind: 'customs',
              country: 'IN',
              currencies: [],
              bic: 'CBICINBB',
            },
            cli,
          ),
          refusal('invalid_field', 'bic'),
        );
        await assert.rejects(
          registry.setBic('nobody', 'NOBOINBB', cli),
          refusal('participant_not_found'),
        );
      });
    });
  });

  it('two participants racing for one BIC: exactly one gets it', async () => {
    await withRegistry(async (registry) => {
      const outcomes = await Promise.allSettled([
        registry.setBic('vtb', 'RACEINBB', cli),
        registry.setBic('sbi', 'RACEINBBXXX', cli),
      ]);
      assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      assert.ok(failed !== undefined && refusal('identifier_exists', 'bic')(failed.reason));
      const holder = await registry.byBic('RACEINBB');
      assert.ok(holder !== undefined);
      const other = holder.id === 'vtb' ? 'sbi' : 'vtb';
      assert.notEqual((await registry.get(other)).bic, 'RACEINBBXXX');
    });
  });

  it('another registry over the same ledger finds a BIC and an identifier set after it loaded', async () => {
    await withRegistry(async (registry, ledger) => {
      const other = new ParticipantRegistry(ledger);
      assert.equal(await other.byBic('VTBRRUMM'), undefined);
      await registry.setBic('vtb', 'VTBRRUMM', cli);
      const account = participantAccountId('vtb', 'RUB', 'settlement');
      await registry.addAccountIdentifier(
        account,
        { iban: 'RU0204452560040702810412345678901' },
        cli,
      );
      assert.equal((await other.byBic('VTBRRUMMXXX'))?.id, 'vtb');
      assert.equal(
        await other.accountByIdentifier({ iban: 'RU0204452560040702810412345678901' }),
        account,
      );
    });
  });

  it('account identifiers: IBAN and other, unique, found by the forms messages use, audited', async () => {
    await withRegistry(async (registry, ledger) => {
      const sbiInr = participantAccountId('sbi', 'INR', 'settlement');
      const tataInr = participantAccountId('tata', 'INR', 'customer');
      const account = await registry.addAccountIdentifier(
        sbiInr,
        { iban: 'gb82 west 1234 5698 7654 32' },
        cli,
      );
      assert.deepEqual(account.identifiers, [{ iban: 'GB82WEST12345698765432' }]);
      await registry.addAccountIdentifier(sbiInr, { other: 'SBI-0001' }, cli);
      assert.equal(await registry.accountByIdentifier({ iban: 'GB82WEST12345698765432' }), sbiInr);
      assert.equal(
        await registry.accountByIdentifier({ iban: 'GB82 WEST 1234 5698 7654 32' }),
        sbiInr,
      );
      assert.equal(await registry.accountByIdentifier({ other: 'SBI-0001' }), sbiInr);
      assert.equal(await registry.accountByIdentifier({ other: 'sbi-0001' }), undefined);
      assert.equal(
        await registry.accountByIdentifier({ other: tataInr.replaceAll('-', '') }),
        tataInr,
        'the 32-hex form of an account id needs no registration',
      );
      assert.equal(
        await registry.accountByIdentifier({ other: tataInr.replaceAll('-', '').toUpperCase() }),
        tataInr,
      );
      assert.equal(
        await registry.accountByIdentifier({ other: '0123456789abcdef0123456789abcdef' }),
        undefined,
        'an id of no account',
      );
      assert.equal(
        await registry.accountByIdentifier({ iban: 'DE89370400440532013000' }),
        undefined,
      );
      const sbi = await registry.get('sbi');
      assert.deepEqual(sbi.accounts.find((entry) => entry.id === sbiInr)?.identifiers, [
        { iban: 'GB82WEST12345698765432' },
        { other: 'SBI-0001' },
      ]);

      await unchanged(ledger.store, async () => {
        await assert.rejects(
          registry.addAccountIdentifier(tataInr, { iban: 'GB82WEST12345698765432' }, cli),
          refusal('identifier_exists', 'identifier'),
        );
        await assert.rejects(
          registry.addAccountIdentifier(tataInr, { iban: 'GB82WEST12345698765431' }, cli),
          refusal('invalid_field', 'identifier/iban'),
        );
        await assert.rejects(
          registry.addAccountIdentifier(tataInr, { iban: 'GB82' }, cli),
          refusal('invalid_field', 'identifier/iban'),
        );
        await assert.rejects(
          registry.addAccountIdentifier(tataInr, { other: tataInr.replaceAll('-', '') }, cli),
          refusal('invalid_field', 'identifier/other'),
        );
        await assert.rejects(
          registry.addAccountIdentifier(tataInr, { other: ' padded' }, cli),
          refusal('invalid_field', 'identifier/other'),
        );
        await assert.rejects(
          registry.addAccountIdentifier(
            tataInr,
            { iban: 'DE89370400440532013000', other: 'x' },
            cli,
          ),
          refusal('invalid_field', 'identifier'),
        );
        // The same identifier on the same account again changes nothing.
        await registry.addAccountIdentifier(sbiInr, { other: 'SBI-0001' }, cli);
        await assert.rejects(
          registry.removeAccountIdentifier(tataInr, { other: 'SBI-0001' }, cli),
          refusal('identifier_not_found', 'identifier'),
        );
        await assert.rejects(
          registry.addAccountIdentifier(
            participantAccountId('nobody', 'INR', 'settlement'),
            { other: 'X1' },
            cli,
          ),
          refusal('account_not_found', 'account'),
        );
      });

      await registry.removeAccountIdentifier(sbiInr, { iban: 'GB82WEST12345698765432' }, cli);
      assert.equal(
        await registry.accountByIdentifier({ iban: 'GB82WEST12345698765432' }),
        undefined,
      );
      await registry.addAccountIdentifier(tataInr, { iban: 'GB82WEST12345698765432' }, cli);
      assert.equal(await registry.accountByIdentifier({ iban: 'GB82WEST12345698765432' }), tataInr);
      const removed = await registry.removeAccountIdentifier(sbiInr, { other: 'SBI-0001' }, cli);
      assert.ok(!('identifiers' in removed), 'no identifiers left: the property goes');
      const audit = await ledger.store.auditEntries({ limit: 100 });
      assert.deepEqual(
        audit
          .filter((entry) => entry.action.startsWith('accounts.identifiers.'))
          .map((entry) => [entry.action, entry.target, entry.detail]),
        [
          [
            'accounts.identifiers.add',
            sbiInr,
            { participant: 'sbi', iban: 'GB82WEST12345698765432' },
          ],
          ['accounts.identifiers.add', sbiInr, { participant: 'sbi', other: 'SBI-0001' }],
          [
            'accounts.identifiers.remove',
            sbiInr,
            { participant: 'sbi', iban: 'GB82WEST12345698765432' },
          ],
          [
            'accounts.identifiers.add',
            tataInr,
            { participant: 'tata', iban: 'GB82WEST12345698765432' },
          ],
          ['accounts.identifiers.remove', sbiInr, { participant: 'sbi', other: 'SBI-0001' }],
        ],
      );
    });
  });

  it('a participant key names identifiers of its own accounts and those it keeps, no others', async () => {
    await withRegistry(async (registry, ledger) => {
      const tataInr = participantAccountId('tata', 'INR', 'customer');
      const vtbRub = participantAccountId('vtb', 'RUB', 'settlement');
      await registry.addAccountIdentifier(tataInr, { other: 'TATA-1' }, sbiKey);
      await registry.addAccountIdentifier(vtbRub, { other: 'VTB-1' }, vtbKey);
      await unchanged(ledger.store, async () => {
        await assert.rejects(
          registry.addAccountIdentifier(tataInr, { other: 'MINE' }, vtbKey),
          refusal('account_not_found', 'account'),
        );
        await assert.rejects(
          registry.removeAccountIdentifier(vtbRub, { other: 'VTB-1' }, sbiKey),
          refusal('account_not_found', 'account'),
        );
        await assert.rejects(
          registry.addAccountIdentifier(
            vtbRub,
            { other: 'AUD' },
            { id: 'auditor', role: 'auditor' },
          ),
          refusal('account_not_found', 'account'),
        );
      });
      const [last] = (await ledger.store.auditEntries({ limit: 100 })).slice(-1);
      assert.equal(last?.actor, 'vtb');
    });
  });
}

describe('BICs and account identifiers on SQLite', () => {
  cases(async () => new SqliteStore({ path: join(directory, `i-${++counter}.db`) }));
});

await postgresTests('BICs and account identifiers on postgres', (schemas) => {
  describe('BICs and account identifiers on PostgreSQL', () => {
    cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }));
  });
});

describe('identifier syntax', () => {
  it('checks BICs, IBANs (mod 97) and the 32-hex account id form', () => {
    assert.equal(parseBic('SBININBBXXX'), 'SBININBBXXX');
    assert.throws(() => parseBic(42), refusal('invalid_field', 'bic'));
    assert.equal(bicKey('SBININBBXXX'), 'SBININBB');
    assert.equal(bicKey('SBININBB001'), 'SBININBB001');
    for (const iban of [
      'GB82WEST12345698765432',
      'DE89370400440532013000',
      'FR1420041010050500013M02606',
    ])
      assert.ok(ibanChecksumValid(iban), iban);
    assert.ok(!ibanChecksumValid('GB82WEST12345698765431'));
    assert.ok(!ibanChecksumValid('gb82west12345698765432'), 'the electronic form is capitals');
    assert.deepEqual(parseAccountIdentifier({ iban: 'fr14 2004 1010 0505 0001 3m02 606' }), {
      iban: 'FR1420041010050500013M02606',
    });
    assert.throws(() => parseAccountIdentifier(null), refusal('invalid_field', 'identifier'));
    assert.throws(
      () => parseAccountIdentifier({ iban: 42 }),
      refusal('invalid_field', 'identifier/iban'),
    );
    assert.throws(
      () => parseAccountIdentifier({ other: 'x'.repeat(35) }),
      refusal('invalid_field', 'identifier/other'),
    );
    assert.throws(
      () => parseAccountIdentifier({ other: 'tab\there' }),
      refusal('invalid_field', 'identifier/other'),
    );
    assert.equal(
      accountIdFromHex('0123456789ABCDEF0123456789abcdef'),
      '01234567-89ab-cdef-0123-456789abcdef',
    );
    assert.equal(accountIdFromHex('0123'), undefined);
  });
});
