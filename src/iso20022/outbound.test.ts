import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { XmlDocument } from 'libxml2-wasm';
import { AMOUNT_MAX } from '../ledger/currency.js';
import { isXsDateTime } from './fields.js';
import { toMinorUnits } from './inbound.js';
import {
  debitCreditNotification,
  formatMinor,
  statement,
  statusReport,
  type NotificationEntry,
  type StatusReportInput,
} from './outbound.js';
import { PARSE_OPTIONS, validateOutgoing } from './schemas.js';
import { xmlChars, type MessageKind } from './xml.js';

const ACCOUNT = '0f8fad5b-d9cb-469f-a165-70867728950e';
const TRANSFER = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const UETR = '3f2a7c1e-9b4d-4e8a-8c6f-1a2b3c4d5e6f';
const AT = new Date('2026-12-07T10:15:30.250Z');

/** Validates `xml` as `kind`, then reads the texts at `path` (XPath, prefix `d`). */
function read(kind: MessageKind, xml: string, path: string): string[] {
  validateOutgoing(kind, xml);
  const document = XmlDocument.fromString(xml, { option: PARSE_OPTIONS });
  try {
    const ns = { d: `urn:iso:std:iso:20022:tech:xsd:${kind}` };
    return document.find(path, ns).map((node) => node.content);
  } finally {
    document.dispose();
  }
}

const entry: NotificationEntry = {
  transferId: TRANSFER,
  uetr: UETR,
  endToEndId: 'INV-2026-0042',
  instrId: 'INSTR-1',
  direction: 'CRDT',
  amount: 123450n,
  currency: 'INR',
  bookedAt: AT,
  counterpartyName: 'Tata & Sons <Exports>',
  counterpartyAccount: ACCOUNT,
  remittance: ['Invoice 42'],
  purpose: 'GDDS',
};

describe('formatMinor', () => {
  it('writes minor units with the currency decimals, exactly', () => {
    assert.equal(formatMinor(123450n, 'INR'), '1234.50');
    assert.equal(formatMinor(0n, 'RUB'), '0.00');
    assert.equal(formatMinor(5n, 'INR'), '0.05');
    assert.equal(formatMinor(AMOUNT_MAX, 'INR'), '92233720368547758.07');
    assert.equal(formatMinor(-1250n, 'INR'), '-12.50');
    assert.throws(() => formatMinor(1n, 'XYZ'), /unknown currency "XYZ"/);
    assert.throws(() => formatMinor(1n, 'inr'), /unknown currency "inr"/);
  });

  it('round-trips through toMinorUnits', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: AMOUNT_MAX }),
        fc.constantFrom('INR', 'RUB'),
        (minor, currency) => {
          assert.equal(toMinorUnits(formatMinor(minor, currency), currency), minor);
        },
      ),
    );
  });
});

