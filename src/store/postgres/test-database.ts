import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import pg from 'pg';
import { parsePostgresUrl } from './connection.js';

/**
 * Test support for the PostgreSQL store. Every test run works in schemas of its own
 * (`vostro_test_<random>`), so runs can repeat and run beside each other on one server; they are
 * dropped when the test file ends.
 */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function testDatabaseUrl(env: NodeJS.ProcessEnv): string {
  return env.VOSTRO_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
}

/** Undefined when the server answers, else why not. */
export async function unavailableReason(url: string): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: parsePostgresUrl(url).connectionString,
    connectionTimeoutMillis: 3000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The same server and database as `url`, in the given schema. */
export function urlWithSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/** Hands out fresh schema names and drops every schema it handed out. */
export class TestSchemas {
  private readonly created: string[] = [];

  constructor(private readonly url: string) {}

  /** A URL naming a new, not yet existing schema; the store creates it when it opens. */
  next(): string {
    const schema = `vostro_test_${randomBytes(6).toString('hex')}`;
    this.created.push(schema);
    return urlWithSchema(this.url, schema);
  }

  async dropAll(): Promise<void> {
    if (this.created.length === 0) return;
    const client = new pg.Client({ connectionString: parsePostgresUrl(this.url).connectionString });
    await client.connect();
    try {
      for (const schema of this.created.splice(0))
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Registers the PostgreSQL tests of a file, or, when no server answers, a skipped test and a loud
 * warning; with CI=true an unreachable server is a failing test instead. `register` gets a source
 * of fresh schemas, dropped after the file's tests.
 */
export async function postgresTests(
  name: string,
  register: (schemas: TestSchemas, url: string) => void,
): Promise<void> {
  const url = testDatabaseUrl(process.env);
  const reason = await unavailableReason(url);
  if (reason !== undefined) {
    const message = `PostgreSQL at ${parsePostgresUrl(url).description} is not reachable (${reason}): the ${name} tests did not run. Set VOSTRO_TEST_DATABASE_URL or start the server.`;
    if (process.env.CI === 'true') {
      it(`${name}: PostgreSQL must be reachable in CI`, () => assert.fail(message));
    } else {
      process.stderr.write(`\n${'!'.repeat(100)}\n!! ${message}\n${'!'.repeat(100)}\n\n`);
      it(`${name}: PostgreSQL tests`, { skip: message }, () => undefined);
    }
    return;
  }
  const schemas = new TestSchemas(url);
  after(() => schemas.dropAll());
  register(schemas, url);
}
