import { supportedCurrency } from '../../domain/errors.js';
import { spreadJson } from '../to-json.js';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HubError } from '../../domain/errors.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { amountMinor } from '../from-json.js';
import { commonErrors } from '../schemas.js';
import {
  ProviderParams,
  QuoteLifetime,
  QuoteLifetimeSet,
  Spread,
  SpreadSet,
} from '../settlement-schemas.js';
import { refused } from './settlement-common.js';

/**
 * What each FX provider prices with: its spread and fee on a pair, and how long its quotes (and
 * reservations of them) may hold.
 */
export function fxProviderRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    setSpread(app, context);
    quoteLifetime(app, context);
  };
}

function setSpread(app: FastifyInstance, context: ApiContext): void {
  app.put<{ Body: SpreadSet }>(
    '/fx/spreads',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['fx'],
        operationId: 'setFxSpread',
        summary: 'Set an FX provider’s spread and fee on a pair',
        body: SpreadSet,
        response: { 200: Spread, ...refused, ...commonErrors },
      },
    },
    async (request) => {
      const body = request.body;
      const source = supportedCurrency(body.source);
      const record = await context.hub.fx.setSpread(
        {
          provider: body.provider,
          source: body.source,
          target: body.target,
          spreadBps: body.spreadBps,
          feeMinor: body.fee === undefined ? 0n : amountMinor(body.fee, source, 'fee', true),
        },
        actorOf(request),
      );
      return spreadJson(record);
    },
  );
}

function quoteLifetime(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: ProviderParams }>(
    '/fx/providers/:id/quote-lifetime',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
      schema: {
        tags: ['fx'],
        operationId: 'getFxQuoteLifetime',
        summary: 'How long an FX provider’s quotes may hold, and hold by default',
        params: ProviderParams,
        response: { 200: QuoteLifetime, ...refused, ...commonErrors },
      },
    },
    async (request) => context.hub.fx.quoteLifetime(request.params.id).catch(providerPath),
  );

  app.put<{ Params: ProviderParams; Body: QuoteLifetimeSet }>(
    '/fx/providers/:id/quote-lifetime',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'participant' } },
      schema: {
        tags: ['fx'],
        operationId: 'setFxQuoteLifetime',
        summary:
          'Set the longest an FX provider’s quotes (and reservations of them) may hold: by the provider’s own key or the operator (audited)',
        params: ProviderParams,
        body: QuoteLifetimeSet,
        response: { 200: QuoteLifetime, ...refused, ...commonErrors },
      },
    },
    async (request) =>
      context.hub.fx
        .setQuoteLifetime(request.params.id, request.body.maxTtlSeconds, actorOf(request))
        .catch(providerPath),
  );
}

/** A service refusal about the provider: the provider is the one in the path. */
function providerPath(error: unknown): never {
  if (error instanceof HubError && (error.field === 'provider' || error.field === 'participant'))
    throw new HubError(error.code, { field: 'path.id', message: error.message });
  throw error;
}
