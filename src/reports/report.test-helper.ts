import type { LedgerStore } from '../store/store.js';

/**
 * A strict RFC 4180 reader for the tests: records end with CRLF (a bare CR or LF outside quotes
 * is an error), a quoted field may hold commas, CRLF and doubled quotes, and a quote anywhere else
 * is an error. Every record must have the header's width. Returns the rows, header first.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let index = 0;
  let quoted = false;
  let fieldStarted = false;
  while (index < text.length) {
    const character = text[index] as string;
    if (quoted) {
      if (character === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 2;
          continue;
        }
        quoted = false;
        index += 1;
        const next = text[index];
        if (next !== ',' && next !== '\r' && next !== undefined)
          throw new Error(`CSV: text after a closing quote at ${index}`);
        continue;
      }
      field += character;
      index += 1;
      continue;
    }
    if (character === '"') {
      if (fieldStarted || field.length > 0)
        throw new Error(`CSV: a quote inside an unquoted field at ${index}`);
      quoted = true;
      fieldStarted = true;
      index += 1;
      continue;
    }
    if (character === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      index += 1;
      continue;
    }
    if (character === '\r') {
      if (text[index + 1] !== '\n') throw new Error(`CSV: a CR without LF at ${index}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      index += 2;
      continue;
    }
    if (character === '\n') throw new Error(`CSV: a bare LF at ${index}`);
    field += character;
    index += 1;
  }
  if (quoted) throw new Error('CSV: an unterminated quoted field');
  if (field.length > 0 || fieldStarted || row.length > 0)
    throw new Error('CSV: the last record does not end with CRLF');
  const width = rows[0]?.length ?? 0;
  rows.forEach((record, at) => {
    if (record.length !== width)
      throw new Error(`CSV: record ${at} has ${record.length} fields, the header ${width}`);
  });
  return rows;
}

/** The rows of a CSV table as objects keyed by the header. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(text);
  return rows.map((row) =>
    Object.fromEntries(header.map((name, index) => [name, row[index] ?? ''])),
  );
}

/** Everything a refusal must leave as it was: ledger row counts and the audit log's length. */
export async function footprint(
  store: LedgerStore,
): Promise<{ accounts: number; transfers: number; journalEntries: number; audit: number }> {
  let audit = 0;
  for (let after: bigint | undefined; ;) {
    const page = await store.auditEntries({
      limit: 1000,
      ...(after === undefined ? {} : { afterSeq: after }),
    });
    audit += page.length;
    if (page.length < 1000) break;
    after = page.at(-1)?.seq;
  }
  return { ...(await store.counts()), audit };
}
