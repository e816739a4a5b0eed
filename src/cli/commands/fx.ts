import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import type { QuoteLifetime, QuoteRecord } from '../../fx/service.js';
import { quoteJson, spreadJson } from '../../views/fx.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { addDbOption, commandAction, RefusedError } from '../ledger-context.js';
import {
  parseAccountIdOption,
  parseAmountOption,
  parseCurrencyOption,
  parseIntegerOption,
  parseReferenceOption,
} from '../options.js';
import { hubOperation, runHubCommand } from '../shared/hub.js';
import { groupDigits } from '../shared/human.js';
import { printJson } from '../shared/output.js';

/** `vostro fx rate|spread|lifetime|quote|execute|post|void`: reference rates, providers' terms, quotes and payment versus payment. */
export const registerFx: RegisterCommand = (program, context) => {
  const fx = program
    .command('fx')
    .description(
      'FX: reference rates, provider spreads, quotes, and cross-currency payments (payment versus payment)',
    );
  const rate = fx.command('rate').description('reference rates per currency pair');
  addDbOption(
    rate
      .command('set')
      .description('set the reference rate of a pair (target units per one source unit)')
      .requiredOption('--source <code>', 'e.g. INR')
      .requiredOption('--target <code>', 'e.g. RUB')
      .requiredOption('--rate <decimal>', 'e.g. 1.0734; at most 12 decimals, never an exponent')
      .requiredOption('--as-of <date>', 'YYYY-MM-DD')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        source: string;
        target: string;
        rate: string;
        asOf: string;
        json?: boolean;
        db?: string;
      }) => {
        await runHubCommand(context, options.db, async (hub) => {
          const record = await hubOperation(
            () =>
              hub.fx.setRate(
                {
                  source: options.source,
                  target: options.target,
                  rate: options.rate,
                  asOf: options.asOf,
                },
                CLI_ACTOR,
              ),
            { source: '--source', target: '--target', rate: '--rate', as_of: '--as-of' },
          );
          if (options.json === true) printJson(context.io, record);
          else
            context.io.out(
              `${record.source}/${record.target} = ${record.rate} as of ${record.asOf}\n`,
            );
        });
      },
    ),
  );
  addDbOption(
    rate
      .command('import')
      .description(
        'import dated official rates from a CSV file with the header date,source,target,rate; one bad line refuses the whole file',
      )
      .argument('<file>', 'CSV file')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (file: string, options: { json?: boolean; db?: string }) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        throw new UsageError(`<file>: cannot read ${file}: ${(error as Error).message}`);
      }
      await runHubCommand(context, options.db, async (hub) => {
        // Strictly, as the HTTP API decodes bodies: a byte that is not UTF-8 is named, not replaced.
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          throw new RefusedError(`<file>: ${file} is not valid UTF-8 text; nothing was imported`);
        }
        const result = await hubOperation(() => hub.fx.importRates(text, CLI_ACTOR));
        if (options.json === true) printJson(context.io, result);
        else context.io.out(`imported ${result.imported} rate(s)\n`);
      });
    }),
  );
  addDbOption(
    rate
      .command('show')
      .description('the current rate of a pair')
      .requiredOption('--source <code>', 'e.g. INR')
      .requiredOption('--target <code>', 'e.g. RUB')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: { source: string; target: string; json?: boolean; db?: string }) => {
        await runHubCommand(context, options.db, async (hub) => {
          const record = await hubOperation(() => hub.fx.rate(options.source, options.target), {
            source: '--source',
            target: '--target',
          });
          if (options.json === true) printJson(context.io, record);
          else
            context.io.out(
              `${record.source}/${record.target} = ${record.rate} as of ${record.asOf} (${record.origin})\n`,
            );
        });
      },
    ),
  );
  addDbOption(
    fx
      .command('spread')
      .description('set an FX provider’s spread and fee on a pair')
      .requiredOption('--provider <id>', 'the FX provider')
      .requiredOption('--source <code>', 'e.g. INR')
      .requiredOption('--target <code>', 'e.g. RUB')
      .requiredOption(
        '--spread-bps <n>',
        'margin against the reference rate in basis points, 0 to 9999',
      )
      .option('--fee <amount>', 'fixed fee in the source currency, e.g. 150.00', '0')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        provider: string;
        source: string;
        target: string;
        spreadBps: string;
        fee: string;
        json?: boolean;
        db?: string;
      }) => {
        const spreadBps = parseIntegerOption('--spread-bps', options.spreadBps, {
          minimum: 0,
          maximum: 9_999,
        });
        const source = parseCurrencyOption('--source', options.source);
        const feeMinor = options.fee === '0' ? 0n : parseAmountOption('--fee', options.fee, source);
        await runHubCommand(context, options.db, async (hub) => {
          const record = await hubOperation(
            () =>
              hub.fx.setSpread(
                {
                  provider: options.provider,
                  source: source.code,
                  target: options.target,
                  spreadBps,
                  feeMinor,
                },
                CLI_ACTOR,
              ),
            {
              provider: '--provider',
              source: '--source',
              target: '--target',
              spread_bps: '--spread-bps',
              fee: '--fee',
            },
          );
          const view = spreadJson(record);
          if (options.json === true) printJson(context.io, view);
          else
            context.io.out(
              `${view.provider} ${view.source}/${view.target}: ${view.spreadBps} bps, fee ${groupDigits(view.fee)} ${view.source}\n`,
            );
        });
      },
    ),
  );
  const lifetime = fx
    .command('lifetime')
    .description(
      'how long an FX provider’s quotes (and reservations of them) may hold: 300 s unless set',
    );
  addDbOption(
    lifetime
      .command('set')
      .description(
        'set the longest a provider’s quotes may hold, 1 to 86400 seconds (audited); a reservation of a quote holds until that long after the quote was made',
      )
      .requiredOption('--provider <id>', 'the FX provider')
      .requiredOption('--max-seconds <n>', 'the maximum, in seconds')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: { provider: string; maxSeconds: string; json?: boolean; db?: string }) => {
        const maxTtlSeconds = parseIntegerOption('--max-seconds', options.maxSeconds, {
          minimum: 1,
          maximum: 86_400,
        });
        await runHubCommand(context, options.db, async (hub) => {
          printLifetime(
            context,
            await hubOperation(
              () => hub.fx.setQuoteLifetime(options.provider, maxTtlSeconds, CLI_ACTOR),
              { provider: '--provider', participant: '--provider', maxTtlSeconds: '--max-seconds' },
            ),
            options.json === true,
          );
        });
      },
    ),
  );
  addDbOption(
    lifetime
      .command('show')
      .description('a provider’s maximum and default quote lifetime')
      .requiredOption('--provider <id>', 'the FX provider')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (options: { provider: string; json?: boolean; db?: string }) => {
      await runHubCommand(context, options.db, async (hub) => {
        printLifetime(
          context,
          await hubOperation(() => hub.fx.quoteLifetime(options.provider), {
            provider: '--provider',
          }),
          options.json === true,
        );
      });
    }),
  );
  addDbOption(
    fx
      .command('quote')
      .description(
        'price a conversion through a provider; the quote holds for --ttl-seconds (default 60), at most the provider’s maximum (see `fx lifetime`)',
      )
      .requiredOption('--provider <id>', 'the FX provider')
      .requiredOption('--source <code>', 'what the payer pays, e.g. INR')
      .requiredOption('--target <code>', 'what the payee receives, e.g. RUB')
      .requiredOption('--amount <amount>', 'decimal major units of the fixed side')
      .addOption(
        new Option('--fixed <side>', 'which amount is fixed')
          .choices(['source', 'target'])
          .default('source'),
      )
      .option(
        '--ttl-seconds <n>',
        'how long the quote holds (default 60, or the provider’s maximum if shorter)',
      )
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        provider: string;
        source: string;
        target: string;
        amount: string;
        fixed: 'source' | 'target';
        ttlSeconds?: string;
        json?: boolean;
        db?: string;
      }) => {
        const source = parseCurrencyOption('--source', options.source);
        const target = parseCurrencyOption('--target', options.target);
        const amountMinor = parseAmountOption(
          '--amount',
          options.amount,
          options.fixed === 'source' ? source : target,
        );
        const ttlMs =
          options.ttlSeconds === undefined
            ? undefined
            : parseIntegerOption('--ttl-seconds', options.ttlSeconds, {
                minimum: 1,
                maximum: 86_400,
              }) * 1000;
        await runHubCommand(context, options.db, async (hub) => {
          const quote = await hubOperation(
            () =>
              hub.fx.quote(
                {
                  provider: options.provider,
                  source: source.code,
                  target: target.code,
                  side: options.fixed,
                  amountMinor,
                  ...(ttlMs === undefined ? {} : { ttlMs }),
                },
                CLI_ACTOR,
              ),
            {
              provider: '--provider',
              source: '--source',
              target: '--target',
              amount: '--amount',
              amountMinor: '--amount',
              ttlSeconds: '--ttl-seconds',
            },
          );
          printQuote(context, quote, options.json === true);
        });
      },
    ),
  );
  addDbOption(
    fx
      .command('execute')
      .description(
        'execute a quote: payer’s source-currency leg and payee’s target-currency leg post together or not at all',
      )
      .argument('<quote-id>', 'the quote')
      .requiredOption('--from <account-id>', 'the paying account, in the source currency')
      .requiredOption('--to <account-id>', 'the receiving account, in the target currency')
      .option('--pending', 'reserve every leg; post or void later')
      .option('--reference <text>', 'free text')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (
        quoteId: string,
        options: {
          from: string;
          to: string;
          pending?: boolean;
          reference?: string;
          json?: boolean;
          db?: string;
        },
      ) => {
        const payer = parseAccountIdOption('--from', options.from);
        const payee = parseAccountIdOption('--to', options.to);
        const reference = parseReferenceOption('--reference', options.reference);
        await runHubCommand(context, options.db, async (hub) => {
          const quote = await hubOperation(
            () =>
              hub.fx.execute(
                {
                  quote: quoteId,
                  payer,
                  payee,
                  pending: options.pending === true,
                  ...(reference === '' ? {} : { reference }),
                },
                CLI_ACTOR,
              ),
            { quote: '<quote-id>', payer: '--from', payee: '--to', provider: '<quote-id>' },
          );
          printQuote(context, quote, options.json === true);
        });
      },
    ),
  );
  for (const action of ['post', 'void'] as const) {
    addDbOption(
      fx
        .command(action)
        .description(`${action} every leg of a reserved cross-currency payment together`)
        .argument('<quote-id>', 'the quote')
        .option('--json', 'print as JSON'),
    ).action(
      commandAction(context, async (quoteId: string, options: { json?: boolean; db?: string }) => {
        await runHubCommand(context, options.db, async (hub) => {
          printQuote(
            context,
            await hubOperation(() => hub.fx.resolve(quoteId, action, CLI_ACTOR), {
              quote: '<quote-id>',
            }),
            options.json === true,
          );
        });
      }),
    );
  }
};

function printLifetime(context: CliContext, lifetime: QuoteLifetime, json: boolean): void {
  if (json) printJson(context.io, lifetime);
  else
    context.io.out(
      `${lifetime.provider}: quotes hold at most ${lifetime.maxTtlSeconds} s, ${lifetime.defaultTtlSeconds} s unless asked\n`,
    );
}

function printQuote(context: CliContext, quote: QuoteRecord, json: boolean): void {
  const view = quoteJson(quote);
  if (json) {
    printJson(context.io, view);
    return;
  }
  const source = (amount: string): string => `${groupDigits(amount)} ${view.sourceCurrency}`;
  const target = (amount: string): string => `${groupDigits(amount)} ${view.targetCurrency}`;
  context.io.out(
    `quote ${view.id} (${view.status}) from ${view.provider}: pay ${source(view.totalDebit)} (incl. fee ${source(view.fee)}), receive ${target(view.targetAmount)} at ${view.rate} (reference ${view.referenceRate} less ${view.spreadBps} bps); valid until ${view.expiresAt}\n`,
  );
}
