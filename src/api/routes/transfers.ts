import type { FastifyPluginAsync } from 'fastify';
import { amountText } from '../../views/amounts.js';
import type { AuditEntry } from '../../store/records.js';
import { currencyByLedger } from '../../ledger/currency.js';
import { TransferFlags } from '../../ledger/flags.js';
import type { StoredTransfer, TransferInput } from '../../ledger/model.js';
import { TRANSFER_RESULT_MESSAGES } from '../../ledger/results.js';
import { requestAudit } from '../access.js';
import type { ApiContext } from '../context.js';
import { itemInputs, resolveInput, transferIdOf, transferInput } from '../from-json.js';
import { pageLimit, parseCursor } from '../paging.js';
import { ApiProblem, notFound } from '../problems.js';
import { TRANSFER_RESULT_STATUS } from '../result-status.js';
import {
  IdParams,
  Page,
  PendingResolve,
  problemResponse,
  Transfer,
  TransferBatch,
  TransferBatchResults,
  TransferCreate,
  TransferListQuery,
  commonErrors,
} from '../schemas.js';
import { transferJson } from '../to-json.js';
import { batchDetail, checkBatchSize, requireAccount } from './accounts.js';
import { batchSummary } from './batch.js';

const singleResponses = {
  200: Transfer,
  201: Transfer,
  409: problemResponse('conflicts with what is stored'),
  422: problemResponse('refused by the ledger'),
  ...commonErrors,
} as const;

/** Transfers: create one (through group commit) or a batch, get one, list an account's, post or void a pending one. */
export function transferRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: TransferCreate }>(
      '/transfers',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['transfers'],
          operationId: 'createTransfer',
          summary:
            'Create a transfer (the id is the idempotency key: a retry returns the original)',
          body: TransferCreate,
          response: singleResponses,
        },
      },
      async (request, reply) => {
        const input = transferInput(request.body);
        const audit = requestAudit(
          context,
          request,
          'transfers.create',
          input.id,
          transferDetail(input),
        );
        const { status, transfer } = await submitOne(context, input, audit);
        return reply.code(status).send(transferJson(transfer));
      },
    );

    app.post<{ Body: { transfers: TransferCreate[] } }>(
      '/transfers/batch',
      {
        config: { access: { roles: ['operator'] } },
        bodyLimit: context.limits.bodyBytesMax,
        schema: {
          tags: ['transfers'],
          operationId: 'createTransfers',
          summary: `Create up to ${context.limits.batchItemsMax} transfers in one transaction; one result per item`,
          body: TransferBatch,
          response: { 200: TransferBatchResults, ...commonErrors },
        },
      },
      async (request) => {
        const items = request.body.transfers;
        checkBatchSize(items.length, context.limits.batchItemsMax);
        const inputs = itemInputs(items, '/transfers', transferInput);
        const audit = requestAudit(
          context,
          request,
          'transfers.create_batch',
          undefined,
          batchDetail(inputs),
        );
        const outcome = await context.ledger.createTransfers(inputs, { audit: [audit] });
        if (!outcome.ok)
          throw new ApiProblem(
            400,
            outcome.error,
            `a batch holds at most ${context.limits.batchItemsMax} items`,
          );
        const summary = batchSummary(inputs, outcome.results, TRANSFER_RESULT_STATUS);
        context.metrics.transfersCreated(summary.created);
        return summary;
      },
    );

    app.get<{ Params: IdParams }>(
      '/transfers/:id',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'transfer' } },
        schema: {
          tags: ['transfers'],
          operationId: 'getTransfer',
          summary: 'Get a transfer; a pending one says whether it was posted, voided or expired',
          params: IdParams,
          response: { 200: Transfer, 404: problemResponse('not found'), ...commonErrors },
        },
      },
      async (request) => transferJson(await requireTransfer(context, request.params.id)),
    );

    app.get<{ Params: IdParams; Querystring: TransferListQuery }>(
      '/accounts/:id/transfers',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'account' } },
        schema: {
          tags: ['transfers'],
          operationId: 'listAccountTransfers',
          summary: "An account's transfers, newest first, a page at a time",
          params: IdParams,
          querystring: TransferListQuery,
          response: { 200: Page(Transfer), 404: problemResponse('not found'), ...commonErrors },
        },
      },
      async (request) => {
        const account = await requireAccount(context, request.params.id);
        const limit = pageLimit(request.query.limit, context.limits);
        const beforeTimestamp = parseCursor(request.query.before, 'query.before');
        const transfers = await context.store.listAccountTransfers({
          accountId: account.id,
          beforeTimestamp,
          limit: limit + 1,
        });
        const page = transfers.slice(0, limit);
        const last = page.at(-1);
        return {
          data: page.map(transferJson),
          next: transfers.length > limit && last !== undefined ? last.timestamp.toString() : null,
        };
      },
    );

    for (const [action, flags] of [
      ['post', TransferFlags.postPending],
      ['void', TransferFlags.voidPending],
    ] as const) {
      app.post<{ Params: IdParams; Body: PendingResolve }>(
        `/transfers/:id/${action}`,
        {
          config: { access: { roles: ['operator'] } },
          schema: {
            tags: ['transfers'],
            operationId: `${action}PendingTransfer`,
            summary:
              action === 'post'
                ? 'Post a pending transfer, all of it or part'
                : 'Void a pending transfer',
            params: IdParams,
            body: PendingResolve,
            response: { ...singleResponses, 404: problemResponse('not found') },
          },
        },
        async (request, reply) => {
          const pending = await requireTransfer(context, request.params.id);
          const currency = currencyByLedger(pending.ledger);
          if (currency === undefined)
            throw new Error(
              `bug: transfer ${pending.id} is in ledger ${pending.ledger}, no known currency`,
            );
          const input = resolveInput({
            body: request.body,
            pendingId: pending.id,
            currency,
            flags,
          });
          const audit = requestAudit(context, request, `transfers.${action}`, input.id, {
            pendingId: pending.id,
            ...(request.body.amount === undefined
              ? {}
              : { amount: amountText(input.amount, input.ledger) }),
            currency: currency.code,
          });
          const { status, transfer } = await submitOne(context, input, audit);
          return reply.code(status).send(transferJson(transfer));
        },
      );
    }
  };
}

