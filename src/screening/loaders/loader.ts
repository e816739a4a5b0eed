/**
 * The loader interface: one per list format. A loader turns the bytes of a list's file(s) into
 * entries and the publication date the file states; loaders/registry.ts adds the hashes and makes
 * the snapshot. Adding a list (EU, UK, India's, Russia's) is one more loader registered there.
 */
import type { ListEntry, ListFormat } from '../types.js';
import type { ListFile } from './files.js';

export interface LoadedList {
  /** As the file states it (ISO 8601), null when the format carries no date. */
  readonly publishedAt: string | null;
  readonly entries: readonly ListEntry[];
}

export interface ListLoader {
  readonly format: ListFormat;
  /** What the files are, in the order load() takes them (for usage messages). */
  readonly files: readonly string[];
  /** Throws ListFormatError naming the file, the line or element, and the reason. */
  load(files: readonly ListFile[]): LoadedList;
}
