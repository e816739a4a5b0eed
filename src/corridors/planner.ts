import type { CorridorDefinition } from './corridors.js';
import { corridors } from './corridors.js';
import { containerModels } from './data/mode-models.js';
import type { Result } from './errors.js';
import { fail, ok } from './errors.js';
import { limits } from './limits.js';
import type { Network } from './network.js';
import { corridorNetwork, lookupKey } from './network.js';
import type { CompareQuery, RouteQuery } from './query.js';
import { redSeaPassageIds } from './query.js';
import type { PlannedRoute } from './route.js';
import { describeRoute } from './route.js';
import type { SearchContext } from './search.js';
import { allowedAdjacency, shortestPath } from './search.js';
import type { Walk } from './yen.js';
import { kShortestPaths, walkPath } from './yen.js';

export interface RouteOption extends PlannedRoute {
  /** Ids of the named corridors this route belongs to. */
  readonly corridorIds: readonly string[];
}

export interface RoutePlan {
  readonly query: RouteQuery;
  readonly routes: readonly RouteOption[];
  /** True when the expansion limit cut the alternatives short. */
  readonly truncated: boolean;
  readonly expansions: number;
}

export type CorridorOption =
  | {
      readonly corridorId: string;
      readonly name: string;
      readonly available: true;
      readonly route: PlannedRoute;
    }
  | {
      readonly corridorId: string;
      readonly name: string;
      readonly available: false;
      readonly reason: string;
    };

export interface CorridorComparison {
  readonly query: CompareQuery;
  readonly options: readonly CorridorOption[];
  /** The corridor that is best by each measure, among those available. */
  readonly fastest?: string;
  readonly cheapest?: string;
  readonly lowestCo2e?: string;
  readonly expansions: number;
}

interface ContextOptions {
  readonly corridor?: CorridorDefinition;
  readonly ignoreSeason?: boolean;
  readonly includeUnderConstruction?: boolean;
  readonly ignoreModesAndAvoid?: 'modes' | 'all';
  readonly allowIceClass?: boolean;
  /** Diagnosis only: let voyages pass the Red Sea although the query closes it. */
  readonly openRedSea?: boolean;
  /** Diagnosis only: drop the query's `via`. */
  readonly ignoreVia?: boolean;
}

const msPerDay = 86_400_000;

