import { Type, type Static } from '@sinclair/typebox';
import { ParticipantId } from './hub-schemas.js';
import { IsoTime, PageLimit, StringEnum } from './schemas.js';

/**
 * Schemas of the event routes (the feed, its live stream) and of webhook endpoints. Like
 * schemas.ts they validate requests, shape responses and are published in `/v1/openapi.json`;
 * unknown fields are refused.
 */
const strict = { additionalProperties: false } as const;

const SEQ_PATTERN = '^(0|[1-9][0-9]{0,18})$';
/** A position in the event sequence as text: 0 (before the first event) or an event's id. */
const Seq = Type.String({
  pattern: SEQ_PATTERN,
  description: 'an event id (its position in the one sequence of the hub), or 0 for the start',
  examples: ['1042'],
});
const EVENT_TYPE_PATTERN = '^[a-z][a-z0-9_.]{0,63}$';
/** Comma-separated event types, as a query parameter. */
const TypeList = Type.String({
  pattern: `^[a-z][a-z0-9_.]{0,63}(,[a-z][a-z0-9_.]{0,63}){0,31}$`,
  description: 'only these event types, comma-separated (e.g. transfer.created,transfer.posted)',
  examples: ['transfer.created,transfer.posted'],
});

export const EventView = Type.Object(
  {
    id: Type.String({
      pattern: '^[1-9][0-9]{0,18}$',
      description: 'the event’s position in the hub’s one sequence: the cursor for after',
    }),
    type: Type.String({
      pattern: EVENT_TYPE_PATTERN,
      description: 'what happened',
      examples: ['transfer.created', 'payment.refused', 'window.settled'],
    }),
    at: IsoTime,
    subject: Type.String({
      description:
        'the main thing it is about: a transfer, payment, window, quote or presentation id',
    }),
    participants: Type.Array(Type.String(), {
      description: 'the participants it concerns (who may see it besides staff)',
    }),
    data: Type.Object(
      {},
      {
        additionalProperties: true,
        description:
          'what happened, by type (docs/events.md lists each type’s fields): amounts as decimal strings of minor units, timestamps as strings',
      },
    ),
  },
  {
    ...strict,
    description:
      'an event: the same shape in GET /v1/events, the live stream and webhook deliveries',
  },
);

export const EventListQuery = Type.Object(
  {
    after: Type.Optional(Seq),
    limit: Type.Optional(PageLimit),
    types: Type.Optional(TypeList),
    participant: Type.Optional(
      Type.Unsafe<string>({
        ...ParticipantId,
        description:
          'staff only: the events of this participant (a participant key sees only its own anyway)',
      }),
    ),
  },
  strict,
);
export type EventListQuery = Static<typeof EventListQuery>;

export const EventStreamQuery = Type.Object(
  {
    after: Type.Optional(
      Type.Unsafe<string>({
        ...Seq,
        description:
          'start after this event id (default: from now on); the Last-Event-ID header wins over it',
      }),
    ),
    types: Type.Optional(TypeList),
    participant: Type.Optional(EventListQuery.properties.participant),
  },
  strict,
);
export type EventStreamQuery = Static<typeof EventStreamQuery>;

export const EventPage = Type.Object(
  {
    data: Type.Array(EventView),
    next: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'the id to pass as after for the next page; null when this page is the last',
    }),
    lastId: Type.String({
      pattern: SEQ_PATTERN,
      description:
        'the last event id this page covers (the last of data, else the after asked for): poll with after=lastId for what comes next',
    }),
  },
  strict,
);

// Webhooks

const WebhookId = Type.String({
  pattern: '^wh_[0-9a-f]{16}$',
  description: 'a webhook endpoint id',
  examples: ['wh_3f9a0c7e5b2d4186'],
});
export const WebhookParams = Type.Object({ id: WebhookId }, strict);
export type WebhookParams = Static<typeof WebhookParams>;
export const DeliveryParams = Type.Object(
  {
    id: WebhookId,
    deliveryId: Type.String({
      pattern: '^dlv_wh_[0-9a-f]{16}_[1-9][0-9]{0,18}_[1-9][0-9]{0,18}$',
      description: 'a delivery id: dlv_<endpoint>_<first event>_<last event>',
    }),
  },
  strict,
);
export type DeliveryParams = Static<typeof DeliveryParams>;

const WebhookFormat = StringEnum(['json', 'camt.054'] as const, {
  description:
    'json: {"events": [event, …]}; camt.054: the ISO 20022 debit/credit notification of the transfers among the events',
});

