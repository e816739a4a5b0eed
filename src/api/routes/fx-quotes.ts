import { supportedCurrency } from '../../domain/errors.js';
import { quoteJson } from '../to-json.js';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { HubError } from '../../domain/errors.js';
import type { QuoteRecord } from '../../fx/service.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { accountIdOf, amountMinor } from '../from-json.js';
import { commonErrors } from '../schemas.js';
import { Quote, QuoteCreate, QuoteExecute, QuoteParams } from '../settlement-schemas.js';
import { pathId, refused, requirePayer } from './settlement-common.js';

/**
 * FX quotes: price a conversion through a provider, read a quote, execute it as payment versus
 * payment, and post or void a reserved one. A participant key quotes for itself, sees only the
 * quotes it asked for and pays only from its own accounts (or those it settles for).
 */
export function fxQuoteRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    createQuote(app, context);
    getQuote(app, context);
    executeQuote(app, context);
    resolveQuote(app, context);
  };
}

function createQuote(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: QuoteCreate }>(
    '/fx/quotes',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'none' } },
      schema: {
        tags: ['fx'],
        operationId: 'createFxQuote',
        summary:
          'Price a conversion through a provider; the quote holds for ttlSeconds (default 60), at most the provider’s maximum',
        body: QuoteCreate,
        response: { 201: Quote, ...refused, ...commonErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const fixed = supportedCurrency(body.fixed === 'source' ? body.source : body.target);
      const quote = await context.hub.fx.quote(
        {
          provider: body.provider,
          source: body.source,
          target: body.target,
          side: body.fixed,
          amountMinor: amountMinor(body.amount, fixed, 'amount'),
          ...(body.ttlSeconds === undefined ? {} : { ttlMs: body.ttlSeconds * 1000 }),
        },
        actorOf(request),
      );
      return reply.code(201).send(quoteJson(quote));
    },
  );
}

function getQuote(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: QuoteParams }>(
    '/fx/quotes/:id',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['fx'],
        operationId: 'getFxQuote',
        summary: 'A quote and what became of it',
        params: QuoteParams,
        response: { 200: Quote, ...refused, ...commonErrors },
      },
    },
    async (request) => quoteJson(await ownQuote(context, actorOf(request), request.params.id)),
  );
}

function executeQuote(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: QuoteParams; Body: QuoteExecute }>(
    '/fx/quotes/:id/execute',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['fx'],
        operationId: 'executeFxQuote',
        summary:
          'Execute a quote as payment versus payment: both currencies’ legs post together or not at all',
        params: QuoteParams,
        body: QuoteExecute,
        response: { 200: Quote, ...refused, ...commonErrors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const body = request.body;
      await ownQuote(context, actor, request.params.id);
      const payer = accountIdOf(body.payer, '/payer');
      const payee = accountIdOf(body.payee, '/payee');
      await requirePayer(context, actor, payer, 'payer');
      const execution = {
        quote: request.params.id.toLowerCase(),
        payer,
        payee,
        pending: body.pending === true,
        ...(body.reference === undefined ? {} : { reference: body.reference }),
      };
      return quoteJson(await context.hub.fx.execute(execution, actor).catch(pathId));
    },
  );
}

function resolveQuote(app: FastifyInstance, context: ApiContext): void {
  for (const action of ['post', 'void'] as const) {
    app.post<{ Params: QuoteParams }>(
      `/fx/quotes/:id/${action}`,
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['fx'],
          operationId: `${action}FxQuote`,
          summary: `${action === 'post' ? 'Post' : 'Void'} every leg of a reserved cross-currency payment together`,
          params: QuoteParams,
          response: { 200: Quote, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        await ownQuote(context, actor, request.params.id);
        return quoteJson(
          await context.hub.fx
            .resolve(request.params.id.toLowerCase(), action, actor)
            .catch(pathId),
        );
      },
    );
  }
}

/** Quotes a participant asked for are its own; others' are answered as missing. */
async function ownQuote(context: ApiContext, actor: Actor, id: string): Promise<QuoteRecord> {
  const quote = await context.hub.fx.getQuote(id.toLowerCase()).catch((error: unknown) => {
    throw error instanceof HubError
      ? new HubError('quote_not_found', { field: 'path.id', message: `no quote ${id}` })
      : error;
  });
  if (actor.role === 'participant' && quote.requestedBy !== actor.id)
    throw new HubError('quote_not_found', { field: 'path.id', message: `no quote ${id}` });
  return quote;
}
