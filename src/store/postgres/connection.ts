import pg from 'pg';

/** The PostgreSQL type id of int8 (bigint). */
const INT8_OID = 20;
/** What vostro accepts as a schema name: plain lower-case identifiers, so none ever needs quoting. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** The URL's parts, libpq style: `postgres://[userinfo@]host[:port][,host[:port]...][/database][?query]`. */
const URL_PARTS = /^(postgres(?:ql)?):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/;
/** One host of the list: a name or IPv4 address, or an IPv6 address in brackets, then an optional port. */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*)(?::([^:]*))?$/;

/**
 * What `target_session_attrs` may ask of a server vostro writes to. libpq also knows `read-only`,
 * `standby` and `prefer-standby`, which a writer cannot use.
 */
export type TargetSessionAttrs = 'any' | 'read-write' | 'primary';
const TARGET_SESSION_ATTRS: readonly TargetSessionAttrs[] = ['any', 'read-write', 'primary'];

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//.test(target);
}

/** One server of a (possibly multi-host) URL. */
export interface PostgresHost {
  /** `host:port` as written (IPv6 in brackets), for messages. */
  readonly address: string;
  /** A single-host connection string for pg, without vostro's own parameters. */
  readonly connectionString: string;
}

export interface PostgresTarget {
  /** The connection string of the first host as pg understands it, without vostro's own parameters. */
  readonly connectionString: string;
  /** Every host of the URL, in the order given (one for a plain URL). */
  readonly hosts: readonly PostgresHost[];
  /**
   * `any` takes the first host that accepts a connection; `read-write` and `primary` take the
   * first that is not a standby (`pg_is_in_recovery()` false and `transaction_read_only` off).
   * Default `any`, as libpq's, except that a URL with several hosts defaults to `read-write`:
   * vostro writes, and a standby would refuse every write.
   */
  readonly targetSessionAttrs: TargetSessionAttrs;
  /** The schema that holds the ledger's tables (`?schema=name` on the URL; default `public`). */
  readonly schema: string;
  /** The URL with any password masked, for logs and `vostro` output. */
  readonly description: string;
}

/** A database URL that cannot be used; the message says which part and why. */
export class PostgresUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresUrlError';
  }
}

/**
 * Reads a postgres:// URL. `?schema=name` picks the schema that holds the ledger (it is created
 * if missing), so several ledgers, or several test runs, can share one database. Several hosts,
 * libpq style (`postgres://h1:5433,h2:5434/db?target_session_attrs=read-write`), name a primary
 * and its standbys: vostro writes to whichever of them is the primary (see PostgresPool).
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  if (!isPostgresUrl(url))
    throw new PostgresUrlError(`not a postgres:// URL: ${maskPassword(url)}`);
  const parts = URL_PARTS.exec(url);
  if (parts === null)
    throw new PostgresUrlError(`unparsable postgres:// URL: ${maskPassword(url)}`);
  const [, scheme, userinfo, hostList = '', path = '', query = '', fragment] = parts;
  if (fragment !== undefined)
    throw new PostgresUrlError(`a postgres:// URL has no #fragment: ${maskPassword(url)}`);
  const hostTexts = hostList.split(',');
  if (hostTexts.length > 1 && hostTexts.some((text) => text === ''))
    throw new PostgresUrlError(
      `empty host in the host list "${hostList}" of ${maskPassword(url)}: write host:port,host:port`,
    );
  const params = new URLSearchParams(query.slice(1));
  const schema = params.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema))
    throw new PostgresUrlError(
      `schema "${schema}" in the database URL: use lower-case letters, digits and _ (at most 63)`,
    );
  const attrs = params.get('target_session_attrs') ?? (hostTexts.length > 1 ? 'read-write' : 'any');
  if (!(TARGET_SESSION_ATTRS as readonly string[]).includes(attrs))
    throw new PostgresUrlError(
      `target_session_attrs=${attrs} in the database URL: vostro writes, so use read-write (or primary, or any)`,
    );
  params.delete('schema');
  params.delete('target_session_attrs');
  const rest = params.size === 0 ? '' : `?${params.toString()}`;
  const seen = new Set<string>();
  const hosts = hostTexts.map((text, index): PostgresHost => {
    const where =
      hostTexts.length > 1
        ? `host ${index + 1} of ${hostTexts.length} ("${text}")`
        : `host "${text}"`;
    const match = HOST_PORT.exec(text);
    if (match === null)
      throw new PostgresUrlError(
        `${where} in the database URL: write host, host:port or [ipv6]:port`,
      );
    const [, host = '', port] = match;
    if (port !== undefined && !/^[0-9]{1,5}$/.test(port))
      throw new PostgresUrlError(`${where} in the database URL: port "${port}" is not a number`);
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
      throw new PostgresUrlError(
        `${where} in the database URL: port ${port} is not within 1-65535`,
      );
    const address = `${host}${port === undefined ? '' : `:${port}`}`;
    if (seen.has(address))
      throw new PostgresUrlError(`${where} in the database URL: ${address} is listed twice`);
    seen.add(address);
    const connectionString = `${scheme}://${userinfo === undefined ? '' : `${userinfo}@`}${address}${path}${rest}`;
    try {
      new URL(connectionString);
    } catch {
      throw new PostgresUrlError(`${where} in the database URL: not a valid host name`);
    }
    return { address, connectionString };
  });
  const first = hosts[0] as PostgresHost;
  return {
    connectionString: first.connectionString,
    hosts,
    targetSessionAttrs: attrs as TargetSessionAttrs,
    schema,
    description: maskPassword(url),
  };
}

/**
 * The URL fit to print: the password masked, whether it is in the user part
 * (`postgres://user:secret@host`) or a query parameter (`?password=`, `?sslpassword=`, any case).
 * A multi-host URL keeps its host list.
 */
