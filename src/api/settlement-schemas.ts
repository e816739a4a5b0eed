import { Type, type Static } from '@sinclair/typebox';
import { ParticipantId } from './hub-schemas.js';
import { Amount, CurrencyCode, Reference, SignedAmount, StringEnum, Uuid } from './schemas.js';

/**
 * Schemas of the settlement and FX routes: payments, caps, windows and positions, rates, spreads
 * and quotes. Amounts are decimal strings in major units of the currency concerned; unknown fields
 * are refused.
 */
const strict = { additionalProperties: false } as const;

export const PaymentCreate = Type.Object(
  {
    id: Uuid,
    payer: Uuid,
    payee: Uuid,
    amount: Amount,
    reference: Type.Optional(Reference),
    pending: Type.Optional(
      Type.Boolean({ description: 'reserve now (every leg pending); post or void later' }),
    ),
    timeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2 ** 31 - 1,
        description: 'for a pending payment: void it after this many seconds (0: never)',
      }),
    ),
  },
  strict,
);
export type PaymentCreate = Static<typeof PaymentCreate>;

export const FundingCreate = Type.Object(
  { id: Uuid, account: Uuid, amount: Amount, reference: Type.Optional(Reference) },
  strict,
);
export type FundingCreate = Static<typeof FundingCreate>;

export const Payment = Type.Object(
  {
    id: Type.String(),
    status: StringEnum(['created', 'exists'] as const, {
      description: 'exists: a retry of a payment already written; nothing new was moved',
    }),
    interbank: Type.Boolean({
      description:
        'true when payer and payee settle with different participants (the payment then counts against the payer bank’s cap)',
    }),
    transferIds: Type.Array(Type.String(), {
      description: 'the ledger transfers written, the payment’s own id first',
    }),
  },
  strict,
);

export const CapParams = Type.Object({ id: ParticipantId, currency: CurrencyCode }, strict);
export type CapParams = Static<typeof CapParams>;
export const CapSet = Type.Object({ cap: Amount }, strict);
export type CapSet = Static<typeof CapSet>;
export const CapStatus = Type.Object(
  {
    participant: Type.String(),
    currency: Type.String(),
    cap: Amount,
    headroom: SignedAmount,
    net: SignedAmount,
  },
  strict,
);

export const Window = Type.Object(
  {
    id: Type.String({ examples: ['INR-3'] }),
    currency: Type.String(),
    seq: Type.Integer(),
    status: StringEnum(['open', 'closed', 'settled'] as const),
    openedAfter: Type.String({
      description: 'the window holds transfers with openedAfter < timestamp ≤ closedAt (ns)',
    }),
    closedAt: Type.Optional(Type.String()),
    openedAtIso: Type.String(),
    closedAtIso: Type.Optional(Type.String()),
    closedBy: Type.Optional(Type.String()),
    settledAtIso: Type.Optional(Type.String()),
    settlementTransfers: Type.Optional(Type.Array(Type.String())),
  },
  strict,
);
const WindowId = Type.String({
  pattern: '^[A-Z]{3}-[1-9][0-9]{0,9}$',
  description: 'a window id such as INR-3',
});
export const WindowParams = Type.Object({ id: WindowId }, strict);
export type WindowParams = Static<typeof WindowParams>;
export const CurrencyParams = Type.Object({ currency: CurrencyCode }, strict);
export type CurrencyParams = Static<typeof CurrencyParams>;
export const WindowClose = Type.Object(
  {
    currency: CurrencyCode,
    window: Type.Optional(
      Type.String({
        description: 'refuse unless this is the open window (guards against closing twice)',
      }),
    ),
  },
  strict,
);
export type WindowClose = Static<typeof WindowClose>;
export const WindowList = Type.Object({ data: Type.Array(Window) }, strict);
export const WindowClosed = Type.Object({ closed: Window, opened: Window }, strict);

const Position = Type.Object(
  { participant: Type.String(), debits: Amount, credits: Amount, net: SignedAmount },
  strict,
);
const Instruction = Type.Object(
  { kind: StringEnum(['pay_in', 'pay_out'] as const), participant: Type.String(), amount: Amount },
  strict,
);
const BilateralInstruction = Type.Object(
  { payer: Type.String(), payee: Type.String(), amount: Amount },
  strict,
);
export const Positions = Type.Object(
  {
    window: Window,
    currency: Type.String(),
    transfers: Type.Integer({ description: 'interbank transfers netted' }),
    gross: Amount,
    moved: Amount,
    efficiency: Type.Union([Type.String(), Type.Null()], {
      description: '1 − moved / gross, 4 decimals, truncated; null when nothing moved',
    }),
    positions: Type.Array(Position),
    instructions: Type.Array(Instruction),
    bilateralInstructions: Type.Array(BilateralInstruction),
  },
  strict,
);

export const ParticipantWindowParams = Type.Object({ id: ParticipantId, window: WindowId }, strict);
export type ParticipantWindowParams = Static<typeof ParticipantWindowParams>;
const BilateralPosition = Type.Object(
  {
    counterparty: Type.String(),
    net: Type.Unsafe<string>({
      ...SignedAmount,
      description:
        'from this participant’s side: what the counterparty paid it less what it paid the counterparty',
    }),
  },
  strict,
);
/**
 * One participant's share of a closed window: its entries of the staff view's positions and
 * instructions (the same objects), and its bilateral nets. A participant with no interbank
 * payment in the window has a position of zeros, no instruction and no bilateral rows.
 */
