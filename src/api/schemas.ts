import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { currencies } from '../ledger/currency.js';
import { accountKindNames, type PendingStatus } from '../ledger/model.js';
import { CREATE_ACCOUNT_RESULTS, CREATE_TRANSFER_RESULTS } from '../ledger/results.js';
import { PLAIN_TEXT_PATTERN } from '../ledger/text.js';
import { DEFAULT_LIMITS } from './limits.js';

/**
 * The request and response schemas of the API. The same objects validate requests (Fastify's
 * ajv), shape responses, and are published in `/v1/openapi.json`, so the three cannot disagree.
 * Every object refuses unknown fields. Amounts and 64-bit integers are strings: a JSON number
 * loses precision past 2^53, and a float must never touch an amount.
 */

const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** A plain decimal: no sign, exponent or separators; the currency's decimals are checked after. */
const DECIMAL_PATTERN = '^(0|[1-9][0-9]*)(\\.[0-9]+)?$';
const UNSIGNED_PATTERN = '^(0|[1-9][0-9]{0,18})$';
const SIGNED_DECIMAL_PATTERN = '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$';

/**
 * No minLength or maxLength: the anchored pattern already allows exactly 36 characters, and ajv
 * checks a length by counting code points in a loop, which, twice per id and three ids per
 * transfer, was a fifth of the time a 1,000-transfer batch spent in validation.
 */
export const Uuid = Type.String({
  pattern: UUID_PATTERN,
  description: 'a UUID; UUIDv7 recommended',
  examples: ['0193a1f0-6c1e-7c3a-9f1e-2b6c8d0e4a51'],
});
export const Amount = Type.String({
  pattern: DECIMAL_PATTERN,
  maxLength: 40,
  description: "major units as a decimal string with at most the currency's decimals",
  examples: ['12500.00'],
});
export const SignedAmount = Type.String({ pattern: SIGNED_DECIMAL_PATTERN, examples: ['-250.00'] });
/**
 * A closed set of strings as `{ type: 'string', enum }`: plainer in the OpenAPI description than
 * a union of literals, and cheaper for the response serializer.
 */
export const StringEnum = <T extends string>(
  values: readonly T[],
  options: { description?: string } = {},
) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
/** A string or null, as one JSON type list rather than a union. */
const NullableString = (options: { pattern?: string; description?: string } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });

export const CurrencyCode = StringEnum(
  currencies.map((currency) => currency.code),
  { description: 'ISO 4217 code' },
);
export const AccountKind = StringEnum(accountKindNames);
/** One-line text people read (src/ledger/text.ts): no control characters; lengths count characters (code points). */
export const PlainText = (options: {
  minLength?: number;
  maxLength: number;
  description?: string;
}) =>
  Type.String({
    ...options,
    pattern: PLAIN_TEXT_PATTERN,
    description: `${options.description === undefined ? '' : `${options.description}; `}plain text: no control characters, at most ${options.maxLength} characters`,
  });
export const Reference = PlainText({ maxLength: 64 });
export const UserData64 = Type.String({
  pattern: UNSIGNED_PATTERN,
  description: '0 ≤ value ≤ 2^63−1, as a decimal string',
});
export const UserData32 = Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 });
/** Nanoseconds since the Unix epoch, as a decimal string. */
export const TimestampNs = Type.String({ pattern: UNSIGNED_PATTERN });
export const IsoTime = Type.String({ description: 'ISO 8601 UTC with nanoseconds' });

const strict = { additionalProperties: false } as const;

export const AccountCreate = Type.Object(
  {
    id: Uuid,
    owner: PlainText({ minLength: 1, maxLength: 128, description: 'participant id' }),
    currency: CurrencyCode,
    kind: AccountKind,
    linked: Type.Optional(Type.Boolean()),
    debitsMustNotExceedCredits: Type.Optional(Type.Boolean()),
    creditsMustNotExceedDebits: Type.Optional(Type.Boolean()),
    tallied: Type.Optional(
      Type.Boolean({
        description:
          'add its transfers with other tallied accounts to the pair tallies netting reads (the hub opens participant accounts tallied)',
      }),
    ),
    reference: Type.Optional(Reference),
    userData64: Type.Optional(UserData64),
    userData32: Type.Optional(UserData32),
  },
  strict,
);
export type AccountCreate = Static<typeof AccountCreate>;

export const Balances = Type.Object(
  {
    debitsPosted: Amount,
    creditsPosted: Amount,
    debitsPending: Amount,
    creditsPending: Amount,
    netPosted: SignedAmount,
    available: SignedAmount,
  },
  { ...strict, description: 'credits minus debits is what the hub owes the owner' },
);

