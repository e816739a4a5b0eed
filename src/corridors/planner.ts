import type { CorridorDefinition } from './corridors.js';
import { corridors } from './corridors.js';
import { containerModels } from './data/mode-models.js';
import type { Result } from './errors.js';
import { fail, ok } from './errors.js';
import { limits } from './limits.js';
import type { Network } from './network.js';
import { corridorNetwork, lookupKey } from './network.js';
import type { CompareQuery, RouteQuery } from './query.js';
import type { PlannedRoute } from './route.js';
import { describeRoute } from './route.js';
import type { SearchContext } from './search.js';
import { shortestPath } from './search.js';
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
  const arcAllowed = new Uint8Array(network.arcEdge.length);
  const arcRequired =
    options.corridor === undefined ? undefined : new Uint8Array(network.arcEdge.length);
  const edgeAllowed = network.edges.map((edge) => {
    if (edge.spec.status !== 'operational' && options.includeUnderConstruction !== true)
      return false;
    if (options.corridor?.excludes(edge) === true) return false;
    if (options.ignoreModesAndAvoid === undefined || options.ignoreModesAndAvoid === 'modes') {
      if (options.ignoreModesAndAvoid === undefined && !query.modes.includes(edge.spec.mode))
        return false;
      if (edge.countries.some((country) => query.avoid.countries.includes(country))) return false;
      if (edge.chokepointIds.some((id) => query.avoid.chokepointIds.includes(id))) return false;
      const ends = [network.nodes[edge.fromIndex]!.spec.id, network.nodes[edge.toIndex]!.spec.id];
      if (ends.some((id) => query.avoid.nodeIds.includes(id))) return false;
    }
    return true;
  });
  for (let arc = 0; arc < network.arcEdge.length; arc++) {
    const edge = network.edges[network.arcEdge[arc]!]!;
    arcAllowed[arc] = edgeAllowed[edge.index] ? 1 : 0;
    if (arcRequired !== undefined) arcRequired[arc] = options.corridor!.requires(edge) ? 1 : 0;
  }
  const [y, m, d] = query.departureDate.split('-').map(Number) as [number, number, number];
  return {
    network,
    arcAllowed,
    ...(arcRequired === undefined ? {} : { arcRequired }),
    ...objectiveWeights(query, container.teu),
    departureDay: Date.UTC(y, m - 1, d) / msPerDay,
    iceClass: query.iceClass || options.allowIceClass === true,
    ignoreSeason: options.ignoreSeason === true,
    costFactor: container.costFactor,
    co2eTonnes: container.cargoTonnes * container.co2eFactor,
    budget,
  };
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
  if (attempt({ ignoreModesAndAvoid: 'modes', ignoreSeason: true }) !== undefined) {
    return { field: 'modes', reason: `not reachable using only ${query.modes.join(', ')}` };
  }
  if (attempt({ ignoreModesAndAvoid: 'all', ignoreSeason: true }) !== undefined) {
    return {
      field: 'avoid',
      reason: 'not reachable while avoiding the requested nodes, countries or chokepoints',
    };
  }
  return {
    field: 'to',
    reason:
      corridor === undefined
        ? 'the network has no connection between them'
        : `the ${corridor.name} corridor does not connect them`,
  };
}