/** Builds the per-query search context: static arc filter, objective weights, container figures. */
export function searchContext(
  network: Network,
  query: CompareQuery,
  budget: SearchContext['budget'],
  options: ContextOptions = {},
): SearchContext {
  const container = containerModels[query.container];
  const facts = edgeFacts(network);
  const arcAllowed = new Uint8Array(network.arcEdge.length);
  const corridorIndex = options.corridor === undefined ? -1 : corridors.indexOf(options.corridor);
  const requires = corridorIndex < 0 ? undefined : facts.requires[corridorIndex]!;
  const excludes = corridorIndex < 0 ? undefined : facts.excludes[corridorIndex]!;
  const arcRequired = requires === undefined ? undefined : new Uint8Array(network.arcEdge.length);
  const checkAvoid =
    options.ignoreModesAndAvoid === undefined || options.ignoreModesAndAvoid === 'modes';
  const avoid = query.avoid;
  const avoiding =
    checkAvoid &&
    (avoid.countries.length > 0 || avoid.chokepointIds.length > 0 || avoid.nodeIds.length > 0);
  const closeRedSea = query.redSea === 'closed' && options.openRedSea !== true;
  const edgeAllowed = new Uint8Array(network.edges.length);
  for (const edge of network.edges) {
    const i = edge.index;
    if (edge.spec.status !== 'operational' && options.includeUnderConstruction !== true) continue;
    if (excludes !== undefined && excludes[i] === 1) continue;
    if (closeRedSea && facts.redSea[i] === 1) continue;
    if (options.ignoreModesAndAvoid === undefined && !query.modes.includes(edge.spec.mode))
      continue;
    if (avoiding) {
      if (edge.countries.some((country) => avoid.countries.includes(country))) continue;
      if (edge.chokepointIds.some((id) => avoid.chokepointIds.includes(id))) continue;
      const ends = [network.nodes[edge.fromIndex]!.spec.id, network.nodes[edge.toIndex]!.spec.id];
      if (ends.some((id) => avoid.nodeIds.includes(id))) continue;
    }
    edgeAllowed[i] = 1;
  }
  for (let arc = 0; arc < network.arcEdge.length; arc++) {
    const edge = network.arcEdge[arc]!;
    arcAllowed[arc] = edgeAllowed[edge]!;
    if (arcRequired !== undefined) arcRequired[arc] = requires![edge]!;
  }
  pruneParallelVoyages(network, arcAllowed, arcRequired);
  const [y, m, d] = query.departureDate.split('-').map(Number) as [number, number, number];
  const via =
    'via' in query && options.ignoreVia !== true && options.corridor === undefined
      ? (query as RouteQuery).via
      : [];
  return {
    network,
    arcAllowed,
    ...allowedAdjacency(network, arcAllowed),
    ...(arcRequired === undefined ? {} : { arcRequired }),
    ...(via.length === 0 ? {} : { via: Int32Array.from(via, (id) => nodeIndex(network, id)) }),
    ...objectiveWeights(query, container.teu),
    departureDay: Date.UTC(y, m - 1, d) / msPerDay,
    iceClass: query.iceClass || options.allowIceClass === true,
    ignoreSeason: options.ignoreSeason === true,
    costFactor: container.costFactor,
    co2eTonnes: container.cargoTonnes * container.co2eFactor,
    budget,
  };
}

interface EdgeFacts {
  /** Per corridor (in `corridors` order), 1 where the edge satisfies or breaks it. */
  readonly requires: readonly Uint8Array[];
  readonly excludes: readonly Uint8Array[];
  /** 1 where the edge passes the Red Sea. */
  readonly redSea: Uint8Array;
}

const factsByNetwork = new WeakMap<Network, EdgeFacts>();

/** What every query asks of each edge, worked out once per network. */
function edgeFacts(network: Network): EdgeFacts {
  let facts = factsByNetwork.get(network);
  if (facts === undefined) {
    const flags = (test: (edge: Network['edges'][number]) => boolean) =>
      Uint8Array.from(network.edges, (edge) => (test(edge) ? 1 : 0));
    facts = {
      requires: corridors.map((corridor) => flags(corridor.requires)),
      excludes: corridors.map((corridor) => flags(corridor.excludes)),
      redSea: flags((edge) => edge.chokepointIds.some((id) => redSeaPassageIds.includes(id))),
    };
    factsByNetwork.set(network, facts);
  }
  return facts;
}

/**
 * Between two ports, a longer voyage costs more of everything than a shorter one (same calls, same
 * charges, more km), so of the allowed voyages only the shortest can win — and a longer one that
 * satisfies the corridor when the shorter does not, and a shorter seasonal one, which may be closed.
 */
function pruneParallelVoyages(
  network: Network,
  arcAllowed: Uint8Array,
  arcRequired: Uint8Array | undefined,
): void {
  const { parallelStart, parallelArcs } = network;
  for (let g = 0; g + 1 < parallelStart.length; g++) {
    let keptPlain = false;
    let keptRequired = arcRequired === undefined;
    for (let i = parallelStart[g]!; i < parallelStart[g + 1]!; i++) {
      const arc = parallelArcs[i]!;
      if (arcAllowed[arc] === 0) continue;
      if (keptPlain && keptRequired) {
        arcAllowed[arc] = 0;
        continue;
      }
      if (network.edges[network.arcEdge[arc]!]!.spec.season !== undefined) continue;
      const required = arcRequired !== undefined && arcRequired[arc] === 1;
      if (required) {
        if (keptRequired) arcAllowed[arc] = 0;
        keptRequired = true;
        keptPlain = true;
      } else {
        if (keptPlain) arcAllowed[arc] = 0;
        keptPlain = true;
      }
    }
  }
}

