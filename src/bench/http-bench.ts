/**
 * `npm run bench:http`: the HTTP API under load from a second process on 127.0.0.1. Starts
 * `vostro serve` on a fresh SQLite file (rate limit off), creates 10,000 accounts through the batch
 * endpoint, then drives it with autocannon for a bounded time: single-transfer requests from 64
 * connections, and batch requests of 1,000 transfers from 4 connections. Prints requests/s,
 * transfers/s, latency percentiles and the CPU time the server spent per request; stops the
 * server and removes the file.
 *
 *   npm run bench:http -- [--seconds 10] [--connections 64] [--batch-connections 4]
 *                         [--scenario all|single|batch] [--server path/to/cli/main.ts]
 *                         [--profile dir] [--json]
 *
 * The benchmark issues an operator key first (`vostro init`, `vostro key issue --json`) and sends
 * it with every request, so each request pays for its verification as a real client's would.
 *
 * Request bodies are made before each timed run (see `bodies`), so the load generator's CPU goes
 * to sending and receiving, as it would for clients on other machines; runs last at most 60 s.
 *
 * The CPU time per request (read from /proc for the server process, all its threads) is the
 * figure to compare variants by on a shared machine: throughput moves with whatever else runs,
 * the work the server does per request much less. `--server` runs another checkout's server
 * under the same load, so two variants can be run alternately; `--profile` writes the server's
 * V8 CPU profiles (main thread and writer thread) to a folder.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newAccountId, uuidV7 } from '../ledger/ids.js';
import {
  autocannon,
  CLI_MAIN,
  cpuSeconds,
  startServeChild,
  type AutocannonRequest,
  type AutocannonResult,
} from './serve-child.js';
import { benchOptions, choiceOption, integerOption, parseBenchArgs } from './options.js';

const USAGE = `
usage: npm run bench:http -- [options]

  --seconds <n>             length of each timed run, 1 to 60 (default 10)
  --connections <n>         connections sending single transfers, 1 to 1,024 (default 64)
  --batch-connections <n>   connections sending batches of 1,000, 1 to 64 (default 4)
  --accounts <n>            accounts created first, 2 to 100,000 (default 10,000)
  --scenario <name>         single, batch or all (default all)
  --server <path>           another checkout's cli/main.ts or .js to run as the server
  --profile <dir>           write the server's V8 CPU profiles to this folder
  --json                    print the results as JSON
  -h, --help                this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'batch-connections': { type: 'string', default: '4' },
    accounts: { type: 'string', default: '10000' },
    scenario: { type: 'string', default: 'all' },
    server: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  return {
    seconds: integerOption('seconds', values.seconds, 1, 60),
    connections: integerOption('connections', values.connections, 1, 1024),
    batchConnections: integerOption('batch-connections', values['batch-connections'], 1, 64),
    accounts: integerOption('accounts', values.accounts, 2, 100_000),
    scenario: choiceOption('scenario', values.scenario, ['all', 'single', 'batch']),
    server: values.server,
    profile: values.profile,
    json: values.json,
  };
});
const {
  seconds: SECONDS,
  connections: CONNECTIONS,
  batchConnections: BATCH_CONNECTIONS,
  accounts: ACCOUNTS,
  scenario: SCENARIO,
} = options;
const BATCH_SIZE = 1000;

const cliMain = options.server === undefined ? CLI_MAIN : resolve(options.server);
/** The operator key every request sends (each request pays for its verification, as a real client's would). */
let KEY = '';

/** Runs a `vostro` command to completion and returns its standard output. */
function vostro(args: readonly string[]): string {
  const run = spawnSync(process.execPath, [...process.execArgv, cliMain, ...args], {
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`vostro ${args[0] ?? ''} exited with ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** Creates the database and an operator key for the benchmark; the key stays in this process's memory. */
function issueOperatorKey(dbPath: string): string {
  vostro(['init', '--db', dbPath]);
  return (
    JSON.parse(
      vostro([
        'key',
        'issue',
        '--role',
        'operator',
        '--label',
        'bench:http',
        '--db',
        dbPath,
        '--json',
      ]),
    ) as { key: string }
  ).key;
}

/** Starts `vostro serve` (this checkout's or `--server`'s), with V8 CPU profiles under `--profile`. */
function startServer(dbPath: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  return startServeChild(dbPath, {
    main: cliMain,
    nodeFlags:
      options.profile === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${resolve(options.profile)}`],
  });
}

/**
 * Setup requests close their connection: fetch's pool otherwise keeps it open, and the server's
 * graceful shutdown waited for it until the keep-alive timeout (about 70 s per run).
 */
const CLOSE = { connection: 'close' } as const;

