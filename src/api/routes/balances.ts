import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { currencyByLedger, formatAmount } from '../../ledger/currency.js';
import { HistoryTooLongError, postedAmount, postedSnapshot } from '../../ledger/account-history.js';
import { isoOfNs, parseInstant } from '../../domain/time.js';
import { ApiProblem } from '../problems.js';
import { Amount, SignedAmount } from '../schemas.js';
import type { ApiContext } from '../context.js';
import { AccountBalance, IdParams, problemResponse, commonErrors } from '../schemas.js';
import { accountBalanceJson } from '../to-json.js';
import { requireAccount } from './accounts.js';

/** Balances of one account and its history; the verifier is in verify.ts. */
export function balanceRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: IdParams }>(
      '/accounts/:id/balance',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'account' } },
        schema: {
          tags: ['balances'],
          operationId: 'getAccountBalance',
          summary: "An account's posted and pending balances",
          params: IdParams,
          response: { 200: AccountBalance, 404: problemResponse('not found'), ...commonErrors },
        },
      },
      async (request) =>
        accountBalanceJson(
          await requireAccount(context, request.params.id),
          context.ledger.clock.nowNs(),
        ),
    );

    app.get<{ Params: IdParams; Querystring: BalanceHistoryQuery }>(
      '/accounts/:id/balance-history',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'account' } },
        schema: {
          tags: ['balances'],
          operationId: 'getAccountBalanceHistory',
          summary:
            "An account's posted balance over [from, to): the opening balance, every posting with the balance after it (oldest first), the closing balance",
          params: IdParams,
          querystring: BalanceHistoryQuery,
          response: { 200: BalanceHistory, 404: problemResponse('not found'), ...commonErrors },
        },
      },
      async (request) => {
        const account = await requireAccount(context, request.params.id);
        const currency = currencyByLedger(account.ledger);
        if (currency === undefined)
          throw new Error(`bug: account ${account.id} in ledger ${account.ledger}`);
        const instant = (text: string, field: string): bigint =>
          parseInstant(/^[0-9]{1,19}$/.test(text) ? BigInt(text) : text, field);
        const sinceNs = instant(request.query.from, 'query.from');
        const untilNs =
          request.query.to === undefined ? undefined : instant(request.query.to, 'query.to');
        if (untilNs !== undefined && untilNs <= sinceNs)
          throw new ApiProblem(400, 'invalid_period', 'the period must end after it starts', {
            errors: [{ field: 'query.to', reason: 'not after from' }],
          });
        const limit = Math.min(
          Number(request.query.limit ?? context.limits.pageItemsMax),
          context.limits.pageItemsMax,
        );
        let snapshot;
        try {
          snapshot = await postedSnapshot(context.store, account.id, {
            sinceNs,
            ...(untilNs === undefined ? {} : { untilNs }),
            maxMovements: limit,
          });
        } catch (error) {
          if (!(error instanceof HistoryTooLongError)) throw error;
          throw new ApiProblem(
            400,
            'period_too_long',
            `more than ${limit} postings in the period; ask for a shorter one`,
            { errors: [{ field: 'query.from', reason: 'too many postings' }] },
          );
        }
        if (snapshot === undefined) throw new Error(`bug: account ${account.id} vanished`);
        const closing = snapshot.creditsPosted - snapshot.debitsPosted - snapshot.laterCreditMinor;
        let balance = closing;
        for (const transfer of snapshot.movements)
          balance -=
            transfer.creditAccountId === account.id
              ? postedAmount(transfer)
              : -postedAmount(transfer);
        const opening = balance;
        const data = [...snapshot.movements]
          .reverse()
          .filter((transfer) => postedAmount(transfer) > 0n)
          .map((transfer) => {
            const credit = transfer.creditAccountId === account.id;
            balance += credit ? postedAmount(transfer) : -postedAmount(transfer);
            return {
              transferId: transfer.id,
              timestamp: transfer.timestamp.toString(),
              time: isoOfNs(transfer.timestamp),
              side: credit ? ('credit' as const) : ('debit' as const),
              amount: formatAmount(postedAmount(transfer), currency),
              balance: formatAmount(balance, currency),
            };
          });
        return {
          accountId: account.id,
          currency: currency.code,
          from: isoOfNs(sinceNs),
          to: untilNs === undefined ? null : isoOfNs(untilNs),
          opening: formatAmount(opening, currency),
          closing: formatAmount(closing, currency),
          data,
        };
      },
    );
  };
}

const BalanceHistoryQuery = Type.Object(
  {
    from: Type.String({
      maxLength: 40,
      description: 'YYYY-MM-DD (00:00 UTC), an ISO date-time with a zone, or a timestamp in ns',
    }),
    to: Type.Optional(
      Type.String({ maxLength: 40, description: 'end of the period, exclusive (default: now)' }),
    ),
    limit: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,4}$',
        description: 'most postings (at most the page limit)',
      }),
    ),
  },
  { additionalProperties: false },
);
type BalanceHistoryQuery = Static<typeof BalanceHistoryQuery>;

const BalanceHistory = Type.Object(
  {
    accountId: Type.String(),
    currency: Type.String(),
    from: Type.String(),
    to: Type.Union([Type.String(), Type.Null()]),
    opening: SignedAmount,
    closing: SignedAmount,
    data: Type.Array(
      Type.Object(
        {
          transferId: Type.String(),
          timestamp: Type.String(),
          time: Type.String(),
          side: Type.Union([Type.Literal('debit'), Type.Literal('credit')]),
          amount: Amount,
          balance: SignedAmount,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
