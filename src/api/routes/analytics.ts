import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { tradeAnalytics } from '../../reports/trade-analytics.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { commonErrors, StringEnum } from '../schemas.js';

const strict = { additionalProperties: false } as const;
const Minor = Type.String({
  pattern: '^-?[0-9]+$',
  description: 'minor units of the currency (paise, kopecks), as a decimal string',
});
const Month = Type.String({ description: 'a UTC month, YYYY-MM', examples: ['2026-01'] });
const Flow = Type.Object(
  {
    direction: StringEnum(['IN-RU', 'RU-IN', 'other'] as const, {
      description:
        "the payer's account owner's country to the payee's (a corporate's own, a bank's own); anything else is other",
    }),
    currency: Type.String({ description: 'ISO 4217 code' }),
    count: Type.Integer({ minimum: 0 }),
    amount: Minor,
  },
  strict,
);
const CurrencyAmount = Type.Object({ currency: Type.String(), amount: Minor }, strict);

const AnalyticsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ description: 'first month, YYYY-MM (default: 23 months before `to`)' }),
    ),
    to: Type.Optional(
      Type.String({ description: 'last month, YYYY-MM (default: this month, UTC)' }),
    ),
  },
  strict,
);
type AnalyticsQuery = Static<typeof AnalyticsQuery>;

const TradeAnalytics = Type.Object(
  {
    from: Month,
    to: Month,
    months: Type.Array(Type.Object({ month: Month, flows: Type.Array(Flow) }, strict), {
      description: 'every month of the range, oldest first (flows empty when none)',
    }),
    totals: Type.Array(Flow, { description: 'the months summed' }),
    imbalance: Type.Array(CurrencyAmount, {
      description: 'per currency, IN-RU minus RU-IN over the range (signed)',
    }),
    nationalCurrencyShare: Type.Union([Type.Number(), Type.Null()], {
      description:
        'share of the value (in US dollars at the reference rates) paid in INR or RUB; null with no payments',
    }),
    netting: Type.Object(
      {
        windows: Type.Integer({ minimum: 0 }),
        gross: Type.Array(CurrencyAmount),
        net: Type.Array(CurrencyAmount),
        savedPercent: Type.Union([Type.Number(), Type.Null()]),
      },
      {
        ...strict,
        description:
          'closed and settled windows that closed in the range: gross interbank payments against what settlement moved (a participant: its own payments against its own net)',
      },
    ),
    target: Type.Object(
      {
        goalUsd: Type.Number(),
        baselineUsd: Type.Number(),
        baselineYear: Type.String(),
        goalYear: Type.Integer(),
        requiredYearlyGrowthPercent: Type.Number(),
        hubUsd: Type.String({
          pattern: '^[0-9]+\\.[0-9]{2}$',
          description: "the range's payments in US dollars at the reference rates",
        }),
        usdRates: Type.Object(
          { source: Type.String(), asOf: Type.String() },
          {
            additionalProperties: Type.String(),
            description: 'units of each currency per US dollar, fixed, with their source and date',
          },
        ),
      },
      strict,
    ),
  },
  { ...strict, description: 'bilateral trade through the hub' },
);

/**
 * Analytics for the dashboard: bilateral trade by month and direction, computed by the database
 * (src/reports/trade-analytics.ts). Staff see every payment; a participant key, only payments on
 * accounts it may see (as in its events feed).
 */
export function analyticsRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: AnalyticsQuery }>(
      '/analytics/trade',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['reports'],
          operationId: 'tradeAnalytics',
          summary:
            'Payments by UTC month, currency and direction (India → Russia, Russia → India), imbalance, netting savings and the US$100 billion target',
          querystring: AnalyticsQuery,
          response: { 200: TradeAnalytics, ...commonErrors },
        },
      },
      async (request) => tradeAnalytics(context.hub, actorOf(request), request.query),
    );
  };
}