describe('statusReport (pacs.002.001.11)', () => {
  const input: StatusReportInput = {
    msgId: 'VOSTRO-RPT-1',
    createdAt: AT,
    instructingAgentBic: 'VSTRINBBXXX',
    instructedAgentBic: 'SBININBB',
    original: {
      msgId: 'SBI/2026/0001',
      kind: 'pacs.008.001.09',
      createdAt: '2026-12-07T09:30:00+05:30',
      numberOfTransactions: 3,
    },
    groupStatus: 'PART',
    transactions: [
      {
        endToEndId: 'E1',
        instrId: 'I1',
        txId: 'T1',
        uetr: UETR,
        status: 'ACSC',
        amount: { currency: 'INR', decimal: '10.00' },
      },
      {
        endToEndId: 'E2',
        status: 'RJCT',
        reason: { code: 'AM04', info: ['insufficient funds or net debit cap'] },
      },
      { endToEndId: 'E3', status: 'RJCT', reason: { code: 'DUPL' } },
    ],
  };

  it('writes group and transaction statuses in schema order', () => {
    const xml = statusReport(input);
    const at = (path: string): string[] => read('pacs.002.001.11', xml, path);
    assert.deepEqual(at('/d:Document/d:FIToFIPmtStsRpt/d:GrpHdr/*'), [
      'VOSTRO-RPT-1',
      '2026-12-07T10:15:30.250Z',
      'VSTRINBBXXX',
      'SBININBB',
    ]);
    assert.deepEqual(at('//d:OrgnlGrpInfAndSts/*[not(self::d:NbOfTxsPerSts)]'), [
      'SBI/2026/0001',
      'pacs.008.001.09',
      '2026-12-07T09:30:00+05:30',
      '3',
      'PART',
    ]);
    assert.deepEqual(at('//d:NbOfTxsPerSts/*'), ['1', 'ACSC', '2', 'RJCT']);
    assert.deepEqual(at('//d:TxInfAndSts/d:OrgnlEndToEndId'), ['E1', 'E2', 'E3']);
    assert.deepEqual(at('//d:TxInfAndSts/d:TxSts'), ['ACSC', 'RJCT', 'RJCT']);
    assert.deepEqual(at('//d:TxInfAndSts/d:StsRsnInf/d:Rsn/d:Cd'), ['AM04', 'DUPL']);
    assert.deepEqual(at('//d:TxInfAndSts/d:StsRsnInf/d:AddtlInf'), [
      'insufficient funds or net debit cap',
    ]);
    assert.deepEqual(at('//d:OrgnlTxRef/d:IntrBkSttlmAmt'), ['10.00']);
    assert.deepEqual(at('//d:OrgnlTxRef/d:IntrBkSttlmAmt/@Ccy'), ['INR']);
    assert.deepEqual(at('//d:TxInfAndSts[1]/*'), ['I1', 'E1', 'T1', UETR, 'ACSC', '10.00']);
  });

  it('a group rejection for schema errors: FF01 with each error in pieces of 105 characters', () => {
    const long = `/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/IntrBkSttlmAmt: ${'x'.repeat(200)}`;
    const xml = statusReport({
      msgId: 'R',
      createdAt: AT,
      original: {
        msgId: 'M'.repeat(40),
        kind: 'pacs.008.001.09',
        createdAt: 'yesterday',
        numberOfTransactions: -1,
      },
      groupStatus: 'RJCT',
      groupReason: { code: 'FF01', info: ['first error', long, 'y'.repeat(2_000)] },
      transactions: [],
    });
    const info = read('pacs.002.001.11', xml, '//d:OrgnlGrpInfAndSts/d:StsRsnInf/d:AddtlInf');
    assert.deepEqual(info.slice(0, 4), [
      'first error',
      long.slice(0, 105),
      long.slice(105, 210),
      long.slice(210),
    ]);
    assert.equal(info.length, 4 + 10); // the 2,000-character line: 10 pieces, the rest dropped
    assert.ok(info.every((piece) => piece.length <= 105));
    // The original's MsgId cut to 35; its invalid date and count left out rather than written.
    assert.deepEqual(
      read('pacs.002.001.11', xml, '//d:OrgnlGrpInfAndSts/*[not(self::d:StsRsnInf)]'),
      ['M'.repeat(35), 'pacs.008.001.09', 'RJCT'],
    );
  });

  it('leaves out what has no valid form and writes NOTPROVIDED for empty mandatory texts', () => {
    const xml = statusReport({
      msgId: '',
      createdAt: AT,
      instructingAgentBic: 'not a bic',
      original: { msgId: '', kind: 'pacs.008.001.09', createdAt: '2026-02-30T10:00:00Z' },
      groupStatus: 'RJCT',
      transactions: [
        {
          endToEndId: '',
          uetr: 'not-a-uuid',
          status: 'RJCT',
          amount: { currency: 'INR', decimal: '12.3.4' },
        },
        { uetr: UETR.toUpperCase(), status: 'ACSC', amount: { currency: 'inr', decimal: '1' } },
        { status: 'ACSC', amount: { currency: 'INR', decimal: '1234567890123456789' } },
        { status: 'ACSC', amount: { currency: 'INR', decimal: '1.123456' } },
        { status: 'ACSC', amount: { currency: 'INR', decimal: ' +.5 ' } },
      ],
    });
    assert.deepEqual(read('pacs.002.001.11', xml, '//d:GrpHdr/d:MsgId | //d:OrgnlMsgId'), [
      'NOTPROVIDED',
      'NOTPROVIDED',
    ]);
    assert.deepEqual(read('pacs.002.001.11', xml, '//d:GrpHdr/d:InstgAgt | //d:OrgnlCreDtTm'), []);
    assert.deepEqual(read('pacs.002.001.11', xml, '//d:OrgnlEndToEndId'), []);
    assert.deepEqual(read('pacs.002.001.11', xml, '//d:OrgnlUETR'), [UETR]);
    assert.deepEqual(read('pacs.002.001.11', xml, '//d:IntrBkSttlmAmt'), ['0.5']);
  });

  it('throws on a reason or status that is not an ISO code (a bug, never a message)', () => {
    assert.throws(
      () => statusReport({ ...input, groupReason: { code: 'insufficient' } }),
      /status reason "insufficient" is not an ISO code/,
    );
    assert.throws(
      () => statusReport({ ...input, createdAt: new Date(Number.NaN) }),
      /cannot be written as an ISO 20022 date and time/,
    );
    assert.throws(
      () => statusReport({ ...input, createdAt: new Date('+010000-01-01T00:00:00Z') }),
      RangeError,
    );
  });
});

