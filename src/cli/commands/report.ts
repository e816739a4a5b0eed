import { writeFileSync } from 'node:fs';
import { Option } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import { currencyByCode } from '../../ledger/currency.js';
import { newTransferId } from '../../ledger/ids.js';
import { buildStatement, statementCsv, statementJson } from '../../reports/statement.js';
import {
  surplusNowJson,
  surplusSeriesCsv,
  surplusSeriesJson,
  sweepResultJson,
} from '../../reports/surplus-report.js';
import {
  buildWindowReport,
  WINDOW_CSV_TABLES,
  windowReportCsv,
  windowReportHtml,
  windowReportJson,
  type WindowCsvTable,
} from '../../reports/window-report.js';
import type { SurplusNow, SurplusSeries } from '../../settlement/surplus.js';
import { SWEEP_INSTRUMENTS } from '../../settlement/surplus.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { addDbOption, commandAction } from '../ledger-context.js';
import {
  parseAmountOption,
  parseIntegerOption,
  parseReferenceOption,
  parseTransferIdOption,
} from '../options.js';
import { hubOperation, runHubCommand } from '../shared/hub.js';
import { groupDigits, humanAmountIn } from '../shared/human.js';
import { chosenFormat, printJson, renderTable } from '../shared/output.js';

/**
 * Reports at the command line: a window's settlement report (JSON, CSV per table, printable HTML),
 * a participant's statement for a period, the rupee surplus of Russian banks' vostro accounts and
 * the operator's sweep of a surplus into treasury bills or government securities.
 */
