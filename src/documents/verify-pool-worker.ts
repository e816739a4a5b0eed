/**
 * A thread of the verifier pool (src/documents/verify-pool.ts): answers each request with the
 * result of the same pure, synchronous function the calling thread would have run, or with the
 * message of what it threw. It keeps no state between requests.
 */
import { serveWorkerTasks } from '../domain/worker-pool.js';
import { verifyDigest } from './signature.js';
import { verifyDocument } from './verify.js';
import type { PoolTask } from './verify-pool.js';

serveWorkerTasks((task: PoolTask): unknown => {
  switch (task.kind) {
    case 'document':
      return verifyDocument(task.input, task.context);
    case 'digest':
      return verifyDigest(task.digestHex, task.signature, task.publicKey);
  }
});
