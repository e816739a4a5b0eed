import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompareQuery, RouteQuery } from './query.js';
import { parseCompareQuery, parseRouteQuery } from './query.js';
import type { RouteOption } from './planner.js';
import { compareCorridors, planRoutes } from './planner.js';

const today = '2026-11-22';

function routeQuery(input: Record<string, unknown>): RouteQuery {
  const parsed = parseRouteQuery(input, { today });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  return parsed.value;
}

function compareQuery(input: Record<string, unknown>): CompareQuery {
  const parsed = parseCompareQuery(input, { today });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  return parsed.value;
}

function routes(input: Record<string, unknown>): readonly RouteOption[] {
  const plan = planRoutes(routeQuery(input));
  assert.ok(plan.ok, JSON.stringify(!plan.ok && plan.error));
  return plan.value.routes;
}

const usesNsr = (route: { legs: readonly { edgeId: string }[] }) =>
  route.legs.some((leg) => leg.edgeId === 'sea:RUVVO-RUMMK');

test('a December departure never uses the Northern Sea Route, even with an ice-class ship', () => {
  for (const date of ['2026-12-01', '2026-12-20', '2027-01-15']) {
    for (const by of ['time', 'cost', 'co2']) {
      const found = routes({
        from: 'RUVVO',
        to: 'RUMMK',
        date,
        by,
        iceClass: true,
        alternatives: 5,
      });
      assert.ok(found.length > 0);
      assert.ok(!found.some(usesNsr), `${date} by ${by} avoided the NSR`);
    }
  }
  const comparison = compareCorridors(
    compareQuery({ from: 'INNSA', to: 'Moscow', date: '2026-12-01', iceClass: true }),
  );
  assert.ok(comparison.ok);
  const nsr = comparison.value.options.find((option) => option.corridorId === 'nsr');
  assert.ok(nsr !== undefined && !nsr.available);
  assert.match(nsr.reason, /closed/);
});

test('an August departure may use the Northern Sea Route, but only with an ice-class ship or escort allowed', () => {
  const withIceClass = routes({
    from: 'RUVVO',
    to: 'RUMMK',
    date: '2026-08-01',
    by: 'co2',
    iceClass: true,
  });
  assert.ok(
    usesNsr(withIceClass[0]!),
    'the NSR is the lowest-CO2e way from Vladivostok to Murmansk in August',
  );
  const withoutIceClass = routes({
    from: 'RUVVO',
    to: 'RUMMK',
    date: '2026-08-01',
    by: 'co2',
    iceClass: false,
    alternatives: 5,
  });
  assert.ok(!withoutIceClass.some(usesNsr));
  const comparison = compareCorridors(
    compareQuery({ from: 'INNSA', to: 'Moscow', date: '2026-08-01' }),
  );
  assert.ok(comparison.ok);
  const nsr = comparison.value.options.find((option) => option.corridorId === 'nsr');
  assert.ok(nsr !== undefined && !nsr.available);
  assert.match(nsr.reason, /ice-class/);
});

test('a route is checked against the season when the cargo reaches the NSR, not when it leaves', () => {
  // Leaving Chennai on 10 November, the cargo reaches Vladivostok after the NSR has closed.
  const late = compareCorridors(
    compareQuery({ from: 'INMAA', to: 'RUMMK', date: '2026-11-10', iceClass: true }),
  );
  assert.ok(late.ok);
  assert.equal(late.value.options.find((option) => option.corridorId === 'nsr')?.available, false);
  const early = compareCorridors(
    compareQuery({ from: 'INMAA', to: 'RUMMK', date: '2026-09-01', iceClass: true }),
  );
  assert.ok(early.ok);
  assert.equal(early.value.options.find((option) => option.corridorId === 'nsr')?.available, true);
});

test('links under construction are never used as if open', () => {
  const origins = ['INNSA', 'INMUN', 'IRBND', 'qazvin', 'rasht', 'IRTHR'];
  const destinations = ['RUMOW', 'AZBAK', 'astara', 'IRBAZ', 'RUASF'];
  for (const from of origins) {
    for (const to of destinations) {
      for (const by of ['time', 'cost', 'co2']) {
        for (const route of routes({ from, to, by, date: '2026-06-01', alternatives: 5 })) {
          for (const leg of route.legs)
            assert.equal(leg.status, 'operational', `${from}→${to} by ${by}: ${leg.edgeId}`);
        }
      }
    }
  }
  // By rail alone Anzali could only be reached over the unfinished Rasht–Caspian line.
  const railOnly = planRoutes(
    routeQuery({ from: 'rasht', to: 'IRBAZ', modes: 'rail', date: '2026-06-01' }),
  );
  assert.ok(!railOnly.ok);
  assert.equal(railOnly.error.code, 'no_route');
  assert.match(railOnly.error.message, /under construction/);
});

