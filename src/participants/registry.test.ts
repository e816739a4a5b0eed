import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { participantAccountId } from './accounts.js';
import { corrupt, corruptDocument, renamed } from '../domain/documents.test-helper.js';
import { PARTICIPANTS, ParticipantRegistry } from './registry.js';

const directory = mkdtempSync(join(tmpdir(), 'vostro-participants-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

async function withRegistry(
  body: (registry: ParticipantRegistry, ledger: Ledger) => Promise<void>,
): Promise<void> {
  const store = new SqliteStore({ path: join(directory, `p-${++counter}.db`) });
  try {
    const ledger = new Ledger(store);
    await body(new ParticipantRegistry(ledger), ledger);
    assert.deepEqual((await verifyLedger(store)).problems, []);
  } finally {
    await store.close();
  }
}

function refusal(code: string, field?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HubError, `a HubError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  };
}

describe('participant registry', () => {
  it('opens a bank with its settlement and cap accounts in each currency, audited', async () => {
    await withRegistry(async (registry, ledger) => {
      const sbi = await registry.create(
        {
          id: 'sbi',
          name: 'State Bank of India',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR', 'RUB'],
        },
        CLI_ACTOR,
      );
      assert.deepEqual(
        sbi.accounts.map((account) => `${account.currency}:${account.role}`),
        ['INR:settlement', 'INR:cap', 'RUB:settlement', 'RUB:cap'],
      );
      const accounts = await ledger.lookupAccounts(sbi.accounts.map((account) => account.id));
      assert.equal(accounts.length, 4);
      assert.ok(accounts.every((account) => account.owner === 'sbi'));
      assert.equal(
        sbi.accounts[0]?.id,
        participantAccountId('sbi', 'INR', 'settlement'),
        'ids are derived',
      );
      assert.deepEqual(await registry.get('sbi'), sbi);
      const audit = await ledger.store.auditEntries({ limit: 10 });
      assert.deepEqual(
        audit.map((entry) => [entry.action, entry.target, entry.actor]),
        [['participants.create', 'sbi', 'cli']],
      );
      assert.deepEqual(await registry.account(sbi.accounts[0].id), {
        id: sbi.accounts[0].id,
        participant: 'sbi',
        role: 'settlement',
        currency: 'INR',
        settlesWith: 'sbi',
      });
    });
  });

  it('a Russian bank opens a rupee vostro account kept by an Indian bank; its rupees settle with that bank', async () => {
    await withRegistry(async (registry, ledger) => {
      await registry.create(
        {
          id: 'sbi',
          name: 'State Bank of India',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        },
        CLI_ACTOR,
      );
      await registry.create(
        { id: 'vtb', name: 'VTB Bank', kind: 'bank', country: 'RU', currencies: ['RUB'] },
        CLI_ACTOR,
      );
      const vostro = await registry.openAccount('vtb', 'vostro', 'INR', 'sbi', CLI_ACTOR);
      assert.equal(vostro.heldAt, 'sbi');
      const vtb = await registry.get('vtb');
      assert.deepEqual(vtb.currencies, ['RUB', 'INR']);
      assert.equal((await registry.account(vostro.id))?.settlesWith, 'sbi');
      const again = await registry.openAccount('vtb', 'vostro', 'INR', 'sbi', CLI_ACTOR);
      assert.equal(again.id, vostro.id, 'opening the same account again returns it');
      const [stored] = await ledger.lookupAccounts([vostro.id]);
      assert.equal(stored?.owner, 'vtb');
    });
  });

  it('a corporate holds customer accounts at its bank and settles through it', async () => {
    await withRegistry(async (registry) => {
      await registry.create(
        {
          id: 'sbi',
          name: 'State Bank of India',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        },
        CLI_ACTOR,
      );
      const corp = await registry.create(
        {
          id: 'tata-steel',
          name: 'Tata Steel',
          kind: 'corporate',
          country: 'IN',
          bank: 'sbi',
          currencies: ['INR'],
        },
        CLI_ACTOR,
      );
      assert.deepEqual(
        corp.accounts.map((account) => account.role),
        ['customer'],
      );
      assert.equal(
        (await registry.account(corp.accounts[0]?.id ?? assert.fail()))?.settlesWith,
        'sbi',
      );
    });
  });

  it('refuses bad input precisely and writes nothing', async () => {
    await withRegistry(async (registry, ledger) => {
      await registry.create(
        {
          id: 'sbi',
          name: 'State Bank of India',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        },
        CLI_ACTOR,
      );
      const before = await ledger.store.counts();
      await assert.rejects(
        registry.create(
          { id: 'sbi', name: 'Again', kind: 'bank', country: 'IN', currencies: ['INR'] },
          CLI_ACTOR,
        ),
        refusal('participant_exists', 'id'),
      );
      await assert.rejects(
        registry.create(
          { id: 'Bad Id', name: 'x', kind: 'bank', country: 'IN', currencies: ['INR'] },
          CLI_ACTOR,
        ),
        refusal('invalid_field', 'id'),
      );
      await assert.rejects(
        registry.create(
          { id: 'acme', name: 'Acme', kind: 'bank', country: 'DE', currencies: ['INR'] },
          CLI_ACTOR,
        ),
        refusal('invalid_field', 'country'),
      );
      await assert.rejects(
        registry.create(
          { id: 'acme', name: 'Acme', kind: 'bank', country: 'IN', currencies: ['XXX'] },
          CLI_ACTOR,
        ),
        refusal('unknown_currency', 'currencies/0'),
      );
      await assert.rejects(
        registry.create(
          { id: 'acme', name: 'Acme', kind: 'corporate', country: 'IN', currencies: ['INR'] },
          CLI_ACTOR,
        ),
        refusal('invalid_field', 'bank'),
      );
      await assert.rejects(
        registry.create(
          {
            id: 'acme',
            name: 'Acme',
            kind: 'corporate',
            country: 'IN',
            bank: 'nobank',
            currencies: ['INR'],
          },
          CLI_ACTOR,
        ),
        refusal('bank_not_found', 'bank'),
      );
      await assert.rejects(
        registry.create(
          {
            id: 'acme',
            name: 'Acme',
            kind: 'corporate',
            country: 'IN',
            bank: 'sbi',
            currencies: ['RUB'],
          },
          CLI_ACTOR,
        ),
        refusal('currency_not_used', 'currencies'),
      );
      await assert.rejects(
        registry.openAccount('sbi', 'vostro', 'INR', undefined, CLI_ACTOR),
        refusal('invalid_field', 'held_at'),
      );
      await assert.rejects(
        registry.openAccount('sbi', 'customer', 'INR', undefined, CLI_ACTOR),
        refusal('account_role_mismatch', 'role'),
      );
      await assert.rejects(
        registry.openAccount('nobody', 'investment', 'INR', undefined, CLI_ACTOR),
        refusal('participant_not_found'),
      );
      assert.deepEqual(await ledger.store.counts(), before);
      assert.equal((await ledger.store.auditEntries({ limit: 10 })).length, 1);
    });
  });

  it('a customs authority of India or Russia holds no money accounts and can open none', async () => {
    await withRegistry(async (registry, ledger) => {
      const before = await ledger.store.counts();
      const customs = await registry.create(
        {
          id: 'ru-customs',
          name: 'Federal Customs Service of Russia',
          kind: 'customs',
          country: 'RU',
          currencies: [],
        },
        CLI_ACTOR,
      );
      assert.equal(customs.kind, 'customs');
      assert.deepEqual(customs.currencies, []);
      assert.deepEqual(customs.accounts, []);
      assert.deepEqual(await registry.get('ru-customs'), customs);
      assert.deepEqual(await ledger.store.counts(), before, 'no ledger account was opened');
      assert.deepEqual(
        (await ledger.store.auditEntries({ limit: 10 })).map((entry) => [
          entry.action,
          entry.target,
        ]),
        [['participants.create', 'ru-customs']],
      );
      await assert.rejects(
        registry.create(
          {
            id: 'in-customs',
            name: 'CBIC',
            kind: 'customs',
            country: 'IN',
            currencies: ['INR'],
          },
          CLI_ACTOR,
        ),
        (error: unknown) =>
          refusal('invalid_field', 'currencies')(error) &&
          error instanceof Error &&
          /holds no money accounts/.test(error.message),
      );
      await assert.rejects(
        registry.create(
          { id: 'de-customs', name: 'Zoll', kind: 'customs', country: 'DE', currencies: [] },
          CLI_ACTOR,
        ),
        refusal('invalid_field', 'country'),
      );
      await assert.rejects(
        registry.create(
          {
            id: 'in-customs',
            name: 'CBIC',
            kind: 'customs',
            country: 'IN',
            bank: 'sbi',
            currencies: [],
          },
          CLI_ACTOR,
        ),
        refusal('invalid_field', 'bank'),
      );
      await assert.rejects(
        registry.create(
          { id: 'sbi', name: 'State Bank of India', kind: 'bank', country: 'IN', currencies: [] },
          CLI_ACTOR,
        ),
        refusal('invalid_field', 'currencies'),
        'a bank still needs its currencies',
      );
      await assert.rejects(
        registry.openAccount('ru-customs', 'suspense', 'RUB', undefined, CLI_ACTOR),
        refusal('account_role_mismatch', 'role'),
      );
      assert.equal(
        (await ledger.store.auditEntries({ limit: 10 })).length,
        1,
        'nothing more written',
      );
    });
  });

  it('a corrupt participant or directory document fails its read, naming collection and field', async () => {
    await withRegistry(async (registry, ledger) => {
      const sbi = await registry.create(
        {
          id: 'sbi',
          name: 'State Bank of India',
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        },
        CLI_ACTOR,
      );
      await corruptDocument(ledger, PARTICIPANTS, 'sbi', (document) =>
        renamed(document, 'status', 'state'),
      );
      await assert.rejects(registry.find('sbi'), corrupt(PARTICIPANTS, '/status'));
      await corruptDocument(ledger, 'directory', 'version', () => ({ version: 'two' }));
      await assert.rejects(
        new ParticipantRegistry(ledger).account(sbi.accounts[0]?.id ?? assert.fail()),
        corrupt('directory', '/version'),
      );
    });
  });
});
