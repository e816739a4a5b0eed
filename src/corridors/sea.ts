import { arcticLane, canals } from './data/arctic.js';
import marnet from './data/marnet.json' with { type: 'json' };
import { passageGroups, passages } from './data/passages.js';
import { haversineKm, polylineKm } from './geo.js';
import type { LonLat, NodeSpec, Passage } from './model.js';

/**
 * The sea network the planner sails on: the searoute-py marine network (a compact copy in
 * `data/marnet.json`, built by scripts/sea-build-network.mjs) plus the curated Northern Sea Route.
 * Every seaport is snapped to the nearest point of a lane; between every two ports in the same sea
 * the shortest voyage is found by Dijkstra, and so are the shortest voyages that avoid the named
 * passages the first one uses (and, in turn, theirs), so that avoiding Suez, a closed Red Sea or an
 * NSR out of season leaves the next-best real voyage (round the Cape, through Suez) to the planner.
 */

/** One named voyage between two ports over the sea network. */
export interface SeaVoyage {
  readonly fromPort: number;
  readonly toPort: number;
  readonly km: number;
  /** Named passages in the order the ship meets them, from `fromPort`. */
  readonly passageIds: readonly string[];
  /** Where along the voyage the Northern Sea Route starts and how long it is, in km. */
  readonly arctic?: { readonly startKm: number; readonly km: number };
  /** The voyage line from port to port, [lon, lat], longitudes in [-180, 180]. */
  readonly line: readonly LonLat[];
  /** 0 for the shortest voyage between the two ports, then the next ones found. */
  readonly rank: number;
  /** A short name for a voyage that is not the shortest (e.g. "cape"), for its id. */
  readonly label: string;
}

interface SeaEdge {
  a: number;
  b: number;
  km: number;
  passage: number;
  /** From node a to node b, ends included. */
  line: LonLat[];
}

interface SeaGraph {
  readonly points: LonLat[];
  readonly edges: SeaEdge[];
  arcStart: Int32Array;
  arcEdge: Int32Array;
  arcTo: Int32Array;
}

export const passageIndex: ReadonlyMap<string, number> = new Map(
  passages.map((passage, i) => [passage.id, i]),
);
const arcticBits = passages.reduce(
  (bits, passage, i) => (passage.group === 'nsr' ? bits | (1 << i) : bits),
  0,
);
/**
 * What the search for alternatives avoids together: the Red Sea's two ends, the Turkish straits,
 * the NSR's segments. A ship does not turn round between them, so one alternative covers the pair.
 */
const avoidTogether: readonly (readonly string[])[] = [
  ['suez', 'bab-el-mandeb'],
  ['bosporus', 'dardanelles'],
];
function avoidBitsFor(bit: number): number {
  if (passages[bit]!.group === 'nsr') return arcticBits;
  const id = passages[bit]!.id;
  const group = avoidTogether.find((ids) => ids.includes(id)) ?? [id];
  return group.reduce((bits, member) => bits | (1 << passageIndex.get(member)!), 0);
}

/** Decodes Google's encoded polyline (1e-4 degrees) into [lon, lat] points. */
export function decodePolyline(text: string): LonLat[] {
  const points: LonLat[] = [];
  let index = 0;
  let lat = 0;
  let lon = 0;
  const next = () => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = text.charCodeAt(index++) - 63;
      result |= (byte & 0x1f) << shift;
      shift += 5;
    } while (byte >= 0x20);
    return result & 1 ? ~(result >> 1) : result >> 1;
  };
  while (index < text.length) {
    lat += next();
    lon += next();
    points.push([lon / 1e4, lat / 1e4]);
  }
  return points;
}

function loadGraph(): SeaGraph {
  const points = decodePolyline(marnet.nodes);
  const edges: SeaEdge[] = marnet.edges.map((row) => {
    const [a, b, km, passage, encoded] = row.split(' ') as [string, string, string, string, string];
    const from = Number(a);
    const to = Number(b);
    return {
      a: from,
      b: to,
      km: Number(km),
      passage: passage === '-' ? -1 : mustPassage(passage),
      line: [points[from]!, ...decodePolyline(encoded), points[to]!],
    };
  });
  // The Northern Sea Route: a chain of curated points joined at both ends to the nearest node.
  const nearestNode = (at: LonLat, count: number) => {
    let best = 0;
    for (let i = 1; i < count; i++)
      if (haversineKm(points[i]!, at) < haversineKm(points[best]!, at)) best = i;
    return best;
  };
  const marnetCount = points.length;
  let previous = -1;
  for (const stretch of arcticLane) {
    const passage = mustPassage(stretch.passage);
    stretch.points.forEach((at, i) => {
      if (i === 0 && previous >= 0) return;
      const node = points.length;
      points.push(at);
      if (previous < 0) {
        const join = nearestNode(at, marnetCount);
        edges.push(seaEdge(points, join, node, -1));
      } else {
        edges.push(seaEdge(points, previous, node, passage));
      }
      previous = node;
    });
  }
  // The Chukchi Sea end reaches the Pacific through the Bering Strait.
  edges.push(
    seaEdge(points, previous, nearestNode(points[previous]!, marnetCount), mustPassage('bering')),
  );
  return {
    points,
    edges,
    arcStart: new Int32Array(0),
    arcEdge: new Int32Array(0),
    arcTo: new Int32Array(0),
  };
}

