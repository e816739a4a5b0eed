import { polylineKm } from './geo.js';
import type { EdgeSpec, LonLat, NodeSpec, Waypoint } from './model.js';
import { edges as edgeData } from './data/edges.js';
import { modeModels } from './data/mode-models.js';
import { nodes as nodeData } from './data/nodes.js';
import { waypoints as waypointData } from './data/waypoints.js';

/** An edge with its derived figures, computed once when the network is built. */
export interface CompiledEdge {
  readonly index: number;
  readonly spec: EdgeSpec;
  readonly fromIndex: number;
  readonly toIndex: number;
  readonly distanceKm: number;
  /** Whether `distanceKm` was published (or measured along a lane) rather than estimated. */
  readonly distanceEstimated: boolean;
  /** Transit days outside any seasonal delay. */
  readonly baseDays: number;
  /** Loading, unloading and paperwork: charged when a run of this mode starts (see `search.ts`). */
  readonly fixedCostUsdPerTeu: number;
  /** The per-km part, charged on every edge. */
  readonly runningCostUsdPerTeu: number;
  readonly co2eKgPerTonne: number;
  /** Points from `from` to `to`, for the map. */
  readonly line: readonly LonLat[];
  /** Chokepoint waypoint ids the lane passes. */
  readonly chokepointIds: readonly string[];
  /** Countries whose territory or waters the edge touches (its ends and its chokepoints). */
  readonly countries: readonly string[];
}

export interface CompiledNode {
  readonly index: number;
  readonly spec: NodeSpec;
}

/**
 * The network as the planner reads it: nodes and edges by index, and every edge as two directed
 * arcs in compressed adjacency arrays (the arcs leaving node n are `arcStart[n]..arcStart[n+1]`).
 */
export interface Network {
  readonly nodes: readonly CompiledNode[];
  readonly edges: readonly CompiledEdge[];
  readonly arcStart: Int32Array;
  readonly arcEdge: Int32Array;
  readonly arcTo: Int32Array;
  /** 1 where the arc runs against the edge's own direction (from `to` to `from`). */
  readonly arcReversed: Uint8Array;
  readonly nodeIndexByKey: ReadonlyMap<string, number>;
  readonly waypointsById: ReadonlyMap<string, Waypoint>;
  /** Chokepoints by lower-case id and name. */
  readonly chokepointsByKey: ReadonlyMap<string, Waypoint>;
  readonly countries: ReadonlySet<string>;
}

export interface NetworkData {
  readonly nodes: readonly NodeSpec[];
  readonly edges: readonly EdgeSpec[];
  readonly waypoints: readonly Waypoint[];
}

/** Normalises a name for lookup: case-insensitive, and dots, dashes and spaces are equal. */
export function lookupKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s._-]+/g, ' ');
}

/** Builds the network from data that `validateNetworkData` accepts; a bad reference is a bug and throws. */
export function buildNetwork(data: NetworkData): Network {
  const nodeIndexByKey = indexNodes(data.nodes);
  const waypointsById = new Map(data.waypoints.map((waypoint) => [waypoint.id, waypoint]));
  const nodes = data.nodes.map((spec, index) => ({ index, spec }));
  const edges = data.edges.map((spec, index) =>
    compileEdge(spec, index, data.nodes, nodeIndexByKey, waypointsById),
  );
  const chokepointsByKey = new Map<string, Waypoint>();
  for (const waypoint of data.waypoints) {
    if (waypoint.chokepoint === undefined) continue;
    for (const key of [waypoint.id, waypoint.name, ...(waypoint.chokepoint.aliases ?? [])])
      chokepointsByKey.set(lookupKey(key), waypoint);
  }
  const countries = new Set<string>();
  for (const node of data.nodes) for (const country of node.countries) countries.add(country);
  for (const edge of edges) for (const country of edge.countries) countries.add(country);
  return {
    nodes,
    edges,
    ...buildArcs(nodes.length, edges),
    nodeIndexByKey,
    waypointsById,
    chokepointsByKey,
    countries,
  };
}

