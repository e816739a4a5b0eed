/**
 * `npm run bench:analytics`: GET /v1/analytics/trade (issue 16: p50 < 50 ms on a database of
 * 1,000,000 transfers) on a temporary SQLite file or, with `--store postgres`, a schema of its own
 * on a PostgreSQL server (dropped afterwards).
 *
 * Setup (not timed): the hub opened in INR and RUB as `vostro serve` opens it (tallying the netted
 * codes), banks in IN and RU (alternately) with `--corporates` corporate customers each, every
 * settlement and customer account funded and every bank given a cap. Then `--transfers` posted
 * payments (code 1) between the corporates' customer accounts (mostly across the border, some at
 * home, in both currencies) and between banks, written through the ledger in batches of 8,190,
 * spread evenly over the 24 months up to now with the ledger's clock set before each batch. With
 * them, so that the query's filter has something to leave out: a cap leg (code 2) for one payment
 * in ten, a settlement transfer (code 5) for one in fifty, and one payment in a hundred written
 * pending and never posted.
 *
 * Timed: `tradeAnalytics(hub, actor, {})` in the process (the default range: the last 24 months)
 * for the operator and for one bank's participant key, alternately, `--runs` times each, and then
 * the same through HTTP (`app.inject` on the API server, with the route's validation and
 * serialisation), `--http-runs` times each. The first call of each is reported apart (cold). The
 * timing stops after `--seconds` whatever the number of runs done. Then the store is closed and
 * `--cold-runs` new processes, one after another, each open the database as `vostro serve` does
 * (a new store and API server, nothing in memory) and time their first call of the route's
 * handler in the process (operator), then their first requests (HTTP, inject) for the operator and
 * the bank: the figures of a server that has just started. `--scan-runs` times the scan the totals replace
 * (`store.flowTotals` over every transfer of the 24 months), for comparison.
 *
 *   npm run bench:analytics -- [--store sqlite|postgres] [--db postgres://…] [--transfers 1000000]
 *     [--banks 10] [--corporates 10] [--runs 30] [--http-runs 10] [--cold-runs 5] [--scan-runs 1]
 *     [--seconds 120] [--json]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ApiKeys } from '../access/api-keys.js';
import { buildServer } from '../api/server.js';
import { CLI_ACTOR, type Actor } from '../domain/actor.js';
import { Hub } from '../hub/hub.js';
import { systemClock, type Clock } from '../ledger/clock.js';
import { currencyByCode } from '../ledger/currency.js';
import { TransferFlags } from '../ledger/flags.js';
import { newTransferId, ZERO_TRANSFER_ID, type AccountId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { BATCH_MAX, type TransferInput } from '../ledger/model.js';
import { participantAccountId } from '../participants/accounts.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { tradeAnalytics } from '../reports/trade-analytics.js';
import { TransferCode } from '../settlement/codes.js';
import { parsePostgresUrl } from '../store/postgres/connection.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { urlWithSchema } from '../store/postgres/test-database.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LedgerStore } from '../store/store.js';
import {
  benchOptions,
  choiceOption,
  integerOption,
  parseBenchArgs,
  UsageError,
} from './options.js';

const USAGE = `
usage: npm run bench:analytics -- [options]

  --store <kind>       sqlite (a temporary file) or postgres (a schema of its own); default sqlite
  --db <url>           postgres:// URL of the server for --store postgres (default
                       VOSTRO_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
  --transfers <n>      posted payments (code 1) written over 24 months, 1,000 to 5,000,000
                       (default 1,000,000)
  --banks <n>          banks, alternately in IN and RU, 2 to 100 (default 10)
  --corporates <n>     corporate customers per bank, 1 to 100 (default 10)
  --runs <n>           timed in-process queries per actor (operator, participant), 1 to 1,000 (default 30)
  --http-runs <n>      timed HTTP requests per actor, 0 to 1,000 (default 10)
  --cold-runs <n>      new processes that each time their first request, 0 to 100 (default 5)
  --scan-runs <n>      timed scans of every transfer (store.flowTotals, what the totals
                       replace), 0 to 100 (default 1)
  --seconds <n>        time limit of the timed queries, 1 to 600 (default 120)
  --json               print the results as JSON
  -h, --help           this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    store: { type: 'string', default: 'sqlite' },
    db: {
      type: 'string',
      default: process.env.VOSTRO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    transfers: { type: 'string', default: '1000000' },
    banks: { type: 'string', default: '10' },
    corporates: { type: 'string', default: '10' },
    runs: { type: 'string', default: '30' },
    'http-runs': { type: 'string', default: '10' },
    'cold-runs': { type: 'string', default: '5' },
    'scan-runs': { type: 'string', default: '1' },
    /** Internal: run as one cold process on the database this JSON names, print its timings, exit. */
    'cold-child': { type: 'string' },
    seconds: { type: 'string', default: '120' },
    json: { type: 'boolean', default: false },
  });
  try {
    parsePostgresUrl(values.db);
  } catch (error) {
    throw new UsageError(`--db: ${(error as Error).message}`);
  }
  return {
    store: choiceOption('store', values.store, ['sqlite', 'postgres']),
    db: values.db,
    transfers: integerOption('transfers', values.transfers, 1000, 5_000_000),
    banks: integerOption('banks', values.banks, 2, 100),
    corporates: integerOption('corporates', values.corporates, 1, 100),
    runs: integerOption('runs', values.runs, 1, 1000),
    httpRuns: integerOption('http-runs', values['http-runs'], 0, 1000),
    coldRuns: integerOption('cold-runs', values['cold-runs'], 0, 100),
    scanRuns: integerOption('scan-runs', values['scan-runs'], 0, 100),
    coldChild: values['cold-child'],
    seconds: integerOption('seconds', values.seconds, 1, 600),
    json: values.json,
  };
});

