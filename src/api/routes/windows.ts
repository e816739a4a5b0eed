import { participantPositionJson, positionsJson, windowJson } from '../to-json.js';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
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
import { refused } from './settlement-common.js';

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
