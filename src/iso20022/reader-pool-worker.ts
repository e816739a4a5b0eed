/**
 * A thread of the ISO 20022 reader pool (reader-pool.ts): reads each message as `readInbound` does
 * on the calling thread, with the SHA-256 of its bytes, or answers the IsoFormatError it raised.
 */
import { createHash } from 'node:crypto';
import { serveWorkerTasks } from '../domain/worker-pool.js';
import { readInbound } from './inbound.js';
import type { ReaderResult } from './reader-pool.js';
import { IsoFormatError } from './xml.js';

serveWorkerTasks((batch: readonly Uint8Array[]): string => JSON.stringify(batch.map(readOne)));

function readOne(bytes: Uint8Array): ReaderResult {
  try {
    const message = readInbound(bytes);
    return { read: { message, hash: createHash('sha256').update(bytes).digest('hex') } };
  } catch (error) {
    if (!(error instanceof IsoFormatError)) throw error;
    const { code, message, errors, original } = error;
    return {
      refused: { code, message, errors, ...(original === undefined ? {} : { original }) },
    };
  }
}
