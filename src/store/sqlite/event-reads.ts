import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { transferEventData } from '../../ledger/events.js';
import { isStorableText } from '../../ledger/text.js';
import {
  checkEventQuery,
  TRANSFER_EVENT_TYPES,
  transferEventParticipants,
  type EventQuery,
  type StoredEvent,
} from '../events.js';
import { eventFromRow, type EventRow } from '../rows.js';
import { transferFromRow, type TransferRow } from './rows.js';
import type { Statements } from './statements.js';

/** A run of a batch's transfer events as stored (migration 6). */
interface RunRow {
  last_seq: bigint;
  first_seq: bigint;
  first_timestamp: bigint;
  events: Buffer;
  sides: string;
}

/** Bytes per event in a run: type, debit side, credit side, timestamp offset. */
const RUN_EVENT_BYTES = 7;

/** The newest event's seq, of a service event or of a run of transfer events. */
const LAST_EVENT_SEQ = `SELECT max(coalesce((SELECT max(seq) FROM events), 0),
  coalesce((SELECT max(last_seq) FROM transfer_event_runs), 0))`;

/**
 * Reads the SQLite store's events: the services' events, a row each, and the ledger's transfer
 * events, a run per batch (see the writer's `insertTransferRun`), merged in seq order. Every read
 * is one read transaction on this thread's connection, so the two tables are seen at the same
 * commit: a page never skips an event of the one table that committed between reads of the other.
 */
