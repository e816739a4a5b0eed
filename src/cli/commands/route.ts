import Table from 'cli-table3';
import type { RouteOption, RoutePlan } from '../../corridors/index.js';
import { containerModels, parseRouteQuery, planRoutes } from '../../corridors/index.js';
import type { RegisterCommand } from '../context.js';
import { ExitCode } from '../io.js';
import {
  addPlanningOptions,
  formatNumber,
  queryInput,
  reportRoutingError,
  todayUtc,
  type RouteCliOptions,
} from '../shared/planning.js';

export const registerRoute: RegisterCommand = (program, context) => {
  addPlanningOptions(
    program
      .command('route')
      .description('plan freight routes between two places on the India–Russia corridor network')
      .argument('<from>', 'origin: UN/LOCODE (INNSA) or name (Nhava Sheva)')
      .argument('<to>', 'destination: UN/LOCODE (RUMOW) or name (Moscow)'),
  )
    .option('--alternatives <K>', 'how many distinct routes to show, best first (1-5)', '1')
    .option(
      '--via <place>',
      'a place the route must pass (repeat for several, in order; or comma-separated)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(
      (
        from: string,
        to: string,
        options: RouteCliOptions & { alternatives?: string; via?: string[] },
      ) => {
        const parsed = parseRouteQuery(
          {
            ...queryInput(from, to, options),
            alternatives: options.alternatives,
            via: options.via?.join(','),
          },
          { today: todayUtc() },
        );
        if (!parsed.ok) return reportRoutingError(context, parsed.error, options.json === true);
        const plan = planRoutes(parsed.value);
        if (!plan.ok) return reportRoutingError(context, plan.error, options.json === true);
        if (options.json === true) context.io.out(`${JSON.stringify(plan.value, null, 2)}\n`);
        else context.io.out(renderPlan(plan.value));
        context.setExitCode(ExitCode.ok);
      },
    );
};

function renderPlan(plan: RoutePlan): string {
  const query = plan.query;
  const container = containerModels[query.container].label;
  const via = query.via.length > 0 ? ` via ${query.via.join(', ')}` : '';
  const lines = [
    `${query.from} to ${query.to}${via}, shortest by ${query.by}, departing ${query.departureDate}, per ${container} container${query.iceClass ? ', ice class allowed' : ''}, Red Sea ${query.redSea}`,
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
