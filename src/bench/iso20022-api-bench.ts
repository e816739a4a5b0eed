/**
 * `npm run bench:iso20022-api`: ISO 20022 messages through the HTTP API, from a second process on
 * 127.0.0.1. Seeds banks with BICs and funded customer accounts in a fresh SQLite file
 * (iso-workload.ts), starts `vostro serve` on it (rate limit off), then, for a bounded time:
 *
 * - `messages`: pacs.008.001.09 messages of one transaction each, from `--connections` connections,
 *   each sent by its instructing bank's own key; prints messages/s and latency percentiles;
 * - `file`: pacs.008 files of `--file-size` transactions (default 1,000), sent one after another
 *   on each of `--file-connections` connections (default 1); prints transactions/s over the run's
 *   wall time (validation, mapping and posting included) and per file at the median.
 *
 * Every message must come back 200 with group status ACSC (the `vostro-group-status` header);
 * any other answer is counted and printed. After the runs the ledger's transfer count is read back.
 *
 *   npm run bench:iso20022-api -- [--seconds 10] [--connections 64] [--files 20] [--file-size 1000]
 *                             [--file-connections 1] [--scenario all|messages|file] [--json] [--profile DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { autocannon, cpuSeconds, startServeChild, type AutocannonRequest } from './serve-child.js';
import { benchOptions, choiceOption, integerOption, parseBenchArgs } from './options.js';
import { pacs008, seedIsoWorld, type IsoBank, type IsoWorld } from './iso-workload.js';

const USAGE = `
usage: npm run bench:iso20022-api -- [options]

  --seconds <n>       length of the messages run, 1 to 60 (default 10)
  --connections <n>   connections sending one-transaction messages, 1 to 1,024 (default 64)
  --files <n>         files sent in the file run, 1 to 200 (default 20)
  --file-size <n>     transactions per file, 1 to 8,000 (default 1,000)
  --file-connections <n>  connections sending files at once, 1 to 16 (default 1)
  --banks <n>         banks, 2 to 50 (default 10)
  --scenario <name>   messages, file or all (default all)
  --json              print the results as JSON
  --profile <dir>     write the server's V8 CPU profiles (every thread) into this folder
  -h, --help          this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    files: { type: 'string', default: '20' },
    'file-size': { type: 'string', default: '1000' },
    'file-connections': { type: 'string', default: '1' },
    banks: { type: 'string', default: '10' },
    scenario: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
    profile: { type: 'string' },
  });
  return {
    seconds: integerOption('seconds', values.seconds, 1, 60),
    connections: integerOption('connections', values.connections, 1, 1024),
    files: integerOption('files', values.files, 1, 200),
    fileSize: integerOption('file-size', values['file-size'], 1, 8000),
    fileConnections: integerOption('file-connections', values['file-connections'], 1, 16),
    banks: integerOption('banks', values.banks, 2, 50),
    scenario: choiceOption('scenario', values.scenario, ['all', 'messages', 'file']),
    json: values.json,
    profile: values.profile,
  };
});

const XML = 'application/xml';

/** A message between two different banks, chosen round robin; sent with the instructing bank's key. */
function pair(world: IsoWorld, index: number): [IsoBank, IsoBank] {
  const banks = world.banks;
  const from = banks[index % banks.length] as IsoBank;
  const to = banks[
    (index + 1 + (Math.floor(index / banks.length) % (banks.length - 1))) % banks.length
  ] as IsoBank;
  return [from, to];
}

interface Outcomes {
  accepted: number;
  other: Map<string, number>;
}

function count(outcomes: Outcomes, status: number, groupStatus: string | undefined): void {
  if (status === 200 && groupStatus === 'ACSC') outcomes.accepted += 1;
  else {
    const key = `${status} ${groupStatus ?? ''}`.trim();
    outcomes.other.set(key, (outcomes.other.get(key) ?? 0) + 1);
  }
}

/** Milliseconds of the server's CPU (all its threads) per unit, between two readings. */
function cpuMsPer(before: number | undefined, after: number | undefined, units: number) {
  if (before === undefined || after === undefined || units === 0) return undefined;
  return Math.round(((after - before) * 1000 * 100) / units) / 100;
}

