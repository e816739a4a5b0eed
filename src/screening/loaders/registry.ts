/**
 * The loaders by format, and loadList: files → a Snapshot (format, publication date, SHA-256 of
 * each file and of the set, entry count, entries). To add a list, write its loader (loader.ts)
 * and add it here and to ListFormat (types.ts).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ListFormat, Snapshot } from '../types.js';
import { sha256Hex, type ListFile } from './files.js';
import type { ListLoader } from './loader.js';
import { loadOfac } from './ofac.js';
import { loadUn } from './un.js';

export const LOADERS: Record<ListFormat, ListLoader> = {
  un: { format: 'un', files: ['consolidated.xml'], load: loadUn },
  ofac: { format: 'ofac', files: ['sdn.csv', 'alt.csv', 'add.csv'], load: loadOfac },
};

/**
 * Loads a list from its files (paths, read here, or names with bytes) in the order its loader
 * takes them. Throws ListFormatError for a malformed file; nothing is kept from a refused load.
 */
export function loadList(format: ListFormat, files: readonly (string | ListFile)[]): Snapshot {
  const read = files.map((file) =>
    typeof file === 'string' ? { name: basename(file), bytes: readFileSync(file) } : file,
  );
  const loaded = LOADERS[format].load(read);
  const hashes = read.map((file) => ({
    name: file.name,
    sha256: sha256Hex(file.bytes),
    bytes: file.bytes.length,
  }));
  const sha256 =
    hashes.length === 1
      ? (hashes[0] as { sha256: string }).sha256
      : sha256Hex(new TextEncoder().encode(hashes.map((hash) => hash.sha256).join('\n')));
  return {
    format,
    id: `${format}@${sha256}`,
    publishedAt: loaded.publishedAt,
    sha256,
    files: hashes,
    entryCount: loaded.entries.length,
    entries: loaded.entries,
  };
}
