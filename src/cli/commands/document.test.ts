import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { vostro, vostroOk } from './cli.test-helper.js';

/**
 * The offline side of trade documents: an issuer makes its key, signs a document, and anyone
 * verifies it against an exported register with no database and no server. Keys are generated once
 * for the file (ML-DSA-65 keygen and signing cost milliseconds each).
 */
const dir = mkdtempSync(join(tmpdir(), 'vostro-documents-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => join(dir, name);

const invoice = {
  type: 'commercial_invoice',
  version: 1,
  trade: '0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51',
  number: 'INV-2027-0042',
  issuer: 'rice-exports',
  issuedAt: '2027-01-15T10:00:00Z',
  seller: 'rice-exports',
  buyer: 'moscow-foods',
  currency: 'INR',
  lines: [
    {
      hs: '100630',
      description: 'Basmati rice, milled',
      quantity: '20000',
      unit: 'KGM',
      unitPrice: '95.50',
      amount: '1910000.00',
    },
  ],
  total: '1910000.00',
};

function registerWith(
  keyId: string,
  publicKey: unknown,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    format: 'vostro-trust-register/1',
    exportedAt: '2027-01-16T00:00:00Z',
    issuers: [
      {
        id: 'rice-exports',
        name: 'Rice Exports Pvt Ltd',
        role: 'exporter',
        country: 'IN',
        documentTypes: ['commercial_invoice', 'packing_list'],
        participant: 'rice-exports',
        keys: [
          {
            keyId,
            publicKey,
            validFrom: '2027-01-01T00:00:00Z',
            validTo: '2028-01-01T00:00:00Z',
            ...overrides,
          },
        ],
      },
    ],
  };
}

describe('vostro signing-key and document, offline', () => {
  it('generates a key (0600, never overwritten), signs, and verifies against a register snapshot; any tampering fails its check', async () => {
    const generated = await vostroOk([
      'signing-key',
      'generate',
      '--issuer',
      'rice-exports',
      '--out',
      file('exporter.key'),
      '--public-out',
      file('exporter.pub.json'),
      '--json',
    ]);
    const registration = JSON.parse(generated.stdout) as {
      issuer: string;
      keyId: string;
      publicKey: { algorithm: string; mlDsa65: string; ed25519: string };
    };
    assert.equal(registration.issuer, 'rice-exports');
    assert.match(registration.keyId, /^key:[0-9a-f]{32}$/);
    assert.equal(Buffer.from(registration.publicKey.mlDsa65, 'base64').length, 1952);
    assert.equal(statSync(file('exporter.key')).mode & 0o777, 0o600, 'the secret key is 0600');
    assert.deepEqual(JSON.parse(readFileSync(file('exporter.pub.json'), 'utf8')), registration);
    assert.ok(!readFileSync(file('exporter.pub.json'), 'utf8').includes('secretKey'));

    const again = await vostro([
      'signing-key',
      'generate',
      '--issuer',
      'rice-exports',
      '--out',
      file('exporter.key'),
    ]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /--out: .*exporter\.key exists already/);
    const human = await vostroOk([
      'signing-key',
      'generate',
      '--issuer',
      'rice-exports',
      '--out',
      file('second.key'),
    ]);
    assert.match(human.stdout, /^key id: key:[0-9a-f]{32}\n/);
    const badIssuer = await vostro([
      'signing-key',
      'generate',
      '--issuer',
      'Rice Exports',
      '--out',
      file('bad.key'),
    ]);
    assert.equal(badIssuer.code, 2);
    assert.match(badIssuer.stderr, /--issuer: "Rice Exports" is not an issuer id/);

    writeFileSync(file('invoice.json'), JSON.stringify(invoice));
    const signed = await vostroOk([
      'document',
      'sign',
      '--key',
      file('exporter.key'),
      '--in',
      file('invoice.json'),
      '--out',
      file('invoice.signed.json'),
      '--json',
    ]);
    const summary = JSON.parse(signed.stdout) as { hash: string; keyId: string };
    assert.match(summary.hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(summary.keyId, registration.keyId);

    writeFileSync(
      file('register.json'),
      JSON.stringify(registerWith(registration.keyId, registration.publicKey)),
    );
    const verify = (document: string, extra: readonly string[] = []) =>
      vostro([
        'document',
        'verify',
        document,
        '--register',
        file('register.json'),
        '--received-at',
        '2027-01-15T12:00:00Z',
        ...extra,
      ]);
    const valid = await verify(file('invoice.signed.json'), ['--json']);
    assert.equal(valid.code, 0, valid.stderr);
    const report = JSON.parse(valid.stdout) as {
      valid: boolean;
      hash: string;
      checks: { name: string; status: string; reason: string }[];
    };
    assert.equal(report.valid, true);
    assert.equal(report.hash, summary.hash);
    const statusOf = (checks: typeof report.checks, name: string) =>
      checks.find((check) => check.name === name)?.status;
    for (const name of ['schema', 'canonical_hash', 'signature_ml_dsa_65', 'signature_ed25519'])
      assert.equal(statusOf(report.checks, name), 'pass', name);
    assert.equal(statusOf(report.checks, 'trade_match'), 'skipped', 'no --trade given');
    const table = await verify(file('invoice.signed.json'));
    assert.match(table.stdout, /signature_ml_dsa_65 +│ pass/);
    assert.match(table.stdout, /valid: no check failed/);

    // A changed amount: the hash no longer matches, and both signatures are over the old hash.
    const document = JSON.parse(readFileSync(file('invoice.signed.json'), 'utf8')) as {
      content: { total: string };
      signature: { mlDsa65: string; ed25519: string };
    };
    writeFileSync(
      file('tampered.json'),
      JSON.stringify({ ...document, content: { ...document.content, total: '1910001.00' } }),
    );
    const tampered = await verify(file('tampered.json'), ['--json']);
    assert.equal(tampered.code, 1);
    const tamperedReport = JSON.parse(tampered.stdout) as typeof report;
    assert.equal(tamperedReport.valid, false);
    assert.equal(statusOf(tamperedReport.checks, 'canonical_hash'), 'fail');
    assert.match(tampered.stderr, /check\(s\) failed: .*canonical_hash/);

    // A signature one byte short: named by its length.
    const short = Buffer.from(document.signature.mlDsa65, 'base64').subarray(0, 3308);
    writeFileSync(
      file('short.json'),
      JSON.stringify({
        ...document,
        signature: { ...document.signature, mlDsa65: short.toString('base64') },
      }),
    );
    const shortRun = await verify(file('short.json'), ['--json']);
    assert.equal(shortRun.code, 1);
    const shortCheck = (JSON.parse(shortRun.stdout) as typeof report).checks.find(
      (check) => check.name === 'signature_ml_dsa_65',
    );
    assert.equal(shortCheck?.status, 'fail');
    assert.match(shortCheck.reason, /3308/);

    // Received after the key was revoked: the key check fails.
    writeFileSync(
      file('revoked.json'),
      JSON.stringify(
        registerWith(registration.keyId, registration.publicKey, {
          revokedAt: '2027-01-10T00:00:00Z',
          revocationReason: 'key compromised',
        }),
      ),
    );
    const revoked = await vostro([
      'document',
      'verify',
      file('invoice.signed.json'),
      '--register',
      file('revoked.json'),
      '--received-at',
      '2027-01-15T12:00:00Z',
      '--json',
    ]);
    assert.equal(revoked.code, 1);
    assert.equal(
      statusOf((JSON.parse(revoked.stdout) as typeof report).checks, 'key_not_revoked'),
      'fail',
    );
  });

  it('refuses bad input with a precise message and writes nothing', async () => {
    await vostroOk(['signing-key', 'generate', '--issuer', 'maersk', '--out', file('carrier.key')]);
    const sign = (input: string, key = file('carrier.key'), out = file('never.json')) =>
      vostro(['document', 'sign', '--key', key, '--in', input, '--out', out]);

    writeFileSync(
      file('bad-hs.json'),
      JSON.stringify({
        ...invoice,
        issuer: 'maersk',
        lines: [{ ...invoice.lines[0], hs: '1006' }],
      }),
    );
    const badHs = await sign(file('bad-hs.json'));
    assert.equal(badHs.code, 1);
    assert.match(badHs.stderr, /lines\/0\/hs/);

    writeFileSync(file('other-issuer.json'), JSON.stringify(invoice));
    const otherIssuer = await sign(file('other-issuer.json'));
    assert.equal(otherIssuer.code, 1);
    assert.match(
      otherIssuer.stderr,
      /\/issuer is "rice-exports", but the key .* belongs to issuer "maersk"/,
    );

    writeFileSync(file('not-json.json'), '{"type": ');
    const notJson = await sign(file('not-json.json'));
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, /--in: .*not-json\.json is not valid JSON/);

    const missing = await sign(file('nowhere.json'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--in: cannot read/);

    const key = JSON.parse(readFileSync(file('carrier.key'), 'utf8')) as {
      secretKey: { mlDsa65: string; ed25519: string };
    };
    writeFileSync(
      file('short.key'),
      JSON.stringify({
        ...key,
        secretKey: { ...key.secretKey, ed25519: Buffer.alloc(31).toString('base64') },
      }),
    );
    writeFileSync(file('carrier-invoice.json'), JSON.stringify({ ...invoice, issuer: 'maersk' }));
    const shortKey = await sign(file('carrier-invoice.json'), file('short.key'));
    assert.equal(shortKey.code, 1);
    assert.match(shortKey.stderr, /--key: .*31/);
    assert.throws(() => statSync(file('never.json')), /ENOENT/, 'nothing was written');

    writeFileSync(file('broken-register.json'), JSON.stringify({ format: 'something else' }));
    writeFileSync(file('anything.json'), JSON.stringify({ format: 'vostro-document/1' }));
    const broken = await vostro([
      'document',
      'verify',
      file('anything.json'),
      '--register',
      file('broken-register.json'),
    ]);
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /--register: .*broken-register\.json: register\/exportedAt is required/,
    );

    const tradeWithoutRegister = await vostro([
      'document',
      'verify',
      file('anything.json'),
      '--trade',
      file('anything.json'),
    ]);
    assert.equal(tradeWithoutRegister.code, 2);
    assert.match(tradeWithoutRegister.stderr, /--trade: only with --register/);

    writeFileSync(
      file('empty-register.json'),
      JSON.stringify({
        format: 'vostro-trust-register/1',
        exportedAt: '2027-01-16T00:00:00Z',
        issuers: [],
      }),
    );
    const malformed = await vostro([
      'document',
      'verify',
      file('anything.json'),
      '--register',
      file('empty-register.json'),
      '--json',
    ]);
    assert.equal(malformed.code, 1);
    const report = JSON.parse(malformed.stdout) as {
      valid: boolean;
      checks: { name: string; status: string }[];
    };
    assert.equal(report.valid, false);
    assert.equal(report.checks.find((check) => check.name === 'schema')?.status, 'fail');
  });
});
