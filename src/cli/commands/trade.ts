import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import { HubError } from '../../domain/errors.js';
import type { PresentationRecord } from '../../trade/presentations.js';
import type { TradeInput, TradeRecord, TradeStatus } from '../../trade/trades.js';
import { presentationJson, tradeJson } from '../../views/trades.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { addDbOption, commandAction, RefusedError } from '../ledger-context.js';
import { parseIntegerOption } from '../options.js';
import { readJsonFile } from '../shared/files.js';
import { hubOperation, runHubCommand } from '../shared/hub.js';
import { groupDigits } from '../shared/human.js';
import { printJson, renderTable } from '../shared/output.js';

const STATUSES: readonly TradeStatus[] = [
  'draft',
  'agreed',
  'shipped',
  'presented',
  'paid',
  'expired',
  'cancelled',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH = /^sha256:[0-9a-f]{64}$/;

/**
 * `vostro trade create|agree|ship|cancel|show|list|present`: trades and their documentary
 * presentations, run by the operator on the hub's machine (the actor `cli` in the audit log). A
 * trade file is the body of `POST /v1/trades` (see docs/documents.md).
 */
export const registerTrade: RegisterCommand = (program, context) => {
  const trade = program
    .command('trade')
    .description(
      'trades: create from a file, agree, ship, cancel, show, list, and present documents under a documentary credit',
    );
  registerCreate(trade, context);
  for (const action of ['agree', 'ship'] as const) registerChange(trade, context, action);
  registerCancel(trade, context);
  registerShow(trade, context);
  registerList(trade, context);
  registerPresent(trade, context);
};

/** How a service refusal's field is named on this command line. */
const FIELDS: Readonly<Record<string, string>> = {
  id: '<trade-id>',
  trade: '<trade-id>',
  reason: '--reason',
  documents: '--documents',
};

function registerCreate(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('create')
      .description(
        'create a trade as a draft from a JSON file (the body of POST /v1/trades); the other side agrees with `trade agree`',
      )
      .requiredOption('--file <file>', 'the trade as JSON')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (options: { file: string; json?: boolean; db?: string }) => {
      const value = readJsonFile('--file', options.file);
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new RefusedError(`--file: ${options.file}: a trade is a JSON object`);
      await runHubCommand(context, options.db, async (hub) => {
        // The service checks every field (ids, parties, HS codes, Incoterms, amounts, terms) and
        // names the one at fault as a JSON Pointer into the file.
        const trade = await hub.trades
          .create(value as TradeInput, CLI_ACTOR)
          .catch(inFile(options.file));
        printTrade(context, trade, options.json === true);
      });
    }),
  );
}

function registerChange(parent: Command, context: CliContext, action: 'agree' | 'ship'): void {
  addDbOption(
    parent
      .command(action)
      .description(
        action === 'agree'
          ? 'agree to a draft trade; for a documentary credit the importer’s payment is reserved in the same transaction'
          : 'record that the goods of an agreed trade were shipped',
      )
      .argument('<trade-id>', 'the trade')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (id: string, options: { json?: boolean; db?: string }) => {
      tradeIdOption(id);
      await runHubCommand(context, options.db, async (hub) => {
        const trade = await hubOperation(
          () =>
            action === 'agree'
              ? hub.trades.agree(id.toLowerCase(), CLI_ACTOR)
              : hub.trades.ship(id.toLowerCase(), CLI_ACTOR),
          FIELDS,
        );
        printTrade(context, trade, options.json === true);
      });
    }),
  );
}

function registerCancel(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('cancel')
      .description(
        'cancel a trade not yet paid; a documentary credit’s reservation is voided in the same transaction',
      )
      .argument('<trade-id>', 'the trade')
      .requiredOption('--reason <text>', 'why, for the audit log')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (id: string, options: { reason: string; json?: boolean; db?: string }) => {
        tradeIdOption(id);
        await runHubCommand(context, options.db, async (hub) => {
          const trade = await hubOperation(
            () => hub.trades.cancel(id.toLowerCase(), options.reason, CLI_ACTOR),
            FIELDS,
          );
          printTrade(context, trade, options.json === true);
        });
      },
    ),
  );
}

function registerShow(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('show')
      .description(
        'a trade: parties, goods, terms, status and history (`--json` is what `document verify --trade` reads)',
      )
      .argument('<trade-id>', 'the trade')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (id: string, options: { json?: boolean; db?: string }) => {
      tradeIdOption(id);
      await runHubCommand(context, options.db, async (hub) => {
        const trade = await hubOperation(() => hub.trades.get(id.toLowerCase(), CLI_ACTOR), FIELDS);
        if (options.json === true) {
          printJson(context.io, tradeJson(trade));
          return;
        }
        printTrade(context, trade, false);
        const view = tradeJson(trade);
        context.io.out(
          renderTable(
            ['hs', 'description', 'quantity', 'unit', 'unit price'],
            view.lines.map((line) => [
              line.hs,
              line.description,
              groupDigits(line.quantity),
              line.unit,
              groupDigits(line.unitPrice),
            ]),
            [2, 4],
          ),
        );
        context.io.out(
          renderTable(
            ['status', 'at', 'by'],
            view.history.map((change) => [change.status, change.at, change.by]),
          ),
        );
      });
    }),
  );
}

