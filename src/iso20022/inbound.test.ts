import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { readInbound, toMinorUnits } from './inbound.js';
import { inboundMessage, manyTransactions } from './messages.test-helper.js';
import { validateMessage } from './schemas.js';
import { IsoFormatError } from './xml.js';

const UETR = '3f2a7c1e-9b4d-4e8a-8c6f-1a2b3c4d5e6f';

describe('readInbound: pacs.008.001.09', () => {
  it('reads every mapped field of the header and of each transaction', () => {
    const xml = inboundMessage({
      msgId: 'SBI/2026/12/07-0001',
      createdAt: '2026-12-07T09:30:00.123+05:30',
      batchBooking: false,
      controlSum: '1234.50',
      settlementMethod: 'INDA',
      instructingAgentBic: 'SBININBBXXX',
      instructedAgentBic: 'VSTRINBBXXX',
      transactions: [
        {
          instrId: 'INSTR-1',
          endToEndId: 'INV-2026-0042',
          txId: 'TX-1',
          uetr: UETR,
          amount: '1234.50',
          currency: 'INR',
          settlementDate: '2026-12-07',
          chargeBearer: 'SHAR',
          instructingAgentBic: 'SBININBB',
          instructedAgentBic: 'SABRRUMM',
          debtorName: 'Tata & Sons <Exports> "Ltd"',
          debtorBic: 'TATAINBB',
          debtorAccount: { iban: 'GB82WEST12345698765432' },
          debtorAgentBic: 'SBININBBXXX',
          creditorName: 'ООО «Ромашка»',
          creditorAccount: { other: '0f8fad5bd9cb469fa16570867728950e' },
          creditorAgentBic: 'SABRRUMMXXX',
          purpose: { cd: 'GDDS' },
          remittance: ['Invoice 42', 'Contract 7 of 2026'],
          creditorReference: 'RF18539007547034',
        },
        {
          endToEndId: 'NOTPROVIDED',
          uetr: null,
          amount: '7',
          currency: 'RUB',
          debtorName: 'Second',
          creditorName: 'Second creditor',
          purpose: { prtry: 'TRADE/ADVANCE' },
        },
      ],
    });
    assert.deepEqual(readInbound(xml), {
      kind: 'pacs.008.001.09',
      msgId: 'SBI/2026/12/07-0001',
      createdAt: '2026-12-07T09:30:00.123+05:30',
      batchBooking: false,
      numberOfTransactions: 2,
      controlSum: '1234.50',
      settlementMethod: 'INDA',
      instructingAgentBic: 'SBININBBXXX',
      instructedAgentBic: 'VSTRINBBXXX',
      transactions: [
        {
          index: 0,
          instrId: 'INSTR-1',
          endToEndId: 'INV-2026-0042',
          txId: 'TX-1',
          uetr: UETR,
          amount: { currency: 'INR', decimal: '1234.50' },
          settlementDate: '2026-12-07',
          chargeBearer: 'SHAR',
          instructingAgentBic: 'SBININBB',
          instructedAgentBic: 'SABRRUMM',
          debtor: { name: 'Tata & Sons <Exports> "Ltd"', bic: 'TATAINBB' },
          debtorAccount: { iban: 'GB82WEST12345698765432' },
          debtorAgentBic: 'SBININBBXXX',
          creditor: { name: 'ООО «Ромашка»' },
          creditorAccount: { other: '0f8fad5bd9cb469fa16570867728950e' },
          creditorAgentBic: 'SABRRUMMXXX',
          purpose: 'GDDS',
          remittance: ['Invoice 42', 'Contract 7 of 2026', 'RF18539007547034'],
        },
        {
          index: 1,
          endToEndId: 'NOTPROVIDED',
          amount: { currency: 'RUB', decimal: '7' },
          chargeBearer: 'SLEV',
          debtor: { name: 'Second' },
          debtorAgentBic: 'SBININBBXXX',
          creditor: { name: 'Second creditor' },
          creditorAgentBic: 'SABRRUMMXXX',
          purpose: 'TRADE/ADVANCE',
        },
      ],
    });
  });

  it('reads text as XML means it: entities, character references, CDATA, comments, padding', () => {
    const xml = inboundMessage({
      batchBooking: true,
      transactions: [{ amount: '1.00', debtorName: 'PLACEHOLDER' }],
    })
      .replace('PLACEHOLDER', 'A&amp;B <![CDATA[<C>]]>&#x414;<!-- not text -->&#1044;')
      .replace('>1.00<', '>\n  0001.5\t<')
      .replace('<BtchBookg>true', '<BtchBookg> 1 ')
      // Elements the reader does not map are passed over.
      .replace('<SttlmInf>', '<IntrBkSttlmDt>2026-12-07</IntrBkSttlmDt><SttlmInf>')
      .replace(
        '</PmtId>',
        '<ClrSysRef>CLR-1</ClrSysRef></PmtId><PmtTpInf><InstrPrty>NORM</InstrPrty></PmtTpInf>',
      )
      .replace(
        '</CdtTrfTxInf>',
        '<RmtInf><Strd><AddtlRmtInf>no reference</AddtlRmtInf></Strd></RmtInf></CdtTrfTxInf>',
      );
    const message = readInbound(xml);
    assert.equal(message.batchBooking, true);
    const tx = message.transactions[0];
    assert.ok(tx);
    assert.equal(tx.debtor.name, 'A&B <C>ДД');
    assert.deepEqual(tx.amount, { currency: 'INR', decimal: '0001.5' });
    assert.equal(tx.remittance, undefined);
    assert.equal(toMinorUnits('0001.5', 'INR'), 150n);
  });

  it('a party identified without BIC, an agent identified without BICFI', () => {
    const xml = inboundMessage({ transactions: manyTransactions(1) })
      .replace(
        '<Nm>Debtor Ltd</Nm>',
        '<Nm>Debtor Ltd</Nm><Id><PrvtId><Othr><Id>P-1</Id></Othr></PrvtId></Id>',
      )
      .replace(
        '<Nm>Creditor OOO</Nm>',
        '<Nm>Creditor OOO</Nm><Id><OrgId><LEI>5493001KJTIIGC8Y1R12</LEI></OrgId></Id>',
      )
      .replace(
        '<DbtrAgt><FinInstnId><BICFI>SBININBBXXX</BICFI></FinInstnId></DbtrAgt>',
        '<DbtrAgt><FinInstnId><ClrSysMmbId><MmbId>SBIN0000001</MmbId></ClrSysMmbId></FinInstnId></DbtrAgt>',
      );
    const tx = readInbound(xml).transactions[0];
    assert.ok(tx);
    assert.deepEqual(tx.debtor, { name: 'Debtor Ltd' });
    assert.deepEqual(tx.creditor, { name: 'Creditor OOO' });
    assert.equal(tx.debtorAgentBic, undefined);
    assert.equal(tx.creditorAgentBic, 'SABRRUMMXXX');
  });

  it('reads a 1,000-transaction file in order', () => {
    const message = readInbound(
      Buffer.from(inboundMessage({ transactions: manyTransactions(1_000) })),
    );
    assert.equal(message.numberOfTransactions, 1_000);
    assert.equal(message.transactions.length, 1_000);
    assert.deepEqual(
      message.transactions.map((tx) => tx.index),
      Array.from({ length: 1_000 }, (_, index) => index),
    );
    const last = message.transactions[999];
    assert.ok(last);
    assert.equal(last.endToEndId, 'E2E-1000');
    assert.deepEqual(last.amount, { currency: 'INR', decimal: '3.99' });
  });
});

