import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  accountBody,
  assertVerified,
  createAccounts,
  openTestApi,
  transferBody,
  withKey,
  type TestApi,
} from './api.test-helper.js';

/**
 * Bad input of every kind: each request must get a 4xx problem document, the server must keep
 * answering, and nothing may be written (the counts stay, the verifier passes).
 */
describe('API fuzz: malformed input changes nothing', () => {
  let api: TestApi;
  let from: string;
  let to: string;
  before(async () => {
    api = await openTestApi({ bodyBytesMax: 16 * 1024, rateLimitPerSecond: 0 });
    [from, to] = (await createAccounts(api, accountBody(), accountBody())) as [string, string];
  });
  after(async () => api.close());

  async function assertRefused(
    url: string,
    payload: string | Buffer,
    contentType = 'application/json',
  ): Promise<void> {
    const response = await api.app.inject(
      withKey(
        { method: 'POST', url, headers: { 'content-type': contentType }, payload },
        api.operatorKey,
      ),
    );
    assert.ok(
      response.statusCode >= 400 && response.statusCode < 500,
      `${url} ${String(payload).slice(0, 200)} → ${response.statusCode} ${response.body}`,
    );
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    const problem = response.json();
    assert.equal(problem['status'], response.statusCode);
    assert.equal(typeof problem['detail'], 'string');
  }

  const badValue = fc.oneof(
    fc.constantFrom(
      null,
      true,
      [],
      {},
      '',
      'NaN',
      '1e5',
      '-1.00',
      '1.001',
      '0x10',
      'Infinity',
      '１２.００',
    ),
    fc.double(),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((value) => value.toString()),
    fc.integer(),
    fc.string({ maxLength: 40 }),
  );
  const transferFields = [
    'id',
    'debitAccountId',
    'creditAccountId',
    'amount',
    'currency',
    'code',
    'pending',
    'timeoutSeconds',
    'userData64',
    'userData32',
  ];

  it('refuses a field of the wrong type or value, or an unknown field', async () => {
    const counts = await api.store.counts();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...transferFields, 'colour', '__proto__', 'constructor'),
        badValue,
        async (field, value) => {
          const body = { ...transferBody(from, to), [field]: value };
          // A value that happens to be valid for that field (the string "7" as a code is not) is skipped.
          if (field === 'pending' && typeof value === 'boolean') return;
          if (
            field === 'amount' &&
            typeof value === 'string' &&
            /^[1-9][0-9]{0,15}(\.[0-9]{1,2})?$/.test(value)
          )
            return;
          const integer = typeof value === 'number' && Number.isInteger(value) ? value : undefined;
          if (field === 'code' && integer !== undefined && integer >= 1 && integer <= 65_535)
            return;
          if (
            field === 'userData32' &&
            integer !== undefined &&
            integer >= 0 &&
            integer <= 2 ** 32 - 1
          )
            return;
          // A timeout on a plain transfer is refused by the ledger (422, nothing written); 0 is valid.
          if (field === 'timeoutSeconds' && integer === 0) return;
          if (
            field === 'userData64' &&
            typeof value === 'string' &&
            /^(0|[1-9][0-9]{0,18})$/.test(value) &&
            BigInt(value) < 2n ** 63n
          )
            return;
          await assertRefused('/v1/transfers', JSON.stringify(body));
        },
      ),
      { numRuns: 300 },
    );
    assert.deepEqual(await api.store.counts(), counts);
  });

  it('refuses malformed JSON, invalid UTF-8, wrong media types and oversized bodies', async () => {
    const counts = await api.store.counts();
    const valid = JSON.stringify(transferBody(from, to));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: valid.length - 1 }),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        async (cut, noise) => {
          await assertRefused('/v1/transfers', valid.slice(0, cut));
          await assertRefused(
            '/v1/transfers/batch',
            Buffer.concat([
              Buffer.from(valid.slice(0, cut)),
              Buffer.from([0xc3, 0x28]),
              Buffer.from(noise),
            ]),
          );
        },
      ),
      { numRuns: 100 },
    );
    await assertRefused('/v1/transfers', `{"transfers": [${'1,'.repeat(10_000)}1]}`);
    await assertRefused('/v1/transfers', valid, 'text/plain');
    await assertRefused('/v1/transfers', '');
    await assertRefused(
      '/v1/accounts/batch',
      JSON.stringify({
        accounts: Array.from({ length: 200 }, () => accountBody({ reference: 'r'.repeat(60) })),
      }),
    );
    await assertRefused(
      '/v1/transfers/batch',
      JSON.stringify({
        transfers: [transferBody(from, to), { ...transferBody(from, to), amount: 5 }],
      }),
    );
    assert.deepEqual(await api.store.counts(), counts);
  });

  it('still serves and verifies after all of it', async () => {
    assert.equal((await api.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal(
      (
        await api.app.inject(
          withKey(
            { method: 'POST', url: '/v1/transfers', payload: transferBody(from, to) },
            api.operatorKey,
          ),
        )
      ).statusCode,
      201,
    );
    await assertVerified(api.store);
  });
});
