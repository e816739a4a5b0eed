import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { edges, portSeasons, seaServiceRules, seaServices } from './data/edges.js';
import { nodes } from './data/nodes.js';
import { sources } from './data/sources.js';
import { corridorNetwork } from './network.js';
import { validateNetworkData } from './validate.js';

const network = corridorNetwork();
const edgeById = (id: string) => {
  const edge = network.edges.find((candidate) => candidate.spec.id === id);
  assert.ok(edge, `edge ${id} exists`);
  return edge;
};

const data = { nodes, edges, seaServices, seaServiceRules, portSeasons };

test('the network data passes validation', () => {
  assert.deepEqual(validateNetworkData(data), []);
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
  const problems = validateNetworkData({ ...data, edges: broken });
  assert.ok(problems.includes('edge rail:x: no source'));
  assert.ok(problems.includes('edge rail:x: unknown node nowhere'));
  assert.ok(problems.some((problem) => problem.startsWith('node RUMOW: rail gauges')));
});

test('validation refuses a hand-made sea edge and a sea service that is not between two ports of one sea', () => {
  const problems = validateNetworkData({
    ...data,
    edges: [
      ...edges,
      {
        id: 'sea:INNSA-RULED',
        from: 'INNSA',
        to: 'RULED',
        mode: 'sea' as const,
        status: 'operational' as const,
        sourceIds: ['vostro-estimate'],
      },
    ],
    seaServices: [...seaServices, { from: 'RUMOW', to: 'INNSA' }, { from: 'IRBAZ', to: 'INNSA' }],
  });
  assert.ok(
    problems.some((problem) => problem.startsWith('edge sea:INNSA-RULED: sea and Caspian')),
  );
  assert.ok(problems.includes('sea service RUMOW-INNSA: RUMOW is not a port'));
  assert.ok(problems.includes('sea service IRBAZ-INNSA: the ports are not on the same sea'));
});

test('every edge cites at least one known source besides the cost model, and docs/corridors.md lists every source', () => {
  const docs = readFileSync(new URL('../../docs/corridors.md', import.meta.url), 'utf8');
  for (const { spec: edge } of network.edges) {
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
    'INNSA INBOM INMAA INIXY INMUN INCCU INVTZ IRBND IRZBR IRBAZ AZBAK RUASF RUOLY RUMCX RULED RUULU RUNVS RUVVO RUNJK RUVYP RUMMK NLRTM CNSHA JPYOK'.split(
      ' ',
    );
  for (const locode of required) {
    const index = network.nodeIndexByKey.get(locode.toLowerCase());
    assert.ok(index !== undefined, `${locode} is a node`);
    assert.equal(network.nodes[index]!.spec.locode, locode);
  }
});

test('published land distances are used as given: Trans-Siberian 9,289 km, Qazvin–Rasht 164 km, Rasht–Astara 162 km', () => {
  assert.equal(edgeById('rail:RUVVO-RUMOW').distanceKm, 9289);
  assert.equal(edgeById('rail:qazvin-rasht').distanceKm, 164);
  assert.equal(edgeById('rail:rasht-astara').distanceKm, 162);
  assert.equal(edgeById('rail:rasht-astara').spec.status, 'under-construction');
});

test('sea voyages pass the named passages of their route, in order', () => {
  assert.deepEqual(edgeById('sea:INNSA-RULED').chokepointIds, [
    'bab-el-mandeb',
    'suez',
    'gibraltar',
    'kiel-canal',
  ]);
  assert.deepEqual(edgeById('sea:INNSA-RULED/cape').chokepointIds, [
    'cape-of-good-hope',
    'kiel-canal',
  ]);
  assert.deepEqual(edgeById('sea:INNSA-RULED/danish-straits').chokepointIds, [
    'bab-el-mandeb',
    'suez',
    'gibraltar',
    'danish-straits',
  ]);
  assert.ok(edgeById('sea:INNSA-RUNVS').chokepointIds.includes('bosporus'));
  assert.ok(edgeById('sea:INMAA-RUVVO').chokepointIds.includes('malacca'));
  assert.deepEqual(edgeById('sea:RUVVO-RUMMK').chokepointIds, [
    'bering',
    'nsr-long-strait',
    'nsr-laptev-straits',
    'nsr-vilkitsky',
    'nsr-kara-gate',
  ]);
  assert.ok(edgeById('sea:INNSA-RULED').countries.includes('EG'));
  assert.ok(!edgeById('sea:INNSA-RULED/cape').countries.includes('EG'));
});

test('every seaport meets the sea network within 60 km, a Caspian port only the Caspian', () => {
  const ports = nodes.filter((node) => node.kind === 'port');
  assert.equal(network.seaSnaps.size, ports.length);
  for (const port of ports) {
    const snap = network.seaSnaps.get(port.id);
    assert.ok(snap !== undefined && snap.km < 60, `${port.id} is ${snap?.km.toFixed(0)} km off`);
  }
  const caspian = network.edges.filter((edge) => edge.spec.mode === 'caspian');
  assert.ok(caspian.length > 0);
  for (const edge of caspian)
    for (const end of [edge.fromIndex, edge.toIndex])
      assert.equal(network.nodes[end]!.spec.water, 'caspian', edge.spec.id);
  // The Volga–Don link is cut: no voyage joins the Caspian to the oceans.
  for (const edge of network.edges.filter((candidate) => candidate.spec.mode === 'sea'))
    for (const end of [edge.fromIndex, edge.toIndex])
      assert.notEqual(network.nodes[end]!.spec.water, 'caspian', edge.spec.id);
});

test('the Northern Sea Route season holds on its stretch of a voyage, not on the whole voyage', () => {
  const voyage = edgeById('sea:RULED-RUVVO');
  assert.ok(voyage.spec.tags?.includes('nsr'));
  assert.deepEqual(voyage.spec.season?.openMonths, [7, 8, 9, 10, 11]);
  const span = voyage.seasonSpan;
  assert.ok(span !== undefined);
  assert.ok(span.startDays > 3 && span.days > 5 && span.startDays + span.days < voyage.baseDays);
  assert.ok(Math.abs(span.startDaysReversed - (voyage.baseDays - span.startDays - span.days)) < 1);
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
