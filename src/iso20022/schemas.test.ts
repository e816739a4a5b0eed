import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { XmlDocument, XmlParseError } from 'libxml2-wasm';
import { inboundMessage, manyTransactions, sharedSamplesFolder } from './messages.test-helper.js';
import { readInbound } from './inbound.js';
import { MAX_SCHEMA_ERRORS, PARSE_OPTIONS, validateMessage, validateOutgoing } from './schemas.js';
import { ISO_MESSAGE_MAX_BYTES, IsoFormatError, type IsoFormatCode } from './xml.js';

const PACS008 = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09';
const valid = inboundMessage({ transactions: manyTransactions(2) });

/** Asserts that `run` throws an IsoFormatError with `code` whose message matches `message`. */
function refused(run: () => unknown, code: IsoFormatCode, message: RegExp): IsoFormatError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof IsoFormatError, `expected IsoFormatError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, message);
  return caught;
}

describe('validateMessage: valid messages', () => {
  it('names the kind from the root namespace and hands over the parsed document', () => {
    const { kind, document } = validateMessage(valid);
    assert.equal(kind, 'pacs.008.001.09');
    assert.equal(document.root.name, 'Document');
    document.dispose();
    const pacs009 = validateMessage(
      inboundMessage({ kind: 'pacs.009', transactions: manyTransactions(1) }),
    );
    assert.equal(pacs009.kind, 'pacs.009.001.09');
    pacs009.document.dispose();
  });

  it('takes bytes, a UTF-8 byte order mark, and a string starting with U+FEFF', () => {
    for (const input of [
      Buffer.from(valid),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]),
      `\uFEFF${valid}`,
      new Uint8Array(Buffer.from(`  ${valid}`).subarray(2)), // a view with an offset
    ]) {
      validateMessage(input).document.dispose();
    }
  });

  it('takes any prefix for the namespace, comments and processing instructions', () => {
    validateMessage(
      inboundMessage({ prefix: 'ns1', transactions: manyTransactions(1) }),
    ).document.dispose();
    validateMessage(
      valid.replace('<GrpHdr>', '<!-- a comment --><?pi data?><GrpHdr>'),
    ).document.dispose();
  });
});

describe('validateMessage: refusals before parsing', () => {
  it('refuses more than 8 MiB, as a string or as bytes, before parsing', () => {
    const padding = ' '.repeat(9 * 1024 * 1024);
    const big = valid.replace('<GrpHdr>', `<GrpHdr>${padding}`);
    refused(() => validateMessage(big), 'too_large', /at least 94\d{5} bytes; at most 8388608/);
    refused(() => validateMessage(Buffer.from(big)), 'too_large', /is 94\d{5} bytes/);
    // Fewer UTF-16 units than the limit, more UTF-8 bytes: counted after encoding.
    const cyrillic = valid.replace('Debtor Ltd', 'Д'.repeat(ISO_MESSAGE_MAX_BYTES / 2 + 10));
    refused(() => validateMessage(cyrillic), 'too_large', /^the message is 839\d{4} bytes/);
  });

  it('refuses UTF-16 and UTF-32, with or without a byte order mark, and other encodings', () => {
    const bom16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]);
    refused(() => validateMessage(bom16le), 'not_xml', /UTF-16 \(byte order mark FF FE\).*UTF-8/);
    const bom16be = Buffer.from(bom16le).swap16();
    refused(() => validateMessage(bom16be), 'not_xml', /UTF-16 \(byte order mark FE FF\)/);
    refused(
      () => validateMessage(Buffer.from(valid, 'utf16le')),
      'not_xml',
      /UTF-16 little-endian \(no byte order mark\)/,
    );
    refused(
      () => validateMessage(Buffer.from(valid, 'utf16le').swap16()),
      'not_xml',
      /UTF-16 big-endian/,
    );
    refused(
      () => validateMessage(Buffer.from([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0])),
      'not_xml',
      /UTF-32/,
    );
    refused(
      () => validateMessage(valid.replace('encoding="UTF-8"', "encoding = 'ISO-8859-1'")),
      'not_xml',
      /declaration names encoding "ISO-8859-1"; ISO 20022 messages are UTF-8/,
    );
    validateMessage(valid.replace('encoding="UTF-8"', 'encoding="utf8"')).document.dispose();
    refused(() => validateMessage(`${valid}\uD800`), 'not_xml', /lone UTF-16 surrogate/);
  });

  it('refuses a DOCTYPE before parsing, naming its line (XXE: a file)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'vostro-xxe-'));
    try {
      const secret = join(directory, 'secret.txt');
      writeFileSync(secret, 'TOP-SECRET-VALUE');
      const xxe = valid
        .replace(
          '<Document',
          `<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://${secret}">]>\n<Document`,
        )
        .replace('Debtor Ltd', '&xxe;');
      const error = refused(
        () => validateMessage(xxe),
        'doctype',
        /<!DOCTYPE declaration \(line 2\); ISO 20022 messages have no DTD/,
      );
      assert.deepEqual(error.errors, [{ path: 'line 2', message: '<!DOCTYPE is refused' }]);
      // Defence in depth: libxml2 with vostro's options does not read the file either.
      let text = '';
      try {
        const document = XmlDocument.fromString(xxe, { option: PARSE_OPTIONS });
        text = document.root.content;
        document.dispose();
      } catch (parseError) {
        assert.ok(parseError instanceof XmlParseError);
      }
      assert.ok(!text.includes('TOP-SECRET-VALUE'));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  describe('external entities over HTTP', () => {
    let server: Server;
    let requests = 0;
    let base = '';
    before(async () => {
      server = createServer((request, response) => {
        requests += 1;
        response.end('<!ENTITY leak "LEAKED">');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('refuses general and parameter entities and never fetches them', () => {
      const general = valid
        .replace(
          '<Document',
          `<!DOCTYPE Document [<!ENTITY xxe SYSTEM "${base}/general">]><Document`,
        )
        .replace('Debtor Ltd', '&xxe;');
      const parameter = valid.replace(
        '<Document',
        `<!DOCTYPE Document [<!ENTITY % remote SYSTEM "${base}/parameter.dtd"> %remote;]><Document`,
      );
      const externalSubset = valid.replace(
        '<Document',
        `<!DOCTYPE Document SYSTEM "${base}/subset.dtd"><Document`,
      );
      for (const xml of [general, parameter, externalSubset]) {
        refused(() => validateMessage(xml), 'doctype', /<!DOCTYPE declaration \(line 2\)/);
        // Defence in depth: libxml2 with vostro's options fetches nothing.
        try {
          XmlDocument.fromString(xml, { option: PARSE_OPTIONS }).dispose();
        } catch (error) {
          assert.ok(error instanceof XmlParseError);
        }
      }
      assert.equal(requests, 0);
    });
  });

  it('refuses billion laughs and quadratic blowup before expanding anything', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from(
        { length: 9 },
        (_, level) =>
          `<!ENTITY lol${level + 1} "${`&lol${level === 0 ? '' : level};`.repeat(10)}">`,
      ).join('') +
      `]><Document xmlns="${PACS008}">&lol9;</Document>`;
    const started = performance.now();
    refused(() => validateMessage(laughs), 'doctype', /<!DOCTYPE declaration/);
    const blowup =
      `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "${'a'.repeat(50_000)}">]>` +
      `<Document xmlns="${PACS008}">${'&a;'.repeat(50_000)}</Document>`;
    refused(() => validateMessage(blowup), 'doctype', /<!DOCTYPE declaration/);
    assert.ok(performance.now() - started < 1_000);
    // Defence in depth: libxml2 itself stops billion laughs (amplification limit).
    assert.throws(
      () => XmlDocument.fromString(laughs, { option: PARSE_OPTIONS }),
      (error: unknown) => error instanceof XmlParseError,
    );
  });

  it('refuses an ENTITY declaration anywhere, in any case', () => {
    refused(
      () => validateMessage(valid.replace('<GrpHdr>', '<GrpHdr><!ENTITY x "y">')),
      'doctype',
      /<!ENTITY declaration \(line 2\)/,
    );
    refused(
      () => validateMessage(valid.replace('<Document', '<!doctype Document><Document')),
      'doctype',
      /<!DOCTYPE/,
    );
  });
});

describe('validateMessage: refusals at parsing', () => {
  it('refuses text that is not XML, naming line and column', () => {
    for (const [input, message] of [
      ['', /not well-formed XML/],
      ['hello', /Start tag expected.*\(line 1, column 1\)/],
      ['{"msgId": 1}', /Start tag expected/],
      [
        valid.replace('</GrpHdr>', ''),
        /Opening and ending tag mismatch: GrpHdr line 2 and FIToFICstmrCdtTrf/,
      ],
      [valid.replace('Debtor Ltd', '&undefined;'), /Entity 'undefined' not defined/],
      [valid.replace('Debtor Ltd', 'A & B'), /xmlParseEntityRef: no name/],
      [
        Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]),
        /Invalid bytes in character encoding \(line 1, column 4\)/,
      ],
    ] as const) {
      const error = refused(() => validateMessage(input), 'not_xml', message);
      assert.ok(error.errors.length <= MAX_SCHEMA_ERRORS);
    }
  });

  it('refuses 10,000 levels of nesting (libxml2 stops at 256)', () => {
    const deep = `<Document xmlns="${PACS008}">${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</Document>`;
    const error = refused(
      () => validateMessage(deep),
      'not_xml',
      /Excessive depth in document: 256/,
    );
    assert.match(error.errors[0]?.path ?? '', /^line 1, column \d+$/);
  });

  it('a huge attribute or 100,000 attributes end quickly in a schema refusal', () => {
    const started = performance.now();
    const huge = valid.replace('<Document ', `<Document huge="${'x'.repeat(7_000_000)}" `);
    refused(() => validateMessage(huge), 'schema', /The attribute 'huge' is not allowed/);
    const attributes = Array.from({ length: 100_000 }, (_, i) => `a${i}="1"`).join(' ');
    const many = valid.replace('<Document ', `<Document ${attributes} `);
    const error = refused(() => validateMessage(many), 'schema', /and 99999 more/);
    assert.equal(error.errors.length, MAX_SCHEMA_ERRORS);
    assert.ok(performance.now() - started < 5_000, `${performance.now() - started} ms`);
  });

  it('a stray attribute on each of 270,000 elements costs linear time, not quadratic', () => {
    // libxml2-wasm's own validate() computes an XPath per error by counting earlier siblings:
    // this message took 21 s of CPU there. validator.ts keeps only the first errors.
    const xml = inboundMessage({ transactions: manyTransactions(9_000) }).replace(
      /<(\w+)>/g,
      '<$1 z="1">',
    );
    const cpu = process.cpuUsage();
    const error = refused(() => validateMessage(xml), 'schema', /attribute 'z' is not allowed/);
    const used = process.cpuUsage(cpu);
    assert.equal(error.errors.length, MAX_SCHEMA_ERRORS);
    assert.match(error.message, /\(and \d{6} more\)$/);
    assert.equal(
      error.errors[19]?.path,
      '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/DbtrAgt/FinInstnId',
    );
    assert.ok(used.user + used.system < 5_000_000, `${(used.user + used.system) / 1000} ms of CPU`);
  });
});