export const Account = Type.Object(
  {
    id: Uuid,
    owner: Type.String(),
    currency: Type.String(),
    kind: Type.String(),
    code: Type.Integer(),
    linked: Type.Boolean(),
    debitsMustNotExceedCredits: Type.Boolean(),
    creditsMustNotExceedDebits: Type.Boolean(),
    tallied: Type.Boolean(),
    reference: Type.String(),
    userData64: UserData64,
    userData32: Type.Integer(),
    createdAt: IsoTime,
    timestamp: TimestampNs,
    balances: Balances,
  },
  strict,
);

export const TransferCreate = Type.Object(
  {
    id: Uuid,
    debitAccountId: Uuid,
    creditAccountId: Uuid,
    amount: Amount,
    currency: CurrencyCode,
    code: Type.Integer({
      minimum: 1,
      maximum: 65_535,
      description: 'what the transfer is for; not zero',
    }),
    pending: Type.Optional(Type.Boolean({ description: 'reserve now; post or void later' })),
    linked: Type.Optional(
      Type.Boolean({ description: 'succeeds or fails with the next item of the batch' }),
    ),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
    reference: Type.Optional(Reference),
    userData64: Type.Optional(UserData64),
    userData32: Type.Optional(UserData32),
  },
  strict,
);
export type TransferCreate = Static<typeof TransferCreate>;

export const PendingResolve = Type.Object(
  {
    id: Type.Unsafe<string>({
      ...Uuid,
      description: 'the id of the post or void transfer: its idempotency key',
    }),
    amount: Type.Optional(
      Type.Unsafe<string>({
        ...Amount,
        description:
          'post only this much (default all); a void takes no amount or exactly the pending one',
      }),
    ),
    reference: Type.Optional(Reference),
  },
  strict,
);
export type PendingResolve = Static<typeof PendingResolve>;

export const Transfer = Type.Object(
  {
    id: Uuid,
    kind: StringEnum(['plain', 'pending', 'post', 'void', 'expired'] as const),
    debitAccountId: Uuid,
    creditAccountId: Uuid,
    amount: Amount,
    currency: Type.String(),
    code: Type.Integer(),
    pending: Type.Boolean(),
    linked: Type.Boolean(),
    postPending: Type.Boolean(),
    voidPending: Type.Boolean(),
    expired: Type.Boolean(),
    pendingId: NullableString({ pattern: UUID_PATTERN }),
    timeoutSeconds: Type.Integer(),
    reference: Type.String(),
    userData64: UserData64,
    userData32: Type.Integer(),
    createdAt: IsoTime,
    timestamp: TimestampNs,
    pendingStatus: Type.Unsafe<PendingStatus | null>({
      type: ['string', 'null'],
      enum: ['pending', 'posted', 'voided', 'expired', null],
    }),
    expiresAt: NullableString({ description: 'when a pending transfer with a timeout expires' }),
  },
  strict,
);

export const batchBody = <T extends TSchema>(key: string, item: T) =>
  Type.Object(
    { [key]: Type.Array(item, { minItems: 1, maxItems: DEFAULT_LIMITS.batchItemsMax }) },
    strict,
  );

export const AccountBatch = batchBody('accounts', AccountCreate);
export const TransferBatch = batchBody('transfers', TransferCreate);

const batchResult = (codes: readonly string[]) =>
  Type.Object(
    {
      index: Type.Integer({ minimum: 0 }),
      id: Uuid,
      result: StringEnum(codes),
      status: Type.Integer({ description: 'the HTTP status this item would have had alone' }),
    },
    strict,
  );

export const BatchResults = (codes: readonly string[]) =>
  Type.Object(
    {
      created: Type.Integer(),
      existing: Type.Integer(),
      failed: Type.Integer(),
      results: Type.Array(batchResult(codes)),
    },
    strict,
  );
export const AccountBatchResults = BatchResults(CREATE_ACCOUNT_RESULTS);
export const TransferBatchResults = BatchResults(CREATE_TRANSFER_RESULTS);

export const Page = <T extends TSchema>(item: T) =>
  Type.Object(
    {
      data: Type.Array(item),
      next: NullableString({ description: 'cursor of the next page; null on the last' }),
    },
    strict,
  );

