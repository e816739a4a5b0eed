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
import {
  addRemoteOptions,
  remoteFetch,
  remoteOf,
  remoteRefusal,
  type Remote,
} from '../shared/remote.js';
import { serverSentEvents } from '../shared/sse.js';

/** Events one page holds at most (the store's limit). */
const EVENTS_LIMIT_MAX = 10_000;
/** How often `--follow` asks a PostgreSQL database for new events. */
const FOLLOW_POLL_MS = 250;
/** How long `--follow --url` waits before connecting again after the server went away. */
const RECONNECT_MS = 2000;

interface EventsOptions {
  readonly after: string;
  readonly limit: string;
  readonly type?: readonly string[];
  readonly participant?: string;
  readonly follow?: boolean;
  readonly json?: boolean;
  readonly db?: string;
  readonly url?: string;
  readonly keyFile?: string;
}

/** What to read: after which event, which types, whose. */
interface EventFilter {
  readonly afterSeq: bigint;
  readonly types?: readonly string[];
  readonly participant?: string;
}

/**
 * `vostro events`: the hub's event feed (the outbox every change writes in its own transaction),
 * oldest first after a cursor, as the operator sees it (every participant's events) or for one
 * participant, from the database or from a running server (`--url`). `--follow` keeps printing
 * new events until Ctrl-C: from a server through its live stream (GET /v1/events/stream), or from
 * a PostgreSQL database by polling it. (Not from a SQLite file: while this command holds it,
 * nothing else can write an event.)
 */
export const registerEvents: RegisterCommand = (program, context) => {
  const command = addDbOption(
    program
      .command('events')
      .description(
        'the event feed (transfers created, posted, voided and expired, refused payments, windows, quotes, presentations), oldest first after a cursor; --follow for new ones as they happen',
      )
      .option(
        '--after <seq>',
        'only events after this one (the `more:` of the last page; 0: from the start)',
        '0',
      )
      .option('--limit <count>', `at most this many per page, 1 to ${EVENTS_LIMIT_MAX}`, '100')
      .option(
        '--type <type>',
        EVENT_TYPES_HELP,
        (value: string, previous: readonly string[] | undefined) => [...(previous ?? []), value],
      )
      .option(
        '--participant <id>',
        'only the events this participant sees (its own accounts’ and its customers’)',
      )
      .option(
        '--follow',
        'keep printing new events until Ctrl-C (from a server with --url, or from a PostgreSQL database); with --json, one event per line',
      )
      .option('--json', 'print as JSON (the API’s event views)'),
  );
  addRemoteOptions(command).action(
    commandAction(context, async (options: EventsOptions) => {
      const filter: EventFilter = {
        afterSeq: parseSeqOption('--after', options.after),
        ...optional('types', parseEventTypes(options.type)),
        ...optional(
          'participant',
          options.participant === undefined
            ? undefined
            : parseParticipantOption('--participant', options.participant),
        ),
      };
      const limit = parseIntegerOption('--limit', options.limit, {
        minimum: 1,
        maximum: EVENTS_LIMIT_MAX,
      });
      const follow = options.follow === true;
      const json = options.json === true;
      if (follow && context.io.waitForShutdown === undefined)
        throw new UsageError('--follow needs a terminal that can stop it (Ctrl-C)');
      const remote = remoteOf(options, context.io.env);
      if (remote !== undefined) {
        if (follow) await followRemote(context, remote, filter, json);
        else printPage(context, await remotePage(remote, filter, limit), json);
        return;
      }
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        if (follow && session.store.kind !== 'postgres')
          throw new RefusedError(
            '--follow: a SQLite database is written by one process at a time, and this command now holds it, so no event can arrive; follow a running server with --url (the one that holds the database), or a PostgreSQL database',
          );
        // A mistyped participant would otherwise be an empty feed, which looks like "nothing happened".
        if (
          filter.participant !== undefined &&
          (await new ParticipantRegistry(session.ledger).find(filter.participant)) === undefined
        )
          throw new RefusedError(
            `--participant: no participant ${filter.participant} in ${session.dbPath}`,
          );
        if (follow) await followStore(context, session.store, filter, limit, json);
        else printPage(context, await storePage(session.store, filter, limit), json);
        return ExitCode.ok;
      });
    }),
  );
};

/** A page as GET /v1/events answers it. */
interface EventPage {
  readonly data: readonly EventView[];
  readonly next: string | null;
  readonly lastId: string;
}