function seaEdge(points: readonly LonLat[], a: number, b: number, passage: number): SeaEdge {
  const line = [points[a]!, points[b]!];
  return { a, b, km: polylineKm(line), passage, line };
}

function mustPassage(id: string): number {
  const index = passageIndex.get(id);
  if (index === undefined) throw new Error(`sea network: unknown passage ${id}`);
  return index;
}

/** Local planar offset in km of `p` from `origin`, longitudes unwrapped (enough to find a nearest point). */
function planar(origin: LonLat, p: LonLat): [number, number] {
  let dLon = p[0] - origin[0];
  if (dLon > 180) dLon -= 360;
  if (dLon < -180) dLon += 360;
  const kmPerDegree = 111.195;
  return [
    dLon * kmPerDegree * Math.cos((origin[1] * Math.PI) / 180),
    (p[1] - origin[1]) * kmPerDegree,
  ];
}

interface Snap {
  readonly edge: number;
  /** Index of the segment of the edge's line, and the fraction along it. */
  readonly segment: number;
  readonly t: number;
  readonly at: LonLat;
  readonly km: number;
}

function nearestPoint(graph: SeaGraph, at: LonLat): Snap {
  let best: Snap | undefined;
  graph.edges.forEach((edge, e) => {
    for (let s = 1; s < edge.line.length; s++) {
      const a = edge.line[s - 1]!;
      const b = edge.line[s]!;
      const [bx, by] = planar(a, b);
      const [px, py] = planar(a, at);
      const length2 = bx * bx + by * by;
      const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, (px * bx + py * by) / length2));
      const distance = Math.hypot(px - t * bx, py - t * by);
      if (best === undefined || distance < best.km) {
        const lon = a[0] + t * (((b[0] - a[0] + 540) % 360) - 180);
        const point: LonLat = [
          lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon,
          a[1] + t * (b[1] - a[1]),
        ];
        best = { edge: e, segment: s, t, at: point, km: distance };
      }
    }
  });
  return best!;
}

/** Splits the snapped edge at the snap point (unless it is an end) and returns the node there. */
function splitAt(graph: SeaGraph, snap: Snap): number {
  const edge = graph.edges[snap.edge]!;
  if (snap.segment === 1 && snap.t === 0) return edge.a;
  if (snap.segment === edge.line.length - 1 && snap.t === 1) return edge.b;
  const node = graph.points.length;
  graph.points.push(snap.at);
  const head = [...edge.line.slice(0, snap.segment), snap.at];
  const tail = [snap.at, ...edge.line.slice(snap.segment)];
  const headKm = polylineKm(head);
  const share = headKm / Math.max(headKm + polylineKm(tail), 1e-9);
  graph.edges[snap.edge] = {
    a: edge.a,
    b: node,
    km: edge.km * share,
    passage: edge.passage,
    line: head,
  };
  graph.edges.push({
    a: node,
    b: edge.b,
    km: edge.km * (1 - share),
    passage: edge.passage,
    line: tail,
  });
  return node;
}

/** A canal: its own edge of its published length, its ends joined to the nearest lane points. */
function addCanal(graph: SeaGraph, canal: (typeof canals)[number]): void {
  const first = canal.points[0]!;
  const last = canal.points[canal.points.length - 1]!;
  const a = splitAt(graph, nearestPoint(graph, first));
  const b = splitAt(graph, nearestPoint(graph, last));
  const passage = mustPassage(canal.passage);
  const line = [graph.points[a]!, ...canal.points, graph.points[b]!];
  const joins = haversineKm(graph.points[a]!, first) + haversineKm(graph.points[b]!, last);
  graph.edges.push({ a, b, km: canal.km + joins, passage, line });
}

