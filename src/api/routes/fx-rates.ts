import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { commonErrors } from '../schemas.js';
import { PairParams, Rate, RateImport, RateSet } from '../settlement-schemas.js';
import { refused } from './settlement-common.js';

/** Reference rates of currency pairs: set one, import dated official rates, read the current one. */
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
  };
}
