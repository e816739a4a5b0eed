import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from '../api.ts';
import { CorridorMap, seasonWords } from '../corridor-map.tsx';
import {
  MODES,
  type CorridorComparison,
  type Mode,
  type Network,
  type PlannedRoute,
  type RoutePlan,
} from '../corridors.ts';
import { useApi } from '../use-api.ts';

/** The planner form, as typed; `GET /v1/routes` and `/v1/corridors/compare` read it (docs/corridors.md). */
interface Query {
  from: string;
  to: string;
  date: string;
  by: 'time' | 'cost' | 'co2' | 'mix';
  modes: readonly Mode[];
  avoid: string;
  iceClass: boolean;
  container: string;
  alternatives: number;
  valueOfTime: string;
  carbonPrice: string;
}

const CONTAINERS = [
  ['20dv', "20' dry"],
  ['40dv', "40' dry"],
  ['40hc', "40' high cube"],
  ['20rf', "20' reefer"],
  ['40rf', "40' reefer"],
] as const;
const OBJECTIVES = [
  ['time', 'fastest'],
  ['cost', 'cheapest'],
  ['co2', 'lowest CO2e'],
  ['mix', 'generalised cost (mix)'],
] as const;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

const INITIAL: Query = {
  from: 'Nhava Sheva',
  to: 'Moscow',
  date: today(),
  by: 'time',
  modes: MODES.map(({ mode }) => mode),
  avoid: '',
  iceClass: false,
  container: '20dv',
  alternatives: 3,
  valueOfTime: '',
  carbonPrice: '',
};

/** The query string both planner routes take; `alternatives` only for `/routes`. */
function params(query: Query, alternatives: boolean): string {
  const search = new URLSearchParams({ from: query.from.trim(), to: query.to.trim() });
  search.set('date', query.date);
  search.set('by', query.by);
  if (query.modes.length !== MODES.length) search.set('modes', query.modes.join(','));
  if (query.avoid.trim() !== '') search.set('avoid', query.avoid.trim());
  if (query.iceClass) search.set('iceClass', 'true');
  search.set('container', query.container);
  if (query.by === 'mix' && query.valueOfTime.trim() !== '')
    search.set('valueOfTime', query.valueOfTime.trim());
  if (query.by === 'mix' && query.carbonPrice.trim() !== '')
    search.set('carbonPrice', query.carbonPrice.trim());
  if (alternatives) search.set('alternatives', String(query.alternatives));
  return search.toString();
}

type Answer<T> =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ok'; path: string; value: T }
  | { state: 'failed'; path: string; message: string; code: string };

/** GETs a planner path; a refusal keeps the API's own words (its problem document's detail). */
function usePlanner<T>(path: string | undefined): Answer<T> {
  const [answer, setAnswer] = useState<Answer<T>>({ state: 'idle' });
  useEffect(() => {
    if (path === undefined) return;
    const abort = new AbortController();
    setAnswer({ state: 'loading' });
    getJson<T>(path, abort.signal).then(
      (value) => setAnswer({ state: 'ok', path, value }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setAnswer(
          error instanceof ApiError
            ? {
                state: 'failed',
                path,
                message: error.detail,
                code: `${error.status} ${error.code}`,
              }
            : { state: 'failed', path, message: String(error), code: 'network' },
        );
      },
    );
    return () => abort.abort();
  }, [path]);
  return answer;
}

const km = (value: number) => `${Math.round(value).toLocaleString('en')} km`;
const usd = (value: number) => `US$ ${Math.round(value).toLocaleString('en')}`;
const days = (value: number) => `${value.toFixed(1)} d`;
const kg = (value: number) => `${Math.round(value).toLocaleString('en')} kg`;

