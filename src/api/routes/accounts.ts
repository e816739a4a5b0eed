import type { FastifyPluginAsync } from 'fastify';
import { currencyCode } from '../../views/amounts.js';
import { accountKindName } from '../../ledger/model.js';
import type { AuditEntry } from '../../store/records.js';
import { ACCOUNT_RESULT_MESSAGES, type CreateAccountResult } from '../../ledger/results.js';
import type { Account as AccountValue, AccountInput } from '../../ledger/model.js';
import { requestAudit } from '../access.js';
import type { ApiContext } from '../context.js';
import { accountIdOf, accountInput, itemInputs } from '../from-json.js';
import { pageLimit, parseCursor } from '../paging.js';
import { ApiProblem, notFound } from '../problems.js';
import { ACCOUNT_RESULT_STATUS } from '../result-status.js';
import {
  Account,
  AccountBatch,
  AccountBatchResults,
  AccountCreate,
  AccountListQuery,
  IdParams,
  Page,
  commonErrors,
  problemResponse,
} from '../schemas.js';
import { accountJson } from '../to-json.js';
import { batchSummary } from './batch.js';

/** Accounts: create one or a batch, get one, list by owner a page at a time. */
export function accountRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: AccountCreate }>(
      '/accounts',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['accounts'],
          operationId: 'createAccount',
          summary: 'Create an account (the id is the idempotency key)',
          body: AccountCreate,
          response: {
            200: Account,
            201: Account,
            409: problemResponse('conflicts with what is stored'),
            422: problemResponse('refused by the ledger'),
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const input = accountInput(request.body);
        const audit = requestAudit(context, request, 'accounts.create', input.id, {
          owner: input.owner,
          currency: currencyCode(input.ledger),
          kind: accountKindName(input.code),
        });
        const result = await createOne(context, input, audit);
        const [account] = await context.ledger.lookupAccounts([input.id]);
        if (account === undefined)
          throw new Error(`bug: account ${input.id} was ${result} but cannot be read back`);
        return reply.code(ACCOUNT_RESULT_STATUS[result]).send(accountJson(account));
      },
    );

    app.post<{ Body: { accounts: AccountCreate[] } }>(
      '/accounts/batch',
      {
        config: { access: { roles: ['operator'] } },
        bodyLimit: context.limits.bodyBytesMax,
        schema: {
          tags: ['accounts'],
          operationId: 'createAccounts',
          summary: `Create up to ${context.limits.batchItemsMax} accounts; one result per item`,
          body: AccountBatch,
          response: { 200: AccountBatchResults, ...commonErrors },
        },
      },
      async (request) => {
        const items = request.body.accounts;
        checkBatchSize(items.length, context.limits.batchItemsMax);
        const inputs = itemInputs(items, '/accounts', accountInput);
        const audit = requestAudit(
          context,
          request,
          'accounts.create_batch',
          undefined,
          batchDetail(inputs),
        );
        const outcome = await context.ledger.createAccounts(inputs, { audit: [audit] });
        if (!outcome.ok)
          throw new ApiProblem(
            400,
            outcome.error,
            `a batch holds at most ${context.limits.batchItemsMax} items`,
          );
        return batchSummary(inputs, outcome.results, ACCOUNT_RESULT_STATUS);
      },
    );

    app.get<{ Params: IdParams }>(
      '/accounts/:id',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'account' } },
        schema: {
          tags: ['accounts'],
          operationId: 'getAccount',
          summary: 'Get an account with its balances',
          params: IdParams,
          response: { 200: Account, 404: problemResponse('not found'), ...commonErrors },
        },
      },
      async (request) => accountJson(await requireAccount(context, request.params.id)),
    );

    app.get<{ Querystring: AccountListQuery }>(
      '/accounts',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'owner' } },
        schema: {
          tags: ['accounts'],
          operationId: 'listAccounts',
          summary:
            'List accounts (of one owner; a participant key: its own), oldest first, a page at a time',
          querystring: AccountListQuery,
          response: { 200: Page(Account), ...commonErrors },
        },
      },
      async (request) => {
        const limit = pageLimit(request.query.limit, context.limits);
        const afterTimestamp = parseCursor(request.query.after, 'query.after');
        const accounts = await context.store.listAccounts({
          owner: request.query.owner,
          afterTimestamp,
          limit: limit + 1,
        });
        const page = accounts.slice(0, limit);
        const last = page.at(-1);
        return {
          data: page.map(accountJson),
          next: accounts.length > limit && last !== undefined ? last.timestamp.toString() : null,
        };
      },
    );
  };
}

async function createOne(
  context: ApiContext,
  input: AccountInput,
  audit: AuditEntry,
): Promise<CreateAccountResult> {
  const outcome = await context.ledger.createAccounts([input], { audit: [audit] });
  if (!outcome.ok) throw new Error(`bug: a batch of one account was refused as ${outcome.error}`);
  const result = outcome.results[0] ?? 'ok';
  if (result !== 'ok' && result !== 'exists')
    throw new ApiProblem(ACCOUNT_RESULT_STATUS[result], result, ACCOUNT_RESULT_MESSAGES[result]);
  return result;
}

/** The account named in the path (`path.id`); 404 when there is none. */
export async function requireAccount(context: ApiContext, idText: string): Promise<AccountValue> {
  const id = accountIdOf(idText, 'path.id');
  const [account] = await context.ledger.lookupAccounts([id]);
  if (account === undefined) throw notFound('account', id);
  return account;
}

export function checkBatchSize(size: number, max: number): void {
  if (size > max)
    throw new ApiProblem(
      400,
      'batch_too_large',
      `a batch holds at most ${max} items; this one has ${size}`,
      { errors: [{ field: '/', reason: `more than ${max} items` }] },
    );
}

/** What the audit log says about a batch: its size and first and last ids (the journal has every item). */
export function batchDetail(items: readonly { readonly id: string }[]): {
  count: number;
  firstId: string;
  lastId: string;
} {
  return { count: items.length, firstId: items[0]?.id ?? '', lastId: items.at(-1)?.id ?? '' };
}
