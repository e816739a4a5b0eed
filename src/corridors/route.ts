import { kmToNauticalMiles, splitAtAntimeridian } from './geo.js';
import type { LinkStatus, LonLat, Mode, NodeKind } from './model.js';
import type { Network } from './network.js';
import type { SearchContext } from './search.js';
import type { Walk } from './yen.js';

export interface NodeRef {
  readonly id: string;
  readonly name: string;
  readonly locode?: string;
  readonly kind: NodeKind;
  readonly countries: readonly string[];
}

/** One leg of a route. Figures are per container of the query's type; money is indicative USD. */
export interface RouteLeg {
  readonly edgeId: string;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly mode: Mode;
  readonly status: LinkStatus;
  readonly distanceKm: number;
  /** Sea and Caspian legs only. */
  readonly distanceNm?: number;
  readonly distanceEstimated: boolean;
  /** Waiting and handling at `from` before this leg (0 at the origin). */
  readonly dwellDaysBefore: number;
  readonly transitDays: number;
  readonly departsDay: number;
  readonly arrivesDay: number;
  /** Leg plus the dwell before it; a train or truck running on through a hub pays no new fixed charge. */
  readonly costUsd: number;
  readonly co2eKg: number;
  readonly via: readonly string[];
  readonly notes: readonly string[];
  readonly sourceIds: readonly string[];
}

export interface RouteTotals {
  readonly distanceKm: number;
  readonly days: number;
  readonly costUsd: number;
  readonly co2eKg: number;
  readonly co2eKgPerTonne: number;
}

export interface GeoJsonFeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly GeoJsonFeature[];
}

export interface GeoJsonFeature {
  readonly type: 'Feature';
  readonly geometry:
    | { readonly type: 'Point'; readonly coordinates: LonLat }
    | { readonly type: 'LineString'; readonly coordinates: readonly LonLat[] }
    | { readonly type: 'MultiLineString'; readonly coordinates: readonly (readonly LonLat[])[] };
  readonly properties: Readonly<Record<string, string | number | boolean>>;
}

export interface PlannedRoute {
  /**
   * Every stop by id with the mode between, and the voyage when it is not the shortest between its
   * ports: "INNSA -sea/cape-> RULED -rail-> RUMOW".
   */
  readonly summary: string;
  /**
   * For people, by name: every place the cargo is handled (each transshipment, each change of mode,
   * each border where it is inspected), and a hub a sea service transships at on the way, but not a
   * station a train or truck runs through: "Nhava Sheva –sea→ Bandar Abbas –rail→ Moscow".
   */
  readonly headline: string;
  readonly stops: readonly NodeRef[];
  readonly legs: readonly RouteLeg[];
  readonly totals: RouteTotals;
  /** The value the route was chosen by (days, USD, kg CO2e or generalised USD). */
  readonly objectiveValue: number;
  /** Season, status, gauge-break and service notes an exporter should read. */
  readonly notes: readonly string[];
  readonly geometry: GeoJsonFeatureCollection;
}

