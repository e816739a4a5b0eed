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
  /**
   * How long a client may take to send a request's headers, from its first byte; then the
   * connection is answered 408 and closed (a slow-headers "slowloris" client). Not above
   * `requestTimeoutMs`.
   */
  readonly headersTimeoutMs: number;
  /**
   * How long a client may take to send a whole request, headers and body; then the connection is
   * answered 408 and closed. This is what cuts a body trickled a byte at a time: the largest body
   * (`bodyBytesMax`) must arrive within it.
   */
  readonly requestTimeoutMs: number;
  /** How long a kept-alive connection may sit idle between requests before the server closes it. */
  readonly keepAliveTimeoutMs: number;
  /**
   * A connection on which no byte moves either way for this long is closed, whatever state it is
   * in: a client that stops reading its response, say. Longer than any request takes to handle
   * (a verification of a large ledger), since a handler at work moves no bytes either.
   */
  readonly socketTimeoutMs: number;
  /** Open connections at most; a connection past this is closed at once, before any byte is read. */
  readonly connectionsMax: number;
  /** Requests one connection may carry before the server closes it (0: no limit). */
  readonly requestsPerConnectionMax: number;
  /** How long `/readyz` waits for the store to answer before it says not ready. */
  readonly readinessTimeoutMs: number;
  /** `/readyz` says not ready when the disk holding a SQLite database has less free space than this. */
  readonly readinessDiskFreeMinBytes: number;
  /**
   * An event stream (GET /v1/events/stream) with nothing to send sends a comment line this often,
   * so that the connection never looks idle to proxies or to `socketTimeoutMs`.
   */
  readonly eventStreamHeartbeatMs: number;
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
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 30_000,
  socketTimeoutMs: 300_000,
  connectionsMax: 1024,
  requestsPerConnectionMax: 0,
  readinessTimeoutMs: 2000,
  readinessDiskFreeMinBytes: 64 * 1024 * 1024,
  eventStreamHeartbeatMs: 15_000,
};

/** Why a set of connection limits cannot be used, or undefined when it can (Node.js refuses some combinations). */
export function connectionLimitsProblem(
  limits: Pick<
    ApiLimits,
    | 'headersTimeoutMs'
    | 'requestTimeoutMs'
    | 'keepAliveTimeoutMs'
    | 'socketTimeoutMs'
    | 'connectionsMax'
  >,
): string | undefined {
  for (const name of [
    'headersTimeoutMs',
    'requestTimeoutMs',
    'keepAliveTimeoutMs',
    'socketTimeoutMs',
    'connectionsMax',
  ] as const) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 1)
      return `${name} must be a whole number of at least 1 (it is ${value})`;
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    return `the headers timeout (${limits.headersTimeoutMs} ms) must not be longer than the request timeout (${limits.requestTimeoutMs} ms)`;
  return undefined;
}
