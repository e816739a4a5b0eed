import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currencyByCode, parseAmount } from '../ledger/currency.js';
import { newTransferId, type TransferId } from '../ledger/ids.js';
import { CLI_ACTOR } from '../domain/actor.js';
import type { Hub } from '../hub/hub.js';
import { account, refusal, withHub } from '../hub/hub.test-helper.js';
import { TransferCode } from '../settlement/codes.js';
import {
  creditBalancesAt,
  creditBalancesAtPoints,
  postedSnapshot,
} from '../ledger/account-history.js';
import {
  buildStatement,
  STATEMENT_CSV_HEADER,
  statementCsv,
  statementJson,
  type Statement,
} from './statement.js';
import { csvObjects, parseCsv } from './report.test-helper.js';
import { parseInstant } from '../domain/time.js';

const cli = CLI_ACTOR;
const INR = currencyByCode('INR')!;
const FAR_FUTURE = '2100-01-01';
const pay = (
  hub: Hub,
  payer: string,
  payee: string,
  amount: bigint,
  options: { pending?: boolean } = {},
) =>
  hub.payments.pay(
    {
      id: newTransferId(),
      payer: account(payer, 'INR'),
      payee: account(payee, 'INR'),
      amount,
      reference: 'invoice 42',
      ...options,
    },
    cli,
  );

async function timestampOf(hub: Hub, id: string): Promise<bigint> {
  const [transfer] = await hub.ledger.lookupTransfers([id as TransferId]);
  assert.ok(transfer !== undefined);
  return transfer.timestamp;
}

/** Opening + credits − debits = closing on the normal side, each line's balance follows from the one before, and a period that reaches the present closes at the ledger's balance. */
async function assertReconciles(
  hub: Hub,
  statement: Statement,
  reachesPresent: boolean,
): Promise<void> {
  for (const entry of statement.accounts) {
    const sign = entry.normalSide === 'credit' ? 1n : -1n;
    let balance = entry.openingMinor;
    for (const line of entry.lines) {
      balance += (line.direction === 'credit' ? line.amountMinor : -line.amountMinor) * sign;
      assert.equal(
        line.balanceMinor,
        balance,
        `running balance of ${entry.role} ${entry.currency}`,
      );
    }
    assert.equal(entry.closingMinor, balance);
    assert.equal(
      entry.openingMinor + (entry.creditsMinor - entry.debitsMinor) * sign,
      entry.closingMinor,
    );
    if (reachesPresent) {
      const [ledgerAccount] = await hub.ledger.lookupAccounts([entry.accountId]);
      assert.ok(ledgerAccount !== undefined);
      assert.equal(
        entry.closingMinor,
        (ledgerAccount.creditsPosted - ledgerAccount.debitsPosted) * sign,
        `closing of ${entry.role} ${entry.currency} is the ledger's balance`,
      );
    }
  }
}

