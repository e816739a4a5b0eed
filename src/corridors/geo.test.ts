import assert from 'node:assert/strict';
import { test } from 'node:test';
import { haversineKm, kmToNauticalMiles, polylineKm, splitAtAntimeridian } from './geo.js';

test('one degree of latitude is about 111.2 km and 60 nautical miles', () => {
  const km = haversineKm([0, 0], [0, 1]);
  assert.ok(Math.abs(km - 111.195) < 0.01, `got ${km}`);
  assert.ok(Math.abs(kmToNauticalMiles(km) - 60.04) < 0.05);
});

test('a polyline is the sum of its segments', () => {
  assert.equal(
    polylineKm([
      [0, 0],
      [0, 1],
      [0, 2],
    ]),
    haversineKm([0, 0], [0, 1]) + haversineKm([0, 1], [0, 2]),
  );
  assert.equal(polylineKm([[10, 10]]), 0);
});

test('a line across the antimeridian is split into two parts that meet at ±180°', () => {
  const parts = splitAtAntimeridian([
    [170, 60],
    [-170, 62],
  ]);
  assert.equal(parts.length, 2);
  assert.deepEqual(parts[0]![1], [180, 61]);
  assert.deepEqual(parts[1]![0], [-180, 61]);
  assert.equal(
    splitAtAntimeridian([
      [10, 0],
      [20, 0],
    ]).length,
    1,
  );
});