export class SqliteEventReader {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly transfers: Statements,
  ) {
    const prepare = (sql: string): Statement => db.prepare(sql);
    const types = 'type IN (SELECT value FROM json_each(?))';
    this.statements = {
      lastSeq: prepare(LAST_EVENT_SEQ).pluck(),
      after: prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
      ofTypesAfter: prepare(`SELECT * FROM events WHERE seq > ? AND ${types} ORDER BY seq LIMIT ?`),
      ofParticipantAfter: prepare(`SELECT e.* FROM event_parties p JOIN events e ON e.seq = p.seq
        WHERE p.participant = ? AND p.seq > ? ORDER BY p.seq LIMIT ?`),
      ofParticipantAndTypesAfter:
        prepare(`SELECT e.* FROM event_parties p JOIN events e ON e.seq = p.seq
        WHERE p.participant = ? AND p.seq > ? AND e.${types} ORDER BY p.seq LIMIT ?`),
      runsAfter: prepare(
        'SELECT * FROM transfer_event_runs WHERE last_seq > ? ORDER BY last_seq LIMIT ?',
      ),
      runsOfParticipantAfter: prepare(`SELECT r.* FROM event_parties p
        JOIN transfer_event_runs r ON r.last_seq = p.seq
        WHERE p.participant = ? AND p.seq > ? ORDER BY p.seq LIMIT ?`),
    };
  }

  lastSeq(): bigint {
    return this.statements.lastSeq.get() as bigint;
  }

  read(query: EventQuery): StoredEvent[] {
    checkEventQuery(query);
    const { participant, types } = query;
    if (query.limit === 0 || types?.length === 0) return [];
    // Text no store can hold names no participant; sent, a lone surrogate would match U+FFFD.
    if (participant !== undefined && !isStorableText(participant)) return [];
    return this.db.transaction(() => this.readPages(query))();
  }

  /**
   * Pages of both tables, merged. A page of `limit` rows of each is read after the cursor; events
   * are certain up to the end of whichever page came back full, which becomes the next cursor
   * while the answer is short (a run may hold none of the participant's or types' events after it).
   */
  private readPages(query: EventQuery): StoredEvent[] {
    const { participant, types, limit } = query;
    const typesJson = types === undefined ? undefined : JSON.stringify(types);
    const transferCodes = new Set<number>();
    TRANSFER_EVENT_TYPES.forEach((type, index) => {
      if (types === undefined || types.includes(type)) transferCodes.add(index + 1);
    });
    const found: StoredEvent[] = [];
    const full = (): boolean => found.length >= limit;
    let cursor = query.afterSeq;
    for (;;) {
      const service = this.serviceEvents(cursor, participant, typesJson, limit);
      const runs = transferCodes.size === 0 ? [] : this.runs(cursor, participant, limit);
      // Everything up to `end` is read; past it, a page that came back full may have more.
      const serviceEnd = service.length === limit ? service.at(-1)?.seq : undefined;
      const runsEnd = runs.length === limit ? runs.at(-1)?.last_seq : undefined;
      const end =
        serviceEnd === undefined || (runsEnd !== undefined && runsEnd < serviceEnd)
          ? runsEnd
          : serviceEnd;
      const within = (seq: bigint): boolean => end === undefined || seq <= end;
      let next = 0;
      const serviceBefore = (seq: bigint | undefined): void => {
        for (; next < service.length && !full(); next += 1) {
          const event = service[next] as StoredEvent;
          if ((seq !== undefined && event.seq >= seq) || !within(event.seq)) return;
          found.push(event);
        }
      };
      for (const run of runs) {
        serviceBefore(run.first_seq);
        if (full() || !within(run.first_seq)) break;
        this.expand(run, cursor, end, participant, transferCodes, found, limit);
      }
      serviceBefore(undefined);
      if (full() || end === undefined) return found;
      cursor = end;
    }
  }

  private serviceEvents(
    after: bigint,
    participant: string | undefined,
    typesJson: string | undefined,
    limit: number,
  ): StoredEvent[] {
    const { statements } = this;
    const rows =
      participant === undefined
        ? typesJson === undefined
          ? statements.after.all(after, limit)
          : statements.ofTypesAfter.all(after, typesJson, limit)
        : typesJson === undefined
          ? statements.ofParticipantAfter.all(participant, after, limit)
          : statements.ofParticipantAndTypesAfter.all(participant, after, typesJson, limit);
    return (rows as EventRow[]).map((row) => eventFromRow(row));
  }

  private runs(after: bigint, participant: string | undefined, limit: number): RunRow[] {
    return (
      participant === undefined
        ? this.statements.runsAfter.all(after, limit)
        : this.statements.runsOfParticipantAfter.all(participant, after, limit)
    ) as RunRow[];
  }

  /** Adds the run's events after `after` (and up to `end`) that pass the filters, while `found` has room. */
  private expand(
    run: RunRow,
    after: bigint,
    end: bigint | undefined,
    participant: string | undefined,
    codes: ReadonlySet<number>,
    found: StoredEvent[],
    limit: number,
  ): void {
    const sides = JSON.parse(run.sides) as string[][];
    const mine =
      participant === undefined ? undefined : sides.map((side) => side.includes(participant));
    const packed = run.events;
    const last = end === undefined || end > run.last_seq ? run.last_seq : end;
    const first = after >= run.first_seq ? after + 1n : run.first_seq;
    for (let seq = first; seq <= last && found.length < limit; seq += 1n) {
      const at = Number(seq - run.first_seq) * RUN_EVENT_BYTES;
      const code = packed.readUInt8(at);
      const debit = packed.readUInt16LE(at + 1);
      const credit = packed.readUInt16LE(at + 3);
      if (!codes.has(code)) continue;
      if (mine !== undefined && mine[debit] !== true && mine[credit] !== true) continue;
      const timestamp = run.first_timestamp + BigInt(packed.readUInt16LE(at + 5));
      const row = this.transfers.transferByTimestamp.get(timestamp) as TransferRow | undefined;
      if (row === undefined)
        throw new Error(`bug: the transfer at ${timestamp} of event ${seq} is not stored`);
      const type = TRANSFER_EVENT_TYPES[code - 1] as string;
      const debitSide = sides[debit] ?? [];
      const creditSide = sides[credit] ?? [];
      const transfer = transferFromRow(row);
      found.push({
        seq,
        at: timestamp,
        type,
        subject: transfer.id,
        participants: transferEventParticipants(debitSide, creditSide),
        data: transferEventData(transfer, type, debitSide[0] ?? '', creditSide[0] ?? ''),
      });
    }
  }
}
