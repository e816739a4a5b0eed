/**
 * A token bucket per client, in process memory. Each client may burst up to `burst` requests and
 * sustain `perSecond`. The map of buckets is bounded: past `clientsMax` the least recently seen
 * client is forgotten (a Map iterates in insertion order, and a client is re-inserted on each
 * request), so a flood of new addresses cannot grow memory without limit.
 */
export interface RateLimiterOptions {
  readonly perSecond: number;
  readonly burst: number;
  readonly clientsMax: number;
  readonly nowMs?: () => number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly nowMs: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  get clients(): number {
    return this.buckets.size;
  }

  take(client: string): RateDecision {
    const now = this.nowMs();
    const bucket = this.buckets.get(client) ?? { tokens: this.options.burst, updatedMs: now };
    this.buckets.delete(client);
    const refilled = bucket.tokens + ((now - bucket.updatedMs) / 1000) * this.options.perSecond;
    bucket.tokens = Math.min(this.options.burst, refilled);
    bucket.updatedMs = now;
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.options.clientsMax) {
      const oldest = this.buckets.keys().next();
      if (oldest.done !== true) this.buckets.delete(oldest.value);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.perSecond)),
    };
  }
}
