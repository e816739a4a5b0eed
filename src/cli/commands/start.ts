import { dirname, join, resolve } from 'node:path';
import { ApiKeys } from '../../access/api-keys.js';
import { Hub } from '../../hub/hub.js';
import type { Account } from '../../ledger/model.js';
import { accountKindName } from '../../ledger/model.js';
import { isPostgresUrl } from '../../store/open-store.js';
import { currencyCode } from '../../views/amounts.js';
import { netPostedMinor } from '../../views/accounts.js';
import type { RegisterCommand } from '../context.js';
import { ensureDemoOperatorKey, seedDemo } from '../demo.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import {
  addDbOption,
  commandAction,
  resolveDbPath,
  runLedgerCommand,
  type LedgerSession,
} from '../ledger-context.js';
import { parseIntegerOption } from '../options.js';
import { humanAmount } from '../shared/human.js';
import { databaseArguments } from '../shared/next-steps.js';
import { renderTable } from '../shared/output.js';
import {
  addConnectionOptions,
  checkListenable,
  connectionLimits,
  runServe,
  type ConnectionFlags,
} from '../shared/server.js';

/** Accounts `start` lists at most; the demo has nineteen besides the hub's. */
const START_ACCOUNTS_SHOWN = 50;
/** The file the demo's operator API key is kept in, beside a SQLite database (else under ./.vostro). */
export const DEMO_KEY_FILE = 'demo-operator.key';

interface StartOptions extends ConnectionFlags {
  readonly db?: string;
  readonly serve: boolean;
  readonly host: string;
  readonly port: string;
}

/**
 * `vostro start` (what `npm start` runs): initialises the database, seeds a demo when it is empty,
 * prints balances and how to go on, then serves the HTTP hub until SIGTERM or SIGINT (as `serve`).
 * With `--no-serve`, or where nothing can deliver a shutdown signal (in-process tests), it exits.
 */
