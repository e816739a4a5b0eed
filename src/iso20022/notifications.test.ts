import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { manualClock } from '../ledger/clock.js';
import { newTransferId } from '../ledger/ids.js';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import type { Hub } from '../hub/hub.js';
import { account, refusal } from '../hub/hub.test-helper.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import type { LedgerStore } from '../store/store.js';
import { inboundMessage } from './messages.test-helper.js';
import { validateOutgoing } from './schemas.js';
import {
  BIC,
  infy,
  INFY_ACCOUNT,
  participantKey,
  tata,
  TATA_ACCOUNT,
  withIsoHub,
} from './service.test-helper.js';

const cli = CLI_ACTOR;
const auditor: Actor = { id: 'auditor', role: 'auditor' };
/** 2026-01-01T00:00:00Z, the first day; the clock starts at noon of it. */
const DAY0_NS = 1_767_225_600_000_000_000n;
const DAY_SECONDS = 86_400;

/** The entries of a camt.053 or camt.054, as the XML writes them. */
function entries(xml: string) {
  return [...xml.matchAll(/<Ntry>(.*?)<\/Ntry>/gs)].map(([, body = '']) => ({
    amount: /<Amt Ccy="(\w+)">([\d.]+)<\/Amt>/.exec(body)?.slice(1).join(' '),
    direction: /<CdtDbtInd>(\w+)<\/CdtDbtInd>/.exec(body)?.[1],
    status: /<Sts><Cd>(\w+)<\/Cd><\/Sts>/.exec(body)?.[1],
    uetr: /<UETR>([^<]+)<\/UETR>/.exec(body)?.[1],
    endToEndId: /<EndToEndId>([^<]+)<\/EndToEndId>/.exec(body)?.[1],
    remittance: [...body.matchAll(/<Ustrd>([^<]*)<\/Ustrd>/g)].map((match) => match[1]),
    purpose: /<Purp><Cd>(\w+)<\/Cd><\/Purp>/.exec(body)?.[1],
    counterparty: /<Nm>([^<]+)<\/Nm>/.exec(body)?.[1],
  }));
}

/** Opening and closing booked balances of a camt.053, signed. */
function balances(xml: string): { opening: string; closing: string } {
  const balance = (code: string): string => {
    const match = new RegExp(
      `<Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="\\w+">([\\d.]+)</Amt><CdtDbtInd>(\\w+)</CdtDbtInd>`,
    ).exec(xml);
    assert.ok(match !== null, `a ${code} balance`);
    return `${match[2] === 'DBIT' ? '-' : ''}${match[1] ?? ''}`;
  };
  return { opening: balance('OPBD'), closing: balance('CLBD') };
}

function pacs008(amount: string, endToEndId: string, uetr = randomUUID()): string {
  return inboundMessage({
    msgId: `M-${randomUUID().slice(0, 8)}`,
    instructingAgentBic: BIC.sbi,
    transactions: [
      {
        uetr,
        endToEndId,
        amount,
        currency: 'INR',
        debtorName: 'Tata Exports',
        debtorAccount: TATA_ACCOUNT,
        debtorAgentBic: BIC.sbi,
        creditorName: 'Infosys Ltd',
        creditorAccount: INFY_ACCOUNT,
        creditorAgentBic: BIC.bob,
        remittance: [`Invoice ${endToEndId}`],
        purpose: { cd: 'GDDS' },
      },
    ],
  });
}

