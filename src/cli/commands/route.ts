import Table from 'cli-table3';
import type { RouteOption, RoutePlan, RoutingError } from '../../corridors/index.js';
import {
  containerModels,
  isInputError,
  parseRouteQuery,
  planRoutes,
} from '../../corridors/index.js';
import type { CliContext, RegisterCommand } from '../program.js';
import { ExitCode } from '../io.js';

/** Options shared by `route` and `corridors compare`, as commander hands them over (strings). */
export interface RouteCliOptions {
  readonly by?: string;
  readonly date?: string;
  readonly modes?: string;
  readonly avoid?: string;
  readonly iceClass?: boolean;
  readonly container?: string;
  readonly valueOfTime?: string;
  readonly carbonPrice?: string;
  readonly json?: boolean;
}

/** The clock is read here, at the edge; the planner itself only ever sees a date. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export function queryInput(
  from: string,
  to: string,
  options: RouteCliOptions,
): Record<string, unknown> {
  return {
    from,
    to,
    by: options.by,
    date: options.date,
    modes: options.modes,
    avoid: options.avoid,
    iceClass: options.iceClass === true,
    container: options.container,
    valueOfTime: options.valueOfTime,
    carbonPrice: options.carbonPrice,
  };
}

/** Prints an expected failure and sets exit code 2 for bad input, 1 when there is simply no route. */
export function reportRoutingError(context: CliContext, error: RoutingError, json: boolean): void {
  if (json) context.io.out(`${JSON.stringify({ error }, null, 2)}\n`);
  context.io.err(`error: ${error.field}: ${error.message}\n`);
  context.setExitCode(isInputError(error.code) ? ExitCode.usage : ExitCode.refused);
}

export const formatNumber = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function addPlanningOptions(
  command: import('commander').Command,
): import('commander').Command {
  return command
    .option('--by <objective>', 'shortest by time, cost, co2 or mix (generalised cost)', 'time')
    .option('--date <YYYY-MM-DD>', 'departure date, UTC (default: today)')
    .option('--modes <list>', 'allowed modes, comma-separated: sea,caspian,rail,road')
    .option(
      '--avoid <list>',
      'nodes, two-letter country codes or chokepoints (suez, hormuz, bosporus...) to avoid',
    )
    .option(
      '--ice-class',
      'an ice-class ship or icebreaker escort may be used (Northern Sea Route)',
    )
    .option('--container <type>', '20dv, 40dv, 40hc, 20rf or 40rf', '20dv')
    .option('--value-of-time <usd>', 'for --by mix: US$ per TEU per day in transit')
    .option('--carbon-price <usd>', 'for --by mix: US$ per tonne CO2e')
    .option('--json', 'print JSON instead of tables');
}

export const registerRoute: RegisterCommand = (program, context) => {
  addPlanningOptions(
    program
      .command('route')
      .description('plan freight routes between two places on the India–Russia corridor network')
      .argument('<from>', 'origin: UN/LOCODE (INNSA) or name (Nhava Sheva)')
      .argument('<to>', 'destination: UN/LOCODE (RUMOW) or name (Moscow)'),
  )
    .option('--alternatives <K>', 'how many distinct routes to show, best first (1-5)', '1')
    .action((from: string, to: string, options: RouteCliOptions & { alternatives?: string }) => {
      const parsed = parseRouteQuery(
        { ...queryInput(from, to, options), alternatives: options.alternatives },
        { today: todayUtc() },
      );
      if (!parsed.ok) return reportRoutingError(context, parsed.error, options.json === true);
      const plan = planRoutes(parsed.value);
      if (!plan.ok) return reportRoutingError(context, plan.error, options.json === true);
      if (options.json === true) context.io.out(`${JSON.stringify(plan.value, null, 2)}\n`);
      else context.io.out(renderPlan(plan.value));
      context.setExitCode(ExitCode.ok);
    });
};

function renderPlan(plan: RoutePlan): string {
  const query = plan.query;
  const container = containerModels[query.container].label;
  const lines = [
    `${query.from} to ${query.to}, shortest by ${query.by}, departing ${query.departureDate}, per ${container} container${query.iceClass ? ', ice class allowed' : ''}`,
    '',
  ];
  plan.routes.forEach((route, i) =>
    lines.push(...renderRoute(route, i + 1, plan.routes.length, container)),
  );
  if (plan.truncated) lines.push('(the search limit stopped the list of alternatives early)');
  lines.push(
    "Indicative figures: US$ and days from vostro's cost model, CO2e well-to-wheel (GLEC v3); sources in docs/corridors.md.",
  );
  return `${lines.join('\n')}\n`;
}

function renderRoute(route: RouteOption, rank: number, count: number, container: string): string[] {
  const table = new Table({
    head: ['#', 'From', 'To', 'Mode', 'km', 'Wait d', 'Transit d', 'US$', 'kg CO2e'],
    style: { head: [], border: [] },
  });
  route.legs.forEach((leg, i) => {
    const km = `${formatNumber(leg.distanceKm)}${leg.distanceEstimated ? '~' : ''}${leg.distanceNm === undefined ? '' : ` (${formatNumber(leg.distanceNm)} nm)`}`;
    table.push([
      i + 1,
      leg.from.name,
      leg.to.name,
      leg.mode,
      km,
      formatNumber(leg.dwellDaysBefore, 1),
      formatNumber(leg.transitDays, 1),
      formatNumber(leg.costUsd),
      formatNumber(leg.co2eKg),
    ]);
  });
  const totals = route.totals;
  const corridorNote = route.corridorIds.length > 0 ? ` [${route.corridorIds.join(', ')}]` : '';
  return [
    `Route ${rank} of ${count}${corridorNote}: ${route.headline}`,
    table.toString(),
    `Total: ${formatNumber(totals.distanceKm)} km, ${formatNumber(totals.days, 1)} days, US$ ${formatNumber(totals.costUsd)} per ${container}, ${formatNumber(totals.co2eKg)} kg CO2e (${formatNumber(totals.co2eKgPerTonne)} kg per tonne of cargo)`,
    ...route.notes.map((note) => `  note: ${note}`),
    '  (~ marks a distance estimated from coordinates)',
    '',
  ];
}
