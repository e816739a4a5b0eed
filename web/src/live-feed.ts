import { useEffect, useRef, useState } from 'preact/hooks';
import { explain, followEvents, getJson, type HubEvent } from './api.ts';
import { formatMajor, formatMoney } from './money.ts';
import { text } from './use-feed.ts';

/** A transfer as `GET /v1/transfers` and `GET /v1/transfers/{id}/chain` give it (docs/api.md). */
export interface FoundTransfer {
  readonly id: string;
  readonly kind: 'plain' | 'pending' | 'post' | 'void' | 'expired';
  readonly status: 'pending' | 'posted' | 'voided' | 'expired';
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly debitOwner: string;
  readonly creditOwner: string;
  /** Major units, a decimal string. */
  readonly amount: string;
  readonly currency: string;
  readonly code: number;
  readonly linked: boolean;
  readonly pendingId: string | null;
  readonly reference: string;
  readonly createdAt: string;
  readonly timestamp: string;
  readonly pendingStatus: string | null;
  readonly expiresAt: string | null;
}

/** One line of the payments feed, from an event or from a transfer the search found. */
export interface FeedRow {
  /** The transfer's (or refused payment's) id: a transfer read first and then seen live is one row. */
  readonly key: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS`. */
  readonly at: string;
  readonly what: string;
  readonly from: string;
  readonly to: string;
  /** Formatted with its currency. */
  readonly amount: string;
  readonly reference: string;
  readonly id: string;
  /** Whether the id opens a payment's story (a refused payment has none). */
  readonly story: boolean;
}

/** The event types of payments and transfers (docs/events.md). */
export const PAYMENT_EVENT_TYPES =
  'transfer.created,transfer.posted,transfer.voided,transfer.expired,payment.refused';

export function rowOfEvent(event: HubEvent): FeedRow {
  const data = event.data;
  const currency = text(data['currency']);
  const amount = text(data['amount']);
  const id = text(data['id']);
  return {
    key: id === '' ? `event:${event.id}` : id,
    at: event.at.slice(0, 19).replace('T', ' '),
    what: event.type,
    from: text(data['debitOwner'] ?? data['payer']),
    to: text(data['creditOwner'] ?? data['payee']),
    amount: /^-?[0-9]+$/.test(amount) && currency !== '' ? formatMoney(amount, currency) : amount,
    reference: text(data['reference'] ?? data['code']),
    id,
    story: event.type !== 'payment.refused',
  };
}

export function rowOfTransfer(transfer: FoundTransfer): FeedRow {
  return {
    key: transfer.id,
    at: transfer.createdAt.slice(0, 19).replace('T', ' '),
    what: `${transfer.kind} · ${transfer.status}`,
    from: transfer.debitOwner,
    to: transfer.creditOwner,
    amount: formatMajor(transfer.amount, transfer.currency),
    reference: transfer.reference,
    id: transfer.id,
    story: true,
  };
}

/** The feed is applied at most this often (ms), in the first animation frame after. */
const FLUSH_MS = 200;

export interface LiveFeed {
  /** Newest first, at most `shown`. */
  readonly rows: readonly FeedRow[];
  readonly live: boolean;
  readonly problem: string | undefined;
  /** Events received from the stream since the page opened (shown or not). */
  readonly received: number;
  readonly paused: boolean;
  setPaused(paused: boolean): void;
}

/** Newest first, each key once, at most `shown`. */
function merge(newer: readonly FeedRow[], older: readonly FeedRow[], shown: number): FeedRow[] {
  const seen = new Set<string>();
  const rows: FeedRow[] = [];
  for (const row of [...newer, ...older]) {
    if (seen.has(row.key)) continue;
    seen.add(row.key);
    rows.push(row);
    if (rows.length >= shown) break;
  }
  return rows;
}

/**
 * The payments and transfers the key may see — a participant key only its own: the API filters
 * them — newest first, live, for a feed that may run at a thousand events a second.
 *
 * The stream (`GET /v1/events/stream`, from now on) is opened first; then the newest `shown`
 * transfers are read (`GET /v1/transfers`), so nothing committed in between is missed, and a
 * transfer seen both ways is one row. Events are collected as they come and applied to the page
 * in one render in an animation frame, at most five times a second (FLUSH_MS), keeping at most
 * `shown` rows: older ones are dropped
 * before they are ever rendered, and a hidden tab renders nothing until it is shown. While paused,
 * events are still counted and the newest kept, and appear when the feed is resumed, so rows hold
 * still to be read or clicked.
 */
export function useLiveFeed(shown: number): LiveFeed {
  const [rows, setRows] = useState<readonly FeedRow[]>([]);
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [received, setReceived] = useState(0);
  const [paused, setPausedState] = useState(false);
  const pausedRef = useRef(false);
  const flushRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    const abort = new AbortController();
    // Oldest first: what the next frame adds (at most 2 × shown wait).
    let waiting: FeedRow[] = [];
    let count = 0;
    let frame: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastFlush = 0;
    let loaded = false;
    const flush = () => {
      frame = undefined;
      lastFlush = performance.now();
      if (count > 0) {
        const added = count;
        count = 0;
        setReceived((total) => total + added);
      }
      if (pausedRef.current || !loaded || waiting.length === 0) return;
      const batch = waiting.reverse();
      waiting = [];
      setRows((current) => merge(batch, current, shown));
    };
    flushRef.current = flush;
    const arrived = (event: HubEvent) => {
      waiting.push(rowOfEvent(event));
      if (waiting.length > 2 * shown) waiting = waiting.slice(-shown);
      count += 1;
      if (frame !== undefined || timer !== undefined) return;
      // The next frame, but no sooner than FLUSH_MS after the last: a person reads a few
      // updates a second, and every update lays the table out again.
      const wait = lastFlush + FLUSH_MS - performance.now();
      if (wait <= 0) frame = requestAnimationFrame(flush);
      else
        timer = setTimeout(() => {
          timer = undefined;
          frame = requestAnimationFrame(flush);
        }, wait);
    };
    const stream = followEvents(`types=${PAYMENT_EVENT_TYPES}`, abort.signal, arrived);
    const history = getJson<{ data: readonly FoundTransfer[] }>(
      `/transfers?limit=${shown}`,
      abort.signal,
    ).then((page) => {
      loaded = true;
      setLive(true);
      const batch = waiting.reverse();
      waiting = [];
      setRows(merge(batch, page.data.map(rowOfTransfer), shown));
    });
    Promise.all([stream, history])
      .then(() => setLive(false))
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        setLive(false);
        setProblem(explain(error, 'payments'));
      });
    return () => {
      abort.abort();
      if (frame !== undefined) cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [shown]);

  const setPaused = (value: boolean) => {
    pausedRef.current = value;
    setPausedState(value);
    if (!value) flushRef.current();
  };
  return { rows, live, problem, received, paused, setPaused };
}