async function messagesRun(baseUrl: string, world: IsoWorld, pid: number | undefined) {
  // Bodies made before the run, so that the load generator's CPU goes to sending and receiving.
  const pool = Array.from({ length: options.seconds * 4000 }, (_, index) => {
    const [from, to] = pair(world, index);
    return { body: Buffer.from(pacs008(from, to, 1)), key: from.key };
  });
  let next = 0;
  const outcomes: Outcomes = { accepted: 0, other: new Map() };
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url: `${baseUrl}/v1/iso20022/messages`,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        setupRequest: (request: AutocannonRequest) => {
          const item = pool[next % pool.length] as { body: Buffer; key: string };
          if (next >= pool.length)
            throw new Error('bench: the message pool ran out; fewer seconds');
          next += 1;
          return {
            ...request,
            headers: { 'content-type': XML, authorization: `Bearer ${item.key}` },
            body: item.body,
          };
        },
        onResponse: (
          status: number,
          _body: string,
          _context: unknown,
          headers: Record<string, string>,
        ) => {
          count(outcomes, status, headers['vostro-group-status']);
        },
      },
    ],
  });
  return {
    scenario: `one-transaction pacs.008, ${options.connections} connections`,
    seconds: result.duration,
    messagesPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    serverCpuMsPerMessage: cpuMsPer(cpuBefore, cpuSeconds(pid), result.requests.total),
    sent: result.requests.total,
    accepted: outcomes.accepted,
    otherAnswers: Object.fromEntries(outcomes.other),
    errors: result.errors,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function fileRun(baseUrl: string, world: IsoWorld, pid: number | undefined) {
  const files = Array.from({ length: options.files }, (_, index) => {
    const [from, to] = pair(world, index);
    return { body: pacs008(from, to, options.fileSize), key: from.key };
  });
  const times: number[] = [];
  const outcomes: Outcomes = { accepted: 0, other: new Map() };
  const cpuBefore = cpuSeconds(pid);
  const wallStarted = performance.now();
  let next = 0;
  const send = async (): Promise<void> => {
    for (let file = files[next++]; file !== undefined; file = files[next++]) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/v1/iso20022/messages`, {
        method: 'POST',
        headers: { 'content-type': XML, authorization: `Bearer ${file.key}` },
        body: file.body,
      });
      await response.arrayBuffer();
      times.push(performance.now() - started);
      count(outcomes, response.status, response.headers.get('vostro-group-status') ?? undefined);
    }
  };
  await Promise.all(Array.from({ length: options.fileConnections }, send));
  const wallMs = performance.now() - wallStarted;
  const serverCpuMsPerFile = cpuMsPer(cpuBefore, cpuSeconds(pid), files.length);
  const sorted = [...times].sort((a, b) => a - b);
  return {
    scenario: `pacs.008 files of ${options.fileSize} transactions, ${options.fileConnections} connection${options.fileConnections === 1 ? '' : 's'}`,
    files: files.length,
    transactionsPerSecond: Math.round((options.fileSize * files.length * 1000) / wallMs),
    medianTransactionsPerSecond: Math.round((options.fileSize * 1000) / percentile(sorted, 50)),
    p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
    p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
    serverCpuMsPerFile,
    accepted: outcomes.accepted,
    otherAnswers: Object.fromEntries(outcomes.other),
  };
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(process.cwd(), '.bench-iso-'));
  const dbPath = join(directory, 'iso.db');
  try {
    const world = await seedIsoWorld(dbPath, { banks: options.banks, customersPerBank: 20 });
    const { child, baseUrl } = await startServeChild(dbPath, {
      nodeFlags:
        options.profile === undefined
          ? []
          : ['--cpu-prof', `--cpu-prof-dir=${resolve(options.profile)}`],
    });
    try {
      const results = [];
      if (options.scenario !== 'file') results.push(await messagesRun(baseUrl, world, child.pid));
      if (options.scenario !== 'messages') results.push(await fileRun(baseUrl, world, child.pid));
      if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
