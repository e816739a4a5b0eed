/**
 * `npm run bench:failover`: PostgreSQL with a synchronous standby on this machine (made and
 * removed by the script, as the tests do: src/store/postgres/cluster.test-helper.ts).
 *
 * 1. Throughput: the ledger's batched (batches of 8,190) and group-commit (64 callers) workloads
 *    on the primary while every COMMIT waits for the synchronous standby, then on the same primary
 *    alone (standby stopped, `synchronous_standby_names` cleared), in turn, in the same run; the
 *    ratio is sync / alone of the medians.
 * 2. Failover: `--kills` times, a fresh primary + standby, honest clients streaming transfers
 *    through the API, the primary SIGKILLed at a random moment, the standby promoted; the
 *    unavailability window (kill to first acknowledged write) and the checks of the failover test
 *    (every acknowledged transfer on the new primary, the verifier passes).
 *
 *   npm run bench:failover -- [--kills 10] [--rounds 2] [--transfers 81900] [--single 10000] [--json]
 */
import {
  clusterUnavailableReason,
  PostgresCluster,
  STANDBY_NAME,
} from '../store/postgres/cluster.test-helper.js';
import { failoverRun, type FailoverRun } from '../api/failover.test-helper.js';
import { benchOptions, integerOption, parseBenchArgs } from './options.js';
import {
  runPostgresWorkload,
  type PostgresScenario,
  type PostgresWorkloadResult,
} from './postgres-workload.js';

