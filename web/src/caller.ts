import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** `GET /v1/me`: who the signed-in key is. What the pages offer follows its role, as the API does. */
export interface Caller {
  readonly actor: string;
  readonly role: 'operator' | 'auditor' | 'participant';
  readonly participant?: string;
  readonly keyId: string;
  readonly label: string;
  readonly status: 'active' | 'rotating';
  readonly revokedAt?: string;
}

export const CallerContext = createContext<Caller | undefined>(undefined);

/** The signed-in key (the app renders pages only once it is known). */
export function useCaller(): Caller {
  const caller = useContext(CallerContext);
  if (caller === undefined) throw new Error('bug: a page rendered before sign-in');
  return caller;
}

/** The hub's own staff: operator and auditor keys read everything. */
export function isStaff(caller: Caller): boolean {
  return caller.role === 'operator' || caller.role === 'auditor';
}

/** Only operator keys change anything (close and settle windows, …). */
export function mayOperate(caller: Caller): boolean {
  return caller.role === 'operator';
}

/** The key in words for the header: "operator", "auditor", "participant sbi". */
export function describeCaller(caller: Caller): string {
  return caller.role === 'participant'
    ? `participant ${caller.participant ?? caller.actor}`
    : caller.role;
}