describe('participant statement', () => {
  it('lists every posting of the period with counterparties and running balances that reconcile with the ledger', async () => {
    await withHub(async (hub) => {
      for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 10_000_00n, cli);
      const first = await pay(hub, 'sbi', 'bob', 700_00n);
      const second = await pay(hub, 'bob', 'sbi', 100_00n);
      const funding = await hub.payments.fund(
        {
          id: newTransferId(),
          account: account('sbi', 'INR'),
          amount: 50_00n,
          reference: 'top-up',
        },
        cli,
      );
      const reserved = await pay(hub, 'sbi', 'bob', 30_00n, { pending: true });
      const voided = await pay(hub, 'sbi', 'bob', 20_00n, { pending: true });
      await hub.payments.resolve(voided.id, 'void', cli);
      const posted = await hub.payments.resolve(reserved.id, 'post', cli);

      const from = await timestampOf(hub, first.id);
      const statement = await buildStatement(hub, { participant: 'sbi', from, to: FAR_FUTURE });
      assert.deepEqual(statement.participant, {
        id: 'sbi',
        name: 'State Bank of India',
        kind: 'bank',
        country: 'IN',
      });
      assert.deepEqual(
        statement.accounts.map((entry) => entry.role),
        ['settlement', 'cap'],
      );
      const settlement = statement.accounts[0]!;
      assert.equal(settlement.normalSide, 'credit');
      assert.equal(settlement.openingMinor, 1_000_000_00n, 'the prefunding, before the period');
      assert.deepEqual(
        settlement.lines.map((line) => [
          line.direction,
          line.amountMinor,
          line.codeName,
          line.counterpartyParticipant,
          line.counterpartyName,
          line.counterpartyRole,
          line.kind,
          line.balanceMinor,
        ]),
        [
          [
            'debit',
            700_00n,
            'payment',
            'bob',
            'Bank of Baroda',
            'settlement',
            'plain',
            999_300_00n,
          ],
          [
            'credit',
            100_00n,
            'payment',
            'bob',
            'Bank of Baroda',
            'settlement',
            'plain',
            999_400_00n,
          ],
          [
            'credit',
            50_00n,
            'funding',
            'hub',
            'vostro clearing hub',
            'hub_settlement',
            'plain',
            999_450_00n,
          ],
          ['debit', 30_00n, 'payment', 'bob', 'Bank of Baroda', 'settlement', 'post', 999_420_00n],
        ],
        'the reservations and the void are not postings; the post is, at the time it posted',
      );
      assert.deepEqual(
        settlement.lines.map((line) => line.transferId),
        [first.id, second.id, funding.id, posted.transferIds[0]],
      );
      assert.equal(settlement.lines[3]?.pendingId, reserved.id);
      assert.equal(settlement.lines[0]?.reference, 'invoice 42');
      assert.equal(settlement.closingMinor, 999_420_00n);
      assert.deepEqual([settlement.debitsMinor, settlement.creditsMinor], [730_00n, 150_00n]);
      const cap = statement.accounts[1]!;
      assert.deepEqual(
        cap.lines.map((line) => [line.direction, line.amountMinor, line.code]),
        [
          ['debit', 700_00n, TransferCode.capUse],
          ['credit', 100_00n, TransferCode.capUse],
          ['debit', 30_00n, TransferCode.capUse],
        ],
      );
      assert.equal(cap.openingMinor, 10_000_00n);
      await assertReconciles(hub, statement, true);

      // A middle period [second, funding): one line, bounds exclusive at `to`.
      const middle = await buildStatement(hub, {
        participant: 'sbi',
        from: await timestampOf(hub, second.id),
        to: await timestampOf(hub, funding.id),
        roles: ['settlement'],
      });
      assert.equal(middle.accounts.length, 1);
      assert.deepEqual(
        middle.accounts[0]!.lines.map((line) => line.transferId),
        [second.id],
      );
      assert.deepEqual(
        [middle.accounts[0]!.openingMinor, middle.accounts[0]!.closingMinor],
        [999_300_00n, 999_400_00n],
      );
      await assertReconciles(hub, middle, false);

      // From 1970 on, everything is a line and the opening is zero, for every participant.
      for (const participant of ['sbi', 'bob', 'vtb', 'fx', 'hub']) {
        const whole = await buildStatement(hub, {
          participant,
          from: '1970-01-01',
          to: FAR_FUTURE,
        });
        for (const entry of whole.accounts) assert.equal(entry.openingMinor, 0n);
        await assertReconciles(hub, whole, true);
      }
      const hubStatement = await buildStatement(hub, {
        participant: 'hub',
        from: '1970-01-01',
        to: FAR_FUTURE,
        currency: 'INR',
        roles: ['hub_settlement'],
      });
      assert.equal(hubStatement.accounts[0]?.normalSide, 'debit');
      assert.equal(
        hubStatement.accounts[0].closingMinor,
        3n * 1_000_000_00n + 10_000_000_00n + 50_00n,
        'the hub holds every INR prefunding: a debit balance',
      );
    });
  });

  it('JSON and CSV carry the same figures; the CSV parses back and its debit and credit columns reconcile', async () => {
    await withHub(async (hub) => {
      await hub.caps.set('sbi', 'INR', 10_000_00n, cli);
      await pay(hub, 'sbi', 'bob', 12_34n);
      await pay(hub, 'sbi', 'bob', 5_00n);
      const statement = await buildStatement(
        hub,
        { participant: 'sbi', from: '2000-01-01', to: FAR_FUTURE, currency: 'INR' },
        { now: new Date('2031-01-01T00:00:00Z') },
      );
      const json = statementJson(statement);
      assert.equal(json.period.from.time, '2000-01-01T00:00:00.000Z');
      assert.equal(json.period.from.timestamp, '946684800000000000');
      assert.equal(json.generatedAt, '2031-01-01T00:00:00.000Z');
      const settlementJson = json.accounts[0]!;
      assert.deepEqual(
        [
          settlementJson.opening,
          settlementJson.debits,
          settlementJson.credits,
          settlementJson.closing,
        ],
        ['0.00', '17.34', '1000000.00', '999982.66'],
      );
      assert.deepEqual(
        settlementJson.lines.map((line) => [
          line.direction,
          line.amount,
          line.balance,
          line.codeName,
          line.counterparty.participant,
        ]),
        [
          ['credit', '1000000.00', '1000000.00', 'funding', 'hub'],
          ['debit', '12.34', '999987.66', 'payment', 'bob'],
          ['debit', '5.00', '999982.66', 'payment', 'bob'],
        ],
      );
      const csv = statementCsv(statement);
      const [header] = parseCsv(csv);
      assert.deepEqual(header, [...STATEMENT_CSV_HEADER]);
      const rows = csvObjects(csv);
      assert.equal(
        rows.length,
        statement.accounts.reduce((sum, entry) => sum + entry.lines.length + 2, 0),
      );
      const minor = (text: string | undefined): bigint => {
        if (text === undefined || text === '') return 0n;
        const negative = text.startsWith('-');
        const parsed = parseAmount(negative ? text.slice(1) : text, INR, { allowZero: true });
        assert.ok(parsed.ok, text);
        return negative ? -parsed.amountMinor : parsed.amountMinor;
      };
      for (const entry of json.accounts) {
        const own = rows.filter((row) => row.account_id === entry.accountId);
        assert.deepEqual(
          own.map((row) => row.row_type),
          ['opening', ...entry.lines.map(() => 'posting'), 'closing'],
        );
        const opening = minor(own[0]?.balance);
        const movement = own.reduce((sum, row) => sum + minor(row.credit) - minor(row.debit), 0n);
        assert.equal(opening + movement, minor(own.at(-1)?.balance));
        assert.deepEqual(
          own.filter((row) => row.row_type === 'posting').map((row) => row.balance),
          entry.lines.map((line) => line.balance),
        );
        assert.deepEqual(
          own.filter((row) => row.row_type === 'posting').map((row) => row.transfer_id),
          entry.lines.map((line) => line.transferId),
        );
      }
      assert.equal(
        rows.find((row) => row.row_type === 'posting' && row.debit === '12.34')?.counterparty_name,
        'Bank of Baroda',
      );
    });
  });

  it('statements taken while payments post are consistent snapshots: from 1970 every opening is zero', async () => {
    await withHub(async (hub) => {
      for (const bank of ['sbi', 'bob']) await hub.caps.set(bank, 'INR', 100_000_000_00n, cli);
      const payments: Promise<unknown>[] = [];
      for (let index = 0; index < 300; index += 1)
        payments.push(
          pay(
            hub,
            index % 2 === 0 ? 'sbi' : 'bob',
            index % 2 === 0 ? 'bob' : 'sbi',
            BigInt(1 + (index % 9)),
          ),
        );
      const statements: Promise<Statement>[] = [];
      for (let index = 0; index < 10; index += 1)
        statements.push(
          buildStatement(hub, {
            participant: index % 2 === 0 ? 'sbi' : 'bob',
            from: '1970-01-01',
            to: FAR_FUTURE,
          }),
        );
      await Promise.all(payments);
      for (const statement of await Promise.all(statements)) {
        for (const entry of statement.accounts)
          assert.equal(
            entry.openingMinor,
            0n,
            'the balances and the walk describe the same moment',
          );
        await assertReconciles(hub, statement, false);
      }
      await assertReconciles(
        hub,
        await buildStatement(hub, { participant: 'sbi', from: '1970-01-01', to: FAR_FUTURE }),
        true,
      );
    });
  });

  it('refuses a malformed request precisely', async () => {
    await withHub(async (hub) => {
      await assert.rejects(
        buildStatement(hub, { participant: 'nobody', from: '2025-01-01', to: '2025-02-01' }),
        refusal('participant_not_found'),
      );
      await assert.rejects(
        buildStatement(hub, { participant: 'sbi', from: '2025-02-01', to: '2025-02-01' }),
        refusal('invalid_field', 'to'),
      );
      await assert.rejects(
        buildStatement(hub, { participant: 'sbi', from: '2025-02-30', to: '2025-03-01' }),
        refusal('invalid_field', 'from'),
      );
      await assert.rejects(
        buildStatement(hub, { participant: 'sbi', from: '2025-02-01T10:00:00', to: '2025-03-01' }),
        refusal('invalid_field', 'from'),
      );
      await assert.rejects(
        buildStatement(hub, {
          participant: 'sbi',
          from: '2025-01-01',
          to: FAR_FUTURE,
          currency: 'XYZ',
        }),
        refusal('unknown_currency', 'currency'),
      );
      await assert.rejects(
        buildStatement(hub, {
          participant: 'sbi',
          from: '1970-01-01',
          to: FAR_FUTURE,
          maxLines: 0,
        }),
        refusal('invalid_field', 'max_lines'),
      );
      await assert.rejects(
        buildStatement(hub, {
          participant: 'sbi',
          from: '1970-01-01',
          to: FAR_FUTURE,
          roles: ['toString' as never],
        }),
        refusal('invalid_field', 'roles'),
      );
      await hub.payments.fund(
        {
          id: newTransferId(),
          account: account('sbi', 'INR'),
          amount: 1_00n,
          reference: 'second posting',
        },
        cli,
      );
      await assert.rejects(
        buildStatement(hub, {
          participant: 'sbi',
          from: '1970-01-01',
          to: FAR_FUTURE,
          maxLines: 1,
        }),
        refusal('invalid_field', 'from'),
      );
    });
  });
});

