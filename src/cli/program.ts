import { readFileSync } from 'node:fs';
import { Command, CommanderError, type Option } from 'commander';
import type { CliContext } from './context.js';
import type { CliIo } from './io.js';
import { ExitCode } from './io.js';
import { commands } from './commands/index.js';
import { UsageError } from './errors.js';

const EXIT_CODES_HELP = `
Exit codes: 0 done; 1 refused (a rejected transfer, a failed verification, nothing found); 2 a
malformed command line; 3 the database is in use by another process (a running \`vostro serve\`:
use its HTTP API, or stop it and try again).`;

/** package.json's version: two folders up from both src/cli/program.ts and dist/cli/program.js. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * Builds the whole `vostro` program and runs it on `argv` (without the node and script names).
 * Returns the exit code instead of exiting, so tests can run any command in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const context: CliContext = { io, setExitCode: (code) => (exitCode = code) };
  const program = new Command('vostro')
    .description('vostro: clearing and settlement for India–Russia trade in INR and RUB')
    .version(packageVersion(), '-V, --version', 'print the version of vostro')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  for (const register of commands) register(program, context);
  checkRequiredOptionsLast(program);
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

/**
 * Commander checks for missing required options before it checks for unknown ones, so a mistyped
 * `--amont 5` was reported as a missing `--amount`. Here every command's required options are
 * checked in a `preAction` hook instead, which runs after the unknown options (named, with the
 * nearest valid one suggested) and the arguments were checked; the message is commander's own.
 */
function checkRequiredOptionsLast(program: Command): void {
  const required = new Map<Command, Option[]>();
  const collect = (command: Command): void => {
    const mandatory = command.options.filter((option) => option.mandatory);
    for (const option of mandatory) option.mandatory = false;
    if (mandatory.length > 0) required.set(command, mandatory);
    for (const sub of command.commands) collect(sub);
  };
  collect(program);
  program.hook('preAction', (_program, actionCommand) => {
    for (let command: Command | null = actionCommand; command !== null; command = command.parent) {
      for (const option of required.get(command) ?? []) {
        if (command.getOptionValue(option.attributeName()) === undefined)
          actionCommand.error(`error: required option '${option.flags}' not specified`, {
            code: 'commander.missingMandatoryOptionValue',
          });
      }
    }
  });
}
