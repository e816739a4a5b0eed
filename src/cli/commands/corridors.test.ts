import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordingIo } from '../io.js';
import { runCli } from '../program.js';

async function run(...argv: string[]) {
  const io = recordingIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

test('vostro corridors compare INNSA Moscow prints a table an exporter can act on', async () => {
  const { code, out } = await run(
    'corridors',
    'compare',
    'INNSA',
    'Moscow',
    '--date',
    '2026-12-01',
  );
  assert.equal(code, 0);
  for (const text of [
    'Suez',
    'Cape of Good Hope',
    'redSea=closed',
    'INSTC west',
    'INSTC Caspian crossing',
    'INSTC east',
    'Chennai–Vladivostok',
    'Northern Sea Route',
    'Black Sea',
    'Days',
    'US$',
    'kg CO2e',
    "per 20' dry container",
    'Rasht–Astara',
    'not available',
    'Best: fastest',
  ]) {
    assert.ok(out.includes(text), `output mentions ${text}`);
  }
});

test('corridors compare --json gives the comparison as data', async () => {
  const { code, out } = await run(
    'corridors',
    'compare',
    'INNSA',
    'RUMOW',
    '--date',
    '2026-08-01',
    '--ice-class',
    '--json',
  );
  assert.equal(code, 0);
  const parsed = JSON.parse(out) as {
    options: { corridorId: string; available: boolean; route?: { totals: { days: number } } }[];
  };
  assert.equal(parsed.options.length, 8);
  assert.equal(parsed.options.find((option) => option.corridorId === 'nsr')?.available, true);
  assert.ok(parsed.options.every((option) => !option.available || option.route!.totals.days > 0));
});

test('vostro route prints legs and totals, and --json carries GeoJSON', async () => {
  const table = await run(
    'route',
    'Nhava Sheva',
    'Moscow',
    '--by',
    'cost',
    '--date',
    '2026-06-01',
    '--alternatives',
    '2',
  );
  assert.equal(table.code, 0);
  assert.match(table.out, /Route 1 of 2/);
  assert.match(table.out, /Total: .* km, .* days, US\$ .* kg CO2e/);
  const json = await run(
    'route',
    'INNSA',
    'RULED',
    '--modes',
    'sea',
    '--date',
    '2026-06-01',
    '--json',
  );
  assert.equal(json.code, 0);
  const plan = JSON.parse(json.out) as {
    routes: { legs: { mode: string }[]; geometry: { type: string } }[];
  };
  assert.equal(plan.routes[0]!.geometry.type, 'FeatureCollection');
  assert.ok(plan.routes[0]!.legs.every((leg) => leg.mode === 'sea'));
});

test('bad input exits 2 with a message naming the field; no route exits 1', async () => {
  const unknown = await run('route', 'Atlantis', 'Moscow', '--date', '2026-06-01');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /from: unknown node "Atlantis"/);
  const badDate = await run('corridors', 'compare', 'INNSA', 'Moscow', '--date', '2026-02-30');
  assert.equal(badDate.code, 2);
  assert.match(badDate.err, /date: .*not a calendar date/);
  const same = await run('route', 'INNSA', 'jnpt');
  assert.equal(same.code, 2);
  assert.match(same.err, /to: origin and destination are the same/);
  const none = await run(
    'route',
    'INNSA',
    'Moscow',
    '--modes',
    'road',
    '--date',
    '2026-06-01',
    '--json',
  );
  assert.equal(none.code, 1);
  assert.match(none.err, /modes: no route/);
  assert.equal((JSON.parse(none.out) as { error: { code: string } }).error.code, 'no_route');
  const missing = await run('route', 'INNSA');
  assert.equal(missing.code, 2);
});

test('vostro route --via and --red-sea: the route passes the places named, round the Cape or through Suez', async () => {
  const cape = await run(
    'route',
    'Nhava Sheva',
    'St Petersburg',
    '--modes',
    'sea',
    '--date',
    '2026-06-01',
    '--via',
    'Jebel Ali',
  );
  assert.equal(cape.code, 0, cape.err);
  assert.match(cape.out, /INNSA to RULED via AEJEA, .*Red Sea closed/);
  assert.match(cape.out, /Route 1 of 1.*: Nhava Sheva –sea→ Jebel Ali –sea→ /);
  const suez = await run(
    'route',
    'INNSA',
    'RULED',
    '--modes',
    'sea',
    '--date',
    '2026-06-01',
    '--red-sea',
    'open',
    '--json',
  );
  assert.equal(suez.code, 0, suez.err);
  const plan = JSON.parse(suez.out) as { routes: { legs: { via: string[] }[] }[] };
  assert.ok(plan.routes[0]!.legs.some((leg) => leg.via.includes('Suez Canal')));
  const badVia = await run('route', 'INNSA', 'RULED', '--via', 'Atlantis');
  assert.equal(badVia.code, 2);
  assert.match(badVia.err, /via: unknown node "Atlantis"/);
  const badRedSea = await run('route', 'INNSA', 'RULED', '--red-sea', 'ajar');
  assert.equal(badRedSea.code, 2);
  assert.match(badRedSea.err, /redSea: .*open, closed/);
});

test('vostro corridors nodes lists the places and their aliases', async () => {
  const { code, out } = await run('corridors', 'nodes', '--json');
  assert.equal(code, 0);
  const nodes = JSON.parse(out) as { id: string; aliases: string[] }[];
  assert.ok(nodes.some((node) => node.id === 'RUMOW' && node.aliases.includes('Moscow')));
});