describe('account history and instants', () => {
  it('balances at points in time agree with the ledger, whichever way the snapshot is made', async () => {
    await withHub(async (hub) => {
      await hub.caps.set('sbi', 'INR', 10_000_00n, cli);
      const stamps: bigint[] = [];
      for (const amount of [1_00n, 2_00n, 3_00n])
        stamps.push(await timestampOf(hub, (await pay(hub, 'sbi', 'bob', amount)).id));
      const id = account('bob', 'INR');
      const fast = await postedSnapshot(hub.ledger.store, id, { sinceNs: stamps[0]! });
      const slow = await postedSnapshot(hub.ledger.store, id, { sinceNs: stamps[0]!, attempts: 0 });
      assert.equal(fast?.method, 'balances');
      assert.equal(slow?.method, 'full_history');
      const points = [stamps[0]! - 1n, stamps[0]!, stamps[1]!, stamps[2]! + 1_000_000n];
      const base = 1_000_000_00n;
      for (const snapshot of [fast, slow])
        assert.deepEqual(creditBalancesAt(snapshot, points), [
          base,
          base + 1_00n,
          base + 3_00n,
          base + 6_00n,
        ]);
      for (const attempts of [5, 0]) {
        const byPoints = await creditBalancesAtPoints(
          hub.ledger.store,
          id,
          [points[3]!, points[1]!, points[0]!, points[2]!, points[1]!],
          { attempts },
        );
        assert.deepEqual(byPoints, {
          balances: [base + 6_00n, base + 1_00n, base, base + 3_00n, base + 1_00n],
          method: attempts === 0 ? 'full_history' : 'balances',
        });
      }
      assert.deepEqual(
        await creditBalancesAtPoints(hub.ledger.store, account('nobody', 'INR'), [1n]),
        { balances: [0n], method: 'balances' },
      );
      const bounded = await postedSnapshot(hub.ledger.store, id, {
        sinceNs: stamps[0]!,
        untilNs: stamps[2]!,
      });
      assert.deepEqual(bounded?.movements.length, 2);
      assert.deepEqual(creditBalancesAt(bounded, [stamps[0]! - 1n, stamps[1]!]), [
        base,
        base + 3_00n,
      ]);
    });
  });

  it('parses dates and zoned date-times exactly', () => {
    assert.equal(parseInstant('1970-01-02', 'from'), 86_400_000_000_000n);
    assert.equal(
      parseInstant('2025-04-01T09:30:00+05:30', 'from'),
      parseInstant('2025-04-01T04:00:00Z', 'from'),
    );
    assert.equal(
      parseInstant('2025-04-01T04:00:00.123456789Z', 'from') -
        parseInstant('2025-04-01T04:00:00Z', 'from'),
      123_456_789n,
    );
    assert.equal(parseInstant(5n, 'from'), 5n);
    for (const bad of [
      '2025-13-01',
      '2025-02-29',
      '2025-04-01T24:00:00Z',
      '2025-04-01T10:00:00',
      '1969-12-31',
      '01/04/2025',
      '2025-04-01T10:00Z ',
    ]) {
      assert.throws(() => parseInstant(bad, 'from'), refusal('invalid_field', 'from'), bad);
    }
    assert.throws(() => parseInstant(-1n, 'to'), refusal('invalid_field', 'to'));
  });
});
