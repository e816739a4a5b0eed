import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Scenario, WorkloadOptions, WorkloadResult } from './ledger-workload.js';

/** Runs a scenario in a child process (same loader flags as this one) and returns its result. */
export async function runScenarioInChild(
  options: Omit<WorkloadOptions, 'onProgress'>,
  onProgress: (done: number) => void,
): Promise<WorkloadResult> {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const childPath = fileURLToPath(new URL(`./ledger-bench-child.${extension}`, import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, childPath, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  let result: WorkloadResult | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const message = JSON.parse(line) as { progress?: number; result?: WorkloadResult };
      if (message.progress !== undefined) onProgress(message.progress);
      if (message.result !== undefined) result = message.result;
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0 || result === undefined)
    throw new Error(`benchmark scenario ${options.scenario} failed (exit ${code})`);
  return result;
}

/** The PostgreSQL benchmark is its own script (it drives pgbench too); runs it with this process's loader flags. */
export async function runPostgresBenchInChild(
  url: string,
  json: boolean,
  output: { out: (text: string) => void; err: (text: string) => void },
): Promise<number | null> {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const script = fileURLToPath(new URL(`./postgres-bench.${extension}`, import.meta.url));
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, '--db', url, ...(json ? ['--json'] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => output.out(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.err(chunk.toString()));
  return new Promise<number | null>((resolve) => child.on('exit', resolve));
}

export type { Scenario, WorkloadResult };
