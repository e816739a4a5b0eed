import type { FastifyPluginAsync } from 'fastify';
import { currencyByCode, formatAmount, type Currency } from '../../ledger/currency.js';
import type { AccountId } from '../../ledger/ids.js';
import type { Actor } from '../../domain/actor.js';
import { HubError } from '../../domain/errors.js';
import type { QuoteRecord } from '../../fx/service.js';
import type { CapStatus } from '../../settlement/caps.js';
import { requirePayer as payerOf } from '../../settlement/parties.js';
import type {
  BilateralPosition,
  CurrencyNetting,
  NetPosition,
  SettlementInstruction,
} from '../../settlement/netting.js';
import type { WindowRecord } from '../../settlement/windows.js';
import { actorOf, participantNotFound } from '../access.js';
import type { ApiContext } from '../context.js';
import { amountMinor } from '../from-json.js';
import { commonErrors, problemResponse } from '../schemas.js';
import {
  CapParams,
  CapSet,
  CapStatus as CapStatusSchema,
  CurrencyParams,
  FundingCreate,
  PairParams,
  ParticipantPosition,
  ParticipantWindowParams,
  Payment,
  PaymentCreate,
  Positions,
  ProviderParams,
  Quote,
  QuoteCreate,
  QuoteExecute,
  QuoteLifetime,
  QuoteLifetimeSet,
  QuoteParams,
  Rate,
  RateImport,
  RateSet,
  Spread,
  SpreadSet,
  WindowClose,
  WindowClosed,
  WindowList,
  WindowParams,
} from '../settlement-schemas.js';

const refused = {
  404: problemResponse('not found (or, for a participant key, not its own)'),
  409: problemResponse('conflicts with the current state (used, closed, settled, expired)'),
  422: problemResponse(
    'refused by the hub’s rules (cap exceeded, too little money or FX liquidity, …)',
  ),
};
const STAFF = ['operator', 'auditor'] as const;

/**
 * Clearing, settlement and FX over HTTP: payments (interbank ones bounded by net debit caps),
 * caps, settlement windows and their net positions, reference rates, providers' spreads, quotes and
 * their execution as payment versus payment. Participant keys pay from, and quote for, their own
 * accounts (or their customers' and the vostro accounts they keep), and read their own position in
 * a closed window; every participant's positions and the windows are the operator's and auditor's.
 */
