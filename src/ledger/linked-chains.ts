/**
 * Linked chains, shared by accounts and transfers: consecutive events whose `linked` flag is set
 * form a chain with the first event after them that does not have it. A chain succeeds or fails
 * as a whole. The last event of a batch may not be linked (`linked_event_chain_open`).
 *
 * `apply` returns 'ok' or the failure for one event (`exists` counts as success of that event but
 * changes nothing). When an event of a chain fails, `rollback(mark)` undoes everything applied
 * since `begin()` returned `mark`, the failing event keeps its own code, and every other event of
 * the chain gets `linked_event_failed`.
 */
export function forEachChain<Event, Result extends string, Mark>(
  events: readonly Event[],
  isLinked: (event: Event) => boolean,
  results: (Result | 'linked_event_failed' | 'linked_event_chain_open' | 'ok' | 'exists')[],
  steps: {
    /** Called at the start of each chain with its length (1 for an unlinked event). */
    begin: (chainLength: number) => Mark;
    apply: (event: Event, index: number) => Result | 'ok' | 'exists';
    rollback: (mark: Mark) => void;
  },
): void {
  let index = 0;
  while (index < events.length) {
    const chainEnd = findChainEnd(events, isLinked, index);
    const mark = steps.begin(chainEnd - index + 1);
    let failedAt = -1;
    for (let position = index; position <= chainEnd; position += 1) {
      const event = events[position] as Event;
      const open = position === events.length - 1 && isLinked(event);
      const result = open ? 'linked_event_chain_open' : steps.apply(event, position);
      results[position] = result;
      if (result !== 'ok' && result !== 'exists') {
        failedAt = position;
        break;
      }
    }
    if (failedAt >= 0 && chainEnd > index) {
      steps.rollback(mark);
      for (let position = index; position <= chainEnd; position += 1) {
        if (position !== failedAt) results[position] = 'linked_event_failed';
      }
    }
    index = chainEnd + 1;
  }
}

function findChainEnd<Event>(
  events: readonly Event[],
  isLinked: (event: Event) => boolean,
  start: number,
): number {
  let end = start;
  while (end < events.length - 1 && isLinked(events[end] as Event)) end += 1;
  return end;
}