export const registerStart: RegisterCommand = (program, context) => {
  const command = addDbOption(
    program
      .command('start')
      .description(
        'initialise the database, seed a demo of Indian and Russian banks when it is empty, print balances and how to use the CLI, then serve the HTTP API until Ctrl-C',
      )
      .option('--no-serve', 'exit after printing instead of serving')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on', '8080'),
  );
  addConnectionOptions(command).action(
    commandAction(context, async (options: StartOptions) => {
      const port = parseIntegerOption('--port', options.port, { minimum: 0, maximum: 65_535 });
      const connections = connectionLimits(options, context.io.env);
      const serve = options.serve && context.io.waitForShutdown !== undefined;
      // Before the database is created or anything printed: a busy port ends here, in one line.
      if (serve) await checkListenable(options.host, port);
      const dbPath = resolveDbPath(options.db, context.io.env);
      const keyFile =
        dbPath === ':memory:' || isPostgresUrl(dbPath)
          ? resolve('.vostro', DEMO_KEY_FILE)
          : join(dirname(dbPath), DEMO_KEY_FILE);
      await runLedgerCommand(context, { dbOption: options.db, create: true }, async (session) => {
        const code = await runStart(session, options.db, context.io, serve, {
          keyFile,
          apiUrl: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/v1`,
        });
        if (!serve) return code;
        return runServe(
          session,
          {
            host: options.host,
            port,
            logLevel: 'info',
            rateLimitPerSecond: undefined,
            connections,
          },
          context.io,
        );
      });
    }),
  );
};

export async function runStart(
  session: LedgerSession,
  dbOption: string | undefined,
  io: CliIo,
  serving = false,
  demoKey?: { keyFile: string; apiUrl: string },
): Promise<number> {
  const counts = await session.store.counts();
  io.out(`vostro ledger at ${session.dbPath}\n`);
  const hub = new Hub(session.ledger);
  // `vostro init` opens only the hub's own accounts: a database with no other participant and no
  // transfer is still empty.
  if (
    counts.transfers === 0 &&
    (await hub.participants.list(undefined, 2)).every((participant) => participant.kind === 'hub')
  ) {
    await seedDemo(hub);
    const seeded = await session.store.counts();
    const participants = (await hub.participants.all()).length;
    io.out(
      `Empty database: seeded a demo with ${participants} participants, ${seeded.accounts} accounts and ${seeded.transfers} transfers (a rupee window settled, a letter-of-credit payment still pending, two trades under documentary credits: one paid on presentation of its signed documents, one discrepant with its money reserved).\n`,
    );
  } else {
    io.out(
      `Existing database: ${counts.accounts} accounts, ${counts.transfers} transfers; no demo seeded.\n`,
    );
  }
  // The hub's own accounts in currencies nobody uses yet would only crowd the table.
  const accounts = (await session.store.listAccounts({ limit: START_ACCOUNTS_SHOWN + 40 }))
    .filter(
      (account) =>
        account.owner !== 'hub' ||
        account.debitsPosted +
          account.creditsPosted +
          account.debitsPending +
          account.creditsPending >
          0n,
    )
    .slice(0, START_ACCOUNTS_SHOWN);
  io.out(
    renderTable(
      ['id', 'owner', 'kind', 'currency', 'balance (posted)', 'pending debits', 'reference'],
      accounts.map(accountRow),
      [4, 5],
    ),
  );
  const example = accounts.find((account) => account.owner === 'sbi') ?? accounts[0];
  if (demoKey !== undefined)
    io.out(await demoKeyUsage(session, demoKey.keyFile, demoKey.apiUrl, example?.id));
  io.out(usage(dbOption, example?.id, serving));
  return ExitCode.ok;
}

/**
 * Makes sure the demo has an operator API key and says where it is. The key itself is never
 * printed: it is in a file only the user can read, and the examples read it from there.
 */
async function demoKeyUsage(
  session: LedgerSession,
  keyFile: string,
  apiUrl: string,
  exampleAccountId: string | undefined,
): Promise<string> {
  const key = await ensureDemoOperatorKey(new ApiKeys(session.ledger), keyFile);
  return [
    '',
    `HTTP API key (operator, demo only): ${key.issued ? 'issued and written' : 'still valid'} in ${key.path} (readable by you alone; key id ${key.keyId}).`,
    `  export VOSTRO_KEY="$(cat ${key.path})"`,
    `  curl -s -H "Authorization: Bearer $VOSTRO_KEY" ${apiUrl}/accounts/${exampleAccountId ?? '<account-id>'}/balance`,
    '  More keys (auditor, participant) with `npx vostro key issue --help`; curl examples in docs/api.md.',
    '',
  ].join('\n');
}

function accountRow(account: Account): string[] {
  return [
    account.id,
    account.owner,
    accountKindName(account.code),
    currencyCode(account.ledger),
    humanAmount(netPostedMinor(account), account.ledger),
    humanAmount(account.debitsPending, account.ledger),
    account.reference,
  ];
}

function usage(
  dbOption: string | undefined,
  exampleAccountId: string | undefined,
  serving: boolean,
): string {
  // A PostgreSQL URL may hold a password: the examples name it through the environment instead.
  const { exportLines, db } = databaseArguments(dbOption);
  const account = exampleAccountId ?? '<account-id>';
  return [
    '',
    'Use the command line (installed as `vostro`; from this checkout `npx vostro` or `npm run vostro --`):',
    ...exportLines,
    '  npx vostro --help',
    `  npx vostro balance ${account}${db}`,
    `  npx vostro history ${account}${db}`,
    `  npx vostro account list --owner sbi${db}`,
    `  npx vostro transfer --debit <account-id> --credit <account-id> --amount 12500.00${db}`,
    `  npx vostro transfer post <pending-id>${db}`,
    `  npx vostro verify${db}`,
    `  npx vostro positions INR-1${db}              # the settled rupee window: net positions and instructions`,
    `  npx vostro cap show --participant sbi --currency INR${db}`,
    `  npx vostro window show INR${db}`,
    '  (docs/settlement.md walks through payments, FX quotes, windows and netting)',
    '  npm run vostro -- account create --owner sbi --currency INR --kind customer',
    serving
      ? 'Starting the HTTP API (docs/api.md has curl examples); Ctrl-C stops it.'
      : 'Not serving (--no-serve); `npx vostro serve` starts the HTTP API.',
    '',
  ].join('\n');
}
