import { isPostgresUrl } from '../../store/open-store.js';
import { runPostgresBenchInChild, runScenarioInChild } from '../../bench/ledger-bench.js';
import { SCENARIOS, type Scenario, type WorkloadResult } from '../../bench/ledger-workload.js';
import type { RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../io.js';
import { parseIntegerOption } from '../options.js';
import { printJson, renderTable } from '../shared/output.js';

/** What issue 2 asks of each scenario, in transfers per second. */
const TARGETS: Record<Scenario, number | undefined> = {
  'batch-time-ordered': 100_000,
  'batch-random-ids': undefined,
  'group-commit-64': 40_000,
};

interface BenchOptions {
  accounts: string;
  transfers: string;
  scenario: string;
  dir: string;
  json?: boolean;
  db?: string;
}

/**
 * `vostro bench`: the ledger benchmark. Each scenario runs in its own process on a fresh SQLite
 * file with durable commits; the file is removed afterwards.
 */
export const registerBench: RegisterCommand = (program, context) => {
  program
    .command('bench')
    .description(
      'benchmark the ledger on SQLite with durable commits: batches of 8,190 (time-ordered and random ids) and single transfers from 64 concurrent callers through group commit',
    )
    .option('--accounts <count>', 'accounts to create first', '10000')
    .option('--transfers <count>', 'transfers per scenario', '1000000')
    .option('--scenario <name>', `one of ${SCENARIOS.join(', ')}, or all`, 'all')
    .option(
      '--dir <path>',
      'directory for the temporary database (keep it on a real disk: a RAM disk would fake durability)',
      process.cwd(),
    )
    .option('--json', 'print results as JSON')
    .option(
      '--db <url>',
      'a postgres:// URL: benchmark the PostgreSQL store instead, against pgbench TPC-B on the same server (runs npm run bench:postgres)',
    )
    .action(async (options: BenchOptions) => {
      if (options.db !== undefined) {
        if (!isPostgresUrl(options.db))
          throw new UsageError(
            '--db: the SQLite benchmark makes its own database under --dir; --db takes a postgres:// URL',
          );
        const code = await runPostgresBenchInChild(options.db, options.json === true, {
          out: (text) => context.io.out(text),
          err: (text) => context.io.err(text),
        });
        context.setExitCode(code === 0 ? ExitCode.ok : ExitCode.refused);
        return;
      }
      const accounts = parseIntegerOption('--accounts', options.accounts, {
        minimum: 2,
        maximum: 1_000_000,
      });
      const transfers = parseIntegerOption('--transfers', options.transfers, {
        minimum: 1,
        maximum: 10_000_000,
      });
      const scenarios = options.scenario === 'all' ? SCENARIOS : [parseScenario(options.scenario)];
      const results: WorkloadResult[] = [];
      for (const scenario of scenarios) {
        if (context.io.interactive) context.io.err(`running ${scenario}...\n`);
        let lastShown = 0;
        results.push(
          await runScenarioInChild(
            { scenario, accounts, transfers, directory: options.dir },
            (done) => {
              if (context.io.interactive && done - lastShown >= transfers / 20) {
                lastShown = done;
                context.io.err(`  ${scenario}: ${Math.round((done / transfers) * 100)} %\r`);
              }
            },
          ),
        );
      }
      if (options.json === true) printJson(context.io, results);
      else context.io.out(resultsTable(results));
      context.setExitCode(ExitCode.ok);
    });
};

function parseScenario(text: string): Scenario {
  const scenario = SCENARIOS.find((name) => name === text);
  if (scenario === undefined)
    throw new UsageError(`--scenario: "${text}" is not one of ${SCENARIOS.join(', ')}, all`);
  return scenario;
}

function resultsTable(results: readonly WorkloadResult[]): string {
  const rows = results.map((result) => {
    const target = TARGETS[result.scenario];
    return [
      result.scenario,
      result.transfers.toLocaleString('en-US'),
      result.seconds.toFixed(2),
      Math.round(result.transfersPerSecond).toLocaleString('en-US'),
      result.p50Ms.toFixed(2),
      result.p99Ms.toFixed(2),
      result.peakRssMb.toFixed(0),
      result.averageGroupSize === undefined ? '' : result.averageGroupSize.toFixed(1),
      target === undefined
        ? ''
        : `${target.toLocaleString('en-US')} ${result.transfersPerSecond >= target ? 'met' : 'NOT met'}`,
    ];
  });
  return renderTable(
    [
      'scenario',
      'transfers',
      'seconds',
      'transfers/s',
      'p50 ms',
      'p99 ms',
      'peak RSS MB',
      'avg group',
      'target',
    ],
    rows,
    [1, 2, 3, 4, 5, 6, 7],
  );
}
