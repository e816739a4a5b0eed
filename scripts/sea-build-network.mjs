#!/usr/bin/env node
// Builds the planner's compact copy of the searoute-py marine network (Apache-2.0; see
// src/corridors/data/README.md): vertices where lanes meet become nodes, the chains between them
// become edges that keep their exact length (summed over the full-resolution segments) and their
// passage, and only a simplified line is kept for drawing and snapping.
//
//   node scripts/sea-build-network.mjs   # writes src/corridors/data/marnet.json
import { writeFileSync } from 'node:fs';
import { haversineKm, readMarnetSegments } from './sea-marnet.mjs';

/**
 * The planner needs the seas between India, the Gulf, Europe, Russia and East Asia and the ways
 * round Africa, not the Americas: lanes west of 35° W are left out, except the Bering Strait's.
 */
const outsideRegion = ([lon]) => lon < -35 && lon > -168;

/** Douglas–Peucker tolerance for the drawn line, in degrees (about 5 km). */
const toleranceDeg = 0.05;

function build() {
  const segments = readMarnetSegments();
  const index = new Map();
  const points = [];
  const adjacency = [];
  const seen = new Set();
  const id = (p) => {
    const key = `${p[0]},${p[1]}`;
    let i = index.get(key);
    if (i === undefined) {
      i = points.length;
      index.set(key, i);
      points.push(p);
      adjacency.push([]);
    }
    return i;
  };
  for (const [a, b, passage] of segments) {
    if (outsideRegion(a) || outsideRegion(b)) continue;
    const i = id(a);
    const j = id(b);
    const pairKey = i < j ? `${i}-${j}` : `${j}-${i}`;
    if (seen.has(pairKey)) continue;
    seen.add(pairKey);
    adjacency[i].push({ to: j, passage });
    adjacency[j].push({ to: i, passage });
  }
  // Keep the connected parts that are seas (the oceans and the Caspian), not stray fragments.
  const component = new Int32Array(points.length).fill(-1);
  const sizes = [];
  for (let s = 0; s < points.length; s++) {
    if (component[s] >= 0) continue;
    const c = sizes.length;
    let size = 0;
    const stack = [s];
    component[s] = c;
    while (stack.length > 0) {
      const u = stack.pop();
      size += 1;
      for (const { to } of adjacency[u])
        if (component[to] < 0) {
          component[to] = c;
          stack.push(to);
        }
    }
    sizes.push(size);
  }
  const keep = (v) => sizes[component[v]] >= 20;
  // A vertex is a node when lanes meet or end there, or the passage changes across it.
  const isNode = (v) =>
    adjacency[v].length !== 2 || adjacency[v][0].passage !== adjacency[v][1].passage;
  const nodeIndex = new Map();
  const nodes = [];
  for (let v = 0; v < points.length; v++)
    if (keep(v) && isNode(v)) {
      nodeIndex.set(v, nodes.length);
      nodes.push(points[v]);
    }
  const edges = [];
  const walked = new Set();
  const walk = (start, first) => {
    const chain = [start];
    let previous = start;
    let current = first.to;
    let km = haversineKm(points[start], points[current]);
    walked.add(`${start}>${current}`);
    while (!nodeIndex.has(current)) {
      chain.push(current);
      const next = adjacency[current].find((arc) => arc.to !== previous);
      walked.add(`${current}>${next.to}`);
      km += haversineKm(points[current], points[next.to]);
      previous = current;
      current = next.to;
    }
    chain.push(current);
    walked.add(`${current}<${previous}`);
    return { chain, km };
  };
  for (const [v, n] of nodeIndex) {
    for (const arc of adjacency[v]) {
      if (walked.has(`${v}>${arc.to}`) || walked.has(`${v}<${arc.to}`)) continue;
      const { chain, km } = walk(v, arc);
      const line = simplify(chain.map((c) => points[c]));
      edges.push({
        from: n,
        to: nodeIndex.get(chain.at(-1)),
        km,
        passage: arc.passage,
        via: line.slice(1, -1),
      });
    }
  }
  // Rings with no node on them (an island circled by a lane): anchor one vertex as a node.
  return { nodes, edges };
}

function simplify(line) {
  if (line.length <= 2) return line;
  const keep = new Uint8Array(line.length);
  keep[0] = keep[line.length - 1] = 1;
  const stack = [[0, line.length - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop();
    let worst = -1;
    let worstD = toleranceDeg;
    for (let i = a + 1; i < b; i++) {
      const d = distanceToSegment(line[i], line[a], line[b]);
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return line.filter((_, i) => keep[i] === 1);
}

function distanceToSegment(p, a, b) {
  // Planar, in degrees, with longitudes unwrapped next to a: enough to decide what to draw.
  const unwrap = (x) => (x - a[0] > 180 ? x - 360 : x - a[0] < -180 ? x + 360 : x);
  const px = unwrap(p[0]);
  const bx = unwrap(b[0]);
  const dx = bx - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const t =
    length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a[0]) * dx + (p[1] - a[1]) * dy) / length2));
  return Math.hypot(px - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Google's encoded polyline algorithm at 1e-4 degrees: compact, and plain ASCII. */
function encode(points) {
  let out = '';
  let lastLon = 0;
  let lastLat = 0;
  const put = (value) => {
    let v = value < 0 ? ~(value << 1) : value << 1;
    while (v >= 0x20) {
      out += String.fromCharCode((0x20 | (v & 0x1f)) + 63);
      v >>= 5;
    }
    out += String.fromCharCode(v + 63);
  };
  for (const [lon, lat] of points) {
    const x = Math.round(lon * 1e4);
    const y = Math.round(lat * 1e4);
    put(y - lastLat);
    put(x - lastLon);
    lastLon = x;
    lastLat = y;
  }
  return out;
}

const { nodes, edges } = build();
const passages = [...new Set(edges.map((e) => e.passage).filter((p) => p !== null))].sort();
const body = {
  about:
    'Compact copy of the searoute-py marine network (genthalili/searoute-py, searoute/data/marnet_searoute.geojson, Apache-2.0; derived from the Eurostat marnet network). Generated by scripts/sea-build-network.mjs; do not edit. nodes: encoded polyline (1e-4 degrees, lat/lon order) of the lane junctions; edges: "from to km passage line", passage "-" for none, line the encoded inner points.',
  nodes: encode(nodes),
  passages,
  edges: edges.map(
    (e) => `${e.from} ${e.to} ${e.km.toFixed(2)} ${e.passage ?? '-'} ${encode(e.via)}`,
  ),
};
const out = new URL('../src/corridors/data/marnet.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(body, null, 2)}\n`);
console.log(`${nodes.length} nodes, ${edges.length} edges, ${passages.join(' ')}`);