export function nodeRef(network: Network, index: number): NodeRef {
  const spec = network.nodes[index]!.spec;
  return {
    id: spec.id,
    name: spec.name,
    ...(spec.locode === undefined ? {} : { locode: spec.locode }),
    kind: spec.kind,
    countries: spec.countries,
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Turns a walk into the route an exporter reads: legs, totals, notes and a map geometry. */
export function describeRoute(context: SearchContext, walk: Walk): PlannedRoute {
  const network = context.network;
  const legs = walk.arcs.map((arc, i) => describeLeg(context, walk, arc, i));
  const totals: RouteTotals = {
    distanceKm: round(
      legs.reduce((sum, leg) => sum + leg.distanceKm, 0),
      0,
    ),
    days: round(walk.arriveAt[walk.arriveAt.length - 1]!, 1),
    costUsd: round(
      legs.reduce((sum, leg) => sum + leg.costUsd, 0),
      0,
    ),
    co2eKg: round(
      legs.reduce((sum, leg) => sum + leg.co2eKg, 0),
      0,
    ),
    co2eKgPerTonne: round(
      walk.arcs.reduce((sum, arc) => sum + network.edges[network.arcEdge[arc]!]!.co2eKgPerTonne, 0),
      1,
    ),
  };
  const stops = walk.nodes.map((node) => nodeRef(network, node));
  const summary = stops
    .map((stop, i) => {
      if (i === 0) return stop.id;
      const edge = network.edges[network.arcEdge[walk.arcs[i - 1]!]!]!;
      const label =
        edge.voyage === undefined || edge.voyage.rank === 0 ? '' : `/${edge.voyage.label}`;
      return `-${legs[i - 1]!.mode}${label}-> ${stop.id}`;
    })
    .join(' ');
  const notes = [...new Set([...legs.flatMap((leg) => leg.notes), ...gaugeNotes(network, walk)])];
  return {
    summary,
    headline: headline(network, walk, legs),
    stops,
    legs,
    totals,
    objectiveValue: round(walk.weight, 2),
    notes,
    geometry: routeGeometry(network, walk, legs),
  };
}

function shortName(stop: NodeRef): string {
  return stop.name.replace(/ \(.*\)$/, '');
}

function headline(network: Network, walk: Walk, legs: readonly RouteLeg[]): string {
  let text = shortName(legs[0]!.from);
  legs.forEach((leg, i) => {
    const edge = network.edges[network.arcEdge[walk.arcs[i]!]!]!;
    const hub = edge.voyage?.transshipsAt;
    if (hub !== undefined) text += ` –${leg.mode}→ (${hub})`;
    const next = legs[i + 1];
    // The cargo stays aboard only where the next leg runs on without a dwell (a through train).
    const handled = next === undefined || next.mode !== leg.mode || next.dwellDaysBefore > 0;
    if (handled) text += ` –${leg.mode}→ ${shortName(leg.to)}`;
  });
  return text;
}

function describeLeg(context: SearchContext, walk: Walk, arc: number, i: number): RouteLeg {
  const network = context.network;
  const edge = network.edges[network.arcEdge[arc]!]!;
  const step = walk.steps[i]!;
  const traversal = step.traversal;
  const departsDay = walk.arriveAt[i]! + step.dwellDays;
  const season = edge.spec.season;
  const notes = [
    ...(edge.spec.note === undefined ? [] : [edge.spec.note]),
    ...(season === undefined ? [] : [season.note]),
    ...(traversal.convoy ? [`${edge.spec.id}: icebreaker convoy at this time of year`] : []),
  ];
  const waterborne = edge.spec.mode === 'sea' || edge.spec.mode === 'caspian';
  return {
    edgeId: edge.spec.id,
    from: nodeRef(network, walk.nodes[i]!),
    to: nodeRef(network, walk.nodes[i + 1]!),
    mode: edge.spec.mode,
    status: edge.spec.status,
    distanceKm: round(edge.distanceKm, 0),
    ...(waterborne ? { distanceNm: round(kmToNauticalMiles(edge.distanceKm), 0) } : {}),
    distanceEstimated: edge.distanceEstimated,
    dwellDaysBefore: step.dwellDays,
    transitDays: round(traversal.days, 1),
    departsDay: round(departsDay, 1),
    arrivesDay: round(walk.arriveAt[i + 1]!, 1),
    costUsd: round(step.dwellUsd + step.fixedUsd + step.runningUsd, 0),
    co2eKg: round(step.co2eKg, 1),
    via: edge.chokepointIds.map((id) => network.passagesById.get(id)!.name),
    notes,
    sourceIds: edge.spec.sourceIds,
  };
}

function gaugeNotes(network: Network, walk: Walk): string[] {
  return walk.nodes.slice(1, -1).flatMap((node) => {
    const spec = network.nodes[node]!.spec;
    const gauge = spec.gaugeBreak;
    return gauge === undefined
      ? []
      : [`gauge break at ${spec.name}: ${gauge.fromMm} mm / ${gauge.toMm} mm, ${gauge.method}`];
  });
}

function routeGeometry(
  network: Network,
  walk: Walk,
  legs: readonly RouteLeg[],
): GeoJsonFeatureCollection {
  const lines = walk.arcs.map((arc, i): GeoJsonFeature => {
    const edge = network.edges[network.arcEdge[arc]!]!;
    const points = network.arcReversed[arc] === 1 ? [...edge.line].reverse() : [...edge.line];
    const parts = splitAtAntimeridian(points);
    const leg = legs[i]!;
    return {
      type: 'Feature',
      geometry:
        parts.length === 1
          ? { type: 'LineString', coordinates: parts[0]! }
          : { type: 'MultiLineString', coordinates: parts },
      properties: {
        leg: i + 1,
        edgeId: leg.edgeId,
        ...(leg.via.length === 0 ? {} : { via: leg.via.join(', ') }),
        mode: leg.mode,
        from: leg.from.id,
        to: leg.to.id,
        distanceKm: leg.distanceKm,
        transitDays: leg.transitDays,
        status: leg.status,
      },
    };
  });
  const points = walk.nodes.map((node, i): GeoJsonFeature => {
    const spec = network.nodes[node]!.spec;
    const role = i === 0 ? 'origin' : i === walk.nodes.length - 1 ? 'destination' : 'stop';
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: spec.at },
      properties: { id: spec.id, name: spec.name, kind: spec.kind, role },
    };
  });
  return { type: 'FeatureCollection', features: [...lines, ...points] };
}
