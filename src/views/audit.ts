import type { StoredAuditEntry } from '../store/records.js';
import { isoTime } from './time.js';

/** An audit entry as the API (`GET /v1/audit`) and `vostro audit --json` show it: seq as a string, time in ISO 8601 with nanoseconds. */
export function auditJson(entry: StoredAuditEntry) {
  return {
    seq: entry.seq.toString(),
    at: isoTime(entry.at),
    actor: entry.actor,
    role: entry.role,
    ...(entry.keyId === undefined ? {} : { keyId: entry.keyId }),
    ...(entry.requestId === undefined ? {} : { requestId: entry.requestId }),
    action: entry.action,
    ...(entry.target === undefined ? {} : { target: entry.target }),
    detail: entry.detail,
  };
}
