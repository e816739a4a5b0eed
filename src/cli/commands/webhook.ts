import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import type { WebhookEndpoint, WebhookService } from '../../events/webhooks.js';
import { Hub } from '../../hub/hub.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, runLedgerCommand } from '../ledger-context.js';
import { parseIntegerOption, parseParticipantOption } from '../options.js';
import { EVENT_TYPES_HELP, parseEventTypes, parseSeqOption } from '../shared/events.js';
import { hubOperation } from '../shared/hub.js';
import { printJson, renderTable } from '../shared/output.js';
import { addWebhookHostOption, webhookAllowedHosts } from '../shared/webhook-hosts.js';

/** Endpoint and delivery ids as the service makes them (src/events/webhooks.ts). */
const ENDPOINT_ID = /^wh_[0-9a-f]{16}$/;
const DELIVERY_ID = /^dlv_wh_[0-9a-f]{16}_[1-9][0-9]{0,18}_[1-9][0-9]{0,18}$/;
const LIST_MAX = 1000;

/** How a service refusal's field is named on this command line. */
const FIELDS: Readonly<Record<string, string>> = {
  id: '<id>',
  endpoint: '<id>',
  participant: '--participant',
  url: '--url',
  format: '--format',
  types: '--type',
  maxEventsPerDelivery: '--max-events',
  fromSeq: '--from',
  delivery: '<delivery-id>',
  deliveryId: '<delivery-id>',
};

/**
 * `vostro webhook …`: the operator manages participants' webhook endpoints. An endpoint the
 * operator registers is active at once (one a participant registers over the API waits for
 * `approve`); its signing secret is printed once, by `add` and `rotate-secret`, and never again.
 * Deliveries run while `vostro serve` (or `start`) runs; `deliveries` and `attempts` show how they
 * went, `replay` sends a failed or disabled endpoint's events again from its cursor or `--from`.
 */
export const registerWebhook: RegisterCommand = (program, context) => {
  const webhook = program
    .command('webhook')
    .description(
      'webhook endpoints: add, approve, list, show, deliveries, attempts, replay, disable, remove, rotate-secret (deliveries are signed per Standard Webhooks)',
    );
  registerAdd(webhook, context);
  registerSimple(
    webhook,
    context,
    'approve',
    'approve an endpoint a participant registered: deliveries start',
  );
  registerList(webhook, context);
  registerShow(webhook, context);
  registerDeliveries(webhook, context);
  registerAttempts(webhook, context);
  registerReplay(webhook, context);
  registerSimple(
    webhook,
    context,
    'disable',
    'stop delivering to an endpoint (its cursor stays: `replay` resumes)',
  );
  registerSimple(webhook, context, 'remove', 'remove an endpoint and stop delivering to it');
  registerRotate(webhook, context);
};

/** Runs `work` with the webhook service of the database `--db` names. */
async function withWebhooks(
  context: CliContext,
  db: string | undefined,
  work: (webhooks: WebhookService) => Promise<void>,
  allowedHosts?: readonly string[],
): Promise<void> {
  await runLedgerCommand(context, { dbOption: db, create: false }, async (session) => {
    const hub = new Hub(session.ledger, undefined, {
      ...(allowedHosts === undefined ? {} : { webhookAllowedHosts: allowedHosts }),
    });
    await work(hub.webhooks);
    return ExitCode.ok;
  });
}

interface AddOptions {
  readonly participant: string;
  readonly url: string;
  readonly format?: 'json' | 'camt.054';
  readonly type?: readonly string[];
  readonly maxEvents?: string;
  readonly webhookAllowHost?: readonly string[];
  readonly json?: boolean;
  readonly db?: string;
}

function registerAdd(parent: Command, context: CliContext): void {
  const command = addDbOption(
    parent
      .command('add')
      .description(
        'register a webhook endpoint for a participant (active at once); prints its signing secret once: keep it, it is not shown again',
      )
      .requiredOption('--participant <id>', 'whose events it receives')
      .requiredOption('--url <url>', 'http(s) URL on an allowed host (see --webhook-allow-host)')
      .addOption(
        new Option('--format <format>', 'what a delivery carries').choices(['json', 'camt.054']),
      )
      .option(
        '--type <type>',
        `${EVENT_TYPES_HELP} (default: all)`,
        (value: string, previous: readonly string[] | undefined) => [...(previous ?? []), value],
      )
      .option('--max-events <count>', 'events per delivery at most, 1 to 1000 (default 100)')
      .option('--json', 'print the endpoint and its secret as JSON'),
  );
  addWebhookHostOption(command).action(
    commandAction(context, async (options: AddOptions) => {
      const participant = parseParticipantOption('--participant', options.participant);
      const types = parseEventTypes(options.type);
      const maxEvents =
        options.maxEvents === undefined
          ? undefined
          : parseIntegerOption('--max-events', options.maxEvents, { minimum: 1, maximum: 1000 });
      const allowedHosts = webhookAllowedHosts(options.webhookAllowHost, context.io.env);
      await withWebhooks(
        context,
        options.db,
        async (webhooks) => {
          const { endpoint, secret } = await hubOperation(
            () =>
              webhooks.register(
                {
                  participant,
                  url: options.url,
                  ...(options.format === undefined ? {} : { format: options.format }),
                  ...(types === undefined ? {} : { types: [...types] }),
                  ...(maxEvents === undefined ? {} : { maxEventsPerDelivery: maxEvents }),
                },
                CLI_ACTOR,
              ),
            FIELDS,
          );
          if (options.json === true) {
            printJson(context.io, { endpoint, secret });
            return;
          }
          printEndpoint(context.io, endpoint);
          context.io.out(`secret (shown once, keep it to verify deliveries): ${secret}\n`);
        },
        allowedHosts,
      );
    }),
  );
}

