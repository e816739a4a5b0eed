import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../domain/actor.js';
import { Hub } from '../../hub/hub.js';
import { newTransferId } from '../../ledger/ids.js';
import { participantAccountId } from '../../participants/accounts.js';
import { assertVerified, openTestApi, type TestApi } from '../api.test-helper.js';

/**
 * A participant's own view of a closed window: the same numbers as the staff route's positions and
 * instructions, its bilateral nets from its own side, and the staff route's refusals.
 */
describe('settlement API: a participant’s position in a window', () => {
  let api: TestApi;
  const keys: Record<string, string> = {};
  const settlement = (bank: string): string => participantAccountId(bank, 'INR', 'settlement');

  before(async () => {
    api = await openTestApi({ rateLimitPerSecond: 0 });
    await new Hub(api.ledger, api.participants).open(['INR'], CLI_ACTOR);
    for (const id of ['sbi', 'bob', 'axis', 'idle']) {
      const created = await api.call({
        method: 'POST',
        url: '/v1/participants',
        payload: { id, name: id.toUpperCase(), kind: 'bank', country: 'IN', currencies: ['INR'] },
      });
      assert.equal(created.statusCode, 201, created.body);
      keys[id] = await api.issueKey('participant', id);
    }
    for (const bank of ['sbi', 'bob']) {
      assert.equal(
        (
          await api.call({
            method: 'POST',
            url: '/v1/payments/fund',
            payload: { id: newTransferId(), account: settlement(bank), amount: '10000.00' },
          })
        ).statusCode,
        201,
      );
      assert.equal(
        (
          await api.call({
            method: 'PUT',
            url: `/v1/participants/${bank}/caps/INR`,
            payload: { cap: '1000.00' },
          })
        ).statusCode,
        200,
      );
    }
  });
  after(async () => {
    await assertVerified(api.store);
    await api.close();
  });

  const pay = async (payer: string, payee: string, amount: string): Promise<void> => {
    const paid = await api.call({
      method: 'POST',
      url: '/v1/payments',
      key: keys[payer],
      payload: { id: newTransferId(), payer: settlement(payer), payee: settlement(payee), amount },
    });
    assert.equal(paid.statusCode, 201, paid.body);
  };
  /** Rupee amounts as the API writes them (two decimals) in paise, without a float. */
  const paise = (amount: string): bigint => BigInt(amount.replace('.', ''));
  const position = (
    participant: string,
    window: string,
    key: string | undefined = keys[participant],
  ) =>
    api.call({
      method: 'GET',
      url: `/v1/participants/${participant}/windows/${window}/position`,
      ...(key === undefined ? {} : { key }),
    });

  it('refuses an open window as the staff route does (409 window_not_closed)', async () => {
    await pay('sbi', 'bob', '300.00');
    await pay('bob', 'sbi', '120.00');
    await pay('sbi', 'axis', '50.00');
    await pay('bob', 'axis', '10.00');
    const own = await position('sbi', 'INR-1');
    const staff = await api.call({ method: 'GET', url: '/v1/windows/INR-1/positions' });
    assert.deepEqual([own.statusCode, own.json()['code']], [409, 'window_not_closed'], own.body);
    assert.deepEqual([staff.statusCode, staff.json()['code']], [409, 'window_not_closed']);
    assert.equal(own.json()['detail'], staff.json()['detail']);
  });

  it('shows the owner its position, instruction and bilateral nets: the staff route’s numbers for the same window', async () => {
    assert.equal(
      (
        await api.call({
          method: 'POST',
          url: '/v1/windows/close',
          payload: { currency: 'INR', window: 'INR-1' },
        })
      ).statusCode,
      200,
    );
    const staff = (
      await api.call({
        method: 'GET',
        url: '/v1/windows/INR-1/positions',
        key: await api.issueKey('auditor'),
      })
    ).json();
    for (const bank of ['sbi', 'bob', 'axis']) {
      const response = await position(bank, 'INR-1');
      assert.equal(response.statusCode, 200, response.body);
      const own = response.json();
      assert.deepEqual(own['window'], staff['window']);
      assert.equal(own['participant'], bank);
      assert.equal(own['currency'], 'INR');
      assert.deepEqual(
        own['position'],
        staff['positions'].find((entry: { participant: string }) => entry.participant === bank),
      );
      assert.deepEqual(
        own['instruction'],
        staff['instructions'].find((entry: { participant: string }) => entry.participant === bank),
      );
      // Every bilateral instruction that involves the bank is one of its rows, signed from its side.
      const fromStaff = staff['bilateralInstructions']
        .filter(
          (entry: { payer: string; payee: string }) => entry.payer === bank || entry.payee === bank,
        )
        .map((entry: { payer: string; payee: string; amount: string }) =>
          entry.payer === bank
            ? { counterparty: entry.payee, net: `-${entry.amount}` }
            : { counterparty: entry.payer, net: entry.amount },
        )
        .sort((a: { counterparty: string }, b: { counterparty: string }) =>
          a.counterparty < b.counterparty ? -1 : 1,
        );
      assert.deepEqual(
        own['bilateral'].filter((row: { net: string }) => !/^0(\.0+)?$/.test(row.net)),
        fromStaff,
        bank,
      );
      const bilateralSum = own['bilateral'].reduce(
        (sum: bigint, row: { net: string }) => sum + paise(row.net),
        0n,
      );
      assert.equal(
        bilateralSum,
        paise(own['position']['net']),
        `${bank}: bilateral nets add up to the net`,
      );
    }
    // The numbers themselves: sbi paid 300.00 to bob and 50.00 to axis, and received 120.00 from bob.
    const sbi = (await position('sbi', 'INR-1')).json();
    assert.deepEqual(sbi['position'], {
      participant: 'sbi',
      debits: '350.00',
      credits: '120.00',
      net: '-230.00',
    });
    assert.deepEqual(sbi['instruction'], { kind: 'pay_in', participant: 'sbi', amount: '230.00' });
    assert.deepEqual(sbi['bilateral'], [
      { counterparty: 'axis', net: '-50.00' },
      { counterparty: 'bob', net: '-180.00' },
    ]);
    const axis = (await position('axis', 'INR-1')).json();
    assert.deepEqual(axis['instruction'], {
      kind: 'pay_out',
      participant: 'axis',
      amount: '60.00',
    });
    assert.deepEqual(axis['bilateral'], [
      { counterparty: 'bob', net: '10.00' },
      { counterparty: 'sbi', net: '50.00' },
    ]);
  });

  it('a participant not in the window’s netting has a position of zeros, no instruction and no bilateral rows', async () => {
    const idle = await position('idle', 'INR-1');
    assert.equal(idle.statusCode, 200, idle.body);
    assert.deepEqual(
      [idle.json()['position'], idle.json()['instruction'], idle.json()['bilateral']],
      [{ participant: 'idle', debits: '0.00', credits: '0.00', net: '0.00' }, null, []],
    );
  });

  it('staff read any participant’s; a foreign participant’s is 404 exactly as a missing one; unknown windows are 404', async () => {
    const operator = await position('sbi', 'INR-1', api.operatorKey);
    assert.equal(operator.statusCode, 200);
    assert.deepEqual(operator.json(), (await position('sbi', 'INR-1')).json());
    const foreign = await position('sbi', 'INR-1', keys['bob']);
    const missing = await position('nobody', 'INR-1', keys['bob']);
    const missingForStaff = await position('nobody', 'INR-1', api.operatorKey);
    for (const response of [foreign, missing, missingForStaff])
      assert.deepEqual(
        [response.statusCode, response.json()['code']],
        [404, 'participant_not_found'],
        response.body,
      );
    assert.equal(
      foreign.json()['detail'].replace('sbi', '<id>'),
      missing.json()['detail'].replace('nobody', '<id>'),
    );
    for (const window of ['INR-9', 'RUB-2']) {
      const unknown = await position('sbi', window);
      assert.deepEqual(
        [unknown.statusCode, unknown.json()['code']],
        [404, 'window_not_found'],
        `${window}: ${unknown.body}`,
      );
    }
    assert.equal((await position('sbi', 'INR-x')).statusCode, 400, 'a malformed window id');
  });

  it('reads write no audit entry, and a settled window still shows the position', async () => {
    const before = (await api.store.auditEntries({ limit: 100_000 })).length;
    assert.equal((await position('sbi', 'INR-1')).statusCode, 200);
    assert.equal((await api.store.auditEntries({ limit: 100_000 })).length, before);
    assert.equal(
      (await api.call({ method: 'POST', url: '/v1/windows/INR-1/settle' })).statusCode,
      200,
    );
    const settled = (await position('sbi', 'INR-1')).json();
    assert.equal(settled['window']['status'], 'settled');
    assert.equal(settled['position']['net'], '-230.00');
  });
});
