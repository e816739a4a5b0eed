import { isPostgresUrl } from '../../store/open-store.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, printJson, runLedgerCommand, type LedgerSession } from '../ledger-context.js';
import type { RegisterCommand } from '../program.js';

interface InitOptions {
  readonly db?: string;
  readonly json?: boolean;
}

/** `vostro init`: creates the database file, or brings an existing one to the current schema. */
export const registerInit: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('init')
      .description('create the ledger database (or migrate an existing one to the current schema) and print next steps'),
  )
    .option('--json', 'print the result as JSON')
    .action(commandAction(context, async (options: InitOptions) => {
      await runLedgerCommand(context, { dbOption: options.db, create: true }, (session) => runInit(session, options, context.io));
    }));
};

export async function runInit(session: LedgerSession, options: InitOptions, io: CliIo): Promise<number> {
  const counts = await session.store.counts();
  if (options.json === true) {
    printJson(io, { database: session.dbPath, ...counts });
    return ExitCode.ok;
  }
  io.out(`Ledger database ready at ${session.dbPath}\n`);
  io.out(`  ${counts.accounts} accounts, ${counts.transfers} transfers, ${counts.journalEntries} journal entries\n\n`);
  io.out(nextSteps(options.db));
  return ExitCode.ok;
}

/** Commands to try next, with `--db` repeated only when the user gave one. */
export function nextSteps(dbOption: string | undefined): string {
  // A URL may carry a password: never echo it; point at the variable instead.
  const db = dbOption === undefined ? '' : isPostgresUrl(dbOption) ? ' --db "$VOSTRO_DATABASE_URL"' : ` --db ${dbOption}`;
  return [
    'Next steps:',
    `  vostro account create --owner sbi --currency INR --kind settlement${db}`,
    `  vostro account create --owner sberbank --currency INR --kind vostro${db}`,
    `  vostro transfer --debit <account-id> --credit <account-id> --amount 12500.00${db}`,
    `  vostro balance <account-id>${db}`,
    `  vostro history <account-id>${db}`,
    `  vostro verify${db}`,
    'Run `vostro <command> --help` for every option; set VOSTRO_DB (a SQLite file) or VOSTRO_DATABASE_URL (PostgreSQL) instead of repeating --db.',
    '',
  ].join('\n');
}