function registerList(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('list')
      .description('trades in id order')
      .addOption(new Option('--status <status>', 'only trades in this state').choices(STATUSES))
      .option('--after <trade-id>', 'start after this trade (the `next` of an earlier page)')
      .option('--limit <n>', 'at most this many, 1 to 1000', '100')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        status?: TradeStatus;
        after?: string;
        limit: string;
        json?: boolean;
        db?: string;
      }) => {
        const limit = parseIntegerOption('--limit', options.limit, { minimum: 1, maximum: 1000 });
        if (options.after !== undefined) tradeIdOption(options.after, '--after');
        await runHubCommand(context, options.db, async (hub) => {
          const found = await hubOperation(() =>
            hub.trades.list(CLI_ACTOR, {
              ...(options.status === undefined ? {} : { status: options.status }),
              ...(options.after === undefined ? {} : { after: options.after.toLowerCase() }),
              limit: limit + 1,
            }),
          );
          const page = found.slice(0, limit);
          const next = found.length > limit ? (page.at(-1)?.id ?? null) : null;
          if (options.json === true) {
            printJson(context.io, { data: page.map(tradeJson), next });
            return;
          }
          context.io.out(
            renderTable(
              ['trade', 'status', 'exporter', 'importer', 'total', 'terms', 'ship by'],
              page.map((trade) => {
                const view = tradeJson(trade);
                return [
                  view.id,
                  view.status,
                  view.exporter,
                  view.importer,
                  `${groupDigits(view.total)} ${view.currency}`,
                  view.paymentTerms.kind,
                  view.latestShipmentDate,
                ];
              }),
              [4],
            ),
          );
          if (next !== null) context.io.out(`more: --after ${next}\n`);
        });
      },
    ),
  );
}

function registerPresent(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('present')
      .description(
        'present submitted documents under a documentary credit: if every required document verifies, the reserved payment posts in the same transaction; otherwise the discrepancies are listed (exit 1) and the money stays reserved',
      )
      .argument('<trade-id>', 'the trade')
      .requiredOption('--documents <hashes>', 'comma-separated document hashes (sha256:…)')
      .option('--id <uuid>', 'the presentation id (the idempotency key; a new one if not given)')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (
        tradeId: string,
        options: { documents: string; id?: string; json?: boolean; db?: string },
      ) => {
        tradeIdOption(tradeId);
        const documents = options.documents.split(',').map((hash) => hash.trim());
        for (const hash of documents)
          if (!HASH.test(hash))
            throw new UsageError(
              `--documents: "${hash.slice(0, 80)}" is not a document hash (sha256: and 64 lower-case hex digits)`,
            );
        const id = options.id ?? randomUUID();
        if (!UUID.test(id)) throw new UsageError(`--id: "${id.slice(0, 64)}" is not a UUID`);
        await runHubCommand(context, options.db, async (hub) => {
          const record = await hubOperation(
            () =>
              hub.presentations.present(
                { id: id.toLowerCase(), trade: tradeId.toLowerCase(), documents },
                CLI_ACTOR,
              ),
            { ...FIELDS, id: '--id' },
          );
          printPresentation(context, record, options.json === true);
          if (record.status !== 'accepted')
            throw new RefusedError(
              `presentation ${record.id} is ${record.status}: ${record.discrepancies.length} discrepanc${record.discrepancies.length === 1 ? 'y' : 'ies'}; the payment stays reserved`,
            );
        });
      },
    ),
  );
}

function tradeIdOption(text: string, option = '<trade-id>'): void {
  if (!UUID.test(text))
    throw new UsageError(`${option}: "${text.slice(0, 64)}" is not a trade id (a UUID)`);
}

/** A refusal of the trade file names the field as a JSON Pointer into the file (`/lines/0/hs`). */
function inFile(file: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof HubError)
      throw new RefusedError(
        `--file: ${file}: ${error.field === undefined ? '' : `/${error.field}: `}${error.message} (${error.code})`,
      );
    throw error;
  };
}

function printTrade(context: CliContext, trade: TradeRecord, json: boolean): void {
  const view = tradeJson(trade);
  if (json) {
    printJson(context.io, view);
    return;
  }
  context.io.out(
    `trade ${view.id} (${view.status}): ${view.exporter} → ${view.importer}, ${groupDigits(view.total)} ${view.currency}, ${view.incoterm.rule} ${view.incoterm.place}, ship by ${view.latestShipmentDate}, ${view.paymentTerms.kind}${view.reservation === undefined ? '' : `, reserved as payment ${view.reservation}`}\n`,
  );
}

function printPresentation(context: CliContext, record: PresentationRecord, json: boolean): void {
  const view = presentationJson(record);
  if (json) {
    printJson(context.io, view);
    return;
  }
  context.io.out(
    `presentation ${view.id} of trade ${view.trade}: ${view.status}${view.payment === undefined ? '' : `, payment ${view.payment} posted`}\n`,
  );
  if (view.discrepancies.length > 0)
    context.io.out(
      renderTable(
        ['document', 'check', 'reason'],
        view.discrepancies.map((item) => [item.document ?? '—', item.check, item.reason]),
      ),
    );
}
