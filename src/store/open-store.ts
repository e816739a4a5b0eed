import { isPostgresUrl, maskPassword } from './postgres/connection.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { LedgerStore } from './store.js';

export { isPostgresUrl, maskPassword };

/**
 * Opens the store a target names: a postgres:// (or postgresql://) URL opens the PostgreSQL store
 * (`?schema=name` picks the schema, default public; a schema that is behind is migrated, one that
 * is ahead is refused with SchemaTooNewError); anything else is the path of a SQLite file.
 */
export async function openStore(target: string): Promise<LedgerStore> {
  if (isPostgresUrl(target)) return PostgresStore.open({ url: target });
  return new SqliteStore({ path: target });
}