describe('validateMessage: the message kind', () => {
  it('refuses other versions of a supported message, naming both versions', () => {
    for (const version of ['001.08', '001.10']) {
      const xml = inboundMessage({ version, transactions: manyTransactions(1) });
      const error = refused(
        () => validateMessage(xml),
        'unsupported_version',
        new RegExp(
          `^unsupported message version pacs\\.008\\.${version.replace('.', '\\.')} .*vostro supports pacs\\.008\\.001\\.09 only$`,
        ),
      );
      assert.equal(error.errors[0]?.path, '/Document');
    }
  });

  it('refuses a wrong namespace, no namespace, another root and a message vostro sends', () => {
    refused(
      () => validateMessage(valid.replace(PACS008, 'urn:example:payments')),
      'unsupported_message',
      /root element is Document in namespace urn:example:payments, not an ISO 20022 Document/,
    );
    refused(
      () => validateMessage(valid.replace(` xmlns="${PACS008}"`, '')),
      'unsupported_message',
      /root element is Document in no namespace/,
    );
    refused(
      () => validateMessage(`<AppHdr xmlns="${PACS008}"/>`),
      'unsupported_message',
      /root element is AppHdr/,
    );
    refused(
      () => validateMessage(valid.replaceAll('pacs.008.001.09', 'camt.052.001.08')),
      'unsupported_message',
      /camt\.052\.001\.08 .* is not a message vostro accepts; vostro accepts pacs\.008\.001\.09, pacs\.009\.001\.09, pacs\.002\.001\.11, camt\.053\.001\.08 or camt\.054\.001\.08 here/,
    );
    refused(
      () => validateMessage(valid.replaceAll('pacs.008.001.09', 'pacs.008')),
      'unsupported_message',
      /pacs\.008 \(namespace urn:iso:std:iso:20022:tech:xsd:pacs\.008\) is not a message/,
    );
    const camt053 = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>`;
    refused(
      () => readInbound(camt053),
      'unsupported_message',
      /camt\.053\.001\.08 .* is a message vostro sends, not one it accepts; vostro accepts pacs\.008\.001\.09 or pacs\.009\.001\.09 here/,
    );
    refused(
      () => validateOutgoing('pacs.002.001.11', valid),
      'unsupported_message',
      /pacs\.008\.001\.09 .* is a message vostro receives, not one it sends; vostro accepts pacs\.002\.001\.11 here/,
    );
  });
});

describe('validateMessage: schema errors', () => {
  it('a schema-invalid amount: path, message, and the header as written', () => {
    const xml = inboundMessage({
      msgId: 'BAD-AMOUNT',
      instructingAgentBic: 'SBININBBXXX',
      transactions: [...manyTransactions(1), ...manyTransactions(1, { amount: '12.3.4' })],
    });
    const error = refused(
      () => validateMessage(xml),
      'schema',
      /^the message does not match the pacs\.008\.001\.09 schema: \/Document\/FIToFICstmrCdtTrf\/CdtTrfTxInf\[2\]\/IntrBkSttlmAmt: Element 'IntrBkSttlmAmt': '12\.3\.4' is not a valid value of the atomic type 'ActiveCurrencyAndAmount_SimpleType'\.$/,
    );
    assert.deepEqual(error.original, {
      kind: 'pacs.008.001.09',
      msgId: 'BAD-AMOUNT',
      createdAt: '2026-12-07T10:00:00Z',
      numberOfTransactions: '2',
      instructingAgentBic: 'SBININBBXXX',
    });
  });

  it('a missing mandatory element names what was expected', () => {
    const xml = valid.replace(/<EndToEndId>E2E-1<\/EndToEndId>/, '');
    const error = refused(
      () => validateMessage(xml),
      'schema',
      /CdtTrfTxInf\[1\]\/PmtId.*Missing child element\(s\)\. Expected is \( EndToEndId \)|CdtTrfTxInf\[1\]\/PmtId\/UETR: .*Expected is \( EndToEndId \)/,
    );
    assert.equal(error.errors.length, 1);
    const noSettlement = valid.replace(/<SttlmInf>.*<\/SttlmInf>/, '');
    refused(() => validateMessage(noSettlement), 'schema', /GrpHdr: .*Expected is .*SttlmInf/);
  });

  it('prefixed elements get the same readable paths; at most 20 errors are listed', () => {
    const xml = inboundMessage({
      prefix: 'p',
      msgId: 'X'.repeat(40),
      transactions: manyTransactions(30, { amount: '-1' }),
    });
    const error = refused(() => validateMessage(xml), 'schema', /\(and 30 more\)$/);
    assert.equal(error.errors.length, MAX_SCHEMA_ERRORS);
    const [first, second] = error.errors;
    assert.ok(first && second);
    assert.equal(first.path, '/Document/FIToFICstmrCdtTrf/GrpHdr/MsgId');
    assert.match(first.message, /maxLength/);
    assert.equal(second.path, '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt');
    assert.equal(error.original?.msgId, 'X'.repeat(40));
  });

  it('an upper-case UETR and an amount of more than 18 digits are schema errors', () => {
    refused(
      () =>
        validateMessage(
          inboundMessage({
            transactions: manyTransactions(1, { uetr: '8C0436B1-8F51-4DB9-BCC8-5C9BB290FF7B' }),
          }),
        ),
      'schema',
      /PmtId\/UETR: .*pattern/,
    );
    refused(
      () =>
        validateMessage(
          inboundMessage({ transactions: manyTransactions(1, { amount: '92233720368547758.07' }) }),
        ),
      'schema',
      /totalDigits/,
    );
  });

  it('validateOutgoing throws on an invalid message of its kind and passes a valid one', () => {
    validateOutgoing('pacs.008.001.09', valid);
    refused(
      () => validateOutgoing('pacs.008.001.09', valid.replace('<ChrgBr>SLEV', '<ChrgBr>XXXX')),
      'schema',
      /ChrgBr/,
    );
  });
});

describe('the shared sample messages', () => {
  it('each gets a clear answer: a validated kind or an unsupported version', (t) => {
    const folder = sharedSamplesFolder();
    if (folder === undefined) {
      console.warn(
        '\n*** ../shared/fixtures/iso20022/samples is absent: sample messages NOT checked ***\n',
      );
      t.skip('../shared/fixtures/iso20022/samples is absent');
      return;
    }
    const answers = readdirSync(folder)
      .filter((name) => name.endsWith('.xml'))
      .sort()
      .map((name) => {
        const bytes = readFileSync(join(folder, name));
        try {
          const { kind, document } = validateMessage(bytes);
          document.dispose();
          return `${name}: ${kind}`;
        } catch (error) {
          assert.ok(error instanceof IsoFormatError);
          assert.equal(error.code, 'unsupported_version', error.message);
          return `${name}: ${error.message.split(' (')[0] ?? ''}`;
        }
      });
    assert.ok(answers.length >= 4, answers.join('\n'));
    assert.ok(
      answers.some((answer) => answer.endsWith(': pacs.002.001.11')),
      answers.join('\n'),
    );
    assert.ok(
      answers.some((answer) => /unsupported message version camt\.053\.001\.0[24]$/.test(answer)),
      answers.join('\n'),
    );
    for (const name of readdirSync(folder).filter((file) => file.endsWith('.xml'))) {
      assert.throws(
        () => readInbound(readFileSync(join(folder, name))),
        (error: unknown) => error instanceof IsoFormatError && error.code === 'unsupported_message',
      );
    }
  });
});