function registerSimple(
  parent: Command,
  context: CliContext,
  action: 'approve' | 'disable' | 'remove',
  description: string,
): void {
  addDbOption(
    parent
      .command(action)
      .description(description)
      .argument('<id>', 'the endpoint id')
      .option('--json', 'print the endpoint as JSON'),
  ).action(
    commandAction(context, async (id: string, options: { json?: boolean; db?: string }) => {
      endpointId(id);
      await withWebhooks(context, options.db, async (webhooks) => {
        if (action === 'remove') {
          await hubOperation(() => webhooks.remove(id, CLI_ACTOR), FIELDS);
          if (options.json === true) printJson(context.io, { id, removed: true });
          else context.io.out(`removed webhook endpoint ${id}; nothing more is delivered to it\n`);
          return;
        }
        const endpoint = await hubOperation(
          () =>
            action === 'approve'
              ? webhooks.approve(id, CLI_ACTOR)
              : webhooks.disable(id, CLI_ACTOR),
          FIELDS,
        );
        if (options.json === true) printJson(context.io, endpoint);
        else context.io.out(`webhook endpoint ${id} is ${endpoint.status}\n`);
      });
    }),
  );
}

function registerList(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('list')
      .description('webhook endpoints, of every participant or of one')
      .option('--participant <id>', 'only this participant’s')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: { participant?: string; json?: boolean; db?: string }) => {
        const participant =
          options.participant === undefined
            ? undefined
            : parseParticipantOption('--participant', options.participant);
        await withWebhooks(context, options.db, async (webhooks) => {
          const endpoints = await hubOperation(
            () => webhooks.list(participant === undefined ? {} : { participant }, CLI_ACTOR),
            FIELDS,
          );
          if (options.json === true) {
            printJson(context.io, { data: endpoints });
            return;
          }
          if (endpoints.length === 0) {
            context.io.out('No webhook endpoints. Add one with `vostro webhook add --help`.\n');
            return;
          }
          context.io.out(
            renderTable(
              ['id', 'participant', 'status', 'format', 'cursor', 'url'],
              endpoints.map((endpoint) => [
                endpoint.id,
                endpoint.participant,
                endpoint.status,
                endpoint.format,
                endpoint.cursor,
                endpoint.url,
              ]),
              [4],
            ),
          );
        });
      },
    ),
  );
}

function registerShow(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('show')
      .description('one webhook endpoint: its URL, status, event types and cursor')
      .argument('<id>', 'the endpoint id')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (id: string, options: { json?: boolean; db?: string }) => {
      endpointId(id);
      await withWebhooks(context, options.db, async (webhooks) => {
        const endpoint = await hubOperation(() => webhooks.get(id, CLI_ACTOR), FIELDS);
        if (options.json === true) printJson(context.io, endpoint);
        else printEndpoint(context.io, endpoint);
      });
    }),
  );
}

function registerDeliveries(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('deliveries')
      .description(
        'an endpoint’s deliveries, oldest first: the events each carried and how it ended',
      )
      .argument('<id>', 'the endpoint id')
      .option(
        '--after <delivery-id>',
        'only deliveries after this one (the `more:` of the last page)',
      )
      .option('--limit <count>', `at most this many, 1 to ${LIST_MAX}`, '100')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (
        id: string,
        options: { after?: string; limit: string; json?: boolean; db?: string },
      ) => {
        endpointId(id);
        if (options.after !== undefined) deliveryIdOption('--after', options.after);
        const limit = parseIntegerOption('--limit', options.limit, {
          minimum: 1,
          maximum: LIST_MAX,
        });
        await withWebhooks(context, options.db, async (webhooks) => {
          const page = await hubOperation(
            () =>
              webhooks.deliveries(
                id,
                { ...(options.after === undefined ? {} : { after: options.after }), limit },
                CLI_ACTOR,
              ),
            FIELDS,
          );
          if (options.json === true) {
            printJson(context.io, page);
            return;
          }
          if (page.length === 0) {
            context.io.out(
              'No deliveries yet (they run while `vostro serve` or `vostro start` runs).\n',
            );
            return;
          }
          context.io.out(
            renderTable(
              ['delivery', 'events', 'status', 'attempts', 'last answer', 'delivered'],
              page.map((delivery) => [
                delivery.id,
                `${delivery.firstSeq}–${delivery.lastSeq} (${delivery.events})`,
                delivery.status,
                String(delivery.attempts),
                delivery.lastStatus === undefined
                  ? (delivery.lastError ?? '')
                  : String(delivery.lastStatus),
                delivery.deliveredAt ?? '',
              ]),
              [3],
            ),
          );
          if (page.length === limit) context.io.out(`more: --after ${page.at(-1)?.id ?? ''}\n`);
        });
      },
    ),
  );
}

