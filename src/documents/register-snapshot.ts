import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { invalidField } from '../domain/errors.js';
import { parseInstant } from '../domain/time.js';
import { PLAIN_TEXT_PATTERN } from '../ledger/text.js';
import { keyIdOf, parsePublicKey, type PublicKeyJson } from './signature.js';
import {
  Country,
  DateTime,
  KeyId,
  DOCUMENT_TYPES,
  PartyId,
  schemaFault,
  stringEnum,
  type DocumentType,
} from './types.js';

/**
 * The trust register as data: who may issue which trade documents, with which public keys, from
 * when to when, and which keys were revoked (when and why) or superseded by a newer one. The
 * service in src/trade keeps the register in the store; `snapshot()` there exports it in this
 * shape, and the verifier (src/documents/verify.ts) reads only this shape, so that a document file
 * and an exported register verify offline, with no server, exactly as the hub verifies them.
 *
 * A snapshot file is JSON: `{ "format": "vostro-trust-register/1", "exportedAt": …, "issuers": [...] }`.
 * `parseRegisterSnapshot` reads one and refuses, naming the field, anything the verifier could
 * misread: an unknown role or document type, a public key of the wrong size, a key id that is not
 * the hash of its key, a key or issuer listed twice, a validity that ends before it starts.
 */

export const ISSUER_ROLES = [
  'carrier',
  'chamber_of_commerce',
  'customs',
  'insurer',
  'bank',
  'exporter',
  'importer',
] as const;
export type IssuerRole = (typeof ISSUER_ROLES)[number];

const strict = { additionalProperties: false } as const;

/** The public key of a hybrid signing key, as `PublicKeyJson` (src/documents/signature.ts). */
export const PublicKeySchema = Type.Object(
  {
    algorithm: Type.Literal('ML-DSA-65+Ed25519'),
    mlDsa65: Type.String({
      maxLength: 4096,
      description: 'the ML-DSA-65 public key, 1952 bytes in base64',
    }),
    ed25519: Type.String({
      maxLength: 64,
      description: 'the Ed25519 public key, 32 bytes in base64',
    }),
  },
  { ...strict, title: 'Hybrid public key' },
);

export const IssuerKeySchema = Type.Object(
  {
    keyId: KeyId,
    publicKey: PublicKeySchema,
    validFrom: DateTime,
    validTo: DateTime,
    revokedAt: Type.Optional(DateTime),
    revocationReason: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: PLAIN_TEXT_PATTERN,
        description: 'why it was revoked',
      }),
    ),
    supersededBy: Type.Optional({ ...KeyId, description: 'the key that replaced this one' }),
  },
  { ...strict, title: 'Issuer key' },
);

export const IssuerEntrySchema = Type.Object(
  {
    id: PartyId,
    name: Type.String({
      minLength: 1,
      maxLength: 120,
      pattern: PLAIN_TEXT_PATTERN,
      description: "the issuer's name",
    }),
    role: stringEnum(ISSUER_ROLES, 'what kind of issuer it is'),
    country: Country,
    documentTypes: Type.Array(stringEnum(DOCUMENT_TYPES, 'a document type'), {
      maxItems: DOCUMENT_TYPES.length,
      description: 'the document types it may issue',
    }),
    participant: Type.Optional({
      ...PartyId,
      description: 'the participant it acts for (an exporter, an importer, a bank, customs)',
    }),
    keys: Type.Array(IssuerKeySchema, { maxItems: 100 }),
  },
  { ...strict, title: 'Register issuer' },
);

export const RegisterSnapshotSchema = Type.Object(
  {
    format: Type.Literal('vostro-trust-register/1'),
    exportedAt: DateTime,
    issuers: Type.Array(IssuerEntrySchema, { maxItems: 10_000 }),
  },
  { ...strict, title: 'Trust register snapshot' },
);

/**
 * One public key of an issuer. Times are ISO 8601 with a zone. A key signs documents the hub
 * receives from `validFrom` up to (not including) `validTo`; once `revokedAt` is set, documents
 * received at or after it are refused (those received before stay valid); `supersededBy` names
 * the key that replaced it, from that key's `validFrom` on.
 */