function buildArcs(graph: SeaGraph): void {
  const count = graph.points.length;
  const start = new Int32Array(count + 1);
  for (const edge of graph.edges) {
    start[edge.a + 1]! += 1;
    start[edge.b + 1]! += 1;
  }
  for (let n = 0; n < count; n++) start[n + 1]! += start[n]!;
  const fill = start.slice(0, count);
  graph.arcEdge = new Int32Array(graph.edges.length * 2);
  graph.arcTo = new Int32Array(graph.edges.length * 2);
  graph.edges.forEach((edge, e) => {
    for (const [tail, head] of [
      [edge.a, edge.b],
      [edge.b, edge.a],
    ] as const) {
      const slot = fill[tail]!;
      fill[tail] = slot + 1;
      graph.arcEdge[slot] = e;
      graph.arcTo[slot] = head;
    }
  });
  graph.arcStart = start;
}

interface Tree {
  readonly km: Float64Array;
  readonly viaArc: Int32Array;
}

/** Per-arc lengths and passage bits in flat arrays, for the many searches of one build. */
interface ArcTable {
  readonly km: Float64Array;
  readonly bits: Int32Array;
  readonly heapKey: Float64Array;
  readonly heapNode: Int32Array;
}

function arcTable(graph: SeaGraph): ArcTable {
  const km = new Float64Array(graph.arcEdge.length);
  const bits = new Int32Array(graph.arcEdge.length);
  for (let arc = 0; arc < graph.arcEdge.length; arc++) {
    const edge = graph.edges[graph.arcEdge[arc]!]!;
    km[arc] = edge.km;
    bits[arc] = edge.passage >= 0 ? 1 << edge.passage : 0;
  }
  // A node enters the heap at most once per improvement, which is at most once per arc.
  const size = graph.arcEdge.length + 1;
  return { km, bits, heapKey: new Float64Array(size), heapNode: new Int32Array(size) };
}

/**
 * Dijkstra from `source` over the lanes whose passage is not in `avoidBits`, stopping once every
 * node in `targets` is settled.
 */
function shortestTree(
  graph: SeaGraph,
  table: ArcTable,
  source: number,
  avoidBits: number,
  targets: readonly number[],
): Tree {
  const count = graph.points.length;
  const km = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const viaArc = new Int32Array(count).fill(-1);
  const settled = new Uint8Array(count);
  const isTarget = new Uint8Array(count);
  let targetsLeft = 0;
  for (const target of targets)
    if (isTarget[target] === 0) {
      isTarget[target] = 1;
      targetsLeft += 1;
    }
  const { heapKey, heapNode } = table;
  const arcKm = table.km;
  const arcBits = table.bits;
  const { arcStart, arcTo } = graph;
  let size = 0;
  const push = (key: number, node: number) => {
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heapKey[parent]! <= key) break;
      heapKey[i] = heapKey[parent]!;
      heapNode[i] = heapNode[parent]!;
      i = parent;
    }
    heapKey[i] = key;
    heapNode[i] = node;
  };
  km[source] = 0;
  push(0, source);
  while (size > 0 && targetsLeft > 0) {
    const key = heapKey[0]!;
    const node = heapNode[0]!;
    size -= 1;
    if (size > 0) {
      const lastKey = heapKey[size]!;
      const lastNode = heapNode[size]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && heapKey[child + 1]! < heapKey[child]!) child += 1;
        if (heapKey[child]! >= lastKey) break;
        heapKey[i] = heapKey[child]!;
        heapNode[i] = heapNode[child]!;
        i = child;
      }
      heapKey[i] = lastKey;
      heapNode[i] = lastNode;
    }
    if (settled[node] === 1 || key > km[node]!) continue;
    settled[node] = 1;
    if (isTarget[node] === 1) targetsLeft -= 1;
    for (let arc = arcStart[node]!; arc < arcStart[node + 1]!; arc++) {
      if ((arcBits[arc]! & avoidBits) !== 0) continue;
      const next = arcTo[arc]!;
      const candidate = key + arcKm[arc]!;
      if (candidate < km[next]!) {
        km[next] = candidate;
        viaArc[next] = arc;
        push(candidate, next);
      }
    }
  }
  return { km, viaArc };
}

interface RawVoyage {
  readonly km: number;
  readonly bits: number;
  readonly arcs: readonly number[];
}

