import { isPostgresUrl } from '../postgres/connection.js';
import { PostgresStore } from '../postgres/postgres-store.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import type { LedgerStore } from '../store.js';

/**
 * Opens a store from a path (SQLite) or a postgres:// URL (with `?schema=` naming the test's schema).
 * `flushIntervalMs` makes SQLite write its balance columns often, so that a crash lands between
 * flushes as well as before the first one; PostgreSQL writes balances with every batch.
 */
export async function openStoreForTests(
  target: string,
  options: { flushIntervalMs?: number } = {},
): Promise<LedgerStore> {
  if (isPostgresUrl(target)) {
    const store = await PostgresStore.open({ url: target, poolMax: 2 });
    // A writer killed just after sending COMMIT may still be committing on the server. An empty
    // write transaction waits for the ledger's write lock, so what is read next is settled.
    await store.write(async () => undefined);
    return store;
  }
  return new SqliteStore({ path: target, ...options });
}
