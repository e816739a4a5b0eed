import { Type } from '@sinclair/typebox';
import { auditEntry, type Actor, type ActorRole } from '../domain/actor.js';
import { documentKind, oneOf, strict } from '../domain/documents.js';
import { checkPlainText, HubError, invalidField } from '../domain/errors.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import { isStorableText } from '../ledger/text.js';
import { participantDocuments } from '../participants/registry.js';
import type { JsonObject } from '../store/records.js';
import { KEY_ID_PATTERN, keyText, newKeyId, newSecret } from './secret.js';
import { KeyVerifier, type KeyVerifierOptions } from './verifier.js';

/** The document collection API keys live in, one document per key under its key id. */
export const API_KEYS = 'api_keys';
export const KEY_ROLES = [
  'operator',
  'participant',
  'auditor',
] as const satisfies readonly ActorRole[];
/** Longest grace period a rotation may give the old key. */
export const ROTATION_GRACE_MAX_SECONDS = 7 * 24 * 3600;
const LABEL_MAX = 80;
// Labels are plain text (src/ledger/text.ts): no control characters, so they are safe in tables and logs.

/**
 * An API key as stored. Never holds the secret: only a random salt and SHA-256(salt || secret)
 * (see secret.ts for why that suffices). Records are never deleted, so the audit log's key ids
 * always resolve to who held them.
 */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly role: ActorRole;
  /** The participant a participant key acts for; absent for operator and auditor keys. */
  readonly participant?: string;
  readonly label: string;
  /** Hex, 16 bytes. */
  readonly salt: string;
  /** Hex SHA-256(salt || secret). */
  readonly hash: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** The actor id that issued it. */
  readonly createdBy: string;
  /** When the key stops (or stopped) working; in the future while a rotation's grace period runs. */
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  /** The key issued by rotating this one. */
  readonly replacedBy?: string;
  /** The key this one was issued to replace. */
  readonly rotatedFrom?: string;
}

/** The API keys' documents, one per key under its key id. */
export const apiKeyDocuments = documentKind<ApiKeyRecord>(
  API_KEYS,
  Type.Object(
    {
      keyId: Type.String(),
      role: oneOf(KEY_ROLES),
      participant: Type.Optional(Type.String()),
      label: Type.String(),
      salt: Type.String({ pattern: '^[0-9a-f]{32}$' }),
      hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
      createdAt: Type.String(),
      createdBy: Type.String(),
      revokedAt: Type.Optional(Type.String()),
      revokedBy: Type.Optional(Type.String()),
      replacedBy: Type.Optional(Type.String()),
      rotatedFrom: Type.Optional(Type.String()),
    },
    strict,
  ),
);

/** `active`; `rotating` (replaced, still accepted until `revokedAt`); `revoked`. */
export type KeyStatus = 'active' | 'rotating' | 'revoked';

/** What listings show of a key: everything but the salt and hash. */
export interface ApiKeyInfo {
  readonly keyId: string;
  readonly role: ActorRole;
  readonly participant?: string;
  readonly label: string;
  readonly status: KeyStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  readonly replacedBy?: string;
  readonly rotatedFrom?: string;
}

/** A newly issued key: the full key text is in `key`, here and nowhere else, ever. */
export interface IssuedKey {
  readonly key: string;
  readonly info: ApiKeyInfo;
}

export interface IssueKeyInput {
  readonly role: ActorRole;
  readonly participant?: string;
  readonly label?: string;
}

export interface KeyFilter {
  readonly role?: ActorRole;
  readonly participant?: string;
}

export type ApiKeysOptions = Partial<Pick<KeyVerifierOptions, 'ttlMs' | 'maxEntries' | 'nowMs'>>;

/**
 * API keys: issue (the key is returned once), list, rotate, revoke, each one write transaction
 * with its audit entry; and the verifier every request goes through (`verifier`), which this
 * service tells at once about revocations it commits.
 *
 * Rotation issues a new key with the same role and participant and ends the old one: at once by
 * default, or after a grace period of up to 7 days (`graceSeconds`) so that clients can switch
 * without an outage. During the grace period both keys work and the old one lists as `rotating`;
 * revoking it ends the grace period early.
 */
export class ApiKeys {
  readonly verifier: KeyVerifier;
  private readonly nowMs: () => number;

  constructor(
    private readonly ledger: Ledger,
    options: ApiKeysOptions = {},
  ) {
    this.nowMs = options.nowMs ?? Date.now;
    this.verifier = new KeyVerifier({
      load: async (keyId) => apiKeyDocuments.get(ledger.store, keyId),
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
      nowMs: this.nowMs,
    });
  }