export function maskPassword(url: string): string {
  const parts = URL_PARTS.exec(url);
  if (parts === null) return 'postgres://(unparsable URL)';
  const [, scheme, userinfo, hostList = '', path = '', query = ''] = parts;
  const user =
    userinfo === undefined
      ? ''
      : `${userinfo.includes(':') ? `${userinfo.slice(0, userinfo.indexOf(':'))}:***` : userinfo}@`;
  const params = new URLSearchParams(query.slice(1));
  for (const name of new Set(params.keys())) {
    if (/pass/i.test(name)) params.set(name, '***');
  }
  const rest = params.size === 0 ? '' : `?${params.toString()}`;
  return `${scheme}://${user}${hostList}${path}${rest}`;
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

/** The server accepted the connection but is a standby (or read-only): not the one to write to. */
export class NotWritableError extends Error {
  constructor(address: string) {
    super(`${address} is read-only (a standby in recovery, or default_transaction_read_only)`);
    this.name = 'NotWritableError';
  }
}

/** Every host of a multi-host URL refused a connection or was read-only (e.g. mid-failover). */
export class NoWritableServerError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'NoWritableServerError';
  }
}

/** Whether the server behind `client` can take writes: not in recovery, not read-only. */
async function isWritable(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ recovery: boolean; read_only: string }>(
    "SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS read_only",
  );
  return rows[0]?.recovery === false && rows[0].read_only === 'off';
}

/**
 * Which host of a multi-host URL new connections go to: the last one found writable (or, with
 * `target_session_attrs=any`, that accepted a connection). A host whose connection fails, or that
 * turns out to be a standby, is left for the next in the list (round robin), so after a failover
 * the promoted standby is found within one pass over the list.
 */
class HostRouter {
  private index = 0;
  /** Bumped whenever the current host changes: connections made before are not reused. */
  generation = 0;

  constructor(readonly hosts: readonly PostgresHost[]) {}

  get current(): PostgresHost {
    return this.hosts[this.index] as PostgresHost;
  }

  /** `host` failed: if it is still the current one, move on to the next. */
  leave(host: PostgresHost): void {
    if (this.current !== host || this.hosts.length === 1) return;
    this.index = (this.index + 1) % this.hosts.length;
    this.generation += 1;
  }
}

/** A pooled connection and the host (and router generation) it was made for. */
type RoutedClient = pg.PoolClient & { readonly route: PostgresHost; readonly generation: number };

/**
 * The store's connections: a pg.Pool whose new connections go to the router's current host and,
 * unless `target_session_attrs=any`, are checked to be writable before use. pg itself takes one
 * host; libpq's host lists and `target_session_attrs` are done here. A connection that fails (at
 * connect, or later with a connection error, see `failed`) makes the router try the next host,
 * and connections to a host the router has left are closed instead of reused.
 */
export class PostgresPool {
  private readonly router: HostRouter;
  private readonly pool: pg.Pool;

