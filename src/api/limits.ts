import { BATCH_MAX } from '../ledger/model.js';

/** Every bound the HTTP edge puts on a client; `buildServer` takes overrides, for tests and benchmarks. */
export interface ApiLimits {
  /** Largest request body; a batch of BATCH_MAX transfers (about 300 bytes each) must fit. */
  readonly bodyBytesMax: number;
  /** Items in one batch request; the ledger refuses more in one transaction anyway. */
  readonly batchItemsMax: number;
  /** Items one page of a list may hold. */
  readonly pageItemsMax: number;
  /** Page size when the client names none. */
  readonly pageItemsDefault: number;
  /** Requests per second each client (API key, else IP address) may sustain; 0 turns the limit off. */
  readonly rateLimitPerSecond: number;
  /** Requests a client may make at once after being idle. */
  readonly rateLimitBurst: number;
  /** Clients whose buckets are remembered; the least recently seen is forgotten past this. */
  readonly rateLimitClientsMax: number;
  /**
   * After a verification of the whole ledger (`/v1/verify`) has finished, the next may start only
   * this much later; callers meanwhile share the running one. 0 turns the pause off.
   */
  readonly verifyIntervalMs: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  bodyBytesMax: 4 * 1024 * 1024,
  batchItemsMax: BATCH_MAX,
  pageItemsMax: 1000,
  pageItemsDefault: 100,
  rateLimitPerSecond: 5000,
  rateLimitBurst: 10_000,
  rateLimitClientsMax: 10_000,
  verifyIntervalMs: 30_000,
};
