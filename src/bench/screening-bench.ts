// Benchmark of sanctions screening (not a timed test):
//   npm run bench:screening -- [--queries 3000] [--parties 100000] [--scenario all|load|screen|rescreen] [--seed 1] [--json]
// - load: both fixture lists (../shared/fixtures/sanctions: the UN consolidated XML, the OFAC SDN
//   legacy CSV set) read and parsed, the screener's index built; wall time and the heap they keep;
// - screen: one name at a time, --queries mixed queries on a fresh screener: the evaluation set's
//   rows (list names with variations, true non-matches) and synthetic Indian and Russian person and
//   company names, in a seeded shuffle, after 300 untimed warm-up names; latency p50 / p99 / max of
//   the first pass (token look-ups made as they come) and of a second pass over the same queries
//   (look-ups kept), in wall time and in the process's CPU time (getrusage: what a query costs
//   when the machine is shared, preemption left out);
// - rescreen: --parties synthetic parties (names as above, 1 % of them list names) re-screened
//   after a list load that adds 1 % of OFAC's entries, removes 0.5 % and changes 0.5 % (rescreen(),
//   which screens against the changed entries only), and screened in full against both lists (what a
//   first load, or a change of options, costs).
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { readEvalSet } from '../screening/eval/eval-set.js';
import { OFAC_FILES, UN_FILE } from '../screening/eval/fixture-lists.js';
import * as names from '../screening/eval/names.js';
import { pick, random } from '../screening/eval/variations.js';
import { loadList } from '../screening/loaders/registry.js';
import { rescreen, type ScreenedParty } from '../screening/rescreen.js';
import { Screener } from '../screening/screener.js';
import type { ListEntry, Snapshot } from '../screening/types.js';
import { benchOptions, choiceOption, integerOption, parseBenchArgs } from './options.js';

const SCENARIOS = ['all', 'load', 'screen', 'rescreen'] as const;

