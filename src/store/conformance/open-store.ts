import { SqliteStore } from '../sqlite/sqlite-store.js';
import type { LedgerStore } from '../store.js';

/**
 * Opens a store from a path (SQLite) or, once that store exists, a postgres:// URL.
 * `flushIntervalMs` makes SQLite write its balance columns often, so that a crash lands between
 * flushes as well as before the first one.
 */
export async function openStoreForTests(target: string, options: { flushIntervalMs?: number } = {}): Promise<LedgerStore> {
  if (/^postgres(ql)?:\/\//.test(target)) throw new Error('the PostgreSQL store is not built yet');
  return new SqliteStore({ path: target, ...options });
}
