import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { RefusedError } from '../ledger-context.js';
import { UsageError } from '../errors.js';

/**
 * Files the trade-document commands read and write: JSON documents, key files and register
 * snapshots. Every failure names the option or argument it came from and the path, and a file is
 * never written over: a key file or a signed document that already exists stays as it was.
 */

/** A file's text, decoded strictly as UTF-8; a file that cannot be read is a usage error naming `option`. */
export function readTextFile(option: string, path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RefusedError(`${option}: ${path} is not valid UTF-8 text`);
  }
}

/** A JSON file's value; text that is not JSON is refused (exit 1) naming `option`, the path and the parser's reason. */
export function readJsonFile(option: string, path: string): unknown {
  const text = readTextFile(option, path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RefusedError(`${option}: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Writes a new file, refusing to replace one that exists (`wx`), with `mode` (0600 for secret keys:
 * set again after writing, whatever the umask made of it).
 */
export function writeNewFile(option: string, path: string, text: string, mode = 0o644): void {
  try {
    writeFileSync(path, text, { flag: 'wx', mode });
    chmodSync(path, mode);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST')
      throw new RefusedError(
        `${option}: ${path} exists already; it is left as it was (choose another path, or move it away first)`,
      );
    throw new RefusedError(`${option}: cannot write ${path}: ${(error as Error).message}`);
  }
}

/** JSON as the commands write it to files: two-space indented, with a final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
