/**
 * `npm run bench:postgres`: the ledger on PostgreSQL against pgbench's TPC-B on the same server,
 * in the same run. vostro's workload has the shape of the SQLite benchmark (10,000 accounts,
 * batches of 8,190, and single transfers from 64 callers through group commit), each scenario in
 * a fresh schema that is dropped afterwards; pgbench runs in a database of its own, also dropped.
 *
 *   npm run bench:postgres -- [--db postgres://...] [--transfers 491400] [--single 100000]
 *                             [--pgbench-seconds 20] [--no-pgbench] [--json]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parsePostgresUrl } from '../store/postgres/connection.js';
import { urlWithSchema } from '../store/postgres/test-database.js';
import { benchOptions, integerOption, parseBenchArgs, UsageError } from './options.js';
import {
  runPostgresWorkload,
  type PostgresScenario,
  type PostgresWorkloadResult,
} from './postgres-workload.js';

const TARGET_RATIO = 8;
const AIM_RATIO = 15;
const TARGET_SINGLE_PER_SECOND = 5_000;

interface PgbenchResult {
  readonly tps: number;
  readonly latencyMs: number;
  readonly seconds: number;
}

const USAGE = `
usage: npm run bench:postgres -- [options]

  --db <url>                 postgres:// URL of the server (default VOSTRO_DATABASE_URL or
                             postgres://postgres@127.0.0.1:5432/postgres)
  --accounts <n>             accounts created first, 2 to 1,000,000 (default 10,000)
  --transfers <n>            transfers in batches of 8,190, 1 to 10,000,000 (default 491,400)
  --single <n>               single transfers through group commit, 1 to 10,000,000 (default 100,000)
  --pgbench-seconds <n>      length of the pgbench TPC-B run, 1 to 600 (default 20)
  --no-pgbench               leave pgbench out
  --json                     print the results as JSON
  -h, --help                 this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    db: {
      type: 'string',
      default: process.env.VOSTRO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    accounts: { type: 'string', default: '10000' },
    transfers: { type: 'string', default: '491400' },
    single: { type: 'string', default: '100000' },
    'pgbench-seconds': { type: 'string', default: '20' },
    'no-pgbench': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  try {
    parsePostgresUrl(values.db);
  } catch (error) {
    throw new UsageError(`--db: ${(error as Error).message}`);
  }
  return {
    db: values.db,
    accounts: integerOption('accounts', values.accounts, 2, 1_000_000),
    transfers: integerOption('transfers', values.transfers, 1, 10_000_000),
    single: integerOption('single', values.single, 1, 10_000_000),
    pgbenchSeconds: integerOption('pgbench-seconds', values['pgbench-seconds'], 1, 600),
    noPgbench: values['no-pgbench'],
    json: values.json,
  };
});

async function scenario(
  name: PostgresScenario,
  transfers: number,
): Promise<PostgresWorkloadResult> {
  const schema = `vostro_bench_${randomBytes(4).toString('hex')}`;
  process.stderr.write(
    `vostro ${name}: ${transfers.toLocaleString('en-US')} transfers in schema ${schema}...\n`,
  );
  try {
    return await runPostgresWorkload({
      scenario: name,
      url: urlWithSchema(options.db, schema),
      accounts: options.accounts,
      transfers,
    });
  } finally {
    await withAdmin(options.db, (client) =>
      client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
    );
  }
}

async function withAdmin<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: parsePostgresUrl(url).connectionString });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** pgbench's connection flags for the server of `url`, in a given database. */
function pgbenchConnection(
  url: string,
  database: string,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const parsed = new URL(parsePostgresUrl(url).connectionString);
  const args = ['-h', parsed.hostname, '-p', parsed.port === '' ? '5432' : parsed.port];
  if (parsed.username !== '') args.push('-U', decodeURIComponent(parsed.username));
  const env = {
    ...process.env,
    ...(parsed.password === '' ? {} : { PGPASSWORD: decodeURIComponent(parsed.password) }),
  };
  return { args: [...args, database], env };
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  });
}