export const WebhookCreate = Type.Object(
  {
    participant: Type.Optional(
      Type.Unsafe<string>({
        ...ParticipantId,
        description:
          'whose events it receives: a participant key registers for itself (the default), the operator names one',
      }),
    ),
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        'http or https, on a host of the hub’s allow-list, no user name or password; at most 2,048 characters',
      examples: ['http://127.0.0.1:9100/vostro-events'],
    }),
    format: Type.Optional(WebhookFormat),
    types: Type.Optional(
      Type.Array(Type.String({ pattern: EVENT_TYPE_PATTERN }), {
        minItems: 1,
        maxItems: 32,
        description: 'only these event types (default: every type)',
      }),
    ),
    maxEventsPerDelivery: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'events per delivery at most (default 100)',
      }),
    ),
  },
  strict,
);
export type WebhookCreate = Static<typeof WebhookCreate>;

export const Webhook = Type.Object(
  {
    id: Type.String(),
    participant: Type.String(),
    url: Type.String(),
    format: WebhookFormat,
    types: Type.Optional(Type.Array(Type.String())),
    status: StringEnum(['pending_approval', 'active', 'disabled', 'failed'] as const, {
      description:
        'pending_approval (registered by a participant, waiting for the operator), active, disabled, or failed (retried for too long; replay resumes it)',
    }),
    cursor: Type.String({
      pattern: SEQ_PATTERN,
      description: 'the last event id delivered',
    }),
    createdAt: Type.String(),
    approvedBy: Type.Optional(Type.String()),
    failedAt: Type.Optional(Type.String()),
    maxEventsPerDelivery: Type.Integer(),
  },
  strict,
);

const SecretText = Type.String({
  pattern: '^whsec_[A-Za-z0-9+/=]{32,100}$',
  description:
    'the signing secret (Standard Webhooks: whsec_ and base64): shown in this response only, never again',
});
export const WebhookCreated = Type.Object(
  { endpoint: Webhook, secret: SecretText },
  {
    ...strict,
    description:
      'the endpoint and its signing secret, shown once (after a rotation, deliveries are signed with the old secret too for 24 hours)',
  },
);

export const WebhookList = Type.Object({ data: Type.Array(Webhook) }, strict);

export const WebhookListQuery = Type.Object(
  {
    participant: Type.Optional(
      Type.Unsafe<string>({
        ...ParticipantId,
        description: 'only this participant’s endpoints',
      }),
    ),
  },
  strict,
);
export type WebhookListQuery = Static<typeof WebhookListQuery>;

export const WebhookReplay = Type.Object(
  {
    fromSeq: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,18}$',
        description:
          'deliver again from this event id on (default: from the endpoint’s cursor, retrying the failed delivery)',
      }),
    ),
  },
  strict,
);
export type WebhookReplay = Static<typeof WebhookReplay>;

const DELIVERY_ID_PATTERN = '^dlv_wh_[0-9a-f]{16}_[1-9][0-9]{0,18}_[1-9][0-9]{0,18}$';
export const DeliveryListQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        pattern: DELIVERY_ID_PATTERN,
        description: 'the delivery after which to list (the next of the previous page)',
      }),
    ),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

export const Delivery = Type.Object(
  {
    id: Type.String({
      description:
        'the webhook-id header of the delivery: dlv_<endpoint>_<first event>_<last event>, the same on every retry',
    }),
    endpoint: Type.String(),
    firstSeq: Type.String({ description: 'the first event id it carries' }),
    lastSeq: Type.String({ description: 'the last event id it carries' }),
    events: Type.Integer({ description: 'how many events it carries' }),
    status: StringEnum(['pending', 'delivered', 'failed', 'abandoned'] as const, {
      description:
        'pending (being retried), delivered (a 2xx came back), failed (retried too long: the endpoint failed), abandoned (replayed from another event)',
    }),
    attempts: Type.Integer(),
    createdAt: Type.String(),
    lastAttemptAt: Type.Optional(Type.String()),
    firstFailureAt: Type.Optional(Type.String()),
    deliveredAt: Type.Optional(Type.String()),
    lastStatus: Type.Optional(Type.Integer({ description: 'the HTTP status of the last attempt' })),
    lastError: Type.Optional(Type.String({ description: 'why the last attempt failed' })),
  },
  strict,
);
export const DeliveryPage = Type.Object(
  {
    data: Type.Array(Delivery),
    next: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'the after of the next page; null when this page is not full',
    }),
  },
  strict,
);
export const AttemptList = Type.Object(
  {
    data: Type.Array(
      Type.Object(
        {
          delivery: Type.String(),
          attempt: Type.Integer({ description: '1 for the first' }),
          at: Type.String(),
          status: Type.Optional(Type.Integer({ description: 'the HTTP status that came back' })),
          error: Type.Optional(
            Type.String({ description: 'what stopped it: a timeout, a refused connection, …' }),
          ),
          durationMs: Type.Integer(),
        },
        strict,
      ),
    ),
  },
  strict,
);
