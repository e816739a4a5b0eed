import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import {
  compareCorridors,
  describeNetwork,
  parseCompareQuery,
  parseRouteQuery,
  planRoutes,
  routingErrorHttpStatus,
  type RoutingError,
} from '../../corridors/index.js';
import type { ApiContext } from '../context.js';
import { ApiProblem } from '../problems.js';
import { commonErrors, problemResponse } from '../schemas.js';

const text = (description: string) => Type.Optional(Type.String({ maxLength: 400, description }));

const CompareQuery = Type.Object(
  {
    from: Type.String({
      minLength: 1,
      maxLength: 80,
      description: 'UN/LOCODE, node id or name, e.g. INNSA or Nhava Sheva',
    }),
    to: Type.String({
      minLength: 1,
      maxLength: 80,
      description: 'UN/LOCODE, node id or name, e.g. Moscow',
    }),
    by: text('time | cost | co2 | mix (default time)'),
    date: text(
      'departure date, YYYY-MM-DD (default today, UTC): decides seasonal links such as the Northern Sea Route',
    ),
    modes: text('comma-separated modes allowed: sea, caspian, rail, road (default all)'),
    avoid: text(
      'comma-separated nodes, ISO country codes or named passages to avoid (suez, bab-el-mandeb, hormuz, malacca, cape, danish-straits, kiel-canal, bosporus, bering, nsr…)',
    ),
    iceClass: text(
      'true if the vessel is ice-class or escorted (needed for the Northern Sea Route)',
    ),
    redSea: text(
      'open | closed: whether voyages may pass the Red Sea (Bab-el-Mandeb and Suez); default closed, as of 2026-12-08 (docs/corridors.md)',
    ),
    container: text('container type, e.g. 20dv, 40hc, 40rf (default 20dv)'),
    valueOfTime: text('US$ per TEU per day, for --by mix'),
    carbonPrice: text('US$ per tonne of CO2e, for --by mix'),
  },
  { additionalProperties: false },
);
const RouteQuery = Type.Composite(
  [
    CompareQuery,
    Type.Object({
      alternatives: text('how many distinct routes, best first (1–5)'),
      via: text('comma-separated places the route must pass, in order (at most 4)'),
    }),
  ],
  { additionalProperties: false },
);
const NetworkQuery = Type.Object(
  {
    date: text(
      'YYYY-MM-DD (default today, UTC): the month for which each seasonal link says whether it is open',
    ),
  },
  { additionalProperties: false },
);
type NetworkQuery = Static<typeof NetworkQuery>;
type CompareQuery = Static<typeof CompareQuery>;
type RouteQuery = Static<typeof RouteQuery>;

/** Planner results are plain JSON (distances, days, US$, kg CO2e, GeoJSON); described loosely. */
const PlannerResult = Type.Object(
  {},
  { additionalProperties: true, description: 'see docs/corridors.md for the fields' },
);

function problem(error: RoutingError): ApiProblem {
  return new ApiProblem(routingErrorHttpStatus[error.code], error.code, error.message, {
    errors: [{ field: `/${error.field}`, reason: error.message }],
  });
}

function todayUtc(nowNs: bigint): string {
  return new Date(Number(nowNs / 1_000_000n)).toISOString().slice(0, 10);
}

/**
 * The freight-corridor planner over HTTP: any API key (it shows no ledger data, so no participant
 * scope), rate-limited per key like every other route. Parsing, planning and the error codes are the planner's own (src/corridors).
 */
export function corridorRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: RouteQuery }>(
      '/routes',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
        schema: {
          tags: ['corridors'],
          operationId: 'planRoutes',
          summary: 'Best routes between two places by time, cost or CO2e, with constraints',
          querystring: RouteQuery,
          response: {
            200: PlannerResult,
            422: problemResponse('no route under these constraints'),
            ...commonErrors,
          },
        },
      },
      async (request) => {
        const parsed = parseRouteQuery(request.query, {
          today: todayUtc(context.ledger.clock.nowNs()),
        });
        if (!parsed.ok) throw problem(parsed.error);
        const plan = planRoutes(parsed.value);
        if (!plan.ok) throw problem(plan.error);
        return plan.value;
      },
    );

    app.get<{ Querystring: NetworkQuery }>(
      '/corridors/network',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
        schema: {
          tags: ['corridors'],
          operationId: 'getCorridorNetwork',
          summary:
            'The freight network for a map: places, links by mode and status, seasonal links and how they stand on a date',
          querystring: NetworkQuery,
          response: { 200: PlannerResult, ...commonErrors },
        },
      },
      async (request) => {
        const view = describeNetwork(request.query, {
          today: todayUtc(context.ledger.clock.nowNs()),
        });
        if (!view.ok) throw problem(view.error);
        return view.value;
      },
    );

    app.get<{ Querystring: CompareQuery }>(
      '/corridors/compare',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
        schema: {
          tags: ['corridors'],
          operationId: 'compareCorridors',
          summary: 'The best route through each named India–Russia corridor',
          querystring: CompareQuery,
          response: { 200: PlannerResult, 422: problemResponse('no route'), ...commonErrors },
        },
      },
      async (request) => {
        const parsed = parseCompareQuery(request.query, {
          today: todayUtc(context.ledger.clock.nowNs()),
        });
        if (!parsed.ok) throw problem(parsed.error);
        const comparison = compareCorridors(parsed.value);
        if (!comparison.ok) throw problem(comparison.error);
        return comparison.value;
      },
    );
  };
}
