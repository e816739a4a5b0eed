/**
 * Everything a CLI command may touch of the outside world. Only `main.ts` builds one from
 * `process`; tests build one that records output, so every command can be run in-process.
 */
export interface CliIo {
  /** Standard output: results, tables, JSON. */
  out(text: string): void;
  /** Standard error: progress, warnings, error messages. */
  err(text: string): void;
  /** Environment variables (VOSTRO_DB and friends). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether standard error is a terminal, so progress bars are worth drawing. */
  readonly interactive: boolean;
  /**
   * Resolves with the signal's name when the process is asked to stop (SIGTERM, SIGINT). Only
   * long-running commands (`serve`) call it, and the handlers are installed only then, so every
   * other command still ends at Ctrl-C as usual. Tests resolve it themselves.
   */
  waitForShutdown?(): Promise<string>;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** The command ran but what it was asked to do was refused (a transfer rejected, verification failed). */
  refused: 1,
  /** The command line itself was wrong: an unknown option, a malformed value. */
  usage: 2,
  /**
   * The database could not be used now: another process holds the SQLite file (a running
   * `vostro serve`, say). Nothing was done; try again later, or go through that server's API.
   */
  unavailable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An `io` that keeps what it is told, for tests of commands. */
export function recordingIo(
  env: Record<string, string | undefined> = {},
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    env,
    interactive: false,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
  };
}
