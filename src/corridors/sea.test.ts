import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CompareQuery, RouteQuery } from './query.js';
import { parseCompareQuery, parseRouteQuery } from './query.js';
import type { RouteOption } from './planner.js';
import { compareCorridors, planRoutes } from './planner.js';
import { corridorNetwork } from './network.js';
import { describeNetwork } from './network-view.js';

// The sea network against the reference: distances computed by scripts/sea-reference.mjs on the
// full searoute-py network in ../shared/reference (not on the planner's compact copy), and the
// wrong answers of issue 18, each as a test.

const today = '2026-11-22';
const network = corridorNetwork();
const referenceFile = new URL('./data/sea-reference.json', import.meta.url);
const reference = JSON.parse(readFileSync(referenceFile, 'utf8')) as {
  pairs: { from: string; to: string; km: number; nm: number }[];
};

function routeQuery(input: Record<string, unknown>): RouteQuery {
  const parsed = parseRouteQuery(input, { today });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  return parsed.value;
}

function routes(input: Record<string, unknown>): readonly RouteOption[] {
  const plan = planRoutes(routeQuery(input));
  assert.ok(plan.ok, JSON.stringify(!plan.ok && plan.error));
  return plan.value.routes;
}

function compareQuery(input: Record<string, unknown>): CompareQuery {
  const parsed = parseCompareQuery(input, { today });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  return parsed.value;
}

const stopIds = (route: RouteOption) => route.stops.map((stop) => stop.id);
const passes = (route: RouteOption, name: RegExp) =>
  route.legs.some((leg) => leg.via.some((via) => name.test(via)));

test('the reference table spans India, Russia (Baltic, Black Sea, Arctic, Pacific), China, Japan, the Gulf and Europe', () => {
  assert.ok(reference.pairs.length >= 30);
  const ends = new Set(reference.pairs.flatMap((pair) => [pair.from, pair.to]));
  for (const port of [
    'INNSA',
    'RULED',
    'RUNVS',
    'RUMMK',
    'RUVVO',
    'CNSHA',
    'JPYOK',
    'AEJEA',
    'NLRTM',
  ])
    assert.ok(ends.has(port), port);
});

test('the committed reference is what scripts/sea-reference.mjs computes from ../shared/reference', (t) => {
  if (
    !existsSync('/work/shared/reference/searoute-py-marnet.geojson') &&
    !process.env['VOSTRO_SEA_REFERENCE']
  ) {
    t.skip('the shared reference is not on this machine');
    return;
  }
  const script = new URL('../../scripts/sea-reference.mjs', import.meta.url).pathname;
  const computed = JSON.parse(
    execFileSync(process.execPath, [script, '--json'], { encoding: 'utf8' }),
  );
  assert.deepEqual(computed, reference.pairs);
});

for (const pair of reference.pairs) {
  test(`sea distance ${pair.from}–${pair.to} is within 5 % of the reference ${pair.nm} nm`, () => {
    // The reference network has no Northern Sea Route and no Kiel Canal, which the planner adds:
    // compare with the shortest voyage that uses neither.
    const voyages = network.edges.filter((edge) => {
      const ends = [network.nodes[edge.fromIndex]!.spec.id, network.nodes[edge.toIndex]!.spec.id];
      return (
        edge.voyage !== undefined &&
        ends.includes(pair.from) &&
        ends.includes(pair.to) &&
        !edge.chokepointIds.some((id) => id.startsWith('nsr-') || id === 'kiel-canal')
      );
    });
    assert.ok(voyages.length > 0, 'a voyage exists');
    const km = Math.min(...voyages.map((edge) => edge.distanceKm));
    assert.ok(
      Math.abs(km - pair.km) / pair.km < 0.05,
      `${Math.round(km)} km against ${pair.km} km`,
    );
  });
}

