import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HubError, invalidField } from '../../domain/errors.js';
import type { PaymentTerms, TradeInput } from '../../trade/trades.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { accountIdOf } from '../from-json.js';
import { pageLimit } from '../paging.js';
import { commonErrors, Page, problemResponse } from '../schemas.js';
import {
  presentationJson,
  storedDocumentJson,
  tradeJson,
  verificationReportJson,
} from '../to-json.js';
import {
  Presentation,
  PresentationCreate,
  PresentationList,
  Trade,
  TradeCancel,
  TradeCreate,
  TradeDocumentList,
  TradeListQuery,
  TradeParams,
} from '../trade-schemas.js';

/** The refusals every trade route may answer with, besides `commonErrors`. */
const refused = {
  404: problemResponse(
    'no such trade (or, for a participant key, not one it is party to or finances)',
  ),
  409: problemResponse(
    'the trade is not in a state that allows this (agreed, shipped, paid, expired, cancelled)',
  ),
  422: problemResponse(
    'refused by the hub’s rules: a party is not a corporate or has no bank, the reservation of a documentary credit did not fit the cap or the balance, …',
  ),
};

/**
 * Trades between an exporter and an importer: created as a draft by either side (or its bank, or
 * the operator), agreed by the other side (a documentary credit reserves the importer’s payment in
 * the same transaction), shipped, cancelled; and the documents presented under them. A participant
 * key sees the trades it is party to or finances; any other trade is answered as missing.
 */
export function tradeRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    createTrade(app, context);
    listTrades(app, context);
    getTrade(app, context);
    changeTrade(app, context);
    cancelTrade(app, context);
    presentations(app, context);
    tradeDocuments(app, context);
  };
}

function createTrade(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: TradeCreate }>(
    '/trades',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['trades'],
        operationId: 'createTrade',
        summary:
          'Create a trade as a draft: parties, goods (HS 2022), currency, Incoterms 2020 rule, latest shipment date, payment terms (201; 200 for a retry with the same body, which changes nothing; 409 for another body under a used id)',
        body: TradeCreate,
        response: {
          200: Trade,
          201: Trade,
          ...refused,
          409: problemResponse('the id was used before for another trade (trade_exists)'),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const { trade, status } = await context.hub.trades.record(
        tradeInput(request.body),
        actorOf(request),
      );
      return reply.code(status === 'created' ? 201 : 200).send(tradeJson(trade));
    },
  );
}

function listTrades(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: TradeListQuery }>(
    '/trades',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['trades'],
        operationId: 'listTrades',
        summary:
          'Trades in id order, a page at a time: all of them for staff, a participant’s own and those its bank finances',
        querystring: TradeListQuery,
        response: { 200: Page(Trade), ...commonErrors },
      },
    },
    async (request) => {
      const limit = pageLimit(request.query.limit, context.limits);
      const found = await context.hub.trades.list(actorOf(request), {
        ...(request.query.status === undefined ? {} : { status: request.query.status }),
        ...(request.query.after === undefined ? {} : { after: request.query.after.toLowerCase() }),
        limit: limit + 1,
      });
      const page = found.slice(0, limit);
      return {
        data: page.map(tradeJson),
        next: found.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );
}

function getTrade(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: TradeParams }>(
    '/trades/:id',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['trades'],
        operationId: 'getTrade',
        summary: 'A trade, its status and history, and the terms its documents are checked against',
        params: TradeParams,
        response: { 200: Trade, ...refused, ...commonErrors },
      },
    },
    async (request) =>
      tradeJson(
        await context.hub.trades
          .get(request.params.id.toLowerCase(), actorOf(request))
          .catch(pathId),
      ),
  );
}

function changeTrade(app: FastifyInstance, context: ApiContext): void {
  const actions = {
    agree:
      'The other side agrees to the draft; for a documentary credit the importer’s payment is reserved in the same transaction',
    ship: 'Record that the goods were shipped',
  } as const;
  for (const [action, summary] of Object.entries(actions) as ['agree' | 'ship', string][]) {
    app.post<{ Params: TradeParams }>(
      `/trades/:id/${action}`,
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['trades'],
          operationId: `${action}Trade`,
          summary,
          params: TradeParams,
          response: { 200: Trade, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const id = request.params.id.toLowerCase();
        const actor = actorOf(request);
        const trade =
          action === 'agree'
            ? await context.hub.trades.agree(id, actor).catch(pathId)
            : await context.hub.trades.ship(id, actor).catch(pathId);
        return tradeJson(trade);
      },
    );
  }
}

