import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import type { Hub } from '../hub/hub.js';
import { account, refusal } from '../hub/hub.test-helper.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { LedgerStore } from '../store/store.js';
import { inboundMessage, type InboundTxOptions } from './messages.test-helper.js';
import { ISO_PAYMENTS } from './records.js';
import { validateOutgoing } from './schemas.js';
import { IsoFormatError } from './xml.js';
import { Iso20022Service, type SubmitOutcome } from './service.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { PaymentService } from '../settlement/payments.js';
import {
  balance,
  BIC,
  infy,
  INFY_ACCOUNT,
  participantKey,
  reasons,
  storedMessage,
  tata,
  TATA_ACCOUNT,
  withIsoHub,
  written,
} from './service.test-helper.js';

const cli = CLI_ACTOR;
const sbiKey = participantKey('sbi');

/** A customer transfer from Tata (at SBI) to Infosys (at Bank of Baroda). */
function customerTx(options: InboundTxOptions = {}): InboundTxOptions {
  return {
    uetr: randomUUID(),
    endToEndId: `E2E-${randomUUID().slice(0, 8)}`,
    amount: '1234.50',
    currency: 'INR',
    debtorName: 'Tata Exports',
    debtorAccount: TATA_ACCOUNT,
    debtorAgentBic: BIC.sbi,
    creditorName: 'Infosys Ltd',
    creditorAccount: INFY_ACCOUNT,
    creditorAgentBic: BIC.bob,
    remittance: ['Invoice 42'],
    purpose: { cd: 'GDDS' },
    ...options,
  };
}

/** The message with an element the schema does not allow in its first transaction. */
function broken(xml: string): string {
  return xml.replace('<CdtTrfTxInf>', '<CdtTrfTxInf><Bogus>1</Bogus>');
}

function pacs008(
  transactions: InboundTxOptions[],
  options: Partial<Parameters<typeof inboundMessage>[0]> = {},
): string {
  return inboundMessage({
    msgId: `MSG-${randomUUID().slice(0, 12)}`,
    instructingAgentBic: BIC.sbi,
    transactions,
    ...options,
  });
}

/** Submits, and checks that the status report validates against the pacs.002 schema. */
async function submit(hub: Hub, xml: string | Uint8Array, actor: Actor): Promise<SubmitOutcome> {
  const outcome = await hub.iso20022.submit(xml, actor);
  validateOutgoing('pacs.002.001.11', outcome.statusReport);
  return outcome;
}

