// Benchmark of the corridor planner (not a timed test): `npm run bench:routes`.
// Measures single route queries (parse + plan, K = 1 and K = 3) and full corridor comparisons over
// a fixed mix of origin/destination pairs, after a warm-up, and prints p50 and p99 per operation.
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  compareCorridors,
  corridorNetwork,
  parseCompareQuery,
  parseRouteQuery,
  planRoutes,
} from '../corridors/index.js';
import { benchOptions, integerOption, parseBenchArgs } from './options.js';

const USAGE = `
usage: npm run bench:routes

Times route queries (parse + plan, K = 1 and K = 3, and with a via place) and corridor comparisons
(8 corridors) over a fixed mix of origin and destination pairs, after a warm-up, and prints p50 and
p99 per operation, and the time to build the network (the sea network's voyages) once.

  --runs-percent <P>   run P % of the default number of operations (default 100; 10 for a short run)
  -h, --help           this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, { 'runs-percent': { type: 'string', default: '100' } });
  return { runsPercent: integerOption('runs-percent', values['runs-percent'], 1, 100) };
});
const runs = (count: number) => Math.max(100, Math.round((count * options.runsPercent) / 100));

const pairs: readonly [string, string][] = [
  ['INNSA', 'RUMOW'],
  ['INCCU', 'RUVYP'],
  ['RUMMK', 'JPYOK'],
  ['RULED', 'RUVVO'],
  ['INMAA', 'RUMOW'],
  ['INMUN', 'RUASF'],
  ['INNSA', 'RULED'],
  ['INMAA', 'RUVVO'],
  ['IRBND', 'RUMOW'],
  ['INNSA', 'RUMMK'],
  ['INIXY', 'AZBAK'],
  ['INTKD', 'RUMOW'],
  ['INBOM', 'RUNVS'],
];
const objectives = ['time', 'cost', 'co2', 'mix'] as const;
const dates = ['2026-03-01', '2026-08-15', '2026-12-10'];
const today = '2026-11-22';

function measure(
  label: string,
  iterations: number,
  operation: (i: number) => void,
): { label: string; p50Ms: number; p99Ms: number } {
  for (let i = 0; i < Math.min(iterations, 500); i++) operation(i);
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    operation(i);
    samples[i] = performance.now() - start;
  }
  samples.sort();
  const result = {
    label,
    p50Ms: samples[Math.floor(iterations * 0.5)]!,
    p99Ms: samples[Math.floor(iterations * 0.99)]!,
  };
  console.log(
    `${label.padEnd(44)} p50 ${result.p50Ms.toFixed(3)} ms   p99 ${result.p99Ms.toFixed(3)} ms   (${iterations} runs)`,
  );
  return result;
}

function routeQuery(i: number, alternatives: number, via?: string) {
  const [from, to] = pairs[i % pairs.length]!;
  const parsed = parseRouteQuery(
    {
      from,
      to,
      ...(via === undefined || via === from || via === to ? {} : { via }),
      by: objectives[i % objectives.length],
      date: dates[i % dates.length],
      iceClass: i % 2 === 0,
      redSea: i % 3 === 0 ? 'open' : 'closed',
      alternatives,
    },
    { today },
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  const plan = planRoutes(parsed.value);
  if (!plan.ok) throw new Error(plan.error.message);
}

function comparison(i: number) {
  const [from, to] = pairs[i % pairs.length]!;
  const parsed = parseCompareQuery(
    {
      from,
      to,
      by: objectives[i % objectives.length],
      date: dates[i % dates.length],
      iceClass: i % 2 === 0,
      redSea: i % 3 === 0 ? 'open' : 'closed',
    },
    { today },
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  if (!compareCorridors(parsed.value).ok) throw new Error('comparison failed');
}

console.log(
  `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'})`,
);
const buildStart = performance.now();
corridorNetwork();
console.log(
  `${'network build (sea voyages), once'.padEnd(44)} ${(performance.now() - buildStart).toFixed(0)} ms`,
);
measure('route query (parse + plan, K = 1)', runs(20_000), (i) => routeQuery(i, 1));
measure('route query with 3 alternatives (Yen)', runs(5_000), (i) => routeQuery(i, 3));
measure('route query via Jebel Ali (K = 1)', runs(5_000), (i) => routeQuery(i, 1, 'AEJEA'));
measure('corridor comparison (8 corridors)', runs(5_000), comparison);