const USAGE = `
usage: npm run bench:screening -- [options]

  --queries <n>        names screened one at a time, 100 to 100,000 (default 3,000)
  --parties <n>        parties re-screened, 1,000 to 1,000,000 (default 100,000)
  --scenario <name>    load, screen, rescreen or all (default all)
  --seed <n>           seed of the synthetic names (default 1)
  --json               print the results as JSON
  -h, --help           this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    queries: { type: 'string', default: '3000' },
    parties: { type: 'string', default: '100000' },
    scenario: { type: 'string', default: 'all' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  });
  return {
    queries: integerOption('queries', values.queries, 100, 100_000),
    parties: integerOption('parties', values.parties, 1_000, 1_000_000),
    scenario: choiceOption('scenario', values.scenario, SCENARIOS),
    seed: integerOption('seed', values.seed, 1, 0xffff_ffff),
    json: values.json,
  };
});

const runs = (scenario: (typeof SCENARIOS)[number]) =>
  options.scenario === 'all' || options.scenario === scenario;
const log = (line: string) => {
  if (!options.json) console.log(line);
};
const environment = `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'})`;
log(
  `${environment}; load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);

const next = random(options.seed);
const megabytes = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function latencies(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return {
    count: samples.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    meanMs: round(mean),
  };
}

/** A synthetic name: an Indian or Russian person or company, Russian ones in either script. */
function syntheticName(): string {
  const kind = next();
  if (kind < 0.35) return `${pick(next, names.INDIAN_GIVEN)} ${pick(next, names.INDIAN_SURNAMES)}`;
  if (kind < 0.7) {
    const given = pick(next, next() < 0.5 ? names.RUSSIAN_GIVEN_MALE : names.RUSSIAN_GIVEN_FEMALE);
    return `${given} ${pick(next, names.RUSSIAN_SURNAMES)}`;
  }
  if (kind < 0.85)
    return `${pick(next, names.INDIAN_COMPANY_FIRST)} ${pick(next, names.INDIAN_COMPANY_SECOND)} ${pick(next, names.INDIAN_LEGAL_FORMS)}`.trim();
  return `${pick(next, names.RUSSIAN_LEGAL_FORMS)} «${pick(next, names.RUSSIAN_COMPANY_FIRST)} ${pick(next, names.RUSSIAN_COMPANY_SECOND)}»`;
}

const results: Record<string, unknown> = {};

// Load: parse both lists and build the index, with the heap they keep.
const heapBefore = process.memoryUsage().heapUsed;
let started = performance.now();
const un = loadList('un', [UN_FILE]);
const unMs = performance.now() - started;
started = performance.now();
const ofac = loadList('ofac', OFAC_FILES);
const ofacMs = performance.now() - started;
started = performance.now();
const screener = new Screener([un, ofac]);
const indexMs = performance.now() - started;
const heapAfter = process.memoryUsage().heapUsed;
if (runs('load')) {
  results['load'] = {
    unMs: Math.round(unMs),
    ofacMs: Math.round(ofacMs),
    indexMs: Math.round(indexMs),
    entries: screener.size.entries,
    listNames: screener.size.names,
    tokens: screener.size.tokens,
    heapMb: megabytes(heapAfter - heapBefore),
    rssMb: megabytes(process.memoryUsage().rss),
  };
  log(
    `load: UN ${un.entryCount} entries in ${Math.round(unMs)} ms, OFAC ${ofac.entryCount} in ${Math.round(ofacMs)} ms; ` +
      `index of ${screener.size.names} list names (${screener.size.tokens} tokens) in ${Math.round(indexMs)} ms; ` +
      `heap +${megabytes(heapAfter - heapBefore)} MB, RSS ${megabytes(process.memoryUsage().rss)} MB`,
  );
}

if (runs('screen')) {
  const evalQueries = readEvalSet().map((row) => row.query);
  const queries: string[] = [];
  while (queries.length < options.queries)
    queries.push(next() < 0.6 ? pick(next, evalQueries) : syntheticName());
  const fresh = new Screener([un, ofac]);
  // Warm-up (not timed): synthetic names of another seed, so that the JIT has compiled the
  // screening code and the measured queries still find their own tokens not yet looked up.
  const warmUp = random(options.seed + 1);
  for (let i = 0; i < 300; i++)
    fresh.screen({
      name: `${pick(warmUp, names.INDIAN_GIVEN)} ${pick(warmUp, names.RUSSIAN_SURNAMES)}`,
    });
  const pass = () => {
    const samples: number[] = [];
    const cpuSamples: number[] = [];
    let hits = 0;
    for (const name of queries) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      hits += fresh.screen({ name }).length;
      samples.push(performance.now() - t0);
      const used = process.cpuUsage(c0);
      cpuSamples.push((used.user + used.system) / 1000);
    }
    const cpu = latencies(cpuSamples);
    return { ...latencies(samples), cpuP50Ms: cpu.p50Ms, cpuP99Ms: cpu.p99Ms, hits };
  };
  const first = pass();
  const fallbacks = fresh.fallbacks;
  const second = pass();
  results['screen'] = { first, second, fallbackTokens: fallbacks };
  log(
    `screen one name (${queries.length} mixed queries): first pass p50 ${first.p50Ms} ms, p99 ${first.p99Ms} ms, max ${first.maxMs} ms, mean ${first.meanMs} ms; ` +
      `second pass p50 ${second.p50Ms} ms, p99 ${second.p99Ms} ms; CPU time per query p50 / p99 ${first.cpuP50Ms} / ${first.cpuP99Ms} ms (first), ${second.cpuP50Ms} / ${second.cpuP99Ms} ms (second); ` +
      `${fallbacks} query tokens took the fallback`,
  );
}

if (runs('rescreen')) {
  const listNames = [...un.entries, ...ofac.entries].flatMap((entry) =>
    entry.names.filter((name) => name.quality === 'primary').map((name) => name.name),
  );
  const parties: ScreenedParty[] = [];
  for (let i = 0; i < options.parties; i++)
    parties.push({
      id: `p${i}`,
      party: { name: next() < 0.01 ? pick(next, listNames) : syntheticName() },
    });
  // The list before the load: 1 % of OFAC's entries not yet listed, 0.5 % since delisted (made
  // up here), 0.5 % under another name.
  const entries: ListEntry[] = [];
  let removed = 0;
  for (const entry of ofac.entries) {
    const roll = next();
    if (roll < 0.01) continue;
    if (roll < 0.015) {
      entries.push({
        ...entry,
        names: entry.names.slice(0, 1).map((name) => ({ ...name, name: `${name.name} X` })),
      });
      continue;
    }
    entries.push(entry);
    if (roll < 0.02) {
      removed++;
      entries.push({ ...entry, id: `delisted-${entry.id}` });
    }
  }
  const before: Snapshot = { ...ofac, id: 'ofac@before', entries, entryCount: entries.length };
  const cpu = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return round((used.user + used.system) / 1e6, 2);
  };
  let cpuStart = process.cpuUsage();
  started = performance.now();
  const update = rescreen(parties, [un, before], [un, ofac]);
  const updateMs = performance.now() - started;
  const updateCpu = cpu(cpuStart);
  cpuStart = process.cpuUsage();
  started = performance.now();
  const full = rescreen(parties, [], [un, ofac]);
  const fullMs = performance.now() - started;
  const fullCpu = cpu(cpuStart);
  results['rescreen'] = {
    parties: parties.length,
    update: {
      seconds: round(updateMs / 1000, 2),
      cpuSeconds: updateCpu,
      entries: update.entries,
      partiesChanged: update.changes.length,
    },
    full: {
      seconds: round(fullMs / 1000, 2),
      cpuSeconds: fullCpu,
      partiesWithHits: full.changes.length,
    },
    delistedMadeUp: removed,
  };
  log(
    `rescreen ${parties.length} parties: after a list update (${update.entries.added} entries added, ${update.entries.removed} removed, ${update.entries.changed} changed) ` +
      `${round(updateMs / 1000, 2)} s (CPU ${updateCpu} s), ${update.changes.length} parties changed; ` +
      `in full against both lists ${round(fullMs / 1000, 2)} s (CPU ${fullCpu} s), ${full.changes.length} parties with hits`,
  );
}

if (options.json)
  console.log(JSON.stringify({ environment, loadAverage: loadavg(), options, results }, null, 2));
