import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import pg from 'pg';
import { verifyLedger } from '../../ledger/verify.js';
import { accountId, accountInput, LedgerFixture, transferInput } from '../conformance/fixtures.js';
import type { LedgerStore, WriteTransaction } from '../store.js';
import { SchemaTooNewError } from '../store.js';
import { parsePostgresUrl } from './connection.js';
import { migrate, POSTGRES_MIGRATIONS } from './migrations.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import { PostgresStore } from './postgres-store.js';
import { postgresTests } from './test-database.js';
import { PostgresConnectionError } from './write-transaction.js';

async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const target = parsePostgresUrl(url);
  const client = new pg.Client({
    connectionString: target.connectionString,
    options: `-c search_path=${target.schema}`,
  });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Ends, from another connection, the session that holds this schema's write lock. */
async function terminateWriter(url: string): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_locks
        WHERE relation = 'ledger_head'::regclass AND mode = 'RowShareLock' AND granted AND pid <> pg_backend_pid()`,
    );
    assert.deepEqual(
      rows.map((row) => row.ended),
      [true],
      'exactly one writer session was ended',
    );
  });
}

/** The store, with a hook that runs after the batch has loaded its accounts (and so holds its locks). */
function withHookAfterLoad(store: LedgerStore, hook: () => Promise<void>): LedgerStore {
  const write = <T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> =>
    store.write((transaction) => {
      const hooked: WriteTransaction = {
        lastJournalEntry: () => transaction.lastJournalEntry(),
        loadAccounts: async (ids) => {
          const accounts = await transaction.loadAccounts(ids);
          await hook();
          return accounts;
        },
        loadTransfers: (ids) => transaction.loadTransfers(ids),
        duePendingTransfers: (nowNs, limit) => transaction.duePendingTransfers(nowNs, limit),
        insertAccounts: (accounts) => transaction.insertAccounts(accounts),
        insertTransfers: (transfers) => transaction.insertTransfers(transfers),
        updateBalances: (accounts) => transaction.updateBalances(accounts),
        resolvePending: (resolutions) => transaction.resolvePending(resolutions),
        appendJournal: (entry) => transaction.appendJournal(entry),
        getRecords: (collection, keys) => transaction.getRecords(collection, keys),
        putRecords: (puts, updatedAt) => transaction.putRecords(puts, updatedAt),
        appendAudit: (entries) => transaction.appendAudit(entries),
        addTallies: (tallies) => transaction.addTallies(tallies),
        addFlows: (rows, replace) => transaction.addFlows(rows, replace),
        appendEvents: (events) => transaction.appendEvents(events),
        appendTransferEvents: (events) => transaction.appendTransferEvents(events),
      };
      return work(hooked);
    });
  return Object.assign(Object.create(store) as LedgerStore, { write });
}

await postgresTests('postgres faults and migrations', (schemas) => {
  it('a connection lost mid-batch fails that batch with a clear error, writes nothing, and the store goes on', async () => {
    const url = schemas.next();
    const store = await PostgresStore.open({ url, poolMax: 2 });
    try {
      const setup = new LedgerFixture(store);
      const [a, b] = await setup.openAccounts({}, {});
      assert.deepEqual(
        await setup.transfers([
          transferInput({ debitAccountId: a, creditAccountId: b, amount: 5n }),
        ]),
        ['ok'],
      );
      const before = await store.counts();
      let armed = true;
      const fixture = new LedgerFixture(
        withHookAfterLoad(store, async () => {
          if (armed) await terminateWriter(url);
          armed = false;
        }),
      );
      const batch = Array.from({ length: 50 }, () =>
        transferInput({ debitAccountId: a, creditAccountId: b, amount: 7n }),
      );
      await assert.rejects(fixture.ledger.createTransfers(batch), (error: unknown) => {
        assert.ok(error instanceof PostgresConnectionError);
        assert.equal(error.outcome, 'not_written');
        assert.match(
          error.message,
          /lost the connection to PostgreSQL during the batch .*nothing of it was written/,
        );
        return true;
      });
      assert.deepEqual(await store.counts(), before, 'nothing of the failed batch was written');
      assert.deepEqual(
        await fixture.transfers(batch),
        batch.map(() => 'ok'),
        'the same batch goes through on a new connection',
      );
      assert.deepEqual(await fixture.balances(a), {
        debitsPending: 0n,
        debitsPosted: 355n,
        creditsPending: 0n,
        creditsPosted: 0n,
      });
      assert.deepEqual((await verifyLedger(store)).problems, []);
    } finally {
      await store.close();
    }
  });

  it('an unreachable server is refused at open with a message that says so', async () => {
    await assert.rejects(
      PostgresStore.open({
        url: 'postgres://postgres@127.0.0.1:1/postgres',
        connectTimeoutMs: 2000,
      }),
      /cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres/,
    );
  });

  it('a schema behind the code is migrated at open; one ahead is refused', async () => {
    const url = schemas.next();
    const target = parsePostgresUrl(url);
    const extra = {
      version: POSTGRES_MIGRATIONS.length + 1,
      name: 'test extra',
      sql: 'CREATE TABLE migrated_later (id int4)',
    };
    await withClient(url, async (client) => {
      const pool = { query: client.query.bind(client) } as unknown as pg.PoolClient;
      await migrate(pool, target.schema);
      await migrate(pool, target.schema, [...POSTGRES_MIGRATIONS, extra]);
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        rows.map((row) => row.version),
        [...POSTGRES_MIGRATIONS.map((migration) => migration.version), extra.version],
      );
    });
    await assert.rejects(PostgresStore.open({ url }), (error: unknown) => {
      assert.ok(error instanceof SchemaTooNewError);
      assert.match(error.message, /newer than this vostro knows/);
      return true;
    });
  });

  it('several stores may open a new schema at once: one migrates, the others wait and find it done', async () => {
    const url = schemas.next();
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => PostgresStore.open({ url, poolMax: 1 })),
    );
    await Promise.all(stores.map((store) => store.close()));
    const versions = await withClient(
      url,
      async (client) => (await client.query('SELECT version FROM schema_migrations')).rowCount,
    );
    assert.equal(versions, POSTGRES_MIGRATIONS.length);
  });

  it('transfers, the journal and events are append-only; balances may not break their limit even by hand', async () => {
    const url = schemas.next();
    const store = await PostgresStore.open({ url });
    try {
      const fixture = new LedgerFixture(store);
      const [a, b] = await fixture.openAccounts({}, { flags: 2 });
      assert.deepEqual(
        await fixture.transfers([transferInput({ debitAccountId: a, creditAccountId: b })]),
        ['ok'],
      );
    } finally {
      await store.close();
    }
    await withClient(url, async (client) => {
      await assert.rejects(
        client.query('UPDATE transfers SET amount = 1'),
        /transfers is append-only/,
      );
      await assert.rejects(client.query('DELETE FROM journal'), /journal is append-only/);
      await assert.rejects(client.query('TRUNCATE transfers'), /transfers is append-only/);
      await assert.rejects(client.query("UPDATE events SET type = 'x'"), /events is append-only/);
      await assert.rejects(client.query('DELETE FROM events'), /events is append-only/);
      await assert.rejects(
        client.query('DELETE FROM event_parties'),
        /event_parties is append-only/,
      );
      await assert.rejects(client.query('TRUNCATE event_parties'), /event_parties is append-only/);
      await assert.rejects(
        client.query('UPDATE accounts SET debits_posted = credits_posted + 1 WHERE flags = 2'),
        /check constraint/,
      );
    });
  });

  it('int8 round-trips as bigint; ids come back in canonical lower case', async () => {
    const store = await PostgresStore.open({ url: schemas.next() });
    try {
      const fixture = new LedgerFixture(store);
      const upper = accountInput({ userData64: (1n << 63n) - 1n });
      assert.deepEqual(await fixture.accounts([upper]), ['ok']);
      const [stored] = await store.getAccounts([upper.id]);
      assert.ok(stored !== undefined, 'the account was stored');
      assert.equal(stored.userData64, (1n << 63n) - 1n);
      assert.equal(stored.id, upper.id.toLowerCase());
      assert.equal(typeof stored.timestamp, 'bigint');
    } finally {
      await store.close();
    }
  });

  it('account history pages newest first with the same cursor semantics as the SQLite store', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'vostro-history-'));
    const stores: LedgerStore[] = [
      await PostgresStore.open({ url: schemas.next() }),
      new SqliteStore({ path: join(directory, 'history.db') }),
    ];
    try {
      const pages: string[][][] = [];
      for (const store of stores) {
        const fixture = new LedgerFixture(store);
        const ids = [
          accountId('01950000-0000-7000-8000-00000000000a'),
          accountId('01950000-0000-7000-8000-00000000000b'),
          accountId('01950000-0000-7000-8000-00000000000c'),
        ] as const;
        await fixture.accounts(ids.map((id) => accountInput({ id })));
        const [a, b, c] = ids;
        for (let round = 0; round < 4; round += 1) {
          await fixture.transfers([
            transferInput({ debitAccountId: a, creditAccountId: b, amount: BigInt(round + 1) }),
            transferInput({ debitAccountId: c, creditAccountId: a, amount: 9n }),
            transferInput({ debitAccountId: b, creditAccountId: c }),
          ]);
        }
        const walk: string[][] = [];
        let before: bigint | undefined;
        for (;;) {
          const page = await store.listAccountTransfers({
            accountId: a,
            limit: 3,
            ...(before === undefined ? {} : { beforeTimestamp: before }),
          });
          if (page.length === 0) break;
          walk.push(
            page.map(
              (transfer) =>
                `${transfer.debitAccountId.slice(-1)}>${transfer.creditAccountId.slice(-1)} ${transfer.amount}`,
            ),
          );
          before = page.at(-1)?.timestamp;
        }
        const middle = await store.listAccountTransfers({
          accountId: a,
          limit: 2,
          beforeTimestamp:
            ((await store.listAccountTransfers({ accountId: a, limit: 1 }))[0]?.timestamp ?? 0n) -
            1n,
        });
        walk.push(
          middle.map(
            (transfer) =>
              `${transfer.debitAccountId.slice(-1)}>${transfer.creditAccountId.slice(-1)} ${transfer.amount}`,
          ),
        );
        pages.push(walk);
      }
      assert.deepEqual(pages[0], pages[1]);
      assert.deepEqual(
        pages[0]?.slice(0, 3).flat().length,
        8,
        "all eight of the account's transfers, in pages of three",
      );
    } finally {
      for (const store of stores) await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
