import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestApi, type TestApi } from '../api.test-helper.js';

describe('corridor routes', () => {
  let api: TestApi;
  before(async () => {
    api = await openTestApi();
  });
  after(async () => api.close());

  it('plans routes from Nhava Sheva to Moscow with alternatives and GeoJSON', async () => {
    const response = await api.call({
      method: 'GET',
      url: '/v1/routes?from=INNSA&to=Moscow&by=time&date=2026-12-01&alternatives=2',
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.ok(
      Array.isArray(body.routes) && body.routes.length >= 1,
      JSON.stringify(body).slice(0, 300),
    );
    const route = body.routes[0];
    assert.ok(
      JSON.stringify(route.geometry).includes('LineString'),
      'each route carries GeoJSON geometry',
    );
    for (const leg of route.legs) {
      assert.ok(['sea', 'caspian', 'rail', 'road'].includes(leg.mode), leg.mode);
      assert.ok(leg.distanceKm > 0 && leg.transitDays >= 0 && leg.costUsd >= 0 && leg.co2eKg >= 0);
    }
    assert.ok(
      body.routes.every(
        (candidate: { corridorIds: string[] }) =>
          !candidate.corridorIds.some((id) => id.includes('nsr') || id.includes('northern')),
      ),
      'no Northern Sea Route in December',
    );
  });

  it('compares every named corridor', async () => {
    const response = await api.call({
      method: 'GET',
      url: '/v1/corridors/compare?from=INNSA&to=Moscow&date=2026-12-01',
    });
    assert.equal(response.statusCode, 200);
    const text = JSON.stringify(response.json());
    for (const word of ['Suez', 'INSTC', 'Vladivostok', 'Novorossiysk'])
      assert.ok(text.includes(word), word);
  });

  it('describes the network for a map, with the Northern Sea Route closed in December', async () => {
    const response = await api.call({
      method: 'GET',
      url: '/v1/corridors/network?date=2026-12-01',
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.date, '2026-12-01');
    assert.ok(body.nodes.some((node: { id: string }) => node.id === 'INNSA'));
    const nsr = body.links.find((link: { id: string }) => link.id === 'sea:RUVVO-RUMMK');
    assert.equal(nsr.season.state, 'closed');
    assert.ok(nsr.lines.length >= 1 && nsr.lines[0].length > 2, 'the lane is drawn');
    const august = await api.call({ method: 'GET', url: '/v1/corridors/network?date=2026-08-01' });
    assert.equal(
      august.json().links.find((link: { id: string }) => link.id === 'sea:RUVVO-RUMMK').season
        .state,
      'ice-class',
    );
    const bad = await api.call({ method: 'GET', url: '/v1/corridors/network?date=2026-13-01' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'invalid_date');
  });

  it('routes round the Cape with the Red Sea closed, through a via place, with geometry along the lanes', async () => {
    const response = await api.call({
      method: 'GET',
      url: '/v1/routes?from=INNSA&to=RULED&modes=sea&date=2026-06-01&via=Jebel%20Ali&redSea=closed',
    });
    assert.equal(response.statusCode, 200);
    const route = response.json().routes[0];
    assert.deepEqual(
      route.stops.slice(0, 2).map((stop: { id: string }) => stop.id),
      ['INNSA', 'AEJEA'],
    );
    assert.match(route.headline, /^Nhava Sheva –sea→ Jebel Ali –sea→ /);
    assert.ok(
      route.legs.some((leg: { via: string[] }) => leg.via.includes('Cape of Good Hope')),
      route.summary,
    );
    const lat = route.geometry.features
      .filter((feature: { geometry: { type: string } }) => feature.geometry.type === 'LineString')
      .flatMap((feature: { geometry: { coordinates: number[][] } }) => feature.geometry.coordinates)
      .map(([, y]: number[]) => y);
    assert.ok(Math.min(...lat) < -34, 'the line goes round the Cape');
    const open = await api.call({
      method: 'GET',
      url: '/v1/routes?from=INNSA&to=RULED&modes=sea&date=2026-06-01&redSea=open',
    });
    assert.ok(
      open.json().routes[0].legs.some((leg: { via: string[] }) => leg.via.includes('Suez Canal')),
    );
    const badVia = await api.call({
      method: 'GET',
      url: '/v1/routes?from=INNSA&to=RULED&via=INNSA',
    });
    assert.equal(badVia.statusCode, 400);
    assert.equal(badVia.json().errors[0].field, '/via');
    const badRedSea = await api.call({
      method: 'GET',
      url: '/v1/corridors/compare?from=INNSA&to=Moscow&redSea=maybe',
    });
    assert.equal(badRedSea.statusCode, 400);
    assert.equal(badRedSea.json().errors[0].field, '/redSea');
  });

  it('gives precise problem documents for bad queries', async () => {
    const unknown = await api.call({ method: 'GET', url: '/v1/routes?from=ATLANTIS&to=Moscow' });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().code, 'unknown_node');
    assert.equal(unknown.json().errors[0].field, '/from');
    const same = await api.call({ method: 'GET', url: '/v1/routes?from=INNSA&to=INNSA' });
    assert.equal(same.json().code, 'same_origin_destination');
    const date = await api.call({
      method: 'GET',
      url: '/v1/corridors/compare?from=INNSA&to=Moscow&date=2026-02-30',
    });
    assert.equal(date.statusCode, 400);
    assert.equal(date.json().code, 'invalid_date');
    const extra = await api.call({
      method: 'GET',
      url: '/v1/routes?from=INNSA&to=Moscow&speed=fast',
    });
    assert.equal(extra.statusCode, 400);
    const unreachable = await api.call({
      method: 'GET',
      url: '/v1/routes?from=INNSA&to=Moscow&modes=road',
    });
    assert.equal(unreachable.statusCode, 422);
    assert.equal(unreachable.json().code, 'no_route');
  });
});
