import { Type } from '@sinclair/typebox';
import {
  ISSUER_ROLES,
  IssuerEntrySchema,
  type IssuerEntry,
  type IssuerKey,
  type IssuerRole,
  type RegisterSnapshot,
} from '../documents/register-snapshot.js';
import { keyIdOf, parsePublicKey } from '../documents/signature.js';
import { DOCUMENT_TYPES, type DocumentType } from '../documents/types.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { documentKind, strict, type DocumentReader } from '../domain/documents.js';
import { checkPlainText, HubError, invalidField, shownValue } from '../domain/errors.js';
import { isoOfNs, parseInstant } from '../domain/time.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import { PARTICIPANT_ID, type ParticipantKind } from '../participants/participant.js';
import { participantDocuments } from '../participants/registry.js';

/**
 * The trust register: who may issue which trade documents, and with which public keys. The hub
 * keeps it as documents beside the ledger; the offline verifier reads an export of it (a
 * `RegisterSnapshot`, format `vostro-trust-register/1`), so that a document can be checked with no
 * server at all. The register holds public keys only: issuers make and keep their signing keys
 * (`vostro signing-key generate`), so every participant and every auditor may read it.
 *
 * Issuers are carriers, chambers of commerce or export promotion councils, customs authorities,
 * insurers, banks, and the exporters and importers themselves. An issuer of a role that is also a
 * kind of participant (bank, exporter or importer — a corporate —, customs) is linked to that
 * participant, which must exist: the link is what lets the hub tell that a document submitted by a
 * participant's API key is that participant's own, and to which customs authority an export
 * declaration is addressed. An issuer with no document types only holds and transfers titles (a
 * bank or an importer endorsed a bill of lading).
 *
 * Keys are added with a validity period and may be revoked (at the hub's time, with a reason) or
 * superseded by a later key (from the new key's `validFrom`). A document counts as signed when the
 * hub received it (its journal's receipt time), so a key revoked after a document was received does
 * not undo it; a document received after the revocation fails verification.
 */
export const ISSUERS = 'issuers';
/** Key id → issuer, so that a public key is registered once in the whole register. */
const ISSUER_KEYS = 'issuer_keys';
/** One document listing every issuer id, read inside a transaction (which can read by key only). */
const ISSUER_INDEX = 'issuer_index';
const ISSUER_INDEX_KEY = 'all';

const NAME_MAX = 120;
const REASON_MAX = 200;
/** Keys one issuer may have had (IssuerEntrySchema's bound): a rotation a month for eight years. */
const KEYS_MAX = 100;
const COUNTRY = /^[A-Z]{2}$/;

/**
 * The document types each role may be registered for: a carrier signs transport documents, a
 * chamber of commerce (or export promotion council) certificates of origin, customs its export
 * declarations and its receipts of the other side's, an insurer insurance certificates, the
 * exporter its own invoice and packing list. Banks and importers issue none of these; they are in
 * the register to hold and endorse transferable bills of lading.
 */
export const ROLE_DOCUMENT_TYPES: Readonly<Record<IssuerRole, readonly DocumentType[]>> = {
  carrier: ['bill_of_lading', 'rail_consignment_note'],
  chamber_of_commerce: ['certificate_of_origin'],
  customs: ['export_declaration', 'customs_receipt'],
  insurer: ['insurance_certificate'],
  bank: [],
  exporter: ['commercial_invoice', 'packing_list'],
  importer: [],
};

/** Roles whose issuer is a participant of the hub, and the participant kind it must be. */
const LINKED_KIND: Readonly<Partial<Record<IssuerRole, ParticipantKind>>> = {
  bank: 'bank',
  exporter: 'corporate',
  importer: 'corporate',
  customs: 'customs',
};

/** The issuers' documents, one per issuer under its id, with its keys in the order they were added. */
const issuerDocuments = documentKind<IssuerEntry>(ISSUERS, IssuerEntrySchema);

const issuerKeyDocuments = documentKind<{ issuer: string }>(
  ISSUER_KEYS,
  Type.Object({ issuer: Type.String() }, strict),
);

const issuerIndexDocuments = documentKind<{ ids: string[] }>(
  ISSUER_INDEX,
  Type.Object({ ids: Type.Array(Type.String()) }, strict),
);

