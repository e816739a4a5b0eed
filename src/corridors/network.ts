import {
  edges as edgeData,
  nsrSeason,
  nsrSourceIds,
  portSeasons,
  seaServiceRules,
  seaServices,
} from './data/edges.js';
import { modeModels } from './data/mode-models.js';
import { nodes as nodeData } from './data/nodes.js';
import { passages } from './data/passages.js';
import { polylineKm } from './geo.js';
import type {
  EdgeSpec,
  LonLat,
  NodeSpec,
  Passage,
  Season,
  SeaService,
  SeaServiceRule,
} from './model.js';
import type { SeaVoyage } from './sea.js';
import { buildSeaNetwork, passageLookup } from './sea.js';

/** An edge with its derived figures, computed once when the network is built. */
export interface CompiledEdge {
  readonly index: number;
  readonly spec: EdgeSpec;
  readonly fromIndex: number;
  readonly toIndex: number;
  readonly distanceKm: number;
  /** Whether `distanceKm` was published (or measured on the sea network) rather than estimated. */
  readonly distanceEstimated: boolean;
  /** Transit days outside any seasonal delay. */
  readonly baseDays: number;
  /** Loading, unloading and paperwork: charged when a run of this mode starts (see `search.ts`). */
  readonly fixedCostUsdPerTeu: number;
  /** The per-km part, charged on every edge. */
  readonly runningCostUsdPerTeu: number;
  readonly co2eKgPerTonne: number;
  /** Points from `from` to `to`, for the map (sea voyages follow the sea network). */
  readonly line: readonly LonLat[];
  /** Named passages the voyage uses, in order from `from`. */
  readonly chokepointIds: readonly string[];
  /** Countries whose territory or waters the edge touches (its ends and its passages). */
  readonly countries: readonly string[];
  /**
   * Where on the edge its season applies, in days from `from` (absent: the whole edge). The NSR is
   * a stretch of a longer voyage; it is checked when the ship is there, not when it leaves port.
   */
  readonly seasonSpan?: {
    readonly startDays: number;
    /** The same, sailing from `to` to `from`. */
    readonly startDaysReversed: number;
    readonly days: number;
  };
  /** Sea voyages: which of the voyages between the two ports this is (0 the shortest) and its label. */
  readonly voyage?: {
    readonly rank: number;
    readonly label: string;
    readonly transshipsAt?: string;
  };
  /** Drawn on the network map (every land and Caspian link, the listed sea services). */
  readonly display: boolean;
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
  /**
   * Parallel sea voyages between the same two ports, shortest first: group g is
   * `parallelArcs[parallelStart[g]..parallelStart[g+1]]`. A query keeps only the ones that can win.
   */
  readonly parallelStart: Int32Array;
  readonly parallelArcs: Int32Array;
  readonly nodeIndexByKey: ReadonlyMap<string, number>;
  readonly passagesById: ReadonlyMap<string, Passage>;
  /** Passages by lower-case id, name or alias; a group name ("nsr") gives all its passages. */
  readonly passagesByKey: ReadonlyMap<string, readonly Passage[]>;
  readonly countries: ReadonlySet<string>;
  /** Where each port meets the sea network, and how far off it lies (km), by node id. */
  readonly seaSnaps: ReadonlyMap<string, { readonly at: LonLat; readonly km: number }>;
}

