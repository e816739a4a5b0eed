import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutingErrorCode } from './errors.js';
import { parseRouteQuery } from './query.js';

const today = '2026-11-22';

function expectError(
  input: unknown,
  code: RoutingErrorCode,
  field: string,
  pattern?: RegExp,
): void {
  const parsed = parseRouteQuery(input, { today });
  assert.ok(!parsed.ok, `expected ${code} for ${JSON.stringify(input)}`);
  assert.equal(parsed.error.code, code);
  assert.equal(parsed.error.field, field);
  if (pattern !== undefined) assert.match(parsed.error.message, pattern);
}

test('nodes resolve by UN/LOCODE, name or alias, in any case', () => {
  for (const [text, id] of [
    ['INNSA', 'INNSA'],
    ['innsa', 'INNSA'],
    ['Nhava Sheva', 'INNSA'],
    ['jnpt', 'INNSA'],
    ['Moscow', 'RUMOW'],
    ['MOSCOW', 'RUMOW'],
    ['st. petersburg', 'RULED'],
    ['Saint-Petersburg', 'RULED'],
    ['Bombay', 'INBOM'],
  ]) {
    const parsed = parseRouteQuery(
      { from: text, to: id === 'RUASF' ? 'INNSA' : 'RUASF' },
      { today },
    );
    assert.ok(parsed.ok, text);
    assert.equal(parsed.value.from, id);
  }
});

test('defaults: by time, today, all modes, a 20 ft dry box, one route, no ice class', () => {
  const parsed = parseRouteQuery({ from: 'INNSA', to: 'RUMOW' }, { today });
  assert.ok(parsed.ok);
  assert.equal(parsed.value.by, 'time');
  assert.equal(parsed.value.departureDate, today);
  assert.deepEqual(parsed.value.modes, ['sea', 'caspian', 'rail', 'road']);
  assert.equal(parsed.value.container, '20dv');
  assert.equal(parsed.value.alternatives, 1);
  assert.equal(parsed.value.iceClass, false);
});

test('strings from a command line or a query string are accepted', () => {
  const parsed = parseRouteQuery(
    {
      from: 'INNSA',
      to: 'RUMOW',
      alternatives: '3',
      iceClass: 'true',
      modes: 'sea, rail',
      avoid: 'suez,IR',
      container: '40HC',
    },
    { today },
  );
  assert.ok(parsed.ok);
  assert.equal(parsed.value.alternatives, 3);
  assert.equal(parsed.value.iceClass, true);
  assert.deepEqual(parsed.value.modes, ['sea', 'rail']);
  assert.deepEqual(parsed.value.avoid, { nodeIds: [], countries: ['IR'], chokepointIds: ['suez'] });
  assert.equal(parsed.value.container, '40hc');
});

test('bad input gives a precise error naming the field', () => {
  expectError(null, 'invalid_type', 'query');
  expectError({ to: 'RUMOW' }, 'missing_field', 'from');
  expectError({ from: 'INNSA' }, 'missing_field', 'to');
  expectError({ from: 42, to: 'RUMOW' }, 'invalid_type', 'from');
  expectError({ from: 'Mosco', to: 'INNSA' }, 'unknown_node', 'from', /Mosco.*did you mean RUMOW/);
  expectError({ from: 'INNSA', to: 'Atlantis' }, 'unknown_node', 'to', /Atlantis/);
  expectError({ from: 'INNSA', to: 'Nhava Sheva' }, 'same_origin_destination', 'to');
  expectError(
    { from: 'INNSA', to: 'RUMOW', date: '2026-02-30' },
    'invalid_date',
    'date',
    /not a calendar date/,
  );
  expectError({ from: 'INNSA', to: 'RUMOW', date: '2026-13-01' }, 'invalid_date', 'date');
  expectError(
    { from: 'INNSA', to: 'RUMOW', date: '01/12/2026' },
    'invalid_date',
    'date',
    /YYYY-MM-DD/,
  );
  expectError({ from: 'INNSA', to: 'RUMOW', date: 'tomorrow' }, 'invalid_date', 'date');
  expectError(
    { from: 'INNSA', to: 'RUMOW', date: '1999-12-31' },
    'invalid_date',
    'date',
    /between/,
  );
  expectError(
    { from: 'INNSA', to: 'RUMOW', by: 'speed' },
    'invalid_value',
    'by',
    /time, cost, co2, mix/,
  );
  expectError({ from: 'INNSA', to: 'RUMOW', modes: 'sea,air' }, 'invalid_value', 'modes', /air/);
  expectError({ from: 'INNSA', to: 'RUMOW', avoid: 'XX' }, 'unknown_avoid', 'avoid', /XX/);
  expectError({ from: 'INNSA', to: 'RUMOW', avoid: 'IN' }, 'endpoint_avoided', 'avoid', /INNSA/);
  expectError({ from: 'INNSA', to: 'RUMOW', avoid: 'Moscow' }, 'endpoint_avoided', 'avoid');
  expectError(
    { from: 'INNSA', to: 'RUMOW', avoid: Array.from({ length: 40 }, () => 'IR') },
    'too_many_values',
    'avoid',
  );
  expectError(
    { from: 'INNSA', to: 'RUMOW', alternatives: 9 },
    'invalid_value',
    'alternatives',
    /1 to 5/,
  );
  expectError({ from: 'INNSA', to: 'RUMOW', alternatives: '2.5' }, 'invalid_value', 'alternatives');
  expectError({ from: 'INNSA', to: 'RUMOW', iceClass: 'maybe' }, 'invalid_value', 'iceClass');
  expectError({ from: 'INNSA', to: 'RUMOW', container: '45ft' }, 'invalid_value', 'container');
  expectError({ from: 'INNSA', to: 'RUMOW', carbonPrice: -1 }, 'invalid_value', 'carbonPrice');
  expectError({ from: 'x'.repeat(500), to: 'RUMOW' }, 'invalid_value', 'from');
});