describe('debitCreditNotification (camt.054.001.08)', () => {
  it('one notification per account, each entry with references back to the payment', () => {
    const xml = debitCreditNotification({
      msgId: 'NTF-1',
      createdAt: AT,
      notifications: [
        {
          id: 'NTF-1-1',
          accountId: ACCOUNT,
          currency: 'INR',
          ownerName: 'ООО «Ромашка»',
          entries: [
            entry,
            {
              ...entry,
              transferId: 'raw-id',
              direction: 'DBIT',
              amount: 50n,
              purpose: 'Advance payment under contract',
              status: 'PDNG',
            },
          ],
        },
        { id: 'NTF-1-2', accountId: 'another', currency: 'RUB', entries: [] },
      ],
    });
    const at = (path: string): string[] => read('camt.054.001.08', xml, path);
    assert.deepEqual(at('//d:Ntfctn/d:Id'), ['NTF-1-1', 'NTF-1-2']);
    assert.deepEqual(at('//d:Ntfctn/d:Acct/d:Id/d:Othr/d:Id'), [
      '0f8fad5bd9cb469fa16570867728950e',
      'another',
    ]);
    assert.deepEqual(at('//d:Ntfctn/d:Acct/d:Ccy'), ['INR', 'RUB']);
    assert.deepEqual(at('//d:Ntfctn/d:Acct/d:Ownr/d:Nm'), ['ООО «Ромашка»']);
    assert.deepEqual(at('//d:Ntry/d:Amt'), ['1234.50', '0.50']);
    assert.deepEqual(at('//d:Ntry/d:CdtDbtInd'), ['CRDT', 'DBIT']);
    assert.deepEqual(at('//d:Ntry/d:Sts/d:Cd'), ['BOOK', 'PDNG']);
    assert.deepEqual(at('//d:Ntry/d:AcctSvcrRef'), ['7c9e6679742540de944be07fc1f90ae7', 'raw-id']);
    assert.deepEqual(at('//d:Ntry/d:BkTxCd/d:Domn/d:Fmly/d:Cd'), ['RCDT', 'ICDT']);
    assert.deepEqual(at('//d:TxDtls/d:Refs/d:UETR'), [UETR, UETR]);
    assert.deepEqual(at('//d:TxDtls/d:Refs/d:EndToEndId'), ['INV-2026-0042', 'INV-2026-0042']);
    assert.deepEqual(at('//d:RltdPties/d:Dbtr/d:Pty/d:Nm'), ['Tata & Sons <Exports>']);
    assert.deepEqual(at('//d:RltdPties/d:Cdtr/d:Pty/d:Nm'), ['Tata & Sons <Exports>']);
    assert.deepEqual(at('//d:RltdPties/d:DbtrAcct/d:Id/d:Othr/d:Id'), [
      '0f8fad5bd9cb469fa16570867728950e',
    ]);
    assert.deepEqual(at('//d:TxDtls/d:Purp/*'), ['GDDS', 'Advance payment under contract']);
    assert.deepEqual(at('//d:TxsSummry/d:TtlNtries/*'), ['2', '1235.00', '1234.00CRDT']);
    assert.deepEqual(at('//d:TxsSummry/d:TtlCdtNtries/*'), ['1', '1234.50']);
    assert.deepEqual(at('//d:TxsSummry/d:TtlDbtNtries/*'), ['1', '0.50']);
  });

  it('refuses no account at all, a negative amount, 19 digits and a foreign entry', () => {
    assert.throws(
      () => debitCreditNotification({ msgId: 'M', createdAt: AT, notifications: [] }),
      /at least one account/,
    );
    const one = (e: NotificationEntry) =>
      debitCreditNotification({
        msgId: 'M',
        createdAt: AT,
        notifications: [{ id: 'N', accountId: ACCOUNT, currency: 'INR', entries: [e] }],
      });
    assert.throws(() => one({ ...entry, amount: -1n }), /Amt: amount -1 is negative/);
    assert.throws(
      () => one({ ...entry, amount: AMOUNT_MAX }),
      /92233720368547758\.07 INR has more than the 18 digits/,
    );
    assert.throws(() => one({ ...entry, currency: 'RUB' }), /an entry in RUB on an account in INR/);
    validateOutgoing('camt.054.001.08', one({ ...entry, amount: 10n ** 18n - 1n }));
    validateOutgoing('camt.054.001.08', one({ ...entry, amount: 10n ** 19n })); // 1 followed by zeros: 1 digit
  });
});

