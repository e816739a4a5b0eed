import type { ContainerType } from './data/mode-models.js';
import { containerTypes } from './data/mode-models.js';
import type { Result } from './errors.js';
import { fail, ok } from './errors.js';
import { limits } from './limits.js';
import type { Mode } from './model.js';
import { allModes } from './model.js';
import type { Network } from './network.js';
import { corridorNetwork, lookupKey } from './network.js';

/** What a route is shortest by: days, US dollars, kg CO2e, or a generalised cost mixing all three. */
export type Objective = 'time' | 'cost' | 'co2' | 'mix';
export const objectives: readonly Objective[] = ['time', 'cost', 'co2', 'mix'];

/**
 * Whether ships may pass the Red Sea (Bab-el-Mandeb and Suez). `closed` routes Asia–Europe voyages
 * round the Cape of Good Hope, as most container services have sailed since the attacks on shipping
 * of 2024; see docs/corridors.md ("The Red Sea switch") for the default and its date.
 */
export type RedSea = 'open' | 'closed';
export const redSeaStates: readonly RedSea[] = ['open', 'closed'];
/** The default, as of 2026-12-08 (docs/corridors.md says why). */
export const redSeaDefault: RedSea = 'closed';
/** The passages the Red Sea switch closes. */
export const redSeaPassageIds: readonly string[] = ['bab-el-mandeb', 'suez'];

export interface Avoidances {
  readonly nodeIds: readonly string[];
  readonly countries: readonly string[];
  readonly chokepointIds: readonly string[];
}

/** A validated query: every name resolved to a node id, every value in range. */
export interface CompareQuery {
  readonly from: string;
  readonly to: string;
  readonly by: Objective;
  /** YYYY-MM-DD, the day the cargo leaves the origin (UTC). */
  readonly departureDate: string;
  readonly modes: readonly Mode[];
  readonly avoid: Avoidances;
  /** An ice-class ship, or icebreaker escort, may be used where the season demands it. */
  readonly iceClass: boolean;
  /** Whether voyages may pass the Red Sea (Suez and Bab-el-Mandeb). */
  readonly redSea: RedSea;
  readonly container: ContainerType;
  /** For `mix`: what a day in transit costs the shipper, per TEU. */
  readonly valueOfTimeUsdPerTeuDay: number;
  /** For `mix`: the price put on a tonne of CO2e. */
  readonly carbonPriceUsdPerTonne: number;
}

export interface RouteQuery extends CompareQuery {
  /** How many distinct routes to return, best first (1 = only the best). */
  readonly alternatives: number;
  /** Node ids the route must pass, in this order. */
  readonly via: readonly string[];
}

export interface ParseContext {
  /** The date used when the input has none (YYYY-MM-DD); the caller reads the clock, not the parser. */
  readonly today: string;
  readonly network?: Network;
}

export const queryDefaults = {
  by: 'time' as Objective,
  container: '20dv' as ContainerType,
  alternatives: 1,
  valueOfTimeUsdPerTeuDay: 50,
  carbonPriceUsdPerTonne: 100,
};

/** Parses a `/v1/routes` query or CLI options (strings or JSON values) into a `RouteQuery`. */
export function parseRouteQuery(input: unknown, context: ParseContext): Result<RouteQuery> {
  const base = parseCompareQuery(input, context);
  if (!base.ok) return base;
  const record = input as Record<string, unknown>;
  const alternatives = parseNumber(record['alternatives'], 'alternatives', {
    min: 1,
    max: limits.alternativesMax,
    integer: true,
    fallback: queryDefaults.alternatives,
  });
  if (!alternatives.ok) return alternatives;
  const via = parseVia(record['via'], context.network ?? corridorNetwork(), base.value);
  if (!via.ok) return via;
  return ok({ ...base.value, alternatives: alternatives.value, via: via.value });
}