export const registerReports: RegisterCommand = (program, context) => {
  const report = program.command('report').description('settlement reports');
  addDbOption(
    report
      .command('window')
      .description(
        'the settlement report of a closed window: positions, instructions, bilateral nets, efficiency',
      )
      .argument('<window>', 'window id, e.g. INR-3')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['json', 'csv', 'html'])
          .default('json'),
      )
      .option('--json', 'print JSON (the same as --format json)')
      .addOption(
        new Option('--table <table>', 'for CSV: which table')
          .choices([...WINDOW_CSV_TABLES])
          .default('positions'),
      )
      .option('--out <file>', 'write to this file instead of standard output'),
  ).action(
    commandAction(
      context,
      async (
        windowId: string,
        options: {
          format: 'json' | 'csv' | 'html';
          json?: boolean;
          table: WindowCsvTable;
          out?: string;
          db?: string;
        },
      ) => {
        const format = chosenFormat(options, 'json');
        await runHubCommand(context, options.db, async (hub) => {
          const built = await hubOperation(() => buildWindowReport(hub, windowId), {
            window: '<window>',
          });
          const text =
            format === 'html'
              ? windowReportHtml(built)
              : format === 'csv'
                ? windowReportCsv(built, options.table)
                : jsonText(windowReportJson(built));
          emit(context, text, options.out);
        });
      },
    ),
  );

  addDbOption(
    program
      .command('statement')
      .description(
        'a participant’s statement for a period [from, to): opening balance, postings with running balance, closing balance per account',
      )
      .requiredOption('--participant <id>', 'participant id')
      .requiredOption('--from <date>', 'YYYY-MM-DD (00:00 UTC) or an ISO date-time with a zone')
      .requiredOption('--to <date>', 'end of the period, exclusive')
      .option('--currency <code>', 'only accounts in this currency')
      .addOption(
        new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'),
      )
      .option('--json', 'print JSON (the same as --format json)')
      .option('--out <file>', 'write to this file instead of standard output'),
  ).action(
    commandAction(
      context,
      async (options: {
        participant: string;
        from: string;
        to: string;
        currency?: string;
        format: 'json' | 'csv';
        json?: boolean;
        out?: string;
        db?: string;
      }) => {
        const format = chosenFormat(options, 'json');
        await runHubCommand(context, options.db, async (hub) => {
          const statement = await hubOperation(
            () =>
              buildStatement(hub, {
                participant: options.participant,
                from: options.from,
                to: options.to,
                ...(options.currency === undefined ? {} : { currency: options.currency }),
              }),
            { participant: '--participant', from: '--from', to: '--to', currency: '--currency' },
          );
          emit(
            context,
            format === 'csv' ? statementCsv(statement) : jsonText(statementJson(statement)),
            options.out,
          );
        });
      },
    ),
  );

  addDbOption(
    program
      .command('surplus')
      .description(
        'the rupee surplus: INR held by Russian banks in vostro accounts, now, per day, or at each closed INR window',
      )
      .option('--from <date>', 'first day of a daily series (YYYY-MM-DD)')
      .option('--to <date>', 'last day of a daily series (YYYY-MM-DD)')
      .option('--windows <n>', 'the balance at the close of each of the last n INR windows')
      .option(
        '--utc-offset-minutes <n>',
        'days end at midnight in this offset (330 for India)',
        '0',
      )
      .addOption(
        new Option(
          '--format <format>',
          'output format: table, json, or csv for a series (default: table)',
        ).choices(['table', 'json', 'csv']),
      )
      .option('--json', 'print JSON (the same as --format json)'),
  ).action(
    commandAction(
      context,
      async (options: {
        from?: string;
        to?: string;
        windows?: string;
        utcOffsetMinutes: string;
        format?: 'table' | 'json' | 'csv';
        json?: boolean;
        db?: string;
      }) => {
        if ((options.from === undefined) !== (options.to === undefined))
          throw new UsageError('--from and --to go together');
        const offset = Number(options.utcOffsetMinutes);
        if (!Number.isInteger(offset))
          throw new UsageError(
            `--utc-offset-minutes: "${options.utcOffsetMinutes}" is not a whole number`,
          );
        const format = chosenFormat(options, 'table');
        const series = options.from !== undefined || options.windows !== undefined;
        if (format === 'csv' && !series)
          throw new UsageError(
            '--format csv: only a series (--from and --to, or --windows) has a CSV form',
          );
        await runHubCommand(context, options.db, async (hub) => {
          if (!series) {
            const now = await hub.surplus.now();
            if (format === 'json') printJson(context.io, surplusNowJson(now));
            else printSurplusNow(context, now);
            return;
          }
          const found =
            options.windows !== undefined
              ? await hubOperation(
                  () =>
                    hub.surplus.byWindow({
                      last: parseIntegerOption('--windows', options.windows ?? '', {
                        minimum: 1,
                        maximum: 10_000,
                      }),
                    }),
                  { last: '--windows' },
                )
              : await hubOperation(
                  () =>
                    hub.surplus.daily({
                      from: options.from ?? '',
                      to: options.to ?? '',
                      utcOffsetMinutes: offset,
                    }),
                  { from: '--from', to: '--to', utc_offset_minutes: '--utc-offset-minutes' },
                );
          if (format === 'csv') context.io.out(surplusSeriesCsv(found));
          else if (format === 'json') printJson(context.io, surplusSeriesJson(found));
          else printSurplusSeries(context, found);
        });
      },
    ),
  );

  addDbOption(
    program
      .command('sweep')
      .description(
        'move a Russian bank’s rupee surplus from its vostro account into its investment account (treasury bills or government securities); audited',
      )
      .requiredOption('--bank <id>', 'the Russian bank')
      .requiredOption('--amount <amount>', 'INR, decimal major units')
      .addOption(
        new Option('--instrument <kind>', 'what the rupees are invested in')
          .choices([...SWEEP_INSTRUMENTS])
          .makeOptionMandatory(),
      )
      .option(
        '--held-at <bank>',
        'the Indian bank keeping the vostro account (when the bank has several)',
      )
      .option('--id <uuid>', 'idempotency key; a new UUIDv7 when absent')
      .option('--reference <text>', 'free text')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        bank: string;
        amount: string;
        instrument: (typeof SWEEP_INSTRUMENTS)[number];
        heldAt?: string;
        id?: string;
        reference?: string;
        json?: boolean;
        db?: string;
      }) => {
        const inr = currencyByCode('INR');
        if (inr === undefined) throw new Error('bug: INR');
        const amountMinor = parseAmountOption('--amount', options.amount, inr);
        const id =
          options.id === undefined ? newTransferId() : parseTransferIdOption('--id', options.id);
        const reference = parseReferenceOption('--reference', options.reference ?? 'surplus sweep');
        await runHubCommand(context, options.db, async (hub) => {
          const result = await hubOperation(
            () =>
              hub.surplus.sweep(
                {
                  bank: options.bank,
                  amountMinor,
                  id,
                  reference,
                  instrument: options.instrument,
                  ...(options.heldAt === undefined ? {} : { heldAt: options.heldAt }),
                },
                CLI_ACTOR,
              ),
            {
              bank: '--bank',
              amount: '--amount',
              instrument: '--instrument',
              held_at: '--held-at',
              id: '--id',
              reference: '--reference',
            },
          );
          if (options.json === true) printJson(context.io, sweepResultJson(result));
          else
            context.io.out(
              `swept ${humanAmountIn(amountMinor, inr)} INR of ${options.bank} into its investment account (${result.status})\n`,
            );
        });
      },
    ),
  );
};

