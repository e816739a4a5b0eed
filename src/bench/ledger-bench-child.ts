/**
 * One benchmark scenario in its own process, so that its peak RSS is its own. Reads the options
 * as JSON from argv, reports progress and the result as JSON lines on stdout.
 */
import { runWorkload, type WorkloadOptions } from './ledger-workload.js';

const options = JSON.parse(process.argv[2] ?? '{}') as WorkloadOptions;
const result = await runWorkload({ ...options, onProgress: (done) => process.stdout.write(`${JSON.stringify({ progress: done })}\n`) });
process.stdout.write(`${JSON.stringify({ result })}\n`);