test('issue 18: Murmansk–Yokohama out of the NSR season is one voyage, not a chain through Nhava Sheva', () => {
  for (const redSea of ['open', 'closed']) {
    const [route] = routes({
      from: 'RUMMK',
      to: 'JPYOK',
      date: '2026-12-01',
      modes: 'sea',
      redSea,
    });
    assert.ok(route !== undefined);
    assert.deepEqual(stopIds(route), ['RUMMK', 'JPYOK']);
    assert.ok(passes(route, redSea === 'open' ? /^Suez/ : /^Cape of Good Hope/), route.summary);
  }
  const [open] = routes({
    from: 'RUMMK',
    to: 'JPYOK',
    date: '2026-12-01',
    modes: 'sea',
    redSea: 'open',
  });
  const expected = reference.pairs.find((pair) => pair.from === 'RUMMK' && pair.to === 'JPYOK')!;
  assert.ok(Math.abs(open!.totals.distanceKm - expected.km) / expected.km < 0.05);
  // In August with an ice-class ship the NSR is far shorter, and is taken.
  const [summer] = routes({
    from: 'RUMMK',
    to: 'JPYOK',
    date: '2026-08-01',
    modes: 'sea',
    iceClass: true,
  });
  assert.ok(passes(summer!, /^Northern Sea Route/));
  assert.ok(summer!.totals.distanceKm < open!.totals.distanceKm * 0.6);
});

test('issue 18: Mundra–Novorossiysk sails through Suez and the Bosporus without calling at Chabahar or Nhava Sheva', () => {
  const [route] = routes({
    from: 'INMUN',
    to: 'RUNVS',
    modes: 'sea',
    redSea: 'open',
    date: '2026-06-01',
  });
  assert.ok(route !== undefined);
  assert.ok(!stopIds(route).some((id) => ['IRZBR', 'INNSA', 'INIXY'].includes(id)), route.summary);
  assert.ok(passes(route, /^Suez/) && passes(route, /^Bosporus/), route.summary);
  const closed = routes({ from: 'INMUN', to: 'RUNVS', modes: 'sea', date: '2026-06-01' })[0]!;
  assert.ok(passes(closed, /^Cape of Good Hope/) && passes(closed, /^Bosporus/), closed.summary);
  assert.ok(!passes(closed, /^Suez/));
});

test('issue 18: NSR voyages start and end at Baltic and North Sea ports', () => {
  for (const [from, to] of [
    ['RULED', 'RUVVO'],
    ['NLRTM', 'JPYOK'],
    ['RUULU', 'CNSHA'],
  ] as const) {
    const [route] = routes({ from, to, modes: 'sea', date: '2026-08-01', iceClass: true });
    assert.ok(route !== undefined);
    assert.deepEqual(stopIds(route), [from, to], route.summary);
    assert.ok(passes(route, /^Northern Sea Route/), route.summary);
  }
  // Out of season the same voyage goes the long way.
  const [winter] = routes({
    from: 'RULED',
    to: 'RUVVO',
    modes: 'sea',
    date: '2026-12-15',
    iceClass: true,
  });
  assert.ok(!passes(winter!, /^Northern Sea Route/));
});

test('issue 18: the August NSR corridor from Nhava Sheva does not go by rail to Chennai and through Shanghai', () => {
  const comparison = compareCorridors(
    compareQuery({ from: 'INNSA', to: 'Moscow', date: '2026-08-01', iceClass: true }),
  );
  assert.ok(comparison.ok);
  const nsr = comparison.value.options.find((option) => option.corridorId === 'nsr');
  assert.ok(nsr?.available);
  assert.equal(nsr.route.legs[0]!.mode, 'sea', nsr.route.summary);
  assert.ok(
    !nsr.route.stops.some((stop) => ['INMAA', 'CNSHA'].includes(stop.id)),
    nsr.route.summary,
  );
  assert.ok(
    nsr.route.legs.some((leg) => leg.via.some((via) => via.startsWith('Northern Sea Route'))),
  );
});

