import type { EventInput, StoredEvent } from '../store/events.js';
import type { LedgerStore, WriteTransaction } from '../store/store.js';

/**
 * Test support for the events the services write into the outbox (src/store/events.ts): read a
 * store's events of some types, and make a store's write transactions fail right after they
 * appended a given event, to show that the event and the change it reports commit together or
 * not at all.
 */

/** The events of `types` after `afterSeq`, oldest first (as a participant, when one is given). */
export async function eventsOf(
  store: LedgerStore,
  types: readonly string[],
  options: { afterSeq?: bigint; participant?: string } = {},
): Promise<StoredEvent[]> {
  return store.events({
    afterSeq: options.afterSeq ?? 0n,
    types,
    limit: 10_000,
    ...(options.participant === undefined ? {} : { participant: options.participant }),
  });
}

/**
 * The store, whose write transactions throw right after appending events of which one matches
 * `fault` (while `armed()`): the whole transaction, the event and everything written before it,
 * must be rolled back.
 */
export function failingAfterEvents(
  store: LedgerStore,
  fault: (event: EventInput) => boolean,
  armed: () => boolean,
): LedgerStore {
  const write = <T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> =>
    store.write((transaction) => {
      const hooked = new Proxy(transaction, {
        get(target, property) {
          if (property === 'appendEvents')
            return async (events: readonly EventInput[]) => {
              await target.appendEvents(events);
              if (armed() && events.some(fault))
                throw new Error('fault injected after appendEvents');
            };
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function'
            ? (value as (...args: unknown[]) => unknown).bind(target)
            : value;
        },
      });
      return work(hooked);
    });
  return Object.assign(Object.create(store) as LedgerStore, { write });
}