function PlannerForm(props: {
  network: Network | undefined;
  initial: Query;
  onPlan: (query: Query) => void;
}) {
  const [query, setQuery] = useState<Query>(props.initial);
  const set = <K extends keyof Query>(key: K, value: Query[K]) =>
    setQuery((previous) => ({ ...previous, [key]: value }));
  const toggleMode = (mode: Mode, on: boolean) =>
    set(
      'modes',
      MODES.map((entry) => entry.mode).filter((m) => (m === mode ? on : query.modes.includes(m))),
    );
  return (
    <form
      class="planner panel"
      aria-labelledby="planner-title"
      onSubmit={(event) => {
        event.preventDefault();
        props.onPlan(query);
      }}
    >
      <h2 id="planner-title">Plan a route</h2>
      <datalist id="places">
        {props.network?.nodes.map((node) => (
          <option key={node.id} value={node.id}>
            {node.name}
          </option>
        ))}
      </datalist>
      <div class="form-grid">
        <label>
          From
          <input
            name="from"
            list="places"
            required
            value={query.from}
            onInput={(event) => set('from', event.currentTarget.value)}
          />
        </label>
        <label>
          To
          <input
            name="to"
            list="places"
            required
            value={query.to}
            onInput={(event) => set('to', event.currentTarget.value)}
          />
        </label>
        <label>
          Departure
          <input
            name="date"
            type="date"
            required
            value={query.date}
            onInput={(event) => set('date', event.currentTarget.value)}
          />
        </label>
        <label>
          Best by
          <select
            name="by"
            value={query.by}
            onChange={(event) => set('by', event.currentTarget.value as Query['by'])}
          >
            {OBJECTIVES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Container
          <select
            name="container"
            value={query.container}
            onChange={(event) => set('container', event.currentTarget.value)}
          >
            {CONTAINERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Routes
          <input
            name="alternatives"
            type="number"
            min={1}
            max={5}
            value={query.alternatives}
            onInput={(event) => set('alternatives', Number(event.currentTarget.value) || 1)}
          />
        </label>
        <label class="wide">
          Avoid (places, country codes, straits; comma-separated)
          <input
            name="avoid"
            placeholder="e.g. suez, IR, hormuz"
            value={query.avoid}
            onInput={(event) => set('avoid', event.currentTarget.value)}
          />
        </label>
        {query.by === 'mix' ? (
          <>
            <label>
              Value of time (US$ per TEU-day)
              <input
                name="valueOfTime"
                inputMode="decimal"
                placeholder="50"
                value={query.valueOfTime}
                onInput={(event) => set('valueOfTime', event.currentTarget.value)}
              />
            </label>
            <label>
              Carbon price (US$ per t CO2e)
              <input
                name="carbonPrice"
                inputMode="decimal"
                placeholder="100"
                value={query.carbonPrice}
                onInput={(event) => set('carbonPrice', event.currentTarget.value)}
              />
            </label>
          </>
        ) : null}
      </div>
      <fieldset>
        <legend>Modes</legend>
        {MODES.map(({ mode, label }) => (
          <label key={mode} class="check">
            <input
              type="checkbox"
              name="modes"
              value={mode}
              checked={query.modes.includes(mode)}
              onChange={(event) => toggleMode(mode, event.currentTarget.checked)}
            />
            {label}
          </label>
        ))}
        <label class="check">
          <input
            type="checkbox"
            name="iceClass"
            checked={query.iceClass}
            onChange={(event) => set('iceClass', event.currentTarget.checked)}
          />
          Ice-class ship or escort (Northern Sea Route)
        </label>
      </fieldset>
      <div class="buttons">
        <button type="submit" class="primary">
          Plan route
        </button>
      </div>
    </form>
  );
}

function Legs({ route }: { route: PlannedRoute }) {
  return (
    <div class="scroll">
      <table>
        <caption>Legs</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Mode</th>
            <th scope="col" class="num">
              Distance
            </th>
            <th scope="col" class="num">
              Dwell before
            </th>
            <th scope="col" class="num">
              Transit
            </th>
            <th scope="col" class="num">
              Arrives (day)
            </th>
            <th scope="col" class="num">
              Cost
            </th>
            <th scope="col" class="num">
              CO2e
            </th>
            <th scope="col">Via</th>
          </tr>
        </thead>
        <tbody>
          {route.legs.map((leg) => (
            <tr key={leg.edgeId}>
              <td>{leg.from.name}</td>
              <td>{leg.to.name}</td>
              <td>
                <span class={`mode-chip mode-${leg.mode}`}>{leg.mode}</span>
              </td>
              <td class="num">
                {leg.distanceEstimated ? '~' : ''}
                {km(leg.distanceKm)}
                {leg.distanceNm === undefined ? '' : ` (${leg.distanceNm.toLocaleString('en')} nm)`}
              </td>
              <td class="num">{days(leg.dwellDaysBefore)}</td>
              <td class="num">{days(leg.transitDays)}</td>
              <td class="num">{leg.arrivesDay.toFixed(1)}</td>
              <td class="num">{usd(leg.costUsd)}</td>
              <td class="num">{kg(leg.co2eKg)}</td>
              <td>{leg.via.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Totals({ route }: { route: PlannedRoute }) {
  return (
    <dl class="totals">
      <div>
        <dt>Distance</dt>
        <dd>{km(route.totals.distanceKm)}</dd>
      </div>
      <div>
        <dt>Door to door</dt>
        <dd>{days(route.totals.days)}</dd>
      </div>
      <div>
        <dt>Cost per container</dt>
        <dd>{usd(route.totals.costUsd)}</dd>
      </div>
      <div>
        <dt>CO2e (well to wheel)</dt>
        <dd>{kg(route.totals.co2eKg)}</dd>
      </div>
    </dl>
  );
}

type Shown = { kind: 'route'; index: number } | { kind: 'corridor'; id: string };

function Comparison(props: {
  comparison: CorridorComparison;
  shown: Shown;
  onShow: (id: string) => void;
}) {
  const { comparison } = props;
  const best = (id: string) =>
    [
      comparison.fastest === id ? 'fastest' : undefined,
      comparison.cheapest === id ? 'cheapest' : undefined,
      comparison.lowestCo2e === id ? 'lowest CO2e' : undefined,
    ].filter((word) => word !== undefined);
  return (
    <div class="scroll">
      <table data-testid="comparison">
        <caption>
          The best route through each corridor, by the same measure, date and constraints
        </caption>
        <thead>
          <tr>
            <th scope="col">Corridor</th>
            <th scope="col">Route</th>
            <th scope="col" class="num">
              Distance
            </th>
            <th scope="col" class="num">
              Days
            </th>
            <th scope="col" class="num">
              Cost
            </th>
            <th scope="col" class="num">
              CO2e
            </th>
            <th scope="col">Map</th>
          </tr>
        </thead>
        <tbody>
          {comparison.options.map((option) => (
            <tr key={option.corridorId} class={option.available ? '' : 'unavailable'}>
              <th scope="row">
                {option.name}
                {best(option.corridorId).map((word) => (
                  <span key={word} class="badge">
                    {word}
                  </span>
                ))}
              </th>
              {option.available ? (
                <>
                  <td>{option.route.headline}</td>
                  <td class="num">{km(option.route.totals.distanceKm)}</td>
                  <td class="num">{days(option.route.totals.days)}</td>
                  <td class="num">{usd(option.route.totals.costUsd)}</td>
                  <td class="num">{kg(option.route.totals.co2eKg)}</td>
                  <td>
                    <button
                      type="button"
                      aria-pressed={
                        props.shown.kind === 'corridor' && props.shown.id === option.corridorId
                      }
                      onClick={() => props.onShow(option.corridorId)}
                      aria-label={`Show ${option.name} on the map`}
                    >
                      Show
                    </button>
                  </td>
                </>
              ) : (
                <td colSpan={6} class="reason">
                  Not available: {option.reason}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Seasons({ network }: { network: Network }) {
  const seasonal = network.links.filter((link) => link.season !== undefined);
  if (seasonal.length === 0) return null;
  const names = new Map(network.nodes.map((node) => [node.id, node.name]));
  return (
    <ul class="seasons" data-testid="seasons">
      {seasonal.map((link) => (
        <li key={link.id} class={`season-${link.season!.state}`}>
          <strong>
            {names.get(link.from) ?? link.from} – {names.get(link.to) ?? link.to}
          </strong>{' '}
          on {network.date}: {seasonWords(link.season!.state)}. {link.season!.note}.
        </li>
      ))}
    </ul>
  );
}

export function Corridors() {
  const [query, setQuery] = useState<Query>(INITIAL);
  const [shown, setShown] = useState<Shown>({ kind: 'route', index: 0 });
  const network = useApi<Network>(
    `/corridors/network?date=${encodeURIComponent(query.date)}`,
    'the corridor network',
  );
  const planPath = `/routes?${params(query, true)}`;
  const plan = usePlanner<RoutePlan>(planPath);
  const comparison = usePlanner<CorridorComparison>(`/corridors/compare?${params(query, false)}`);
  const shownRoute: PlannedRoute | undefined =
    shown.kind === 'route'
      ? plan.state === 'ok'
        ? plan.value.routes[shown.index]
        : undefined
      : comparison.state === 'ok'
        ? comparison.value.options.flatMap((option) =>
            option.available && option.corridorId === shown.id ? [option.route] : [],
          )[0]
        : undefined;
  const shownLabel =
    shownRoute === undefined
      ? undefined
      : shown.kind === 'route'
        ? `route ${shown.index + 1}: ${shownRoute.headline}`
        : `${comparison.state === 'ok' ? (comparison.value.options.find((option) => option.corridorId === shown.id)?.name ?? shown.id) : shown.id}: ${shownRoute.headline}`;
  return (
    <section>
      <h1>Corridors</h1>
      <p class="lede">
        The freight network between India and Russia, by sea, rail, road and across the Caspian; the
        planner finds the best routes under your constraints and compares the corridors. Figures are
        indicative, per container (docs/corridors.md says where each comes from).
      </p>
      {network.state === 'failed' ? <p class="notice">{network.message}</p> : null}
      <div class="corridors-layout">
        <div class="map-column">
          {network.state === 'ok' ? (
            <CorridorMap network={network.value} route={shownRoute} routeLabel={shownLabel} />
          ) : network.state === 'loading' ? (
            <p aria-busy="true">Loading the network…</p>
          ) : null}
          {shownLabel === undefined ? null : (
            <p class="shown" data-testid="shown-route">
              On the map: {shownLabel}
            </p>
          )}
          {network.state === 'ok' ? <Seasons network={network.value} /> : null}
        </div>
        <PlannerForm
          network={network.state === 'ok' ? network.value : undefined}
          initial={query}
          onPlan={(next) => {
            setQuery(next);
            setShown({ kind: 'route', index: 0 });
          }}
        />
      </div>
      <h2>Routes</h2>
      <div
        aria-live="polite"
        data-testid="routes"
        data-query={planPath}
        data-ready={(plan.state === 'ok' || plan.state === 'failed') && plan.path === planPath}
      >
        {plan.state === 'loading' ? <p aria-busy="true">Planning…</p> : null}
        {plan.state === 'failed' ? (
          <p class="error" role="alert" data-testid="plan-error">
            {plan.message} <span class="code">({plan.code})</span>
          </p>
        ) : null}
        {plan.state === 'ok'
          ? plan.value.routes.map((route, index) => (
              <article class="panel route" key={route.headline + index}>
                <h3>
                  Route {index + 1} of {plan.value.routes.length}: {route.headline}
                </h3>
                <Totals route={route} />
                {route.notes.length === 0 ? null : (
                  <ul class="notes">
                    {route.notes.map((note) => (
                      <li key={note}>{note}</li>
                    ))}
                  </ul>
                )}
                <button
                  type="button"
                  aria-pressed={shown.kind === 'route' && shown.index === index}
                  onClick={() => setShown({ kind: 'route', index })}
                >
                  Show route {index + 1} on the map
                </button>
                <Legs route={route} />
              </article>
            ))
          : null}
      </div>
      <h2>Corridor comparison</h2>
      {comparison.state === 'loading' ? <p aria-busy="true">Comparing corridors…</p> : null}
      {comparison.state === 'failed' ? (
        <p class="error" role="alert">
          {comparison.message} <span class="code">({comparison.code})</span>
        </p>
      ) : null}
      {comparison.state === 'ok' ? (
        <Comparison
          comparison={comparison.value}
          shown={shown}
          onShow={(id) => setShown({ kind: 'corridor', id })}
        />
      ) : null}
    </section>
  );
}
