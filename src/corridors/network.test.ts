import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { edges } from './data/edges.js';
import { nodes } from './data/nodes.js';
import { sources } from './data/sources.js';
import { waypoints } from './data/waypoints.js';
import { kmToNauticalMiles } from './geo.js';
import { corridorNetwork } from './network.js';
import { validateNetworkData } from './validate.js';

const network = corridorNetwork();
const edgeById = (id: string) => {
  const edge = network.edges.find((candidate) => candidate.spec.id === id);
  assert.ok(edge, `edge ${id} exists`);
  return edge;
};

test('the network data passes validation', () => {
  assert.deepEqual(validateNetworkData({ nodes, edges, waypoints }), []);
});

test('validation catches a missing source, an unknown node and an unmarked gauge change', () => {
  const broken = [
    ...edges,
    {
      id: 'rail:x',
      from: 'RUMOW',
      to: 'nowhere',
      mode: 'rail' as const,
      status: 'operational' as const,
      sourceIds: [],
    },
    {
      id: 'rail:y',
      from: 'RUMOW',
      to: 'RULED',
      mode: 'rail' as const,
      status: 'operational' as const,
      gaugeMm: 1435 as const,
      sourceIds: ['vostro-estimate'],
    },
  ];
  const problems = validateNetworkData({ nodes, edges: broken, waypoints });
  assert.ok(problems.includes('edge rail:x: no source'));
  assert.ok(problems.includes('edge rail:x: unknown node nowhere'));
  assert.ok(problems.some((problem) => problem.startsWith('node RUMOW: rail gauges')));
});

test('every edge cites at least one known source besides the cost model, and docs/corridors.md lists every source', () => {
  const docs = readFileSync(new URL('../../docs/corridors.md', import.meta.url), 'utf8');
  for (const edge of edges) {
    assert.ok(
      edge.sourceIds.some((id) => id !== 'vostro-cost-model'),
      `${edge.id} has a source for its figures`,
    );
    for (const id of edge.sourceIds)
      assert.ok(id in sources, `${edge.id}: source ${id} is registered`);
  }
  for (const [id, source] of Object.entries(sources)) {
    assert.ok(docs.includes(`\`${id}\``), `docs/corridors.md lists ${id}`);
    if ('url' in source)
      assert.ok(docs.includes(source.url), `docs/corridors.md gives the address of ${id}`);
  }
});

test('the ports the issue names exist, addressable by UN/LOCODE', () => {
  const required =
    'INNSA INBOM INMAA INIXY INMUN IRBND IRZBR IRBAZ AZBAK RUASF RUMCX RULED RUNVS RUVVO RUMMK NLRTM CNSHA JPYOK'.split(
      ' ',
    );
  for (const locode of required) {
    const index = network.nodeIndexByKey.get(locode.toLowerCase());
    assert.ok(index !== undefined, `${locode} is a node`);
    assert.equal(network.nodes[index]!.spec.locode, locode);
  }
});

// Reference distances: the README of ../shared/reference (searoute-py marine network), and for
// Chennai–Vladivostok the same Dijkstra computed by us over that network (see docs/corridors.md).
const seaReferenceNm: readonly [string, number][] = [
  ['sea:INNSA-RULED', 7623],
  ['sea:INNSA-IRBND', 1098],
  ['sea:INNSA-RUNVS', 4306],
  ['caspian:IRBAZ-RUASF', 585],
  ['sea:INMAA-RUVVO', 4636],
];

for (const [id, referenceNm] of seaReferenceNm) {
  test(`${id} along the curated lane is within 5 % of the reference ${referenceNm} nm`, () => {
    const nm = kmToNauticalMiles(edgeById(id).distanceKm);
    assert.ok(
      Math.abs(nm - referenceNm) / referenceNm < 0.05,
      `${id}: ${nm.toFixed(0)} nm against ${referenceNm} nm`,
    );
  });
}

test('published land distances are used as given: Trans-Siberian 9,289 km, Qazvin–Rasht 164 km, Rasht–Astara 162 km', () => {
  assert.equal(edgeById('rail:RUVVO-RUMOW').distanceKm, 9289);
  assert.equal(edgeById('rail:qazvin-rasht').distanceKm, 164);
  assert.equal(edgeById('rail:rasht-astara').distanceKm, 162);
  assert.equal(edgeById('rail:rasht-astara').spec.status, 'under-construction');
});

test('sea legs pass the chokepoints of their lane', () => {
  assert.deepEqual(edgeById('sea:INNSA-RULED').chokepointIds, [
    'bab-el-mandeb',
    'suez',
    'gibraltar',
    'dover',
    'great-belt',
  ]);
  assert.ok(edgeById('sea:INNSA-RUNVS').chokepointIds.includes('bosporus'));
  assert.ok(edgeById('sea:INMAA-RUVVO').chokepointIds.includes('malacca-north'));
  assert.ok(edgeById('sea:RUVVO-RUMMK').chokepointIds.includes('bering-strait'));
  assert.ok(edgeById('sea:INNSA-RULED').countries.includes('EG'));
});

test('every node can reach Moscow over operational links (the network is connected where it should be)', () => {
  const moscow = network.nodeIndexByKey.get('rumow')!;
  const reached = new Set([moscow]);
  const queue = [moscow];
  while (queue.length > 0) {
    const node = queue.pop()!;
    for (let arc = network.arcStart[node]!; arc < network.arcStart[node + 1]!; arc++) {
      if (network.edges[network.arcEdge[arc]!]!.spec.status !== 'operational') continue;
      const next = network.arcTo[arc]!;
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  const unreached = network.nodes
    .filter((node) => !reached.has(node.index))
    .map((node) => node.spec.id);
  assert.deepEqual(unreached, []);
});

test('gauge breaks are where Iranian standard gauge meets the 1,520 mm network', () => {
  for (const id of ['astara', 'sarakhs', 'incheh-borun']) {
    const node = nodes.find((candidate) => candidate.id === id);
    assert.deepEqual(
      node?.gaugeBreak && [node.gaugeBreak.fromMm, node.gaugeBreak.toMm],
      [1435, 1520],
    );
  }
});