export const ParticipantPosition = Type.Object(
  {
    window: Window,
    participant: Type.String(),
    currency: Type.String(),
    position: Position,
    instruction: Type.Union([Instruction, Type.Null()], {
      description: 'its settlement instruction through the hub; null when its net is zero',
    }),
    bilateral: Type.Array(BilateralPosition, {
      description:
        'one per counterparty it paid or was paid by in the window, in counterparty id order; the nets add up to position.net',
    }),
  },
  {
    ...strict,
    description:
      'position: debits, what it paid other participants; credits, what they paid it; net = credits − debits',
  },
);

export const RateSet = Type.Object(
  {
    source: CurrencyCode,
    target: CurrencyCode,
    rate: Type.String({
      maxLength: 30,
      description: 'target major units per one source major unit; at most 12 decimals, no exponent',
      examples: ['1.0734'],
    }),
    asOf: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
  },
  strict,
);
export type RateSet = Static<typeof RateSet>;
export const RateImport = Type.Object(
  {
    csv: Type.String({
      maxLength: 1_000_000,
      description:
        'CSV text with the header date,source,target,rate; one bad line refuses the whole file',
    }),
  },
  strict,
);
export type RateImport = Static<typeof RateImport>;
export const Rate = Type.Object(
  {
    source: Type.String(),
    target: Type.String(),
    rate: Type.String(),
    asOf: Type.String(),
    origin: Type.String(),
  },
  strict,
);
export const PairParams = Type.Object({ source: CurrencyCode, target: CurrencyCode }, strict);
export type PairParams = Static<typeof PairParams>;
export const SpreadSet = Type.Object(
  {
    provider: ParticipantId,
    source: CurrencyCode,
    target: CurrencyCode,
    spreadBps: Type.Integer({ minimum: 0, maximum: 9_999 }),
    fee: Type.Optional(Amount),
  },
  strict,
);
export type SpreadSet = Static<typeof SpreadSet>;
export const Spread = Type.Object(
  {
    provider: Type.String(),
    source: Type.String(),
    target: Type.String(),
    spreadBps: Type.Integer(),
    fee: Amount,
  },
  strict,
);

export const QuoteCreate = Type.Object(
  {
    provider: ParticipantId,
    source: CurrencyCode,
    target: CurrencyCode,
    fixed: StringEnum(['source', 'target'] as const, {
      description:
        'which amount is fixed: what the payer pays (source) or what the payee receives (target)',
    }),
    amount: Amount,
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 86_400,
        description:
          'how long the quote holds: default 60 (or the provider’s maximum, if shorter); more than the provider’s maximum (300 unless the provider or the operator set another) is refused with 400 naming the maximum',
      }),
    ),
  },
  strict,
);
export type QuoteCreate = Static<typeof QuoteCreate>;
export const QuoteParams = Type.Object({ id: Uuid }, strict);
export type QuoteParams = Static<typeof QuoteParams>;
export const QuoteExecute = Type.Object(
  {
    payer: Uuid,
    payee: Uuid,
    pending: Type.Optional(Type.Boolean()),
    reference: Type.Optional(Reference),
  },
  strict,
);
export type QuoteExecute = Static<typeof QuoteExecute>;
export const Quote = Type.Object(
  {
    id: Type.String(),
    status: StringEnum(['open', 'reserved', 'executed', 'voided', 'expired'] as const, {
      description:
        'expired: no longer usable: an open quote past expiresAt, or a reservation whose legs the ledger released when its timeout passed',
    }),
    provider: Type.String(),
    sourceCurrency: Type.String(),
    targetCurrency: Type.String(),
    fixed: Type.String(),
    sourceAmount: Amount,
    targetAmount: Amount,
    fee: Amount,
    totalDebit: Amount,
    referenceRate: Type.String(),
    spreadBps: Type.Integer(),
    rate: Type.String(),
    expiresAt: Type.String(),
    payer: Type.Optional(Type.String()),
    payee: Type.Optional(Type.String()),
    transferIds: Type.Optional(Type.Array(Type.String())),
    reservedUntil: Type.Optional(
      Type.String({
        description:
          'for a reserved quote: when the ledger releases its legs unless they are posted or voided first (the provider’s maximum quote lifetime after the quote was made)',
      }),
    ),
  },
  strict,
);

export const ProviderParams = Type.Object({ id: ParticipantId }, strict);
export type ProviderParams = Static<typeof ProviderParams>;
export const QuoteLifetimeSet = Type.Object(
  {
    maxTtlSeconds: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      description:
        'the longest a quote of this provider may hold, and a reservation of one after the quote was made',
    }),
  },
  strict,
);
export type QuoteLifetimeSet = Static<typeof QuoteLifetimeSet>;
export const QuoteLifetime = Type.Object(
  {
    provider: Type.String(),
    maxTtlSeconds: Type.Integer({
      description:
        'the longest a client may ask for (300 until the provider or the operator sets another)',
    }),
    defaultTtlSeconds: Type.Integer({
      description: 'what a quote holds when the client does not ask: 60, or the maximum if shorter',
    }),
  },
  strict,
);
