import type { Command } from 'commander';
import type { CliIo } from './io.js';

/**
 * What a command's `register` receives: the io to print through and a way to set the exit code.
 * Commands never call `process.exit`; the code they report is what `main` exits with. (Its own
 * module, so that commands and their helpers import it without importing program.ts, which
 * imports every command.)
 */
export interface CliContext {
  readonly io: CliIo;
  setExitCode(code: number): void;
}

/** A command file exports one of these; `commands/index.ts` lists them all. */
export type RegisterCommand = (program: Command, context: CliContext) => void;
