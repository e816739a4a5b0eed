import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { HubError } from '../../domain/errors.js';
import { pageLimit } from '../paging.js';
import { invalidField } from '../problems.js';
import { commonErrors, Page, PageLimit } from '../schemas.js';
import { PairParams, Rate, RateImport, RateSet } from '../settlement-schemas.js';
import { refused } from './settlement-common.js';

const strict = { additionalProperties: false } as const;
const Day = Type.String({
  maxLength: 10,
  description: 'a date, YYYY-MM-DD: the rates official for it count',
  examples: ['2025-04-01'],
});
const RateHistoryQuery = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    after: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'the `next` of the page before, as it came',
      }),
    ),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
type RateHistoryQuery = Static<typeof RateHistoryQuery>;
const RateHistoryEntry = Type.Object(
  {
    source: Type.String(),
    target: Type.String(),
    rate: Type.String({ description: 'target major units per one source major unit' }),
    asOf: Type.String({ description: 'the date the rate is official for, YYYY-MM-DD' }),
    origin: Type.String({ description: '`operator` (set) or `csv` (imported)' }),
    setAt: Type.String({ description: 'when it was set (the ledger’s clock), ISO 8601' }),
    setBy: Type.String({ description: 'the actor that set it: `cli`, `operator`, …' }),
    setByRole: Type.String(),
    keyId: Type.Optional(Type.String({ description: 'the API key used, by its public id' })),
    inverted: Type.Boolean({
      description:
        'set for the opposite pair and shown here as its inverse (12 decimals, half to even)',
    }),
  },
  strict,
);

/**
 * Reference rates of currency pairs: set one, import dated official rates, read the current one
 * and every one set before (the history, oldest first).
 */
export function fxRateRoutes(context: ApiContext): FastifyPluginAsync {
  const hub = context.hub;
  return async (app) => {
    app.put<{ Body: RateSet }>(
      '/fx/rates',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['fx'],
          operationId: 'setFxRate',
          summary: 'Set the reference rate of a currency pair',
          body: RateSet,
          response: { 200: Rate, ...refused, ...commonErrors },
        },
      },
      async (request) => hub.fx.setRate(request.body, actorOf(request)),
    );

    app.post<{ Body: RateImport }>(
      '/fx/rates/import',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['fx'],
          operationId: 'importFxRates',
          summary:
            'Import dated official rates from CSV text (date,source,target,rate); one bad line refuses the file',
          body: RateImport,
          response: {
            200: {
              type: 'object',
              properties: { imported: { type: 'integer' } },
              required: ['imported'],
              additionalProperties: false,
            },
            ...refused,
            ...commonErrors,
          },
        },
      },
      async (request) => hub.fx.importRates(request.body.csv, actorOf(request)),
    );

    app.get<{ Params: PairParams }>(
      '/fx/rates/:source/:target',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
        schema: {
          tags: ['fx'],
          operationId: 'getFxRate',
          summary: 'The current reference rate of a pair',
          params: PairParams,
          response: { 200: Rate, ...refused, ...commonErrors },
        },
      },
      async (request) => hub.fx.rate(request.params.source, request.params.target),
    );

    app.get<{ Params: PairParams; Querystring: RateHistoryQuery }>(
      '/fx/rates/:source/:target/history',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
        schema: {
          tags: ['fx'],
          operationId: 'getFxRateHistory',
          summary:
            'Every reference rate set for a pair (or its opposite, inverted), oldest first by the date it is for, then by when it was set',
          params: PairParams,
          querystring: RateHistoryQuery,
          response: { 200: Page(RateHistoryEntry), ...commonErrors },
        },
      },
      async (request) => {
        const { from, to, after } = request.query;
        try {
          return await hub.fx.rateHistory({
            source: request.params.source,
            target: request.params.target,
            ...(from === undefined ? {} : { from }),
            ...(to === undefined ? {} : { to }),
            ...(after === undefined ? {} : { after }),
            limit: pageLimit(request.query.limit, context.limits),
          });
        } catch (error) {
          throw inRequest(error);
        }
      },
    );
  };
}

/**
 * A refusal of the history's parameters named as the request's schema names them (`query.from`,
 * `path.target`), so that every refusal of the route names its field the same way.
 */
function inRequest(error: unknown): unknown {
  if (!(error instanceof HubError) || error.field === undefined) return error;
  const where = ['source', 'target'].includes(error.field)
    ? 'path'
    : ['from', 'to', 'after', 'limit'].includes(error.field)
      ? 'query'
      : undefined;
  if (where === undefined) return error;
  return invalidField(`${where}.${error.field}`, error.message, error.code);
}