test('the Cape route: India to St Petersburg by sea avoiding Suez goes round the Cape of Good Hope', () => {
  const avoided = routes({
    from: 'INNSA',
    to: 'RULED',
    avoid: 'suez',
    modes: 'sea',
    redSea: 'open',
    date: '2026-06-01',
  });
  assert.ok(avoided.length > 0);
  for (const route of avoided) {
    assert.ok(passes(route, /^Cape of Good Hope/), route.summary);
    assert.ok(!passes(route, /^Suez/));
  }
  // The Red Sea switch: closed (the default) is the same as avoiding it; open lets Suez win.
  const closed = routes({ from: 'INNSA', to: 'RULED', modes: 'sea', date: '2026-06-01' })[0]!;
  assert.ok(passes(closed, /^Cape of Good Hope/), closed.summary);
  const open = routes({
    from: 'INNSA',
    to: 'RULED',
    modes: 'sea',
    redSea: 'open',
    date: '2026-06-01',
  })[0]!;
  assert.ok(passes(open, /^Suez/), open.summary);
  assert.ok(open.totals.days < closed.totals.days - 5);
  // The comparison offers the Cape as its own corridor, and says why Suez is out when it is closed.
  const comparison = compareCorridors(
    compareQuery({ from: 'INNSA', to: 'Moscow', date: '2026-06-01' }),
  );
  assert.ok(comparison.ok);
  const cape = comparison.value.options.find((option) => option.corridorId === 'cape');
  assert.ok(cape?.available && passes(cape.route as RouteOption, /^Cape of Good Hope/));
  const suez = comparison.value.options.find((option) => option.corridorId === 'suez');
  assert.ok(suez !== undefined && !suez.available);
  assert.match(suez.reason, /redSea=closed/);
  const redSeaOnly = planRoutes(
    routeQuery({ from: 'INNSA', to: 'RULED', modes: 'sea', avoid: 'cape,nsr', date: '2026-06-01' }),
  );
  assert.ok(!redSeaOnly.ok);
  assert.deepEqual([redSeaOnly.error.code, redSeaOnly.error.field], ['no_route', 'redSea']);
});

test('avoiding a passage by name or group: "nsr" avoids every NSR segment, "danish straits" sends Baltic ships through Kiel', () => {
  const parsed = routeQuery({ from: 'RUVVO', to: 'RUMMK', avoid: 'nsr' });
  assert.deepEqual([...parsed.avoid.chokepointIds].sort(), [
    'nsr-kara-gate',
    'nsr-laptev-straits',
    'nsr-long-strait',
    'nsr-vilkitsky',
  ]);
  const [kiel] = routes({
    from: 'RULED',
    to: 'NLRTM',
    avoid: 'danish straits',
    modes: 'sea',
    date: '2026-06-01',
  });
  assert.ok(passes(kiel!, /^Kiel Canal/), kiel!.summary);
  const bad = parseRouteQuery({ from: 'INNSA', to: 'RULED', avoid: 'atlantis' }, { today });
  assert.ok(!bad.ok && bad.error.field === 'avoid');
});

test('--via: the route passes the named places in order, and via is validated', () => {
  const [route] = routes({
    from: 'INNSA',
    to: 'RULED',
    via: 'Jebel Ali',
    modes: 'sea',
    date: '2026-06-01',
  });
  // Through Jebel Ali; from there a North European hub may beat a week's hidden transshipment.
  assert.deepEqual(stopIds(route!).slice(0, 2), ['INNSA', 'AEJEA']);
  assert.equal(stopIds(route!).at(-1), 'RULED');
  assert.match(route!.headline, /^Nhava Sheva –sea→ Jebel Ali –sea→ .*St Petersburg$/);
  const two = routes({
    from: 'INNSA',
    to: 'Moscow',
    via: ['Bandar Abbas', 'Baku'],
    date: '2026-06-01',
    alternatives: 3,
  });
  for (const found of two) {
    const ids = stopIds(found);
    assert.ok(
      ids.indexOf('IRBND') >= 0 && ids.indexOf('AZBAK') > ids.indexOf('IRBND'),
      found.summary,
    );
  }
  for (const [via, fragment] of [
    ['INNSA', 'origin or the destination'],
    ['nowhere-at-all', 'unknown node'],
    ['Jebel Ali,AEJEA', 'twice'],
  ] as const) {
    const parsed = parseRouteQuery({ from: 'INNSA', to: 'RULED', via }, { today });
    assert.ok(!parsed.ok && parsed.error.field === 'via', via);
    assert.match(parsed.error.message, new RegExp(fragment));
  }
  const avoided = parseRouteQuery(
    { from: 'INNSA', to: 'RULED', via: 'AEJEA', avoid: 'AE' },
    { today },
  );
  assert.ok(!avoided.ok && avoided.error.field === 'via');
});

