/**
 * The reader walks libxml2's tree through libxml2-wasm's internal struct accessors (tree.ts).
 * These tests read random messages both ways — that reader, and XPath through libxml2-wasm's
 * public API — and require the same answer, so that a change of the tree's layout in a new
 * libxml2-wasm fails here instead of misreading payments.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { readInbound, type AccountRef, type InboundMessage } from './inbound.js';
import { inboundMessage, type InboundTxOptions } from './messages.test-helper.js';
import { PARSE_OPTIONS } from './schemas.js';
import { XmlNodeStruct } from 'libxml2-wasm/lib/libxml2.mjs';
import {
  attributeOf,
  elementPath,
  firstElement,
  localName,
  namespaceUri,
  nextElement,
  rootElement,
  textOf,
} from './tree.js';

/** The same fields, read with XPath through the public API: an independent reader. */
function readWithXPath(xml: string): InboundMessage {
  const document = XmlDocument.fromString(xml, { option: PARSE_OPTIONS });
  try {
    const ns = { p: document.root.namespaceUri };
    const kind = ns.p.endsWith('pacs.008.001.09') ? 'pacs.008.001.09' : 'pacs.009.001.09';
    const text = (node: XmlElement, path: string): string | undefined =>
      node.get(path, ns)?.content;
    const header = document.get('/p:Document/*/p:GrpHdr', ns) as XmlElement;
    const batch = text(header, 'p:BtchBookg')?.trim();
    const account = (node: XmlElement, tag: string): AccountRef | undefined => {
      const iban = text(node, `p:${tag}/p:Id/p:IBAN`);
      const other = text(node, `p:${tag}/p:Id/p:Othr/p:Id`);
      return iban !== undefined ? { iban } : other !== undefined ? { other } : undefined;
    };
    const partyOf = (node: XmlElement, tag: string): { name?: string; bic?: string } =>
      kind === 'pacs.008.001.09'
        ? strip({
            name: text(node, `p:${tag}/p:Nm`),
            bic: text(node, `p:${tag}/p:Id/p:OrgId/p:AnyBIC`),
          })
        : strip({
            name: text(node, `p:${tag}/p:FinInstnId/p:Nm`),
            bic: text(node, `p:${tag}/p:FinInstnId/p:BICFI`),
          });
    const transactions = document.find('/p:Document/*/p:CdtTrfTxInf', ns).map((node, index) => {
      const tx = node as XmlElement;
      const amount = tx.get('p:IntrBkSttlmAmt', ns) as XmlElement;
      const remittance = [
        ...tx.find('p:RmtInf/p:Ustrd', ns).map((line) => line.content),
        ...tx.find('p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref', ns).map((line) => line.content),
      ];
      return strip({
        index,
        instrId: text(tx, 'p:PmtId/p:InstrId'),
        endToEndId: text(tx, 'p:PmtId/p:EndToEndId'),
        txId: text(tx, 'p:PmtId/p:TxId'),
        uetr: text(tx, 'p:PmtId/p:UETR')?.toLowerCase(),
        amount: { currency: amount.attr('Ccy')?.value, decimal: amount.content.trim() },
        settlementDate: text(tx, 'p:IntrBkSttlmDt')?.trim(),
        chargeBearer: text(tx, 'p:ChrgBr'),
        instructingAgentBic: text(tx, 'p:InstgAgt/p:FinInstnId/p:BICFI'),
        instructedAgentBic: text(tx, 'p:InstdAgt/p:FinInstnId/p:BICFI'),
        debtor: partyOf(tx, 'Dbtr'),
        debtorAccount: account(tx, 'DbtrAcct'),
        debtorAgentBic: text(tx, 'p:DbtrAgt/p:FinInstnId/p:BICFI'),
        creditor: partyOf(tx, 'Cdtr'),
        creditorAccount: account(tx, 'CdtrAcct'),
        creditorAgentBic: text(tx, 'p:CdtrAgt/p:FinInstnId/p:BICFI'),
        purpose: text(tx, 'p:Purp/*'),
        remittance: remittance.length === 0 ? undefined : remittance,
      });
    });
    return strip({
      kind,
      msgId: text(header, 'p:MsgId'),
      createdAt: text(header, 'p:CreDtTm')?.trim(),
      numberOfTransactions: Number(text(header, 'p:NbOfTxs')),
      controlSum: text(header, 'p:CtrlSum')?.trim(),
      batchBooking: batch === undefined ? undefined : batch === 'true' || batch === '1',
      settlementMethod: text(header, 'p:SttlmInf/p:SttlmMtd'),
      instructingAgentBic: text(header, 'p:InstgAgt/p:FinInstnId/p:BICFI'),
      instructedAgentBic: text(header, 'p:InstdAgt/p:FinInstnId/p:BICFI'),
      transactions,
    }) as unknown as InboundMessage;
  } finally {
    document.dispose();
  }
}