function cases(store?: () => Promise<LedgerStore>): void {
  const hubTest = (name: string, body: (hub: Hub) => Promise<void>): void => {
    it(name, () => withIsoHub(body, store === undefined ? {} : { store }));
  };

  hubTest(
    'a pacs.008 of one transaction is booked, kept with its references, and answered ACSC',
    async (hub) => {
      const tx = customerTx({ instrId: 'INSTR-1', txId: 'TX-1' });
      const tataBefore = await balance(hub, tata());
      const outcome = await submit(hub, pacs008([tx]), sbiKey);
      assert.equal(outcome.groupStatus, 'ACSC');
      assert.equal(outcome.accepted, 1);
      assert.equal(outcome.rejected, 0);
      assert.equal(outcome.replayed, false);
      assert.equal(outcome.messageId.startsWith(`${BIC.sbi}:MSG-`), true);
      assert.equal(await balance(hub, tata()), tataBefore - 1234_50n);
      assert.equal(await balance(hub, infy()), 1234_50n);
      const [main] = await hub.ledger.lookupTransfers([tx.uetr as never]);
      assert.equal(main?.amount, 1234_50n, 'the UETR is the payment id');
      const iso = (await hub.ledger.store.getRecords(ISO_PAYMENTS, [tx.uetr as string])).get(
        tx.uetr as string,
      )?.value;
      assert.deepEqual(iso, {
        uetr: tx.uetr,
        message: outcome.messageId,
        kind: 'pacs.008.001.09',
        msgId: outcome.messageId.slice(BIC.sbi.length + 1),
        instrId: 'INSTR-1',
        endToEndId: tx.endToEndId,
        txId: 'TX-1',
        remittance: ['Invoice 42'],
        purpose: 'GDDS',
        debtorName: 'Tata Exports',
        creditorName: 'Infosys Ltd',
      });
      const read = await hub.iso20022.message(outcome.messageId, sbiKey);
      assert.equal(read?.statusReport, outcome.statusReport);
      assert.equal(read.from, 'sbi');
      assert.equal(await hub.iso20022.message(outcome.messageId, participantKey('bob')), undefined);
      for (const id of ['', 'x'.repeat(201), 'SBININBB:\u0000', 'SBININBB:nothing'])
        assert.equal(await hub.iso20022.message(id, cli), undefined);
      assert.equal(
        (await hub.iso20022.message(outcome.messageId, { id: 'auditor', role: 'auditor' }))?.from,
        'sbi',
      );
      const audit = await hub.ledger.store.auditEntries({ limit: 1000 });
      const submitted = audit.find((entry) => entry.action === 'iso20022.submit');
      assert.equal(submitted?.actor, 'sbi');
      assert.equal(submitted.target, outcome.messageId);
      assert.equal(submitted.detail.group_status, 'ACSC');
      assert.ok(
        audit.some((entry) => entry.action === 'payments.create' && entry.target === tx.uetr),
      );
    },
  );

  hubTest(
    'the same message again is a replay: the original report, nothing written',
    async (hub) => {
      const xml = pacs008([customerTx()]);
      const first = await submit(hub, xml, sbiKey);
      const before = await written(hub.ledger.store);
      const again = await submit(hub, new TextEncoder().encode(xml), sbiKey);
      assert.equal(again.replayed, true);
      assert.equal(again.statusReport, first.statusReport);
      assert.equal(again.messageId, first.messageId);
      assert.equal(again.groupStatus, 'ACSC');
      assert.deepEqual(await written(hub.ledger.store), before);
    },
  );

  hubTest(
    'the same MsgId with other content is refused whole (DUPL), nothing written',
    async (hub) => {
      await submit(hub, pacs008([customerTx()], { msgId: 'MSG-REUSED' }), sbiKey);
      const before = await written(hub.ledger.store);
      const tataBefore = await balance(hub, tata());
      const outcome = await submit(hub, pacs008([customerTx()], { msgId: 'MSG-REUSED' }), sbiKey);
      assert.equal(outcome.groupStatus, 'RJCT');
      assert.equal(outcome.replayed, false);
      assert.equal(outcome.messageId, '');
      assert.match(outcome.statusReport, /DUPL/);
      assert.deepEqual(await written(hub.ledger.store), before);
      assert.equal(await balance(hub, tata()), tataBefore);
    },
  );

  hubTest(
    'a UETR paid before is a duplicate transaction (DUPL), not a second payment',
    async (hub) => {
      const tx = customerTx();
      await submit(hub, pacs008([tx]), sbiKey);
      const tataBefore = await balance(hub, tata());
      const outcome = await submit(hub, pacs008([{ ...tx, endToEndId: 'OTHER' }]), sbiKey);
      assert.equal(outcome.groupStatus, 'RJCT');
      assert.deepEqual(await reasons(hub.ledger.store, outcome.messageId), ['DUPL']);
      // The very same transaction in another message: the ledger finds the payment as it was.
      const again = await submit(hub, pacs008([tx]), sbiKey);
      assert.deepEqual(await reasons(hub.ledger.store, again.messageId), ['DUPL']);
      assert.match(again.statusReport, /was paid before/);
      assert.equal(await balance(hub, tata()), tataBefore);
    },
  );

  hubTest('per transaction: each rejection its own reason, the rest booked (PART)', async (hub) => {
    await hub.participants.create(
      {
        id: 'gone',
        name: 'Gone Ltd',
        kind: 'corporate',
        country: 'IN',
        bank: 'bob',
        currencies: ['INR'],
      },
      cli,
    );
    await hub.participants.setStatus('gone', 'suspended', cli);
    const goneHex = account('gone', 'INR', 'customer').replaceAll('-', '');
    const paid = customerTx();
    await submit(hub, pacs008([paid]), sbiKey);
    const repeated = randomUUID();
    const transactions = [
      customerTx({ amount: '10.00' }), // 0 ACSC
      customerTx({ creditorAccount: { other: 'NOBODY-1' } }), // 1 AC01 unknown account
      customerTx({ debtorAccount: undefined }), // 2 AC01 missing DbtrAcct
      customerTx({ creditorAccount: { other: goneHex } }), // 3 AC04 suspended
      customerTx({ creditorAgentBic: 'NOBKINBB' }), // 4 RC01 unknown agent
      customerTx({ amount: '1.005' }), // 5 AM02 decimals
      customerTx({ currency: 'USD' }), // 6 AM03 currency
      customerTx({ amount: '99999999.00' }), // 7 AM04 funds
      customerTx({ uetr: paid.uetr }), // 8 DUPL paid before
      customerTx({ uetr: repeated, amount: '1.00' }), // 9 ACSC
      customerTx({ uetr: repeated, amount: '1.00' }), // 10 DUPL within the message
      customerTx({ creditorAgentBic: BIC.sbi }), // 11 AC01 not kept by that agent
      customerTx({ amount: '0' }), // 12 AM01 zero
      customerTx({ instructedAgentBic: 'NOBKINBB' }), // 13 RC01 InstdAgt
      customerTx({ debtorAccount: { other: infy().replaceAll('-', '') }, debtorAgentBic: BIC.bob }), // 14 AC01 not the instructing agent's
      customerTx({ currency: 'RUB' }), // 15 AM03 not the accounts' currency
    ];
    const tataBefore = await balance(hub, tata());
    const outcome = await submit(hub, pacs008(transactions), sbiKey);
    assert.equal(outcome.groupStatus, 'PART');
    assert.equal(outcome.accepted, 2);
    assert.equal(outcome.rejected, transactions.length - 2);
    assert.deepEqual(await reasons(hub.ledger.store, outcome.messageId), [
      '',
      'AC01',
      'AC01',
      'AC04',
      'RC01',
      'AM02',
      'AM03',
      'AM04',
      'DUPL',
      '',
      'DUPL',
      'AC01',
      'AM01',
      'RC01',
      'AC01',
      'AM03',
    ]);
    assert.equal(await balance(hub, tata()), tataBefore - 11_00n);
    const refused = await hub.ledger.store.events({
      afterSeq: 0n,
      types: ['payment.refused'],
      limit: 100,
    });
    assert.deepEqual(
      refused.map((event) => event.data.code),
      [
        'AC01',
        'AC01',
        'AC04',
        'RC01',
        'AM02',
        'AM03',
        'AM04',
        'DUPL',
        'DUPL',
        'AC01',
        'AM01',
        'RC01',
        'AC01',
        'AM03',
      ],
    );
    assert.ok(refused.every((event) => event.participants.join() === 'sbi'));
    assert.equal(refused[6]?.data.amount, '9999999900', 'the amount when it was understood');
    assert.equal(refused[0]?.data.amount, undefined, 'no amount for an unknown account');
    assert.equal(refused[0]?.subject, refused[0]?.data.id);
  });

  hubTest('AM04 for a payment past the net debit cap', async (hub) => {
    await hub.caps.set('sbi', 'INR', 100_00n, cli);
    const outcome = await submit(hub, pacs008([customerTx({ amount: '100.01' })]), sbiKey);
    assert.deepEqual(await reasons(hub.ledger.store, outcome.messageId), ['AM04']);
    assert.match((await hub.iso20022.message(outcome.messageId, cli))?.statusReport ?? '', /cap/);
  });

  hubTest(
    'batch booking: all or nothing, the others rejected with the batch (NARR)',
    async (hub) => {
      const tataBefore = await balance(hub, tata());
      // Refused at mapping: nothing is booked.
      const mappedOut = await submit(
        hub,
        pacs008(
          [customerTx(), customerTx({ creditorAccount: { other: 'NOBODY' } }), customerTx()],
          {
            batchBooking: true,
          },
        ),
        sbiKey,
      );
      assert.equal(mappedOut.groupStatus, 'RJCT');
      assert.deepEqual(await reasons(hub.ledger.store, mappedOut.messageId), [
        'NARR',
        'AC01',
        'NARR',
      ]);
      // Refused by the ledger after staging: the transaction is rolled back, the record kept.
      const counts = (await written(hub.ledger.store)).counts;
      const ledgerOut = await submit(
        hub,
        pacs008([customerTx(), customerTx({ amount: '99999999.00' }), customerTx()], {
          batchBooking: true,
        }),
        sbiKey,
      );
      assert.equal(ledgerOut.groupStatus, 'RJCT');
      assert.deepEqual(await reasons(hub.ledger.store, ledgerOut.messageId), [
        'NARR',
        'AM04',
        'NARR',
      ]);
      assert.deepEqual((await written(hub.ledger.store)).counts, counts, 'no transfer written');
      assert.equal(await balance(hub, tata()), tataBefore);
      assert.match(
        (await hub.iso20022.message(ledgerOut.messageId, cli))?.statusReport ?? '',
        /rejected with the batch/,
      );
      // All good: all booked.
      const ok = await submit(
        hub,
        pacs008([customerTx({ amount: '1.00' }), customerTx({ amount: '2.00' })], {
          batchBooking: true,
        }),
        sbiKey,
      );
      assert.equal(ok.groupStatus, 'ACSC');
      assert.equal(await balance(hub, tata()), tataBefore - 3_00n);
    },
  );

  hubTest('a pacs.009 moves money between two banks’ settlement accounts', async (hub) => {
    const sbiBefore = await balance(hub, account('sbi', 'INR'));
    const bobBefore = await balance(hub, account('bob', 'INR'));
    const xml = inboundMessage({
      kind: 'pacs.009',
      msgId: 'FI-1',
      instructingAgentBic: BIC.sbi,
      transactions: [
        {
          uetr: randomUUID(),
          amount: '5000.00',
          currency: 'INR',
          debtorBic: BIC.sbi,
          creditorBic: `${BIC.bob}XXX`,
        },
        {
          uetr: randomUUID(),
          amount: '1.00',
          currency: 'INR',
          debtorBic: BIC.sbi,
          creditorBic: BIC.vtb,
        }, // AC01: no INR settlement account
        {
          uetr: randomUUID(),
          amount: '1.00',
          currency: 'INR',
          debtorBic: BIC.bob,
          creditorBic: BIC.sbi,
        }, // AC01: not the instructing agent's
        {
          uetr: randomUUID(),
          amount: '1.00',
          currency: 'INR',
          debtorBic: 'NOBKINBB',
          creditorBic: BIC.sbi,
        }, // RC01
        {
          uetr: randomUUID(),
          amount: '2.00',
          currency: 'INR',
          debtorBic: BIC.sbi,
          creditorBic: BIC.vtb,
          creditorAccount: { other: account('vtb', 'INR', 'vostro', 'sbi').replaceAll('-', '') },
        },
      ],
    });
    const outcome = await submit(hub, xml, cli);
    assert.equal(outcome.groupStatus, 'PART');
    assert.deepEqual(await reasons(hub.ledger.store, outcome.messageId), [
      '',
      'AC01',
      'AC01',
      'RC01',
      '',
    ]);
    assert.equal(await balance(hub, account('sbi', 'INR')), sbiBefore - 5002_00n);
    assert.equal(await balance(hub, account('bob', 'INR')), bobBefore + 5000_00n);
    assert.equal(await balance(hub, account('vtb', 'INR', 'vostro', 'sbi')), 2_00n);
  });

  hubTest(
    'refused whole, nothing written: schema FF01, NbOfTxs, CtrlSum, COVE, agents',
    async (hub) => {
      const before = await written(hub.ledger.store);
      const schema = await submit(hub, broken(pacs008([customerTx()])), sbiKey);
      assert.equal(schema.groupStatus, 'RJCT');
      assert.match(schema.statusReport, /FF01/);
      assert.match(schema.statusReport, /Bogus/, 'the schema error is named');
      const count = await submit(
        hub,
        pacs008([customerTx()], { numberOfTransactions: '2' }),
        sbiKey,
      );
      assert.match(count.statusReport, /FF01/);
      assert.match(count.statusReport, /NbOfTxs is 2 but the message holds 1 transaction/);
      const sum = await submit(
        hub,
        pacs008([customerTx({ amount: '1.50' }), customerTx({ amount: '2' })], {
          controlSum: '3.49',
        }),
        sbiKey,
      );
      assert.match(
        sum.statusReport,
        /CtrlSum is 3.49 but the amounts of the transactions add up to 3.50/,
      );
      const cove = await submit(hub, pacs008([customerTx()], { settlementMethod: 'COVE' }), sbiKey);
      assert.match(cove.statusReport, /COVE/);
      const instructed = await submit(
        hub,
        pacs008([customerTx()], { instructedAgentBic: 'NOBKINBB' }),
        sbiKey,
      );
      assert.match(instructed.statusReport, /RC01/);
      const noAgent = await submit(
        hub,
        pacs008([customerTx()], { instructingAgentBic: undefined }),
        cli,
      );
      assert.match(noAgent.statusReport, /RC01/);
      const unknownAgent = await submit(
        hub,
        pacs008([customerTx()], { instructingAgentBic: 'NOBKINBB' }),
        cli,
      );
      assert.match(unknownAgent.statusReport, /RC01/);
      const twoAgents = await submit(
        hub,
        pacs008([customerTx({ instructingAgentBic: BIC.bob })], { instructingAgentBic: BIC.sbi }),
        cli,
      );
      assert.match(twoAgents.statusReport, /several instructing agents/);
      const many = await submit(
        hub,
        pacs008(Array.from({ length: 4096 }, () => customerTx({ amount: '1.00' }))),
        sbiKey,
      );
      assert.match(many.statusReport, /at most 4095 transactions/);
      await assert.rejects(
        hub.iso20022.submit('not xml at all', sbiKey),
        (error: unknown) => error instanceof IsoFormatError && error.code === 'not_xml',
      );
      for (const outcome of [
        schema,
        count,
        sum,
        cove,
        instructed,
        noAgent,
        unknownAgent,
        twoAgents,
        many,
      ]) {
        assert.equal(outcome.groupStatus, 'RJCT');
        assert.equal(outcome.accepted, 0);
        assert.equal(outcome.messageId, '');
      }
      assert.deepEqual(await written(hub.ledger.store), before);
    },
  );

  hubTest('a hostile participant cannot submit as another bank; nothing written', async (hub) => {
    const before = await written(hub.ledger.store);
    await assert.rejects(
      submit(hub, pacs008([customerTx()], { instructingAgentBic: BIC.bob }), sbiKey),
      refusal('forbidden', 'InstgAgt'),
    );
    await assert.rejects(
      submit(
        hub,
        pacs008([customerTx({ instructingAgentBic: `${BIC.bob}XXX` })], {
          instructingAgentBic: undefined,
        }),
        sbiKey,
      ),
      refusal('forbidden', 'InstgAgt'),
    );
    await assert.rejects(
      submit(hub, broken(pacs008([customerTx()], { instructingAgentBic: BIC.bob })), sbiKey),
      refusal('forbidden', 'InstgAgt'),
    );
    await assert.rejects(
      submit(
        hub,
        pacs008([customerTx()], { instructingAgentBic: undefined }),
        participantKey('tata'),
      ),
      refusal('forbidden'),
    );
    await assert.rejects(
      submit(hub, pacs008([customerTx()]), { id: 'auditor', role: 'auditor' }),
      refusal('forbidden'),
    );
    assert.deepEqual(await written(hub.ledger.store), before);
    // As itself, but debiting another bank's customer: AC01, as for an account that does not exist.
    const outcome = await submit(
      hub,
      pacs008(
        [
          customerTx({
            debtorAccount: INFY_ACCOUNT,
            debtorAgentBic: BIC.bob,
            creditorAccount: TATA_ACCOUNT,
            creditorAgentBic: BIC.sbi,
          }),
        ],
        {
          instructingAgentBic: undefined,
        },
      ),
      sbiKey,
    );
    assert.deepEqual(await reasons(hub.ledger.store, outcome.messageId), ['AC01']);
  });

  hubTest(
    'concurrent one-transaction messages: the bad and the duplicate fail alone',
    async (hub) => {
      const tataBefore = await balance(hub, tata());
      const good = Array.from({ length: 40 }, (_, index) =>
        pacs008([customerTx({ amount: `${index + 1}.00` })], { msgId: `C-${index}` }),
      );
      const bad = pacs008([customerTx({ creditorAccount: { other: 'NOBODY' } })], {
        msgId: 'C-BAD',
      });
      const reused = pacs008([customerTx()], { msgId: 'C-0' });
      const invalid = broken(pacs008([customerTx()], { msgId: 'C-BROKEN' }));
      const outcomes = await Promise.allSettled([
        ...good.map((xml) => submit(hub, xml, sbiKey)),
        submit(hub, bad, sbiKey),
        submit(hub, reused, sbiKey),
        submit(hub, good[1] as string, sbiKey),
        submit(hub, invalid, sbiKey),
        submit(hub, pacs008([customerTx()], { instructingAgentBic: BIC.bob }), sbiKey),
      ]);
      const values = outcomes.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as unknown),
      );
      const statuses = values.map((value) =>
        value instanceof HubError ? value.code : (value as { groupStatus: string }).groupStatus,
      );
      assert.equal(
        statuses.slice(0, 40).filter((status) => status === 'ACSC').length,
        39 + (statuses[41] === 'RJCT' ? 1 : 0),
      );
      assert.equal(statuses[40], 'RJCT', 'the bad one');
      assert.equal(statuses[43], 'RJCT', 'the broken one');
      assert.equal(statuses[44], 'forbidden');
      // C-0 and its reuse: one of them is booked, the other refused DUPL.
      const c0 = [values[0], values[41]] as { groupStatus: string; statusReport: string }[];
      assert.equal(c0.filter((outcome) => outcome.groupStatus === 'ACSC').length, 1);
      assert.match(
        c0.find((outcome) => outcome.groupStatus === 'RJCT')?.statusReport ?? '',
        /DUPL/,
      );
      const replay = values[42] as { replayed: boolean; statusReport: string };
      assert.equal(replay.statusReport, (values[1] as { statusReport: string }).statusReport);
      const booked = (values.slice(0, 40) as { groupStatus: string }[])
        .map((outcome, index) => (outcome.groupStatus === 'ACSC' ? BigInt(index + 1) * 100n : 0n))
        .reduce((a, b) => a + b, 0n);
      const reusedBooked =
        (values[41] as { groupStatus: string }).groupStatus === 'ACSC' ? 1234_50n : 0n;
      assert.equal(await balance(hub, tata()), tataBefore - booked - reusedBooked);
    },
  );

  hubTest(
    'another process (another service over the same ledger) finds the message in its transaction',
    async (hub) => {
      const other = new Iso20022Service(
        hub.ledger,
        new ParticipantRegistry(hub.ledger),
        new PaymentService(hub.ledger, hub.participants),
      );
      const xml = pacs008([customerTx(), customerTx()], { msgId: 'ELSEWHERE' });
      const first = await submit(hub, xml, sbiKey);
      const before = await written(hub.ledger.store);
      const replay = await other.submit(xml, sbiKey);
      assert.equal(replay.replayed, true);
      assert.equal(replay.statusReport, first.statusReport);
      const single = pacs008([customerTx()], { msgId: 'ELSEWHERE-1' });
      await submit(hub, single, sbiKey);
      assert.equal((await other.submit(single, sbiKey)).replayed, true, 'through the group, too');
      const reused = await other.submit(pacs008([customerTx()], { msgId: 'ELSEWHERE' }), sbiKey);
      assert.equal(reused.groupStatus, 'RJCT');
      assert.match(reused.statusReport, /DUPL/);
      assert.equal(
        (await written(hub.ledger.store)).counts.transfers,
        before.counts.transfers + 2,
        'the one new message: a payment and its cap leg',
      );
    },
  );

  hubTest(
    'a transaction without a UETR gets one derived from agent, MsgId, EndToEndId, position',
    async (hub) => {
      const xml = pacs008([customerTx({ uetr: null, endToEndId: 'NO-UETR' })], {
        msgId: 'DERIVED-1',
      });
      const first = await submit(hub, xml, sbiKey);
      const [record] = (await storedMessage(hub.ledger.store, first.messageId)).transactions;
      assert.match(
        record?.uetr ?? '',
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      assert.equal((await hub.ledger.lookupTransfers([record?.uetr as never])).length, 1);
    },
  );
}

describe('Iso20022Service on SQLite', () => {
  cases();
});

await postgresTests('Iso20022Service on postgres', (schemas) => {
  describe('Iso20022Service on PostgreSQL', () => {
    cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }));
  });
});
