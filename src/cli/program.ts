import { Command, CommanderError } from 'commander';
import type { CliIo } from './io.js';
import { ExitCode } from './io.js';
import { commands } from './commands/index.js';
import { UsageError } from './errors.js';

export { UsageError };

/**
 * What a command's `register` receives: the io to print through and a way to set the exit code.
 * Commands never call `process.exit`; the code they report is what `main` exits with.
 */
export interface CliContext {
  readonly io: CliIo;
  setExitCode(code: number): void;
}

const EXIT_CODES_HELP = `
Exit codes: 0 done; 1 refused (a rejected transfer, a failed verification, nothing found); 2 a
malformed command line; 3 the database is in use by another process (a running \`vostro serve\`:
use its HTTP API, or stop it and try again).`;

/** A command file exports one of these; `commands/index.ts` lists them all. */
export type RegisterCommand = (program: Command, context: CliContext) => void;

/**
 * Builds the whole `vostro` program and runs it on `argv` (without the node and script names).
 * Returns the exit code instead of exiting, so tests can run any command in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const context: CliContext = { io, setExitCode: (code) => (exitCode = code) };
  const program = new Command('vostro')
    .description(
      'vostro: clearing, settlement and trade documents for India–Russia trade in INR and RUB',
    )
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  for (const register of commands) register(program, context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with code 0; real mistakes with 1, which we make 2.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
  return exitCode;
}
