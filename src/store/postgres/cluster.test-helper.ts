import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A PostgreSQL 15 primary with a synchronous standby, made by the tests on this machine under a
 * temporary directory, on free ports of 127.0.0.1 only: initdb, then pg_basebackup of the
 * primary into the standby, which streams from it as `standby1`, the name the primary's
 * `synchronous_standby_names` waits for. A COMMIT on the primary returns only once the standby
 * has the commit record on disk (`synchronous_commit = on`).
 *
 * The standby's own `synchronous_standby_names` is empty: once promoted it has no standby, and
 * would otherwise make every write wait forever. That is the operator's (or Patroni's) choice
 * after a failover; see docs/scaling.md.
 *
 * Run as root (CI), the server commands run as the `postgres` user (initdb refuses root), and the
 * directory is handed to that user. `remove()` kills what is still running and deletes the
 * directory; it also runs when the process exits without it.
 */

const execFileAsync = promisify(execFile);
export const POSTGRES_BIN = process.env.VOSTRO_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
export const STANDBY_NAME = 'standby1';

/** Undefined when a cluster can be made here, else why not (the PostgreSQL binaries are absent). */
export function clusterUnavailableReason(): string | undefined {
  for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres']) {
    if (!existsSync(join(POSTGRES_BIN, tool)))
      return `${join(POSTGRES_BIN, tool)} is missing (set VOSTRO_POSTGRES_BIN to PostgreSQL's bin directory)`;
  }
  if (process.getuid?.() === 0) {
    try {
      postgresIds();
    } catch {
      return 'running as root and there is no postgres user to run the server as';
    }
  }
  return undefined;
}