/** Weights per day, USD and kg CO2e; the small ones only break ties between equal routes. */
function objectiveWeights(query: CompareQuery, teu: number) {
  const tie = 1e-6;
  switch (query.by) {
    case 'time':
      return { weightPerDay: 1, weightPerUsd: tie, weightPerKgCo2e: tie * tie };
    case 'cost':
      return { weightPerDay: tie, weightPerUsd: 1, weightPerKgCo2e: tie };
    case 'co2':
      return { weightPerDay: tie * tie, weightPerUsd: tie, weightPerKgCo2e: 1 };
    case 'mix':
      return {
        weightPerDay: query.valueOfTimeUsdPerTeuDay * teu,
        weightPerUsd: 1,
        weightPerKgCo2e: query.carbonPriceUsdPerTonne / 1000,
      };
  }
}

function nodeIndex(network: Network, id: string): number {
  const index = network.nodeIndexByKey.get(lookupKey(id));
  if (index === undefined)
    throw new Error(`bug: query names unknown node ${id}; parse queries with parseRouteQuery`);
  return index;
}

/** The best route and up to `alternatives − 1` distinct others, by the query's objective. */
export function planRoutes(
  query: RouteQuery,
  network: Network = corridorNetwork(),
): Result<RoutePlan> {
  const budget = { expansionsLeft: limits.expansionsMax, expansionsUsed: 0 };
  const context = searchContext(network, query, budget);
  const origin = nodeIndex(network, query.from);
  const target = nodeIndex(network, query.to);
  const found = kShortestPaths(
    context,
    origin,
    target,
    Math.min(query.alternatives, limits.alternativesMax),
  );
  if (found === 'budget')
    return fail(
      'expansion_limit',
      'alternatives',
      `the search stopped after ${limits.expansionsMax} expansions`,
    );
  if (found === null) {
    const why = diagnose(network, query, undefined);
    return fail('no_route', why.field, `no route from ${query.from} to ${query.to}: ${why.reason}`);
  }
  const routes = found.walks.map((walk) => ({
    ...describeRoute(context, walk),
    corridorIds: corridorsOf(network, walk),
  }));
  return ok({ query, routes, truncated: found.truncated, expansions: budget.expansionsUsed });
}

function corridorsOf(network: Network, walk: Walk): string[] {
  const edges = walk.arcs.map((arc) => network.edges[network.arcEdge[arc]!]!);
  return corridors
    .filter((corridor) => edges.some(corridor.requires) && !edges.some(corridor.excludes))
    .map((corridor) => corridor.id);
}

/** For an origin and a destination, the best route through each named corridor, or why there is none. */
export function compareCorridors(
  query: CompareQuery,
  network: Network = corridorNetwork(),
): Result<CorridorComparison> {
  const budget = { expansionsLeft: limits.expansionsMax, expansionsUsed: 0 };
  const origin = nodeIndex(network, query.from);
  const target = nodeIndex(network, query.to);
  const options: CorridorOption[] = [];
  for (const corridor of corridors) {
    const context = searchContext(network, query, budget, { corridor });
    const path = shortestPath(context, { node: origin, elapsedDays: 0, arrivedBy: 0 }, target);
    if (path === 'budget')
      return fail(
        'expansion_limit',
        'query',
        `the comparison stopped after ${limits.expansionsMax} expansions`,
      );
    const walk = path === null ? undefined : walkPath(context, origin, path);
    if (walk === undefined) {
      options.push({
        corridorId: corridor.id,
        name: corridor.name,
        available: false,
        reason: diagnose(network, query, corridor).reason,
      });
    } else {
      options.push({
        corridorId: corridor.id,
        name: corridor.name,
        available: true,
        route: describeRoute(context, walk),
      });
    }
  }
  return ok({ query, options, ...bestBy(options), expansions: budget.expansionsUsed });
}