async function storePage(
  store: LedgerStore,
  filter: EventFilter,
  limit: number,
): Promise<EventPage> {
  // One more than asked tells whether there is a next page without a second query.
  const found = await store.events({ ...filter, limit: limit + 1 });
  const page = found.slice(0, limit).map(eventView);
  const lastId = page.at(-1)?.id ?? filter.afterSeq.toString();
  return { data: page, next: found.length > limit ? lastId : null, lastId };
}

async function remotePage(remote: Remote, filter: EventFilter, limit: number): Promise<EventPage> {
  const response = await remoteFetch(remote, `/events?${query(filter, limit)}`);
  if (!response.ok) throw await remoteRefusal(response);
  return (await response.json()) as EventPage;
}

function printPage(context: CliContext, page: EventPage, json: boolean): void {
  if (json) {
    printJson(context.io, page);
    return;
  }
  if (page.data.length === 0) {
    context.io.out('No events after that point.\n');
    return;
  }
  context.io.out(renderTable(EVENT_COLUMNS, page.data.map(eventRow)));
  if (page.next !== null) context.io.out(`more: --after ${page.next}\n`);
}

/** One event as `--follow` prints it: a line of JSON, or the table's columns on one line. */
function printFollowed(context: CliContext, view: EventView, json: boolean): void {
  context.io.out(json ? `${JSON.stringify(view)}\n` : `${eventRow(view).join('  ')}\n`);
}

/** Polls a PostgreSQL database until the shutdown signal; each new event once, in order. */
async function followStore(
  context: CliContext,
  store: LedgerStore,
  filter: EventFilter,
  limit: number,
  json: boolean,
): Promise<void> {
  const state = { stopped: false };
  const stop = context.io.waitForShutdown?.().then(() => (state.stopped = true));
  let cursor = filter.afterSeq;
  while (!state.stopped) {
    const page = await store.events({ ...filter, afterSeq: cursor, limit });
    for (const event of page) {
      printFollowed(context, eventView(event), json);
      cursor = event.seq;
    }
    if (page.length < limit)
      await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS))]);
  }
}

/**
 * Reads the server's live stream until the shutdown signal. If the server goes away (it was
 * stopped or restarted), connects again every few seconds, resuming after the last event printed;
 * a server that refuses (a wrong key, a bad filter), or one never reached, ends the command.
 */
async function followRemote(
  context: CliContext,
  remote: Remote,
  filter: EventFilter,
  json: boolean,
): Promise<void> {
  const abort = new AbortController();
  const state = { stopped: false };
  // A function, not the flag itself: the flag changes while this function awaits.
  const stopped = (): boolean => state.stopped;
  const stop = context.io.waitForShutdown?.().then(() => {
    state.stopped = true;
    abort.abort();
  });
  let cursor = filter.afterSeq;
  let connected = false;
  while (!stopped()) {
    try {
      const response = await remoteFetch(
        remote,
        `/events/stream?${query({ ...filter, afterSeq: cursor })}`,
        {
          headers: { accept: 'text/event-stream' },
          signal: abort.signal,
        },
      );
      if (!response.ok || response.body === null) throw await remoteRefusal(response);
      connected = true;
      for await (const message of serverSentEvents(response.body)) {
        const view = JSON.parse(message.data) as EventView;
        printFollowed(context, view, json);
        cursor = BigInt(view.id);
      }
    } catch (error) {
      if (stopped()) break;
      const unreachable = error instanceof RefusedError && error.message.startsWith('cannot reach');
      const dropped = !(error instanceof RefusedError) && connected;
      if (!(unreachable && connected) && !dropped) throw error;
    }
    if (stopped()) break;
    context.io.err(
      `the server at ${remote.base} went away; connecting again in ${RECONNECT_MS / 1000} s (after event ${cursor}; Ctrl-C to stop)\n`,
    );
    await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, RECONNECT_MS))]);
  }
}

function query(filter: EventFilter, limit?: number): string {
  const params = new URLSearchParams({ after: filter.afterSeq.toString() });
  if (limit !== undefined) params.set('limit', String(limit));
  if (filter.types !== undefined) params.set('types', filter.types.join(','));
  if (filter.participant !== undefined) params.set('participant', filter.participant);
  return params.toString();
}

function optional<Key extends string, Value>(
  key: Key,
  value: Value | undefined,
): Partial<Record<Key, Value>> {
  return value === undefined ? {} : ({ [key]: value } as Record<Key, Value>);
}