/** Parses a `/v1/corridors/compare` query or CLI options into a `CompareQuery`. */
export function parseCompareQuery(input: unknown, context: ParseContext): Result<CompareQuery> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail(
      'invalid_type',
      'query',
      'the query must be an object with at least "from" and "to"',
    );
  }
  const record = input as Record<string, unknown>;
  const network = context.network ?? corridorNetwork();
  const from = parseNode(record['from'], 'from', network);
  if (!from.ok) return from;
  const to = parseNode(record['to'], 'to', network);
  if (!to.ok) return to;
  if (from.value === to.value)
    return fail(
      'same_origin_destination',
      'to',
      `origin and destination are the same node (${from.value})`,
    );
  const by = parseChoice(record['by'], 'by', objectives, queryDefaults.by);
  if (!by.ok) return by;
  const departureDate = parseDate(record['date'] ?? context.today, 'date');
  if (!departureDate.ok) return departureDate;
  const modes = parseModes(record['modes']);
  if (!modes.ok) return modes;
  const avoid = parseAvoid(record['avoid'], network, [from.value, to.value]);
  if (!avoid.ok) return avoid;
  const iceClass = parseBoolean(record['iceClass'], 'iceClass');
  if (!iceClass.ok) return iceClass;
  const redSea = parseChoice(record['redSea'], 'redSea', redSeaStates, redSeaDefault);
  if (!redSea.ok) return redSea;
  const container = parseChoice(
    record['container'],
    'container',
    containerTypes,
    queryDefaults.container,
  );
  if (!container.ok) return container;
  const valueOfTime = parseNumber(record['valueOfTime'], 'valueOfTime', {
    min: 0,
    max: 10_000,
    integer: false,
    fallback: queryDefaults.valueOfTimeUsdPerTeuDay,
  });
  if (!valueOfTime.ok) return valueOfTime;
  const carbonPrice = parseNumber(record['carbonPrice'], 'carbonPrice', {
    min: 0,
    max: 10_000,
    integer: false,
    fallback: queryDefaults.carbonPriceUsdPerTonne,
  });
  if (!carbonPrice.ok) return carbonPrice;
  return ok({
    from: from.value,
    to: to.value,
    by: by.value,
    departureDate: departureDate.value,
    modes: modes.value,
    avoid: avoid.value,
    iceClass: iceClass.value,
    redSea: redSea.value,
    container: container.value,
    valueOfTimeUsdPerTeuDay: valueOfTime.value,
    carbonPriceUsdPerTonne: carbonPrice.value,
  });
}

/** Resolves a LOCODE, id, name or alias (case-insensitive) to a node id. */
export function resolveNode(network: Network, text: string): string | undefined {
  const index = network.nodeIndexByKey.get(lookupKey(text));
  return index === undefined ? undefined : network.nodes[index]!.spec.id;
}

function parseNode(value: unknown, field: string, network: Network): Result<string> {
  if (value === undefined || value === null || value === '')
    return fail(
      'missing_field',
      field,
      `"${field}" is required: a UN/LOCODE such as INNSA or a name such as Moscow`,
    );
  if (typeof value !== 'string') return fail('invalid_type', field, `"${field}" must be a string`);
  if (value.length > limits.textLengthMax)
    return fail(
      'invalid_value',
      field,
      `"${field}" is longer than ${limits.textLengthMax} characters`,
    );
  const id = resolveNode(network, value);
  if (id !== undefined) return ok(id);
  const hint = suggestNodes(network, value);
  return fail('unknown_node', field, `unknown node "${value}" in "${field}"${hint}`);
}

function suggestNodes(network: Network, text: string): string {
  const prefix = lookupKey(text).slice(0, 3);
  const matches = network.nodes
    .filter((node) =>
      [node.spec.id, node.spec.name, ...(node.spec.aliases ?? [])].some((key) =>
        lookupKey(key).startsWith(prefix),
      ),
    )
    .map((node) => `${node.spec.id} (${node.spec.name})`)
    .slice(0, 5);
  return matches.length > 0
    ? `; did you mean ${matches.join(', ')}?`
    : '; see `vostro corridors nodes` for the list';
}

function parseChoice<T extends string>(
  value: unknown,
  field: string,
  choices: readonly T[],
  fallback: T,
): Result<T> {
  if (value === undefined || value === null || value === '') return ok(fallback);
  if (typeof value !== 'string')
    return fail('invalid_type', field, `"${field}" must be one of ${choices.join(', ')}`);
  const lower = value.trim().toLowerCase();
  const found = choices.find((choice) => choice === lower);
  return found === undefined
    ? fail(
        'invalid_value',
        field,
        `"${field}" must be one of ${choices.join(', ')}, not "${value}"`,
      )
    : ok(found);
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Accepts only a real calendar date written YYYY-MM-DD (2026-02-30 is refused, not rolled over). */
export function parseDate(value: unknown, field: string): Result<string> {
  if (typeof value !== 'string')
    return fail('invalid_date', field, `"${field}" must be a date written YYYY-MM-DD`);
  const match = datePattern.exec(value.trim());
  if (match === null)
    return fail(
      'invalid_date',
      field,
      `"${field}" must be a date written YYYY-MM-DD, not "${value}"`,
    );
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return fail('invalid_date', field, `"${field}" is not a calendar date: ${value}`);
  }
  if (year < limits.yearMin || year > limits.yearMax)
    return fail(
      'invalid_date',
      field,
      `"${field}" must be between ${limits.yearMin} and ${limits.yearMax}`,
    );
  return ok(value.trim());
}