function indexNodes(nodes: readonly NodeSpec[]): Map<string, number> {
  const byKey = new Map<string, number>();
  nodes.forEach((node, index) => {
    for (const key of [node.id, node.locode, node.name, ...(node.aliases ?? [])]) {
      if (key === undefined) continue;
      const normalised = lookupKey(key);
      // The id and LOCODE always win; a name or alias shared by two nodes resolves to the first.
      if (!byKey.has(normalised)) byKey.set(normalised, index);
    }
  });
  return byKey;
}

function compileEdge(
  spec: EdgeSpec,
  index: number,
  nodes: readonly NodeSpec[],
  nodeIndexByKey: ReadonlyMap<string, number>,
  waypointsById: ReadonlyMap<string, Waypoint>,
): CompiledEdge {
  const fromIndex = mustIndex(nodeIndexByKey, spec.from, spec.id);
  const toIndex = mustIndex(nodeIndexByKey, spec.to, spec.id);
  const from = nodes[fromIndex]!;
  const to = nodes[toIndex]!;
  const lanePoints = (spec.lane ?? []).map((id) => {
    const waypoint = waypointsById.get(id);
    if (waypoint === undefined) throw new Error(`edge ${spec.id}: unknown waypoint ${id}`);
    return waypoint;
  });
  const line: LonLat[] = [
    from.at,
    ...lanePoints.map((waypoint) => waypoint.at),
    ...(spec.drawVia ?? []),
    to.at,
  ];
  const model = modeModels[spec.mode];
  const measuredKm = spec.lane === undefined ? undefined : polylineKm(line);
  const distanceKm = spec.distanceKm ?? measuredKm ?? polylineKm(line) * model.circuityFactor;
  const chokepoints = lanePoints.filter((waypoint) => waypoint.chokepoint !== undefined);
  const countries = new Set([...from.countries, ...to.countries]);
  for (const waypoint of chokepoints)
    for (const country of waypoint.chokepoint!.countries) countries.add(country);
  return {
    index,
    spec,
    fromIndex,
    toIndex,
    distanceKm,
    distanceEstimated: spec.distanceKm === undefined && spec.lane === undefined,
    baseDays: distanceKm / (spec.speedKmPerDay ?? model.speedKmPerDay) + (spec.extraDays ?? 0),
    fixedCostUsdPerTeu: model.fixedUsdPerTeu,
    runningCostUsdPerTeu: model.usdPerTeuKm * distanceKm,
    co2eKgPerTonne: (model.co2eGramsPerTonneKm * distanceKm) / 1000,
    line,
    chokepointIds: chokepoints.map((waypoint) => waypoint.id),
    countries: [...countries],
  };
}

function mustIndex(byKey: ReadonlyMap<string, number>, id: string, edgeId: string): number {
  const index = byKey.get(lookupKey(id));
  if (index === undefined) throw new Error(`edge ${edgeId}: unknown node ${id}`);
  return index;
}

function buildArcs(nodeCount: number, edges: readonly CompiledEdge[]) {
  const degree = new Int32Array(nodeCount + 1);
  for (const edge of edges) {
    degree[edge.fromIndex + 1]! += 1;
    degree[edge.toIndex + 1]! += 1;
  }
  const arcStart = new Int32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) arcStart[n + 1] = arcStart[n]! + degree[n + 1]!;
  const fill = arcStart.slice(0, nodeCount);
  const arcCount = edges.length * 2;
  const arcEdge = new Int32Array(arcCount);
  const arcTo = new Int32Array(arcCount);
  const arcReversed = new Uint8Array(arcCount);
  for (const edge of edges) {
    for (const reversed of [0, 1] as const) {
      const tail = reversed === 0 ? edge.fromIndex : edge.toIndex;
      const slot = fill[tail]!;
      fill[tail] = slot + 1;
      arcEdge[slot] = edge.index;
      arcTo[slot] = reversed === 0 ? edge.toIndex : edge.fromIndex;
      arcReversed[slot] = reversed;
    }
  }
  return { arcStart, arcEdge, arcTo, arcReversed };
}

let shared: Network | undefined;

/** The project's network, built on first use and shared: it is immutable. */
export function corridorNetwork(): Network {
  shared ??= buildNetwork({ nodes: nodeData, edges: edgeData, waypoints: waypointData });
  return shared;
}
