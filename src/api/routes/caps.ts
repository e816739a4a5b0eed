import { supportedCurrency } from '../../domain/errors.js';
import { capJson } from '../to-json.js';
import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { amountMinor } from '../from-json.js';
import { commonErrors } from '../schemas.js';
import { CapParams, CapSet, CapStatus as CapStatusSchema } from '../settlement-schemas.js';
import { refused } from './settlement-common.js';

/**
 * Net debit caps: the operator sets a settling participant's cap in a currency; the participant
 * (and staff) read its cap, the headroom left and its net position in the open window.
 */
export function capRoutes(context: ApiContext): FastifyPluginAsync {
  const hub = context.hub;
  return async (app) => {
    app.put<{ Params: CapParams; Body: CapSet }>(
      '/participants/:id/caps/:currency',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['settlement'],
          operationId: 'setParticipantCap',
          summary: 'Set a settling participant’s net debit cap in a currency (audited)',
          params: CapParams,
          body: CapSet,
          response: { 200: CapStatusSchema, ...refused, ...commonErrors },
        },
      },
      async (request) => {
        const currency = supportedCurrency(request.params.currency);
        const cap = amountMinor(request.body.cap, currency, 'cap', true);
        return capJson(await hub.caps.set(request.params.id, currency.code, cap, actorOf(request)));
      },
    );

    app.get<{ Params: CapParams }>(
      '/participants/:id/caps/:currency',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'participant' } },
        schema: {
          tags: ['settlement'],
          operationId: 'getParticipantCap',
          summary: 'A participant’s cap, headroom left and net position in the open window',
          params: CapParams,
          response: { 200: CapStatusSchema, ...refused, ...commonErrors },
        },
      },
      async (request) => capJson(await hub.caps.status(request.params.id, request.params.currency)),
    );
  };
}
