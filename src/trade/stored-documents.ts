import { Type } from '@sinclair/typebox';
import { SignedDocumentSchema, type SignedDocument } from '../documents/envelope.js';
import { DOCUMENT_TYPES, type DocumentType } from '../documents/types.js';
import { documentKind, oneOf, strict, type DocumentReader } from '../domain/documents.js';

/**
 * Signed trade documents as the hub keeps them: one document per signed document, under its
 * document hash (`sha256:` and 64 hex digits), with when the hub received it (the receipt time the
 * key-revocation rule is judged at), who submitted it and, for an export declaration or a customs
 * receipt, the participant it is addressed to. Written by src/trade/trade-documents.ts; read
 * there, by the title chain (src/trade/titles.ts) and by presentations, inside their own
 * transactions.
 */
export const TRADE_DOCUMENTS = 'trade_documents';

export interface StoredTradeDocument {
  hash: string;
  type: DocumentType;
  trade: string;
  /** The register issuer id that signed it. */
  issuer: string;
  /** ISO 8601: the hub's time when it was stored (the transaction's clock reading). */
  receivedAt: string;
  /** The actor id that submitted it. */
  receivedBy: string;
  document: SignedDocument;
  /**
   * The participant it is addressed to: for an export declaration, the importing country's
   * customs; for a customs receipt, the participant of the customs that issued the declaration.
   */
  addressedTo?: string;
}

const storedDocumentKind = documentKind<StoredTradeDocument>(
  TRADE_DOCUMENTS,
  Type.Object(
    {
      hash: Type.String(),
      type: oneOf(DOCUMENT_TYPES),
      trade: Type.String(),
      issuer: Type.String(),
      receivedAt: Type.String(),
      receivedBy: Type.String(),
      // The envelope's own schema: a stored document reads back only as a well-formed one.
      document: Type.Unsafe<SignedDocument>(SignedDocumentSchema),
      addressedTo: Type.Optional(Type.String()),
    },
    strict,
  ),
);

/** The stored documents of `hashes` that exist, by hash, as `reader` sees them (a transaction sees its own writes). */
export async function storedDocuments(
  reader: DocumentReader,
  hashes: readonly string[],
): Promise<Map<string, StoredTradeDocument>> {
  return storedDocumentKind.getMany(reader, hashes);
}

/** The put that stores `document` under its hash. */
export function storedDocumentPut(
  document: StoredTradeDocument,
): ReturnType<typeof storedDocumentKind.put> {
  return storedDocumentKind.put(document.hash, document);
}
