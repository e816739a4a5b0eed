/**
 * Re-screening after a list load: which parties gained a hit, lost one, or hit the same entry with
 * another score, between the snapshots in force before and those after.
 *
 * A hit's score depends only on the party, the entry and the options (no weight depends on the
 * rest of the list), so only entries that were added, removed or changed can change a result.
 * rescreen() therefore compares the two sets of snapshots entry by entry (an entry is its list's
 * format and id; changed when its content differs), indexes the old versions of the removed and
 * changed entries and the new versions of the added and changed ones, and screens every party
 * against those two small indexes only. The result is what screening each party against all of
 * `before` and all of `after` would give (rescreen.test.ts checks it), at a fraction of the cost.
 */
import { ScreeningInputError } from './errors.js';
import { prepareParty, Screener, type ScreenerOptions } from './screener.js';
import type { Hit, ListEntry, Party, Snapshot } from './types.js';

export interface ScreenedParty {
  readonly id: string;
  readonly party: Party;
}

export interface PartyChange {
  readonly partyId: string;
  /** Hits after the load on entries the party did not hit before. */
  readonly added: readonly Hit[];
  /** Hits before the load on entries the party no longer hits. */
  readonly removed: readonly Hit[];
  /** Entries hit before and after, with another score or other matched fields. */
  readonly changed: readonly { readonly before: Hit; readonly after: Hit }[];
}

export interface RescreenResult {
  readonly entries: { readonly added: number; readonly removed: number; readonly changed: number };
  /** Parties whose hits changed, in the order given. */
  readonly changes: readonly PartyChange[];
  /** Parties that could not be screened (their data fails the screener's checks). */
  readonly refused: readonly { readonly partyId: string; readonly reason: string }[];
}

const keyOf = (format: string, id: string) => `${format}:${id}`;

function entriesOf(
  snapshots: readonly Snapshot[],
): Map<string, { snapshot: Snapshot; entry: ListEntry; content: string }> {
  const entries = new Map<string, { snapshot: Snapshot; entry: ListEntry; content: string }>();
  for (const snapshot of snapshots)
    for (const entry of snapshot.entries)
      entries.set(keyOf(snapshot.format, entry.id), {
        snapshot,
        entry,
        content: JSON.stringify(entry),
      });
  return entries;
}

/** Snapshots like `snapshots` (same ids, so hits name them) holding only the chosen entries. */
function restricted(chosen: readonly { snapshot: Snapshot; entry: ListEntry }[]): Snapshot[] {
  const bySnapshot = new Map<Snapshot, ListEntry[]>();
  for (const { snapshot, entry } of chosen) {
    const list = bySnapshot.get(snapshot);
    if (list === undefined) bySnapshot.set(snapshot, [entry]);
    else list.push(entry);
  }
  return [...bySnapshot].map(([snapshot, entries]) => ({ ...snapshot, entries }));
}

function sameHit(a: Hit, b: Hit): boolean {
  return a.score === b.score && a.fields.join() === b.fields.join();
}

export function rescreen(
  parties: readonly ScreenedParty[],
  before: readonly Snapshot[],
  after: readonly Snapshot[],
  options: ScreenerOptions = {},
): RescreenResult {
  const old = entriesOf(before);
  const current = entriesOf(after);
  const gone: { snapshot: Snapshot; entry: ListEntry }[] = [];
  const come: { snapshot: Snapshot; entry: ListEntry }[] = [];
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const [key, was] of old) {
    const now = current.get(key);
    if (now === undefined) {
      removed++;
      gone.push(was);
    } else if (now.content !== was.content) {
      changed++;
      gone.push(was);
      come.push(now);
    }
  }
  for (const [key, now] of current) {
    if (!old.has(key)) {
      added++;
      come.push(now);
    }
  }
  const entries = { added, removed, changed };
  if (gone.length === 0 && come.length === 0) return { entries, changes: [], refused: [] };
  const unlimited = { ...options, limit: Number.MAX_SAFE_INTEGER };
  const wasScreener = new Screener(restricted(gone), unlimited);
  const nowScreener = new Screener(restricted(come), unlimited);
  const changes: PartyChange[] = [];
  const refused: { partyId: string; reason: string }[] = [];
  for (const { id, party } of parties) {
    let hitsBefore: Hit[];
    let hitsAfter: Hit[];
    try {
      const prepared = prepareParty(party);
      hitsBefore = gone.length === 0 ? [] : wasScreener.screenPrepared(prepared);
      hitsAfter = come.length === 0 ? [] : nowScreener.screenPrepared(prepared);
    } catch (error) {
      if (!(error instanceof ScreeningInputError)) throw error;
      refused.push({ partyId: id, reason: error.message });
      continue;
    }
    if (hitsBefore.length === 0 && hitsAfter.length === 0) continue;
    const previous = new Map(hitsBefore.map((hit) => [keyOf(hit.format, hit.entryId), hit]));
    const next = new Map(hitsAfter.map((hit) => [keyOf(hit.format, hit.entryId), hit]));
    const change = {
      partyId: id,
      added: hitsAfter.filter((hit) => !previous.has(keyOf(hit.format, hit.entryId))),
      removed: hitsBefore.filter((hit) => !next.has(keyOf(hit.format, hit.entryId))),
      changed: hitsAfter.flatMap((hit) => {
        const was = previous.get(keyOf(hit.format, hit.entryId));
        return was === undefined || sameHit(was, hit) ? [] : [{ before: was, after: hit }];
      }),
    };
    if (change.added.length + change.removed.length + change.changed.length > 0)
      changes.push(change);
  }
  return { entries, changes, refused };
}
