import type { LonLat } from './model.js';

/** Mean Earth radius (IUGG), the same radius the reference distances were computed with. */
export const earthRadiusKm = 6371.0088;
/** The international nautical mile is exactly 1,852 m. */
export const kmPerNauticalMile = 1.852;

const radiansPerDegree = Math.PI / 180;

/** Great-circle distance between two points, in km (haversine; accurate enough for planning). */
export function haversineKm(a: LonLat, b: LonLat): number {
  const lat1 = a[1] * radiansPerDegree;
  const lat2 = b[1] * radiansPerDegree;
  const dLat = lat2 - lat1;
  const dLon = (b[0] - a[0]) * radiansPerDegree;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Length of a polyline as a sum of great-circle segments, in km. */
export function polylineKm(points: readonly LonLat[]): number {
  let totalKm = 0;
  for (let i = 1; i < points.length; i++) totalKm += haversineKm(points[i - 1]!, points[i]!);
  return totalKm;
}

export function kmToNauticalMiles(distanceKm: number): number {
  return distanceKm / kmPerNauticalMile;
}

/**
 * Splits a line where it crosses the antimeridian so that map libraries draw it the short way
 * (RFC 7946 §3.1.9). Returns one or more parts; the crossing point is interpolated on each side.
 */
export function splitAtAntimeridian(points: readonly LonLat[]): LonLat[][] {
  const parts: LonLat[][] = [];
  let current: LonLat[] = [];
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    const previous = points[i - 1];
    if (previous !== undefined && Math.abs(point[0] - previous[0]) > 180) {
      const sign = previous[0] > 0 ? 1 : -1;
      const shiftedLon = point[0] + 360 * sign;
      const fraction = (180 * sign - previous[0]) / (shiftedLon - previous[0]);
      const crossingLat = previous[1] + fraction * (point[1] - previous[1]);
      current.push([180 * sign, crossingLat]);
      parts.push(current);
      current = [[-180 * sign, crossingLat]];
    }
    current.push(point);
  }
  parts.push(current);
  return parts;
}
