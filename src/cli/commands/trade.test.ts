import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { participantAccountId } from '../../participants/accounts.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { storeCounts, tempDb, vostro, vostroJson, vostroOk } from './cli.test-helper.js';

/**
 * `vostro trade`, `vostro issuer` and `vostro document submit|verify|show` against a database: the
 * operator registers an exporter as issuer with the key it generated, records a trade on
 * documentary-credit terms, the other side agrees (the importer's money is reserved), the goods
 * ship, the exporter's signed invoice is submitted and verified against the hub's records, and
 * its presentation pays the credit. Refusals name what is wrong and write nothing.
 */
describe('vostro trade, issuer and document against the database', () => {
  const { path: db, cleanup } = tempDb();
  const file = (name: string): string => join(dirname(db), name);
  const tradeId = randomUUID();
  const payer = participantAccountId('moscow-foods', 'INR', 'customer');
  const payee = participantAccountId('rice-exports', 'INR', 'customer');
  const trade = {
    id: tradeId,
    exporter: 'rice-exports',
    importer: 'moscow-foods',
    currency: 'INR',
    lines: [
      {
        hs: '100630',
        description: 'Basmati rice, milled',
        quantity: '20000',
        unit: 'KGM',
        unitPrice: '95.50',
      },
    ],
    incoterm: { rule: 'CIF', place: 'Novorossiysk' },
    latestShipmentDate: '2030-03-31',
    paymentTerms: {
      kind: 'documentary_credit',
      requiredDocuments: ['commercial_invoice'],
      presentationPeriodDays: 21,
      expiryDate: '2030-05-31',
      payer,
      payee,
    },
  };
  const invoice = {
    type: 'commercial_invoice',
    version: 1,
    trade: tradeId,
    number: 'INV-2030-0042',
    issuer: 'rice-exports',
    issuedAt: new Date().toISOString(),
    seller: 'rice-exports',
    buyer: 'moscow-foods',
    currency: 'INR',
    lines: [{ ...trade.lines[0], amount: '1910000.00' }],
    total: '1910000.00',
  };

  /** Runs a command expected to fail with exit code `code`, its stderr matching `message`, writing nothing. */
  async function refuses(argv: string[], code: number, message: RegExp): Promise<void> {
    const before = await storeCounts(db);
    const audit = await auditCount();
    const run = await vostro(argv);
    assert.equal(run.code, code, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.deepEqual(await storeCounts(db), before, `${argv.join(' ')} wrote nothing`);
    assert.equal(await auditCount(), audit, `${argv.join(' ')} audited nothing`);
  }
  async function auditCount(): Promise<number> {
    const store = new SqliteStore({ path: db, backgroundCheckpoints: false });
    try {
      return (await store.auditEntries({ limit: 100_000 })).length;
    } finally {
      await store.close();
    }
  }

  before(async () => {
    await vostroOk(['init', '--db', db]);
    for (const [id, country] of [
      ['sbi', 'IN'],
      ['vtb', 'RU'],
    ])
      await vostroOk([
        'participant',
        'create',
        '--db',
        db,
        '--id',
        id as string,
        '--name',
        (id as string).toUpperCase(),
        '--kind',
        'bank',
        '--country',
        country as string,
        '--currencies',
        'INR',
      ]);
    for (const [id, country, bank] of [
      ['rice-exports', 'IN', 'sbi'],
      ['moscow-foods', 'RU', 'vtb'],
    ])
      await vostroOk([
        'participant',
        'create',
        '--db',
        db,
        '--id',
        id as string,
        '--name',
        id as string,
        '--kind',
        'corporate',
        '--country',
        country as string,
        '--bank',
        bank as string,
        '--currencies',
        'INR',
      ]);
    await vostroOk(['payment', 'fund', '--db', db, '--account', payer, '--amount', '5000000.00']);
    await vostroOk([
      'cap',
      'set',
      '--db',
      db,
      '--participant',
      'vtb',
      '--currency',
      'INR',
      '--amount',
      '5000000.00',
    ]);
  });
  after(cleanup);

  it('registers an issuer and its key, lists and exports the register; refuses bad keys and unknown issuers', async () => {
    await vostroOk([
      'signing-key',
      'generate',
      '--issuer',
      'rice-exports',
      '--out',
      file('exporter.key'),
      '--public-out',
      file('exporter.pub.json'),
    ]);
    const added = await vostroJson<{ id: string; documentTypes: string[] }>([
      'issuer',
      'add',
      '--db',
      db,
      '--id',
      'rice-exports',
      '--name',
      'Rice Exports Pvt Ltd',
      '--role',
      'exporter',
      '--country',
      'IN',
      '--document-types',
      'commercial_invoice,packing_list',
      '--participant',
      'rice-exports',
    ]);
    assert.deepEqual(added.documentTypes, ['commercial_invoice', 'packing_list']);
    const keyed = await vostroJson<{ keys: { keyId: string }[] }>([
      'issuer',
      'key-add',
      '--db',
      db,
      '--issuer',
      'rice-exports',
      '--public-key',
      file('exporter.pub.json'),
      '--valid-from',
      '2026-01-01',
      '--valid-to',
      '2036-01-01',
    ]);
    const published = JSON.parse(readFileSync(file('exporter.pub.json'), 'utf8')) as {
      keyId: string;
      publicKey: { mlDsa65: string; ed25519: string };
    };
    assert.deepEqual(
      keyed.keys.map((key) => key.keyId),
      [published.keyId],
    );
    const listed = await vostroOk(['issuer', 'list', '--db', db]);
    assert.match(listed.stdout, /rice-exports/);
    await vostroOk(['issuer', 'export', '--db', db, '--out', file('register.json')]);
    const snapshot = JSON.parse(readFileSync(file('register.json'), 'utf8')) as {
      format: string;
      issuers: { id: string }[];
    };
    assert.equal(snapshot.format, 'vostro-trust-register/1');
    assert.deepEqual(
      snapshot.issuers.map((issuer) => issuer.id),
      ['rice-exports'],
    );

    // A public key one byte short, of each algorithm; an unknown issuer; the same key again.
    const short = (text: string) => Buffer.from(text, 'base64').subarray(1).toString('base64');
    writeFileSync(
      file('short-ml-dsa.json'),
      JSON.stringify({
        algorithm: 'ML-DSA-65+Ed25519',
        mlDsa65: short(published.publicKey.mlDsa65),
        ed25519: published.publicKey.ed25519,
      }),
    );
    writeFileSync(
      file('short-ed25519.json'),
      JSON.stringify({
        algorithm: 'ML-DSA-65+Ed25519',
        mlDsa65: published.publicKey.mlDsa65,
        ed25519: short(published.publicKey.ed25519),
      }),
    );
    const keyAdd = (issuer: string, key: string) => [
      'issuer',
      'key-add',
      '--db',
      db,
      '--issuer',
      issuer,
      '--public-key',
      key,
      '--valid-from',
      '2026-01-01',
      '--valid-to',
      '2036-01-01',
    ];
    await refuses(keyAdd('rice-exports', file('short-ml-dsa.json')), 1, /mlDsa65.*1951 bytes/);
    await refuses(keyAdd('rice-exports', file('short-ed25519.json')), 1, /ed25519.*31 bytes/);
    await refuses(keyAdd('nobody', file('exporter.pub.json')), 1, /nobody/);
    await refuses(keyAdd('rice-exports', file('exporter.pub.json')), 1, /key/);
    await refuses(
      [
        'issuer',
        'add',
        '--db',
        db,
        '--id',
        'pirate',
        '--name',
        'Pirate',
        '--role',
        'pirate',
        '--country',
        'IN',
      ],
      2,
      /--role/,
    );
  });

  it('records a documentary-credit trade, agrees (reserving the money) and ships it; refuses unknown HS codes and Incoterms', async () => {
    writeFileSync(file('trade.json'), JSON.stringify(trade));
    const created = await vostroJson<{ status: string; total: string }>([
      'trade',
      'create',
      '--db',
      db,
      '--file',
      file('trade.json'),
    ]);
    assert.equal(created.status, 'draft');
    assert.equal(created.total, '1910000.00');
    const agreed = await vostroJson<{ status: string; reservation?: string }>([
      'trade',
      'agree',
      tradeId,
      '--db',
      db,
    ]);
    assert.equal(agreed.status, 'agreed');
    assert.ok(agreed.reservation !== undefined, 'the credit is reserved');
    const shipped = await vostroOk(['trade', 'ship', tradeId, '--db', db]);
    assert.match(shipped.stdout, new RegExp(`trade ${tradeId} \\(shipped\\)`));
    const listed = await vostroJson<{ data: { id: string }[] }>([
      'trade',
      'list',
      '--db',
      db,
      '--status',
      'shipped',
    ]);
    assert.deepEqual(
      listed.data.map((item) => item.id),
      [tradeId],
    );
    writeFileSync(
      file('bad-hs.json'),
      JSON.stringify({
        ...trade,
        id: randomUUID(),
        lines: [{ ...trade.lines[0], hs: '100699' }],
      }),
    );
    await refuses(
      ['trade', 'create', '--db', db, '--file', file('bad-hs.json')],
      1,
      /: \/lines\/0\/hs: 100699: HS 2022 heading 1006 \(Rice\) has no subheading 100699 \(unknown_hs_code\)/,
    );
    writeFileSync(
      file('bad-incoterm.json'),
      JSON.stringify({ ...trade, id: randomUUID(), incoterm: { rule: 'DAT', place: 'x' } }),
    );
    await refuses(
      ['trade', 'create', '--db', db, '--file', file('bad-incoterm.json')],
      1,
      /: \/incoterm\/rule: .*DAT/,
    );
    await refuses(['trade', 'show', randomUUID(), '--db', db], 1, /no trade/);
    await refuses(['trade', 'ship', 'not-a-uuid', '--db', db], 2, /not a trade id/);
  });

  it('submits the signed invoice, verifies it against the hub’s records, shows it, and presents it: the credit is paid', async () => {
    writeFileSync(file('invoice.json'), JSON.stringify(invoice));
    await vostroOk([
      'document',
      'sign',
      '--key',
      file('exporter.key'),
      '--in',
      file('invoice.json'),
      '--out',
      file('invoice.signed.json'),
    ]);
    const signed = JSON.parse(readFileSync(file('invoice.signed.json'), 'utf8')) as {
      hash: string;
      content: Record<string, unknown>;
    };
    // Verified against the database before it is submitted: the trade's checks pass.
    const report = await vostroJson<{ valid: boolean; checks: { name: string; status: string }[] }>(
      ['document', 'verify', file('invoice.signed.json'), '--db', db],
    );
    assert.equal(report.valid, true);
    assert.equal(report.checks.find((check) => check.name === 'trade_amounts')?.status, 'pass');
    const submitted = await vostroOk([
      'document',
      'submit',
      file('invoice.signed.json'),
      '--db',
      db,
    ]);
    assert.match(submitted.stdout, new RegExp(`stored: commercial_invoice ${signed.hash}`));
    const shown = await vostroJson<{ hash: string; receivedBy: string }>([
      'document',
      'show',
      signed.hash,
      '--db',
      db,
    ]);
    assert.equal(shown.hash, signed.hash);

    // Tampered after signing: verify exits 1 naming the check; submit refuses and writes nothing.
    writeFileSync(
      file('tampered.json'),
      JSON.stringify({ ...signed, content: { ...signed.content, number: 'INV-2030-0043' } }),
    );
    const tampered = await vostro(['document', 'verify', file('tampered.json'), '--db', db]);
    assert.equal(tampered.code, 1);
    assert.match(tampered.stdout, /│ canonical_hash +│ fail +│ the content hashes to/);
    assert.match(tampered.stderr, /canonical_hash/);
    await refuses(
      ['document', 'submit', file('tampered.json'), '--db', db],
      1,
      /does not verify: canonical_hash/,
    );

    const presented = await vostroJson<{ status: string; payment?: string }>([
      'trade',
      'present',
      tradeId,
      '--documents',
      signed.hash,
      '--db',
      db,
    ]);
    assert.equal(presented.status, 'accepted');
    assert.ok(presented.payment !== undefined);
    const paid = await vostroJson<{ status: string }>(['trade', 'show', tradeId, '--db', db]);
    assert.equal(paid.status, 'paid');
    await refuses(['trade', 'present', tradeId, '--documents', signed.hash, '--db', db], 1, /paid/);
    await refuses(
      ['trade', 'present', tradeId, '--documents', 'sha256:xyz', '--db', db],
      2,
      /not a document hash/,
    );
  });
});