describe('statement (camt.053.001.08)', () => {
  it('opening and closing booked balances, signed, every entry, and the summary', () => {
    const xml = statement({
      msgId: 'STMT-1',
      createdAt: AT,
      statementId: `${ACCOUNT}-2026-12-07`,
      accountId: ACCOUNT,
      currency: 'RUB',
      ownerName: 'Sberbank',
      from: new Date('2026-12-07T00:00:00Z'),
      to: new Date('2026-12-07T23:59:59.999Z'),
      opening: -10_000n,
      closing: -10_000n + 123_450n - 50n,
      entries: [
        { ...entry, currency: 'RUB' },
        {
          ...entry,
          currency: 'RUB',
          direction: 'DBIT',
          amount: 50n,
          counterpartyName: undefined,
          counterpartyAccount: undefined,
          remittance: undefined,
          purpose: undefined,
        },
      ],
    });
    const at = (path: string): string[] => read('camt.053.001.08', xml, path);
    assert.deepEqual(at('//d:Stmt/d:Id'), [`${ACCOUNT}-2026-12-07`.slice(0, 35)]);
    assert.deepEqual(at('//d:Stmt/d:FrToDt/*'), [
      '2026-12-07T00:00:00.000Z',
      '2026-12-07T23:59:59.999Z',
    ]);
    assert.deepEqual(at('//d:Bal/d:Tp/d:CdOrPrtry/d:Cd'), ['OPBD', 'CLBD']);
    assert.deepEqual(at('//d:Bal/d:Amt'), ['100.00', '1134.00']);
    assert.deepEqual(at('//d:Bal/d:CdtDbtInd'), ['DBIT', 'CRDT']);
    assert.deepEqual(at('//d:Ntry/d:Amt'), ['1234.50', '0.50']);
    assert.deepEqual(at('//d:Ntry[2]/d:NtryDtls/d:TxDtls/d:RltdPties'), []);
    assert.deepEqual(at('//d:Ntry[2]/d:NtryDtls/d:TxDtls/d:RmtInf'), []);
    assert.deepEqual(at('//d:TxsSummry/d:TtlNtries/d:TtlNetNtry/*'), ['1234.00', 'CRDT']);
  });

  it('an empty day, a debit net, and balances beyond 18 digits refused', () => {
    const base = {
      msgId: 'S',
      createdAt: AT,
      statementId: 'S',
      accountId: ACCOUNT,
      currency: 'INR',
      from: AT,
      to: AT,
    };
    const empty = statement({ ...base, opening: 0n, closing: 0n, entries: [] });
    assert.deepEqual(read('camt.053.001.08', empty, '//d:TxsSummry/d:TtlNtries/*'), [
      '0',
      '0.00',
      '0.00CRDT',
    ]);
    const debit = statement({
      ...base,
      opening: 0n,
      closing: -5n,
      entries: [{ ...entry, direction: 'DBIT', amount: 5n }],
    });
    assert.deepEqual(read('camt.053.001.08', debit, '//d:TtlNetNtry/d:CdtDbtInd'), ['DBIT']);
    assert.throws(
      () => statement({ ...base, opening: -AMOUNT_MAX, closing: 0n, entries: [] }),
      /more than the 18 digits/,
    );
    // Sums past 18 digits are left out of the summary (it is optional), not written wrong.
    const huge = statement({
      ...base,
      opening: 0n,
      closing: 0n,
      entries: Array.from({ length: 20 }, () => ({ ...entry, amount: 10n ** 18n - 1n })),
    });
    assert.deepEqual(
      read(
        'camt.053.001.08',
        huge,
        '//d:TtlNtries/d:Sum | //d:TtlCdtNtries/d:Sum | //d:TtlNetNtry',
      ),
      [],
    );
    assert.deepEqual(read('camt.053.001.08', huge, '//d:TtlDbtNtries/d:Sum'), ['0.00']);
    assert.deepEqual(read('camt.053.001.08', huge, '//d:TxsSummry/d:TtlNtries/d:NbOfNtries'), [
      '20',
    ]);
  });
});

