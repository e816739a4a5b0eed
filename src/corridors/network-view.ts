import { corridors } from './corridors.js';
import type { Result } from './errors.js';
import { ok } from './errors.js';
import { kmToNauticalMiles, splitAtAntimeridian } from './geo.js';
import type { LinkStatus, LonLat, Mode, Month, NodeKind, Season } from './model.js';
import type { Network } from './network.js';
import { corridorNetwork } from './network.js';
import { parseDate } from './query.js';

/**
 * How a seasonal link stands in the month of a date: `open` (no season, or open that month),
 * `ice-class` (open only to an ice-class ship or with icebreaker escort), `convoy` (open, with
 * routine icebreaker convoys that add days) or `closed`.
 */
export type SeasonState = 'open' | 'ice-class' | 'convoy' | 'closed';

export interface NetworkViewNode {
  readonly id: string;
  readonly name: string;
  readonly locode?: string;
  readonly kind: NodeKind;
  readonly countries: readonly string[];
  /** [longitude, latitude]. */
  readonly at: LonLat;
  readonly aliases: readonly string[];
}

export interface NetworkViewLink {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly mode: Mode;
  readonly status: LinkStatus;
  readonly distanceKm: number;
  readonly distanceNm?: number;
  readonly distanceEstimated: boolean;
  /** Transit days outside any seasonal delay. */
  readonly baseDays: number;
  /** Present on seasonal links only: when they can be used, and how they stand on `date`. */
  readonly season?: Season & { readonly state: SeasonState };
  /** Named passages the voyage uses, by name. */
  readonly via: readonly string[];
  readonly tags: readonly string[];
  readonly note?: string;
  /** The line to draw, split at the antimeridian (GeoJSON MultiLineString coordinates). */
  readonly lines: readonly (readonly LonLat[])[];
}

/** The whole network as a map draws it: places, links with their mode, status and season. */
export interface NetworkView {
  /** The date the seasonal states are for (YYYY-MM-DD). */
  readonly date: string;
  readonly nodes: readonly NetworkViewNode[];
  readonly links: readonly NetworkViewLink[];
  readonly corridors: readonly {
    readonly id: string;
    readonly name: string;
    readonly description: string;
  }[];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** How a season stands in a month (the planner checks the months a leg is entered and left). */
export function seasonState(season: Season, month: Month): SeasonState {
  if (!season.openMonths.includes(month)) return 'closed';
  if (season.iceClassMonths.includes(month)) return 'ice-class';
  if (season.convoyMonths?.includes(month) === true) return 'convoy';
  return 'open';
}

/**
 * The network for a map, with every seasonal link's state in the month of `date` (untyped input,
 * YYYY-MM-DD, default `today`): what `GET /v1/corridors/network` answers.
 */
export function describeNetwork(
  input: { readonly date?: unknown },
  context: { readonly today: string },
  network: Network = corridorNetwork(),
): Result<NetworkView> {
  const date = parseDate(input.date ?? context.today, 'date');
  if (!date.ok) return date;
  const month = Number(date.value.slice(5, 7)) as Month;
  const nodes = network.nodes.map(({ spec }) => ({
    id: spec.id,
    name: spec.name,
    ...(spec.locode === undefined ? {} : { locode: spec.locode }),
    kind: spec.kind,
    countries: spec.countries,
    at: spec.at,
    aliases: spec.aliases ?? [],
  }));
  const links = network.edges
    .filter((edge) => edge.display)
    .map((edge): NetworkViewLink => {
      const spec = edge.spec;
      const waterborne = spec.mode === 'sea' || spec.mode === 'caspian';
      return {
        id: spec.id,
        from: network.nodes[edge.fromIndex]!.spec.id,
        to: network.nodes[edge.toIndex]!.spec.id,
        mode: spec.mode,
        status: spec.status,
        distanceKm: round(edge.distanceKm, 0),
        ...(waterborne ? { distanceNm: round(kmToNauticalMiles(edge.distanceKm), 0) } : {}),
        distanceEstimated: edge.distanceEstimated,
        baseDays: round(edge.baseDays, 1),
        ...(spec.season === undefined
          ? {}
          : { season: { ...spec.season, state: seasonState(spec.season, month) } }),
        via: edge.chokepointIds.map((id) => network.passagesById.get(id)!.name),
        tags: spec.tags ?? [],
        ...(spec.note === undefined ? {} : { note: spec.note }),
        lines: splitAtAntimeridian(edge.line),
      };
    });
  return ok({
    date: date.value,
    nodes,
    links,
    corridors: corridors.map(({ id, name, description }) => ({ id, name, description })),
  });
}
