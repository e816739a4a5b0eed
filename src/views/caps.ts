import type { CapStatus } from '../settlement/caps.js';
import { amountsIn } from './amounts.js';

/** A net debit cap as the API (`/v1/participants/{id}/caps/{currency}`) and `vostro cap … --json` show it. */
export function capJson(status: CapStatus) {
  const amount = amountsIn(status.currency);
  return {
    participant: status.participant,
    currency: status.currency,
    cap: amount(status.capMinor),
    headroom: amount(status.headroomMinor),
    net: amount(status.netMinor),
  };
}
