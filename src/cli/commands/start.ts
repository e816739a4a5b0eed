import { dirname, join, resolve } from 'node:path';
import { ApiKeys } from '../../access/api-keys.js';
import { Hub } from '../../hub/hub.js';
import { Ledger } from '../../ledger/ledger.js';
import { participantAccountId } from '../../participants/accounts.js';
import type { Account } from '../../ledger/model.js';
import { accountKindName } from '../../ledger/model.js';
import { isPostgresUrl } from '../../store/open-store.js';
import { currencyCode } from '../../views/amounts.js';
import { netPostedMinor } from '../../views/accounts.js';
import type { RegisterCommand } from '../context.js';
import { ensureDemoOperatorKey, seedDemo } from '../demo.js';
import { demoClock, type BookedHistory } from '../demo-history.js';
import { DEMO_BICS, DEMO_ISO_PAYMENT } from '../demo-iso.js';
import {
  DEMO_WEBHOOK_PARTICIPANT,
  prepareDemoWebhook,
  resumeDemoWebhook,
  type DemoWebhook,
} from '../demo-webhook.js';
import type { WebhookReceiver } from '../demo-receiver.js';
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
import { addWebhookHostOption, webhookAllowedHosts } from '../shared/webhook-hosts.js';
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
  readonly webhookAllowHost?: readonly string[];
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
  addWebhookHostOption(addConnectionOptions(command)).action(
    commandAction(context, async (options: StartOptions) => {
      const port = parseIntegerOption('--port', options.port, { minimum: 0, maximum: 65_535 });
      const connections = connectionLimits(options, context.io.env);
      const allowedHosts = webhookAllowedHosts(options.webhookAllowHost, context.io.env);
      const serve = options.serve && context.io.waitForShutdown !== undefined;
      // Before the database is created or anything printed: a busy port ends here, in one line.
      if (serve) await checkListenable(options.host, port);
      const dbPath = resolveDbPath(options.db, context.io.env);
      // The demo's files (its API key, its webhook's secret and log) go beside a SQLite database;
      // the key of a PostgreSQL one under ./.vostro.
      const fileDatabase = dbPath !== ':memory:' && !isPostgresUrl(dbPath);
      const directory = fileDatabase ? dirname(dbPath) : resolve('.vostro');
      await runLedgerCommand(context, { dbOption: options.db, create: true }, async (session) => {
        const started = await runStart(session, options.db, context.io, serve, {
          keyFile: join(directory, DEMO_KEY_FILE),
          apiUrl: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/v1`,
          // Only beside a SQLite file: ./.vostro would mix the files of several databases.
          ...(fileDatabase ? { directory } : {}),
          ...(allowedHosts === undefined ? {} : { allowedHosts }),
        });
        try {
          if (!serve) return started.code;
          return await runServe(
            session,
            {
              host: options.host,
              port,
              logLevel: 'info',
              rateLimitPerSecond: undefined,
              connections,
              ...(allowedHosts === undefined ? {} : { webhookAllowedHosts: allowedHosts }),
            },
            context.io,
          );
        } finally {
          await started.webhook?.receiver?.close();
        }
      });
    }),
  );
};

/** Where `start` keeps the demo's files and how it reaches the API, for the text it prints. */
interface StartPlaces {
  readonly keyFile: string;
  readonly apiUrl: string;
  /** The directory of the demo webhook's secret and log; none, no demo webhook (PostgreSQL). */
  readonly directory?: string;
  /** `--webhook-allow-host`: the demo's webhook (on 127.0.0.1) is registered only if allowed. */
  readonly allowedHosts?: readonly string[];
}

export async function runStart(
  session: LedgerSession,
  dbOption: string | undefined,
  io: CliIo,
  serving = false,
  places?: StartPlaces,
): Promise<{ code: number; webhook?: DemoWebhook }> {
  const counts = await session.store.counts();
  io.out(`vostro ledger at ${session.dbPath}\n`);
  const hubOptions =
    places?.allowedHosts === undefined ? {} : { webhookAllowedHosts: places.allowedHosts };
  const hub = new Hub(session.ledger, undefined, hubOptions);
  // A receiver started here is closed if anything below fails (else the process would not end).
  let receiver: WebhookReceiver | undefined;
  try {
    let webhook: DemoWebhook | undefined;
    // `vostro init` opens only the hub's own accounts: a database with no other participant and no
    // transfer is still empty.
    if (
      counts.transfers === 0 &&
      (await hub.participants.list(undefined, 2)).every((participant) => participant.kind === 'hub')
    ) {
      const setup =
        places?.directory === undefined || !hub.webhooks.allowedHosts.includes('127.0.0.1')
          ? undefined
          : await prepareDemoWebhook(places.directory, serving);
      receiver = setup?.receiver;
      // The demo's history is booked by a ledger whose clock the demo sets back to each of its
      // instants, then hands over to the system clock (demo-history.ts); `serve` runs on the
      // system clock alone.
      const clock = demoClock();
      const seeded = await seedDemo(
        new Hub(new Ledger(session.store, { clock }), undefined, hubOptions),
        {
          clock,
          ...(setup === undefined ? {} : { webhookUrl: setup.url }),
        },
      );
      if (setup !== undefined && seeded.webhook !== undefined)
        webhook = setup.registered(seeded.webhook.endpoint, seeded.webhook.secret);
      const after = await session.store.counts();
      const participants = (await hub.participants.all()).length;
      io.out(
        `Empty database: seeded a demo with ${participants} participants, ${after.accounts} accounts, ${after.transfers} transfers and ${await session.store.lastEventSeq()} events (a rupee window settled, a letter-of-credit payment still pending, two trades under documentary credits: one paid on presentation of its signed documents, one discrepant with its money reserved, and a payment that arrived as an ISO 20022 pacs.008 message).\n`,
      );
      io.out(historyLine(seeded.history));
    } else {
      io.out(
        `Existing database: ${counts.accounts} accounts, ${counts.transfers} transfers; no demo seeded.\n`,
      );
      if (places?.directory !== undefined)
        webhook = await resumeDemoWebhook(hub, places.directory, serving);
      receiver = webhook?.receiver;
    }
    await printStart(session, hub, dbOption, io, serving, places, webhook);
    return { code: ExitCode.ok, ...(webhook === undefined ? {} : { webhook }) };
  } catch (error) {
    await receiver?.close();
    throw error;
  }
}

/** What the demo's history booked, or why there is none. */
function historyLine(history: BookedHistory | undefined): string {
  if (history === undefined)
    return 'No trade history booked: the ledger already held entries from before April 2024, so the demo is today only.\n';
  return `Trade history from April 2024 (booked with the ledger's clock set back, then handed over to the system clock): ${history.payments} payments over ${history.months} months, ${history.windows} monthly rupee windows closed and settled, ${history.rates} INR/RUB reference rates.\n`;
}

/** The balances, and how to go on: the API key, the command line, events and ISO 20022. */
async function printStart(
  session: LedgerSession,
  hub: Hub,
  dbOption: string | undefined,
  io: CliIo,
  serving: boolean,
  places: StartPlaces | undefined,
  webhook: DemoWebhook | undefined,
): Promise<void> {
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
  if (places !== undefined)
    io.out(await demoKeyUsage(session, places.keyFile, places.apiUrl, example?.id));
  io.out(usage(dbOption, example?.id));
  io.out(isoAndEventsUsage(dbOption, serving, places, { seeded: await isDemo(hub), webhook }));
  io.out(
    serving
      ? 'Starting the HTTP API (docs/api.md has curl examples); Ctrl-C stops it.\n'
      : 'Not serving (--no-serve); `npx vostro serve` starts the HTTP API.\n',
  );
}

/** Whether this database holds the demo (its banks have the demo's BICs). */
async function isDemo(hub: Hub): Promise<boolean> {
  return (await hub.participants.find(DEMO_WEBHOOK_PARTICIPANT))?.bic === DEMO_BICS['vtb'];
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

function usage(dbOption: string | undefined, exampleAccountId: string | undefined): string {
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
    '',
  ].join('\n');
}

/**
 * How to look at the event feed, the demo's webhook log and its ISO 20022 messages. While the
 * server runs it holds a SQLite database, so the examples then go through its API (`--url` with
 * the demo's key file, or curl).
 */
function isoAndEventsUsage(
  dbOption: string | undefined,
  serving: boolean,
  places: StartPlaces | undefined,
  demo: { readonly seeded: boolean; readonly webhook: DemoWebhook | undefined },
): string {
  const { db } = databaseArguments(dbOption);
  const remote =
    serving && places !== undefined ? ` --url ${places.apiUrl} --key-file ${places.keyFile}` : db;
  if (!demo.seeded)
    return ['Events (every change, in order):', `  npx vostro events${remote}`, ''].join('\n');
  const srva = participantAccountId(DEMO_WEBHOOK_PARTICIPANT, 'INR', 'vostro', 'bob');
  const date = '"$(date -u +%F)"';
  const lines = [
    `Events and ISO 20022 (the demo's ${DEMO_ISO_PAYMENT.endToEndId} came in as a pacs.008 message from SBI, paying VTB's rupee vostro account at Bank of Baroda):`,
  ];
  if (demo.webhook !== undefined)
    lines.push(
      `  tail -f ${demo.webhook.logPath}   # VTB's webhook: what the hub delivered to a receiver on 127.0.0.1, each signature checked${demo.webhook.receiver === undefined ? ' (it runs while `start` serves)' : ''}`,
    );
  lines.push(`  npx vostro events --participant ${DEMO_WEBHOOK_PARTICIPANT}${remote}`);
  if (serving && places !== undefined)
    lines.push(
      `  npx vostro events --follow${remote}   # new events as they happen, until Ctrl-C`,
      `  curl -s -H "Authorization: Bearer $VOSTRO_KEY" ${places.apiUrl}/iso20022/accounts/${srva}/statement?date=${date}   # camt.053`,
    );
  else
    lines.push(
      `  npx vostro iso20022 statement --account ${srva} --date ${date}${db}   # camt.053`,
      ...(demo.webhook === undefined
        ? []
        : [`  npx vostro webhook deliveries ${demo.webhook.endpoint}${db}`]),
    );
  lines.push(
    '  (docs/iso20022.md maps the messages field by field; docs/events.md explains the feed and webhooks)',
    '',
  );
  return lines.join('\n');
}
