import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GroupCommitter } from '../ledger/group-commit.js';

/**
 * Prometheus metrics of one server. Each server has its own registry, so tests that build many
 * servers in one process do not share (or collide on) global metrics.
 */
export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: RequestMetrics;
  /** Every metric in the Prometheus text format (`registry.contentType`), for GET /metrics. */
  readonly scrape: () => Promise<string>;
  /** Counts transfers created (result ok); added to the Prometheus counter when scraped. */
  readonly transfersCreated: (count: number) => void;
}

/** The group committer's record keeps at most 10,000 sizes and drops the oldest 5,000 when full. */
const BATCH_SIZES_DROPPED = 5000;
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

export function createMetrics(committer: GroupCommitter): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new RequestMetrics();
  let created = 0;
  new Counter({
    name: 'vostro_transfers_created_total',
    help: 'transfers created through the API (result ok)',
    registers: [registry],
    collect() {
      this.inc(created);
      created = 0;
    },
  });
  registerBatchSizes(registry, committer);
  return {
    registry,
    requests,
    scrape: async () => `${await registry.metrics()}\n${requests.exposition()}`,
    transfersCreated: (count) => (created += count),
  };
}

interface Series {
  readonly labels: { readonly method: string; readonly route: string; readonly status: string };
  /** Observations per latency bucket, the last one past every bound (+Inf); not cumulative. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * `vostro_http_requests_total` and `vostro_http_request_duration_seconds` by method, route and
 * status, counted in plain numbers and written in the Prometheus text format only when scraped.
 * prom-client's Counter and Histogram build and hash a label object on every call, which took
 * about 0.8 µs of each request (measured); here a request costs three Map lookups. The count of
 * the histogram is the request counter, so the two cannot disagree. They are written beside the
 * registry's metrics rather than registered in it: prom-client's types admit only its own
 * classes, which keep their values in their own form.
 */
export class RequestMetrics {
  private readonly series: Series[] = [];
  /** Method, then route, then status: keys whose hashes V8 has cached, no key string built per request. */
  private readonly index = new Map<string, Map<string, Map<number, Series>>>();

  observe(method: string, route: string, status: number, seconds: number): void {
    let routes = this.index.get(method);
    if (routes === undefined)
      this.index.set(method, (routes = new Map<string, Map<number, Series>>()));
    let statuses = routes.get(route);
    if (statuses === undefined) routes.set(route, (statuses = new Map<number, Series>()));
    let series = statuses.get(status);
    if (series === undefined) {
      series = {
        labels: { method, route, status: String(status) },
        buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      statuses.set(status, series);
      this.series.push(series);
    }
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[bucket] as number))
      bucket += 1;
    series.buckets[bucket] = (series.buckets[bucket] as number) + 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** The two metrics in the Prometheus text exposition format, each series on its lines. */
  exposition(): string {
    const counter = 'vostro_http_requests_total';
    const histogram = 'vostro_http_request_duration_seconds';
    const lines = [
      `# HELP ${counter} HTTP requests by route and status`,
      `# TYPE ${counter} counter`,
      ...this.series.map((series) => `${counter}${labelText(series.labels)} ${series.count}`),
      '',
      `# HELP ${histogram} HTTP request latency by route and status`,
      `# TYPE ${histogram} histogram`,
    ];
    for (const { labels, buckets, sum, count } of this.series) {
      let cumulative = 0;
      buckets.forEach((observed, index) => {
        cumulative += observed;
        const le = LATENCY_BUCKETS[index] ?? '+Inf';
        lines.push(`${histogram}_bucket${labelText({ ...labels, le: String(le) })} ${cumulative}`);
      });
      lines.push(`${histogram}_sum${labelText(labels)} ${sum}`);
      lines.push(`${histogram}_count${labelText(labels)} ${count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/** `{name="value",…}` with each value escaped as the text format requires (\\, \", \n). */
function labelText(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(
    ([name, value]) =>
      `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${pairs.join(',')}}`;
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
