import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerSnapshotOf } from '../documents/register-snapshot.js';
import { toBase64 } from '../documents/signature.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import { TrustRegister } from './register.js';
import {
  openSqlite,
  operator,
  refusal,
  testKey,
  unchanged,
  withLedger,
  type OpenStore,
} from './trade.test-helper.js';

const customs = {
  id: 'in-cbic',
  name: 'CBIC, Nhava Sheva',
  role: 'customs',
  country: 'IN',
  documentTypes: ['export_declaration', 'customs_receipt'],
  participant: 'in-customs',
} as const;
const carrier = {
  id: 'maersk',
  name: 'Maersk Line',
  role: 'carrier',
  country: 'IN',
  documentTypes: ['bill_of_lading'],
} as const;
const validity = { validFrom: '2026-01-01T00:00:00Z', validTo: '2027-01-01T00:00:00Z' };

function registerCases(open: OpenStore): void {
  it('adds issuers linked to their participants, audited; refuses bad ones precisely, writing nothing', async () => {
    await withLedger(open, async (ledger) => {
      const register = new TrustRegister(ledger);
      const entry = await register.addIssuer(
        { ...customs, documentTypes: [...customs.documentTypes] },
        operator,
      );
      assert.deepEqual(entry, { ...customs, keys: [] });
      await register.addIssuer({ ...carrier, documentTypes: [...carrier.documentTypes] }, operator);
      assert.deepEqual(await register.get('in-cbic'), entry);
      const audit = await ledger.store.auditEntries({ limit: 100 });
      assert.deepEqual(
        audit.slice(-2).map((e) => [e.action, e.target, e.actor]),
        [
          ['issuers.create', 'in-cbic', 'operator'],
          ['issuers.create', 'maersk', 'operator'],
        ],
      );
      const check = await unchanged(ledger.store);
      const cases: [Record<string, unknown>, string, string, RegExp][] = [
        [{ ...carrier, id: 'Maersk' }, 'invalid_field', 'id', /lower-case letter/],
        [{ ...carrier, id: 'msc', name: ' ' }, 'invalid_field', 'name', /name of 1 to 120/],
        [{ ...carrier, id: 'msc', name: 'a\u0007b' }, 'invalid_field', 'name', /control/],
        [{ ...carrier, id: 'msc', role: 'shipowner' }, 'invalid_field', 'role', /"shipowner"/],
        [{ ...carrier, id: 'msc', country: 'India' }, 'invalid_field', 'country', /alpha-2/],
        [
          { ...carrier, id: 'msc', documentTypes: ['airway_bill'] },
          'invalid_field',
          'documentTypes/0',
          /"airway_bill" is not a document type/,
        ],
        [
          { ...carrier, id: 'msc', documentTypes: ['bill_of_lading', 'commercial_invoice'] },
          'invalid_field',
          'documentTypes/1',
          /a carrier does not issue a commercial_invoice \(it may issue: bill_of_lading, rail_consignment_note\)/,
        ],
        [
          { ...carrier, id: 'msc', documentTypes: ['bill_of_lading', 'bill_of_lading'] },
          'invalid_field',
          'documentTypes',
          /twice/,
        ],
        [
          { ...customs, id: 'ru-fts', country: 'RU', participant: undefined },
          'invalid_field',
          'participant',
          /a customs issuer is linked to its participant \(a customs\)/,
        ],
        [
          { ...customs, id: 'ru-fts', country: 'RU', participant: 'nobody' },
          'participant_not_found',
          'participant',
          /no participant nobody/,
        ],
        [
          { ...customs, id: 'ru-fts', country: 'RU', participant: 'vtb' },
          'participant_kind_mismatch',
          'participant',
          /vtb is a bank; a customs issuer is linked to a customs/,
        ],
        [
          { ...customs, id: 'ru-fts', country: 'IN', participant: 'ru-customs' },
          'invalid_field',
          'country',
          /the issuer is in IN but its participant ru-customs is in RU/,
        ],
        [
          {
            id: 'tata-self',
            name: 'Tata',
            role: 'exporter',
            country: 'IN',
            documentTypes: ['commercial_invoice'],
            participant: 'sbi',
          },
          'participant_kind_mismatch',
          'participant',
          /sbi is a bank; a exporter issuer is linked to a corporate/,
        ],
        [{ ...carrier }, 'issuer_exists', 'id', /issuer maersk exists already/],
      ];
      for (const [input, code, field, message] of cases)
        await assert.rejects(
          register.addIssuer(input as never, operator),
          refusal(code, field, message),
          JSON.stringify(input),
        );
      await check();
      assert.equal(await register.get('msc'), undefined);
    });
  });

  it('adds keys with their validity; refuses wrong sizes, bad periods, a key registered twice, precisely', async () => {
    await withLedger(open, async (ledger) => {
      const register = new TrustRegister(ledger);
      await register.addIssuer({ ...carrier, documentTypes: ['bill_of_lading'] }, operator);
      await register.addIssuer({ ...customs, documentTypes: ['export_declaration'] }, operator);
      const key = testKey(1);
      const entry = await register.addKey(
        'maersk',
        { publicKey: key.publicKey, ...validity },
        operator,
      );
      assert.deepEqual(entry.keys, [
        {
          keyId: key.keyId,
          publicKey: key.publicKey,
          validFrom: '2026-01-01T00:00:00.000Z',
          validTo: '2027-01-01T00:00:00.000Z',
        },
      ]);
      const last = (await ledger.store.auditEntries({ limit: 100 })).at(-1);
      assert.deepEqual(
        [last?.action, last?.target, last?.detail['keyId']],
        ['issuers.keys.add', 'maersk', key.keyId],
      );
      const check = await unchanged(ledger.store);
      const other = testKey(2).publicKey;
      const cases: [string, Record<string, unknown>, string, string, RegExp][] = [
        [
          'maersk',
          { publicKey: { ...other, mlDsa65: toBase64(new Uint8Array(1951)) }, ...validity },
          'invalid_field',
          'publicKey/mlDsa65',
          /1951 bytes|1,951/,
        ],
        [
          'maersk',
          { publicKey: { ...other, ed25519: toBase64(new Uint8Array(31)) }, ...validity },
          'invalid_field',
          'publicKey/ed25519',
          /31/,
        ],
        [
          'maersk',
          { publicKey: { ...other, mlDsa65: 'not base64!' }, ...validity },
          'invalid_field',
          'publicKey/mlDsa65',
          /base64/,
        ],
        [
          'maersk',
          { publicKey: { ...other, algorithm: 'Ed25519' }, ...validity },
          'invalid_field',
          'publicKey/algorithm',
          /ML-DSA-65\+Ed25519/,
        ],
        [
          'maersk',
          { publicKey: other, validFrom: '2027-01-01T00:00:00Z', validTo: '2026-01-01T00:00:00Z' },
          'invalid_field',
          'validTo',
          /must be after validFrom/,
        ],
        [
          'maersk',
          { publicKey: other, validFrom: '2026-01-01T00:00:00Z', validTo: '2026-01-01T00:00:00Z' },
          'invalid_field',
          'validTo',
          /must be after validFrom/,
        ],
        [
          'maersk',
          { publicKey: other, validFrom: 'soon', validTo: '2027-01-01' },
          'invalid_field',
          'validFrom',
          /ISO 8601/,
        ],
        [
          'maersk',
          { publicKey: key.publicKey, ...validity },
          'issuer_key_exists',
          'publicKey',
          /registered to maersk already/,
        ],
        [
          'in-cbic',
          { publicKey: key.publicKey, ...validity },
          'issuer_key_exists',
          'publicKey',
          /another issuer \(maersk\)/,
        ],
        ['msc', { publicKey: other, ...validity }, 'issuer_not_found', 'issuer', /no issuer msc/],
        [
          'maersk',
          { publicKey: other, ...validity, supersedes: 'key:00000000000000000000000000000000' },
          'key_not_found',
          'supersedes',
          /maersk has no key key:0{32}/,
        ],
        [
          'maersk',
          { publicKey: other, ...validity, supersedes: key.keyId },
          'invalid_field',
          'validFrom',
          /starts after it/,
        ],
      ];
      for (const [issuer, input, code, field, message] of cases)
        await assert.rejects(
          register.addKey(issuer, input as never, operator),
          refusal(code, field, message),
          `${issuer} ${JSON.stringify(input).slice(0, 80)}`,
        );
      await check();
      assert.equal((await register.get('maersk'))?.keys.length, 1);
    });
  });

  it('a new key supersedes an old one from its validFrom; revocation is at the hub’s time with a reason, audited', async () => {
    await withLedger(open, async (ledger, clock) => {
      const register = new TrustRegister(ledger);
      await register.addIssuer({ ...carrier, documentTypes: ['bill_of_lading'] }, operator);
      const [first, second] = [testKey(1), testKey(2)];
      await register.addKey('maersk', { publicKey: first.publicKey, ...validity }, operator);
      const entry = await register.addKey(
        'maersk',
        {
          publicKey: second.publicKey,
          validFrom: '2026-06-01T00:00:00+05:30',
          validTo: '2028-01-01T00:00:00Z',
          supersedes: first.keyId,
        },
        operator,
      );
      assert.equal(entry.keys[0]?.supersededBy, second.keyId);
      assert.equal(entry.keys[1]?.validFrom, '2026-05-31T18:30:00.000Z');
      await assert.rejects(
        register.addKey(
          'maersk',
          {
            publicKey: testKey(3).publicKey,
            ...validity,
            validFrom: '2026-07-01T00:00:00Z',
            supersedes: first.keyId,
          },
          operator,
        ),
        refusal('invalid_field', 'supersedes', new RegExp(`superseded by ${second.keyId} already`)),
      );

      clock.advanceSeconds(3600);
      const check = await unchanged(ledger.store);
      await assert.rejects(
        register.revokeKey('maersk', second.keyId, '  ', operator),
        refusal('invalid_field', 'reason', /states its reason/),
      );
      await assert.rejects(
        register.revokeKey('maersk', 'key:nope', 'lost', operator),
        refusal('key_not_found', 'keyId', /maersk has no key key:nope/),
      );
      await assert.rejects(
        register.revokeKey('nobody', second.keyId, 'lost', operator),
        refusal('issuer_not_found', 'issuer'),
      );
      await check();
      const revoked = await register.revokeKey('maersk', second.keyId, 'laptop stolen', operator);
      assert.deepEqual(
        revoked.keys.map((key) => [key.keyId, key.revokedAt, key.revocationReason]),
        [
          [first.keyId, undefined, undefined],
          [second.keyId, '2026-03-02T01:00:00.000Z', 'laptop stolen'],
        ],
      );
      const last = (await ledger.store.auditEntries({ limit: 100 })).at(-1);
      assert.deepEqual(
        [last?.action, last?.target, last?.detail],
        [
          'issuers.keys.revoke',
          'maersk',
          { keyId: second.keyId, revokedAt: '2026-03-02T01:00:00.000Z', reason: 'laptop stolen' },
        ],
      );
      await assert.rejects(
        register.revokeKey('maersk', second.keyId, 'again', operator),
        refusal('key_revoked', 'keyId', /revoked at 2026-03-02T01:00:00.000Z \(laptop stolen\)/),
      );
    });
  });

  it('exports a snapshot the offline verifier reads back, also inside a transaction; lists by role', async () => {
    await withLedger(open, async (ledger, clock) => {
      const register = new TrustRegister(ledger);
      await register.addIssuer({ ...carrier, documentTypes: ['bill_of_lading'] }, operator);
      await register.addIssuer({ ...customs, documentTypes: ['export_declaration'] }, operator);
      await register.addIssuer(
        {
          id: 'alfa',
          name: 'Alfa Insurance',
          role: 'insurer',
          country: 'RU',
          documentTypes: ['insurance_certificate'],
        },
        operator,
      );
      await register.addKey('maersk', { publicKey: testKey(1).publicKey, ...validity }, operator);
      clock.advanceSeconds(60);
      const snapshot = await register.snapshot();
      assert.equal(snapshot.format, 'vostro-trust-register/1');
      assert.equal(snapshot.exportedAt, '2026-03-02T00:01:00.000Z');
      assert.deepEqual(
        snapshot.issuers.map((issuer) => issuer.id),
        ['alfa', 'in-cbic', 'maersk'],
      );
      // What the offline verifier reads is exactly what was exported.
      assert.deepEqual(registerSnapshotOf(JSON.parse(JSON.stringify(snapshot))), snapshot);
      const inside = await ledger.transact(async (tx) => register.snapshotIn(tx, tx.nowNs));
      assert.deepEqual(inside.issuers, snapshot.issuers);
      assert.deepEqual(
        (await register.list({ limit: 10 })).map((issuer) => issuer.id),
        ['alfa', 'in-cbic', 'maersk'],
      );
      assert.deepEqual(
        (await register.list({ limit: 1, after: 'alfa' })).map((issuer) => issuer.id),
        ['in-cbic'],
      );
      assert.deepEqual(
        (await register.list({ limit: 10, role: 'carrier' })).map((issuer) => issuer.id),
        ['maersk'],
      );
    });
  });
}

describe('trust register on SQLite', () => registerCases(openSqlite));

await postgresTests('trust register on PostgreSQL', (schemas) => {
  describe('trust register on PostgreSQL', () =>
    registerCases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 })));
});
