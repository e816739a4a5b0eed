/**
 * `npm run bench:http`: the HTTP API under load from a second process on 127.0.0.1. Issues an
 * operator API key on a fresh SQLite file (`vostro init`, `vostro key issue --json`), starts
 * `vostro serve` on it (rate limit off), sends the key with every request (so each request pays
 * for its verification, a cached Map lookup and one SHA-256), creates 10,000 accounts through the batch
 * endpoint, then drives it with autocannon for a bounded time: single-transfer requests from 64
 * connections, and batch requests of 1,000 transfers from 4 connections. Prints requests/s,
 * transfers/s and latency percentiles; stops the server and removes the file.
 *
 *   npm run bench:http -- [--seconds 10] [--connections 64] [--json]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { newAccountId, uuidV7 } from '../ledger/ids.js';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    accounts: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Math.min(Math.max(Number(options.seconds), 1), 120);
const CONNECTIONS = Math.min(Math.max(Number(options.connections), 1), 1024);
const ACCOUNTS = Math.min(Math.max(Number(options.accounts), 2), 100_000);
const BATCH_SIZE = 1000;

const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const cliMain = fileURLToPath(new URL(`../cli/main.${extension}`, import.meta.url));

/** Runs a `vostro` command to completion and returns its standard output. */
function vostro(args: readonly string[]): string {
  const run = spawnSync(process.execPath, [...process.execArgv, cliMain, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`vostro ${args[0] ?? ''} exited with ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** Creates the database and an operator key for the benchmark; the key stays in this process's memory. */
function issueOperatorKey(dbPath: string): string {
  vostro(['init', '--db', dbPath]);
  return (JSON.parse(vostro(['key', 'issue', '--role', 'operator', '--label', 'bench:http', '--db', dbPath, '--json'])) as { key: string }).key;
}

/** Starts `vostro serve` on port 0 and resolves with its base URL once it says it is listening. */
async function startServer(dbPath: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, [...process.execArgv, cliMain, 'serve', '--port', '0', '--rate-limit', '0', '--log-level', 'warn', '--db', dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`vostro serve exited with ${code}`)));
  });
  return { child, baseUrl };
}

async function createAccounts(baseUrl: string, key: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < ACCOUNTS; start += 8190) {
    const accounts = Array.from({ length: Math.min(8190, ACCOUNTS - start) }, () => ({ id: newAccountId(), owner: 'bench', currency: 'INR', kind: 'settlement' }));
    const response = await fetch(`${baseUrl}/v1/accounts/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ accounts }) });
    if (!response.ok) throw new Error(`creating accounts failed: ${response.status} ${await response.text()}`);
    ids.push(...accounts.map((account) => account.id));
  }
  return ids;
}

function randomTransfer(accountIds: readonly string[]): Record<string, unknown> {
  const debit = Math.floor(Math.random() * accountIds.length);
  const credit = (debit + 1 + Math.floor(Math.random() * (accountIds.length - 1))) % accountIds.length;
  return { id: uuidV7(), debitAccountId: accountIds[debit], creditAccountId: accountIds[credit], amount: `${1 + Math.floor(Math.random() * 100000)}.00`, currency: 'INR', code: 1 };
}

async function load(baseUrl: string, key: string, path: string, connections: number, body: () => string): Promise<AutocannonResult> {
  return autocannon({
    url: `${baseUrl}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    connections,
    duration: SECONDS,
    // Every request carries new transfer ids: a repeated id would only be an idempotent retry.
    requests: [{ setupRequest: (request: AutocannonRequest) => ({ ...request, body: body() }) }],
  });
}

function summary(name: string, result: AutocannonResult, transfersPerRequest: number) {
  return {
    scenario: name,
    seconds: result.duration,
    requestsPerSecond: Math.round(result.requests.average),
    transfersPerSecond: Math.round(result.requests.average * transfersPerRequest),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(process.cwd(), '.bench-http-'));
  const dbPath = join(directory, 'http.db');
  const key = issueOperatorKey(dbPath);
  const { child, baseUrl } = await startServer(dbPath);
  try {
    const accountIds = await createAccounts(baseUrl, key);
    const single = await load(baseUrl, key, '/v1/transfers', CONNECTIONS, () => JSON.stringify(randomTransfer(accountIds)));
    const batch = await load(baseUrl, key, '/v1/transfers/batch', 4, () => JSON.stringify({ transfers: Array.from({ length: BATCH_SIZE }, () => randomTransfer(accountIds)) }));
    const results = [summary(`single, ${CONNECTIONS} connections`, single, 1), summary(`batch of ${BATCH_SIZE}, 4 connections`, batch, BATCH_SIZE)];
    if (options.json === true) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
