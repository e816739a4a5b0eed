import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** JSON for scripts: two-space indented, bigints as decimal strings (JSON numbers lose precision past 2^53). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(
    `${JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? field.toString() : field), 2)}\n`,
  );
}

/** A plain table for people; no colours, so piped output stays clean. */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  alignRight: readonly number[] = [],
): string {
  const table = new Table({
    head: [...head],
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, index) => (alignRight.includes(index) ? 'right' : 'left')),
  });
  for (const row of rows) table.push([...row]);
  return `${table.toString()}\n`;
}

/**
 * The output a command with both `--json` and `--format <format>` prints: `--json` is
 * `--format json`, so a script can use either; asking for JSON and another format at once is a
 * usage error rather than a silent choice between them.
 */
export function chosenFormat<Format extends string>(
  options: { readonly json?: boolean; readonly format?: Format },
  fallback: Format,
): Format | 'json' {
  if (options.json === true) {
    if (options.format !== undefined && options.format !== 'json')
      throw new UsageError(
        `--json and --format ${options.format} ask for two different outputs; give one of them`,
      );
    return 'json';
  }
  return options.format ?? fallback;
}