export interface NetworkData {
  readonly nodes: readonly NodeSpec[];
  /** Land edges (rail, road); sea and Caspian voyages come from the sea network. */
  readonly edges: readonly EdgeSpec[];
  readonly seaServices: readonly SeaService[];
  readonly seaServiceRules: readonly SeaServiceRule[];
  readonly portSeasons: Readonly<
    Record<string, { readonly season: Season; readonly sourceIds: readonly string[] }>
  >;
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
  const nodes = data.nodes.map((spec, index) => ({ index, spec }));
  const passagesById = new Map(passages.map((passage) => [passage.id, passage]));
  const land = data.edges.map((spec, index) =>
    compileEdge(spec, index, data.nodes, nodeIndexByKey),
  );
  const ports = data.nodes.filter((node) => node.kind === 'port' && node.water !== undefined);
  const sea = buildSeaNetwork(ports);
  const voyages = sea.voyages.map((voyage, i) =>
    compileVoyage(voyage, land.length + i, ports, data, nodeIndexByKey, passagesById),
  );
  const edges = [...land, ...voyages];
  const countries = new Set<string>();
  for (const node of data.nodes) for (const country of node.countries) countries.add(country);
  for (const edge of edges) for (const country of edge.countries) countries.add(country);
  const seaSnaps = new Map<string, { at: LonLat; km: number }>();
  ports.forEach((port, i) => {
    const snap = sea.snaps[i];
    if (snap !== undefined) seaSnaps.set(port.id, snap);
  });
  const arcs = buildArcs(nodes.length, edges);
  return {
    nodes,
    edges,
    ...arcs,
    ...parallelGroups(arcs, edges),
    nodeIndexByKey,
    passagesById,
    passagesByKey: passageLookup(lookupKey),
    countries,
    seaSnaps,
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
): CompiledEdge {
  const fromIndex = mustIndex(nodeIndexByKey, spec.from, spec.id);
  const toIndex = mustIndex(nodeIndexByKey, spec.to, spec.id);
  const from = nodes[fromIndex]!;
  const to = nodes[toIndex]!;
  const line: LonLat[] = [from.at, ...(spec.drawVia ?? []), to.at];
  const model = modeModels[spec.mode];
  const distanceKm = spec.distanceKm ?? polylineKm(line) * model.circuityFactor;
  return {
    ...figures(spec, distanceKm),
    index,
    spec,
    fromIndex,
    toIndex,
    distanceEstimated: spec.distanceKm === undefined,
    line,
    chokepointIds: [],
    countries: [...new Set([...from.countries, ...to.countries])],
    display: true,
  };
}

function figures(spec: EdgeSpec, distanceKm: number) {
  const model = modeModels[spec.mode];
  return {
    distanceKm,
    baseDays: distanceKm / (spec.speedKmPerDay ?? model.speedKmPerDay) + (spec.extraDays ?? 0),
    fixedCostUsdPerTeu: model.fixedUsdPerTeu,
    runningCostUsdPerTeu: model.usdPerTeuKm * distanceKm,
    co2eKgPerTonne: (model.co2eGramsPerTonneKm * distanceKm) / 1000,
  };
}

/** Which corridor tags a voyage carries, from the seas of its ends and the passages it uses. */
function voyageTags(a: NodeSpec, b: NodeSpec, voyage: SeaVoyage): string[] {
  const tags = new Set<string>();
  const ends = [a, b];
  const india = ends.find((end) => end.countries.includes('IN'));
  const other = ends.find((end) => end !== india);
  if (voyage.arctic !== undefined) tags.add('nsr');
  if (ends.some((end) => end.water === 'black-sea')) tags.add('black-sea');
  if (india !== undefined && other !== undefined) {
    if (other.countries.includes('IR')) tags.add('instc');
    if (other.water === 'russian-pacific' && voyage.arctic === undefined) tags.add('cvmc');
  }
  return [...tags];
}

function compileVoyage(
  voyage: SeaVoyage,
  index: number,
  ports: readonly NodeSpec[],
  data: NetworkData,
  nodeIndexByKey: ReadonlyMap<string, number>,
  passagesById: ReadonlyMap<string, Passage>,
): CompiledEdge {
  const from = ports[voyage.fromPort]!;
  const to = ports[voyage.toPort]!;
  const service = data.seaServices.find(
    (candidate) =>
      (candidate.from === from.id && candidate.to === to.id) ||
      (candidate.from === to.id && candidate.to === from.id),
  );
  const rule = data.seaServiceRules.find((candidate) => {
    const [left, right] = candidate.between;
    const on = (side: readonly string[], port: NodeSpec) => side.includes(port.water ?? '');
    return (on(left, from) && on(right, to)) || (on(left, to) && on(right, from));
  });
  // A listed service keeps its own direction; other voyages run in the order of the node list.
  const reversed = service !== undefined && service.from === to.id;
  const [a, b] = reversed ? [to, from] : [from, to];
  const mode = from.water === 'caspian' ? 'caspian' : 'sea';
  const portSeason = data.portSeasons[a.id] ?? data.portSeasons[b.id];
  const season = voyage.arctic !== undefined ? nsrSeason : portSeason?.season;
  const tags = [...new Set([...voyageTags(a, b, voyage), ...(service?.tags ?? [])])];
  const id = `${mode}:${a.id}-${b.id}${voyage.rank === 0 ? '' : `/${voyage.label}`}`;
  const spec: EdgeSpec = {
    id,
    from: a.id,
    to: b.id,
    mode,
    distanceKm: voyage.km,
    ...(rule === undefined ? {} : { extraDays: rule.extraDays }),
    status: 'operational',
    ...(season === undefined ? {} : { season }),
    ...(tags.length === 0 ? {} : { tags }),
    ...(rule === undefined ? {} : { note: rule.note }),
    sourceIds: [
      ...new Set([...(service?.sourceIds ?? []), ...(rule?.sourceIds ?? [])]),
      ...(voyage.arctic !== undefined ? nsrSourceIds : (portSeason?.sourceIds ?? [])),
      ...(voyage.passageIds.includes('kiel-canal') ? ['kiel-canal'] : []),
      'searoute-marnet',
      'vostro-cost-model',
    ],
  };
  const line = reversed ? [...voyage.line].reverse() : voyage.line;
  const chokepointIds = reversed ? [...voyage.passageIds].reverse() : voyage.passageIds;
  const base = figures(spec, voyage.km);
  const speed = modeModels[mode].speedKmPerDay;
  const arctic = voyage.arctic;
  const startKm =
    arctic === undefined ? 0 : reversed ? voyage.km - arctic.startKm - arctic.km : arctic.startKm;
  const countries = new Set([...from.countries, ...to.countries]);
  for (const id of chokepointIds)
    for (const country of passagesById.get(id)?.countries ?? []) countries.add(country);
  return {
    ...base,
    index,
    spec,
    fromIndex: mustIndex(nodeIndexByKey, a.id, id),
    toIndex: mustIndex(nodeIndexByKey, b.id, id),
    distanceEstimated: false,
    line,
    chokepointIds,
    countries: [...countries],
    ...(arctic === undefined
      ? {}
      : {
          seasonSpan: {
            startDays: startKm / speed,
            startDaysReversed: (voyage.km - startKm - arctic.km) / speed,
            days: arctic.km / speed,
          },
        }),
    voyage: {
      rank: voyage.rank,
      label: voyage.label,
      ...(rule?.transshipsAt === undefined ? {} : { transshipsAt: rule.transshipsAt }),
    },
    display: service !== undefined && (voyage.rank === 0 || voyage.label === 'cape'),
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

function parallelGroups(
  arcs: ReturnType<typeof buildArcs>,
  edges: readonly CompiledEdge[],
): { parallelStart: Int32Array; parallelArcs: Int32Array } {
  const groups = new Map<string, number[]>();
  for (let arc = 0; arc < arcs.arcEdge.length; arc++) {
    const edge = edges[arcs.arcEdge[arc]!]!;
    if (edge.voyage === undefined) continue;
    const tail = arcs.arcReversed[arc] === 1 ? edge.toIndex : edge.fromIndex;
    const key = `${tail}>${arcs.arcTo[arc]}`;
    const group = groups.get(key) ?? [];
    group.push(arc);
    groups.set(key, group);
  }
  const start = [0];
  const flat: number[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => edges[arcs.arcEdge[a]!]!.distanceKm - edges[arcs.arcEdge[b]!]!.distanceKm);
    flat.push(...group);
    start.push(flat.length);
  }
  return { parallelStart: Int32Array.from(start), parallelArcs: Int32Array.from(flat) };
}

let shared: Network | undefined;

/** The project's network, built on first use and shared: it is immutable. */
export function corridorNetwork(): Network {
  shared ??= buildNetwork({
    nodes: nodeData,
    edges: edgeData,
    seaServices,
    seaServiceRules,
    portSeasons,
  });
  return shared;
}
