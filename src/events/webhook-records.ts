import { Type } from '@sinclair/typebox';
import { decimalString, documentKind, oneOf, strict } from '../domain/documents.js';

/**
 * The webhook documents (src/store/records.ts): endpoints, deliveries and attempts, in three
 * collections. The WebhookService writes endpoints; the dispatcher writes deliveries, attempts and
 * an endpoint's delivery progress (its cursor, the delivery under way, a failure).
 */
export const WEBHOOK_ENDPOINTS = 'webhook_endpoints';
export const WEBHOOK_DELIVERIES = 'webhook_deliveries';
export const WEBHOOK_ATTEMPTS = 'webhook_attempts';

export const WEBHOOK_FORMATS = ['json', 'camt.054'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export const WEBHOOK_STATUSES = ['pending_approval', 'active', 'disabled', 'failed'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** The delivery an endpoint is retrying: its range is fixed at the first attempt, so its `webhook-id` is too. */
export interface PendingDelivery {
  readonly firstSeq: string;
  readonly lastSeq: string;
  readonly events: number;
  /** Attempts made so far (recorded ones). */
  readonly attempts: number;
  /** ISO 8601: the first failed attempt, from which the retry window runs. */
  readonly firstFailureAt?: string;
}

/**
 * An endpoint as stored. Holds its signing secret (see docs/events.md for what protects it):
 * deliveries must be signed with it, so it cannot be kept only as a hash the way API keys are.
 * Views never show it.
 */
export interface EndpointRecord {
  readonly id: string;
  readonly participant: string;
  readonly url: string;
  readonly format: WebhookFormat;
  readonly types?: readonly string[];
  readonly status: WebhookStatus;
  /** The last event seq delivered (decimal): delivery resumes after it. */
  readonly cursor: string;
  readonly maxEventsPerDelivery: number;
  readonly secret: string;
  /** The secret before the last rotation, still signed with until `previousSecretUntil`. */
  readonly previousSecret?: string;
  readonly previousSecretUntil?: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly approvedAt?: string;
  readonly approvedBy?: string;
  readonly disabledAt?: string;
  readonly failedAt?: string;
  /** Why the last attempt failed, for the operator and the participant. */
  readonly lastError?: string;
  /** Set when removed: the endpoint is gone for every reader, its secret is wiped. */
  readonly removedAt?: string;
  /**
   * Counts the service's changes (approve, disable, replay, rotate, remove). The dispatcher writes
   * progress only onto the revision it read, so a replay or a disable is never overwritten by a
   * delivery that was under way when it happened.
   */
  readonly revision: number;
  /** The highest lastSeq any delivery of this endpoint has had (decimal): beyond it, no delivery document exists yet. */
  readonly formedThrough: string;
  readonly pending?: PendingDelivery;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'abandoned'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One delivery: a range of consecutive events of one endpoint, and how its attempts went. */
export interface DeliveryRecord {
  /** The `webhook-id`: `dlv_<endpoint>_<firstSeq>_<lastSeq>`, the same on every retry. */
  readonly id: string;
  readonly endpoint: string;
  readonly firstSeq: string;
  readonly lastSeq: string;
  readonly events: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: string;
  readonly lastAttemptAt?: string;
  readonly firstFailureAt?: string;
  readonly deliveredAt?: string;
  readonly lastStatus?: number;
  readonly lastError?: string;
}

/** One attempt: when, and what came back (an HTTP status, or the error that stopped it). */
export interface AttemptRecord {
  readonly delivery: string;
  readonly attempt: number;
  readonly at: string;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

const seq = decimalString;

export const endpointDocuments = documentKind<EndpointRecord>(
  WEBHOOK_ENDPOINTS,
  Type.Object(
    {
      id: Type.String(),
      participant: Type.String(),
      url: Type.String(),
      format: oneOf(WEBHOOK_FORMATS),
      types: Type.Optional(Type.Array(Type.String())),
      status: oneOf(WEBHOOK_STATUSES),
      cursor: seq(),
      maxEventsPerDelivery: Type.Integer({ minimum: 1 }),
      secret: Type.String(),
      previousSecret: Type.Optional(Type.String()),
      previousSecretUntil: Type.Optional(Type.String()),
      createdAt: Type.String(),
      createdBy: Type.String(),
      approvedAt: Type.Optional(Type.String()),
      approvedBy: Type.Optional(Type.String()),
      disabledAt: Type.Optional(Type.String()),
      failedAt: Type.Optional(Type.String()),
      lastError: Type.Optional(Type.String()),
      removedAt: Type.Optional(Type.String()),
      revision: Type.Integer({ minimum: 0 }),
      formedThrough: seq(),
      pending: Type.Optional(
        Type.Object(
          {
            firstSeq: seq(),
            lastSeq: seq(),
            events: Type.Integer({ minimum: 1 }),
            attempts: Type.Integer({ minimum: 0 }),
            firstFailureAt: Type.Optional(Type.String()),
          },
          strict,
        ),
      ),
    },
    strict,
  ),
);

export const deliveryDocuments = documentKind<DeliveryRecord>(
  WEBHOOK_DELIVERIES,
  Type.Object(
    {
      id: Type.String(),
      endpoint: Type.String(),
      firstSeq: seq(),
      lastSeq: seq(),
      events: Type.Integer({ minimum: 1 }),
      status: oneOf(DELIVERY_STATUSES),
      attempts: Type.Integer({ minimum: 0 }),
      createdAt: Type.String(),
      lastAttemptAt: Type.Optional(Type.String()),
      firstFailureAt: Type.Optional(Type.String()),
      deliveredAt: Type.Optional(Type.String()),
      lastStatus: Type.Optional(Type.Integer()),
      lastError: Type.Optional(Type.String()),
    },
    strict,
  ),
);

export const attemptDocuments = documentKind<AttemptRecord>(
  WEBHOOK_ATTEMPTS,
  Type.Object(
    {
      delivery: Type.String(),
      attempt: Type.Integer({ minimum: 1 }),
      at: Type.String(),
      status: Type.Optional(Type.Integer()),
      error: Type.Optional(Type.String()),
      durationMs: Type.Integer({ minimum: 0 }),
    },
    strict,
  ),
);

/** `dlv_<endpoint>_<firstSeq>_<lastSeq>`. */
export function deliveryId(endpoint: string, firstSeq: bigint, lastSeq: bigint): string {
  return `dlv_${endpoint}_${firstSeq}_${lastSeq}`;
}

const DELIVERY_ID = /^dlv_(wh_[0-9a-f]{16})_([1-9][0-9]{0,18})_([1-9][0-9]{0,18})$/;

/** The endpoint and range a delivery id names, or undefined for text that is not one. */
export function parseDeliveryId(
  id: string,
): { endpoint: string; firstSeq: bigint; lastSeq: bigint } | undefined {
  const match = DELIVERY_ID.exec(id);
  if (match === null) return undefined;
  const [, endpoint, first, last] = match as unknown as [string, string, string, string];
  const firstSeq = BigInt(first);
  const lastSeq = BigInt(last);
  return firstSeq <= lastSeq ? { endpoint, firstSeq, lastSeq } : undefined;
}

/** Keys sort as byte strings; seqs are padded so that deliveries list in event order. */
const pad = (value: bigint | number, width: number): string =>
  value.toString().padStart(width, '0');

export function deliveryKey(endpoint: string, firstSeq: bigint, lastSeq: bigint): string {
  return `${endpoint}/${pad(firstSeq, 20)}-${pad(lastSeq, 20)}`;
}

export function attemptKey(
  endpoint: string,
  firstSeq: bigint,
  lastSeq: bigint,
  attempt: number,
): string {
  return `${deliveryKey(endpoint, firstSeq, lastSeq)}/${pad(attempt, 9)}`;
}

/** ISO 8601 with milliseconds, as the hub's documents write times. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** `value` without `keys` (a copy). */
export function omit<T extends object, K extends keyof T>(
  value: T,
  keys: readonly K[],
): Omit<T, K> {
  const copy: Partial<T> = { ...value };
  for (const key of keys) delete copy[key];
  return copy as Omit<T, K>;
}