function emit(context: CliContext, text: string, out: string | undefined): void {
  if (out === undefined) {
    context.io.out(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (error) {
    throw new UsageError(`--out: cannot write ${out}: ${(error as Error).message}`);
  }
  context.io.err(`wrote ${out}\n`);
}

/** JSON as the reports print it: two-space indented, one newline at the end. */
function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The surplus now, for people: one row per Russian bank, then its vostro accounts. */
function printSurplusNow(context: CliContext, surplus: SurplusNow): void {
  const view = surplusNowJson(surplus);
  context.io.out(
    `${view.currency} surplus of Russian banks' vostro accounts as of ${view.asOf}: ${groupDigits(view.total)} ${view.currency}, of which invested ${groupDigits(view.investedTotal)} ${view.currency}\n`,
  );
  if (view.banks.length === 0) {
    context.io.out('No Russian bank holds a vostro account in this currency.\n');
    return;
  }
  context.io.out(
    renderTable(
      ['bank', 'name', 'surplus', 'invested', 'investment account'],
      view.banks.map((bank) => [
        bank.bank,
        bank.name,
        groupDigits(bank.surplus),
        groupDigits(bank.invested),
        bank.investmentAccountId ?? '',
      ]),
      [2, 3],
    ),
  );
  context.io.out(
    renderTable(
      ['bank', 'held at', 'vostro account', 'balance'],
      view.banks.flatMap((bank) =>
        bank.vostro.map((account) => [
          bank.bank,
          account.heldAt,
          account.accountId,
          groupDigits(account.balance),
        ]),
      ),
      [3],
    ),
  );
}

/** A surplus series, for people: one row per day or window, one column per bank, then the total. */
function printSurplusSeries(context: CliContext, series: SurplusSeries): void {
  const view = surplusSeriesJson(series);
  context.io.out(
    `${view.currency} surplus of Russian banks' vostro accounts ${view.kind === 'daily' ? `at the end of each day (UTC offset ${view.utcOffsetMinutes} minutes)` : 'at the close of each window'}\n`,
  );
  if (view.points.length === 0) {
    context.io.out('No points in this series.\n');
    return;
  }
  const banks = view.banks.map((bank) => bank.bank);
  context.io.out(
    renderTable(
      [view.kind === 'daily' ? 'date' : 'window', 'at (UTC)', ...banks, 'total'],
      view.points.map((point) => [
        point.label,
        point.at.time,
        ...banks.map((bank) => groupDigits(point.byBank[bank] ?? '0')),
        groupDigits(point.total),
      ]),
      banks.map((_, index) => index + 2).concat([banks.length + 2]),
    ),
  );
}
