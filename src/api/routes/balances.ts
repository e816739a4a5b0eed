import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../context.js';
import { AccountBalance, IdParams, problemResponse, VerifyReport, commonErrors } from '../schemas.js';
import { accountBalanceJson, verifyReportJson } from '../to-json.js';
import { verifyLedger, type VerifyReport as VerifyReportValue } from '../../ledger/verify.js';
import { requireAccount } from './accounts.js';

/** Balances of one account, and the verifier's report on the whole ledger. */
export function balanceRoutes(context: ApiContext): FastifyPluginAsync {
  // A verification replays the whole journal; callers that ask while one runs share its result
  // instead of starting another replay each.
  let running: Promise<VerifyReportValue> | undefined;

  return async (app) => {
    app.get<{ Params: IdParams }>('/accounts/:id/balance', {
      config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'account' } },
      schema: { tags: ['balances'], summary: "An account's posted and pending balances", params: IdParams, response: { 200: AccountBalance, 404: problemResponse('not found'), ...commonErrors } },
    }, async (request) => accountBalanceJson(await requireAccount(context, request.params.id), context.ledger.clock.nowNs()));

    app.get('/verify', {
      config: { access: { roles: ['operator', 'auditor'] } },
      schema: {
        tags: ['verify'],
        summary: 'Replay the journal: hash chain, every balance, debits = credits per currency (cost grows with the ledger)',
        response: { 200: VerifyReport, ...commonErrors },
      },
    }, async () => {
      running ??= verifyLedger(context.store).finally(() => (running = undefined));
      return verifyReportJson(await running);
    });
  };
}