const say = (text: string): void => {
  if (!options.json) process.stderr.write(`${text}\n`);
};
const CURRENCIES = ['INR', 'RUB'] as const;
type Currency = (typeof CURRENCIES)[number];
const MONTHS = 24;
const BIG = 1n << 50n;

/** The system clock, or a fixed reading while the setup writes the past. */
class SettableClock implements Clock {
  private readonly system = systemClock();
  private fixed: bigint | undefined;
  set(nowNs: bigint | undefined): void {
    this.fixed = nowNs;
  }
  nowNs(): bigint {
    return this.fixed ?? this.system.nowNs();
  }
}

/** mulberry32: a small seeded PRNG, so every run writes the same shape of data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function transfer(
  debit: AccountId,
  credit: AccountId,
  amount: bigint,
  currency: Currency,
  code: number,
  flags = 0,
): TransferInput {
  return {
    id: newTransferId(),
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    pendingId: ZERO_TRANSFER_ID,
    ledger: currencyByCode(currency)?.ledger ?? 0,
    code,
    flags,
    timeoutSeconds: 0,
    reference: '',
    userData64: 0n,
    userData32: 0,
  };
}

/** The database a run writes: where it is (for the cold processes) and how to remove it. */
interface BenchDatabase {
  /** A SQLite file's path, or a postgres:// URL naming the run's schema. */
  readonly target: string;
  /** Removes the file or drops the schema; the store must be closed first. */
  readonly remove: () => Promise<void>;
}

async function openTarget(target: string): Promise<LedgerStore> {
  return options.store === 'sqlite'
    ? new SqliteStore({ path: target })
    : PostgresStore.open({ url: target });
}