async function createAccounts(baseUrl: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < ACCOUNTS; start += 8190) {
    const accounts = Array.from({ length: Math.min(8190, ACCOUNTS - start) }, () => ({
      id: newAccountId(),
      owner: 'bench',
      currency: 'INR',
      kind: 'settlement',
    }));
    const response = await fetch(`${baseUrl}/v1/accounts/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...CLOSE },
      body: JSON.stringify({ accounts }),
    });
    if (!response.ok)
      throw new Error(`creating accounts failed: ${response.status} ${await response.text()}`);
    ids.push(...accounts.map((account) => account.id));
  }
  return ids;
}

/**
 * One transfer between two random accounts, as JSON text written directly: building objects and
 * calling JSON.stringify took the load generator 2.3 ms per 1,000 transfers (0.5 ms this way),
 * CPU the server under test shares.
 */
function randomTransferJson(accountIds: readonly string[]): string {
  const debit = Math.floor(Math.random() * accountIds.length);
  const credit =
    (debit + 1 + Math.floor(Math.random() * (accountIds.length - 1))) % accountIds.length;
  const amount = `${1 + Math.floor(Math.random() * 100000)}.00`;
  return `{"id":"${uuidV7()}","debitAccountId":"${accountIds[debit]}","creditAccountId":"${accountIds[credit]}","amount":"${amount}","currency":"INR","code":1}`;
}

function batchJson(accountIds: readonly string[]): string {
  let body = '{"transfers":[';
  for (let index = 0; index < BATCH_SIZE; index += 1)
    body += (index === 0 ? '' : ',') + randomTransferJson(accountIds);
  return `${body}]}`;
}

/**
 * Request bodies made before the timed run, as buffers, so that making them does not take CPU
 * from the server while it is measured (a real client runs on another machine). Past the pool,
 * bodies are made as they are needed. Every body holds new transfer ids.
 */
function bodies(count: number, make: () => string): () => Buffer {
  const pool = Array.from({ length: count }, () => Buffer.from(make()));
  let next = 0;
  return () => (next < pool.length ? (pool[next++] as Buffer) : Buffer.from(make()));
}

interface Measured {
  readonly result: AutocannonResult;
  readonly serverCpu: number | undefined;
  readonly clientCpu: number;
}

async function load(
  child: ChildProcess,
  baseUrl: string,
  path: string,
  connections: number,
  body: () => Buffer,
): Promise<Measured> {
  const serverBefore = cpuSeconds(child.pid);
  const clientBefore = process.cpuUsage();
  const result = await autocannon({
    url: `${baseUrl}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    connections,
    duration: SECONDS,
    // Every request carries new transfer ids: a repeated id would only be an idempotent retry.
    requests: [{ setupRequest: (request: AutocannonRequest) => ({ ...request, body: body() }) }],
  });
  const serverAfter = cpuSeconds(child.pid);
  const client = process.cpuUsage(clientBefore);
  return {
    result,
    serverCpu:
      serverBefore === undefined || serverAfter === undefined
        ? undefined
        : serverAfter - serverBefore,
    clientCpu: (client.user + client.system) / 1e6,
  };
}

/** The mean size of the group-commit transactions the server has recorded so far (from /metrics). */
async function meanGroupSize(baseUrl: string): Promise<number | null> {
  const text = await (await fetch(`${baseUrl}/metrics`, { headers: CLOSE })).text();
  const sum = Number(/^vostro_group_commit_batch_size_sum (\S+)$/m.exec(text)?.[1]);
  const count = Number(/^vostro_group_commit_batch_size_count (\S+)$/m.exec(text)?.[1]);
  return count > 0 ? Math.round((10 * sum) / count) / 10 : null;
}

function summary(
  name: string,
  { result, serverCpu, clientCpu }: Measured,
  transfersPerRequest: number,
) {
  const perRequestUs = (seconds: number | undefined) =>
    seconds === undefined || result.requests.total === 0
      ? null
      : Math.round((seconds * 1e6) / result.requests.total);
  return {
    scenario: name,
    seconds: result.duration,
    requestsPerSecond: Math.round(result.requests.average),
    transfersPerSecond: Math.round(result.requests.average * transfersPerRequest),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    serverCpuUsPerRequest: perRequestUs(serverCpu),
    clientCpuUsPerRequest: perRequestUs(clientCpu),
  };
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(process.cwd(), '.bench-http-'));
  KEY = issueOperatorKey(join(directory, 'http.db'));
  const { child, baseUrl } = await startServer(join(directory, 'http.db'));
  try {
    const accountIds = await createAccounts(baseUrl);
    const results = [];
    if (SCENARIO !== 'batch') {
      const single = await load(
        child,
        baseUrl,
        '/v1/transfers',
        CONNECTIONS,
        bodies(SECONDS * 20_000, () => randomTransferJson(accountIds)),
      );
      results.push({
        ...summary(`single, ${CONNECTIONS} connections`, single, 1),
        meanGroupSize: await meanGroupSize(baseUrl),
      });
    }
    if (SCENARIO !== 'single') {
      const batch = await load(
        child,
        baseUrl,
        '/v1/transfers/batch',
        BATCH_CONNECTIONS,
        bodies(SECONDS * 150, () => batchJson(accountIds)),
      );
      results.push(
        summary(`batch of ${BATCH_SIZE}, ${BATCH_CONNECTIONS} connections`, batch, BATCH_SIZE),
      );
    }
    if (options.json === true) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
