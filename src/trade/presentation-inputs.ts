import { Type } from '@sinclair/typebox';
import { documentKind, strict, type DocumentReader } from '../domain/documents.js';
import type { DocumentType } from '../documents/types.js';
import type { SignedDocument } from '../documents/envelope.js';
import { SignedDocumentSchema } from '../documents/envelope.js';
import { DOCUMENT_TYPES } from '../documents/types.js';
import { oneOf } from '../domain/documents.js';

/**
 * TEMPORARY: how presentations.ts reads stored trade documents, with the StoredTradeDocument
 * shape of CONTRACT.md, until src/trade/trade-documents.ts (branch tradesvc) is merged; then
 * presentations.ts imports `storedDocuments` from there and this file goes.
 */

export interface StoredTradeDocument {
  hash: string;
  type: DocumentType;
  trade: string;
  issuer: string;
  receivedAt: string;
  receivedBy: string;
  document: SignedDocument;
  addressedTo?: string;
}

const storedDocumentKind = documentKind<StoredTradeDocument>(
  'trade_documents',
  Type.Object(
    {
      hash: Type.String(),
      type: oneOf(DOCUMENT_TYPES),
      trade: Type.String(),
      issuer: Type.String(),
      receivedAt: Type.String(),
      receivedBy: Type.String(),
      document: Type.Unsafe<SignedDocument>(SignedDocumentSchema),
      addressedTo: Type.Optional(Type.String()),
    },
    strict,
  ),
);

export async function storedDocuments(
  reader: DocumentReader,
  hashes: readonly string[],
): Promise<Map<string, StoredTradeDocument>> {
  return storedDocumentKind.getMany(reader, hashes);
}
