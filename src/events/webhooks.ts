import { randomBytes } from 'node:crypto';
import { auditEntry, type Actor } from '../domain/actor.js';
import { HubError, invalidField } from '../domain/errors.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import { HUB_ID } from '../participants/participant.js';
import type { ParticipantRegistry } from '../participants/registry.js';
import { EVENT_TYPES } from '../store/events.js';
import type { JsonObject } from '../store/records.js';
import { newWebhookSecret } from './signing.js';
import {
  attemptDocuments,
  deliveryDocuments,
  deliveryKey,
  endpointDocuments,
  isoMs,
  omit,
  parseDeliveryId,
  WEBHOOK_FORMATS,
  type AttemptRecord,
  type DeliveryRecord,
  type EndpointRecord,
  type WebhookFormat,
  type WebhookStatus,
} from './webhook-records.js';
import {
  checkAllowedHosts,
  checkWebhookUrl,
  DEFAULT_WEBHOOK_ALLOWED_HOSTS,
} from './webhook-urls.js';

/** An endpoint as the API and the CLI show it: never its secret. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly participant: string;
  readonly url: string;
  readonly format: WebhookFormat;
  readonly types?: readonly string[];
  readonly status: WebhookStatus;
  /** The last event seq delivered (decimal). */
  readonly cursor: string;
  readonly createdAt: string;
  readonly approvedBy?: string;
  readonly failedAt?: string;
  readonly maxEventsPerDelivery: number;
}

export type WebhookDelivery = DeliveryRecord;
export type WebhookAttempt = AttemptRecord;

export interface RegisterWebhookInput {
  /** Whose events; a participant key may leave it out (its own) and may name only itself. */
  readonly participant?: string;
  readonly url: string;
  readonly format?: WebhookFormat;
  /** Only these event types (EVENT_TYPES); all when left out. */
  readonly types?: readonly string[];
  readonly maxEventsPerDelivery?: number;
}

export const MAX_EVENTS_PER_DELIVERY_DEFAULT = 100;
export const MAX_EVENTS_PER_DELIVERY_MAX = 1000;
/** How long deliveries are still signed with the secret a rotation replaced, so receivers can switch. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
const DELIVERIES_PAGE_MAX = 1000;
const ATTEMPTS_MAX = 10_000;
const ENDPOINT_ID = /^wh_[0-9a-f]{16}$/;

/**
 * Webhook endpoints: registration (a participant's waits for the operator's approval; the
 * operator's is active at once), approval, disabling, removal, secret rotation and replay, each an
 * audited transaction; and the delivery history the dispatcher (dispatcher.ts) records. A
 * participant key sees and manages only its own endpoints: another's answers `webhook_not_found`,
 * exactly as one that does not exist. Auditors read everything and change nothing.
 */