/**
 * One transfer through the group committer, so concurrent requests share a transaction. A new
 * transfer is answered with the record the ledger stored (handed out after the commit), not read
 * back: the read-back was a twelfth of the server's time per request. `exists` is the idempotent
 * retry: the stored transfer is read and comes back with 200, and nothing new is written.
 */
async function submitOne(
  context: ApiContext,
  input: TransferInput,
  audit: AuditEntry,
): Promise<{ status: number; transfer: StoredTransfer }> {
  const { result, stored } = await context.committer.submitStored(input, audit);
  if (result !== 'ok' && result !== 'exists')
    throw new ApiProblem(TRANSFER_RESULT_STATUS[result], result, TRANSFER_RESULT_MESSAGES[result]);
  if (result === 'ok') context.metrics.transfersCreated(1);
  const [transfer] =
    stored !== undefined ? [stored] : await context.ledger.lookupTransfers([input.id]);
  if (transfer === undefined)
    throw new Error(`bug: transfer ${input.id} was ${result} but cannot be read back`);
  return { status: TRANSFER_RESULT_STATUS[result], transfer };
}

async function requireTransfer(context: ApiContext, idText: string): Promise<StoredTransfer> {
  const id = transferIdOf(idText, 'path.id');
  const [transfer] = await context.ledger.lookupTransfers([id]);
  if (transfer === undefined) throw notFound('transfer', id);
  return transfer;
}

/** What the audit log says about one transfer request: its accounts, amount and kind. */
function transferDetail(input: TransferInput): {
  debitAccountId: string;
  creditAccountId: string;
  amount: string;
  currency: string;
  code: number;
  pending: boolean;
} {
  return {
    debitAccountId: input.debitAccountId,
    creditAccountId: input.creditAccountId,
    amount: amountText(input.amount, input.ledger),
    currency: currencyByLedger(input.ledger)?.code ?? String(input.ledger),
    code: input.code,
    pending: (input.flags & TransferFlags.pending) !== 0,
  };
}