function trace(graph: SeaGraph, tree: Tree, target: number): RawVoyage | undefined {
  if (!Number.isFinite(tree.km[target]!)) return undefined;
  const arcs: number[] = [];
  let bits = 0;
  for (let node = target; tree.viaArc[node]! >= 0;) {
    const arc = tree.viaArc[node]!;
    arcs.push(arc);
    const edge = graph.edges[graph.arcEdge[arc]!]!;
    if (edge.passage >= 0) bits |= 1 << edge.passage;
    node = edge.a === node ? edge.b : edge.a;
  }
  arcs.reverse();
  return { km: tree.km[target]!, bits, arcs };
}

/** How deep the search for alternatives goes: voyages avoiding up to this many named passages. */
const avoidDepth = 2;
/** Most voyages kept between two ports. */
const voyagesPerPair = 6;
/** Most avoid-sets tried between two ports (the searches are shared by all pairs from a port). */
const searchesPerPair = 12;
const labelOrder = ['cape-of-good-hope', 'nsr', 'suez', 'kiel-canal', 'sunda', 'malacca'];

export interface SeaNetwork {
  readonly voyages: readonly SeaVoyage[];
  /** For each port (by its index in the input), where it meets the network and how far off it is. */
  readonly snaps: readonly ({ readonly at: LonLat; readonly km: number } | undefined)[];
}

/**
 * Builds the voyages between every two of `ports` that share a sea. `ports` are node specs; a port
 * with `water: 'caspian'` only meets the Caspian's lanes, every other port only the oceans'.
 */
export function buildSeaNetwork(ports: readonly NodeSpec[]): SeaNetwork {
  const graph = loadGraph();
  for (const canal of canals) addCanal(graph, canal);
  buildArcs(graph);
  const components = componentsOf(graph);
  // The Caspian is the part of the network that holds a point in its middle.
  let middle = 0;
  graph.points.forEach((point, i) => {
    if (haversineKm(point, [50.5, 41.5]) < haversineKm(graph.points[middle]!, [50.5, 41.5]))
      middle = i;
  });
  const caspian = components[middle]!;
  const snaps: Snap[] = [];
  const nodes: number[] = [];
  for (const port of ports) {
    const wanted = port.water === 'caspian';
    const sea: SeaGraph = {
      ...graph,
      edges: graph.edges.map((edge) =>
        (components[edge.a] === caspian) === wanted ? edge : { ...edge, line: [] },
      ),
    };
    const snap = nearestPoint(sea, port.at);
    snaps.push(snap);
    const node = splitAt(graph, snap);
    if (node >= components.length) components.push(components[graph.edges[snap.edge]!.a]!);
    nodes.push(node);
  }
  buildArcs(graph);
  const table = arcTable(graph);
  const trees = new Map<string, Tree>();
  const tree = (port: number, avoidBits: number) => {
    const key = `${port}:${avoidBits}`;
    let found = trees.get(key);
    if (found === undefined) {
      // Voyages are found from the port earlier in the list, so only later ports are targets.
      found = shortestTree(graph, table, nodes[port]!, avoidBits, nodes.slice(port + 1));
      trees.set(key, found);
    }
    return found;
  };
  const voyages: SeaVoyage[] = [];
  for (let from = 0; from < ports.length; from++) {
    for (let to = from + 1; to < ports.length; to++) {
      if (components[nodes[from]!] !== components[nodes[to]!]) continue;
      const found: RawVoyage[] = [];
      const queue: { avoid: number; depth: number }[] = [{ avoid: 0, depth: 0 }];
      const tried = new Set<number>([0]);
      for (let searches = 0; queue.length > 0 && searches < searchesPerPair; searches++) {
        const { avoid, depth } = queue.shift()!;
        const voyage = trace(graph, tree(from, avoid), nodes[to]!);
        if (voyage === undefined) continue;
        if (!found.some((other) => other.bits === voyage.bits)) found.push(voyage);
        if (depth >= avoidDepth) continue;
        for (let bit = 0; bit < passages.length; bit++) {
          if ((voyage.bits & (1 << bit)) === 0) continue;
          const next = avoid | avoidBitsFor(bit);
          if (tried.has(next)) continue;
          tried.add(next);
          queue.push({ avoid: next, depth: depth + 1 });
        }
      }
      // A voyage is worth keeping only if no shorter one uses a subset of its passages.
      const kept = found
        .sort((a, b) => a.km - b.km)
        .filter(
          (voyage, i, all) =>
            !all.slice(0, i).some((shorter) => (shorter.bits & ~voyage.bits) === 0),
        )
        .slice(0, voyagesPerPair);
      const labels = new Set<string>();
      kept.forEach((raw, rank) => {
        const label = rank === 0 ? '' : labelFor(raw.bits & ~kept[0]!.bits, raw.bits, labels);
        labels.add(label);
        voyages.push(describeVoyage(graph, ports, snaps, from, to, raw, rank, label));
      });
    }
  }
  return {
    voyages,
    snaps: snaps.map((snap, i) => ({ at: snap.at, km: haversineKm(ports[i]!.at, snap.at) })),
  };
}