export class WebhookService {
  readonly allowedHosts: readonly string[];
  private readonly listeners = new Set<(endpoint: string) => void>();

  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
    options: { readonly allowedHosts: readonly string[] } = {
      allowedHosts: DEFAULT_WEBHOOK_ALLOWED_HOSTS,
    },
  ) {
    this.allowedHosts = checkAllowedHosts(options.allowedHosts);
  }

  /** Calls `listener` with an endpoint's id after each change committed here (the dispatcher reloads it at once). */
  onChange(listener: (endpoint: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers an endpoint; its signing secret is in the answer, here and nowhere else. */
  async register(
    input: RegisterWebhookInput,
    actor: Actor,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    refuseAuditor(actor, 'register');
    const participant = this.participantOf(input, actor);
    const url = checkWebhookUrl(input.url, this.allowedHosts);
    const format = checkFormat(input.format);
    const types = checkTypes(input.types);
    const maxEventsPerDelivery = checkMaxEvents(input.maxEventsPerDelivery);
    // Deliveries start with the events after registration; `replay` reaches back further.
    const cursor = await this.ledger.store.lastEventSeq();
    const record = await this.ledger.transact(async (tx) => {
      const owner = await this.registry.require(tx, participant);
      if (owner.status !== 'active')
        throw new HubError('participant_suspended', {
          field: 'participant',
          message: `participant ${participant} is suspended`,
        });
      let id = newEndpointId();
      while ((await endpointDocuments.get(tx, id)) !== undefined) id = newEndpointId();
      const now = isoMs(nsToMs(tx.nowNs));
      const byOperator = actor.role === 'operator';
      const record: EndpointRecord = {
        id,
        participant,
        url,
        format,
        ...(types === undefined ? {} : { types }),
        status: byOperator ? 'active' : 'pending_approval',
        cursor: cursor.toString(),
        maxEventsPerDelivery,
        secret: newWebhookSecret(),
        createdAt: now,
        createdBy: actor.id,
        ...(byOperator ? { approvedAt: now, approvedBy: actor.id } : {}),
        revision: 0,
        formedThrough: '0',
      };
      await tx.putRecords([endpointDocuments.put(id, record)]);
      await tx.appendAudit([auditEntry(actor, tx.nowNs, 'webhooks.register', id, detail(record))]);
      return record;
    });
    this.changed(record.id);
    return { endpoint: endpointView(record), secret: record.secret };
  }

  /** The operator approves a participant's endpoint: deliveries begin. */
  async approve(id: string, actor: Actor): Promise<WebhookEndpoint> {
    if (actor.role !== 'operator')
      throw new HubError('forbidden', { message: 'only the operator approves webhook endpoints' });
    return this.change(id, actor, 'webhooks.approve', (record, now) => {
      if (record.status !== 'pending_approval')
        throw conflict(id, `is ${record.status}, not waiting for approval`);
      return { ...record, status: 'active', approvedAt: now, approvedBy: actor.id };
    });
  }

  /** Stops deliveries (the cursor stays; `replay` resumes). */
  async disable(id: string, actor: Actor): Promise<WebhookEndpoint> {
    return this.change(id, actor, 'webhooks.disable', (record, now) => {
      if (record.status === 'disabled') throw conflict(id, 'is disabled already');
      return { ...record, status: 'disabled', disabledAt: now, revision: record.revision + 1 };
    });
  }

  /** Removes an endpoint: it is gone for every reader and its secret is wiped; its history stays. */
  async remove(id: string, actor: Actor): Promise<void> {
    await this.change(id, actor, 'webhooks.remove', (record, now) => {
      return {
        ...omit(record, ['previousSecret', 'previousSecretUntil']),
        status: 'disabled',
        secret: '',
        removedAt: now,
        revision: record.revision + 1,
      };
    });
  }

  /**
   * A new secret, shown once. Deliveries carry a signature with the old secret too for 24 hours
   * (Standard Webhooks receivers accept any one valid signature), so the receiver can switch
   * without losing a delivery.
   */
  async rotateSecret(
    id: string,
    actor: Actor,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const secret = newWebhookSecret();
    const endpoint = await this.change(id, actor, 'webhooks.rotate_secret', (record, now) => ({
      ...record,
      secret,
      previousSecret: record.secret,
      previousSecretUntil: isoMs(Date.parse(now) + SECRET_ROTATION_OVERLAP_MS),
    }));
    return { endpoint, secret };
  }

  /**
   * Sends a failed or disabled endpoint's events again: from its cursor (the failed delivery is
   * retried, with a new retry window), or from `fromSeq` (the first event to deliver, which may
   * also rewind an active endpoint). An endpoint never approved cannot be replayed into activity.
   */
  async replay(id: string, options: { fromSeq?: bigint }, actor: Actor): Promise<WebhookEndpoint> {
    const { fromSeq } = options;
    if (fromSeq !== undefined) {
      if (typeof fromSeq !== 'bigint' || fromSeq < 1n)
        throw invalidField({ field: 'fromSeq', message: 'fromSeq is an event id, 1 or more' });
      const last = await this.ledger.store.lastEventSeq();
      if (fromSeq > last + 1n)
        throw invalidField({
          field: 'fromSeq',
          message: `there is no event ${fromSeq} yet; the newest is ${last}`,
        });
    }
    return this.change(id, actor, 'webhooks.replay', async (record, now, tx) => {
      if (record.approvedAt === undefined)
        throw conflict(id, 'was never approved; the operator approves it first');
      if (record.status === 'active' && fromSeq === undefined)
        throw conflict(
          id,
          'is active already; give fromSeq to deliver again from an earlier event',
        );
      const { pending } = record;
      const base: EndpointRecord = {
        ...omit(record, ['failedAt', 'disabledAt', 'pending', 'lastError']),
        status: 'active',
        revision: record.revision + 1,
      };
      if (fromSeq === undefined)
        return pending === undefined
          ? base
          : { ...base, pending: omit(pending, ['firstFailureAt']) };
      if (pending !== undefined) await abandon(tx, record, pending, now);
      return { ...base, cursor: (fromSeq - 1n).toString() };
    });
  }

  /** Endpoints the actor may see (a participant key: its own), by id. */
  async list(filter: { participant?: string }, actor: Actor): Promise<WebhookEndpoint[]> {
    const found: WebhookEndpoint[] = [];
    for (let after: string | undefined; ;) {
      const page = await endpointDocuments.list(this.ledger.store, {
        ...(after === undefined ? {} : { afterKey: after }),
        limit: 500,
      });
      for (const record of page) {
        if (record.removedAt !== undefined || !maySee(record, actor)) continue;
        if (filter.participant !== undefined && record.participant !== filter.participant) continue;
        found.push(endpointView(record));
      }
      if (page.length < 500) return found;
      after = page.at(-1)?.id;
    }
  }

  async get(id: string, actor: Actor): Promise<WebhookEndpoint> {
    return endpointView(await this.visible(id, actor));
  }

  /** The endpoint's deliveries in event order, `limit` after the delivery `after` (a `webhook-id`). */
  async deliveries(
    id: string,
    query: { after?: string; limit: number },
    actor: Actor,
  ): Promise<WebhookDelivery[]> {
    await this.visible(id, actor);
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > DELIVERIES_PAGE_MAX)
      throw invalidField({
        field: 'limit',
        message: `limit is a whole number from 1 to ${DELIVERIES_PAGE_MAX}`,
      });
    let afterKey: string | undefined;
    if (query.after !== undefined) {
      const after = parseDeliveryId(query.after);
      if (after?.endpoint !== id)
        throw invalidField({
          field: 'after',
          message: `${JSON.stringify(query.after)} is not a delivery id of endpoint ${id} (dlv_${id}_<first>_<last>)`,
        });
      afterKey = deliveryKey(id, after.firstSeq, after.lastSeq);
    }
    return deliveryDocuments.list(this.ledger.store, {
      prefix: `${id}/`,
      ...(afterKey === undefined ? {} : { afterKey }),
      limit: query.limit,
    });
  }

  /** Every recorded attempt of one delivery, oldest first. */
  async attempts(id: string, delivery: string, actor: Actor): Promise<WebhookAttempt[]> {
    await this.visible(id, actor);
    const range = parseDeliveryId(delivery);
    const found =
      range?.endpoint === id
        ? await deliveryDocuments.get(
            this.ledger.store,
            deliveryKey(id, range.firstSeq, range.lastSeq),
          )
        : undefined;
    if (range === undefined || found === undefined)
      throw new HubError('webhook_not_found', {
        field: 'deliveryId',
        message: `endpoint ${id} has no delivery ${delivery}`,
      });
    return attemptDocuments.list(this.ledger.store, {
      prefix: `${deliveryKey(id, range.firstSeq, range.lastSeq)}/`,
      limit: ATTEMPTS_MAX,
    });
  }

  private participantOf(input: RegisterWebhookInput, actor: Actor): string {
    const named = input.participant;
    if (named !== undefined && (typeof named !== 'string' || named.length === 0))
      throw invalidField({ field: 'participant', message: 'participant is a participant id' });
    if (actor.role === 'participant') {
      const own = actor.participant ?? actor.id;
      if (named !== undefined && named !== own)
        throw new HubError('forbidden', {
          field: 'participant',
          message: `a participant key registers endpoints for its own participant (${own}) only`,
        });
      return own;
    }
    if (named === undefined)
      throw invalidField({
        field: 'participant',
        message: 'the operator names the participant whose events the endpoint receives',
      });
    if (named === HUB_ID)
      throw invalidField({
        field: 'participant',
        message: 'events name participants, never the hub itself; register for a participant',
      });
    return named;
  }

  private async visible(id: string, actor: Actor): Promise<EndpointRecord> {
    const record = ENDPOINT_ID.test(id)
      ? await endpointDocuments.get(this.ledger.store, id)
      : undefined;
    if (record === undefined || record.removedAt !== undefined || !maySee(record, actor))
      throw notFound(id);
    return record;
  }

  /** One audited change of an endpoint the actor may manage. */
  private async change(
    id: string,
    actor: Actor,
    action: string,
    apply: (
      record: EndpointRecord,
      now: string,
      tx: LedgerTransaction,
    ) => EndpointRecord | Promise<EndpointRecord>,
  ): Promise<WebhookEndpoint> {
    refuseAuditor(actor, action.slice('webhooks.'.length).replace('_', ' '));
    const updated = await this.ledger.transact(async (tx) => {
      const record = ENDPOINT_ID.test(id) ? await endpointDocuments.get(tx, id) : undefined;
      if (record === undefined || record.removedAt !== undefined || !maySee(record, actor))
        throw notFound(id);
      const next = await apply(record, isoMs(nsToMs(tx.nowNs)), tx);
      await tx.putRecords([endpointDocuments.put(id, next)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, action, id, { ...detail(next), from: record.status }),
      ]);
      return next;
    });
    this.changed(id);
    return endpointView(updated);
  }

  private changed(id: string): void {
    for (const listener of this.listeners) listener(id);
  }
}

