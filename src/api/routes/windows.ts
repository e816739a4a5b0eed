import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { formatAmount } from '../../ledger/currency.js';
import type {
  BilateralPosition,
  CurrencyNetting,
  NetPosition,
  SettlementInstruction,
} from '../../settlement/netting.js';
import type { WindowRecord } from '../../settlement/windows.js';
import { actorOf, participantNotFound } from '../access.js';
import type { ApiContext } from '../context.js';
import { commonErrors } from '../schemas.js';
import {
  CurrencyParams,
  ParticipantPosition,
  ParticipantWindowParams,
  Positions,
  WindowClose,
  WindowClosed,
  WindowList,
  WindowParams,
} from '../settlement-schemas.js';
import { currencyOf, refused } from './settlement-common.js';

const STAFF = ['operator', 'auditor'] as const;

/**
 * Settlement windows: list a currency's, close the open one, read a closed window's net positions
 * (every participant's for staff; its own for a participant key) and settle it.
 */
export function windowRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    listWindows(app, context);
    closeWindow(app, context);
    windowPositions(app, context);
    participantPosition(app, context);
    settleWindow(app, context);
  };
}

function listWindows(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Querystring: CurrencyParams }>(
    '/windows',
    {
      config: { access: { roles: [...STAFF] } },
      schema: {
        tags: ['settlement'],
        operationId: 'listWindows',
        summary: 'The settlement windows of a currency, oldest first (the last is open)',
        querystring: CurrencyParams,
        response: { 200: WindowList, ...commonErrors },
      },
    },
    async (request) => ({
      data: (await context.hub.windows.list(request.query.currency)).map(windowJson),
    }),
  );
}

function closeWindow(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Body: WindowClose }>(
    '/windows/close',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        operationId: 'closeWindow',
        summary:
          'Close the open window of a currency and open the next; every transfer lands in exactly one window',
        body: WindowClose,
        response: { 200: WindowClosed, ...refused, ...commonErrors },
      },
    },
    async (request) => {
      const { closed, opened } = await context.hub.windows.close(
        request.body.currency,
        actorOf(request),
        request.body.window,
      );
      return { closed: windowJson(closed), opened: windowJson(opened) };
    },
  );
}

function windowPositions(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: WindowParams }>(
    '/windows/:id/positions',
    {
      config: { access: { roles: [...STAFF] } },
      schema: {
        tags: ['settlement'],
        operationId: 'getWindowPositions',
        summary:
          'Net positions (multilateral and bilateral) and settlement instructions of a closed window',
        params: WindowParams,
        response: { 200: Positions, ...refused, ...commonErrors },
      },
    },
    async (request) => {
      const { window, netting } = await context.hub.windows.net(request.params.id);
      return positionsJson(window, netting);
    },
  );
}

function participantPosition(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: ParticipantWindowParams }>(
    '/participants/:id/windows/:window/position',
    {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'participant' } },
      schema: {
        tags: ['settlement'],
        operationId: 'getParticipantPosition',
        summary:
          'A participant’s net position, settlement instruction and bilateral nets in a closed window',
        params: ParticipantWindowParams,
        response: { 200: ParticipantPosition, ...refused, ...commonErrors },
      },
    },
    async (request) => {
      const { id, window: windowId } = request.params;
      // A participant key reaches only its own id (the scope check); staff may name anyone who exists.
      if ((await context.hub.participants.find(id)) === undefined) throw participantNotFound(id);
      const { window, netting } = await context.hub.windows.net(windowId);
      return participantPositionJson(window, netting, id);
    },
  );
}

function settleWindow(app: FastifyInstance, context: ApiContext): void {
  app.post<{ Params: WindowParams }>(
    '/windows/:id/settle',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        operationId: 'settleWindow',
        summary:
          'Write a closed window’s settlement instructions as transfers, all or none, and mark it settled',
        params: WindowParams,
        response: { 200: Positions, ...refused, ...commonErrors },
      },
    },
    async (request) => {
      const { window, netting } = await context.hub.windows.settle(
        request.params.id,
        actorOf(request),
      );
      return positionsJson(window, netting);
    },
  );
}

/**
 * The window as the API shows it, field by field: its tally period is the ledger's bookkeeping, not
 * part of the answer. A field the window does not have yet is undefined, which JSON leaves out.
 */
function windowJson(window: WindowRecord) {
  return {
    id: window.id,
    currency: window.currency,
    seq: window.seq,
    status: window.status,
    openedAfter: window.openedAfter,
    closedAt: window.closedAt,
    openedAtIso: window.openedAtIso,
    closedAtIso: window.closedAtIso,
    closedBy: window.closedBy,
    settledAtIso: window.settledAtIso,
    settlementTransfers:
      window.settlementTransfers === undefined ? undefined : [...window.settlementTransfers],
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
