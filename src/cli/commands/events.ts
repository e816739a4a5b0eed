import { eventView, type EventView } from '../../events/view.js';
import { ParticipantRegistry } from '../../participants/registry.js';
import type { LedgerStore } from '../../store/store.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, RefusedError, runLedgerCommand } from '../ledger-context.js';
import { parseIntegerOption, parseParticipantOption } from '../options.js';
import {
  eventRow,
  EVENT_COLUMNS,
  EVENT_TYPES_HELP,
  parseEventTypes,
  parseSeqOption,
} from '../shared/events.js';
import { printJson, renderTable } from '../shared/output.js';

/** Events one page holds at most (the store's limit). */
const EVENTS_LIMIT_MAX = 10_000;
/** How often `--follow` asks the store for new events. */
const FOLLOW_POLL_MS = 250;

interface EventsOptions {
  readonly after: string;
  readonly limit: string;
  readonly type?: readonly string[];
  readonly participant?: string;
  readonly follow?: boolean;
  readonly json?: boolean;
  readonly db?: string;
}

/**
 * `vostro events`: the hub's event feed (the outbox every change writes in its own transaction),
 * oldest first from a cursor, as the operator sees it (every participant's events) or for one
 * participant. With `--follow` it keeps printing new events until Ctrl-C; on SQLite nothing else can
 * write while this command holds the database, so following is for PostgreSQL, where the servers
 * and this command share the database.
 */
export const registerEvents: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('events')
      .description(
        'list the event feed (transfers created, posted, voided and expired, refused payments, windows, quotes, presentations), oldest first after a cursor',
      )
      .option(
        '--after <seq>',
        'only events after this sequence number (the `more:` of the last page)',
        '0',
      )
      .option('--limit <count>', `at most this many, 1 to ${EVENTS_LIMIT_MAX}`, '100')
      .option(
        '--type <type>',
        EVENT_TYPES_HELP,
        (value: string, previous: readonly string[] | undefined) => [...(previous ?? []), value],
      )
      .option(
        '--participant <id>',
        'only the events this participant sees (its own and its customers’)',
      )
      .option(
        '--follow',
        'keep printing new events until Ctrl-C (PostgreSQL only: a SQLite database has one writer, this command); with --json, one event per line',
      )
      .option('--json', 'print as JSON (the API’s event views)'),
  ).action(
    commandAction(context, async (options: EventsOptions) => {
      const afterSeq = parseSeqOption('--after', options.after);
      const limit = parseIntegerOption('--limit', options.limit, {
        minimum: 1,
        maximum: EVENTS_LIMIT_MAX,
      });
      const types = parseEventTypes(options.type);
      const participant =
        options.participant === undefined
          ? undefined
          : parseParticipantOption('--participant', options.participant);
      const follow = options.follow === true;
      if (follow && context.io.waitForShutdown === undefined)
        throw new UsageError('--follow needs a terminal that can stop it (Ctrl-C)');
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        if (follow && session.store.kind !== 'postgres')
          throw new RefusedError(
            '--follow: a SQLite database is written by one process at a time, and this command now holds it, so no event can arrive; follow a PostgreSQL database, or ask a running server: GET /v1/events/stream',
          );
        // A mistyped participant would otherwise be an empty feed, which looks like "nothing happened".
        if (
          participant !== undefined &&
          (await new ParticipantRegistry(session.ledger).find(participant)) === undefined
        )
          throw new RefusedError(
            `--participant: no participant ${participant} in ${session.dbPath}`,
          );
        const query = {
          ...(participant === undefined ? {} : { participant }),
          ...(types === undefined ? {} : { types }),
        };
        if (!follow) {
          const found = await session.store.events({ afterSeq, ...query, limit: limit + 1 });
          const page = found.slice(0, limit).map(eventView);
          const next = found.length > limit ? (page.at(-1)?.id ?? null) : null;
          if (options.json === true) printJson(context.io, { data: page, next });
          else printPage(context, page, next);
          return ExitCode.ok;
        }
        await followEvents(context, session.store, {
          afterSeq,
          query,
          limit,
          json: options.json === true,
        });
        return ExitCode.ok;
      });
    }),
  );
};

function printPage(context: CliContext, page: readonly EventView[], next: string | null): void {
  if (page.length === 0) {
    context.io.out('No events after that point.\n');
    return;
  }
  context.io.out(renderTable(EVENT_COLUMNS, page.map(eventRow)));
  if (next !== null) context.io.out(`more: --after ${next}\n`);
}

/** Prints pages as they come until the shutdown signal; each new event once, in order. */
async function followEvents(
  context: CliContext,
  store: LedgerStore,
  options: {
    afterSeq: bigint;
    query: { participant?: string; types?: readonly string[] };
    limit: number;
    json: boolean;
  },
): Promise<void> {
  let stopped = false;
  const stop = context.io.waitForShutdown?.().then(() => (stopped = true));
  let cursor = options.afterSeq;
  while (!stopped) {
    const page = await store.events({ afterSeq: cursor, ...options.query, limit: options.limit });
    for (const event of page) {
      const view = eventView(event);
      context.io.out(options.json ? `${JSON.stringify(view)}\n` : `${eventRow(view).join('  ')}\n`);
      cursor = event.seq;
    }
    if (page.length < options.limit)
      await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS))]);
  }
}