function registerAttempts(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('attempts')
      .description(
        'every attempt of one delivery: when, the answer (status code or error) and how long it took',
      )
      .argument('<id>', 'the endpoint id')
      .argument('<delivery-id>', 'the delivery (as `deliveries` lists it)')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (id: string, deliveryId: string, options: { json?: boolean; db?: string }) => {
        endpointId(id);
        deliveryIdOption('<delivery-id>', deliveryId);
        await withWebhooks(context, options.db, async (webhooks) => {
          const attempts = await hubOperation(
            () => webhooks.attempts(id, deliveryId, CLI_ACTOR),
            FIELDS,
          );
          if (options.json === true) {
            printJson(context.io, attempts);
            return;
          }
          context.io.out(
            attempts.length === 0
              ? 'No attempts.\n'
              : renderTable(
                  ['attempt', 'at', 'answer', 'took (ms)'],
                  attempts.map((attempt) => [
                    String(attempt.attempt),
                    attempt.at,
                    attempt.status === undefined ? (attempt.error ?? '') : String(attempt.status),
                    String(attempt.durationMs),
                  ]),
                  [0, 3],
                ),
          );
        });
      },
    ),
  );
}

function registerReplay(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('replay')
      .description(
        'make a failed or disabled endpoint active again and deliver from its cursor, or from --from (events after that sequence number)',
      )
      .argument('<id>', 'the endpoint id')
      .option('--from <seq>', 'deliver the events after this sequence number (0: all)')
      .option('--json', 'print the endpoint as JSON'),
  ).action(
    commandAction(
      context,
      async (id: string, options: { from?: string; json?: boolean; db?: string }) => {
        endpointId(id);
        const fromSeq =
          options.from === undefined ? undefined : parseSeqOption('--from', options.from);
        await withWebhooks(context, options.db, async (webhooks) => {
          const endpoint = await hubOperation(
            () => webhooks.replay(id, fromSeq === undefined ? {} : { fromSeq }, CLI_ACTOR),
            FIELDS,
          );
          if (options.json === true) printJson(context.io, endpoint);
          else
            context.io.out(
              `webhook endpoint ${endpoint.id} is ${endpoint.status}; deliveries resume after event ${endpoint.cursor}\n`,
            );
        });
      },
    ),
  );
}

function registerRotate(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('rotate-secret')
      .description(
        'give an endpoint a new signing secret, printed once (the old one stops at once)',
      )
      .argument('<id>', 'the endpoint id')
      .option('--json', 'print the secret as JSON'),
  ).action(
    commandAction(context, async (id: string, options: { json?: boolean; db?: string }) => {
      endpointId(id);
      await withWebhooks(context, options.db, async (webhooks) => {
        const { secret } = await hubOperation(() => webhooks.rotateSecret(id, CLI_ACTOR), FIELDS);
        // The old secret keeps signing too for a day (src/events/webhooks.ts), so the receiver can switch.
        if (options.json === true) printJson(context.io, { id, secret });
        else
          context.io.out(
            `new secret of ${id} (shown once, keep it to verify deliveries; for 24 hours deliveries are signed with the old one too): ${secret}\n`,
          );
      });
    }),
  );
}

function printEndpoint(io: CliIo, endpoint: WebhookEndpoint): void {
  const rows = [
    ['id', endpoint.id],
    ['participant', endpoint.participant],
    ['url', endpoint.url],
    ['format', endpoint.format],
    ['types', endpoint.types === undefined ? 'all' : endpoint.types.join(', ')],
    ['status', endpoint.status],
    ['cursor (last delivered event)', endpoint.cursor],
    ['events per delivery', String(endpoint.maxEventsPerDelivery)],
    ['created', endpoint.createdAt],
    ...(endpoint.approvedBy === undefined ? [] : [['approved by', endpoint.approvedBy]]),
    ...(endpoint.failedAt === undefined ? [] : [['failed at', endpoint.failedAt]]),
  ];
  io.out(renderTable(['field', 'value'], rows));
}

function endpointId(text: string): void {
  if (!ENDPOINT_ID.test(text))
    throw new UsageError(
      `<id>: "${text.slice(0, 64)}" is not a webhook endpoint id (wh_ and 16 hex digits, as \`webhook list\` prints it)`,
    );
}

function deliveryIdOption(option: string, text: string): void {
  if (!DELIVERY_ID.test(text))
    throw new UsageError(
      `${option}: "${text.slice(0, 64)}" is not a delivery id (dlv_<endpoint>_<first event>_<last event>, as \`webhook deliveries\` prints it)`,
    );
}
