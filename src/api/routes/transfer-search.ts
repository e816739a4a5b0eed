import type { FastifyPluginAsync } from 'fastify';
import { HubError } from '../../domain/errors.js';
import { parseInstant } from '../../domain/time.js';
import { currencyByCode, type Currency } from '../../ledger/currency.js';
import { TransferFlags } from '../../ledger/flags.js';
import { derivedId, expiryTransferId, type AccountId, type TransferId } from '../../ledger/ids.js';
import type { StoredTransfer } from '../../ledger/model.js';
import {
  InvalidCursorError,
  transferStatus,
  type TransferSearchQuery as StoreQuery,
  type TransferStatus,
} from '../../store/transfer-search.js';
import { transferFoundJson } from '../../views/transfers.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { amountMinor, transferIdOf } from '../from-json.js';
import { pageLimit } from '../paging.js';
import { ApiProblem, invalidField, notFound } from '../problems.js';
import {
  commonErrors,
  IdParams,
  Page,
  problemResponse,
  TransferChain,
  TransferFound,
  TransferSearchQuery,
} from '../schemas.js';

/** The most transfers one page of a search examines (see src/store/transfer-search.ts). */
const SCAN_MAX = 1_000;
/** The most accounts a participant search walks; a participant with more searches by account. */
const ACCOUNTS_MAX = 400;
/** How far each way from a transfer its linked chain is read. */
const CHAIN_REACH = 64;

/**
 * Finding transfers: a search by participant, currency, amount, status and time, newest first
 * (`GET /v1/transfers`), and the linked chain a transfer belongs to with what resolved its pending
 * legs (`GET /v1/transfers/{id}/chain`): the payments page of the dashboard and a payment's story.
 *
 * A participant key sees exactly what `GET /v1/transfers/{id}` shows it: transfers debiting or
 * crediting an account it owns. Its search is always of its own accounts; a chain shows it only
 * the legs on its own accounts, and a transfer it may not see is the same 404 as one that does
 * not exist.
 */
export function transferSearchRoutes(context: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: TransferSearchQuery }>(
      '/transfers',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'handler' } },
        schema: {
          tags: ['transfers'],
          operationId: 'searchTransfers',
          summary:
            'Search transfers by participant, currency, amount, status and time, newest first; a page may be short (even empty) and still have a next: follow next until null',
          querystring: TransferSearchQuery,
          response: {
            200: Page(TransferFound),
            404: problemResponse('no such participant'),
            ...commonErrors,
          },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const query = request.query;
        let participant = query.participant;
        if (actor.role === 'participant') {
          if (participant === undefined) participant = actor.participant;
          else if (participant !== actor.participant)
            throw new ApiProblem(
              403,
              'forbidden',
              `a participant key searches only its own transfers: leave out participant or pass participant=${actor.participant ?? ''}`,
              { errors: [{ field: 'query.participant', reason: "not this key's participant" }] },
            );
        }
        const limit = pageLimit(query.limit, context.limits);
        const storeQuery: StoreQuery = {
          ...(participant === undefined
            ? {}
            : { accounts: await accountsOf(context, participant, actor.role !== 'participant') }),
          ...amountFilter(query),
          ...statusFilter(query.status),
          ...timeFilter(query.from, query.to),
          ...(query.before === undefined ? {} : { cursor: query.before }),
          limit,
          scanMax: SCAN_MAX,
        };
        const page = await context.store.searchTransfers(storeQuery).catch((error: unknown) => {
          if (error instanceof InvalidCursorError)
            throw invalidField('query.before', error.message);
          throw error;
        });
        return {
          data: await foundJson(context, page.transfers),
          next: page.next ?? null,
        };
      },
    );

    app.get<{ Params: IdParams }>(
      '/transfers/:id/chain',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'transfer' } },
        schema: {
          tags: ['transfers'],
          operationId: 'getTransferChain',
          summary:
            "The linked chain a transfer belongs to (a payment's legs, an FX execution's), in order, and the transfers that resolved its pending legs",
          params: IdParams,
          response: { 200: TransferChain, 404: problemResponse('not found'), ...commonErrors },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const id = transferIdOf(request.params.id, 'path.id');
        const [transfer] = await context.ledger.lookupTransfers([id]);
        if (transfer === undefined) throw notFound('transfer', id);
        const { legs, complete } = await linkedChain(context, transfer);
        const resolutions = await resolutionsOf(context, legs);
        const owners = await ownersOf(context, [...legs, ...resolutions]);
        const visible = (item: StoredTransfer): boolean =>
          actor.role !== 'participant' ||
          owners.get(item.debitAccountId) === actor.participant ||
          owners.get(item.creditAccountId) === actor.participant;
        const json = (items: StoredTransfer[]) =>
          items
            .filter(visible)
            .map((item) => transferFoundJson(item, owners, transferStatus(item)));
        return { data: json(legs), resolutions: json(resolutions), complete };
      },
    );
  };
}

