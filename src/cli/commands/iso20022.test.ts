import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { participantAccountId } from '../../participants/accounts.js';
import { storeCounts, tempDb, vostro, vostroOk } from './cli.test-helper.js';

const SAMPLE = new URL('../../../docs/examples/pacs.008-tata-steel.xml', import.meta.url);

/**
 * `vostro iso20022 submit|message|statement|notifications` against a database, with the README's
 * tour: Bank of Baroda's pacs.008 for its customer Tata Steel into Sberbank's vostro account at SBI.
 * Exit codes: 0 every transaction accepted, 1 one rejected (the pacs.002 says why), 2 the message
 * refused as a whole; whatever is refused writes no transfer.
 */
describe('vostro iso20022', () => {
  const { path: db, cleanup } = tempDb();
  const file = (name: string): string => join(dirname(db), name);
  const sample = readFileSync(SAMPLE, 'utf8');
  /** The sample with its MsgId (and so its UETR-less key) changed and `edit` applied. */
  const variant = (name: string, msgId: string, edit: (xml: string) => string = (xml) => xml) => {
    const path = file(name);
    writeFileSync(path, edit(sample.replace('DEMO-BOB-20261120-0001', msgId)));
    return path;
  };
  const srva = participantAccountId('sberbank', 'INR', 'vostro', 'sbi');
  const tata = participantAccountId('tata-steel', 'INR', 'customer');
  const today = new Date().toISOString().slice(0, 10);

  before(async () => {
    await vostroOk(['init', '--db', db]);
    for (const [id, country, extra] of [
      ['sbi', 'IN', ['--kind', 'bank', '--bic', 'DEMOINBBXXX']],
      ['bob', 'IN', ['--kind', 'bank', '--bic', 'DEMOINBDXXX']],
      ['sberbank', 'RU', ['--kind', 'bank', '--bic', 'DEMORUMMXXX']],
      ['tata-steel', 'IN', ['--kind', 'corporate', '--bank', 'bob']],
    ] as const)
      await vostroOk([
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
        '--currencies',
        country === 'IN' ? 'INR' : 'RUB',
        ...extra,
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
    await vostroOk(['account', 'identify', tata, '--other', 'BOB-CA-0042-7788', '--db', db]);
    await vostroOk(['payment', 'fund', '--db', db, '--account', tata, '--amount', '500000.00']);
    await vostroOk([
      'cap',
      'set',
      '--db',
      db,
      '--participant',
      'bob',
      '--currency',
      'INR',
      '--amount',
      '100000.00',
    ]);
  });
  after(cleanup);

  /** Runs submit, expecting `code`; checks that a refusal wrote no transfer. */
  async function submit(path: string, code: number, extra: string[] = []) {
    const before = await storeCounts(db);
    const run = await vostro(['iso20022', 'submit', path, '--db', db, ...extra]);
    assert.equal(run.code, code, `${path}: ${run.stderr}`);
    if (code !== 0)
      assert.equal((await storeCounts(db)).transfers, before.transfers, 'no transfer');
    return run;
  }

  it('pays the sample pacs.008 and prints its pacs.002 (ACSC); the same message again gets its first report and pays nothing', async () => {
    const before = await storeCounts(db);
    const run = await submit(SAMPLE.pathname, 0);
    assert.match(
      run.stdout,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs\.002\.001\.11">/,
    );
    assert.match(run.stdout, /<GrpSts>ACSC<\/GrpSts>/);
    assert.match(
      run.stdout,
      /<OrgnlUETR>8f4a3c2e-6b1d-4e5f-9a7b-3c2d1e0f4a5b<\/OrgnlUETR><TxSts>ACSC<\/TxSts>/,
    );
    assert.ok(run.stdout.endsWith('</Document>\n'));
    assert.equal(
      run.stderr,
      'ACSC: 1 accepted, 0 rejected; message DEMOINBD:DEMO-BOB-20261120-0001\n',
    );
    assert.ok((await storeCounts(db)).transfers > before.transfers);
    const paid = await storeCounts(db);
    const again = await submit(SAMPLE.pathname, 0);
    assert.match(
      again.stderr,
      /\(submitted before: this is its original report; nothing new was written\)/,
    );
    assert.equal(again.stdout, run.stdout);
    assert.deepEqual(await storeCounts(db), paid);
    const stored = await vostroOk([
      'iso20022',
      'message',
      'DEMOINBD:DEMO-BOB-20261120-0001',
      '--db',
      db,
    ]);
    assert.equal(stored.stdout, run.stdout);
    assert.match(
      stored.stderr,
      /^pacs\.008\.001\.09 DEMO-BOB-20261120-0001 from bob, received \d{4}-/,
    );
  });

  it('writes the report to a new --out file, and never over an existing one', async () => {
    const out = file('report.xml');
    const run = await submit(SAMPLE.pathname, 0, ['--out', out]);
    assert.equal(run.stdout, '');
    assert.match(readFileSync(out, 'utf8'), /<GrpSts>ACSC<\/GrpSts>/);
    const twice = await vostro(['iso20022', 'submit', SAMPLE.pathname, '--db', db, '--out', out]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /--out: .*report\.xml exists already/);
  });

  it('a transaction refused by the rules: exit 1 with the reason code in the pacs.002 (AM02 more decimals than INR has, AC01 an unknown account, AM04 past the cap)', async () => {
    const decimals = await submit(
      variant('am02.xml', 'DEMO-AM02', (xml) => xml.replaceAll('45000.00<', '45000.005<')),
      1,
    );
    assert.match(decimals.stdout, /<TxSts>RJCT<\/TxSts><StsRsnInf><Rsn><Cd>AM02<\/Cd>/);
    assert.equal(decimals.stderr, 'RJCT: 0 accepted, 1 rejected; message DEMOINBD:DEMO-AM02\n');
    const account = await submit(
      variant('ac01.xml', 'DEMO-AC01', (xml) => xml.replace('BOB-CA-0042-7788', 'BOB-CA-NOWHERE')),
      1,
    );
    assert.match(account.stdout, /<Cd>AC01<\/Cd>/);
    const cap = await submit(
      variant('am04.xml', 'DEMO-AM04', (xml) =>
        xml
          .replaceAll('45000.00<', '90000.00<')
          .replace('8f4a3c2e-6b1d-4e5f-9a7b-3c2d1e0f4a5b', '8f4a3c2e-6b1d-4e5f-9a7b-3c2d1e0f4a5c'),
      ),
      1,
    );
    assert.match(cap.stdout, /<Cd>AM04<\/Cd>/);
  });

  it('a message refused as a whole: exit 2, with a pacs.002 when it could be read (FF01), with the reason alone when not', async () => {
    const count = await submit(
      variant('nboftxs.xml', 'DEMO-NB', (xml) => xml.replace('<NbOfTxs>1', '<NbOfTxs>2')),
      2,
    );
    assert.match(
      count.stdout,
      /<GrpSts>RJCT<\/GrpSts><StsRsnInf><Rsn><Cd>FF01<\/Cd>.*NbOfTxs is 2/,
    );
    assert.equal(
      count.stderr,
      'RJCT: the message was refused as a whole (the status report says why); nothing was written\n',
    );
    const schema = await submit(
      variant('schema.xml', 'DEMO-XSD', (xml) => xml.replace('<ChrgBr>SHAR</ChrgBr>', '')),
      2,
    );
    assert.match(
      schema.stdout,
      /<Cd>FF01<\/Cd><\/Rsn><AddtlInf>the message does not match the pacs\.008\.001\.09 schema/,
    );
    const doctype = file('doctype.xml');
    writeFileSync(
      doctype,
      '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<d>&x;</d>\n',
    );
    const refused = await submit(doctype, 2);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^error: <file>: .*doctype\.xml: .*DOCTYPE.*\(doctype\)$/m);
    assert.match(refused.stderr, /The message was refused as a whole; nothing was written\./);
    const notXml = file('not.xml');
    writeFileSync(notXml, '{"this": "is JSON"}');
    assert.match((await submit(notXml, 2)).stderr, /is not well-formed XML.*\(not_xml\)/);
    const version = variant('v8.xml', 'DEMO-V8', (xml) =>
      xml.replace('pacs.008.001.09', 'pacs.008.001.08'),
    );
    assert.match((await submit(version, 2)).stderr, /pacs\.008\.001\.08.*\(unsupported_version\)/);
    const camt = file('camt.xml');
    writeFileSync(
      camt,
      '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>',
    );
    assert.match((await submit(camt, 2)).stderr, /\(unsupported_message\)/);
    const big = file('big.xml');
    writeFileSync(big, '');
    truncateSync(big, 8 * 1024 * 1024 + 1);
    assert.match(
      (await submit(big, 2)).stderr,
      /<file>: .*big\.xml is 8388609 bytes; a message is at most 8388608 bytes/,
    );
    assert.match(
      (await submit(file('missing.xml'), 2)).stderr,
      /<file>: cannot read .*missing\.xml/,
    );
    mkdirSync(file('a-directory'));
    assert.match(
      (await submit(file('a-directory'), 2)).stderr,
      /<file>: .*a-directory is not a file/,
    );
  });

  it('prints an account’s camt.053 statement of a day, and refuses a day that is not one, or not begun, or an unknown account', async () => {
    const run = await vostroOk([
      'iso20022',
      'statement',
      '--account',
      srva,
      '--date',
      today,
      '--db',
      db,
    ]);
    assert.match(run.stdout, /camt\.053\.001\.08/);
    assert.match(run.stdout, /<Cd>CLBD<\/Cd><\/CdOrPrtry><\/Tp><Amt Ccy="INR">45000\.00<\/Amt>/);
    assert.match(run.stdout, /<UETR>8f4a3c2e-6b1d-4e5f-9a7b-3c2d1e0f4a5b<\/UETR>/);
    const out = file('statement.xml');
    await vostroOk([
      'iso20022',
      'statement',
      '--account',
      srva,
      '--date',
      today,
      '--db',
      db,
      '--out',
      out,
    ]);
    assert.match(readFileSync(out, 'utf8'), /<Amt Ccy="INR">45000\.00<\/Amt>/);
    for (const [argv, code, message] of [
      [['--account', srva, '--date', '2026-02-30'], 2, /--date: "2026-02-30" is not a date/],
      [['--account', srva, '--date', '20261120'], 2, /--date: "20261120" is not a date/],
      [['--account', srva, '--date', '2999-01-01'], 1, /--date: 2999-01-01 has not begun/],
      [['--account', 'sberbank', '--date', today], 2, /--account: "sberbank" is not an account id/],
      [
        ['--account', participantAccountId('nobody', 'INR', 'customer'), '--date', today],
        1,
        /--account: .*belongs to no participant/,
      ],
      [['--date', today], 2, /required option '--account <id>' not specified/],
    ] as const) {
      const refused = await vostro(['iso20022', 'statement', ...argv, '--db', db]);
      assert.equal(refused.code, code, `${argv.join(' ')}: ${refused.stderr}`);
      assert.match(refused.stderr, message);
    }
  });

  it('prints an account’s camt.054 notifications after an event, and the cursor to go on from', async () => {
    const run = await vostroOk(['iso20022', 'notifications', '--account', srva, '--db', db]);
    assert.match(run.stdout, /camt\.054\.001\.08/);
    // The tour's payment into Sberbank's vostro account, with its references back to the pacs.008.
    assert.match(run.stdout, /<Ntry><Amt Ccy="INR">45000\.00<\/Amt><CdtDbtInd>CRDT<\/CdtDbtInd>/);
    assert.match(run.stdout, /<UETR>8f4a3c2e-6b1d-4e5f-9a7b-3c2d1e0f4a5b<\/UETR>/);
    const next = /^next: --after (\d+)$/m.exec(run.stderr)?.[1];
    assert.ok(next !== undefined, run.stderr);
    const later = await vostroOk([
      'iso20022',
      'notifications',
      '--account',
      srva,
      '--after',
      next,
      '--db',
      db,
    ]);
    assert.doesNotMatch(later.stdout, /<Ntry>/);
    for (const [argv, message] of [
      [['--account', srva, '--after', 'x'], /--after: "x" is not an event sequence number/],
      [['--account', srva, '--limit', '0'], /--limit: 0 is out of range/],
    ] as const) {
      const refused = await vostro(['iso20022', 'notifications', ...argv, '--db', db]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, message);
    }
  });

  it('message: an unknown id exits 1, a malformed one 2', async () => {
    const unknown = await vostro(['iso20022', 'message', 'DEMOINBD:NOPE', '--db', db]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /<id>: no message DEMOINBD:NOPE/);
    const malformed = await vostro(['iso20022', 'message', 'has spaces', '--db', db]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /<id>: "has spaces" is not a message id/);
  });
});
