/**
 * One benchmark scenario in its own process, so that its peak RSS is its own. Reads the options
 * as JSON from argv, reports progress and the result as JSON lines on stdout.
 */
import { limitHeapGrowth } from '../cli/heap-growth.js';
import { runWorkload, type WorkloadOptions } from './ledger-workload.js';

// As in the hub's own process (cli/main.ts): the measured peak RSS is the one the hub would have.
limitHeapGrowth();

const options = JSON.parse(process.argv[2] ?? '{}') as WorkloadOptions;
const result = await runWorkload({
  ...options,
  onProgress: (done) => process.stdout.write(`${JSON.stringify({ progress: done })}\n`),
});
process.stdout.write(`${JSON.stringify({ result })}\n`);