test('the road carries the Rasht–Astara gap on the INSTC west corridor', () => {
  const comparison = compareCorridors(
    compareQuery({ from: 'INNSA', to: 'Moscow', date: '2026-06-01', by: 'cost' }),
  );
  assert.ok(comparison.ok);
  const west = comparison.value.options.find((option) => option.corridorId === 'instc-west');
  assert.ok(west?.available);
  assert.ok(west.route.legs.some((leg) => leg.edgeId === 'road:rasht-astara'));
  assert.ok(west.route.notes.some((note) => note.includes('gauge break at Astara')));
});

test('the corridor comparison returns every named corridor, each route satisfying its corridor', () => {
  const comparison = compareCorridors(
    compareQuery({
      from: 'INNSA',
      to: 'Moscow',
      date: '2026-08-01',
      iceClass: true,
      redSea: 'open',
    }),
  );
  assert.ok(comparison.ok);
  const byId = new Map(comparison.value.options.map((option) => [option.corridorId, option]));
  assert.deepEqual(
    [...byId.keys()],
    ['suez', 'cape', 'instc-west', 'instc-caspian', 'instc-east', 'cvmc', 'nsr', 'black-sea'],
  );
  const edgeIds = (id: string) => {
    const option = byId.get(id);
    assert.ok(option?.available, `${id} is available in August with ice class`);
    return option.route.legs.map((leg) => leg.edgeId);
  };
  assert.ok(edgeIds('suez').some((id) => id.startsWith('sea:INNSA-') && !id.endsWith('RUNVS')));
  assert.ok(byId.get('suez')?.available && byId.get('suez')?.available === true);
  assert.ok(edgeIds('instc-caspian').some((id) => id.startsWith('caspian:')));
  assert.ok(edgeIds('instc-east').some((id) => id.includes('bereket')));
  assert.ok(edgeIds('cvmc').includes('rail:RUVVO-RUMOW'));
  const legs = (id: string) => {
    const option = byId.get(id);
    assert.ok(option?.available);
    return option.route.legs;
  };
  assert.ok(legs('nsr').some((leg) => leg.via.some((via) => via.startsWith('Northern Sea Route'))));
  assert.ok(legs('cape').some((leg) => leg.via.includes('Cape of Good Hope')));
  assert.ok(!legs('cape').some((leg) => leg.via.includes('Suez Canal')));
  assert.ok(edgeIds('black-sea').some((id) => /^sea:INNSA-RUNVS/.test(id)));
  for (const option of comparison.value.options) {
    if (!option.available) continue;
    assert.equal(option.route.stops[0]!.id, 'INNSA');
    assert.equal(option.route.stops.at(-1)!.id, 'RUMOW');
  }
  assert.ok(comparison.value.expansions > 0);
});

test('Yen alternatives are distinct, loopless and in order of the objective', () => {
  const found = routes({
    from: 'INNSA',
    to: 'Moscow',
    by: 'cost',
    date: '2026-06-01',
    alternatives: 5,
  });
  assert.equal(found.length, 5);
  const summaries = new Set(found.map((route) => route.summary));
  assert.equal(summaries.size, 5);
  for (let i = 1; i < found.length; i++)
    assert.ok(found[i]!.objectiveValue >= found[i - 1]!.objectiveValue);
  for (const route of found) {
    const ids = route.stops.map((stop) => stop.id);
    assert.equal(new Set(ids).size, ids.length, `${route.summary} repeats no stop`);
  }
  const best = routes({ from: 'INNSA', to: 'Moscow', by: 'cost', date: '2026-06-01' });
  assert.equal(best[0]!.summary, found[0]!.summary);
});

test('each objective wins on its own measure', () => {
  const query = { from: 'INNSA', to: 'Moscow', date: '2026-06-01', alternatives: 5 };
  const fastest = routes({ ...query, by: 'time' })[0]!;
  const cheapest = routes({ ...query, by: 'cost' })[0]!;
  const cleanest = routes({ ...query, by: 'co2' })[0]!;
  assert.ok(
    fastest.totals.days <= cheapest.totals.days && fastest.totals.days <= cleanest.totals.days,
  );
  assert.ok(cheapest.totals.costUsd <= fastest.totals.costUsd);
  assert.ok(cleanest.totals.co2eKg <= fastest.totals.co2eKg);
  const mixed = routes({ ...query, by: 'mix', valueOfTime: 0, carbonPrice: 0 })[0]!;
  assert.equal(
    mixed.totals.costUsd,
    cheapest.totals.costUsd,
    'mix with no value of time or carbon is cost',
  );
});