async function createDatabase(): Promise<{ store: LedgerStore; database: BenchDatabase }> {
  if (options.store === 'sqlite') {
    const directory = mkdtempSync(join(process.cwd(), '.bench-analytics-'));
    const remove = async (): Promise<void> => rmSync(directory, { recursive: true, force: true });
    const target = join(directory, 'analytics.db');
    try {
      return { store: await openTarget(target), database: { target, remove } };
    } catch (error) {
      await remove();
      throw error;
    }
  }
  const schema = `vostro_bench_${randomBytes(4).toString('hex')}`;
  say(`PostgreSQL schema ${schema}`);
  const remove = async (): Promise<void> => {
    const client = new pg.Client({
      connectionString: parsePostgresUrl(options.db).connectionString,
    });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  };
  const target = urlWithSchema(options.db, schema);
  try {
    return { store: await openTarget(target), database: { target, remove } };
  } catch (error) {
    await remove();
    throw error;
  }
}

interface World {
  readonly banks: readonly string[];
  /** Per currency: the corporates' customer accounts in IN and in RU. */
  readonly customers: Record<Currency, { IN: AccountId[]; RU: AccountId[] }>;
}

async function seedParticipants(hub: Hub): Promise<World> {
  const banks: string[] = [];
  const customers: World['customers'] = {
    INR: { IN: [], RU: [] },
    RUB: { IN: [], RU: [] },
  };
  for (let index = 0; index < options.banks; index += 1) {
    const country = index % 2 === 0 ? 'IN' : 'RU';
    const bank = `${country.toLowerCase()}-bank-${String(index).padStart(3, '0')}`;
    banks.push(bank);
    await hub.participants.create(
      { id: bank, name: `Bank ${index}`, kind: 'bank', country, currencies: [...CURRENCIES] },
      CLI_ACTOR,
    );
    for (let corporate = 0; corporate < options.corporates; corporate += 1) {
      const id = `${bank}-corp-${String(corporate).padStart(3, '0')}`;
      await hub.participants.create(
        { id, name: id, kind: 'corporate', country, bank, currencies: [...CURRENCIES] },
        CLI_ACTOR,
      );
      for (const currency of CURRENCIES)
        customers[currency][country].push(participantAccountId(id, currency, 'customer'));
    }
  }
  // Caps, then every settlement and customer account funded (in full batches).
  for (const bank of banks)
    for (const currency of CURRENCIES) await hub.caps.set(bank, currency, BIG, CLI_ACTOR);
  const funding: TransferInput[] = [];
  for (const currency of CURRENCIES) {
    const source = participantAccountId('hub', currency, 'hub_settlement');
    for (const bank of banks)
      funding.push(
        transfer(
          source,
          participantAccountId(bank, currency, 'settlement'),
          BIG,
          currency,
          TransferCode.funding,
        ),
      );
    for (const account of [...customers[currency].IN, ...customers[currency].RU])
      funding.push(transfer(source, account, BIG, currency, TransferCode.funding));
  }
  for (let start = 0; start < funding.length; start += BATCH_MAX) {
    const outcome = await hub.ledger.createTransfers(funding.slice(start, start + BATCH_MAX));
    if (!outcome.ok || outcome.results.some((result) => result !== 'ok'))
      throw new Error('bench: funding refused');
  }
  return { banks, customers };
}

