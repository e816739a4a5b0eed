/**
 * A thread of the verifier pool (src/documents/verify-pool.ts): answers each request with the
 * result of the same pure, synchronous function the calling thread would have run, or with the
 * message of what it threw. It keeps no state between requests.
 */
import { parentPort } from 'node:worker_threads';
import { verifyDigest } from './signature.js';
import { verifyDocument } from './verify.js';
import type { PoolRequest, PoolResponse, PoolTask } from './verify-pool.js';

const port = parentPort;
if (port === null) throw new Error('verify-pool-worker must run as a worker thread');

function run(task: PoolTask): unknown {
  switch (task.kind) {
    case 'document':
      return verifyDocument(task.input, task.context);
    case 'digest':
      return verifyDigest(task.digestHex, task.signature, task.publicKey);
  }
}

port.on('message', (request: PoolRequest) => {
  let response: PoolResponse;
  try {
    response = { id: request.id, ok: true, result: run(request.task) };
  } catch (error) {
    response = {
      id: request.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(response);
});
