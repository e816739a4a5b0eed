/**
 * What the HTTP benchmarks share: autocannon (loaded with createRequire: it ships no types or ES
 * module) with the part of its API they use, and `vostro serve` started as a child process on
 * 127.0.0.1 (port 0, rate limit off, log level warn) on a given database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}
export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
/** This checkout's CLI entry point, as source under tsx or as the build. */
export const CLI_MAIN = fileURLToPath(new URL(`../cli/main.${extension}`, import.meta.url));

/**
 * Starts `vostro serve` on port 0 and resolves with its base URL once it says it is listening.
 * `main` is the CLI entry to run (another checkout's, to compare variants); `nodeFlags` go before it
 * (e.g. V8 CPU profiling).
 */
export async function startServeChild(
  dbPath: string,
  options: { readonly main?: string; readonly nodeFlags?: readonly string[] } = {},
): Promise<{ child: ChildProcess; baseUrl: string }> {
  const args = [
    ...process.execArgv,
    ...(options.nodeFlags ?? []),
    options.main ?? CLI_MAIN,
    'serve',
    '--port',
    '0',
    '--rate-limit',
    '0',
    '--log-level',
    'warn',
    '--db',
    dbPath,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`vostro serve exited with ${code}`)));
  });
  return { child, baseUrl };
}

/** CPU seconds (user + system, all threads) a process has used; undefined where /proc is missing. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}