function componentsOf(graph: SeaGraph): number[] {
  const component = new Array<number>(graph.points.length).fill(-1);
  let next = 0;
  for (let start = 0; start < graph.points.length; start++) {
    if (component[start]! >= 0) continue;
    component[start] = next;
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (let arc = graph.arcStart[node]!; arc < graph.arcStart[node + 1]!; arc++) {
        const to = graph.arcTo[arc]!;
        if (component[to]! < 0) {
          component[to] = next;
          stack.push(to);
        }
      }
    }
    next += 1;
  }
  return component;
}

function labelFor(extraBits: number, bits: number, used: ReadonlySet<string>): string {
  const has = (candidate: number, id: string) =>
    id === 'nsr'
      ? (candidate & arcticBits) !== 0
      : (candidate & (1 << passageIndex.get(id)!)) !== 0;
  const base =
    labelOrder.find((id) => has(extraBits, id)) ??
    passages.find((_, i) => (extraBits & (1 << i)) !== 0)?.id ??
    labelOrder.find((id) => has(bits, id)) ??
    'alt';
  const short = base === 'cape-of-good-hope' ? 'cape' : base === 'kiel-canal' ? 'kiel' : base;
  let label = short;
  for (let n = 2; used.has(label); n++) label = `${short}-${n}`;
  return label;
}

function describeVoyage(
  graph: SeaGraph,
  ports: readonly NodeSpec[],
  snaps: readonly Snap[],
  from: number,
  to: number,
  raw: RawVoyage,
  rank: number,
  label: string,
): SeaVoyage {
  const fromPort = ports[from]!;
  const toPort = ports[to]!;
  const startStub = haversineKm(fromPort.at, snaps[from]!.at);
  const line: LonLat[] = [fromPort.at];
  const passageIds: string[] = [];
  let km = startStub;
  let arcticStart = -1;
  let arcticKm = 0;
  for (const arc of raw.arcs) {
    const edge = graph.edges[graph.arcEdge[arc]!]!;
    const forward = graph.arcTo[arc] === edge.b;
    const points = forward ? edge.line : [...edge.line].reverse();
    line.push(...points.slice(line.length === 1 ? 0 : 1));
    if (edge.passage >= 0) {
      const passage = passages[edge.passage]!;
      if (passage.group === 'nsr') {
        if (arcticStart < 0) arcticStart = km;
        arcticKm += edge.km;
      }
      if (passageIds.at(-1) !== passage.id) passageIds.push(passage.id);
    }
    km += edge.km;
  }
  km += haversineKm(toPort.at, snaps[to]!.at);
  line.push(toPort.at);
  return {
    fromPort: from,
    toPort: to,
    km,
    passageIds: [...new Set(passageIds)],
    ...(arcticStart < 0 ? {} : { arctic: { startKm: arcticStart, km: arcticKm } }),
    // The ports' own positions stay exact: a route's line starts and ends at its stops.
    line: [fromPort.at, ...roundLine(line.slice(1, -1)), toPort.at],
    rank,
    label,
  };
}

function roundLine(line: readonly LonLat[]): LonLat[] {
  const out: LonLat[] = [];
  for (const [lon, lat] of line) {
    const point: LonLat = [Math.round(lon * 1e4) / 1e4, Math.round(lat * 1e4) / 1e4];
    const last = out.at(-1);
    if (last === undefined || last[0] !== point[0] || last[1] !== point[1]) out.push(point);
  }
  return out;
}

/** Passages by lower-case id, name or alias, and group names ("nsr") for all their members. */
export function passageLookup(
  normalise: (text: string) => string,
): Map<string, readonly Passage[]> {
  const byKey = new Map<string, readonly Passage[]>();
  for (const passage of passages)
    for (const key of [passage.id, passage.name, ...(passage.aliases ?? [])])
      byKey.set(normalise(key), [passage]);
  for (const [group, { name, aliases }] of Object.entries(passageGroups)) {
    const members = passages.filter((passage) => passage.group === group);
    for (const key of [group, name, ...aliases]) byKey.set(normalise(key), members);
  }
  return byKey;
}