  constructor(
    readonly target: PostgresTarget,
    options: PoolOptions,
  ) {
    const router = new HostRouter(target.hosts);
    this.router = router;
    const check = target.targetSessionAttrs !== 'any';
    class Routed extends pg.Client {
      readonly route: PostgresHost;
      readonly generation: number;
      constructor(config?: pg.ClientConfig) {
        const route = router.current;
        super({ ...config, connectionString: route.connectionString });
        this.route = route;
        this.generation = router.generation;
      }
    }
    this.pool = new pg.Pool({
      Client: Routed,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'vostro',
      options: sessionOptions(target.schema, options.idleInTransactionTimeoutMs),
      types: bigintTypes,
      onConnect: async (client: pg.PoolClient) => {
        const route = (client as RoutedClient).route;
        if (check && !(await isWritable(client))) {
          router.leave(route);
          throw new NotWritableError(route.address);
        }
      },
    } as unknown as pg.PoolConfig);
    // An idle connection the server closed (restart, pg_terminate_backend, the primary died) is
    // dropped by the pool; without a listener the error would end the process.
    this.pool.on('error', (_error, client) => router.leave((client as RoutedClient).route));
  }

  /** The single-host connection string of the host new connections go to now. */
  get currentConnectionString(): string {
    return this.router.current.connectionString;
  }

  /**
   * A connection to a writable host (or, with `target_session_attrs=any`, to any host that
   * answers), trying each host of the list at most once per call, starting with the current one.
   */
  async connect(): Promise<pg.PoolClient> {
    let lastError: unknown;
    const failures: string[] = [];
    for (let tries = 0; tries < this.router.hosts.length;) {
      const host = this.router.current;
      let client: RoutedClient;
      try {
        client = (await this.pool.connect()) as RoutedClient;
      } catch (error) {
        if (!(error instanceof NotWritableError) && !isConnectionError(error)) throw error;
        this.router.leave(host);
        lastError = error;
        failures.push(`${host.address}: ${error instanceof Error ? error.message : String(error)}`);
        tries += 1;
        continue;
      }
      // Made for a host the router has since left (it failed, or a failover happened): close it.
      if (client.generation !== this.router.generation) {
        client.release(true);
        continue;
      }
      return client;
    }
    if (this.router.hosts.length === 1) throw lastError;
    throw new NoWritableServerError(
      `no writable PostgreSQL server among the ${this.router.hosts.length} hosts of the URL (${failures.join('; ')})`,
      { cause: lastError },
    );
  }

  /** Reports that `client` broke with a connection error: new connections try the next host. */
  failed(client: pg.PoolClient): void {
    this.router.leave((client as RoutedClient).route);
  }

  /** One statement on a pooled connection (for reads); a broken connection is closed, not reused. */
  async query<Row extends pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<Row>> {
    const client = await this.connect();
    const onError = (): void => undefined;
    client.on('error', onError);
    try {
      const result = await client.query<Row>(text, values);
      client.removeListener('error', onError);
      client.release();
      return result;
    } catch (error) {
      client.removeListener('error', onError);
      const broken = isConnectionError(error);
      if (broken) this.failed(client);
      client.release(broken);
      throw error;
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

export function createPool(target: PostgresTarget, options: PoolOptions): PostgresPool {
  return new PostgresPool(target, options);
}

function sessionOptions(schema: string, idleInTransactionTimeoutMs: number): string {
  return `-c search_path=${schema} -c idle_in_transaction_session_timeout=${idleInTransactionTimeoutMs}`;
}

/**
 * One connection of its own, outside the pool, with the pool's settings (schema, int8 as bigint):
 * for the verifier's snapshot (snapshot.ts), which holds one transaction for as long as it reads.
 * `target.connectionString` names one host (the store passes the one it writes to now).
 */
export function createClient(
  target: Pick<PostgresTarget, 'connectionString' | 'schema'>,
  options: Omit<PoolOptions, 'poolMax'> & { readonly applicationName: string },
): pg.Client {
  const client = new pg.Client({
    connectionString: target.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: options.applicationName,
    options: sessionOptions(target.schema, options.idleInTransactionTimeoutMs),
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
  if (error instanceof NotWritableError || error instanceof NoWritableServerError) return true;
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    // 08: connection exception; 57P01-57P05: the server is shutting down or ended this session;
    // 25P03: the session sat idle inside a transaction for too long and was ended; 25006: the
    // server is read-only (a standby, or a primary demoted under this session): not one to write to.
    return code.startsWith('08') || code.startsWith('57P') || code === '25P03' || code === '25006';
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