/** The contract's view of a stored endpoint, field by field, so the secret never leaks into it. */
export function endpointView(record: EndpointRecord): WebhookEndpoint {
  return {
    id: record.id,
    participant: record.participant,
    url: record.url,
    format: record.format,
    ...(record.types === undefined ? {} : { types: record.types }),
    status: record.status,
    cursor: record.cursor,
    createdAt: record.createdAt,
    ...(record.approvedBy === undefined ? {} : { approvedBy: record.approvedBy }),
    ...(record.failedAt === undefined ? {} : { failedAt: record.failedAt }),
    maxEventsPerDelivery: record.maxEventsPerDelivery,
  };
}

async function abandon(
  tx: LedgerTransaction,
  record: EndpointRecord,
  pending: NonNullable<EndpointRecord['pending']>,
  now: string,
): Promise<void> {
  const key = deliveryKey(record.id, BigInt(pending.firstSeq), BigInt(pending.lastSeq));
  const delivery = await deliveryDocuments.get(tx, key);
  if (delivery !== undefined && delivery.status !== 'delivered')
    await tx.putRecords([
      deliveryDocuments.put(key, {
        ...delivery,
        status: 'abandoned',
        lastAttemptAt: delivery.lastAttemptAt ?? now,
      }),
    ]);
}