describe('readInbound: pacs.009.001.09', () => {
  it('reads financial institutions as debtor and creditor', () => {
    const xml = inboundMessage({
      kind: 'pacs.009',
      prefix: 'fi',
      settlementMethod: 'CLRG',
      transactions: [
        {
          endToEndId: 'COVER-1',
          uetr: UETR,
          amount: '5000000.00',
          currency: 'RUB',
          debtorBic: 'SBININBBXXX',
          debtorName: 'State Bank of India',
          debtorAccount: { other: 'SBI-RUB-VOSTRO' },
          creditorBic: 'SABRRUMMXXX',
          creditorAgentBic: 'VTBRRUMM',
          purpose: { cd: 'INTC' },
          remittance: ['liquidity'],
          creditorReference: 'ignored in pacs.009',
        },
      ],
    });
    const message = readInbound(xml);
    assert.equal(message.kind, 'pacs.009.001.09');
    assert.deepEqual(message.transactions, [
      {
        index: 0,
        endToEndId: 'COVER-1',
        uetr: UETR,
        amount: { currency: 'RUB', decimal: '5000000.00' },
        debtor: { bic: 'SBININBBXXX', name: 'State Bank of India' },
        debtorAccount: { other: 'SBI-RUB-VOSTRO' },
        creditor: { bic: 'SABRRUMMXXX' },
        creditorAgentBic: 'VTBRRUMM',
        purpose: 'INTC',
        remittance: ['liquidity'],
      },
    ]);
  });
});

