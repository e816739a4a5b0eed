import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { newTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { verifyLedger } from '../ledger/verify.js';
import { participantAccountId } from '../participants/accounts.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LedgerStore } from '../store/store.js';
import type { JsonBody } from './api.test-helper.js';
import { buildServer } from './server.js';

/**
 * The contention and hostile-input test of the whole hub over real HTTP on 127.0.0.1: honest banks
 * stream payments and the operator streams transfers while a hostile participant sends the same
 * payment many times at once, NUL characters and lone surrogates, oversized and malformed bodies,
 * and an auditor calls verify. Every honest request must succeed, everything acknowledged must be
 * stored, and the ledger must verify at the end. Run on both stores.
 */
async function hostileDay(store: LedgerStore): Promise<void> {
  const ledger = new Ledger(store);
  const keys = new ApiKeys(ledger);
  const participants = new ParticipantRegistry(ledger);
  const app = await buildServer({
    ledger,
    store,
    keys,
    participants,
    limits: { bodyBytesMax: 64 * 1024, rateLimitPerSecond: 0 },
  });
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const operator = (await keys.issue({ role: 'operator', label: 'ops' }, CLI_ACTOR)).key;
    const auditor = (await keys.issue({ role: 'auditor', label: 'audit' }, CLI_ACTOR)).key;
    const send = async (
      method: string,
      path: string,
      key: string,
      body?: unknown,
      raw?: { body: string | Uint8Array; type: string },
    ) => {
      const response = await fetch(`${address}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined && raw === undefined
            ? {}
            : { 'content-type': raw?.type ?? 'application/json' }),
        },
        ...(body === undefined && raw === undefined
          ? {}
          : { body: raw?.body ?? JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, text };
    };
    const ok = async (method: string, path: string, key: string, body?: unknown) => {
      const response = await send(method, path, key, body);
      assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${response.text}`);
      return JSON.parse(response.text) as JsonBody;
    };

    await participants.ensureHub(['INR'], CLI_ACTOR);
    const banks = ['sbi', 'bob', 'evil'];
    for (const id of banks) {
      await ok('POST', '/v1/participants', operator, {
        id,
        name: id.toUpperCase(),
        kind: 'bank',
        country: 'IN',
        currencies: ['INR'],
      });
      await ok('POST', '/v1/payments/fund', operator, {
        id: newTransferId(),
        account: participantAccountId(id, 'INR', 'settlement'),
        amount: '1000000.00',
      });
      await ok('PUT', `/v1/participants/${id}/caps/INR`, operator, { cap: '1000000.00' });
    }
    const bankKey = new Map<string, string>();
    for (const id of banks)
      bankKey.set(
        id,
        (await ok('POST', `/v1/participants/${id}/keys`, operator, { label: 'test' }))[
          'key'
        ] as string,
      );
    const account = (id: string) => participantAccountId(id, 'INR', 'settlement');

    // Honest: two banks pay each other, one payment after another, four streams each; the operator streams raw transfers.
    const acknowledged: string[] = [];
    const honestFailures: string[] = [];
    const honestPayments = ['sbi', 'bob'].flatMap((payer) =>
      Array.from({ length: 4 }, async () => {
        for (let index = 0; index < 15; index += 1) {
          const id = newTransferId();
          const response = await send('POST', '/v1/payments', bankKey.get(payer) as string, {
            id,
            payer: account(payer),
            payee: account(payer === 'sbi' ? 'bob' : 'sbi'),
            amount: '1.00',
            reference: `honest ${index}`,
          });
          if (response.status === 201) acknowledged.push(id);
          else honestFailures.push(`payment ${response.status} ${response.text}`);
        }
      }),
    );
    const honestTransfers = Array.from({ length: 4 }, async () => {
      for (let index = 0; index < 15; index += 1) {
        const id = newTransferId();
        const response = await send('POST', '/v1/transfers', operator, {
          id,
          debitAccountId: account('sbi'),
          creditAccountId: account('bob'),
          amount: '0.01',
          currency: 'INR',
          code: 1,
        });
        if (response.status === 201) acknowledged.push(id);
        else honestFailures.push(`transfer ${response.status} ${response.text}`);
      }
    });

    // Hostile: everything at once, several rounds.
    const evil = bankKey.get('evil') as string;
    const hostileAnswers: { what: string; status: number; text: string }[] = [];
    const hostile = (async () => {
      for (let round = 0; round < 4; round += 1) {
        const duplicate = {
          id: newTransferId(),
          payer: account('evil'),
          payee: account('sbi'),
          amount: '2.00',
        };
        const attempts: Promise<void>[] = [];
        for (let copy = 0; copy < 20; copy += 1)
          attempts.push(
            send('POST', '/v1/payments', evil, duplicate).then(
              (response) => void hostileAnswers.push({ what: `duplicate ${round}`, ...response }),
            ),
          );
        const nulReference = JSON.stringify({
          id: newTransferId(),
          payer: account('evil'),
          payee: account('sbi'),
          amount: '1.00',
          reference: 'x\u0000y',
        });
        attempts.push(
          send('POST', '/v1/payments', evil, undefined, {
            body: nulReference,
            type: 'application/json',
          }).then((response) => void hostileAnswers.push({ what: 'nul', ...response })),
        );
        // A lone surrogate, escaped in the JSON text (valid UTF-8 on the wire, not valid Unicode once decoded).
        const surrogate = `{"id":"${newTransferId()}","payer":"${account('evil')}","payee":"${account('sbi')}","amount":"1.00","reference":"\\ud800"}`;
        attempts.push(
          send('POST', '/v1/payments', evil, undefined, {
            body: surrogate,
            type: 'application/json',
          }).then((response) => void hostileAnswers.push({ what: 'surrogate', ...response })),
        );
        attempts.push(
          send('POST', '/v1/payments', evil, undefined, {
            body: `{"id":"${'a'.repeat(100 * 1024)}"}`,
            type: 'application/json',
          }).then((response) => void hostileAnswers.push({ what: 'oversized', ...response })),
        );
        attempts.push(
          send('POST', '/v1/payments', evil, undefined, {
            body: '{"id": "x", "payer":',
            type: 'application/json',
          }).then((response) => void hostileAnswers.push({ what: 'malformed', ...response })),
        );
        attempts.push(
          send('POST', '/v1/payments', evil, undefined, {
            body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
            type: 'application/json',
          }).then((response) => void hostileAnswers.push({ what: 'invalid utf-8', ...response })),
        );
        attempts.push(
          send('GET', '/v1/verify', auditor).then(
            (response) => void hostileAnswers.push({ what: 'verify', ...response }),
          ),
        );
        await Promise.all(attempts);
      }
    })();
    await Promise.all([...honestPayments, ...honestTransfers, hostile]);

    assert.deepEqual(honestFailures, [], 'every honest request succeeds');
    assert.equal(acknowledged.length, 2 * 4 * 15 + 4 * 15);
    for (let round = 0; round < 4; round += 1) {
      const statuses = hostileAnswers
        .filter((answer) => answer.what === `duplicate ${round}`)
        .map((answer) => answer.status)
        .sort();
      assert.deepEqual(
        statuses,
        [...Array(19).fill(200), 201].sort(),
        `the same payment 20 times: one 201 and 19 answers that it exists (${statuses.join(', ')})`,
      );
    }
    const refusals = (what: string) => [
      ...new Set(
        hostileAnswers.filter((answer) => answer.what === what).map((answer) => answer.status),
      ),
    ];
    assert.deepEqual(refusals('nul'), [400]);
    assert.deepEqual(refusals('surrogate'), [400]);
    assert.deepEqual(refusals('oversized'), [413]);
    assert.deepEqual(refusals('malformed'), [400]);
    assert.deepEqual(refusals('invalid utf-8'), [400]);
    assert.ok(
      refusals('verify').every((status) => status === 200 || status === 202 || status === 429),
      `verify answered ${refusals('verify').join(', ')}`,
    );

    // Nothing acknowledged is lost: every id is stored, once.
    const stored = await ledger.lookupTransfers(acknowledged as never[]);
    assert.equal(new Set(stored.map((transfer) => transfer.id)).size, acknowledged.length);
  } finally {
    await app.close();
  }
  assert.deepEqual((await verifyLedger(store)).problems, []);
}

describe('hostile and honest clients at once', () => {
  it('on SQLite: every honest request succeeds, nothing acknowledged is lost, the ledger verifies', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'vostro-contention-'));
    const store = new SqliteStore({ path: join(directory, 'hub.db') });
    try {
      await hostileDay(store);
    } finally {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

await postgresTests('hostile and honest clients at once (PostgreSQL)', (schemas) => {
  it('on PostgreSQL: every honest request succeeds, nothing acknowledged is lost, the ledger verifies', async () => {
    const store = await PostgresStore.open({ url: schemas.next(), poolMax: 4 });
    try {
      await hostileDay(store);
    } finally {
      await store.close();
    }
  });
});