test('headlines name every place the cargo is handled, and a hub a service transships at', () => {
  const found = [
    ...routes({ from: 'INNSA', to: 'Moscow', date: '2026-06-01', alternatives: 5 }),
    ...routes({ from: 'INCCU', to: 'Moscow', date: '2026-06-01', alternatives: 3, by: 'cost' }),
    ...routes({ from: 'INMAA', to: 'RUMMK', date: '2026-06-01', alternatives: 3, modes: 'sea' }),
  ];
  for (const route of found) {
    route.legs.forEach((leg, i) => {
      const next = route.legs[i + 1];
      const handled = next === undefined || next.mode !== leg.mode || next.dwellDaysBefore > 0;
      if (handled)
        assert.ok(
          route.headline.includes(leg.to.name.replace(/ \(.*\)$/, '')),
          `${route.headline} names ${leg.to.name}`,
        );
    });
  }
  const [direct] = routes({
    from: 'INNSA',
    to: 'RUMMK',
    modes: 'sea',
    date: '2026-06-01',
    redSea: 'open',
    avoid: 'NLRTM,DEHAM,AEJEA',
  });
  assert.match(direct!.headline, /\(a Gulf or North European hub\)/);
});

test('new ports are places a user can ask for, by UN/LOCODE or name', () => {
  for (const [name, id] of [
    ['Kolkata', 'INCCU'],
    ['Calcutta', 'INCCU'],
    ['Vizag', 'INVTZ'],
    ['Nakhodka', 'RUNJK'],
    ['Vostochny', 'RUVYP'],
    ['Ust-Luga', 'RUULU'],
    ['Olya', 'RUOLY'],
  ] as const) {
    assert.equal(routeQuery({ from: name, to: 'Moscow' }).from, id);
  }
  const [olya] = routes({ from: 'IRBAZ', to: 'Olya', modes: 'caspian', date: '2026-06-01' });
  assert.deepEqual(stopIds(olya!), ['IRBAZ', 'RUOLY']);
  const [vostochny] = routes({ from: 'INVTZ', to: 'RUVYP', modes: 'sea', date: '2026-06-01' });
  assert.ok(passes(vostochny!, /^Strait of Malacca/));
});

test('map-ready: sea legs follow the network, and answers stay small', () => {
  const [cape] = routes({ from: 'INNSA', to: 'RULED', modes: 'sea', date: '2026-06-01' });
  const lines = cape!.geometry.features.filter((feature) => feature.geometry.type !== 'Point');
  const points = lines.flatMap((feature) =>
    feature.geometry.type === 'LineString'
      ? feature.geometry.coordinates
      : feature.geometry.type === 'MultiLineString'
        ? feature.geometry.coordinates.flat()
        : [],
  );
  assert.ok(
    points.some(([, lat]) => lat < -34),
    'the line goes round the Cape',
  );
  assert.ok(points.length > 50, 'the line follows the lanes, not a few waypoints');
  assert.ok(JSON.stringify(cape).length < 30_000, `${JSON.stringify(cape).length} bytes`);
  const view = describeNetwork({ date: '2026-06-01' }, { today });
  assert.ok(view.ok);
  const size = JSON.stringify(view.value).length;
  assert.ok(size < 250_000, `${size} bytes`);
  const link = view.value.links.find((candidate) => candidate.id === 'sea:INNSA-RULED/cape');
  assert.ok(link !== undefined && link.lines.flat().some(([, lat]) => lat < -34));
});
