import type { RegisterSnapshot, IssuerEntry, IssuerKey } from '../documents/register-snapshot.js';
import type { SignedTitleEntry } from '../documents/bill-of-lading.js';
import type { VerificationReport } from '../documents/verify.js';
import type { StoredTradeDocument } from '../trade/trade-documents.js';

/**
 * Trade documents, their verification reports, the trust register and bill-of-lading title entries
 * as the API (`/v1/documents/…`, `/v1/issuers/…`, `/v1/register`, `/v1/bills-of-lading/…`) and the
 * CLI's `document|issuer … --json` show them. Signed documents and title entries are shown exactly
 * as they were signed: a copy of them verifies offline as the hub verified it.
 */

/** Every check the verifier made, in its order, each with pass, fail or skipped and its reason. */
export function verificationReportJson(report: VerificationReport) {
  return {
    valid: report.valid,
    ...(report.hash === undefined ? {} : { hash: report.hash }),
    ...(report.type === undefined ? {} : { type: report.type }),
    ...(report.trade === undefined ? {} : { trade: report.trade }),
    checks: report.checks.map((check) => ({
      name: check.name,
      status: check.status,
      reason: check.reason,
    })),
  };
}

/** A stored document: who sent it and when the hub received it, and the signed envelope itself. */
export function storedDocumentJson(stored: StoredTradeDocument) {
  return {
    hash: stored.hash,
    type: stored.type,
    trade: stored.trade,
    issuer: stored.issuer,
    receivedAt: stored.receivedAt,
    receivedBy: stored.receivedBy,
    ...(stored.addressedTo === undefined ? {} : { addressedTo: stored.addressedTo }),
    document: stored.document,
  };
}

function issuerKeyJson(key: IssuerKey) {
  return {
    keyId: key.keyId,
    publicKey: key.publicKey,
    validFrom: key.validFrom,
    validTo: key.validTo,
    ...(key.revokedAt === undefined ? {} : { revokedAt: key.revokedAt }),
    ...(key.revocationReason === undefined ? {} : { revocationReason: key.revocationReason }),
    ...(key.supersededBy === undefined ? {} : { supersededBy: key.supersededBy }),
  };
}

/** An issuer of the trust register with every key it has had, revoked ones included. */
export function issuerJson(entry: IssuerEntry) {
  return {
    id: entry.id,
    name: entry.name,
    role: entry.role,
    country: entry.country,
    documentTypes: [...entry.documentTypes],
    ...(entry.participant === undefined ? {} : { participant: entry.participant }),
    keys: entry.keys.map(issuerKeyJson),
  };
}

/** The register as `vostro document verify --register` reads it back: every issuer and key. */
export function registerSnapshotJson(snapshot: RegisterSnapshot) {
  return {
    format: snapshot.format,
    exportedAt: snapshot.exportedAt,
    issuers: snapshot.issuers.map(issuerJson),
  };
}

/** One signed entry of a bill of lading's title chain, as signed. */
export function titleEntryJson(entry: SignedTitleEntry) {
  return { content: { ...entry.content }, hash: entry.hash, signature: { ...entry.signature } };
}