export interface IssuerKey {
  keyId: string;
  publicKey: PublicKeyJson;
  validFrom: string;
  validTo: string;
  revokedAt?: string;
  revocationReason?: string;
  supersededBy?: string;
}

/**
 * An issuer: a carrier, a chamber of commerce or export promotion council, customs, an insurer, a
 * bank, or an exporter or importer itself, with the document types it may issue and its keys.
 * `participant` is the participant it acts for, when it is one (customs, a corporate, a bank);
 * the holders of a bill of lading's title are issuers too.
 */
export interface IssuerEntry {
  id: string;
  name: string;
  role: IssuerRole;
  country: string;
  documentTypes: DocumentType[];
  participant?: string;
  keys: IssuerKey[];
}

export interface RegisterSnapshot {
  format: 'vostro-trust-register/1';
  exportedAt: string;
  issuers: IssuerEntry[];
}

const checkSnapshot = TypeCompiler.Compile(RegisterSnapshotSchema);

/**
 * A register snapshot file's text as a `RegisterSnapshot`, or an `invalid_field` refusal naming
 * the field (`issuers/2/keys/0/publicKey/mlDsa65`) and why.
 */
export function parseRegisterSnapshot(text: string): RegisterSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidField({
      field: 'register',
      message: `the register snapshot is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return registerSnapshotOf(value);
}

/** A parsed JSON value as a `RegisterSnapshot` (see `parseRegisterSnapshot`). */
export function registerSnapshotOf(value: unknown): RegisterSnapshot {
  if (!checkSnapshot.Check(value)) {
    const first = checkSnapshot.Errors(value).First();
    const fault =
      first === undefined
        ? { field: 'register', reason: 'does not match its schema' }
        : schemaFault(first, 'register', 'a register snapshot');
    throw invalidField({ field: fault.field, message: `${fault.field} ${fault.reason}` });
  }
  // The compiler holds the schema's static type to the interfaces above here.
  const snapshot: RegisterSnapshot = value;
  parseInstant(snapshot.exportedAt, 'register/exportedAt');
  const issuerIds = new Set<string>();
  const keyOwners = new Map<string, string>();
  for (const [i, issuer] of snapshot.issuers.entries()) {
    const at = `register/issuers/${i}`;
    if (issuerIds.has(issuer.id))
      throw invalidField({
        field: `${at}/id`,
        message: `${at}/id: the issuer ${issuer.id} is listed twice`,
      });
    issuerIds.add(issuer.id);
    if (new Set(issuer.documentTypes).size !== issuer.documentTypes.length)
      throw invalidField({
        field: `${at}/documentTypes`,
        message: `${at}/documentTypes lists a document type twice`,
      });
    const ownKeys = new Set(issuer.keys.map((key) => key.keyId));
    for (const [k, key] of issuer.keys.entries()) {
      const keyAt = `${at}/keys/${k}`;
      const owner = keyOwners.get(key.keyId);
      if (owner !== undefined)
        throw invalidField({
          field: `${keyAt}/keyId`,
          message: `${keyAt}/keyId: the key ${key.keyId} is listed twice (also under ${owner})`,
        });
      keyOwners.set(key.keyId, issuer.id);
      const publicKey = parsePublicKey(key.publicKey, `${keyAt}/publicKey`);
      if (keyIdOf(publicKey) !== key.keyId)
        throw invalidField({
          field: `${keyAt}/keyId`,
          message: `${keyAt}/keyId: ${key.keyId} is not the id of its public key (${keyIdOf(publicKey)})`,
        });
      const from = parseInstant(key.validFrom, `${keyAt}/validFrom`);
      const to = parseInstant(key.validTo, `${keyAt}/validTo`);
      if (to <= from)
        throw invalidField({
          field: `${keyAt}/validTo`,
          message: `${keyAt}/validTo ${key.validTo} is not after validFrom ${key.validFrom}`,
        });
      if (key.revokedAt !== undefined) parseInstant(key.revokedAt, `${keyAt}/revokedAt`);
      if (key.supersededBy !== undefined && !ownKeys.has(key.supersededBy))
        throw invalidField({
          field: `${keyAt}/supersededBy`,
          message: `${keyAt}/supersededBy: ${key.supersededBy} is not a key of ${issuer.id}`,
        });
    }
  }
  return snapshot;
}
