// The Corridors page's world map, drawn offline: country shapes from the world-atlas package
// (Natural Earth 1:110m as TopoJSON, ISC), turned into GeoJSON by topojson-client and projected by
// d3-geo into SVG path strings. The page loads this module with import(), so esbuild puts it, the
// atlas and d3-geo in a chunk of their own that no other page fetches.
import { geoConicConformal, geoGraticule10, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json';

/** [longitude, latitude] in degrees. */
export type LonLat = readonly [number, number];

export interface ProjectedMap {
  readonly width: number;
  readonly height: number;
  /** One path per country (Natural Earth's name and ISO 3166 numeric id). */
  readonly countries: readonly { readonly id: string; readonly name: string; readonly d: string }[];
  /** The sphere's outline and a 10° graticule, clipped to the frame. */
  readonly sphere: string;
  readonly graticule: string;
  /** A path through lines of [lon, lat] points, drawn along great circles. */
  readonly line: (lines: readonly (readonly LonLat[])[]) => string;
  /** Where a place falls in the frame; undefined when it is outside it. */
  readonly point: (at: LonLat) => readonly [number, number] | undefined;
}

type CountryProperties = { name?: string };
const topology = atlas as unknown as Topology<{
  countries: GeometryCollection<CountryProperties>;
}>;
const countries = feature(topology, topology.objects.countries);

/**
 * A conformal conic projection centred on the India–Russia corridors (standard parallels 20° and
 * 60° N, central meridian 80° E), fitted so that every line in `fit` fills a `width` × `height`
 * frame with `margin` pixels around it; the countries are clipped to the frame.
 */
export function projectMap(
  width: number,
  height: number,
  fit: readonly (readonly LonLat[])[],
  margin = 16,
): ProjectedMap {
  const projection = geoConicConformal().parallels([20, 60]).rotate([-80, 0]);
  const extent: [[number, number], [number, number]] = [
    [margin, margin],
    [width - margin, height - margin],
  ];
  projection.fitExtent(extent, multiLine(fit));
  projection.clipExtent([
    [0, 0],
    [width, height],
  ]);
  const path = geoPath(projection);
  return {
    width,
    height,
    countries: countries.features.map((country) => ({
      id: String(country.id ?? ''),
      name: country.properties.name ?? '',
      d: path(country) ?? '',
    })),
    sphere: path({ type: 'Sphere' }) ?? '',
    graticule: path(geoGraticule10()) ?? '',
    line: (lines) => path(multiLine(lines)) ?? '',
    point: (at) => {
      const xy = projection([at[0], at[1]]);
      if (xy === null) return undefined;
      const [x, y] = xy;
      return x < 0 || y < 0 || x > width || y > height ? undefined : [x, y];
    },
  };
}

function multiLine(lines: readonly (readonly LonLat[])[]) {
  return {
    type: 'MultiLineString' as const,
    coordinates: lines.map((line) => line.map(([lon, lat]) => [lon, lat])),
  };
}
