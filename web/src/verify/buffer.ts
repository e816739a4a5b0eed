// What src/documents/signature.ts takes from Node's global `Buffer`, for the browser:
// scripts/build-web.mjs injects this `Buffer` where a bundled module names the global, so the
// signature code the hub runs verifies documents in the dashboard unchanged. Only the calls it
// makes are here — `Buffer.from(hex, 'hex')`, `Buffer.from(text, 'base64')`,
// `Buffer.from(arrayBuffer, offset, length)` and `toString('base64' | 'hex' | 'utf8')` — and they
// answer as Node's do, lenient base64 decoding included (signature.ts re-encodes to refuse a
// non-canonical spelling); buffer.test.ts compares the two.

type Encoding = 'hex' | 'base64' | 'utf8';

/** Bytes that print themselves as Node's Buffer does. */
class Bytes extends Uint8Array {
  override toString(encoding: Encoding = 'utf8'): string {
    switch (encoding) {
      case 'hex':
        return Array.from(this, (byte) => byte.toString(16).padStart(2, '0')).join('');
      case 'base64': {
        let binary = '';
        for (let i = 0; i < this.length; i += 0x8000)
          binary += String.fromCharCode(...this.subarray(i, i + 0x8000));
        return btoa(binary);
      }
      case 'utf8':
        return new TextDecoder().decode(this);
    }
  }
}

function fromHex(text: string): Bytes {
  // As Node: pairs of hex digits up to the first that is not one.
  const bytes: number[] = [];
  for (let i = 0; i + 1 < text.length; i += 2) {
    const pair = text.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) break;
    bytes.push(Number.parseInt(pair, 16));
  }
  return new Bytes(bytes);
}

function fromBase64(text: string): Bytes {
  // Node reads the URL-safe alphabet too, skips characters outside both and stops at padding;
  // atob refuses all that, so the text is made plain first. A lone trailing character carries no
  // whole byte: Node drops it too.
  const end = text.indexOf('=');
  let clean = (end < 0 ? text : text.slice(0, end))
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/[^A-Za-z0-9+/]/g, '');
  if (clean.length % 4 === 1) clean = clean.slice(0, -1);
  const binary = atob(clean);
  const bytes = new Bytes(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export const Buffer = {
  from(value: string | ArrayBuffer, encodingOrOffset?: Encoding | number, length?: number) {
    if (typeof value === 'string') {
      if (encodingOrOffset === 'hex') return fromHex(value);
      if (encodingOrOffset === 'base64') return fromBase64(value);
      return new Bytes(new TextEncoder().encode(value));
    }
    const offset = typeof encodingOrOffset === 'number' ? encodingOrOffset : 0;
    return new Bytes(value, offset, length ?? value.byteLength - offset);
  },
};