/** The payments and the transfers beside them, in batches, each batch at its point of the 24 months. */
async function seedTransfers(
  hub: Hub,
  world: World,
  clock: SettableClock,
  firstNs: bigint,
  lastNs: bigint,
): Promise<number> {
  const next = random(1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const bankOf = (account: AccountId, currency: Currency): string => {
    // Customer accounts were pushed in bank order, `corporates` per bank and country.
    const country = world.customers[currency].IN.includes(account) ? 'IN' : 'RU';
    const list = world.customers[currency][country];
    const perBank = options.corporates;
    const bankIndex = Math.floor(list.indexOf(account) / perBank);
    return world.banks.filter((bank) => bank.startsWith(country.toLowerCase()))[
      bankIndex
    ] as string;
  };
  const bankAccounts = (currency: Currency, role: 'settlement' | 'cap'): AccountId[] =>
    world.banks.map((bank) => participantAccountId(bank, currency, role));
  const settlement = {
    INR: bankAccounts('INR', 'settlement'),
    RUB: bankAccounts('RUB', 'settlement'),
  };
  const caps = { INR: bankAccounts('INR', 'cap'), RUB: bankAccounts('RUB', 'cap') };
  const capSource = {
    INR: participantAccountId('hub', 'INR', 'cap_source'),
    RUB: participantAccountId('hub', 'RUB', 'cap_source'),
  };
  const hubSettlement = {
    INR: participantAccountId('hub', 'INR', 'hub_settlement'),
    RUB: participantAccountId('hub', 'RUB', 'hub_settlement'),
  };
  const bankIndex = new Map(world.banks.map((bank, index) => [bank, index]));
  // Pairs drawn up front per currency: cross-border both ways, at home, and bank to bank.
  const span = lastNs - firstNs;
  const batches = Math.ceil(options.transfers / (BATCH_MAX * 0.86));
  let payments = 0;
  let written = 0;
  for (let batchIndex = 0; payments < options.transfers; batchIndex += 1) {
    clock.set(firstNs + (span * BigInt(batchIndex)) / BigInt(batches));
    const batch: TransferInput[] = [];
    while (batch.length < BATCH_MAX - 3 && payments < options.transfers) {
      const currency: Currency = next() < 0.6 ? 'INR' : 'RUB';
      const amount = BigInt(100 + Math.floor(10 ** (2 + next() * 7)));
      const kind = next();
      let debit: AccountId;
      let credit: AccountId;
      if (kind < 0.05) {
        // Bank to bank.
        const from = Math.floor(next() * world.banks.length);
        const to = (from + 1 + Math.floor(next() * (world.banks.length - 1))) % world.banks.length;
        debit = settlement[currency][from] as AccountId;
        credit = settlement[currency][to] as AccountId;
      } else {
        const customers = world.customers[currency];
        const route = next();
        const [from, to] =
          route < 0.45
            ? [customers.IN, customers.RU]
            : route < 0.9
              ? [customers.RU, customers.IN]
              : next() < 0.5
                ? [customers.IN, customers.IN]
                : [customers.RU, customers.RU];
        debit = pick(from);
        do credit = pick(to);
        while (credit === debit);
      }
      batch.push(transfer(debit, credit, amount, currency, TransferCode.payment));
      payments += 1;
      const extra = next();
      if (extra < 0.1) {
        // A cap leg: the payer's bank's headroom used (its cap account to the hub's cap source).
        const bank =
          kind < 0.05
            ? (world.banks[settlement[currency].indexOf(debit)] as string)
            : bankOf(debit, currency);
        batch.push(
          transfer(
            caps[currency][bankIndex.get(bank) ?? 0] as AccountId,
            capSource[currency],
            1n,
            currency,
            TransferCode.capUse,
          ),
        );
      } else if (extra < 0.12) {
        batch.push(
          transfer(
            pick(settlement[currency]),
            hubSettlement[currency],
            amount,
            currency,
            TransferCode.settlement,
          ),
        );
      } else if (extra < 0.13) {
        batch.push(
          transfer(
            pick(world.customers[currency].IN),
            pick(world.customers[currency].RU),
            amount,
            currency,
            TransferCode.payment,
            TransferFlags.pending,
          ),
        );
      }
    }
    const outcome = await hub.ledger.createTransfers(batch);
    if (!outcome.ok) throw new Error(`bench: batch refused: ${outcome.error}`);
    const refused = outcome.results.find((result) => result !== 'ok');
    if (refused !== undefined) throw new Error(`bench: a transfer was refused: ${refused}`);
    written += batch.length;
    if (batchIndex % 20 === 0)
      say(
        `  ${payments.toLocaleString('en')} payments (${written.toLocaleString('en')} transfers)`,
      );
  }
  clock.set(undefined);
  return written;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)] as number;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

