import type { AuditEntry, JsonObject } from '../store/records.js';

/**
 * Who asks for an operation: an API key's holder (its participant and role), or the command line,
 * which is run by the operator on the hub's own machine. Every mutation is audited under it.
 */
export type ActorRole = 'operator' | 'participant' | 'auditor';

export interface Actor {
  /** A participant id for participant keys; `operator`, `auditor` or `cli` for the hub's own. */
  readonly id: string;
  readonly role: ActorRole;
  /** The participant a participant key belongs to. */
  readonly participant?: string;
  readonly keyId?: string;
  readonly requestId?: string;
}

/** The operator at the command line. */
export const CLI_ACTOR: Actor = { id: 'cli', role: 'operator' };

export function auditEntry(
  actor: Actor,
  nowNs: bigint,
  action: string,
  target: string | undefined,
  detail: JsonObject,
): AuditEntry {
  return {
    at: nowNs,
    actor: actor.id,
    role: actor.role,
    ...(actor.keyId === undefined ? {} : { keyId: actor.keyId }),
    ...(actor.requestId === undefined ? {} : { requestId: actor.requestId }),
    action,
    ...(target === undefined ? {} : { target }),
    detail,
  };
}