/** Every account `participant` owns; for staff, a participant that does not exist is a 404. */
async function accountsOf(
  context: ApiContext,
  participant: string,
  mustExist: boolean,
): Promise<AccountId[]> {
  if (mustExist && (await context.hub.participants.find(participant)) === undefined)
    throw new HubError('participant_not_found', {
      field: 'query.participant',
      message: `no participant ${participant}`,
    });
  const accounts: AccountId[] = [];
  let afterTimestamp = 0n;
  for (;;) {
    const page = await context.store.listAccounts({
      owner: participant,
      afterTimestamp,
      limit: 500,
    });
    accounts.push(...page.map((account) => account.id));
    if (accounts.length > ACCOUNTS_MAX)
      throw new ApiProblem(
        422,
        'too_many_accounts',
        `participant ${participant} holds more than ${ACCOUNTS_MAX} accounts: search one account's transfers with GET /v1/accounts/{id}/transfers`,
        {
          errors: [{ field: 'query.participant', reason: 'too many accounts to search together' }],
        },
      );
    const last = page.at(-1);
    if (last === undefined || page.length < 500) return accounts;
    afterTimestamp = last.timestamp;
  }
}

function amountFilter(
  query: TransferSearchQuery,
): Pick<StoreQuery, 'ledger' | 'amountMin' | 'amountMax'> {
  const currency: Currency | undefined =
    query.currency === undefined ? undefined : currencyByCode(query.currency);
  const given = (['amount', 'amountMin', 'amountMax'] as const).filter(
    (name) => query[name] !== undefined,
  );
  if (currency === undefined) {
    const first = given[0];
    if (first !== undefined)
      throw invalidField(
        `query.${first}`,
        'an amount is in a currency: give currency too (e.g. currency=INR)',
      );
    return {};
  }
  const ledger = { ledger: currency.ledger };
  if (query.amount !== undefined) {
    const other = given.find((name) => name !== 'amount');
    if (other !== undefined)
      throw invalidField(`query.${other}`, 'give amount, or amountMin and amountMax, not both');
    const exact = amountMinor(query.amount, currency, 'query.amount', true);
    return { ...ledger, amountMin: exact, amountMax: exact };
  }
  const min =
    query.amountMin === undefined
      ? undefined
      : amountMinor(query.amountMin, currency, 'query.amountMin', true);
  const max =
    query.amountMax === undefined
      ? undefined
      : amountMinor(query.amountMax, currency, 'query.amountMax', true);
  if (min !== undefined && max !== undefined && min > max)
    throw invalidField('query.amountMax', 'must not be less than amountMin');
  return {
    ...ledger,
    ...(min === undefined ? {} : { amountMin: min }),
    ...(max === undefined ? {} : { amountMax: max }),
  };
}

function statusFilter(text: string | undefined): Pick<StoreQuery, 'statuses'> {
  if (text === undefined) return {};
  return { statuses: [...new Set(text.split(','))] as TransferStatus[] };
}

