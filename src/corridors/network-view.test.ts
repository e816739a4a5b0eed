import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeNetwork, seasonState } from './network-view.js';

const view = (date: string) => {
  const result = describeNetwork({ date }, { today: '2026-01-01' });
  assert.ok(result.ok);
  return result.value;
};

test('the network view lists every node and link with its mode, status and line', () => {
  const network = view('2026-06-01');
  assert.equal(network.nodes.length, 45);
  const ids = new Set(network.nodes.map((node) => node.id));
  for (const link of network.links) {
    assert.ok(ids.has(link.from) && ids.has(link.to), link.id);
    assert.ok(['sea', 'caspian', 'rail', 'road'].includes(link.mode), link.id);
    assert.ok(
      link.lines.every((line) => line.length >= 2),
      link.id,
    );
  }
  assert.ok(network.links.some((link) => link.status === 'under-construction'));
  assert.deepEqual(
    network.corridors.map((corridor) => corridor.id),
    ['suez', 'cape', 'instc-west', 'instc-caspian', 'instc-east', 'cvmc', 'nsr', 'black-sea'],
  );
});

test('seasonal links say how they stand in the month of the date', () => {
  const state = (date: string, id: string) =>
    view(date).links.find((link) => link.id === id)?.season?.state;
  assert.equal(state('2026-12-01', 'sea:RUVVO-RUMMK'), 'closed');
  assert.equal(state('2026-08-15', 'sea:RUVVO-RUMMK'), 'ice-class');
  assert.equal(state('2026-01-10', 'caspian:IRBAZ-RUASF'), 'convoy');
  assert.equal(state('2026-06-10', 'caspian:IRBAZ-RUASF'), 'open');
  assert.equal(
    view('2026-06-01').links.find((link) => link.id === 'sea:INNSA-RULED')?.season,
    undefined,
  );
  assert.equal(seasonState({ openMonths: [7], iceClassMonths: [], note: '' }, 7), 'open');
});

test('the date defaults to today and is validated', () => {
  const result = describeNetwork({}, { today: '2026-03-04' });
  assert.ok(result.ok && result.value.date === '2026-03-04');
  const bad = describeNetwork({ date: '2026-02-30' }, { today: '2026-03-04' });
  assert.ok(!bad.ok && bad.error.code === 'invalid_date' && bad.error.field === 'date');
});

test('a line that crosses the antimeridian is split', () => {
  const crossing = view('2026-06-01').links.filter((link) => link.lines.length > 1);
  assert.ok(crossing.some((link) => link.id === 'sea:RUVVO-RUMMK'));
  // Only voyages through the Bering Strait cross the antimeridian on these corridors.
  for (const link of crossing) assert.ok(link.via.includes('Bering Strait'), link.id);
  for (const link of crossing)
    for (const line of link.lines)
      assert.ok(
        line.every(([lon]) => lon >= -180 && lon <= 180),
        link.id,
      );
});
