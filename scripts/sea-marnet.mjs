// Reads the searoute-py marine network (the Eurostat "marnet" network as shipped by
// genthalili/searoute-py, Apache-2.0) from ../shared/reference into plain segments.
// Shared by build-network.mjs (the planner's compact copy) and reference.mjs (the distance check).
import { readFileSync } from 'node:fs';

export const referenceDir = process.env.VOSTRO_SEA_REFERENCE ?? '/work/shared/reference';
export const earthRadiusKm = 6371.0088;

export function haversineKm(a, b) {
  const r = Math.PI / 180;
  const dLat = (b[1] - a[1]) * r;
  const dLon = (b[0] - a[0]) * r;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Longitudes into [-180, 180), so that the copies at ±180 and beyond 180 meet. */
function normalise([lon, lat]) {
  let x = lon;
  while (x >= 180) x -= 360;
  while (x < -180) x += 360;
  return [Math.round(x * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
}

/** searoute-py's own passage names, mapped to the planner's chokepoint ids. */
const passageIds = {
  babalmandab: 'bab-el-mandeb',
  bering: 'bering',
  bosporus: 'bosporus',
  chili: 'magellan',
  dardanelles: 'dardanelles',
  gibraltar: 'gibraltar',
  malacca: 'malacca',
  ormuz: 'hormuz',
  panama: 'panama',
  south_africa: 'cape-of-good-hope',
  suez: 'suez',
  sunda: 'sunda',
};

/**
 * Passages the network does not name, recognised by where the segment lies: the Danish straits
 * (Skagerrak mouth at Skagen, Kattegat, the Belts and the Sound; not the Fehmarn Belt and Kiel Bay,
 * which ships from the Kiel Canal use). The network has no Kiel Canal; the planner adds it.
 */
const boxPassages = [{ id: 'danish-straits', lon: [9.6, 13.2], lat: [54.75, 57.9] }];
const inBox = (box, [lon, lat]) =>
  lon >= box.lon[0] && lon <= box.lon[1] && lat >= box.lat[0] && lat <= box.lat[1];

/** The Volga–Don link (Volgograd–Rostov), cut so that the Caspian stays its own sea. */
const volgaDon = { lon: [39.2, 48.0], lat: [46.6, 49.0] };

/**
 * Segments [a, b, passageId | null] with a and b as normalised [lon, lat]. The Northwest Passage is
 * left out, as searoute-py leaves it out by default (its `restrictions=['northwest']`).
 */
export function readMarnetSegments() {
  const geojson = JSON.parse(readFileSync(`${referenceDir}/searoute-py-marnet.geojson`, 'utf8'));
  const segments = [];
  for (const feature of geojson.features) {
    const passage = feature.properties?.passage ?? null;
    if (passage === 'northwest') continue;
    const lines =
      feature.geometry.type === 'LineString'
        ? [feature.geometry.coordinates]
        : feature.geometry.coordinates;
    for (const line of lines) {
      for (let i = 1; i < line.length; i++) {
        const a = normalise(line[i - 1]);
        const b = normalise(line[i]);
        if (a[0] === b[0] && a[1] === b[1]) continue;
        if (inBox(volgaDon, a) || inBox(volgaDon, b)) continue;
        let id = passage === null ? null : (passageIds[passage] ?? null);
        if (id === null) id = boxPassages.find((box) => inBox(box, a) && inBox(box, b))?.id ?? null;
        // Round Africa: every lane south of the continent crosses 20° E (Cape Agulhas).
        if (id === null && a[1] < -34 && b[1] < -34 && (a[0] - 20) * (b[0] - 20) <= 0)
          id = 'cape-of-good-hope';
        segments.push([a, b, id]);
      }
    }
  }
  return segments;
}

/** Ports by UN/LOCODE from searoute-py's port list: { name, at: [lon, lat] }. */
export function readPorts() {
  const geojson = JSON.parse(readFileSync(`${referenceDir}/searoute-py-ports.geojson`, 'utf8'));
  const ports = new Map();
  for (const feature of geojson.features) {
    const code = feature.properties.port;
    if (!ports.has(code))
      ports.set(code, { name: feature.properties.name, at: feature.geometry.coordinates });
  }
  return ports;
}
