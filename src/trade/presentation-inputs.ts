import { Type } from '@sinclair/typebox';
import { documentKind, strict, type DocumentReader } from '../domain/documents.js';
import type { TradeTerms } from './trades.js';

/**
 * TEMPORARY: the shapes presentations.ts needs from src/documents (verify.ts,
 * register-snapshot.ts, branch docmodel) and src/trade/trade-documents.ts (branch tradesvc), as
 * CONTRACT.md names them, until those are merged; then presentations.ts imports them from there
 * and this file goes.
 */

export interface Check {
  name: string;
  status: 'pass' | 'fail' | 'skipped';
  reason: string;
}

export interface VerificationReport {
  valid: boolean;
  checks: Check[];
}

export interface RegisterSnapshot {
  format: 'vostro-trust-register/1';
  exportedAt: string;
  issuers: { id: string }[];
}

export interface VerifyContext {
  register: RegisterSnapshot;
  receivedAt: string;
  trade?: TradeTerms;
  presentedAt?: string;
  titleSurrendered?: boolean;
}

export interface StoredTradeDocument {
  hash: string;
  type: string;
  trade: string;
  issuer: string;
  receivedAt: string;
  receivedBy: string;
  document: Record<string, unknown>;
  addressedTo?: string;
}

const storedDocumentKind = documentKind<StoredTradeDocument>(
  'trade_documents',
  Type.Object(
    {
      hash: Type.String(),
      type: Type.String(),
      trade: Type.String(),
      issuer: Type.String(),
      receivedAt: Type.String(),
      receivedBy: Type.String(),
      document: Type.Record(Type.String(), Type.Unknown()),
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
