// What src/documents takes from `node:crypto`, for the browser: scripts/build-web.mjs resolves
// `node:crypto` to this file, so the dashboard verifies documents with the very code the hub runs
// (src/documents/canonical.ts and signature.ts). SHA-256 is @noble/hashes' (pure JavaScript,
// synchronous like Node's; WebCrypto's digest is asynchronous); random bytes are the browser's
// CSPRNG. Only what those two files call is here, and it answers as Node does
// (node-crypto.test.ts compares the two).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const utf8 = new TextEncoder();

/** `createHash('sha256')`: `update` with bytes or a string (hashed as UTF-8), `digest('hex')`. */
export function createHash(algorithm: string) {
  if (algorithm !== 'sha256') throw new Error(`only sha256 is available here, not ${algorithm}`);
  const hash = sha256.create();
  const self = {
    update(data: Uint8Array | string) {
      hash.update(typeof data === 'string' ? utf8.encode(data) : data);
      return self;
    },
    digest(encoding: string): string {
      if (encoding !== 'hex') throw new Error(`only a hex digest is available here`);
      return bytesToHex(hash.digest());
    },
  };
  return self;
}

/** `randomBytes(size)`: from the browser's CSPRNG. */
export function randomBytes(size: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(size));
}
