import Table from 'cli-table3';
import type { CorridorComparison, CorridorOption } from '../../corridors/index.js';
import {
  compareCorridors,
  containerModels,
  corridorNetwork,
  parseCompareQuery,
} from '../../corridors/index.js';
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

export const registerCorridors: RegisterCommand = (program, context) => {
  const corridorsCommand = program
    .command('corridors')
    .description('the India–Russia freight corridors: compare them, list the network');
  addPlanningOptions(
    corridorsCommand
      .command('compare')
      .description(
        'the best route through each named corridor (Suez, Cape, INSTC west/Caspian/east, Chennai–Vladivostok, NSR, Black Sea)',
      )
      .argument('<from>', 'origin: UN/LOCODE (INNSA) or name')
      .argument('<to>', 'destination: UN/LOCODE (RUMOW) or name (Moscow)'),
  ).action((from: string, to: string, options: RouteCliOptions) => {
    const parsed = parseCompareQuery(queryInput(from, to, options), { today: todayUtc() });
    if (!parsed.ok) return reportRoutingError(context, parsed.error, options.json === true);
    const comparison = compareCorridors(parsed.value);
    if (!comparison.ok) return reportRoutingError(context, comparison.error, options.json === true);
    if (options.json === true) context.io.out(`${JSON.stringify(comparison.value, null, 2)}\n`);
    else context.io.out(renderComparison(comparison.value));
    const anyAvailable = comparison.value.options.some((option) => option.available);
    context.setExitCode(anyAvailable ? ExitCode.ok : ExitCode.refused);
  });
  corridorsCommand
    .command('nodes')
    .description('list the places the planner knows, with their ids and aliases')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const nodes = corridorNetwork().nodes.map(({ spec }) => ({
        id: spec.id,
        name: spec.name,
        kind: spec.kind,
        countries: spec.countries,
        aliases: spec.aliases ?? [],
      }));
      if (options.json === true) {
        context.io.out(`${JSON.stringify(nodes, null, 2)}\n`);
      } else {
        const table = new Table({
          head: ['Id', 'Name', 'Kind', 'Countries', 'Also known as'],
          style: { head: [], border: [] },
        });
        for (const node of nodes)
          table.push([
            node.id,
            node.name,
            node.kind,
            node.countries.join('/'),
            node.aliases.join(', '),
          ]);
        context.io.out(`${table.toString()}\n`);
      }
      context.setExitCode(ExitCode.ok);
    });
};

function renderComparison(comparison: CorridorComparison): string {
  const query = comparison.query;
  const container = containerModels[query.container].label;
  const table = new Table({
    head: ['Corridor', 'Route', 'Days', 'US$', 'kg CO2e', 'Status, season and notes'],
    colWidths: [24, 44, 7, 8, 9, 50],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const option of comparison.options) table.push(comparisonRow(comparison, option));
  const best = [
    comparison.fastest === undefined ? undefined : `fastest: ${comparison.fastest}`,
    comparison.cheapest === undefined ? undefined : `cheapest: ${comparison.cheapest}`,
    comparison.lowestCo2e === undefined ? undefined : `lowest CO2e: ${comparison.lowestCo2e}`,
  ].filter((text) => text !== undefined);
  return [
    `Corridors from ${query.from} to ${query.to}, departing ${query.departureDate}, best route per corridor by ${query.by}${query.iceClass ? ', ice class allowed' : ''}, Red Sea ${query.redSea}`,
    `Days door to door, US$ and kg CO2e per ${container} container.`,
    table.toString(),
    best.length > 0
      ? `Best: ${best.join('; ')}.`
      : 'No corridor connects these places under the constraints.',
    `CO2e is well-to-wheel (GLEC v3 defaults) for ${containerModels[query.container].cargoTonnes} t of cargo; costs and days are indicative planning figures, not quotes.`,
    'Sources for every figure: docs/corridors.md. Full legs: vostro route <from> <to> --alternatives 3.',
    '',
  ].join('\n');
}

function comparisonRow(comparison: CorridorComparison, option: CorridorOption): string[] {
  if (!option.available)
    return [option.name, '—', '—', '—', '—', `not available: ${option.reason}`];
  const route = option.route;
  const marks = [
    comparison.fastest === option.corridorId ? 'fastest' : undefined,
    comparison.cheapest === option.corridorId ? 'cheapest' : undefined,
    comparison.lowestCo2e === option.corridorId ? 'lowest CO2e' : undefined,
  ].filter((mark) => mark !== undefined);
  const status = route.legs.some((leg) => leg.status !== 'operational')
    ? 'includes links not yet open'
    : 'open';
  const notes = [status + (marks.length > 0 ? ` (${marks.join(', ')})` : ''), ...route.notes].join(
    '; ',
  );
  return [
    option.name,
    route.headline,
    formatNumber(route.totals.days, 1),
    formatNumber(route.totals.costUsd),
    formatNumber(route.totals.co2eKg),
    notes,
  ];
}