test('avoiding Suez, a country or a node keeps routes clear of them', () => {
  for (const route of routes({
    from: 'INNSA',
    to: 'RULED',
    avoid: 'suez',
    date: '2026-06-01',
    alternatives: 3,
  })) {
    assert.ok(!route.legs.some((leg) => leg.via.includes('Suez Canal')));
  }
  for (const route of routes({
    from: 'INNSA',
    to: 'Moscow',
    avoid: ['IR'],
    date: '2026-06-01',
    alternatives: 3,
  })) {
    assert.ok(!route.stops.some((stop) => stop.countries.includes('IR')));
  }
  for (const route of routes({
    from: 'INNSA',
    to: 'Moscow',
    avoid: 'IRBND,Novorossiysk',
    date: '2026-06-01',
    alternatives: 3,
  })) {
    assert.ok(!route.stops.some((stop) => stop.id === 'IRBND' || stop.id === 'RUNVS'));
  }
});

test('allowed modes restrict the route, and an impossible combination says which field to change', () => {
  for (const route of routes({
    from: 'IRBND',
    to: 'RUASF',
    modes: 'rail,caspian,road',
    date: '2026-06-01',
    alternatives: 3,
  })) {
    assert.ok(route.legs.every((leg) => ['rail', 'caspian', 'road'].includes(leg.mode)));
  }
  const roadOnly = planRoutes(
    routeQuery({ from: 'INNSA', to: 'Moscow', modes: 'road', date: '2026-06-01' }),
  );
  assert.ok(!roadOnly.ok);
  assert.deepEqual([roadOnly.error.code, roadOnly.error.field], ['no_route', 'modes']);
  // With the Cape route (which the old hand-drawn lanes lacked) Suez alone no longer shuts the sea.
  const avoidAll = planRoutes(
    routeQuery({
      from: 'INNSA',
      to: 'Moscow',
      avoid: 'EG,IR,RUVVO,RUNJK,RUVYP,cape,nsr',
      date: '2026-06-01',
    }),
  );
  assert.ok(!avoidAll.ok);
  assert.deepEqual([avoidAll.error.code, avoidAll.error.field], ['no_route', 'avoid']);
});

test('winter ice on the Volga–Caspian channel adds icebreaker-convoy days to Astrakhan', () => {
  const summer = routes({ from: 'IRBAZ', to: 'RUASF', modes: 'caspian', date: '2026-07-01' })[0]!;
  const winter = routes({ from: 'IRBAZ', to: 'RUASF', modes: 'caspian', date: '2027-01-10' })[0]!;
  assert.equal(Math.round((winter.totals.days - summer.totals.days) * 10) / 10, 3);
  assert.ok(winter.notes.some((note) => note.includes('icebreaker convoy')));
});

test('legs add up to the totals, and the container type scales cost and CO2e', () => {
  const dry = routes({ from: 'INNSA', to: 'Moscow', by: 'cost', date: '2026-06-01' })[0]!;
  const legCost = dry.legs.reduce((sum, leg) => sum + leg.costUsd, 0);
  assert.ok(Math.abs(legCost - dry.totals.costUsd) <= dry.legs.length);
  assert.equal(dry.legs.at(-1)!.arrivesDay, dry.totals.days);
  const reefer = routes({
    from: 'INNSA',
    to: 'Moscow',
    by: 'cost',
    date: '2026-06-01',
    container: '40rf',
  })[0]!;
  assert.equal(reefer.summary, dry.summary);
  assert.ok(Math.abs(reefer.totals.costUsd / dry.totals.costUsd - 3.2) < 0.01);
  assert.ok(Math.abs(reefer.totals.co2eKg / dry.totals.co2eKg - 2.6) < 0.01);
});

test('each route carries GeoJSON that starts and ends at its stops and splits at the antimeridian', () => {
  const [route] = routes({
    from: 'RUVVO',
    to: 'RUMMK',
    date: '2026-08-01',
    by: 'co2',
    iceClass: true,
  });
  assert.ok(route !== undefined);
  const lines = route.geometry.features.filter((feature) => feature.geometry.type !== 'Point');
  assert.equal(lines.length, route.legs.length);
  const nsr = lines.find((feature) => feature.properties['edgeId'] === 'sea:RUVVO-RUMMK');
  assert.equal(nsr?.geometry.type, 'MultiLineString');
  for (const feature of route.geometry.features) {
    const points =
      feature.geometry.type === 'Point'
        ? [feature.geometry.coordinates]
        : feature.geometry.type === 'LineString'
          ? feature.geometry.coordinates
          : feature.geometry.coordinates.flat();
    for (const [lon, lat] of points) assert.ok(Math.abs(lon) <= 180 && Math.abs(lat) <= 90);
  }
  const [suez] = routes({ from: 'INNSA', to: 'RULED', modes: 'sea', date: '2026-06-01' });
  const lineFeatures = suez!.geometry.features.filter(
    (feature) => feature.geometry.type === 'LineString',
  );
  const first = lineFeatures[0]!.geometry;
  const last = lineFeatures.at(-1)!.geometry;
  assert.ok(first.type === 'LineString' && last.type === 'LineString');
  assert.deepEqual(first.coordinates[0], [72.966667, 18.95]);
  assert.deepEqual(last.coordinates.at(-1), [30.211921, 59.956719]);
});