const USAGE = `
usage: npm run bench:failover -- [options]

Needs PostgreSQL's binaries (VOSTRO_POSTGRES_BIN, default /usr/lib/postgresql/15/bin); as root,
the servers run as the postgres user. Everything listens on 127.0.0.1 only.

  --kills <n>        failovers (SIGKILL of the primary, promotion of the standby), 1 to 100 (default 10)
  --rounds <n>       throughput rounds, each with the standby synchronous then alone, 1 to 20 (default 2)
  --accounts <n>     accounts for the throughput runs, 2 to 1,000,000 (default 10,000)
  --transfers <n>    transfers in batches of 8,190 per throughput run, 1 to 10,000,000 (default 81,900)
  --single <n>       single transfers through group commit per throughput run, 1 to 1,000,000 (default 10,000)
  --json             print the results as JSON
  -h, --help         this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    kills: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    accounts: { type: 'string', default: '10000' },
    transfers: { type: 'string', default: '81900' },
    single: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  });
  return {
    kills: integerOption('kills', values.kills, 1, 100),
    rounds: integerOption('rounds', values.rounds, 1, 20),
    accounts: integerOption('accounts', values.accounts, 2, 1_000_000),
    transfers: integerOption('transfers', values.transfers, 1, 10_000_000),
    single: integerOption('single', values.single, 1, 1_000_000),
    json: values.json,
  };
});

const log = (line: string): boolean => process.stderr.write(`${line}\n`);

async function workload(
  cluster: PostgresCluster,
  scenario: PostgresScenario,
  transfers: number,
  schema: string,
): Promise<PostgresWorkloadResult> {
  log(`  ${scenario}: ${transfers.toLocaleString('en-US')} transfers...`);
  return runPostgresWorkload({
    scenario,
    url: cluster.url({ schema }),
    accounts: options.accounts,
    transfers,
  });
}

interface Throughput {
  readonly batched: PostgresWorkloadResult;
  readonly groupCommit: PostgresWorkloadResult;
}

/**
 * The same primary with the standby synchronous, then alone (the standby stopped,
 * `synchronous_standby_names` cleared), `--rounds` times in turn (A B A B ...), so that a change in
 * the machine's load falls on both alike; each run in a schema of its own.
 */
async function throughput(): Promise<{ sync: Throughput[]; alone: Throughput[] }> {
  const cluster = await PostgresCluster.create();
  const sync: Throughput[] = [];
  const alone: Throughput[] = [];
  const setSyncNames = async (names: string): Promise<void> => {
    await cluster.query(cluster.primary, `ALTER SYSTEM SET synchronous_standby_names = '${names}'`);
    await cluster.query(cluster.primary, 'SELECT pg_reload_conf()');
  };
  try {
    for (let round = 1; round <= options.rounds; round += 1) {
      log(`round ${round}/${options.rounds}, with the synchronous standby:`);
      const [state] = await cluster.query<{ sync_state: string }>(
        cluster.primary,
        'SELECT sync_state FROM pg_stat_replication',
      );
      if (state?.sync_state !== 'sync') throw new Error('the standby is not synchronous');
      sync.push({
        batched: await workload(cluster, 'batch-8190', options.transfers, `bench_sync_b${round}`),
        groupCommit: await workload(
          cluster,
          'group-commit-64',
          options.single,
          `bench_sync_g${round}`,
        ),
      });
      await cluster.stop(cluster.standby);
      await setSyncNames('');
      log(`round ${round}/${options.rounds}, the same primary alone:`);
      alone.push({
        batched: await workload(cluster, 'batch-8190', options.transfers, `bench_alone_b${round}`),
        groupCommit: await workload(
          cluster,
          'group-commit-64',
          options.single,
          `bench_alone_g${round}`,
        ),
      });
      if (round < options.rounds) {
        await setSyncNames(STANDBY_NAME);
        await cluster.start(cluster.standby);
        await cluster.waitForSync();
      }
    }
    return { sync, alone };
  } finally {
    await cluster.remove();
  }
}

async function failovers(): Promise<FailoverRun[]> {
  const runs: FailoverRun[] = [];
  for (let kill = 1; kill <= options.kills; kill += 1) {
    const cluster = await PostgresCluster.create();
    try {
      const run = await failoverRun(cluster);
      log(
        `failover ${kill}/${options.kills}: unavailable ${run.unavailableMs} ms (promote ${run.promoteMs} ms), ${run.acknowledged} acknowledged, ${run.unavailable} 503s retried`,
      );
      runs.push(run);
    } finally {
      await cluster.remove();
    }
  }
  return runs;
}

/** The middle value, or the mean of the two middle values. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const reason = clusterUnavailableReason();
if (reason !== undefined) {
  process.stderr.write(`bench:failover cannot run: ${reason}\n`);
  process.exit(2);
}
const { sync, alone } = await throughput();
const runs = await failovers();
const windows = runs.map((run) => run.unavailableMs);
const rate = (runs: readonly Throughput[], pick: (run: Throughput) => PostgresWorkloadResult) =>
  median(runs.map((run) => pick(run).transfersPerSecond));
const batchedSync = rate(sync, (run) => run.batched);
const batchedAlone = rate(alone, (run) => run.batched);
const groupSync = rate(sync, (run) => run.groupCommit);
const groupAlone = rate(alone, (run) => run.groupCommit);
const result = {
  throughput: {
    rounds: options.rounds,
    batchedSync: Math.round(batchedSync),
    batchedAlone: Math.round(batchedAlone),
    batchedRatio: batchedSync / batchedAlone,
    groupCommitSync: Math.round(groupSync),
    groupCommitAlone: Math.round(groupAlone),
    groupCommitRatio: groupSync / groupAlone,
    groupCommitP50MsSync: median(sync.map((run) => run.groupCommit.p50Ms)),
    groupCommitP50MsAlone: median(alone.map((run) => run.groupCommit.p50Ms)),
    each: {
      batchedSync: sync.map((run) => Math.round(run.batched.transfersPerSecond)),
      batchedAlone: alone.map((run) => Math.round(run.batched.transfersPerSecond)),
      groupCommitSync: sync.map((run) => Math.round(run.groupCommit.transfersPerSecond)),
      groupCommitAlone: alone.map((run) => Math.round(run.groupCommit.transfersPerSecond)),
    },
  },
  failover: {
    kills: runs.length,
    unavailableMsP50: median(windows),
    unavailableMsMax: Math.max(...windows),
    promoteMsP50: median(runs.map((run) => run.promoteMs)),
    acknowledged: runs.reduce((sum, run) => sum + run.acknowledged, 0),
    lost: 0,
  },
};
if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const t = result.throughput;
  const f = result.failover;
  process.stdout.write(
    [
      `batched (8,190/batch):  sync standby ${t.batchedSync.toLocaleString('en-US')}/s, alone ${t.batchedAlone.toLocaleString('en-US')}/s, ratio ${t.batchedRatio.toFixed(2)}`,
      `group commit (64):      sync standby ${t.groupCommitSync.toLocaleString('en-US')}/s, alone ${t.groupCommitAlone.toLocaleString('en-US')}/s, ratio ${t.groupCommitRatio.toFixed(2)} (p50 ${t.groupCommitP50MsSync} ms vs ${t.groupCommitP50MsAlone} ms)`,
      `failover over ${f.kills} kills: unavailable p50 ${f.unavailableMsP50} ms, max ${f.unavailableMsMax} ms (promote p50 ${f.promoteMsP50} ms); ${f.acknowledged.toLocaleString('en-US')} acknowledged transfers, none lost, verifier passed each time`,
      '',
    ].join('\n'),
  );
}
