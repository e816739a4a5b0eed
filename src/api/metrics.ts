import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GroupCommitter } from '../ledger/group-commit.js';

/**
 * Prometheus metrics of one server. Each server has its own registry, so tests that build many
 * servers in one process do not share (or collide on) global metrics.
 */
export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly transfersPosted: Counter;
}

/** The group committer's record keeps at most 10,000 sizes and drops the oldest 5,000 when full. */
const BATCH_SIZES_DROPPED = 5000;

export function createMetrics(committer: GroupCommitter): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'vostro_http_requests_total', help: 'HTTP requests by route and status', labelNames, registers: [registry] });
  const requestSeconds = new Histogram({
    name: 'vostro_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const transfersPosted = new Counter({ name: 'vostro_transfers_created_total', help: 'transfers created through the API (result ok)', registers: [registry] });
  registerBatchSizes(registry, committer);
  return { registry, requests, requestSeconds, transfersPosted };
}

/**
 * The committer keeps the sizes of the groups it wrote; on each scrape the sizes recorded since
 * the last one are observed. If the record was trimmed between scrapes, the index is moved back
 * by what was dropped; sizes dropped twice between two scrapes are lost (scrapes are seconds
 * apart, the record holds 10,000 groups).
 */
function registerBatchSizes(registry: Registry, committer: GroupCommitter): void {
  let seen = 0;
  new Histogram({
    name: 'vostro_group_commit_batch_size',
    help: 'transfers per group-commit transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8190],
    registers: [registry],
    collect() {
      const sizes = committer.batchSizes;
      if (sizes.length < seen) seen = Math.max(0, seen - BATCH_SIZES_DROPPED);
      for (let index = seen; index < sizes.length; index += 1) this.observe(sizes[index] ?? 0);
      seen = sizes.length;
    },
  });
}
