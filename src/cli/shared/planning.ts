import type { Command } from 'commander';
import { isInputError, type RoutingError } from '../../corridors/index.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../io.js';

/** Options shared by `route` and `corridors compare`, as commander hands them over (strings). */
export interface RouteCliOptions {
  readonly by?: string;
  readonly date?: string;
  readonly modes?: string;
  readonly avoid?: string;
  readonly iceClass?: boolean;
  readonly redSea?: string;
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
    redSea: options.redSea,
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

export function addPlanningOptions(command: Command): Command {
  return command
    .option('--by <objective>', 'shortest by time, cost, co2 or mix (generalised cost)', 'time')
    .option('--date <YYYY-MM-DD>', 'departure date, UTC (default: today)')
    .option('--modes <list>', 'allowed modes, comma-separated: sea,caspian,rail,road')
    .option(
      '--avoid <list>',
      'nodes, two-letter country codes or passages (suez, hormuz, cape, danish-straits, nsr...) to avoid',
    )
    .option(
      '--ice-class',
      'an ice-class ship or icebreaker escort may be used (Northern Sea Route)',
    )
    .option(
      '--red-sea <state>',
      'open or closed: may voyages pass the Red Sea (Suez)? (default: closed, as of 2026-12-08)',
    )
    .option('--container <type>', '20dv, 40dv, 40hc, 20rf or 40rf', '20dv')
    .option('--value-of-time <usd>', 'for --by mix: US$ per TEU per day in transit')
    .option('--carbon-price <usd>', 'for --by mix: US$ per tonne CO2e')
    .option('--json', 'print JSON instead of tables');
}
