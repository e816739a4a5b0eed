import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  MODES,
  routeLines,
  type LonLat,
  type Network,
  type NetworkLink,
  type NetworkNode,
  type PlannedRoute,
} from './corridors.ts';
// Types only: the module itself (d3-geo, topojson-client and the atlas) is loaded with import()
// below, into a chunk of its own, when the Corridors page first draws a map.
import type * as World from './map/world.ts';

type WorldModule = typeof World;
type Loaded = { state: 'loading' } | { state: 'ok'; world: WorldModule } | { state: 'failed' };

let cached: Promise<WorldModule> | undefined;

/** Loads the map module once per page load; the browser caches the chunk (immutable). */
function useWorld(): Loaded {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    cached ??= import('./map/world.ts');
    cached.then(
      (world) => live && setLoaded({ state: 'ok', world }),
      () => {
        cached = undefined;
        if (live) setLoaded({ state: 'failed' });
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return loaded;
}

const WIDTH = 960;
const HEIGHT = 600;
/** Places named on the map even without a route through them. */
const LABELLED = new Set([
  'INNSA',
  'INMAA',
  'IRBND',
  'IRTHR',
  'RUMOW',
  'RULED',
  'RUVVO',
  'RUMMK',
  'RUASF',
  'RUNVS',
  'AZBAK',
  'NLRTM',
  'CNSHA',
]);

function linkClass(link: NetworkLink): string {
  const season = link.season?.state ?? 'open';
  return `link mode-${link.mode} status-${link.status} season-${season}`;
}

function linkTitle(link: NetworkLink, names: ReadonlyMap<string, string>): string {
  const from = names.get(link.from) ?? link.from;
  const to = names.get(link.to) ?? link.to;
  const distance = `${link.distanceEstimated ? '~' : ''}${link.distanceKm.toLocaleString('en')} km`;
  const status = link.status === 'operational' ? '' : ` — ${link.status.replace('-', ' ')}`;
  const season =
    link.season === undefined ? '' : ` — ${seasonWords(link.season.state)}: ${link.season.note}`;
  return `${from} – ${to}, ${link.mode}, ${distance}${status}${season}`;
}

export function seasonWords(state: string): string {
  switch (state) {
    case 'closed':
      return 'closed on this date';
    case 'ice-class':
      return 'open to ice-class ships or with escort';
    case 'convoy':
      return 'open, icebreaker convoys';
    default:
      return 'open';
  }
}

function NodeMark({ node, x, y }: { node: NetworkNode; x: number; y: number }) {
  const title = <title>{`${node.name} (${node.id}) — ${node.kind.replace('-', ' ')}`}</title>;
  const common = { class: `node kind-${node.kind}`, 'data-node': node.id };
  switch (node.kind) {
    case 'port':
      return (
        <circle {...common} cx={x} cy={y} r={4.5}>
          {title}
        </circle>
      );
    case 'border':
      return (
        <path {...common} d={`M${x} ${y - 5.5}L${x + 5.5} ${y}L${x} ${y + 5.5}L${x - 5.5} ${y}Z`}>
          {title}
        </path>
      );
    default:
      return (
        <rect {...common} x={x - 4} y={y - 4} width={8} height={8}>
          {title}
        </rect>
      );
  }
}

/**
 * The network on a world map: countries, every link coloured by mode (dashed when under
 * construction, grey when its season is closed on the planned date), the places, and a route
 * drawn over them when one is shown.
 */
export function CorridorMap(props: {
  network: Network;
  route: PlannedRoute | undefined;
  routeLabel: string | undefined;
}) {
  const loaded = useWorld();
  const { network, route } = props;
  const map = useMemo(
    () =>
      loaded.state === 'ok'
        ? loaded.world.projectMap(
            WIDTH,
            HEIGHT,
            network.links.flatMap((link) => link.lines),
          )
        : undefined,
    [loaded, network],
  );
  if (loaded.state === 'failed')
    return <p class="notice">The map could not be loaded; the tables below still work.</p>;
  if (map === undefined)
    return (
      <p class="map-loading" aria-busy="true">
        Loading the map…
      </p>
    );
  const names = new Map(network.nodes.map((node) => [node.id, node.name]));
  // Named: the main places, and the ends of the route shown (its other stops carry a title).
  const stops = new Set(route?.stops.map((stop) => stop.id) ?? []);
  const ends = new Set(
    route === undefined ? [] : [route.stops[0]?.id, route.stops[route.stops.length - 1]?.id],
  );
  const place = (at: LonLat) => map.point(at);
  // Seasonal links are drawn last so that a closed one is seen over the lanes it shares.
  const links = [...network.links].sort(
    (a, b) => Number(a.season !== undefined) - Number(b.season !== undefined),
  );
  return (
    <figure class="corridor-map">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="map-title map-desc"
        data-testid="corridor-map"
      >
        <title id="map-title">Map of the India–Russia freight network</title>
        <desc id="map-desc">
          {`${network.nodes.length} places and ${network.links.length} links, coloured by mode, on ${network.date}.`}
          {props.routeLabel === undefined ? '' : ` Shown: ${props.routeLabel}.`}
        </desc>
        <path class="sphere" d={map.sphere} />
        <path class="graticule" d={map.graticule} />
        <g class="countries" data-testid="map-countries">
          {map.countries.map((country) => (
            <path key={country.id + country.name} class="country" d={country.d}>
              <title>{country.name}</title>
            </path>
          ))}
        </g>
        <g class="links" data-testid="map-links">
          {links.map((link) => (
            <path
              key={link.id}
              class={linkClass(link)}
              d={map.line(link.lines)}
              data-link={link.id}
            >
              <title>{linkTitle(link, names)}</title>
            </path>
          ))}
        </g>
        {route === undefined ? null : (
          <g class="route" data-testid="route-on-map" data-route={route.headline}>
            {routeLines(route).map((leg, i) => (
              <path key={`halo-${i}`} class="route-halo" d={map.line(leg.lines)} />
            ))}
            {routeLines(route).map((leg, i) => (
              <path key={`leg-${i}`} class={`route-leg mode-${leg.mode}`} d={map.line(leg.lines)} />
            ))}
          </g>
        )}
        <g class="nodes" data-testid="map-nodes">
          {network.nodes.map((node) => {
            const xy = place(node.at);
            return xy === undefined ? null : (
              <NodeMark key={node.id} node={node} x={xy[0]} y={xy[1]} />
            );
          })}
        </g>
        <g class="labels" aria-hidden="true">
          {network.nodes
            .filter((node) => LABELLED.has(node.id) || ends.has(node.id))
            .map((node) => {
              const xy = place(node.at);
              return xy === undefined ? null : (
                <text
                  key={node.id}
                  class={stops.has(node.id) ? 'label on-route' : 'label'}
                  x={xy[0] + 7}
                  y={xy[1] - 6}
                >
                  {node.name.replace(/ \(.*\)$/, '')}
                </text>
              );
            })}
        </g>
      </svg>
      <figcaption>
        <ul class="legend">
          {MODES.map(({ mode, label }) => (
            <li key={mode}>
              <svg viewBox="0 0 30 10" aria-hidden="true">
                <path class={`link mode-${mode}`} d="M1 5H29" />
              </svg>
              {label}
            </li>
          ))}
          <li>
            <svg viewBox="0 0 30 10" aria-hidden="true">
              <path class="link mode-rail status-under-construction" d="M1 5H29" />
            </svg>
            Under construction (never planned)
          </li>
          <li>
            <svg viewBox="0 0 30 10" aria-hidden="true">
              <path class="link mode-sea season-ice-class" d="M1 5H29" />
            </svg>
            Ice class or escort only
          </li>
          <li>
            <svg viewBox="0 0 30 10" aria-hidden="true">
              <path class="link mode-sea season-closed" d="M1 5H29" />
            </svg>
            Out of season on {network.date}
          </li>
          <li>
            <svg viewBox="0 0 30 10" aria-hidden="true">
              <path class="route-halo" d="M1 5H29" />
              <path class="route-leg mode-sea" d="M1 5H29" />
            </svg>
            Route shown
          </li>
          <li>
            <svg viewBox="0 0 40 12" aria-hidden="true">
              <circle class="node kind-port" cx="5" cy="6" r="4" />
              <rect class="node kind-hub" x="16" y="2" width="8" height="8" />
              <path class="node kind-border" d="M35 1L40 6L35 11L30 6Z" />
            </svg>
            Port, hub, border crossing
          </li>
        </ul>
        <p class="attribution">
          Country shapes: Natural Earth 1:110m via the world-atlas package (ISC), drawn in the
          browser with d3-geo.
        </p>
      </figcaption>
    </figure>
  );
}