// --- Random inputs, every output validated against its XSD -------------------------------------

/** Significant digits of minor units written with two decimals (xs:decimal's totalDigits). */
function significantDigits(minor: bigint): number {
  const digits = (minor < 0n ? -minor : minor).toString().padStart(3, '0');
  return digits.slice(0, -2).replace(/^0+/, '').length + digits.slice(-2).replace(/0+$/, '').length;
}

const text = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: max }),
    fc.constantFrom(
      '',
      ' ',
      '&<>"\'',
      'ООО «Ромашка» & Co',
      'Tata & Sons',
      '\r\n\t',
      '\u0000\uFFFE\uD800',
    ),
    fc.string({ unit: 'grapheme', minLength: max - 5, maxLength: max * 3 }),
  );
const minor = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }),
  fc.bigInt({ min: 0n, max: 10_000n }),
);
const instant = fc.date({
  min: new Date('1970-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});
const uetr = fc.oneof(fc.uuid({ version: 4 }), fc.uuid(), fc.constant(undefined));
const randomEntry = (currency: string): fc.Arbitrary<NotificationEntry> =>
  fc.record(
    {
      transferId: fc.oneof(fc.uuid(), text(40)),
      uetr,
      endToEndId: text(35),
      instrId: text(35),
      direction: fc.constantFrom('CRDT' as const, 'DBIT' as const),
      amount: minor,
      currency: fc.constant(currency),
      bookedAt: instant,
      counterpartyName: text(140),
      counterpartyAccount: fc.oneof(fc.uuid(), text(34)),
      remittance: fc.array(text(140), { maxLength: 3 }),
      purpose: fc.oneof(fc.constantFrom('GDDS', 'SUPP', 'INTC'), text(35)),
      status: fc.constantFrom('BOOK' as const, 'PDNG' as const),
    },
    { requiredKeys: ['transferId', 'direction', 'amount', 'currency', 'bookedAt'] },
  );

describe('builders over random inputs', () => {
  it('every pacs.002 validates, and texts come back cut to their field length', () => {
    const status = fc.constantFrom(
      'ACSC' as const,
      'ACCP' as const,
      'RJCT' as const,
      'PDNG' as const,
    );
    const reason = fc.record(
      {
        code: fc.constantFrom('FF01', 'AM04', 'AC01', 'AC04', 'DUPL', 'NARR', 'RC01'),
        info: fc.array(text(105), { maxLength: 3 }),
      },
      { requiredKeys: ['code'] },
    );
    fc.assert(
      fc.property(
        fc.record({
          msgId: text(35),
          createdAt: instant,
          original: fc.record(
            {
              msgId: text(35),
              kind: fc.constant('pacs.008.001.09'),
              createdAt: fc.oneof(fc.constant('2026-12-07T10:00:00Z'), text(30)),
              numberOfTransactions: fc.integer(),
            },
            { requiredKeys: ['msgId', 'kind'] },
          ),
          groupStatus: fc.constantFrom(
            'ACSC' as const,
            'ACCP' as const,
            'PART' as const,
            'RJCT' as const,
          ),
          groupReason: fc.option(reason, { nil: undefined }),
          transactions: fc.array(
            fc.record(
              {
                instrId: text(35),
                endToEndId: text(35),
                txId: text(35),
                uetr,
                status,
                reason,
                amount: fc.record({
                  currency: fc.constantFrom('INR', 'RUB', 'usd'),
                  decimal: fc.oneof(fc.stringMatching(/^\d{1,20}(\.\d{0,7})?$/), text(10)),
                }),
              },
              { requiredKeys: ['status'] },
            ),
            { maxLength: 5 },
          ),
        }),
        (input) => {
          const xml = statusReport(input);
          const ends = read('pacs.002.001.11', xml, '//d:OrgnlEndToEndId');
          const expected = input.transactions
            .map((tx) =>
              Array.from(xmlChars(tx.endToEndId ?? ''))
                .slice(0, 35)
                .join(''),
            )
            .filter((value) => value !== '');
          assert.deepEqual(ends, expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every camt.054 and camt.053 validates; amounts and names come back', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom('INR', 'RUB')
          .chain((currency) =>
            fc.tuple(fc.constant(currency), fc.array(randomEntry(currency), { maxLength: 30 })),
          ),
        text(140),
        instant,
        fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n }),
        ([currency, entries], ownerName, at, opening) => {
          const notification = debitCreditNotification({
            msgId: ownerName,
            createdAt: at,
            notifications: [{ id: ownerName, accountId: ACCOUNT, currency, ownerName, entries }],
          });
          const amounts = read('camt.054.001.08', notification, '//d:Ntry/d:Amt');
          assert.deepEqual(
            amounts.map((amount) => toMinorUnits(amount, currency)),
            entries.map((e) => e.amount),
          );
          const owner = read('camt.054.001.08', notification, '//d:Acct/d:Ownr/d:Nm');
          const fitted = Array.from(xmlChars(ownerName)).slice(0, 140).join('');
          assert.deepEqual(owner, fitted === '' ? [] : [fitted]);
          const names = read('camt.054.001.08', notification, '//d:RltdPties//d:Nm');
          assert.ok(names.every((name) => Array.from(name).length <= 140));
          const lines = read('camt.054.001.08', notification, '//d:Ustrd');
          assert.ok(lines.every((line) => line.length > 0 && Array.from(line).length <= 140));
          const net = entries.reduce(
            (sum, e) => sum + (e.direction === 'CRDT' ? e.amount : -e.amount),
            0n,
          );
          const closing = opening + net;
          const within = [opening, closing].every((balance) => significantDigits(balance) <= 18);
          const build = () =>
            statement({
              msgId: 'S',
              createdAt: at,
              statementId: ownerName,
              accountId: ownerName === '' ? ACCOUNT : ownerName,
              currency,
              ownerName,
              from: at,
              to: at,
              opening,
              closing,
              entries,
            });
          if (within) {
            const balances = read('camt.053.001.08', build(), '//d:Bal/d:Amt');
            assert.deepEqual(
              balances.map((b) => toMinorUnits(b, currency)),
              [opening < 0n ? -opening : opening, closing < 0n ? -closing : closing],
            );
          } else {
            assert.throws(build, /more than the 18 digits/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('1,000 entries in one statement validate', () => {
    const entries = Array.from({ length: 1_000 }, (_, i) => ({
      ...entry,
      amount: BigInt(i),
      endToEndId: `E-${i}`,
    }));
    const xml = statement({
      msgId: 'S',
      createdAt: AT,
      statementId: 'S',
      accountId: ACCOUNT,
      currency: 'INR',
      from: AT,
      to: AT,
      opening: 0n,
      closing: entries.reduce((sum, e) => sum + e.amount, 0n),
      entries,
    });
    assert.equal(read('camt.053.001.08', xml, '//d:Ntry').length, 1_000);
  });
});

describe('isXsDateTime', () => {
  it('accepts what xs:dateTime accepts and nothing else', () => {
    for (const good of [
      '2026-12-07T10:00:00',
      '2026-12-07T10:00:00Z',
      '2024-02-29T23:59:59.999999+14:00',
      '0001-01-01T00:00:00-05:30',
    ]) {
      assert.ok(isXsDateTime(good), good);
    }
    for (const bad of [
      '2026-12-07',
      '2026-13-01T00:00:00',
      '2025-02-29T00:00:00',
      '2026-12-07T24:00:00',
      '2026-12-07T10:60:00',
      '2026-12-07T10:00:60',
      '0000-01-01T00:00:00',
      '2026-12-07T10:00:00+14:30',
      '2026-12-07T10:00:00+10:60',
      '2026-12-00T10:00:00',
      ' 2026-12-07T10:00:00',
    ]) {
      assert.ok(!isXsDateTime(bad), bad);
    }
  });
});