function cases(store?: () => Promise<LedgerStore>): void {
  const clocked = (
    name: string,
    body: (hub: Hub, clock: ReturnType<typeof manualClock>) => Promise<void>,
  ): void => {
    it(name, async () => {
      const clock = manualClock(DAY0_NS + 12n * 3_600_000_000_000n);
      await withIsoHub((hub) => body(hub, clock), {
        ...(store === undefined ? {} : { store }),
        clock,
      });
    });
  };

  clocked(
    'camt.053: a pacs.008 in comes out in the statement with its amount and references',
    async (hub, clock) => {
      clock.advanceSeconds(DAY_SECONDS); // day 1
      const uetr = randomUUID();
      const outcome = await hub.iso20022.submit(
        pacs008('1234.50', 'E2E-ROUND', uetr),
        participantKey('sbi'),
      );
      assert.equal(outcome.groupStatus, 'ACSC');
      await hub.payments.pay(
        {
          id: newTransferId(),
          payer: tata(),
          payee: infy(),
          amount: 10_00n,
          reference: 'plain payment',
        },
        cli,
      );
      clock.advanceSeconds(DAY_SECONDS); // day 2
      await hub.iso20022.submit(pacs008('1.00', 'E2E-LATER'), participantKey('sbi'));

      const day1 = await hub.iso20022.statement(infy(), '2026-01-02', participantKey('infy'));
      validateOutgoing('camt.053.001.08', day1);
      assert.deepEqual(balances(day1), { opening: '0.00', closing: '1244.50' });
      assert.deepEqual(entries(day1), [
        {
          amount: 'INR 1234.50',
          direction: 'CRDT',
          status: 'BOOK',
          uetr,
          endToEndId: 'E2E-ROUND',
          remittance: ['Invoice E2E-ROUND'],
          purpose: 'GDDS',
          counterparty: 'Tata Exports',
        },
        {
          amount: 'INR 10.00',
          direction: 'CRDT',
          status: 'BOOK',
          uetr: undefined,
          endToEndId: undefined,
          remittance: ['plain payment'],
          purpose: undefined,
          counterparty: 'Tata Exports',
        },
      ]);
      const tataDay1 = await hub.iso20022.statement(tata(), '2026-01-02', participantKey('sbi'));
      validateOutgoing('camt.053.001.08', tataDay1);
      assert.deepEqual(balances(tataDay1), { opening: '100000.00', closing: '98755.50' });
      assert.deepEqual(
        entries(tataDay1).map((entry) => [entry.direction, entry.amount, entry.counterparty]),
        [
          ['DBIT', 'INR 1234.50', 'Infosys Ltd'],
          ['DBIT', 'INR 10.00', 'Infosys'],
        ],
      );
      const day2 = await hub.iso20022.statement(infy(), '2026-01-03', auditor);
      assert.deepEqual(balances(day2), { opening: '1244.50', closing: '1245.50' });
      assert.equal(entries(day2).length, 1);
      const day0 = await hub.iso20022.statement(infy(), '2026-01-01', cli);
      validateOutgoing('camt.053.001.08', day0);
      assert.deepEqual(balances(day0), { opening: '0.00', closing: '0.00' });
      assert.equal(entries(day0).length, 0);
      const sbiSettlement = await hub.iso20022.statement(account('sbi', 'INR'), '2026-01-02', cli);
      validateOutgoing('camt.053.001.08', sbiSettlement);
    },
  );

  clocked('camt.053: who may read, and the day asked for', async (hub, clock) => {
    clock.advanceSeconds(DAY_SECONDS);
    await assert.rejects(
      hub.iso20022.statement(infy(), '2026-01-02', participantKey('sbi')),
      refusal('account_not_found', 'account'),
    );
    await assert.rejects(
      hub.iso20022.statement(infy(), '2026-01-02', participantKey('tata')),
      refusal('account_not_found', 'account'),
    );
    await hub.iso20022.statement(infy(), '2026-01-02', participantKey('bob'));
    await assert.rejects(
      hub.iso20022.statement(account('nobody', 'INR', 'customer'), '2026-01-02', cli),
      refusal('account_not_found', 'account'),
    );
    for (const date of ['2026-02-30', '2026-1-2', 'yesterday', ''])
      await assert.rejects(
        hub.iso20022.statement(infy(), date, cli),
        refusal('invalid_parameter', 'date'),
      );
    await assert.rejects(
      hub.iso20022.statement(infy(), '2026-01-04', cli),
      refusal('invalid_parameter', 'date'),
    );
  });

  clocked(
    'camt.054: the transfers of an account after a cursor, from the transfer events',
    async (hub) => {
      const start = await hub.ledger.store.lastEventSeq();
      const uetr = randomUUID();
      await hub.iso20022.submit(pacs008('77.70', 'E2E-NOTE', uetr), participantKey('sbi'));
      await hub.payments.pay(
        { id: newTransferId(), payer: tata(), payee: infy(), amount: 1_00n, reference: 'second' },
        cli,
      );
      const first = await hub.iso20022.notifications(
        { accountId: infy(), afterSeq: start, limit: 1 },
        participantKey('infy'),
      );
      validateOutgoing('camt.054.001.08', first.xml);
      assert.deepEqual(
        entries(first.xml).map((entry) => [
          entry.amount,
          entry.direction,
          entry.uetr,
          entry.endToEndId,
          entry.remittance,
        ]),
        [['INR 77.70', 'CRDT', uetr, 'E2E-NOTE', ['Invoice E2E-NOTE']]],
      );
      const second = await hub.iso20022.notifications(
        { accountId: infy(), afterSeq: first.lastSeq, limit: 100 },
        participantKey('bob'),
      );
      assert.deepEqual(
        entries(second.xml).map((entry) => [entry.amount, entry.remittance]),
        [['INR 1.00', ['second']]],
      );
      const none = await hub.iso20022.notifications(
        { accountId: infy(), afterSeq: second.lastSeq, limit: 100 },
        cli,
      );
      validateOutgoing('camt.054.001.08', none.xml);
      assert.equal(entries(none.xml).length, 0);
      assert.equal(none.lastSeq, second.lastSeq);
      await assert.rejects(
        hub.iso20022.notifications(
          { accountId: infy(), afterSeq: 0n, limit: 10 },
          participantKey('sbi'),
        ),
        refusal('account_not_found'),
      );
      await assert.rejects(
        hub.iso20022.notifications({ accountId: infy(), afterSeq: 0n, limit: 0 }, cli),
        refusal('invalid_parameter', 'limit'),
      );
      await assert.rejects(
        hub.iso20022.notifications({ accountId: infy(), afterSeq: -1n, limit: 1 }, cli),
        refusal('invalid_parameter', 'after'),
      );

      // For a webhook: every account the events book on that the participant may see.
      const events = await hub.ledger.store.events({ afterSeq: start, limit: 100 });
      const forBob = await hub.iso20022.notificationForEvents(events, 'bob');
      assert.ok(forBob !== undefined);
      validateOutgoing('camt.054.001.08', forBob);
      assert.deepEqual(
        entries(forBob).map((entry) => [entry.amount, entry.direction]),
        [
          ['INR 77.70', 'CRDT'],
          ['INR 1.00', 'CRDT'],
        ],
      );
      const forAll = await hub.iso20022.notificationForEvents(events);
      assert.ok(forAll !== undefined);
      validateOutgoing('camt.054.001.08', forAll);
      assert.ok(entries(forAll).length >= 4, 'both sides of every payment');
      assert.equal(await hub.iso20022.notificationForEvents(events, 'vtb'), undefined);
      assert.equal(await hub.iso20022.notificationForEvents([]), undefined);
    },
  );

  clocked(
    'camt.054: a reservation is PDNG, its posting BOOK; the hub’s own accounts for the operator',
    async (hub) => {
      const start = await hub.ledger.store.lastEventSeq();
      const id = newTransferId();
      await hub.payments.pay(
        { id, payer: tata(), payee: infy(), amount: 5_00n, reference: 'two-phase', pending: true },
        cli,
      );
      await hub.payments.resolve(id, 'post', cli);
      const { xml } = await hub.iso20022.notifications(
        { accountId: infy(), afterSeq: start, limit: 10 },
        cli,
      );
      validateOutgoing('camt.054.001.08', xml);
      assert.deepEqual(
        entries(xml).map((entry) => [entry.status, entry.amount, entry.direction]),
        [
          ['PDNG', 'INR 5.00', 'CRDT'],
          ['BOOK', 'INR 5.00', 'CRDT'],
        ],
      );
      await hub.payments.fund(
        { id: newTransferId(), account: tata(), amount: 7_00n, reference: 'top-up' },
        cli,
      );
      const own = await hub.iso20022.notifications(
        { accountId: account('hub', 'INR', 'hub_settlement'), afterSeq: start, limit: 10 },
        auditor,
      );
      validateOutgoing('camt.054.001.08', own.xml);
      assert.deepEqual(
        entries(own.xml).map((entry) => [entry.amount, entry.direction, entry.remittance]),
        [['INR 7.00', 'DBIT', ['top-up']]],
      );
    },
  );
}

describe('camt.053 and camt.054 on SQLite', () => {
  cases();
});

await postgresTests('camt.053 and camt.054 on postgres', (schemas) => {
  describe('camt.053 and camt.054 on PostgreSQL', () => {
    cases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 }));
  });
});
