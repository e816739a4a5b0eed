#!/usr/bin/env node
// Computes the sea-distance reference table the planner is checked against (src/corridors/sea.test.ts):
// Dijkstra over haversine segment lengths on the full searoute-py marine network, each port snapped
// to its nearest network vertex, as the README of ../shared/reference describes (`networkKm`, the
// README's figures), plus the great-circle way from each port to its vertex (`km`, port to port, which
// is what the planner reports). It shares nothing with the planner but the reading of the file
// (sea-marnet.mjs).
//
//   node scripts/sea-reference.mjs            # prints the table
//   node scripts/sea-reference.mjs --write    # writes src/corridors/data/sea-reference.json
//   node scripts/sea-reference.mjs --json     # prints the pairs as JSON (the test compares them)
import { writeFileSync } from 'node:fs';
import { haversineKm, readMarnetSegments, readPorts } from './sea-marnet.mjs';

/** Port pairs spanning India, Russia (Baltic, Black Sea, Arctic, Pacific), China, Japan, the Gulf, Europe. */
const pairs = [
  ['INNSA', 'RULED'],
  ['INNSA', 'IRBND'],
  ['INNSA', 'RUNVS'],
  ['INMAA', 'RUVVO'],
  ['INNSA', 'RUVVO'],
  ['INNSA', 'RUMMK'],
  ['INNSA', 'NLRTM'],
  ['INNSA', 'CNSHA'],
  ['INNSA', 'JPYOK'],
  ['INNSA', 'AEJEA'],
  ['INNSA', 'RUULU'],
  ['INMUN', 'RUNVS'],
  ['INMUN', 'IRBND'],
  ['INMUN', 'RULED'],
  ['INMUN', 'AEJEA'],
  ['INMAA', 'RULED'],
  ['INMAA', 'CNSHA'],
  ['INMAA', 'RUNJK'],
  ['INCCU', 'RUVVO'],
  ['INCCU', 'RULED'],
  ['INVTZ', 'RUVYP'],
  ['INVTZ', 'RUNVS'],
  ['INVTZ', 'JPYOK'],
  ['IRBND', 'RUNVS'],
  ['IRZBR', 'RULED'],
  ['AEJEA', 'RULED'],
  ['AEJEA', 'CNSHA'],
  ['RUMMK', 'JPYOK'],
  ['RUMMK', 'NLRTM'],
  ['RUMMK', 'RULED'],
  ['RULED', 'NLRTM'],
  ['RULED', 'RUNVS'],
  ['RULED', 'RUVVO'],
  ['RUULU', 'DEHAM'],
  ['RUNVS', 'NLRTM'],
  ['RUNVS', 'CNSHA'],
  ['RUVVO', 'CNSHA'],
  ['RUVVO', 'JPYOK'],
  ['RUVYP', 'INNSA'],
  ['CNSHA', 'NLRTM'],
  ['CNSHA', 'JPYOK'],
  ['JPYOK', 'NLRTM'],
  ['DEHAM', 'INMAA'],
  ['IRBAZ', 'RUASF'],
  ['IRBAZ', 'RUMCX'],
  ['AZBAK', 'TMKRW'],
];

function buildGraph(segments) {
  const index = new Map();
  const points = [];
  const adjacency = [];
  const key = (p) => `${p[0]},${p[1]}`;
  const id = (p) => {
    let i = index.get(key(p));
    if (i === undefined) {
      i = points.length;
      index.set(key(p), i);
      points.push(p);
      adjacency.push([]);
    }
    return i;
  };
  for (const [a, b] of segments) {
    const i = id(a);
    const j = id(b);
    const km = haversineKm(a, b);
    adjacency[i].push([j, km]);
    adjacency[j].push([i, km]);
  }
  return { points, adjacency };
}

function nearest(points, at) {
  let best = -1;
  let bestKm = Infinity;
  points.forEach((point, i) => {
    const km = haversineKm(point, at);
    if (km < bestKm) {
      bestKm = km;
      best = i;
    }
  });
  return best;
}

/** Plain Dijkstra with a binary heap; returns km to every vertex. */
function dijkstra({ adjacency }, source) {
  const dist = new Float64Array(adjacency.length).fill(Infinity);
  dist[source] = 0;
  const heap = [[0, source]];
  const push = (item) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p][0] <= item[0]) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = item;
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= heap.length) break;
        if (c + 1 < heap.length && heap[c + 1][0] < heap[c][0]) c += 1;
        if (heap[c][0] >= last[0]) break;
        heap[i] = heap[c];
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  while (heap.length > 0) {
    const [d, u] = pop();
    if (d > dist[u]) continue;
    for (const [v, km] of adjacency[u]) {
      if (d + km < dist[v]) {
        dist[v] = d + km;
        push([d + km, v]);
      }
    }
  }
  return dist;
}

function computeReference() {
  const graph = buildGraph(readMarnetSegments());
  const ports = readPorts();
  // Olya is not in searoute-py's port list; its position is the planner's (UN/LOCODE RUOLY).
  ports.set('RUOLY', { name: 'Olya', at: [47.55, 45.78] });
  const rows = [];
  const fromCache = new Map();
  for (const [from, to] of pairs) {
    const a = ports.get(from);
    const b = ports.get(to);
    if (a === undefined || b === undefined) throw new Error(`no port ${a ? to : from}`);
    const source = nearest(graph.points, a.at);
    const target = nearest(graph.points, b.at);
    if (!fromCache.has(from)) fromCache.set(from, dijkstra(graph, source));
    const networkKm = fromCache.get(from)[target];
    if (!Number.isFinite(networkKm)) throw new Error(`${from}–${to}: not connected`);
    // Port to port: the network distance plus the way from each port to its vertex.
    const km =
      networkKm + haversineKm(a.at, graph.points[source]) + haversineKm(b.at, graph.points[target]);
    rows.push({
      from,
      to,
      km: Math.round(km),
      nm: Math.round(km / 1.852),
      networkKm: Math.round(networkKm),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = computeReference();
  if (process.argv.includes('--write')) {
    const out = new URL('../src/corridors/data/sea-reference.json', import.meta.url);
    const body = {
      about:
        'Sea distances on the full searoute-py marine network (Apache-2.0), Dijkstra over haversine segments, R = 6371.0088 km, ports snapped to the nearest vertex, Northwest Passage excluded, Volga–Don link cut. networkKm: vertex to vertex (the README figures); km and nm: port to port (plus the great-circle way from each port to its vertex). Generated by scripts/sea-reference.mjs --write; do not edit.',
      pairs: rows,
    };
    writeFileSync(out, `${JSON.stringify(body, null, 2)}\n`);
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  else for (const row of rows) console.log(`${row.from} ${row.to} ${row.km} km ${row.nm} nm`);
}