function timeFilter(
  from: string | undefined,
  to: string | undefined,
): Pick<StoreQuery, 'fromTimestamp' | 'toTimestamp'> {
  const fromTimestamp = from === undefined ? undefined : parseInstant(from, 'query.from');
  const toTimestamp = to === undefined ? undefined : parseInstant(to, 'query.to');
  if (fromTimestamp !== undefined && toTimestamp !== undefined && toTimestamp <= fromTimestamp)
    throw invalidField('query.to', 'must be after from');
  return {
    ...(fromTimestamp === undefined ? {} : { fromTimestamp }),
    ...(toTimestamp === undefined ? {} : { toTimestamp }),
  };
}

async function ownersOf(
  context: ApiContext,
  transfers: readonly StoredTransfer[],
): Promise<Map<string, string>> {
  const ids = new Set<AccountId>();
  for (const transfer of transfers) ids.add(transfer.debitAccountId).add(transfer.creditAccountId);
  const accounts = await context.ledger.lookupAccounts([...ids]);
  return new Map(accounts.map((account) => [account.id as string, account.owner]));
}

async function foundJson(context: ApiContext, transfers: readonly StoredTransfer[]) {
  const owners = await ownersOf(context, transfers);
  return transfers.map((transfer) => transferFoundJson(transfer, owners, transferStatus(transfer)));
}

/**
 * The linked chain `transfer` belongs to. A chain is written as consecutive events of one batch,
 * and a batch's transfers are stamped `first + index`, so a chain's legs have consecutive
 * timestamps: the chain is the run around the transfer in which every leg but the last is linked.
 */
async function linkedChain(
  context: ApiContext,
  transfer: StoredTransfer,
): Promise<{ legs: StoredTransfer[]; complete: boolean }> {
  const at = transfer.timestamp;
  const lowest = at > BigInt(CHAIN_REACH) ? at - BigInt(CHAIN_REACH) : 0n;
  const around = await context.store.transfersInRange(lowest, at + BigInt(CHAIN_REACH));
  const byTimestamp = new Map(around.map((item) => [item.timestamp, item]));
  const linked = (item: StoredTransfer | undefined): boolean =>
    item !== undefined && (item.flags & TransferFlags.linked) !== 0;
  let first = at;
  while (linked(byTimestamp.get(first - 1n))) first -= 1n;
  let last = at;
  while (linked(byTimestamp.get(last))) last += 1n;
  const legs: StoredTransfer[] = [];
  for (let timestamp = first; timestamp <= last; timestamp += 1n) {
    const item = byTimestamp.get(timestamp);
    if (item !== undefined) legs.push(item);
  }
  // Complete when the transfer before the first leg was read (or there is none) and the last is unlinked.
  const complete =
    (first > lowest || lowest === 0n) && byTimestamp.has(last) && !linked(byTimestamp.get(last));
  return { legs, complete };
}

/**
 * The transfers that resolved the chain's pending legs, where the hub chose their ids: a payment's
 * or quote's post and void (`vostro:post:<first leg>:<index>`, src/settlement/legs.ts) and the
 * ledger's expiry of each leg. A raw transfer posted or voided through /v1/transfers/{id}/post
 * carries the id its client chose and is not found here (its leg's status still says what became of it).
 */
async function resolutionsOf(
  context: ApiContext,
  legs: readonly StoredTransfer[],
): Promise<StoredTransfer[]> {
  const operation = legs[0]?.id;
  const candidates: TransferId[] = [];
  legs.forEach((leg, index) => {
    if ((leg.flags & TransferFlags.pending) === 0 || leg.pendingStatus === 'pending') return;
    candidates.push(
      derivedId(`vostro:post:${operation ?? ''}:${index}`) as TransferId,
      derivedId(`vostro:void:${operation ?? ''}:${index}`) as TransferId,
      expiryTransferId(leg.id),
    );
  });
  if (candidates.length === 0) return [];
  const pendingIds = new Set(legs.map((leg) => leg.id as string));
  const found = await context.ledger.lookupTransfers(candidates);
  return found
    .filter((item) => pendingIds.has(item.pendingId))
    .sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
}