/** Drops undefined properties, so that objects compare like the reader's. */
function strip<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** Writes `&amp;`, `&lt;`, `&gt;`, `&apos;` in other legal ways: CDATA, character references, comments. */
function disguise(xml: string): string {
  return xml
    .replaceAll('&amp;', '<![CDATA[&]]>')
    .replaceAll('&lt;', '&#60;')
    .replaceAll('&gt;', '&#x3E;')
    .replaceAll('&apos;', "<!-- an apostrophe -->'<?pi ?>");
}

const text35 = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 35 })
  .filter((value) => Array.from(value).length <= 35);
const name = fc
  .array(
    fc.oneof(
      fc.constantFrom('&', '<', '>', '"', "'", ' ', 'ООО «Ромашка»', 'Tata & Sons', '€', '𝔘'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((parts) => Array.from(parts.join('')).slice(0, 140).join(''))
  .filter((value) => value.length > 0);
const bic = fc.stringMatching(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/);
const amount = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 2 }), fc.boolean())
  .map(([value, decimals, padded]) => {
    const digits = value.toString().padStart(decimals + 1, '0');
    const text =
      decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
    return padded ? ` ${text}\n` : text;
  });
const account = fc.oneof(
  fc.constant(undefined),
  fc.constant({ iban: 'GB82WEST12345698765432' }),
  text35
    .filter((value) => value.trim() === value && !/[\s]/.test(value))
    .map((other) => ({ other })),
);
const tx: fc.Arbitrary<InboundTxOptions> = fc.record(
  {
    instrId: text35,
    endToEndId: text35,
    txId: text35,
    uetr: fc.oneof(fc.uuid({ version: 4 }), fc.constant(null)),
    amount,
    currency: fc.constantFrom('INR', 'RUB', 'USD'),
    settlementDate: fc.constant('2026-12-07'),
    instructingAgentBic: bic,
    instructedAgentBic: bic,
    debtorName: name,
    debtorBic: bic,
    debtorAccount: account,
    debtorAgentBic: bic,
    creditorName: name,
    creditorBic: bic,
    creditorAccount: account,
    creditorAgentBic: bic,
    purpose: fc.oneof(
      fc.constant({ cd: 'GDDS' }),
      text35.map((prtry) => ({ prtry })),
    ),
    remittance: fc.array(name, { maxLength: 3 }),
    creditorReference: text35,
  },
  { requiredKeys: ['amount'] },
);

describe('reading libxml2 tree through its node pointers', () => {
  it('reads random messages exactly as XPath on the public API does', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            kind: fc.constantFrom('pacs.008' as const, 'pacs.009' as const),
            msgId: text35,
            batchBooking: fc.boolean(),
            controlSum: fc.constant('10.5'),
            settlementMethod: fc.constantFrom('INDA', 'INGA', 'CLRG', 'COVE'),
            instructingAgentBic: bic,
            instructedAgentBic: bic,
            prefix: fc.constantFrom('p', 'ns0', 'x-1'),
          },
          { requiredKeys: ['kind'] },
        ),
        fc.array(tx, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (options, transactions, disguised) => {
          const written = inboundMessage({ ...options, transactions });
          const xml = disguised ? disguise(written) : written;
          assert.deepEqual(readInbound(xml), readWithXPath(xml));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names, namespaces, attributes and text of single nodes', () => {
    const document = XmlDocument.fromString(
      '<p:a xmlns:p="urn:x" k="v" p:k="w"><!--c--><b>t<![CDATA[<u>]]>&amp;</b><c/><c/></p:a>',
      { option: PARSE_OPTIONS },
    );
    try {
      const root = rootElement(document);
      assert.equal(localName(root), 'a');
      assert.equal(namespaceUri(root), 'urn:x');
      assert.equal(attributeOf(root, 'k'), 'v');
      assert.equal(attributeOf(root, 'missing'), undefined);
      const b = firstElement(root);
      assert.equal(localName(b), 'b');
      assert.equal(namespaceUri(b), '');
      assert.equal(textOf(b), 't<u>&');
      assert.equal(firstElement(b), 0);
      assert.equal(elementPath(b), '/a/b');
      const secondC = nextElement(nextElement(b));
      assert.equal(elementPath(secondC), '/a/c[2]');
      assert.equal(elementPath(nextElement(b)), '/a/c[1]');
      assert.equal(elementPath(XmlNodeStruct.properties(root)), '/a/@k');
    } finally {
      document.dispose();
    }
    assert.throws(() => rootElement(document), /already disposed/);
  });
});
