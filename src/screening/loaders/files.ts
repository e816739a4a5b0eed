/** What every loader shares: the files it is given, their hashes, and strict UTF-8 decoding. */
import { createHash } from 'node:crypto';
import { ListFormatError } from '../errors.js';

/** One file of a list: its name (for messages) and its bytes. */
export interface ListFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The file's text, or a ListFormatError naming the first line that is not valid UTF-8 (a file saved
 * in Windows-1251 or Latin-1, or cut inside a character). A trailing DOS end-of-file mark (0x1A,
 * which OFAC's legacy files end with) is not part of the text.
 */
export function decodeUtf8(file: ListFile): string {
  let end = file.bytes.length;
  while (end > 0 && file.bytes[end - 1] === 0x1a) end--;
  const bytes = file.bytes.subarray(0, end);
  try {
    return fatal.decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        fatal.decode(bytes.subarray(start, i));
      } catch {
        throw new ListFormatError(file.name, `line ${line}`, 'not valid UTF-8 (wrong encoding?)');
      }
      line++;
      start = i + 1;
    }
    throw new ListFormatError(file.name, `line ${line}`, 'not valid UTF-8 (wrong encoding?)');
  }
}
