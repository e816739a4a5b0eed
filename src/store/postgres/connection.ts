import pg from 'pg';

/** The PostgreSQL type id of int8 (bigint). */
const INT8_OID = 20;
/** What vostro accepts as a schema name: plain lower-case identifiers, so none ever needs quoting. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//.test(target);
}

export interface PostgresTarget {
  /** The connection string as pg understands it, without vostro's own `schema` parameter. */
  readonly connectionString: string;
  /** The schema that holds the ledger's tables (`?schema=name` on the URL; default `public`). */
  readonly schema: string;
  /** The URL with any password masked, for logs and `vostro` output. */
  readonly description: string;
}

/**
 * Reads a postgres:// URL. `?schema=name` picks the schema that holds the ledger (it is created
 * if missing), so several ledgers, or several test runs, can share one database.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  if (!isPostgresUrl(url)) throw new Error(`not a postgres:// URL: ${maskPassword(url)}`);
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema))
    throw new Error(
      `schema "${schema}" in the database URL: use lower-case letters, digits and _ (at most 63)`,
    );
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema, description: maskPassword(url) };
}

/**
 * The URL fit to print: the password masked, whether it is in the user part
 * (`postgres://user:secret@host`) or a query parameter (`?password=`, `?sslpassword=`, any case).
 */
export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    for (const name of new Set(parsed.searchParams.keys())) {
      if (/pass/i.test(name)) parsed.searchParams.set(name, '***');
    }
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * int8 comes back as bigint (amounts, balances, timestamps), never as a lossy number or a
 * string; every other type keeps pg's default parser. Set per pool, not globally, so no other
 * user of pg in the process is affected.
 */
const bigintTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') return (text: string) => BigInt(text);
    return pg.types.getTypeParser(oid, format) as (text: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PoolOptions {
  readonly poolMax: number;
  readonly connectTimeoutMs: number;
  /** A session that holds the ledger's write lock and then stalls is ended after this long. */
  readonly idleInTransactionTimeoutMs: number;
}

export function createPool(target: PostgresTarget, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: 'vostro',
    options: `-c search_path=${target.schema} -c idle_in_transaction_session_timeout=${options.idleInTransactionTimeoutMs}`,
    types: bigintTypes,
  });
  // An idle connection the server closed (restart, pg_terminate_backend) is dropped by the pool;
  // without a listener the error would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * One connection of its own, outside the pool, with the pool's settings (schema, int8 as bigint):
 * for the verifier's snapshot (snapshot.ts), which holds one transaction for as long as it reads.
 */
export function createClient(
  target: PostgresTarget,
  options: Omit<PoolOptions, 'poolMax'> & { readonly applicationName: string },
): pg.Client {
  const client = new pg.Client({
    connectionString: target.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: options.applicationName,
    options: `-c search_path=${target.schema} -c idle_in_transaction_session_timeout=${options.idleInTransactionTimeoutMs}`,
    types: bigintTypes,
  });
  client.on('error', () => undefined);
  return client;
}

/**
 * True for an error that means the connection is gone or unusable (the server ended it, the
 * socket closed, it could not be opened), as opposed to an SQL error inside a working session.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    // 08: connection exception; 57P01-57P05: the server is shutting down or ended this session;
    // 25P03: the session sat idle inside a transaction for too long and was ended.
    return code.startsWith('08') || code.startsWith('57P') || code === '25P03';
  }
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && /^E[A-Z]+$/.test(code)) return true; // ECONNRESET, ECONNREFUSED, EPIPE, ...
  return /connection|terminated|not queryable|timeout exceeded when trying to connect/i.test(
    error.message,
  );
}

/** The SQLSTATE of a server error, or undefined. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

export function constraintOf(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.constraint : undefined;
}