function bestBy(
  options: readonly CorridorOption[],
): Pick<CorridorComparison, 'fastest' | 'cheapest' | 'lowestCo2e'> {
  const available = options.flatMap((option) => (option.available ? [option] : []));
  if (available.length === 0) return {};
  const minBy = (measure: (route: PlannedRoute) => number) =>
    available.reduce((best, option) =>
      measure(option.route) < measure(best.route) ? option : best,
    ).corridorId;
  return {
    fastest: minBy((r) => r.totals.days),
    cheapest: minBy((r) => r.totals.costUsd),
    lowestCo2e: minBy((r) => r.totals.co2eKg),
  };
}

interface Diagnosis {
  readonly field: string;
  readonly reason: string;
}

/**
 * Says why no route exists by relaxing one constraint at a time: the season, then links under
 * construction, then the allowed modes, then the avoid list. Diagnosis has its own small budget.
 */
export function diagnose(
  network: Network,
  query: CompareQuery,
  corridor: CorridorDefinition | undefined,
): Diagnosis {
  const origin = nodeIndex(network, query.from);
  const target = nodeIndex(network, query.to);
  const attempt = (options: ContextOptions) => {
    const context = searchContext(
      network,
      query,
      { expansionsLeft: limits.expansionsMax, expansionsUsed: 0 },
      { ...options, ...(corridor === undefined ? {} : { corridor }) },
    );
    const path = shortestPath(context, { node: origin, elapsedDays: 0, arrivedBy: 0 }, target);
    return Array.isArray(path)
      ? path.map((arc) => network.edges[network.arcEdge[arc]!]!)
      : undefined;
  };
  const seasonal = attempt({ ignoreSeason: true });
  if (seasonal !== undefined) {
    const notes = [
      ...new Set(
        seasonal.flatMap((edge) => (edge.spec.season === undefined ? [] : [edge.spec.season.note])),
      ),
    ];
    if (!query.iceClass && attempt({ allowIceClass: true }) !== undefined) {
      return {
        field: 'iceClass',
        reason: `${notes.join('; ')}: needs an ice-class ship or escort (iceClass)`,
      };
    }
    return {
      field: 'date',
      reason: `${notes.join('; ')}: closed when the cargo would reach it, departing ${query.departureDate}`,
    };
  }
  const building = attempt({ includeUnderConstruction: true, ignoreSeason: true });
  if (building !== undefined) {
    const links = building
      .filter((edge) => edge.spec.status !== 'operational')
      .map((edge) => edge.spec.note ?? edge.spec.id);
    return {
      field: 'to',
      reason: `depends on links still under construction: ${links.join('; ')}`,
    };
  }
  if (
    query.redSea === 'closed' &&
    attempt({ openRedSea: true, ignoreSeason: true, allowIceClass: true }) !== undefined
  ) {
    return {
      field: 'redSea',
      reason:
        'only through the Red Sea (Bab-el-Mandeb and Suez), which is closed (redSea=closed; set redSea=open to allow it)',
    };
  }
  if (attempt({ ignoreModesAndAvoid: 'modes', ignoreSeason: true }) !== undefined) {
    return { field: 'modes', reason: `not reachable using only ${query.modes.join(', ')}` };
  }
  if (attempt({ ignoreModesAndAvoid: 'all', ignoreSeason: true }) !== undefined) {
    return {
      field: 'avoid',
      reason: 'not reachable while avoiding the requested nodes, countries or chokepoints',
    };
  }
  if (
    'via' in query &&
    (query as RouteQuery).via.length > 0 &&
    attempt({ ignoreVia: true, ignoreModesAndAvoid: 'all', ignoreSeason: true }) !== undefined
  ) {
    return { field: 'via', reason: 'no route passes the requested via places in that order' };
  }
  return {
    field: 'to',
    reason:
      corridor === undefined
        ? 'the network has no connection between them'
        : `the ${corridor.name} corridor does not connect them`,
  };
}