function cancelTrade(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: TradeParams; Body: TradeCancel }>(
    '/trades/:id/cancel',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['trades'],
        operationId: 'cancelTrade',
        summary:
          'Cancel a trade not yet paid; a documentary credit’s reservation is voided in the same transaction',
        params: TradeParams,
        body: TradeCancel,
        response: { 200: Trade, ...refused, ...commonErrors },
      },
    },
    async (request) =>
      tradeJson(
        await context.hub.trades
          .cancel(request.params.id.toLowerCase(), request.body.reason, actorOf(request))
          .catch(pathId),
      ),
  );
}

function presentations(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: TradeParams; Body: PresentationCreate }>(
    '/trades/:id/presentations',
    {
      config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['trades'],
        operationId: 'createPresentation',
        summary:
          'Present submitted documents under a documentary credit: if every required document verifies, the reserved payment is posted in the same transaction (accepted); otherwise the discrepancies are listed and the money stays reserved',
        params: TradeParams,
        body: PresentationCreate,
        response: { 201: Presentation, 200: Presentation, ...refused, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { presentation: record, status } = await context.hub.presentations
        .record(
          {
            id: request.body.id.toLowerCase(),
            trade: request.params.id.toLowerCase(),
            documents: request.body.documents,
          },
          actorOf(request),
        )
        .catch(pathId);
      return reply.code(status === 'created' ? 201 : 200).send(presentationJson(record));
    },
  );
  app.get<{ Params: TradeParams }>(
    '/trades/:id/presentations',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['trades'],
        operationId: 'listPresentations',
        summary: 'The presentations made under a trade, oldest first',
        params: TradeParams,
        response: {
          200: PresentationList,
          ...refused,
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const records = await context.hub.presentations
        .list(request.params.id.toLowerCase(), actorOf(request))
        .catch(pathId);
      return { data: records.map(presentationJson) };
    },
  );
}

function tradeDocuments(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: TradeParams }>(
    '/trades/:id/documents',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
      schema: {
        tags: ['trades'],
        operationId: 'listTradeDocuments',
        summary:
          'The signed documents submitted under a trade, in hash order, each with every verification check (pass, fail or skipped, with its reason) as the hub verifies it now: at its receipt time, against the trade’s terms',
        params: TradeParams,
        response: { 200: TradeDocumentList, 404: refused[404], ...commonErrors },
      },
    },
    async (request) => {
      const found = await context.hub.documents
        .verifiedForTrade(request.params.id.toLowerCase(), actorOf(request))
        .catch(pathId);
      return {
        data: found.map(({ document, report }) => ({
          ...storedDocumentJson(document),
          report: verificationReportJson(report),
        })),
      };
    },
  );
}

/** A service refusal about the trade named in the path: the field is the path's id. */
function pathId(error: unknown): never {
  if (error instanceof HubError && (error.field === 'id' || error.field === 'trade'))
    throw new HubError(error.code, { field: 'path.id', message: error.message });
  throw error;
}

/**
 * The body (checked against its schema) as the service's input: the payment terms as the one
 * shape their kind has, each field that belongs to another kind refused by name.
 */
function tradeInput(body: TradeCreate): TradeInput {
  return { ...body, id: body.id.toLowerCase(), paymentTerms: paymentTermsOf(body.paymentTerms) };
}

const TERM_FIELDS = {
  advance: [],
  open_account: ['days'],
  documentary_collection: [],
  documentary_credit: [
    'requiredDocuments',
    'presentationPeriodDays',
    'expiryDate',
    'payer',
    'payee',
  ],
} as const;

function paymentTermsOf(body: TradeCreate['paymentTerms']): PaymentTerms {
  const allowed: readonly string[] = TERM_FIELDS[body.kind];
  for (const field of Object.keys(body)) {
    if (field !== 'kind' && !allowed.includes(field))
      throw invalidField({
        field: `/paymentTerms/${field}`,
        message: `${field} is not a term of ${body.kind}${allowed.length === 0 ? '' : ` (its terms: ${allowed.join(', ')})`}`,
      });
  }
  for (const field of allowed) {
    if ((body as Record<string, unknown>)[field] === undefined)
      throw invalidField({
        field: `/paymentTerms/${field}`,
        message: `${body.kind} needs ${field}`,
      });
  }
  switch (body.kind) {
    case 'advance':
    case 'documentary_collection':
      return { kind: body.kind };
    case 'open_account':
      return { kind: 'open_account', days: body.days ?? 0 };
    case 'documentary_credit':
      return {
        kind: 'documentary_credit',
        requiredDocuments: body.requiredDocuments ?? [],
        presentationPeriodDays: body.presentationPeriodDays ?? 0,
        expiryDate: body.expiryDate ?? '',
        payer: accountIdOf(body.payer ?? '', '/paymentTerms/payer'),
        payee: accountIdOf(body.payee ?? '', '/paymentTerms/payee'),
      };
  }
}
