// Benchmark of settlement netting (not a timed test):
//   npm run bench:netting -- [--transfers 1000000] [--banks 100] [--reps 7] [--ids fresh|shared] [--seed 1] [--no-bilateral] [--json]
// Generates the window's interbank transfers up front (not timed): random ordered pairs of banks,
// INR or RUB (as ledger numbers, as a store row carries them), amounts log-uniform from 1.00 to
// 10,000,000.00. Then times, per repetition, a fresh NettingAccumulator fed every item (`addMany`)
// and `result()` (multilateral positions and instructions, bilateral positions and instructions,
// efficiencies; `--no-bilateral` leaves out the bilateral lists), after one first (cold) run that is
// reported apart. Prints min / median / max wall time and the median CPU time.
// `--ids fresh` (default) gives every item its own copy of the participant id strings, as rows from
// a database cursor have, regenerated before every run; `--ids shared` reuses one string per bank
// (hash already cached: faster). The npm script runs node with --expose-gc, so that garbage is
// collected before each timed run.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { benchOptions, choiceOption, integerOption, parseBenchArgs } from './options.js';
import { NettingAccumulator, type NettingItem, type NettingResult } from '../settlement/netting.js';

interface Options {
  transfers: number;
  banks: number;
  reps: number;
  ids: 'fresh' | 'shared';
  seed: number;
  bilateral: boolean;
  json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const values = parseBenchArgs(argv, {
    transfers: { type: 'string', default: '1000000' },
    banks: { type: 'string', default: '100' },
    reps: { type: 'string', default: '7' },
    ids: { type: 'string', default: 'fresh' },
    seed: { type: 'string', default: '1' },
    'no-bilateral': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  return {
    transfers: integerOption('transfers', values.transfers, 1, 10_000_000),
    banks: integerOption('banks', values.banks, 2, 100_000),
    reps: integerOption('reps', values.reps, 1, 1000),
    ids: choiceOption('ids', values.ids, ['fresh', 'shared']),
    seed: integerOption('seed', values.seed, 1, 0xffff_ffff),
    bilateral: !values['no-bilateral'],
    json: values.json,
  };
}

/** mulberry32: a small seeded PRNG, so every run nets the same window. */
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

function generate(options: Options): NettingItem[] {
  const next = random(options.seed);
  const banks = Array.from(
    { length: options.banks },
    (_, i) => `${i % 2 === 0 ? 'IN' : 'RU'}BANK${String(i).padStart(5, '0')}`,
  );
  const id =
    options.ids === 'fresh'
      ? (i: number) => Buffer.from(banks[i]!).toString('latin1')
      : (i: number) => banks[i]!;
  const items: NettingItem[] = []; // pushed, not `new Array(n)`: a large preallocated array is kept as a slow dictionary
  for (let n = 0; n < options.transfers; n++) {
    const debit = Math.floor(next() * options.banks);
    let credit = Math.floor(next() * (options.banks - 1));
    if (credit >= debit) credit++;
    const amount = BigInt(Math.floor(100 * 10 ** (next() * 7)));
    items.push({
      debitParticipant: id(debit),
      creditParticipant: id(credit),
      currency: next() < 0.5 ? 356 : 643,
      amount,
    });
  }
  return items;
}

/** One timed netting. `cpuMs` is the process's CPU time over the run: less disturbed than wall time when other processes compete for the cores. */
function run(items: readonly NettingItem[]): {
  addMs: number;
  resultMs: number;
  totalMs: number;
  cpuMs: number;
  result: NettingResult;
} {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const accumulator = new NettingAccumulator();
  accumulator.addMany(items);
  const added = performance.now();
  const result = accumulator.result({ bilateral: options.bilateral });
  const end = performance.now();
  const used = process.cpuUsage(cpu);
  return {
    addMs: added - start,
    resultMs: end - added,
    totalMs: end - start,
    cpuMs: (used.user + used.system) / 1000,
    result,
  };
}

const USAGE = `
usage: npm run bench:netting -- [options]

  --transfers <n>      interbank transfers in the window, 1 to 10,000,000 (default 1,000,000)
  --banks <n>          banks among which they are drawn, 2 to 100,000 (default 100)
  --reps <n>           timed runs after the first (cold) one, 1 to 1,000 (default 7)
  --ids <kind>         fresh (a new id string per item and run) or shared (one per bank); default fresh
  --seed <n>           seed of the generated window, 1 to 4,294,967,295 (default 1)
  --no-bilateral       leave the bilateral positions and instructions out of the result
  --json               print the results as JSON
  -h, --help           this text
`;
const options = benchOptions(USAGE, parseOptions);
const environment = `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'})`;
if (!options.json)
  console.log(
    `${environment}\ngenerating ${options.transfers.toLocaleString('en')} transfers among ${options.banks} banks (ids ${options.ids}) …`,
  );
/**
 * The items of one run. With fresh ids every run gets newly generated items (same seed, same window),
 * because a string caches its hash once hashed: reusing the items would time cached lookups.
 */
let items: NettingItem[] = generate(options);
function itemsForRun(): readonly NettingItem[] {
  if (options.ids === 'fresh') {
    items = [];
    items = generate(options);
  }
  (globalThis as { gc?: () => void }).gc?.(); // with --expose-gc: start each timed run with a clean heap
  return items;
}
const warmUp = run(itemsForRun());
const runs = Array.from({ length: options.reps }, () => run(itemsForRun()));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const totals = runs.map((r) => r.totalMs);
const summary = {
  environment,
  transfers: options.transfers,
  banks: options.banks,
  ids: options.ids,
  bilateral: options.bilateral,
  reps: options.reps,
  loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  warmUpMs: round(warmUp.totalMs),
  runsMs: totals.map(round),
  minMs: round(Math.min(...totals)),
  medianMs: round(median(totals)),
  maxMs: round(Math.max(...totals)),
  medianCpuMs: round(median(runs.map((r) => r.cpuMs))),
  medianAddMs: round(median(runs.map((r) => r.addMs))),
  medianResultMs: round(median(runs.map((r) => r.resultMs))),
  currencies: warmUp.result.currencies.map((c) => ({
    currency: c.currency,
    transfers: c.transferCount,
    participants: c.positions.length,
    instructions: c.instructions.length,
    bilateralPairs: c.bilateral.length,
    efficiency: c.efficiency?.text ?? null,
    bilateralEfficiency: c.bilateralEfficiency?.text ?? null,
  })),
};

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

if (options.json) console.log(JSON.stringify(summary, null, 2));
else {
  for (const c of summary.currencies) {
    console.log(
      `${c.currency}: ${c.transfers.toLocaleString('en')} transfers, ${c.participants} participants, ${c.instructions} instructions, ${c.bilateralPairs} bilateral pairs, efficiency ${c.efficiency} (bilateral ${c.bilateralEfficiency})`,
    );
  }
  console.log(
    `netting (add + result), ${options.reps} runs after a first (cold) run of ${summary.warmUpMs} ms; load average ${summary.loadAverage.join(' ')}:`,
  );
  console.log(
    `  min ${summary.minMs} ms   median ${summary.medianMs} ms   max ${summary.maxMs} ms   (median add ${summary.medianAddMs} ms, result ${summary.medianResultMs} ms; median CPU ${summary.medianCpuMs} ms)`,
  );
  console.log('  runs: ' + summary.runsMs.join(', ') + ' ms');
}
