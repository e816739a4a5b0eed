// What the corridor routes of the API answer (docs/corridors.md, docs/api.md): the network for a
// map, a route plan and a corridor comparison. Distances are km, money indicative US$ per container.

/** [longitude, latitude] in degrees. */
export type LonLat = readonly [number, number];
export type Mode = 'sea' | 'caspian' | 'rail' | 'road';
export type NodeKind = 'port' | 'hub' | 'border' | 'inland-terminal';
export type SeasonState = 'open' | 'ice-class' | 'convoy' | 'closed';

export interface NetworkNode {
  readonly id: string;
  readonly name: string;
  readonly locode?: string;
  readonly kind: NodeKind;
  readonly countries: readonly string[];
  readonly at: LonLat;
  readonly aliases: readonly string[];
}

export interface NetworkLink {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly mode: Mode;
  readonly status: 'operational' | 'under-construction';
  readonly distanceKm: number;
  readonly distanceNm?: number;
  readonly distanceEstimated: boolean;
  readonly baseDays: number;
  readonly season?: {
    readonly openMonths: readonly number[];
    readonly iceClassMonths: readonly number[];
    readonly convoyMonths?: readonly number[];
    readonly note: string;
    readonly state: SeasonState;
  };
  readonly via: readonly string[];
  readonly note?: string;
  readonly lines: readonly (readonly LonLat[])[];
}

/** `GET /v1/corridors/network?date=`. */
export interface Network {
  readonly date: string;
  readonly nodes: readonly NetworkNode[];
  readonly links: readonly NetworkLink[];
  readonly corridors: readonly { readonly id: string; readonly name: string }[];
}

interface NodeRef {
  readonly id: string;
  readonly name: string;
}

export interface RouteLeg {
  readonly edgeId: string;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly mode: Mode;
  readonly status: string;
  readonly distanceKm: number;
  readonly distanceNm?: number;
  readonly distanceEstimated: boolean;
  readonly dwellDaysBefore: number;
  readonly transitDays: number;
  readonly departsDay: number;
  readonly arrivesDay: number;
  readonly costUsd: number;
  readonly co2eKg: number;
  readonly via: readonly string[];
}

export interface GeoFeature {
  readonly type: 'Feature';
  readonly geometry:
    | { readonly type: 'Point'; readonly coordinates: LonLat }
    | { readonly type: 'LineString'; readonly coordinates: readonly LonLat[] }
    | { readonly type: 'MultiLineString'; readonly coordinates: readonly (readonly LonLat[])[] };
  readonly properties: Readonly<Record<string, string | number | boolean>>;
}

export interface PlannedRoute {
  readonly headline: string;
  readonly stops: readonly NodeRef[];
  readonly legs: readonly RouteLeg[];
  readonly totals: {
    readonly distanceKm: number;
    readonly days: number;
    readonly costUsd: number;
    readonly co2eKg: number;
  };
  readonly notes: readonly string[];
  readonly geometry: { readonly features: readonly GeoFeature[] };
}

/** `GET /v1/routes`. */
export interface RoutePlan {
  readonly query: { readonly from: string; readonly to: string; readonly departureDate: string };
  readonly routes: readonly (PlannedRoute & { readonly corridorIds: readonly string[] })[];
  readonly truncated: boolean;
}

export type CorridorOption =
  | { corridorId: string; name: string; available: true; route: PlannedRoute }
  | { corridorId: string; name: string; available: false; reason: string };

/** `GET /v1/corridors/compare`. */
export interface CorridorComparison {
  readonly options: readonly CorridorOption[];
  readonly fastest?: string;
  readonly cheapest?: string;
  readonly lowestCo2e?: string;
}

export const MODES: readonly { mode: Mode; label: string }[] = [
  { mode: 'sea', label: 'Sea' },
  { mode: 'caspian', label: 'Caspian ferry' },
  { mode: 'rail', label: 'Rail' },
  { mode: 'road', label: 'Road' },
];

/** The lines of a route's legs (its GeoJSON features that are lines), with each leg's mode. */
export function routeLines(
  route: PlannedRoute,
): { mode: string; lines: readonly (readonly LonLat[])[] }[] {
  return route.geometry.features.flatMap((feature) => {
    const geometry = feature.geometry;
    const mode = String(feature.properties['mode'] ?? '');
    if (geometry.type === 'LineString') return [{ mode, lines: [geometry.coordinates] }];
    if (geometry.type === 'MultiLineString') return [{ mode, lines: geometry.coordinates }];
    return [];
  });
}
