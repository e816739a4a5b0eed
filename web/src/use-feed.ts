import { useEffect, useState } from 'preact/hooks';
import { explain, followEvents, getJson, type HubEvent } from './api.ts';

const PAGE = 500;
const HISTORY_PAGES = 20;

interface EventPage {
  readonly data: readonly HubEvent[];
  readonly next: string | null;
  readonly lastId: string;
}

export interface Feed {
  /** Newest first, at most `shown`. */
  readonly events: readonly HubEvent[];
  readonly live: boolean;
  readonly problem: string | undefined;
}

/**
 * The events of `types` (comma-separated, docs/events.md) the key may see — a participant key only
 * its own: the API filters them — newest first: up to 20 pages of history, then live from where
 * they ended, so nothing is missed or shown twice. `what` names them in a refusal.
 */
export function useFeed(types: string, shown: number, what: string): Feed {
  const [events, setEvents] = useState<readonly HubEvent[]>([]);
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const abort = new AbortController();
    const run = async () => {
      let after = '0';
      let kept: HubEvent[] = [];
      for (let pages = 0; pages < HISTORY_PAGES; pages += 1) {
        const page = await getJson<EventPage>(
          `/events?types=${types}&limit=${PAGE}&after=${after}`,
          abort.signal,
        );
        kept = [...page.data.slice().reverse(), ...kept].slice(0, shown);
        after = page.lastId;
        if (page.next === null) break;
      }
      setEvents(kept);
      setLive(true);
      await followEvents(`types=${types}&after=${after}`, abort.signal, (event) =>
        setEvents((current) => [event, ...current].slice(0, shown)),
      );
      setLive(false);
    };
    run().catch((error: unknown) => {
      if (abort.signal.aborted) return;
      setLive(false);
      setProblem(explain(error, what));
    });
    return () => abort.abort();
  }, [types, shown, what]);
  return { events, live, problem };
}

/** A field of an event's data as text ('' for objects and missing fields). */
export function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}
