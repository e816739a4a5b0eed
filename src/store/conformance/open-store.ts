import { SqliteStore } from '../sqlite/sqlite-store.js';
import type { LedgerStore } from '../store.js';

/** Opens a store from a path (SQLite) or, once that store exists, a postgres:// URL. */
export async function openStoreForTests(target: string): Promise<LedgerStore> {
  if (/^postgres(ql)?:\/\//.test(target)) throw new Error('the PostgreSQL store is not built yet');
  return new SqliteStore({ path: target });
}
