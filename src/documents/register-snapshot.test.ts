import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../domain/errors.js';
import { copy, keyFrom, sampleRegister } from './documents.test-helper.js';
import {
  parseRegisterSnapshot,
  registerSnapshotOf,
  type RegisterSnapshot,
} from './register-snapshot.js';

/** The field and message of the refusal `value` gets. */
function refusal(value: unknown): { field: string | undefined; message: string } {
  try {
    registerSnapshotOf(value);
  } catch (error) {
    assert.ok(error instanceof HubError, String(error));
    assert.equal(error.code, 'invalid_field');
    return { field: error.field, message: error.message };
  }
  assert.fail('accepted');
}

const changed = (change: (register: RegisterSnapshot) => void): RegisterSnapshot => {
  const register = copy(sampleRegister());
  change(register);
  return register;
};

describe('register snapshot', () => {
  it('reads an exported snapshot file back as it was written', () => {
    const register = sampleRegister();
    assert.deepEqual(parseRegisterSnapshot(JSON.stringify(register, null, 2)), register);
  });

  it('refuses a file that is not JSON, or not a snapshot', () => {
    assert.throws(
      () => parseRegisterSnapshot('{"format":'),
      (error: unknown) =>
        error instanceof HubError &&
        error.field === 'register' &&
        error.message.startsWith('the register snapshot is not JSON: '),
    );
    assert.deepEqual(refusal([]), {
      field: 'register',
      message: 'register must be an object, got an array',
    });
    assert.equal(
      refusal({ ...sampleRegister(), format: 'vostro-trust-register/2' }).field,
      'register/format',
    );
  });

  it('names the issuer field at fault: unknown role, document type, or extra field', () => {
    assert.deepEqual(
      refusal(changed((r) => Object.assign(r.issuers[0]!, { role: 'shipping_line' }))),
      {
        field: 'register/issuers/0/role',
        message:
          'register/issuers/0/role must be one of carrier, chamber_of_commerce, customs, insurer, bank, exporter, importer, got "shipping_line"',
      },
    );
    assert.equal(
      refusal(changed((r) => (r.issuers[2]!.documentTypes as string[]).push('delivery_order')))
        .field,
      'register/issuers/2/documentTypes/1',
    );
    assert.deepEqual(
      refusal(changed((r) => Object.assign(r.issuers[1]!.keys[0]!, { revoked: true }))),
      {
        field: 'register/issuers/1/keys/0/revoked',
        message: 'register/issuers/1/keys/0/revoked is not a field of a register snapshot',
      },
    );
    assert.equal(
      refusal(changed((r) => r.issuers[3]!.documentTypes.push(r.issuers[3]!.documentTypes[0]!)))
        .field,
      'register/issuers/3/documentTypes',
    );
  });

  it('refuses public keys of the wrong size and key ids that are not their key', () => {
    const short = refusal(
      changed((r) => {
        const key = r.issuers[0]!.keys[0]!;
        key.publicKey.mlDsa65 = Buffer.from(key.publicKey.mlDsa65, 'base64')
          .subarray(1)
          .toString('base64');
      }),
    );
    assert.equal(short.field, 'register/issuers/0/keys/0/publicKey/mlDsa65');
    assert.match(short.message, /1951 bytes/);
    const ed = refusal(
      changed((r) => {
        r.issuers[0]!.keys[0]!.publicKey.ed25519 = Buffer.alloc(33).toString('base64');
      }),
    );
    assert.equal(ed.field, 'register/issuers/0/keys/0/publicKey/ed25519');
    assert.match(ed.message, /33 bytes/);
    const other = keyFrom(99);
    const mismatch = refusal(
      changed((r) => {
        r.issuers[0]!.keys[0]!.publicKey = other.publicKey;
      }),
    );
    assert.equal(mismatch.field, 'register/issuers/0/keys/0/keyId');
    assert.match(
      mismatch.message,
      new RegExp(`is not the id of its public key \\(${other.keyId}\\)`),
    );
  });

  it('refuses an issuer or a key listed twice', () => {
    assert.deepEqual(refusal(changed((r) => r.issuers.push(copy(r.issuers[0]!)))), {
      field: 'register/issuers/10/id',
      message: 'register/issuers/10/id: the issuer sci-carrier is listed twice',
    });
    const twice = refusal(changed((r) => r.issuers[1]!.keys.push(copy(r.issuers[0]!.keys[0]!))));
    assert.equal(twice.field, 'register/issuers/1/keys/1/keyId');
    assert.match(twice.message, /is listed twice \(also under sci-carrier\)/);
  });

  it('refuses validity that ends before it starts, dates that do not exist, and unknown successors', () => {
    assert.deepEqual(
      refusal(
        changed((r) => {
          r.issuers[0]!.keys[0]!.validTo = '2025-12-31T00:00:00Z';
        }),
      ),
      {
        field: 'register/issuers/0/keys/0/validTo',
        message:
          'register/issuers/0/keys/0/validTo 2025-12-31T00:00:00Z is not after validFrom 2026-01-01T00:00:00Z',
      },
    );
    assert.equal(
      refusal(
        changed((r) => {
          r.issuers[0]!.keys[0]!.revokedAt = '2026-02-30T00:00:00Z';
        }),
      ).field,
      'register/issuers/0/keys/0/revokedAt',
    );
    assert.equal(
      refusal(changed((r) => (r.exportedAt = '2026-03-01 00:00'))).field,
      'register/exportedAt',
    );
    assert.deepEqual(
      refusal(
        changed((r) => {
          r.issuers[0]!.keys[0]!.supersededBy = r.issuers[1]!.keys[0]!.keyId;
        }),
      ),
      {
        field: 'register/issuers/0/keys/0/supersededBy',
        message: `register/issuers/0/keys/0/supersededBy: ${sampleRegister().issuers[1]!.keys[0]!.keyId} is not a key of sci-carrier`,
      },
    );
  });
});
