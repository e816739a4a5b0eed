import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the JavaScript heap grow past what was live after a full collection before it
 * collects again, in percent: 100, a factor of 2. Left to itself V8 picks the factor from its
 * measured collection and allocation speeds, up to 4 when the heap limit is large (it is about
 * 4 GB on a machine with 24 GiB). The ledger allocates fast and in batches: each batch's events and
 * stored transfers (a few megabytes) outlive a young-generation collection or two, so they end up
 * in the old generation and die there. With a factor of 4 about 70–90 MB of that garbage piled up
 * on top of about 20 MB of live data before a full collection; with 2, about half of that, for
 * about twice as many full collections (mostly incremental, on the main thread). The figures are
 * in docs/benchmarks.md ("Ledger on SQLite").
 *
 * The young generation is bounded too, but that can only be done before V8 sets up its heap, on the
 * command line: `--max-semi-space-size=16` (MB per semi-space) is in the `vostro` executable's
 * first line and in the npm scripts that start vostro or a benchmark. Node.js 24's V8 sizes the
 * young generation from the heap limit, up to about three times the 16 MB of Node.js 20, and kept
 * about 130 MB more in it during a batch run (peak RSS 334–378 MB against 197–228 MB with the
 * flag, at the same throughput; docs/benchmarks.md, "Node.js 24").
 *
 * V8 reads the flag at every full collection, so setting it at startup takes effect; it applies to
 * the whole process, worker threads included. Process entry points call this (`cli/main.ts`, the
 * benchmark's child process); library code never sets V8 flags.
 */
export const HEAP_GROWING_PERCENT = 100;

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
