/** The committed evaluation set (written by generate-eval.ts) and its reader. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { ListFormat } from '../types.js';

export const EVAL_SET = fileURLToPath(new URL('./eval-set.csv', import.meta.url));
/** Generated with another seed after the matcher was settled; only ever reported. */
export const HOLDOUT_SET = fileURLToPath(new URL('./eval-holdout.csv', import.meta.url));

export interface EvalRow {
  readonly split: 'tune' | 'test';
  readonly label: 'match' | 'non-match';
  /** kind/variation of a true match; the kind of name of a non-match. */
  readonly group: string;
  readonly query: string;
  /** For a true match: the list and entry it must hit. */
  readonly format?: ListFormat;
  readonly entryId?: string;
  readonly listedName?: string;
}

export function readEvalSet(file = EVAL_SET): EvalRow[] {
  const records = parse<Record<string, string>>(readFileSync(file), { columns: true });
  return records.map((record, index) => {
    const {
      split,
      label,
      group,
      query,
      format,
      entry_id: entryId,
      listed_name: listedName,
    } = record;
    if (
      (split !== 'tune' && split !== 'test') ||
      (label !== 'match' && label !== 'non-match') ||
      group === undefined ||
      query === undefined
    )
      throw new Error(`${file}: row ${index + 2} is not an evaluation row`);
    if (label === 'non-match') return { split, label, group, query };
    if (format !== 'un' && format !== 'ofac')
      throw new Error(`${file}: row ${index + 2}: a true match names its list (un or ofac)`);
    return {
      split,
      label,
      group,
      query,
      format,
      entryId: entryId ?? '',
      listedName: listedName ?? '',
    };
  });
}
