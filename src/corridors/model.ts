/**
 * The vocabulary of the corridor network: what a node, an edge, a season and a sea lane are.
 * Distances, days, costs and CO2 are indicative planning figures, so they are plain floats
 * (unlike ledger money, which is exact bigint minor units).
 */

/** Transport modes. `caspian` is the Caspian crossing (ro-ro, rail ferry, feeder), kept apart from deep-sea. */
export type Mode = 'sea' | 'caspian' | 'rail' | 'road';
export const allModes: readonly Mode[] = ['sea', 'caspian', 'rail', 'road'];

/** A link is either open for freight today or still being built; the planner never uses the latter. */
export type LinkStatus = 'operational' | 'under-construction';

export type Month = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;

/** [longitude, latitude] in degrees, the GeoJSON order. */
export type LonLat = readonly [number, number];

export type NodeKind = 'port' | 'hub' | 'border' | 'inland-terminal';

/** The sea a port lies on, as far as the corridors care (tags such as `cvmc` and `black-sea` use it). */
export type Water =
  | 'arabian-sea'
  | 'bay-of-bengal'
  | 'gulf'
  | 'red-sea'
  | 'baltic'
  | 'north-sea'
  | 'barents'
  | 'black-sea'
  | 'mediterranean'
  | 'east-asia'
  | 'russian-pacific'
  | 'caspian';

/** Track gauges met on these corridors: Iran's standard gauge and the former Soviet broad gauge. */
export type GaugeMm = 1435 | 1520 | 1676;

/** Time and money spent when cargo passes through a node (transshipment, border, gauge change). */
export interface NodeDwell {
  readonly days: number;
  readonly costUsdPerTeu: number;
  readonly reason: string;
}

export interface NodeSpec {
  /** Stable id: the UN/LOCODE where the place has one we could confirm, otherwise a kebab-case slug. */
  readonly id: string;
  readonly name: string;
  readonly locode?: string;
  readonly kind: NodeKind;
  /** ISO 3166-1 alpha-2; a border crossing belongs to both countries. */
  readonly countries: readonly string[];
  readonly at: LonLat;
  readonly aliases?: readonly string[];
  /**
   * Ports only: the sea the port lies on. Every port is snapped to the sea network; a Caspian port
   * only to the Caspian's lanes, the others only to the oceans'.
   */
  readonly water?: Water;
  readonly dwell: NodeDwell;
  readonly gaugeBreak?: {
    readonly fromMm: GaugeMm;
    readonly toMm: GaugeMm;
    readonly method: string;
  };
  readonly sourceIds: readonly string[];
}

/**
 * When a seasonal link can be used. `openMonths` lists the months in which it is navigable at all;
 * in `iceClassMonths` it is navigable only for an ice-class ship or with icebreaker escort, which the
 * shipper must ask for (`iceClass`). In `convoyMonths` icebreakers escort every ship as a routine
 * service (the Volga–Caspian channel), so the link stays open but takes `convoyExtraDays` longer.
 */
export interface Season {
  readonly openMonths: readonly Month[];
  readonly iceClassMonths: readonly Month[];
  readonly convoyMonths?: readonly Month[];
  readonly convoyExtraDays?: number;
  readonly note: string;
}

export interface EdgeSpec {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly mode: Mode;
  /** Published distance; sea and Caspian voyages carry the length measured on the sea network. */
  readonly distanceKm?: number;
  /** Land edges: intermediate points, only to draw the line on a map. */
  readonly drawVia?: readonly LonLat[];
  /** Overrides the mode's default speed where the line is known to be faster or slower. */
  readonly speedKmPerDay?: number;
  /** Extra days on the leg itself, e.g. a sea service that transships at a hub on the way. */
  readonly extraDays?: number;
  readonly status: LinkStatus;
  readonly season?: Season;
  readonly gaugeMm?: GaugeMm;
  /** Corridor markers used by the corridor comparison (e.g. `instc-west`, `nsr`, `cvmc`). */
  readonly tags?: readonly string[];
  readonly note?: string;
  readonly sourceIds: readonly string[];
}

/**
 * A named passage of the sea network (a strait, a canal, a cape): it can be avoided by name, and a
 * season or the Red Sea switch can close it. `countries` lists only the states whose own waters the
 * passage is (a canal, a strait inside territorial seas), so that avoiding a country avoids them too.
 */
export interface Passage {
  readonly id: string;
  readonly name: string;
  readonly at: LonLat;
  readonly countries: readonly string[];
  readonly aliases?: readonly string[];
  /** Passages that are avoided together by the group's name (the NSR's segments: `nsr`). */
  readonly group?: string;
}

/**
 * A sea service between two ports, laid over the voyages the sea network computes: corridor tags
 * and sources. Every pair listed is drawn on the network map.
 */
export interface SeaService {
  readonly from: string;
  readonly to: string;
  readonly tags?: readonly string[];
  readonly sourceIds?: readonly string[];
}

/**
 * What every voyage between a port on one side's waters and a port on the other's takes besides
 * sailing: calls or a transshipment on the way (`extraDays`), with a note and sources.
 */
export interface SeaServiceRule {
  readonly between: readonly [readonly Water[], readonly Water[]];
  readonly extraDays: number;
  /** Where the service transships on the way, named in the route's headline. */
  readonly transshipsAt?: string;
  readonly note: string;
  readonly sourceIds?: readonly string[];
}

export interface SourceRef {
  readonly title: string;
  readonly url?: string;
  /** What the source backs: which figure, and any caveat. */
  readonly backs: string;
}
