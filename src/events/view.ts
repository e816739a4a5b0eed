import { isoTime } from '../domain/time.js';
import type { StoredEvent } from '../store/events.js';
import type { JsonObject } from '../store/records.js';

/**
 * An event as everyone outside sees it: `GET /v1/events`, the SSE stream's `data:` and the
 * webhook bodies all carry this one shape, so a receiver handles one format whichever way it
 * reads. `id` is the event's sequence number in decimal (the cursor to resume after: JSON numbers
 * lose precision past 2^53, a decimal string does not); receivers deduplicate by it.
 */
export interface EventView {
  readonly id: string;
  readonly type: string;
  /** ISO 8601 in UTC with the nanoseconds, as every view shows times. */
  readonly at: string;
  readonly subject: string;
  readonly participants: readonly string[];
  readonly data: JsonObject;
}

export function eventView(event: StoredEvent): EventView {
  return {
    id: event.seq.toString(),
    type: event.type,
    at: isoTime(event.at),
    subject: event.subject,
    participants: event.participants,
    data: event.data,
  };
}