export function settlementRoutes(context: ApiContext): FastifyPluginAsync {
  const hub = context.hub;
  return async (app) => {
    app.post<{ Body: PaymentCreate }>(
      '/payments',
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['settlement'],
          summary:
            'Pay between participants’ accounts in one currency; the id is the idempotency key (201 created, 200 a retry)',
          body: PaymentCreate,
          response: { 200: Payment, 201: Payment, ...refused, ...commonErrors },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const body = request.body;
        await requirePayer(context, actor, body.payer as AccountId, 'payer');
        const currency = await accountCurrency(context, body.payer as AccountId, 'payer');
        const result = await hub.payments.pay(
          {
            id: body.id.toLowerCase(),
            payer: body.payer.toLowerCase() as AccountId,
            payee: body.payee.toLowerCase() as AccountId,
            amount: amountMinor(body.amount, currency, 'amount'),
            reference: body.reference ?? '',
            pending: body.pending === true,
            timeoutSeconds: body.timeoutSeconds ?? 0,
          },
          actor,
        );
        return reply
          .code(result.status === 'created' ? 201 : 200)
          .send({ ...result, transferIds: [...result.transferIds] });
      },
    );

    for (const action of ['post', 'void'] as const) {
      app.post<{ Params: QuoteParams }>(
        `/payments/:id/${action}`,
        {
          config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
          schema: {
            tags: ['settlement'],
            summary: `${action === 'post' ? 'Post' : 'Void'} every leg of a pending payment together`,
            params: QuoteParams,
            response: { 200: Payment, ...refused, ...commonErrors },
          },
        },
        async (request) => {
          // Only a payment recorded by the payments service is one: a raw pending transfer or an FX
          // quote's legs are 404 here, as is a payment that is not the participant's own.
          const result = await hub.payments
            .resolve(request.params.id.toLowerCase(), action, actorOf(request))
            .catch(pathId);
          return { ...result, transferIds: [...result.transferIds] };
        },
      );
    }

    app.post<{ Body: FundingCreate }>(
      '/payments/fund',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['settlement'],
          summary:
            'Record money entering the hub for an account (prefunding, FX liquidity, a customer deposit)',
          body: FundingCreate,
          response: { 200: Payment, 201: Payment, ...refused, ...commonErrors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const currency = await accountCurrency(context, body.account as AccountId, 'account');
        const result = await hub.payments.fund(
          {
            id: body.id.toLowerCase(),
            account: body.account.toLowerCase() as AccountId,
            amount: amountMinor(body.amount, currency, 'amount'),
            reference: body.reference ?? 'funding',
          },
          actorOf(request),
        );
        return reply
          .code(result.status === 'created' ? 201 : 200)
          .send({ ...result, transferIds: [...result.transferIds] });
      },
    );

    app.put<{ Params: CapParams; Body: CapSet }>(
      '/participants/:id/caps/:currency',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['settlement'],
          summary: 'Set a settling participant’s net debit cap in a currency (audited)',
          params: CapParams,
          body: CapSet,
          response: { 200: CapStatusSchema, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const currency = currencyOf(request.params.currency);
        return capJson(
          await hub.caps.set(
            request.params.id,
            currency.code,
            amountMinor(request.body.cap, currency, 'cap', true),
            actorOf(request),
          ),
        );
      },
    );

    app.get<{ Params: CapParams }>(
      '/participants/:id/caps/:currency',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'participant' } },
        schema: {
          tags: ['settlement'],
          summary: 'A participant’s cap, headroom left and net position in the open window',
          params: CapParams,
          response: { 200: CapStatusSchema, ...refused, ...commonErrors },
        },
      },
      async (request) => capJson(await hub.caps.status(request.params.id, request.params.currency)),
    );

    app.get<{ Querystring: CurrencyParams }>(
      '/windows',
      {
        config: { access: { roles: [...STAFF] } },
        schema: {
          tags: ['settlement'],
          summary: 'The settlement windows of a currency, oldest first (the last is open)',
          querystring: CurrencyParams,
          response: { 200: WindowList, ...commonErrors },
        },
      },
      async (request) => ({
        data: (await hub.windows.list(request.query.currency)).map(windowJson),
      }),
    );

    app.post<{ Body: WindowClose }>(
      '/windows/close',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['settlement'],
          summary:
            'Close the open window of a currency and open the next; every transfer lands in exactly one window',
          body: WindowClose,
          response: { 200: WindowClosed, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const { closed, opened } = await hub.windows.close(
          request.body.currency,
          actorOf(request),
          request.body.window,
        );
        return { closed: windowJson(closed), opened: windowJson(opened) };
      },
    );

    app.get<{ Params: WindowParams }>(
      '/windows/:id/positions',
      {
        config: { access: { roles: [...STAFF] } },
        schema: {
          tags: ['settlement'],
          summary:
            'Net positions (multilateral and bilateral) and settlement instructions of a closed window',
          params: WindowParams,
          response: { 200: Positions, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const { window, netting } = await hub.windows.net(request.params.id);
        return positionsJson(window, netting);
      },
    );

    app.get<{ Params: ParticipantWindowParams }>(
      '/participants/:id/windows/:window/position',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'participant' } },
        schema: {
          tags: ['settlement'],
          summary:
            'A participant’s net position, settlement instruction and bilateral nets in a closed window',
          params: ParticipantWindowParams,
          response: { 200: ParticipantPosition, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const { id, window: windowId } = request.params;
        // A participant key reaches only its own id (the scope check); staff may name anyone who exists.
        if ((await hub.participants.find(id)) === undefined) throw participantNotFound(id);
        const { window, netting } = await hub.windows.net(windowId);
        return participantPositionJson(window, netting, id);
      },
    );

    app.post<{ Params: WindowParams }>(
      '/windows/:id/settle',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['settlement'],
          summary:
            'Write a closed window’s settlement instructions as transfers, all or none, and mark it settled',
          params: WindowParams,
          response: { 200: Positions, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const { window, netting } = await hub.windows.settle(request.params.id, actorOf(request));
        return positionsJson(window, netting);
      },
    );

    app.put<{ Body: RateSet }>(
      '/fx/rates',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['fx'],
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
          summary: 'The current reference rate of a pair',
          params: PairParams,
          response: { 200: Rate, ...refused, ...commonErrors },
        },
      },
      async (request) => hub.fx.rate(request.params.source, request.params.target),
    );

    app.put<{ Body: SpreadSet }>(
      '/fx/spreads',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['fx'],
          summary: 'Set an FX provider’s spread and fee on a pair',
          body: SpreadSet,
          response: { 200: Spread, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const body = request.body;
        const source = currencyOf(body.source);
        const record = await hub.fx.setSpread(
          {
            provider: body.provider,
            source: body.source,
            target: body.target,
            spreadBps: body.spreadBps,
            feeMinor: body.fee === undefined ? 0n : amountMinor(body.fee, source, 'fee', true),
          },
          actorOf(request),
        );
        return {
          provider: record.provider,
          source: record.source,
          target: record.target,
          spreadBps: record.spreadBps,
          fee: formatAmount(BigInt(record.feeMinor), source),
        };
      },
    );

    app.post<{ Body: QuoteCreate }>(
      '/fx/quotes',
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'none' } },
        schema: {
          tags: ['fx'],
          summary:
            'Price a conversion through a provider; the quote holds for ttlSeconds (default 60), at most the provider’s maximum',
          body: QuoteCreate,
          response: { 201: Quote, ...refused, ...commonErrors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const fixed = currencyOf(body.fixed === 'source' ? body.source : body.target);
        const quote = await hub.fx.quote(
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

    app.get<{ Params: QuoteParams }>(
      '/fx/quotes/:id',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['fx'],
          summary: 'A quote and what became of it',
          params: QuoteParams,
          response: { 200: Quote, ...refused, ...commonErrors },
        },
      },
      async (request) => quoteJson(await ownQuote(context, actorOf(request), request.params.id)),
    );

    app.post<{ Params: QuoteParams; Body: QuoteExecute }>(
      '/fx/quotes/:id/execute',
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['fx'],
          summary:
            'Execute a quote as payment versus payment: both currencies’ legs post together or not at all',
          params: QuoteParams,
          body: QuoteExecute,
          response: { 200: Quote, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        await ownQuote(context, actor, request.params.id);
        await requirePayer(context, actor, request.body.payer as AccountId, 'payer');
        const body = request.body;
        return quoteJson(
          await hub.fx
            .execute(
              {
                quote: request.params.id.toLowerCase(),
                payer: body.payer.toLowerCase() as AccountId,
                payee: body.payee.toLowerCase() as AccountId,
                pending: body.pending === true,
                ...(body.reference === undefined ? {} : { reference: body.reference }),
              },
              actor,
            )
            .catch(pathId),
        );
      },
    );

    for (const action of ['post', 'void'] as const) {
      app.post<{ Params: QuoteParams }>(
        `/fx/quotes/:id/${action}`,
        {
          config: { access: { roles: ['operator', 'participant'], scope: 'handler' } },
          schema: {
            tags: ['fx'],
            summary: `${action === 'post' ? 'Post' : 'Void'} every leg of a reserved cross-currency payment together`,
            params: QuoteParams,
            response: { 200: Quote, ...refused, ...commonErrors },
          },
        },
        async (request) => {
          const actor = actorOf(request);
          await ownQuote(context, actor, request.params.id);
          return quoteJson(
            await hub.fx.resolve(request.params.id.toLowerCase(), action, actor).catch(pathId),
          );
        },
      );
    }

    app.get<{ Params: ProviderParams }>(
      '/fx/providers/:id/quote-lifetime',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'none' } },
        schema: {
          tags: ['fx'],
          summary: 'How long an FX provider’s quotes may hold, and hold by default',
          params: ProviderParams,
          response: { 200: QuoteLifetime, ...refused, ...commonErrors },
        },
      },
      async (request) => hub.fx.quoteLifetime(request.params.id).catch(providerPath),
    );

    app.put<{ Params: ProviderParams; Body: QuoteLifetimeSet }>(
      '/fx/providers/:id/quote-lifetime',
      {
        config: { access: { roles: ['operator', 'participant'], scope: 'participant' } },
        schema: {
          tags: ['fx'],
          summary:
            'Set the longest an FX provider’s quotes (and reservations of them) may hold: by the provider’s own key or the operator (audited)',
          params: ProviderParams,
          body: QuoteLifetimeSet,
          response: { 200: QuoteLifetime, ...refused, ...commonErrors },
        },
      },
      async (request) =>
        hub.fx
          .setQuoteLifetime(request.params.id, request.body.maxTtlSeconds, actorOf(request))
          .catch(providerPath),
    );
  };
}

