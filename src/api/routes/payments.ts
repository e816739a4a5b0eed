import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { PaymentResult } from '../../settlement/payments.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { accountIdOf, amountMinor } from '../from-json.js';
import { commonErrors } from '../schemas.js';
import { FundingCreate, Payment, PaymentCreate, QuoteParams } from '../settlement-schemas.js';
import { accountCurrency, pathId, refused, requirePayer } from './settlement-common.js';

/**
 * Payments between participants' accounts in one currency (interbank ones bounded by net debit
 * caps), their post or void when pending, and money entering the hub. A participant key pays from
 * its own accounts (or its customers' and the vostro accounts it keeps) and resolves only its own
 * payments.
 */
export function paymentRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    createPayment(app, context);
    resolvePayment(app, context);
    fundAccount(app, context);
  };
}

function createPayment(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: PaymentCreate }>(
    '/payments',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['settlement'],
        operationId: 'createPayment',
        summary:
          'Pay between participants’ accounts in one currency; the id is the idempotency key (201 created, 200 a retry)',
        body: PaymentCreate,
        response: { 200: Payment, 201: Payment, ...refused, ...commonErrors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = request.body;
      const payer = accountIdOf(body.payer, '/payer');
      const payee = accountIdOf(body.payee, '/payee');
      await requirePayer(context, actor, payer, 'payer');
      const currency = await accountCurrency(context, payer, 'payer');
      const result = await context.hub.payments.pay(
        {
          id: body.id.toLowerCase(),
          payer,
          payee,
          amount: amountMinor(body.amount, currency, 'amount'),
          reference: body.reference ?? '',
          pending: body.pending === true,
          timeoutSeconds: body.timeoutSeconds ?? 0,
        },
        actor,
      );
      return reply.code(result.status === 'created' ? 201 : 200).send(paymentJson(result));
    },
  );
}

function resolvePayment(app: FastifyInstance, context: ApiContext): void {
  for (const action of ['post', 'void'] as const) {
    app.post<{ Params: QuoteParams }>(
      `/payments/:id/${action}`,
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['settlement'],
          operationId: `${action}Payment`,
          summary: `${action === 'post' ? 'Post' : 'Void'} every leg of a pending payment together`,
          params: QuoteParams,
          response: { 200: Payment, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        // Only a payment recorded by the payments service is one: a raw pending transfer or an FX
        // quote's legs are 404 here, as is a payment that is not the participant's own.
        const result = await context.hub.payments
          .resolve(request.params.id.toLowerCase(), action, actorOf(request))
          .catch(pathId);
        return paymentJson(result);
      },
    );
  }
}

function fundAccount(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: FundingCreate }>(
    '/payments/fund',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        operationId: 'fundAccount',
        summary:
          'Record money entering the hub for an account (prefunding, FX liquidity, a customer deposit)',
        body: FundingCreate,
        response: { 200: Payment, 201: Payment, ...refused, ...commonErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const account = accountIdOf(body.account, '/account');
      const currency = await accountCurrency(context, account, 'account');
      const result = await context.hub.payments.fund(
        {
          id: body.id.toLowerCase(),
          account,
          amount: amountMinor(body.amount, currency, 'amount'),
          reference: body.reference ?? 'funding',
        },
        actorOf(request),
      );
      return reply.code(result.status === 'created' ? 201 : 200).send(paymentJson(result));
    },
  );
}

function paymentJson(result: PaymentResult) {
  return { ...result, transferIds: [...result.transferIds] };
}