export interface ClusterNode {
  readonly name: 'primary' | 'standby';
  readonly port: number;
  readonly dataDirectory: string;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * runuser by its path: it lives in /usr/sbin (Debian), which a minimal PATH (CI's, `env -i`) leaves
 * out, so the bare name is only the last resort.
 */
const RUNUSER =
  ['/usr/sbin/runuser', '/sbin/runuser'].find((path) => existsSync(path)) ?? 'runuser';

/** Runs a PostgreSQL tool, as the postgres user when this process is root. */
async function run(tool: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const path = join(POSTGRES_BIN, tool);
  const [command, argv] = isRoot()
    ? [RUNUSER, ['-u', 'postgres', '--', path, ...args]]
    : [path, [...args]];
  try {
    const { stdout } = await execFileAsync(command, argv, { timeout: timeoutMs });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${tool} ${args.join(' ')} failed: ${stderr.trim() || String(error)}`, {
      cause: error,
    });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The postmaster's pid and its System V shared memory id, from postmaster.pid, if it is there. */
function postmasterOf(
  dataDirectory: string,
): { pid: number; shmid: number | undefined } | undefined {
  try {
    const lines = readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const shmid = Number(lines[6]?.trim().split(/\s+/)[1]);
    return Number.isInteger(pid) && pid > 0
      ? { pid, shmid: Number.isInteger(shmid) ? shmid : undefined }
      : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every cluster not yet removed, for the exit hook. */
const live = new Set<PostgresCluster>();
const removeLive = (): void => {
  for (const cluster of live) cluster.removeNow();
};
process.once('exit', removeLive);
// Ended by a signal (the test runner's timeout, Ctrl-C): clean up, then end as the signal would.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeLive();
    process.kill(process.pid, signal);
  });
}

export class PostgresCluster {
  private removed = false;
  /** Postmaster pids this cluster started (SIGKILLed ones included: their children may linger). */
  private readonly pids = new Set<number>();
  private readonly shmids = new Set<number>();

  private constructor(
    readonly directory: string,
    readonly primary: ClusterNode,
    readonly standby: ClusterNode,
  ) {}

  /** Makes, starts and waits for the pair (about 10 s); removes what it made if any step fails. */
  static async create(options: { readonly fsync?: boolean } = {}): Promise<PostgresCluster> {
    const directory = mkdtempSync(join(tmpdir(), 'vostro-cluster-'));
    if (isRoot()) {
      const { uid, gid } = postgresIds();
      chownSync(directory, uid, gid);
    }
    const [primaryPort, standbyPort] = [await freePort(), await freePort()];
    const cluster = new PostgresCluster(
      directory,
      { name: 'primary', port: primaryPort, dataDirectory: join(directory, 'primary') },
      { name: 'standby', port: standbyPort, dataDirectory: join(directory, 'standby') },
    );
    live.add(cluster);
    try {
      await cluster.build(options.fsync ?? true);
    } catch (error) {
      await cluster.remove();
      throw error;
    }
    return cluster;
  }

  private async build(fsync: boolean): Promise<void> {
    const { primary, standby } = this;
    await run('initdb', [
      '-D',
      primary.dataDirectory,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    appendFileSync(
      join(primary.dataDirectory, 'postgresql.conf'),
      [
        '',
        '# vostro test cluster',
        "listen_addresses = '127.0.0.1'",
        `port = ${primary.port}`,
        `unix_socket_directories = '${this.directory}'`,
        'wal_level = replica',
        'max_wal_senders = 4',
        `synchronous_standby_names = '${STANDBY_NAME}'`,
        'synchronous_commit = on',
        `fsync = ${fsync ? 'on' : 'off'}`,
        'max_connections = 40',
        'shared_buffers = 32MB',
        '',
      ].join('\n'),
    );
    await this.start(primary);
    await run('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      standby.dataDirectory,
      '-R',
      '-X',
      'stream',
    ]);
    appendFileSync(
      join(standby.dataDirectory, 'postgresql.conf'),
      [
        '',
        '# the standby: its own port; promoted, it has no standby of its own to wait for',
        `port = ${standby.port}`,
        "synchronous_standby_names = ''",
        // How long the standby waits between tries to fetch WAL once its primary is gone (default
        // 5 s): a promotion once took exactly 5 s in bench:failover with the default.
        "wal_retrieve_retry_interval = '250ms'",
        '',
      ].join('\n'),
    );
    appendFileSync(
      join(standby.dataDirectory, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=${STANDBY_NAME}'\n`,
    );
    await this.start(standby);
    await this.waitForSync();
  }

  /** Starts a node (again) and waits until it accepts connections. */
  async start(node: ClusterNode): Promise<void> {
    await run('pg_ctl', [
      'start',
      '-D',
      node.dataDirectory,
      '-w',
      '-t',
      '60',
      '-l',
      join(this.directory, `${node.name}.log`),
    ]);
    const postmaster = postmasterOf(node.dataDirectory);
    if (postmaster !== undefined) {
      this.pids.add(postmaster.pid);
      if (postmaster.shmid !== undefined) this.shmids.add(postmaster.shmid);
    }
  }

  /** Waits until the primary reports the standby as synchronous. */
  async waitForSync(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.query<{ sync_state: string }>(
        this.primary,
        'SELECT sync_state FROM pg_stat_replication WHERE application_name = $1',
        [STANDBY_NAME],
      ).catch(() => []);
      if (state[0]?.sync_state === 'sync') return;
      if (Date.now() > deadline)
        throw new Error(`the standby did not become synchronous within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** `postgres://127.0.0.1:p1,127.0.0.1:p2/database?target_session_attrs=read-write[&schema=]`. */
  url(options: { readonly database?: string; readonly schema?: string } = {}): string {
    const schema = options.schema === undefined ? '' : `&schema=${options.schema}`;
    return `postgres://postgres@127.0.0.1:${this.primary.port},127.0.0.1:${this.standby.port}/${options.database ?? 'postgres'}?target_session_attrs=read-write${schema}`;
  }

  /** A single-host URL of one node. */
  nodeUrl(node: ClusterNode, database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${node.port}/${database}`;
  }

  async query<Row extends pg.QueryResultRow>(
    node: ClusterNode,
    text: string,
    values: unknown[] = [],
  ): Promise<Row[]> {
    const client = new pg.Client({
      connectionString: this.nodeUrl(node),
      connectionTimeoutMillis: 5000,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<Row>(text, values)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** SIGKILL of the node's postmaster: no shutdown, no checkpoint, as a crash or power loss. */
  kill(node: ClusterNode): void {
    const postmaster = postmasterOf(node.dataDirectory);
    if (postmaster === undefined) throw new Error(`${node.name} has no postmaster.pid`);
    process.kill(postmaster.pid, 'SIGKILL');
  }

  /** `pg_ctl promote -w`: returns once the node accepts writes. */
  async promote(node: ClusterNode): Promise<void> {
    await run('pg_ctl', ['promote', '-D', node.dataDirectory, '-w', '-t', '60']);
  }

  /** A clean (fast) shutdown. */
  async stop(node: ClusterNode): Promise<void> {
    if (postmasterOf(node.dataDirectory) === undefined) return;
    await run('pg_ctl', ['stop', '-D', node.dataDirectory, '-m', 'fast', '-w', '-t', '60']);
  }

  /** Stops both nodes (killing what does not stop), then deletes the directory. Idempotent. */
  async remove(): Promise<void> {
    if (this.removed) return;
    for (const node of [this.primary, this.standby]) {
      const postmaster = postmasterOf(node.dataDirectory);
      if (postmaster !== undefined && alive(postmaster.pid))
        await this.stop(node).catch(() => undefined);
    }
    this.removeNow();
  }

  /** Synchronous, for the exit hook: SIGKILL whatever is left, free the shared memory, delete. */
  removeNow(): void {
    if (this.removed) return;
    this.removed = true;
    live.delete(this);
    for (const node of [this.primary, this.standby]) {
      const postmaster = postmasterOf(node.dataDirectory);
      if (postmaster !== undefined) {
        this.pids.add(postmaster.pid);
        if (postmaster.shmid !== undefined) this.shmids.add(postmaster.shmid);
      }
    }
    for (const pid of this.pids) {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    // Backends of a SIGKILLed postmaster notice its death and exit on their own; its System V
    // segment (a few bytes) stays until removed.
    for (const shmid of this.shmids) {
      try {
        execFileSync('ipcrm', ['-m', String(shmid)], { stdio: 'ignore' });
      } catch {
        // Already gone, or reused by nobody: nothing to free.
      }
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = (line ?? '').split(':');
  if (uid === undefined || gid === undefined) throw new Error('no postgres user');
  return { uid: Number(uid), gid: Number(gid) };
}