/** A list given as an array of strings or as one comma-separated string. */
function parseList(value: unknown, field: string, max: number): Result<readonly string[]> {
  if (value === undefined || value === null) return ok([]);
  const items =
    typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (items === undefined || items.some((item) => typeof item !== 'string'))
    return fail(
      'invalid_type',
      field,
      `"${field}" must be a list of strings or a comma-separated string`,
    );
  const trimmed = (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
  if (trimmed.length > max)
    return fail(
      'too_many_values',
      field,
      `"${field}" has ${trimmed.length} entries; at most ${max} are allowed`,
    );
  return ok(trimmed);
}

function parseModes(value: unknown): Result<readonly Mode[]> {
  if (value === undefined || value === null || value === '') return ok(allModes);
  const list = parseList(value, 'modes', allModes.length * 2);
  if (!list.ok) return list;
  const modes = new Set<Mode>();
  for (const item of list.value) {
    const mode = allModes.find((candidate) => candidate === item.toLowerCase());
    if (mode === undefined)
      return fail(
        'invalid_value',
        'modes',
        `unknown mode "${item}" in "modes": use ${allModes.join(', ')}`,
      );
    modes.add(mode);
  }
  if (modes.size === 0)
    return fail('invalid_value', 'modes', '"modes" must name at least one mode');
  return ok([...modes]);
}

function parseAvoid(
  value: unknown,
  network: Network,
  endpointIds: readonly string[],
): Result<Avoidances> {
  const list = parseList(value, 'avoid', limits.avoidMax);
  if (!list.ok) return list;
  const nodeIds = new Set<string>();
  const countries = new Set<string>();
  const chokepointIds = new Set<string>();
  for (const item of list.value) {
    const passages = network.passagesByKey.get(lookupKey(item));
    const nodeId = passages === undefined ? resolveNode(network, item) : undefined;
    const country = item.toUpperCase();
    if (passages !== undefined) for (const passage of passages) chokepointIds.add(passage.id);
    else if (nodeId !== undefined) nodeIds.add(nodeId);
    else if (/^[A-Za-z]{2}$/.test(item) && network.countries.has(country)) countries.add(country);
    else
      return fail(
        'unknown_avoid',
        'avoid',
        `"${item}" in "avoid" is not a node, a two-letter country code in the network, or a passage (suez, bab-el-mandeb, hormuz, bosporus, malacca, cape, danish-straits, bering, nsr...)`,
      );
  }
  for (const endpointId of endpointIds) {
    const endpoint = network.nodes[network.nodeIndexByKey.get(lookupKey(endpointId))!]!.spec;
    const avoidedCountry = endpoint.countries.find((country) => countries.has(country));
    if (nodeIds.has(endpointId) || avoidedCountry !== undefined) {
      return fail(
        'endpoint_avoided',
        'avoid',
        `"avoid" excludes ${endpoint.id} (${endpoint.name}), which is the origin or the destination`,
      );
    }
  }
  return ok({
    nodeIds: [...nodeIds],
    countries: [...countries],
    chokepointIds: [...chokepointIds],
  });
}

/** `via`: places the route must pass, in order; neither an end nor avoided, none twice. */
function parseVia(
  value: unknown,
  network: Network,
  query: CompareQuery,
): Result<readonly string[]> {
  const list = parseList(value, 'via', limits.viaMax);
  if (!list.ok) return list;
  const ids: string[] = [];
  for (const item of list.value) {
    const id = parseNode(item, 'via', network);
    if (!id.ok) return id;
    const spec = network.nodes[network.nodeIndexByKey.get(lookupKey(id.value))!]!.spec;
    if (id.value === query.from || id.value === query.to)
      return fail(
        'invalid_value',
        'via',
        `"via" names ${spec.id} (${spec.name}), which is the origin or the destination`,
      );
    if (ids.includes(id.value))
      return fail('invalid_value', 'via', `"via" names ${spec.id} (${spec.name}) twice`);
    if (
      query.avoid.nodeIds.includes(id.value) ||
      spec.countries.some((country) => query.avoid.countries.includes(country))
    )
      return fail(
        'invalid_value',
        'via',
        `"via" names ${spec.id} (${spec.name}), which "avoid" excludes`,
      );
    ids.push(id.value);
  }
  return ok(ids);
}

function parseBoolean(value: unknown, field: string): Result<boolean> {
  if (value === undefined || value === null || value === '') return ok(false);
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (['true', 'yes', '1'].includes(lower)) return ok(true);
    if (['false', 'no', '0'].includes(lower)) return ok(false);
  }
  return fail('invalid_value', field, `"${field}" must be true or false`);
}

interface NumberRule {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  readonly fallback: number;
}

function parseNumber(value: unknown, field: string, rule: NumberRule): Result<number> {
  if (value === undefined || value === null || value === '') return ok(rule.fallback);
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  const kind = rule.integer ? 'an integer' : 'a number';
  if (
    !Number.isFinite(number) ||
    (rule.integer && !Number.isInteger(number)) ||
    number < rule.min ||
    number > rule.max
  ) {
    return fail(
      'invalid_value',
      field,
      `"${field}" must be ${kind} from ${rule.min} to ${rule.max}, not ${JSON.stringify(value)}`,
    );
  }
  return ok(number);
}
