import { CLI_ACTOR } from '../../domain/actor.js';
import { currencies } from '../../ledger/currency.js';
import { Hub } from '../../hub/hub.js';
import type { RegisterCommand } from '../context.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import {
  addDbOption,
  commandAction,
  runLedgerCommand,
  type LedgerSession,
} from '../ledger-context.js';
import { databaseArguments } from '../shared/next-steps.js';
import { printJson } from '../shared/output.js';

interface InitOptions {
  readonly db?: string;
  readonly json?: boolean;
}

/** `vostro init`: creates the database file, or brings an existing one to the current schema. */
export const registerInit: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('init')
      .description(
        'create the ledger database (or migrate an existing one to the current schema) and print next steps',
      ),
  )
    .option('--json', 'print the result as JSON')
    .action(
      commandAction(context, async (options: InitOptions) => {
        await runLedgerCommand(context, { dbOption: options.db, create: true }, (session) =>
          runInit(session, options, context.io),
        );
      }),
    );
};

export async function runInit(
  session: LedgerSession,
  options: InitOptions,
  io: CliIo,
): Promise<number> {
  // The hub's own accounts (settlement, cap source, fees, suspense) in every supported currency,
  // and the pair tallies netting reads.
  await new Hub(session.ledger).open(
    currencies.map((currency) => currency.code),
    CLI_ACTOR,
  );
  const counts = await session.store.counts();
  if (options.json === true) {
    printJson(io, { database: session.dbPath, ...counts });
    return ExitCode.ok;
  }
  io.out(`Ledger database ready at ${session.dbPath}\n`);
  io.out(
    `  ${counts.accounts} accounts, ${counts.transfers} transfers, ${counts.journalEntries} journal entries\n\n`,
  );
  io.out(nextSteps(options.db));
  return ExitCode.ok;
}

/**
 * Commands to try next, with `--db` repeated only when the user gave one; a PostgreSQL URL is set
 * in VOSTRO_DATABASE_URL first (its password masked: never echoed), and the commands name that.
 */
export function nextSteps(dbOption: string | undefined): string {
  const { exportLines, db } = databaseArguments(dbOption);
  return [
    'Next steps:',
    ...exportLines,
    `  vostro participant create --id sbi --name "State Bank of India" --kind bank --country IN --currencies INR${db}`,
    `  vostro participant create --id vtb --name "VTB Bank" --kind bank --country RU --currencies RUB${db}`,
    `  vostro participant open-account vtb --role vostro --currency INR --held-at sbi${db}`,
    `  vostro cap set --participant sbi --currency INR --amount 1000000.00${db}`,
    `  vostro payment create --from <account-id> --to <account-id> --amount 12500.00${db}`,
    `  vostro window close INR${db}  (then: vostro positions INR-1${db})`,
    `  vostro balance <account-id>${db}`,
    `  vostro history <account-id>${db}`,
    `  vostro verify${db}`,
    'Run `vostro <command> --help` for every option; set VOSTRO_DB (a SQLite file) or VOSTRO_DATABASE_URL (PostgreSQL) instead of repeating --db.',
    '',
  ].join('\n');
}