  async issue(input: IssueKeyInput, actor: Actor): Promise<IssuedKey> {
    const valid = validateIssue(input);
    const { key, record } = await this.ledger.transact(async (tx) => {
      if (
        valid.participant !== undefined &&
        (await participantDocuments.get(tx, valid.participant)) === undefined
      ) {
        throw new HubError('participant_not_found', {
          field: 'participant',
          message: `no participant ${valid.participant}`,
        });
      }
      const issued = await createKey(tx, valid, actor, {});
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'keys.issue', issued.record.keyId, keyDetail(issued.record)),
      ]);
      return issued;
    });
    return { key, info: this.info(record) };
  }

  /**
   * Issues a new key like `keyId` (role, participant, label) and ends `keyId`: now, or after
   * `graceSeconds`. A key that is revoked or already rotated cannot be rotated.
   */
  async rotate(
    keyId: string,
    options: { graceSeconds?: number },
    actor: Actor,
  ): Promise<{ key: string; info: ApiKeyInfo; previous: ApiKeyInfo }> {
    const graceSeconds = options.graceSeconds ?? 0;
    if (
      !Number.isInteger(graceSeconds) ||
      graceSeconds < 0 ||
      graceSeconds > ROTATION_GRACE_MAX_SECONDS
    ) {
      throw invalidField({
        field: 'graceSeconds',
        message: `a grace period is a whole number of seconds from 0 to ${ROTATION_GRACE_MAX_SECONDS} (7 days)`,
      });
    }
    const outcome = await this.ledger.transact(async (tx) => {
      const old = await requireKey(tx, keyId);
      if (old.revokedAt !== undefined) {
        const when =
          Date.parse(old.revokedAt) > nsToMs(tx.nowNs)
            ? `is being rotated (to ${old.replacedBy ?? '?'}) and stops working at ${old.revokedAt}`
            : `was revoked at ${old.revokedAt}`;
        throw new HubError('key_revoked', {
          field: 'keyId',
          message: `key ${keyId} ${when}; it cannot be rotated`,
        });
      }
      const issued = await createKey(
        tx,
        {
          role: old.role,
          ...(old.participant === undefined ? {} : { participant: old.participant }),
          label: old.label,
        },
        actor,
        { rotatedFrom: old.keyId },
      );
      const previous: ApiKeyRecord = {
        ...old,
        revokedAt: isoMs(nsToMs(tx.nowNs) + graceSeconds * 1000),
        revokedBy: actor.id,
        replacedBy: issued.record.keyId,
      };
      await tx.putRecords([apiKeyDocuments.put(previous.keyId, previous)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'keys.rotate', old.keyId, {
          newKeyId: issued.record.keyId,
          graceSeconds,
          ...keyDetail(old),
        }),
      ]);
      return { ...issued, previous };
    });
    this.verifier.forget(keyId);
    return {
      key: outcome.key,
      info: this.info(outcome.record),
      previous: this.info(outcome.previous),
    };
  }

  /** Ends a key now (a rotating key's grace period too). Revoking a revoked key is refused. */
  async revoke(keyId: string, actor: Actor): Promise<ApiKeyInfo> {
    const record = await this.ledger.transact(async (tx) => {
      const old = await requireKey(tx, keyId);
      const nowMs = nsToMs(tx.nowNs);
      if (old.revokedAt !== undefined && Date.parse(old.revokedAt) <= nowMs)
        throw new HubError('key_revoked', {
          field: 'keyId',
          message: `key ${keyId} was revoked at ${old.revokedAt}`,
        });
      const revoked: ApiKeyRecord = { ...old, revokedAt: isoMs(nowMs), revokedBy: actor.id };
      await tx.putRecords([apiKeyDocuments.put(keyId, revoked)]);
      await tx.appendAudit([auditEntry(actor, tx.nowNs, 'keys.revoke', keyId, keyDetail(old))]);
      return revoked;
    });
    this.verifier.forget(keyId);
    return this.info(record);
  }

  async find(keyId: string): Promise<ApiKeyInfo | undefined> {
    const record = await this.record(keyId);
    return record === undefined ? undefined : this.info(record);
  }

  async get(keyId: string): Promise<ApiKeyInfo> {
    const found = await this.find(keyId);
    if (found === undefined)
      throw new HubError('key_not_found', { field: 'keyId', message: `no key ${keyId}` });
    return found;
  }

  /** The stored record (salt and hash included): for the authorisation check of a participant's own keys. */
  async record(keyId: string): Promise<ApiKeyRecord | undefined> {
    if (!KEY_ID_PATTERN.test(keyId)) return undefined;
    return apiKeyDocuments.get(this.ledger.store, keyId);
  }

  /**
   * Keys in key-id order, a page at a time after `afterKeyId`, filtered by role and participant.
   * Keys are few (one or two per participant and member of staff), so the filter reads them all.
   */
  async list(
    filter: KeyFilter,
    afterKeyId: string | undefined,
    limit: number,
  ): Promise<ApiKeyInfo[]> {
    const found: ApiKeyInfo[] = [];
    for (let after = afterKeyId; ;) {
      const page = await apiKeyDocuments.list(this.ledger.store, {
        ...(after === undefined ? {} : { afterKey: after }),
        limit: 500,
      });
      for (const record of page) {
        if (filter.role !== undefined && record.role !== filter.role) continue;
        if (filter.participant !== undefined && record.participant !== filter.participant) continue;
        found.push(this.info(record));
        if (found.length >= limit) return found;
      }
      if (page.length < 500) return found;
      after = page.at(-1)?.keyId;
    }
  }

  /** What a listing shows of a key: its fields one by one, so that a secret's salt and hash never are. */
  info(record: ApiKeyRecord): ApiKeyInfo {
    const optional = (
      name: 'participant' | 'revokedAt' | 'revokedBy' | 'replacedBy' | 'rotatedFrom',
    ) => (record[name] === undefined ? {} : { [name]: record[name] });
    return {
      keyId: record.keyId,
      role: record.role,
      ...optional('participant'),
      label: record.label,
      status: keyStatus(record, this.nowMs()),
      createdAt: record.createdAt,
      createdBy: record.createdBy,
      ...optional('revokedAt'),
      ...optional('revokedBy'),
      ...optional('replacedBy'),
      ...optional('rotatedFrom'),
    };
  }
}

