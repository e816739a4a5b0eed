import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { invalidField } from '../domain/errors.js';
import { documentHash } from './canonical.js';
import { signDigest, type HybridSignature, type SigningKeyPair } from './signature.js';
import {
  DOCUMENT_SCHEMAS,
  DOCUMENT_TYPES,
  DocumentHash,
  KeyId,
  parseDocumentContent,
  schemaFault,
  type DocumentContent,
  type FieldFault,
} from './types.js';

/**
 * A signed trade document: what an issuer sends and the hub stores. The content (src/documents/
 * types.ts) is hashed as RFC 8785 canonical JSON with SHA-256 (`documentHash`), and the issuer
 * signs the 32 bytes of that hash with its hybrid key (ML-DSA-65 and Ed25519, both of which must
 * verify: src/documents/signature.ts). The envelope states the hash so that a reader can name the
 * document (the hub keys it by its hash) before recomputing it; the verifier recomputes it and
 * checks the signatures over it.
 *
 * ```json
 * { "format": "vostro-document/1",
 *   "content": { "type": "commercial_invoice", "version": 1, "trade": "…", … },
 *   "hash": "sha256:…",
 *   "signature": { "algorithm": "ML-DSA-65+Ed25519", "keyId": "key:…", "mlDsa65": "…", "ed25519": "…" } }
 * ```
 */
export interface SignedDocument {
  format: 'vostro-document/1';
  content: DocumentContent;
  hash: string;
  signature: HybridSignature;
}

/**
 * The largest signed document, as JSON in UTF-8 bytes: 256 KiB. A document of 200 goods lines
 * with its 4.4 KB signature is about 60 KB; anything larger is refused before it is parsed further.
 */
export const DOCUMENT_MAX_BYTES = 256 * 1024;

const strict = { additionalProperties: false } as const;

/** A hybrid signature as `HybridSignature` (src/documents/signature.ts); sizes are the verifier's. */
export const HybridSignatureSchema = Type.Object(
  {
    algorithm: Type.Literal('ML-DSA-65+Ed25519'),
    keyId: KeyId,
    mlDsa65: Type.String({
      maxLength: 8192,
      description: 'the ML-DSA-65 signature (FIPS 204), 3309 bytes in base64',
    }),
    ed25519: Type.String({
      maxLength: 256,
      description: 'the Ed25519 signature, 64 bytes in base64',
    }),
  },
  { ...strict, title: 'Hybrid signature' },
);

const envelope = {
  format: Type.Literal('vostro-document/1'),
  hash: {
    ...DocumentHash,
    description: 'documentHash(content): "sha256:" and the SHA-256 of its RFC 8785 form, in hex',
  },
  signature: HybridSignatureSchema,
};

/** The signed document as the API describes it: the content is one of the eight types. */
export const SignedDocumentSchema = Type.Object(
  {
    format: envelope.format,
    content: Type.Union(
      DOCUMENT_TYPES.map((type) => DOCUMENT_SCHEMAS[type]),
      { description: 'the document content; its `type` says which schema applies' },
    ),
    hash: envelope.hash,
    signature: envelope.signature,
  },
  { ...strict, title: 'Signed trade document' },
);

/** The envelope alone, with any object as content: checked first, so faults name the envelope. */
const checkEnvelope = TypeCompiler.Compile(
  Type.Object({ ...envelope, content: Type.Object({}) }, strict),
);

/** What the envelope says, when it has the envelope's shape (the content not yet checked). */
export interface Envelope {
  readonly content: Record<string, unknown>;
  readonly hash: string;
  readonly signature: HybridSignature;
}

/** The envelope of a signed document, or the first field at fault (`signature/keyId`, `hash`). */
export function parseEnvelope(
  value: unknown,
): { ok: true; envelope: Envelope } | { ok: false; fault: FieldFault } {
  if (checkEnvelope.Check(value)) return { ok: true, envelope: value };
  const first = checkEnvelope.Errors(value).First();
  const fault =
    first === undefined
      ? { field: 'document', reason: 'does not match its schema' }
      : schemaFault(first, '', 'a signed document');
  return { ok: false, fault: { ...fault, field: fault.field.replace(/^\//, '') || 'document' } };
}

/**
 * A signed document's shape, envelope and content, or the first field at fault. The hash and the
 * signatures are not checked here: that is the verifier's work (src/documents/verify.ts).
 */
export function parseSignedDocument(
  value: unknown,
): { ok: true; document: SignedDocument } | { ok: false; field: string; reason: string } {
  const parsed = parseEnvelope(value);
  if (!parsed.ok) return { ok: false, ...parsed.fault };
  const content = parseDocumentContent(parsed.envelope.content);
  if (!content.ok) return content;
  return {
    ok: true,
    document: {
      format: 'vostro-document/1',
      content: content.content,
      hash: parsed.envelope.hash,
      signature: parsed.envelope.signature,
    },
  };
}

/**
 * Signs `content` with `key`: the issuer's side (`vostro document sign`, offline). Refuses
 * content that does not have its type's shape (`invalid_field` naming the field), so that nothing
 * is signed that the hub would refuse for its form; every field is bounded, so a well-formed
 * document is always under DOCUMENT_MAX_BYTES (a test builds the largest). Whether the key
 * belongs to the issuer the content names is for the register to say.
 */
export function signDocument(content: DocumentContent, key: SigningKeyPair): SignedDocument {
  const parsed = parseDocumentContent(content);
  if (!parsed.ok)
    throw invalidField({ field: parsed.field, message: `${parsed.field} ${parsed.reason}` });
  const hash = documentHash(content);
  const signed: SignedDocument = {
    format: 'vostro-document/1',
    content,
    hash,
    signature: signDigest(hash.slice('sha256:'.length), key),
  };
  return signed;
}