/** What the operator gives to register an issuer: everything but its keys, which are added one by one. */
export type IssuerInput = Omit<IssuerEntry, 'keys'>;

/** A key to add to an issuer: the public key as its JSON (checked precisely), its validity, and the key it replaces. */
export interface KeyInput {
  readonly publicKey: unknown;
  /** ISO 8601 date or date-time with a zone. */
  readonly validFrom: string;
  readonly validTo: string;
  /** The key id of one of the issuer's keys that this one replaces from its `validFrom`. */
  readonly supersedes?: string;
}

export interface IssuerQuery {
  readonly after?: string;
  readonly role?: IssuerRole;
  readonly limit: number;
}

/**
 * The trust register service (see the file comment). Every change is one store transaction with
 * its audit entry (`issuers.create`, `issuers.keys.add`, `issuers.keys.revoke`). Who may change it
 * is the route's policy (operator keys) and the command line's (the operator); anyone who may use
 * the hub may read it.
 */
export class TrustRegister {
  constructor(private readonly ledger: Ledger) {}

  async addIssuer(input: IssuerInput, actor: Actor): Promise<IssuerEntry> {
    const valid = validateIssuer(input);
    return this.ledger.transact(async (tx) => {
      if ((await issuerDocuments.get(tx, valid.id)) !== undefined)
        throw new HubError('issuer_exists', {
          field: 'id',
          message: `issuer ${valid.id} exists already`,
        });
      await checkLink(tx, valid);
      const entry: IssuerEntry = { ...valid, keys: [] };
      const index = (await issuerIndexDocuments.get(tx, ISSUER_INDEX_KEY))?.ids ?? [];
      await tx.putRecords([
        issuerDocuments.put(entry.id, entry),
        issuerIndexDocuments.put(ISSUER_INDEX_KEY, { ids: [...index, entry.id] }),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'issuers.create', entry.id, {
          role: entry.role,
          country: entry.country,
          documentTypes: [...entry.documentTypes],
          ...(entry.participant === undefined ? {} : { participant: entry.participant }),
        }),
      ]);
      return entry;
    });
  }

  /**
   * Adds a public key to an issuer. The key is parsed precisely (base64, 1952-byte ML-DSA-65 and
   * 32-byte Ed25519 parts); its id is derived from it, and a key already in the register (under
   * any issuer) is refused. With `supersedes`, the named key of the same issuer is marked
   * superseded by this one from this one's `validFrom`.
   */
  async addKey(issuerId: string, input: KeyInput, actor: Actor): Promise<IssuerEntry> {
    const publicKey = parsePublicKey(input.publicKey, 'publicKey');
    const validFromNs = parseInstant(input.validFrom, 'validFrom');
    const validToNs = parseInstant(input.validTo, 'validTo');
    if (validToNs <= validFromNs)
      throw invalidField({
        field: 'validTo',
        message: `validTo (${input.validTo}) must be after validFrom (${input.validFrom})`,
      });
    if (input.supersedes !== undefined && typeof input.supersedes !== 'string')
      throw invalidField({ field: 'supersedes', message: 'supersedes is a key id' });
    const keyId = keyIdOf(publicKey);
    const key: IssuerKey = {
      keyId,
      publicKey,
      validFrom: isoOfNs(validFromNs),
      validTo: isoOfNs(validToNs),
    };
    return this.ledger.transact(async (tx) => {
      const issuer = await requireIssuer(tx, issuerId);
      const holder = await issuerKeyDocuments.get(tx, keyId);
      if (holder !== undefined)
        throw new HubError('issuer_key_exists', {
          field: 'publicKey',
          message:
            holder.issuer === issuer.id
              ? `key ${keyId} is registered to ${issuer.id} already`
              : `key ${keyId} is registered to another issuer (${holder.issuer}); an issuer's key is its own`,
        });
      if (issuer.keys.length >= KEYS_MAX)
        throw invalidField({
          field: 'publicKey',
          message: `issuer ${issuer.id} has ${issuer.keys.length} keys, the most the register keeps for one issuer`,
        });
      let keys = [...issuer.keys];
      if (input.supersedes !== undefined) {
        const old = keys.find((candidate) => candidate.keyId === input.supersedes);
        if (old === undefined)
          throw new HubError('key_not_found', {
            field: 'supersedes',
            message: `issuer ${issuer.id} has no key ${input.supersedes}`,
          });
        if (old.supersededBy !== undefined)
          throw invalidField({
            field: 'supersedes',
            message: `key ${old.keyId} is superseded by ${old.supersededBy} already`,
          });
        if (old.revokedAt !== undefined)
          throw new HubError('key_revoked', {
            field: 'supersedes',
            message: `key ${old.keyId} was revoked at ${old.revokedAt}; a revoked key is not superseded`,
          });
        if (validFromNs <= parseInstant(old.validFrom, 'supersedes'))
          throw invalidField({
            field: 'validFrom',
            message: `a key that supersedes ${old.keyId} starts after it (${old.validFrom}), not at ${key.validFrom}`,
          });
        keys = keys.map((candidate) =>
          candidate === old ? { ...candidate, supersededBy: keyId } : candidate,
        );
      }
      const entry: IssuerEntry = { ...issuer, keys: [...keys, key] };
      await tx.putRecords([
        issuerDocuments.put(entry.id, entry),
        issuerKeyDocuments.put(keyId, { issuer: entry.id }),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'issuers.keys.add', entry.id, {
          keyId,
          validFrom: key.validFrom,
          validTo: key.validTo,
          ...(input.supersedes === undefined ? {} : { supersedes: input.supersedes }),
        }),
      ]);
      return entry;
    });
  }

  /**
   * Revokes a key at the hub's time, with a reason. Documents the hub received before stay valid
   * (their receipt time is before the revocation); any received later fail `key_not_revoked`.
   */
  async revokeKey(
    issuerId: string,
    keyId: string,
    reason: string,
    actor: Actor,
  ): Promise<IssuerEntry> {
    if (typeof reason !== 'string' || reason.trim() === '')
      throw invalidField({ field: 'reason', message: 'a revocation states its reason' });
    checkPlainText(reason, { field: 'reason', max: REASON_MAX });
    return this.ledger.transact(async (tx) => {
      const issuer = await requireIssuer(tx, issuerId);
      const key = issuer.keys.find((candidate) => candidate.keyId === keyId);
      if (key === undefined)
        throw new HubError('key_not_found', {
          field: 'keyId',
          message: `issuer ${issuer.id} has no key ${keyId}`,
        });
      if (key.revokedAt !== undefined)
        throw new HubError('key_revoked', {
          field: 'keyId',
          message: `key ${keyId} of ${issuer.id} was revoked at ${key.revokedAt} (${key.revocationReason ?? 'no reason given'})`,
        });
      const revokedAt = isoOfNs(tx.nowNs);
      const entry: IssuerEntry = {
        ...issuer,
        keys: issuer.keys.map((candidate) =>
          candidate === key
            ? { ...candidate, revokedAt, revocationReason: reason.trim() }
            : candidate,
        ),
      };
      await tx.putRecords([issuerDocuments.put(entry.id, entry)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'issuers.keys.revoke', entry.id, {
          keyId,
          revokedAt,
          reason: reason.trim(),
        }),
      ]);
      return entry;
    });
  }

  async get(id: string): Promise<IssuerEntry | undefined> {
    return issuerDocuments.get(this.ledger.store, id);
  }

  /** Issuers in id order, `limit` after `after`, of one role if given. */
  async list(query: IssuerQuery): Promise<IssuerEntry[]> {
    const found: IssuerEntry[] = [];
    let after = query.after;
    for (;;) {
      const page = await issuerDocuments.list(this.ledger.store, {
        ...(after === undefined ? {} : { afterKey: after }),
        limit: Math.max(query.limit, 100),
      });
      for (const entry of page)
        if (query.role === undefined || entry.role === query.role) {
          found.push(entry);
          if (found.length === query.limit) return found;
        }
      if (page.length < Math.max(query.limit, 100)) return found;
      after = page.at(-1)?.id;
    }
  }

  /** The whole register as the offline verifier reads it, as committed now. */
  async snapshot(): Promise<RegisterSnapshot> {
    return this.snapshotIn(this.ledger.store);
  }

  /**
   * The whole register as `reader` sees it: inside a transaction, with what the transaction wrote.
   * `exportedAt` is `atNs` when given (a transaction's `nowNs`), else the ledger clock's now.
   */
  async snapshotIn(reader: DocumentReader, atNs?: bigint): Promise<RegisterSnapshot> {
    const ids = (await issuerIndexDocuments.get(reader, ISSUER_INDEX_KEY))?.ids ?? [];
    const entries = await issuerDocuments.getMany(reader, ids);
    return {
      format: 'vostro-trust-register/1',
      exportedAt: isoOfNs(atNs ?? this.ledger.clock.nowNs()),
      issuers: [...entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    };
  }
}