interface Series {
  readonly name: string;
  coldMs?: number;
  readonly times: number[];
}

function summary(series: Series) {
  const sorted = [...series.times].sort((a, b) => a - b);
  return {
    name: series.name,
    runs: sorted.length,
    coldMs: series.coldMs === undefined ? null : round(series.coldMs),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Each of `calls` in turn, `runs` times, after one cold call each, until the deadline. */
async function alternate(
  calls: readonly { series: Series; call: () => Promise<void> }[],
  runs: number,
  deadline: number,
): Promise<void> {
  for (const { series, call } of calls) {
    const begin = performance.now();
    await call();
    series.coldMs = performance.now() - begin;
  }
  for (let run = 0; run < runs && Date.now() < deadline; run += 1)
    for (const { series, call } of calls) {
      const begin = performance.now();
      await call();
      series.times.push(performance.now() - begin);
    }
}

async function main(): Promise<void> {
  const environment = `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'})`;
  say(environment);
  const { store, database } = await createDatabase();
  let closed = false;
  try {
    const clock = new SettableClock();
    const ledger = new Ledger(store, { clock });
    const hub = new Hub(ledger);
    const now = new Date();
    const currentMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
    const firstMonth = currentMonth - (MONTHS - 1);
    const firstNs = BigInt(Date.UTC(Math.floor(firstMonth / 12), firstMonth % 12, 1)) * 1_000_000n;
    // The participants exist from the first day of the first month; payments follow an hour later.
    clock.set(firstNs);
    await hub.open([...CURRENCIES], CLI_ACTOR);
    await hub.windows.prepare();
    const world = await seedParticipants(hub);
    const seeding = Date.now();
    say(
      `${options.store}: ${options.banks} banks, ${options.banks * options.corporates} corporates; writing ${options.transfers.toLocaleString('en')} payments over ${MONTHS} months…`,
    );
    const written = await seedTransfers(
      hub,
      world,
      clock,
      firstNs + 3_600_000_000_000n,
      BigInt(now.getTime() - 60_000) * 1_000_000n,
    );
    const seedSeconds = (Date.now() - seeding) / 1000;
    say(`  wrote ${written.toLocaleString('en')} transfers in ${seedSeconds.toFixed(1)} s`);

    const participant = world.banks[0] as string;
    const operator: Actor = { id: 'operator', role: 'operator' };
    const bankActor: Actor = { id: participant, role: 'participant', participant };
    const check = (answer: Awaited<ReturnType<typeof tradeAnalytics>>): void => {
      if (answer.months.length !== MONTHS) throw new Error('bench: not 24 months in the answer');
    };
    // Sanity: the operator's answer counts every posted payment once.
    const firstBegin = performance.now();
    const first = await tradeAnalytics(hub, operator);
    const firstCallMs = performance.now() - firstBegin;
    say(`first call after the setup (operator): ${round(firstCallMs)} ms`);
    const counted = first.totals.reduce((sum, flow) => sum + flow.count, 0);
    if (counted !== options.transfers)
      throw new Error(`bench: the analytics count ${counted} payments, not ${options.transfers}`);

    const deadline = Date.now() + options.seconds * 1000;
    // The store's query alone (what the operator's answer asks of the database), for comparison.
    const registry = await hub.participants.all();
    const query = {
      periods: Array.from({ length: MONTHS }, (_, index) => {
        const month = firstMonth + index;
        return {
          firstTimestamp: BigInt(Date.UTC(Math.floor(month / 12), month % 12, 1)) * 1_000_000n,
          lastTimestamp:
            BigInt(Date.UTC(Math.floor((month + 1) / 12), (month + 1) % 12, 1)) * 1_000_000n - 1n,
        };
      }),
      code: TransferCode.payment,
      excludeFlags: TransferFlags.pending | TransferFlags.voidPending,
      ownerCountries: new Map(registry.map((record) => [record.id, record.country])),
    };
    const storeQuery: Series = {
      name: 'scan: store.flowTotals, every transfer (what the totals replace)',
      times: [],
    };
    if (options.scanRuns > 0)
      await alternate(
        [{ series: storeQuery, call: async () => void (await store.flowTotals(query)) }],
        options.scanRuns - 1,
        deadline,
      );
    const inProcess = {
      operator: { name: 'in-process, operator', times: [] } as Series,
      participant: { name: `in-process, participant ${participant}`, times: [] } as Series,
    };
    say(
      `timing: ${options.runs} in-process runs per actor (load average ${loadAverage().join(' ')})`,
    );
    await alternate(
      [
        {
          series: inProcess.operator,
          call: async () => check(await tradeAnalytics(hub, operator)),
        },
        {
          series: inProcess.participant,
          call: async () => check(await tradeAnalytics(hub, bankActor)),
        },
      ],
      options.runs,
      deadline,
    );

    const http = {
      operator: { name: 'HTTP (inject), operator', times: [] } as Series,
      participant: { name: `HTTP (inject), participant ${participant}`, times: [] } as Series,
    };
    if (options.httpRuns > 0 && Date.now() < deadline) {
      const keys = new ApiKeys(ledger);
      const app = await buildServer({
        ledger,
        store,
        keys,
        participants: hub.participants,
        limits: { rateLimitPerSecond: 0, verifyIntervalMs: 0 },
        dispatcher: false,
      });
      try {
        const operatorKey = (await keys.issue({ role: 'operator', label: 'bench' }, CLI_ACTOR)).key;
        const bankKey = (
          await keys.issue({ role: 'participant', participant, label: 'bench' }, CLI_ACTOR)
        ).key;
        const get = async (key: string): Promise<void> => {
          const response = await app.inject({
            method: 'GET',
            url: '/v1/analytics/trade',
            headers: { authorization: `Bearer ${key}` },
          });
          if (response.statusCode !== 200)
            throw new Error(`bench: ${response.statusCode} ${response.body}`);
        };
        say(`timing: ${options.httpRuns} HTTP runs per actor`);
        await alternate(
          [
            { series: http.operator, call: () => get(operatorKey) },
            { series: http.participant, call: () => get(bankKey) },
          ],
          options.httpRuns,
          deadline,
        );
      } finally {
        await app.close();
      }
    }
    // Cold processes: each opens the database afresh and times its first calls.
    await store.close();
    closed = true;
    const cold = {
      open: { name: 'new process: open the store and the API server', times: [] } as Series,
      handler: { name: 'new process: first call (in process), operator', times: [] } as Series,
      operator: { name: 'new process: first request (HTTP), operator', times: [] } as Series,
      participant: {
        name: `new process: first request (HTTP), participant ${participant}`,
        times: [],
      } as Series,
    };
    if (options.coldRuns > 0) say(`timing: ${options.coldRuns} new processes, one at a time`);
    for (let run = 0; run < options.coldRuns; run += 1) {
      const timings = await coldProcess(database.target, participant);
      cold.open.times.push(timings.openMs);
      cold.handler.times.push(timings.handlerMs);
      cold.operator.times.push(timings.operatorMs);
      cold.participant.times.push(timings.participantMs);
    }
    for (const series of [cold.open, cold.handler, cold.operator, cold.participant])
      if (series.times.length > 0) series.coldMs = series.times[0];
    const results = {
      environment,
      store: options.store,
      transfers: written,
      payments: options.transfers,
      banks: options.banks,
      corporates: options.banks * options.corporates,
      seedSeconds: round(seedSeconds),
      loadAverage: loadAverage(),
      firstCallMs: round(firstCallMs),
      series: [
        storeQuery,
        inProcess.operator,
        inProcess.participant,
        http.operator,
        http.participant,
        cold.open,
        cold.handler,
        cold.operator,
        cold.participant,
      ]
        .filter((series) => series.coldMs !== undefined)
        .map(summary),
    };
    if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else {
      process.stdout.write(
        `${options.store}, ${written.toLocaleString('en')} transfers (${options.transfers.toLocaleString('en')} payments); load average ${results.loadAverage.join(' ')}; first call ${results.firstCallMs} ms\n`,
      );
      for (const series of results.series)
        process.stdout.write(
          `  ${series.name.padEnd(44)} p50 ${series.p50Ms} ms   p99 ${series.p99Ms} ms   (${series.runs} runs; cold ${series.coldMs} ms; min ${series.minMs}, max ${series.maxMs})\n`,
        );
    }
  } finally {
    if (!closed) await store.close();
    await database.remove();
  }
}

/**
 * One new process (this script with --cold-child) on the database at `target`: it opens the store
 * and the API server as `vostro serve` would (timed apart), then times its first request for the
 * operator, then for the participant. Not timed: starting Node.js.
 */
async function coldProcess(
  target: string,
  participant: string,
): Promise<{ openMs: number; handlerMs: number; operatorMs: number; participantMs: number }> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      script,
      '--store',
      options.store,
      '--cold-child',
      JSON.stringify({ target, participant }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`bench: the cold process exited with ${code}`);
  return JSON.parse(output) as {
    openMs: number;
    handlerMs: number;
    operatorMs: number;
    participantMs: number;
  };
}

async function coldChild(argument: string): Promise<void> {
  const { target, participant } = JSON.parse(argument) as { target: string; participant: string };
  const opening = performance.now();
  const store = await openTarget(target);
  try {
    // As `vostro serve` starts: the API server on the store (it prepares the windows and makes
    // sure of the flow totals before it would listen), and a key for each actor.
    const ledger = new Ledger(store);
    const keys = new ApiKeys(ledger);
    const participants = new ParticipantRegistry(ledger);
    const app = await buildServer({
      ledger,
      store,
      keys,
      participants,
      limits: { rateLimitPerSecond: 0, verifyIntervalMs: 0 },
      dispatcher: false,
    });
    try {
      const operatorKey = (await keys.issue({ role: 'operator', label: 'bench' }, CLI_ACTOR)).key;
      const bankKey = (
        await keys.issue({ role: 'participant', participant, label: 'bench' }, CLI_ACTOR)
      ).key;
      const openMs = performance.now() - opening;
      const time = async (key: string): Promise<number> => {
        const begin = performance.now();
        const response = await app.inject({
          method: 'GET',
          url: '/v1/analytics/trade',
          headers: { authorization: `Bearer ${key}` },
        });
        const ms = performance.now() - begin;
        if (response.statusCode !== 200)
          throw new Error(`bench: ${response.statusCode} ${response.body}`);
        if (response.json<{ months: unknown[] }>().months.length !== MONTHS)
          throw new Error('bench: not 24 months in the answer');
        return ms;
      };
      // The route's handler first, in the process (the analytics code and the store's read, cold),
      // then the first HTTP requests (which add the server's own first-request work).
      const hub = new Hub(ledger, participants);
      const handlerBegin = performance.now();
      const answer = await tradeAnalytics(hub, { id: 'operator', role: 'operator' });
      const handlerMs = performance.now() - handlerBegin;
      if (answer.months.length !== MONTHS) throw new Error('bench: not 24 months in the answer');
      const operatorMs = await time(operatorKey);
      const participantMs = await time(bankKey);
      process.stdout.write(JSON.stringify({ openMs, handlerMs, operatorMs, participantMs }));
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}

function loadAverage(): number[] {
  return loadavg().map((load) => Math.round(load * 100) / 100);
}

if (options.coldChild === undefined) await main();
else await coldChild(options.coldChild);