function maySee(record: EndpointRecord, actor: Actor): boolean {
  if (actor.role === 'operator' || actor.role === 'auditor') return true;
  return record.participant === (actor.participant ?? actor.id);
}

function refuseAuditor(actor: Actor, what: string): void {
  if (actor.role === 'auditor')
    throw new HubError('forbidden', {
      message: `auditors read webhook endpoints; they do not ${what} them`,
    });
}

function checkFormat(format: unknown): WebhookFormat {
  if (format === undefined) return 'json';
  const found = WEBHOOK_FORMATS.find((candidate) => candidate === format);
  if (found === undefined)
    throw invalidField({
      field: 'format',
      message: `format is one of ${WEBHOOK_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
    });
  return found;
}

function checkTypes(types: unknown): readonly string[] | undefined {
  if (types === undefined) return undefined;
  if (!Array.isArray(types) || types.length === 0)
    throw invalidField({
      field: 'types',
      message: 'types is a non-empty list of event types (leave it out for every type)',
    });
  const known: readonly string[] = EVENT_TYPES;
  types.forEach((type: unknown, index) => {
    if (typeof type !== 'string' || !known.includes(type))
      throw invalidField({
        field: `types/${index}`,
        message: `${JSON.stringify(type)} is not an event type; the types are ${EVENT_TYPES.join(', ')}`,
      });
  });
  return [...new Set(types as string[])];
}

function checkMaxEvents(value: unknown): number {
  if (value === undefined) return MAX_EVENTS_PER_DELIVERY_DEFAULT;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_EVENTS_PER_DELIVERY_MAX
  )
    throw invalidField({
      field: 'maxEventsPerDelivery',
      message: `maxEventsPerDelivery is a whole number from 1 to ${MAX_EVENTS_PER_DELIVERY_MAX}`,
    });
  return value;
}

/** What the audit log says about an endpoint: never its secret. */
function detail(record: EndpointRecord): JsonObject {
  return {
    participant: record.participant,
    url: record.url,
    format: record.format,
    ...(record.types === undefined ? {} : { types: [...record.types] }),
    status: record.status,
    cursor: record.cursor,
  };
}

function notFound(id: string): HubError {
  return new HubError('webhook_not_found', { field: 'id', message: `no webhook endpoint ${id}` });
}

function conflict(id: string, what: string): HubError {
  return new HubError('webhook_status_conflict', {
    field: 'id',
    message: `webhook endpoint ${id} ${what}`,
  });
}

function newEndpointId(): string {
  return `wh_${randomBytes(8).toString('hex')}`;
}

function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n);
}