async function requireIssuer(tx: LedgerTransaction, id: string): Promise<IssuerEntry> {
  const issuer = await issuerDocuments.get(tx, id);
  if (issuer === undefined)
    throw new HubError('issuer_not_found', { field: 'issuer', message: `no issuer ${id}` });
  return issuer;
}

/** Shape and values of an issuer; `checkLink` checks what needs the store. */
function validateIssuer(input: IssuerInput): IssuerInput {
  if (typeof input.id !== 'string' || !PARTICIPANT_ID.test(input.id))
    throw invalidField({
      field: 'id',
      message:
        'an issuer id is 2 to 40 characters: a lower-case letter, then lower-case letters, digits or hyphens',
    });
  if (typeof input.name !== 'string' || input.name.trim() === '')
    throw invalidField({
      field: 'name',
      message: `a name of 1 to ${NAME_MAX} characters is required`,
    });
  checkPlainText(input.name, { field: 'name', max: NAME_MAX });
  if (!ISSUER_ROLES.includes(input.role))
    throw invalidField({
      field: 'role',
      message: `role must be one of ${ISSUER_ROLES.join(', ')}, got ${shownValue(input.role)}`,
    });
  if (typeof input.country !== 'string' || !COUNTRY.test(input.country))
    throw invalidField({
      field: 'country',
      message: 'country is an ISO 3166-1 alpha-2 code in capitals, e.g. IN or RU',
    });
  if (!Array.isArray(input.documentTypes))
    throw invalidField({ field: 'documentTypes', message: 'documentTypes is a list' });
  const allowed = ROLE_DOCUMENT_TYPES[input.role];
  input.documentTypes.forEach((type, index) => {
    if (!DOCUMENT_TYPES.includes(type))
      throw invalidField({
        field: `documentTypes/${index}`,
        message: `${shownValue(type)} is not a document type (${DOCUMENT_TYPES.join(', ')})`,
      });
    if (!allowed.includes(type))
      throw invalidField({
        field: `documentTypes/${index}`,
        message: `a ${input.role} does not issue a ${type} (it may issue: ${allowed.join(', ') || 'none; it holds and endorses titles'})`,
      });
  });
  if (new Set(input.documentTypes).size !== input.documentTypes.length)
    throw invalidField({ field: 'documentTypes', message: 'a document type is listed twice' });
  const kind = LINKED_KIND[input.role];
  if (kind !== undefined && input.participant === undefined)
    throw invalidField({
      field: 'participant',
      message: `a ${input.role} issuer is linked to its participant (a ${kind}); name it`,
    });
  if (
    input.participant !== undefined &&
    (typeof input.participant !== 'string' || !PARTICIPANT_ID.test(input.participant))
  )
    throw invalidField({ field: 'participant', message: 'participant is a participant id' });
  return {
    id: input.id,
    name: input.name.trim(),
    role: input.role,
    country: input.country,
    documentTypes: [...input.documentTypes],
    ...(input.participant === undefined ? {} : { participant: input.participant }),
  };
}

/** The linked participant exists, is of the kind the role needs, and is in the issuer's country. */
async function checkLink(tx: LedgerTransaction, issuer: IssuerInput): Promise<void> {
  if (issuer.participant === undefined) return;
  const participant = await participantDocuments.get(tx, issuer.participant);
  if (participant === undefined)
    throw new HubError('participant_not_found', {
      field: 'participant',
      message: `no participant ${issuer.participant}`,
    });
  const kind = LINKED_KIND[issuer.role];
  if (kind !== undefined && participant.kind !== kind)
    throw new HubError('participant_kind_mismatch', {
      field: 'participant',
      message: `${participant.id} is a ${participant.kind}; a ${issuer.role} issuer is linked to a ${kind}`,
    });
  if (participant.country !== issuer.country)
    throw invalidField({
      field: 'country',
      message: `the issuer is in ${issuer.country} but its participant ${participant.id} is in ${participant.country}`,
    });
}