/** A service refusal about the provider: the provider is the one in the path. */
function providerPath(error: unknown): never {
  if (error instanceof HubError && (error.field === 'provider' || error.field === 'participant'))
    throw new HubError(error.code, { field: 'path.id', message: error.message });
  throw error;
}

/** A service refusal about the payment or quote id: the id is the one in the path. */
function pathId(error: unknown): never {
  if (error instanceof HubError && (error.field === 'id' || error.field === 'quote'))
    throw new HubError(error.code, { field: 'path.id', message: error.message });
  throw error;
}

/** A participant key pays only from accounts it owns or settles for (its customers', the vostro accounts it keeps). */
async function requirePayer(
  context: ApiContext,
  actor: Actor,
  account: AccountId,
  field: string,
): Promise<void> {
  if (actor.role === 'operator') return;
  await payerOf(context.hub.participants, actor, account.toLowerCase() as AccountId, field);
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

async function accountCurrency(
  context: ApiContext,
  account: AccountId,
  field: string,
): Promise<Currency> {
  const entry = await context.hub.participants.account(account.toLowerCase() as AccountId);
  if (entry === undefined)
    throw new HubError('account_not_found', {
      field,
      message: `account ${account} belongs to no participant`,
    });
  return currencyOf(entry.currency);
}

function currencyOf(code: string): Currency {
  const currency = currencyByCode(code);
  if (currency === undefined)
    throw new HubError('unknown_currency', {
      field: 'currency',
      message: `${code} is not a supported currency`,
    });
  return currency;
}

function capJson(status: CapStatus) {
  const currency = currencyOf(status.currency);
  return {
    participant: status.participant,
    currency: status.currency,
    cap: formatAmount(status.capMinor, currency),
    headroom: formatAmount(status.headroomMinor, currency),
    net: formatAmount(status.netMinor, currency),
  };
}

/** The window as the API shows it: its tally period is the ledger's bookkeeping, not part of the answer. */
function windowJson(window: WindowRecord) {
  const { tally: _tally, ...shown } = window;
  return {
    ...shown,
    ...(window.settlementTransfers === undefined
      ? {}
      : { settlementTransfers: [...window.settlementTransfers] }),
  };
}

/** Formats minor units of the window's currency as a decimal string. */
type AmountText = (minor: bigint) => string;

function amountsOf(window: WindowRecord): AmountText {
  const currency = currencyOf(window.currency);
  return (minor) => formatAmount(minor, currency);
}

function positionJson(position: NetPosition, amount: AmountText) {
  return {
    participant: position.participant,
    debits: amount(position.debitsMinor),
    credits: amount(position.creditsMinor),
    net: amount(position.netMinor),
  };
}

function instructionJson(instruction: SettlementInstruction, amount: AmountText) {
  return {
    kind: instruction.kind,
    participant: instruction.participant,
    amount: amount(instruction.amountMinor),
  };
}

function positionsJson(window: WindowRecord, netting: CurrencyNetting | undefined) {
  const amount = amountsOf(window);
  return {
    window: windowJson(window),
    currency: window.currency,
    transfers: netting?.transferCount ?? 0,
    gross: amount(netting?.grossMinor ?? 0n),
    moved: amount(netting?.movedMinor ?? 0n),
    efficiency: netting?.efficiency?.text ?? null,
    positions: (netting?.positions ?? []).map((position) => positionJson(position, amount)),
    instructions: (netting?.instructions ?? []).map((instruction) =>
      instructionJson(instruction, amount),
    ),
    bilateralInstructions: (netting?.bilateralInstructions ?? []).map((instruction) => ({
      payer: instruction.payer,
      payee: instruction.payee,
      amount: amount(instruction.amountMinor),
    })),
  };
}

/**
 * One participant's share of a window's netting: its entries of `positionsJson`'s positions and
 * instructions, and its bilateral nets seen from its side. One that had no interbank payment in the
 * window has a position of zeros, no instruction and no bilateral rows.
 */
function participantPositionJson(
  window: WindowRecord,
  netting: CurrencyNetting | undefined,
  participant: string,
) {
  const amount = amountsOf(window);
  const position = netting?.positions.find((entry) => entry.participant === participant) ?? {
    participant,
    debitsMinor: 0n,
    creditsMinor: 0n,
    netMinor: 0n,
  };
  const instruction = netting?.instructions.find((entry) => entry.participant === participant);
  return {
    window: windowJson(window),
    participant,
    currency: window.currency,
    position: positionJson(position, amount),
    instruction: instruction === undefined ? null : instructionJson(instruction, amount),
    bilateral: (netting?.bilateral ?? []).flatMap((pair) =>
      counterpartyNet(pair, participant, amount),
    ),
  };
}

/** The participant's row of a bilateral position (none when the pair is not its): net from its own side. */
function counterpartyNet(
  pair: BilateralPosition,
  participant: string,
  amount: AmountText,
): { counterparty: string; net: string }[] {
  if (pair.participantA === participant)
    return [{ counterparty: pair.participantB, net: amount(pair.netMinor) }];
  if (pair.participantB === participant)
    return [{ counterparty: pair.participantA, net: amount(-pair.netMinor) }];
  return [];
}

function quoteJson(quote: QuoteRecord) {
  const source = currencyOf(quote.sourceCurrency);
  const target = currencyOf(quote.targetCurrency);
  return {
    id: quote.id,
    status: quote.status,
    provider: quote.providerId,
    sourceCurrency: quote.sourceCurrency,
    targetCurrency: quote.targetCurrency,
    fixed: quote.side,
    sourceAmount: formatAmount(BigInt(quote.sourceAmountMinor), source),
    targetAmount: formatAmount(BigInt(quote.targetAmountMinor), target),
    fee: formatAmount(BigInt(quote.feeMinor), source),
    totalDebit: formatAmount(BigInt(quote.totalDebitMinor), source),
    referenceRate: quote.referenceRate,
    spreadBps: quote.spreadBps,
    rate: quote.rate,
    expiresAt: new Date(quote.expiresAtMs).toISOString(),
    ...(quote.payer === undefined ? {} : { payer: quote.payer }),
    ...(quote.payee === undefined ? {} : { payee: quote.payee }),
    ...(quote.transferIds === undefined ? {} : { transferIds: [...quote.transferIds] }),
    ...(quote.reservedUntilNs === undefined
      ? {}
      : {
          reservedUntil: new Date(Number(BigInt(quote.reservedUntilNs) / 1_000_000n)).toISOString(),
        }),
  };
}