export function keyStatus(record: Pick<ApiKeyRecord, 'revokedAt'>, nowMs: number): KeyStatus {
  if (record.revokedAt === undefined) return 'active';
  return Date.parse(record.revokedAt) > nowMs ? 'rotating' : 'revoked';
}

function validateIssue(input: IssueKeyInput): IssueKeyInput {
  if (!KEY_ROLES.includes(input.role))
    throw invalidField({ field: 'role', message: `role must be one of ${KEY_ROLES.join(', ')}` });
  if (
    input.role === 'participant' &&
    (typeof input.participant !== 'string' ||
      input.participant.length === 0 ||
      !isStorableText(input.participant))
  )
    throw invalidField({
      field: 'participant',
      message: 'a participant key names its participant',
    });
  if (input.role !== 'participant' && input.participant !== undefined)
    throw invalidField({
      field: 'participant',
      message: `an ${input.role} key acts for the hub, not for a participant`,
    });
  const label = input.label ?? '';
  checkPlainText(label, { field: 'label', max: LABEL_MAX });
  return {
    role: input.role,
    ...(input.participant === undefined ? {} : { participant: input.participant }),
    label,
  };
}

async function createKey(
  tx: LedgerTransaction,
  input: IssueKeyInput,
  actor: Actor,
  links: { rotatedFrom?: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  let keyId = newKeyId();
  // 64 random bits: a collision is all but impossible, but an existing key must never be overwritten.
  while ((await tx.getRecord(API_KEYS, keyId)) !== undefined) keyId = newKeyId();
  const secret = newSecret();
  const record: ApiKeyRecord = {
    keyId,
    role: input.role,
    ...(input.participant === undefined ? {} : { participant: input.participant }),
    label: input.label ?? '',
    salt: secret.salt,
    hash: secret.hash,
    createdAt: isoMs(nsToMs(tx.nowNs)),
    createdBy: actor.id,
    ...links,
  };
  await tx.putRecords([apiKeyDocuments.put(keyId, record)]);
  return { key: keyText(keyId, secret.secret), record };
}

async function requireKey(tx: LedgerTransaction, keyId: string): Promise<ApiKeyRecord> {
  const record = KEY_ID_PATTERN.test(keyId) ? await apiKeyDocuments.get(tx, keyId) : undefined;
  if (record === undefined)
    throw new HubError('key_not_found', { field: 'keyId', message: `no key ${keyId}` });
  return record;
}

/** What the audit log says about a key: never its salt, hash or secret. */
function keyDetail(record: ApiKeyRecord): JsonObject {
  return {
    role: record.role,
    ...(record.participant === undefined ? {} : { participant: record.participant }),
    label: record.label,
  };
}

function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}