describe('toMinorUnits', () => {
  it('is exact for every way xs:decimal writes an amount', () => {
    for (const [decimal, minor] of [
      ['1234.50', 123450n],
      ['1234.5', 123450n],
      ['1234', 123400n],
      ['1234.', 123400n],
      ['.5', 50n],
      ['+12.01', 1201n],
      ['007.10', 710n],
      ['0', 0n],
      ['-0.00', 0n],
      [' 3.14 ', 314n],
      ['999999999999999999', 99999999999999999900n],
      ['9999999999999999.99', 999999999999999999n],
    ] as const) {
      assert.equal(toMinorUnits(decimal, 'INR'), minor, decimal);
      assert.equal(toMinorUnits(decimal, 'RUB'), minor, decimal);
    }
  });

  it('refuses more decimals than the currency has, never rounding, even zeros', () => {
    assert.deepEqual(toMinorUnits('12.345', 'INR'), {
      reason: 'decimals',
      message: '12.345 INR has 3 decimals; INR has 2 (amounts are never rounded)',
    });
    assert.deepEqual(toMinorUnits('0.001', 'RUB'), {
      reason: 'decimals',
      message: '0.001 RUB has 3 decimals; RUB has 2 (amounts are never rounded)',
    });
    assert.equal((toMinorUnits('12.500', 'INR') as { reason: string }).reason, 'decimals');
  });

  it('through a whole message: a schema-valid amount with too many decimals for INR', () => {
    const message = readInbound(
      inboundMessage({ transactions: manyTransactions(1, { amount: '100.12345' }) }),
    );
    const amount = message.transactions[0]?.amount;
    assert.deepEqual(amount, { currency: 'INR', decimal: '100.12345' });
    assert.deepEqual(toMinorUnits(amount.decimal, amount.currency), {
      reason: 'decimals',
      message: '100.12345 INR has 5 decimals; INR has 2 (amounts are never rounded)',
    });
  });

  it('refuses currencies other than INR and RUB, including known ones', () => {
    for (const currency of ['USD', 'EUR', 'inr', 'XXX', '']) {
      assert.deepEqual(toMinorUnits('1.00', currency), {
        reason: 'currency',
        message: `currency "${currency}" is not settled here: amounts are in INR or RUB`,
      });
    }
  });

  it('throws on what the schema never lets through (a bug, not a refusal)', () => {
    for (const decimal of ['-1', '-0.01', '12.3.4', '', '.', 'abc', '1e5']) {
      assert.throws(() => toMinorUnits(decimal, 'INR'), RangeError, decimal);
    }
  });

  it('round-trips every amount written with at most two decimals', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }),
        fc.integer({ min: 0, max: 2 }),
        (minor, cut) => {
          const digits = minor.toString().padStart(3, '0');
          let decimal = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
          // Dropping trailing zeros keeps the value: '12.50' → '12.5' → '12'.
          for (let i = 0; i < cut && /\.\d*0$/.test(decimal); i += 1)
            decimal = decimal.slice(0, -1);
          assert.equal(toMinorUnits(decimal, 'INR'), minor);
        },
      ),
    );
  });
});

describe('memory', () => {
  it('100,000 validations and reads, valid and refused, leave the WebAssembly heap as it was', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const good = Buffer.from(inboundMessage({ transactions: manyTransactions(1) }));
    const bad = Buffer.from(inboundMessage({ transactions: manyTransactions(1, { amount: 'x' }) }));
    const round = (count: number): void => {
      for (let i = 0; i < count; i += 1) {
        if (i % 10 === 9) {
          assert.throws(() => readInbound(bad), IsoFormatError);
        } else if (i % 2 === 0) {
          readInbound(good);
        } else {
          validateMessage(good).document.dispose();
        }
      }
    };
    round(10_000); // the heap grows to its working size
    gc();
    const before = process.memoryUsage().arrayBuffers;
    round(100_000);
    gc();
    const grown = process.memoryUsage().arrayBuffers - before;
    console.log(`WebAssembly + array buffers after 100,000 more validations: ${grown} bytes more`);
    // The WebAssembly memory never shrinks: one leaked document per call (~10 KB) would be ~1 GB.
    assert.ok(grown < 1024 * 1024, `grew by ${grown} bytes`);
  });
});
