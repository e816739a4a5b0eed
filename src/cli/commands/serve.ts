import type { LevelWithSilent } from 'pino';
import type { RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { addDbOption, commandAction, runLedgerCommand } from '../ledger-context.js';
import { parseCurrencyOption, parseIntegerOption } from '../options.js';
import {
  addConnectionOptions,
  checkListenable,
  connectionLimits,
  runServe,
  type ConnectionFlags,
} from '../shared/server.js';
import { addWebhookHostOption, webhookAllowedHosts } from '../shared/webhook-hosts.js';

const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

interface ServeOptions extends ConnectionFlags {
  readonly host: string;
  readonly port: string;
  readonly rateLimit?: string;
  readonly logLevel: string;
  readonly windowSeconds?: string;
  readonly windowCurrencies: string;
  readonly webhookAllowHost?: readonly string[];
  readonly db?: string;
}

/** `vostro serve`: the HTTP API on the SQLite store until SIGTERM or SIGINT. */
export const registerServe: RegisterCommand = (program, context) => {
  const command = addDbOption(
    program
      .command('serve')
      .description(
        'serve the HTTP API (/v1, OpenAPI at /v1/openapi.json, reference at /v1/docs) until SIGTERM or SIGINT; every /v1 route needs an API key (`vostro key issue`); binds to 127.0.0.1 by default',
      )
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
      .option(
        '--rate-limit <per-second>',
        'requests per second each client may sustain (0 turns the limit off; default 5000)',
      )
      .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, 'info')
      .option(
        '--window-seconds <n>',
        'close the open settlement window of each --window-currencies every n seconds (default: only when the operator closes them)',
      )
      .option(
        '--window-currencies <codes>',
        'currencies whose windows --window-seconds closes',
        'INR,RUB',
      ),
  );
  addWebhookHostOption(addConnectionOptions(command)).action(
    commandAction(context, async (options: ServeOptions) => {
      const port = parseIntegerOption('--port', options.port, { minimum: 0, maximum: 65_535 });
      const rateLimitPerSecond =
        options.rateLimit === undefined
          ? undefined
          : parseIntegerOption('--rate-limit', options.rateLimit, {
              minimum: 0,
              maximum: 10_000_000,
            });
      const logLevel = LOG_LEVELS.find((level) => level === options.logLevel);
      if (logLevel === undefined)
        throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
      const windowSeconds =
        options.windowSeconds === undefined
          ? undefined
          : parseIntegerOption('--window-seconds', options.windowSeconds, {
              minimum: 1,
              maximum: 31 * 86_400,
            });
      const windowCurrencies = options.windowCurrencies
        .split(',')
        .map((code) => parseCurrencyOption('--window-currencies', code.trim()).code);
      const connections = connectionLimits(options, context.io.env);
      const allowedHosts = webhookAllowedHosts(options.webhookAllowHost, context.io.env);
      // Before the database is opened (or created): a busy port ends here, in one line.
      await checkListenable(options.host, port);
      await runLedgerCommand(context, { dbOption: options.db, create: true }, (session) =>
        runServe(
          session,
          {
            host: options.host,
            port,
            logLevel,
            rateLimitPerSecond,
            connections,
            ...(allowedHosts === undefined ? {} : { webhookAllowedHosts: allowedHosts }),
            ...(windowSeconds === undefined
              ? {}
              : { windows: { seconds: windowSeconds, currencies: windowCurrencies } }),
          },
          context.io,
        ),
      );
    }),
  );
};
