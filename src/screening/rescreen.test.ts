import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFixtureLists } from './eval/fixture-lists.js';
import { rescreen, type ScreenedParty } from './rescreen.js';
import { Screener } from './screener.js';
import type { Hit, ListEntry, Snapshot } from './types.js';

const { un, ofac } = loadFixtureLists();

// The list before the load: Leontyev (13086) not yet listed, Banco Nacional de Cuba (306) under
// another name, and an entry since delisted.
const delisted: ListEntry = {
  id: '999001',
  kind: 'person',
  names: [{ name: 'SIDOROV, Ivan Petrovich', quality: 'primary' }],
  datesOfBirth: [],
  countries: ['RU'],
  identifiers: [],
  programmes: ['TEST'],
};
const oldOfac: Snapshot = {
  ...ofac,
  id: 'ofac@old',
  entries: [
    ...ofac.entries
      .filter((entry) => entry.id !== '13086')
      .map((entry) =>
        entry.id === '306'
          ? { ...entry, names: [{ name: 'BANCO NACIONAL DE CHILE', quality: 'primary' as const }] }
          : entry,
      ),
    delisted,
  ],
};

const parties: ScreenedParty[] = [
  { id: 'leontyev', party: { name: 'Vladislav Leontyev' } },
  { id: 'banco', party: { name: 'Banco Nacional de Cuba' } },
  { id: 'sidorov', party: { name: 'Иван Сидоров' } },
  { id: 'sharma', party: { name: 'Rahul Sharma' } },
  { id: 'umarov', party: { name: 'Doku Umarov' } },
  { id: 'empty', party: { name: '' } },
];

/** What screening every party against everything before and after gives, per party. */
function naive(): Map<string, { added: string[]; removed: string[]; changed: string[] }> {
  const key = (hit: Hit) => `${hit.format}:${hit.entryId}`;
  const all = { limit: Number.MAX_SAFE_INTEGER };
  const before = new Screener([un, oldOfac], all);
  const after = new Screener([un, ofac], all);
  const result = new Map<string, { added: string[]; removed: string[]; changed: string[] }>();
  for (const { id, party } of parties) {
    if (party.name === '') continue;
    const was = new Map(before.screen(party).map((hit) => [key(hit), hit]));
    const now = new Map(after.screen(party).map((hit) => [key(hit), hit]));
    const change = {
      added: [...now.keys()].filter((k) => !was.has(k)).sort(),
      removed: [...was.keys()].filter((k) => !now.has(k)).sort(),
      changed: [...now]
        .filter(([k, hit]) => was.has(k) && was.get(k)?.score !== hit.score)
        .map(([k]) => k)
        .sort(),
    };
    if (change.added.length + change.removed.length + change.changed.length > 0)
      result.set(id, change);
  }
  return result;
}

test('rescreening after a load reports what screening everything again would, and nothing else', () => {
  const result = rescreen(parties, [un, oldOfac], [un, ofac]);
  assert.deepEqual(result.entries, { added: 1, removed: 1, changed: 1 });
  const key = (hit: Hit) => `${hit.format}:${hit.entryId}`;
  const got = new Map(
    result.changes.map((change) => [
      change.partyId,
      {
        added: change.added.map(key).sort(),
        removed: change.removed.map(key).sort(),
        changed: change.changed.map(({ after }) => key(after)).sort(),
      },
    ]),
  );
  assert.deepEqual(got, naive());
  assert.deepEqual([...got.keys()].sort(), ['banco', 'leontyev', 'sidorov']);
  assert.deepEqual(got.get('leontyev')?.added, ['ofac:13086']);
  assert.deepEqual(got.get('sidorov')?.removed, ['ofac:999001']);
  // New hits name the new snapshot; lost ones the old.
  const leontyev = result.changes.find((change) => change.partyId === 'leontyev');
  assert.equal(leontyev?.added[0]?.snapshot, ofac.id);
  const sidorov = result.changes.find((change) => change.partyId === 'sidorov');
  assert.equal(sidorov?.removed[0]?.snapshot, 'ofac@old');
  assert.deepEqual(
    result.refused.map((refusal) => refusal.partyId),
    ['empty'],
  );
});

test('the same lists again change nothing; a list withdrawn removes its hits', () => {
  assert.deepEqual(rescreen(parties, [un, ofac], [un, ofac]), {
    entries: { added: 0, removed: 0, changed: 0 },
    changes: [],
    refused: [],
  });
  const withdrawn = rescreen(parties.slice(0, 5), [un, ofac], [ofac]);
  assert.equal(withdrawn.entries.removed, un.entryCount);
  const umarov = withdrawn.changes.find((change) => change.partyId === 'umarov');
  assert.ok(umarov);
  assert.ok(umarov.removed.some((hit) => hit.format === 'un' && hit.entryId === 'QDi.290'));
  assert.deepEqual(umarov.added, []);
});