/** TPC-B as pgbench runs it: scale 10, 8 clients, 2 threads, in a database made for it and dropped after. */
async function pgbench(seconds: number): Promise<PgbenchResult> {
  const database = `vostro_pgbench_${randomBytes(4).toString('hex')}`;
  await withAdmin(options.db, (client) => client.query(`CREATE DATABASE ${database}`));
  try {
    const { args, env } = pgbenchConnection(options.db, database);
    process.stderr.write(`pgbench: initialising scale 10 in database ${database}...\n`);
    await run('pgbench', ['-i', '-s', '10', '-q', ...args], env);
    process.stderr.write(`pgbench: TPC-B, 8 clients, 2 threads, ${seconds} s...\n`);
    const output = await run(
      'pgbench',
      ['-c', '8', '-j', '2', '-T', String(seconds), ...args],
      env,
    );
    const tps = /tps = ([\d.]+)/.exec(output)?.[1];
    const latency = /latency average = ([\d.]+) ms/.exec(output)?.[1];
    if (tps === undefined) throw new Error(`no tps in pgbench's output:\n${output}`);
    return { tps: Number(tps), latencyMs: Number(latency ?? Number.NaN), seconds };
  } finally {
    await withAdmin(options.db, (client) => client.query(`DROP DATABASE IF EXISTS ${database}`));
  }
}

function report(
  batched: PostgresWorkloadResult,
  single: PostgresWorkloadResult,
  tpcb: PgbenchResult | undefined,
): void {
  const ratio = tpcb === undefined ? undefined : batched.transfersPerSecond / tpcb.tps;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ server: parsePostgresUrl(options.db).description, batched, single, pgbench: tpcb, ratio }, null, 2)}\n`,
    );
    return;
  }
  const rate = (value: number): string => Math.round(value).toLocaleString('en-US');
  const line = (result: PostgresWorkloadResult, target: string): string =>
    `${result.scenario.padEnd(16)} ${rate(result.transfers).padStart(9)} transfers  ${result.seconds.toFixed(1).padStart(6)} s  ${rate(result.transfersPerSecond).padStart(7)} transfers/s  p50 ${result.p50Ms.toFixed(1)} ms  p99 ${result.p99Ms.toFixed(1)} ms${result.averageGroupSize === undefined ? '' : `  avg group ${result.averageGroupSize.toFixed(1)}`}  ${target}`;
  process.stdout.write(`server: ${parsePostgresUrl(options.db).description}\n`);
  process.stdout.write(`${line(batched, '')}\n`);
  process.stdout.write(
    `${line(single, `target ${rate(TARGET_SINGLE_PER_SECOND)}: ${single.transfersPerSecond >= TARGET_SINGLE_PER_SECOND ? 'met' : 'NOT met'}`)}\n`,
  );
  if (tpcb === undefined || ratio === undefined) {
    process.stdout.write('pgbench: not run\n');
    return;
  }
  process.stdout.write(
    `pgbench TPC-B     scale 10, 8 clients, 2 threads, ${tpcb.seconds} s: ${rate(tpcb.tps)} tps, latency ${tpcb.latencyMs.toFixed(2)} ms\n`,
  );
  const verdict =
    ratio >= AIM_RATIO
      ? 'aim met'
      : ratio >= TARGET_RATIO
        ? `target met (aim ${AIM_RATIO} ×)`
        : 'target NOT met';
  process.stdout.write(
    `ratio             vostro batched transfers/s ÷ pgbench tps = ${ratio.toFixed(1)} × (target ${TARGET_RATIO} ×): ${verdict}\n`,
  );
}

async function hasPgbench(): Promise<boolean> {
  return run('pgbench', ['--version'], process.env).then(
    () => true,
    () => false,
  );
}

const batched = await scenario('batch-8190', options.transfers);
const single = await scenario('group-commit-64', options.single);
const tpcb =
  !options.noPgbench && (await hasPgbench()) ? await pgbench(options.pgbenchSeconds) : undefined;
report(batched, single, tpcb);