export const IdParams = Type.Object({ id: Uuid }, strict);
export type IdParams = Static<typeof IdParams>;
export const PageLimit = Type.String({
  pattern: '^[1-9][0-9]{0,3}$',
  description: `1 to ${DEFAULT_LIMITS.pageItemsMax}`,
});
export const AccountListQuery = Type.Object(
  {
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    after: Type.Optional(TimestampNs),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type AccountListQuery = Static<typeof AccountListQuery>;
export const TransferListQuery = Type.Object(
  { before: Type.Optional(TimestampNs), limit: Type.Optional(PageLimit) },
  strict,
);
export type TransferListQuery = Static<typeof TransferListQuery>;

/** A transfer a search or a chain found: the transfer, its status and its accounts' owners. */
export const TransferFound = Type.Object(
  {
    ...Transfer.properties,
    status: StringEnum(['pending', 'posted', 'voided', 'expired'] as const, {
      description:
        'pending: a pending transfer not yet resolved; posted: a plain transfer, a post, or a pending one since posted; voided: a void, or a pending one since voided; expired: the expiry, or a pending one that expired',
    }),
    debitOwner: Type.String({ description: "the debit account's owner (a participant id)" }),
    creditOwner: Type.String({ description: "the credit account's owner (a participant id)" }),
  },
  strict,
);

const STATUS_LIST = '(pending|posted|voided|expired)';
export const TransferSearchQuery = Type.Object(
  {
    participant: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z0-9-]{1,39}$',
        description:
          'only transfers debiting or crediting an account this participant owns (a participant key: only its own, the default)',
      }),
    ),
    currency: Type.Optional(CurrencyCode),
    amount: Type.Optional(
      Type.String({
        pattern: DECIMAL_PATTERN,
        maxLength: 40,
        description: 'exactly this amount, in major units of `currency`',
      }),
    ),
    amountMin: Type.Optional(
      Type.String({
        pattern: DECIMAL_PATTERN,
        maxLength: 40,
        description: 'at least this amount, in major units of `currency`',
      }),
    ),
    amountMax: Type.Optional(
      Type.String({
        pattern: DECIMAL_PATTERN,
        maxLength: 40,
        description: 'at most this amount, in major units of `currency`',
      }),
    ),
    status: Type.Optional(
      Type.String({
        pattern: `^${STATUS_LIST}(,${STATUS_LIST}){0,3}$`,
        description: 'one or more of pending, posted, voided, expired, comma-separated',
      }),
    ),
    from: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'created at or after: an ISO 8601 date or date-time with a zone',
      }),
    ),
    to: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'created before: an ISO 8601 date or date-time with a zone',
      }),
    ),
    before: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,19}(\\.[0-9]{1,19}){0,400}$',
        maxLength: 8100,
        description: 'the next of the previous page, as it came (opaque)',
      }),
    ),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type TransferSearchQuery = Static<typeof TransferSearchQuery>;

export const TransferChain = Type.Object(
  {
    data: Type.Array(TransferFound, {
      description:
        'the linked chain the transfer belongs to, in order (a participant key: the legs on its own accounts only)',
    }),
    resolutions: Type.Array(TransferFound, {
      description:
        "the transfers that posted, voided or expired the chain's pending legs, where the hub gave them their ids (payments and FX quotes; the ledger's expiries)",
    }),
    complete: Type.Boolean({
      description: 'false when the chain is longer than the route reads (64 legs each way)',
    }),
  },
  strict,
);

export const AccountBalance = Type.Object(
  { accountId: Uuid, currency: Type.String(), balances: Balances, asOf: IsoTime },
  strict,
);

export const LedgerTotals = Type.Object(
  {
    currency: Type.String(),
    ledger: Type.Integer(),
    accounts: Type.Integer(),
    debitsPosted: Amount,
    creditsPosted: Amount,
    debitsPending: Amount,
    creditsPending: Amount,
  },
  strict,
);

export const VerifyReport = Type.Object(
  {
    ok: Type.Boolean(),
    journalEntries: Type.Integer(),
    accounts: Type.Integer(),
    transfers: Type.Integer(),
    ledgers: Type.Array(LedgerTotals),
    problems: Type.Array(Type.String()),
  },
  strict,
);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }, strict)),
    ),
    requestId: Type.Optional(Type.String()),
  },
  { ...strict, description: 'RFC 9457 problem document (application/problem+json)' },
);

/** A problem response as the description publishes it: under its own media type. */
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** Responses every route may give besides its own: refused input, no or a wrong key, throttling, overload. */
export const commonErrors = {
  400: problemResponse('the request is malformed or a field is invalid'),
  401: problemResponse(
    'no API key, or a malformed, unknown or revoked one (WWW-Authenticate: Bearer)',
  ),
  403: problemResponse("the key's role may not use this route"),
  413: problemResponse('the body is larger than the limit'),
  415: problemResponse('the body is not application/json'),
  429: problemResponse(
    'too many requests from this API key (or, without a key, this address); see Retry-After',
  ),
  500: problemResponse('the server failed'),
  503: problemResponse('overloaded or shutting down; see Retry-After'),
} as const;
