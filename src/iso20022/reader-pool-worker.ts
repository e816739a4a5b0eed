/**
 * A thread of the ISO 20022 reader pool (reader-pool.ts): reads each message of a batch as
 * `readInbound` does on the calling thread, with the SHA-256 of its bytes, or answers the
 * IsoFormatError it raised (`readOne`); the batch's answers go back as one JSON text.
 */
import { serveWorkerTasks } from '../domain/worker-pool.js';
import { readOne } from './reader-pool.js';

serveWorkerTasks((batch: readonly Uint8Array[]): string =>
  JSON.stringify(batch.map((bytes) => readOne(bytes))),
);
