/**
 * CSV as RFC 4180 describes it: records end with CRLF (the last one too), fields are separated by
 * commas, and a field that holds a comma, a double quote, CR or LF is enclosed in double quotes
 * with every double quote inside doubled. Every table starts with a header row. Fields that need
 * no quoting are written bare, so amounts (`-650.00`) stay plain numbers for any reader.
 *
 * Free text a participant chose (names, references) also gets the spreadsheet guard that OWASP
 * recommends against formula injection: text starting with `=`, `+`, `-`, `@`, TAB or CR is
 * written with a leading apostrophe (`'=cmd`), so a spreadsheet shows it as text instead of
 * running it. Only `csvText` applies the guard; amounts, ids and codes are never altered.
 */
export const CSV_RECORD_END = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted when RFC 4180 requires it. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Free text from a participant, guarded against formula injection (see above). */
export function csvText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A whole table: the header row, then one record per row, each ending with CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = header.length;
  const lines = [header, ...rows].map((row, index) => {
    if (row.length !== width)
      throw new Error(`bug: CSV row ${index} has ${row.length} fields, the header ${width}`);
    return row.map(csvField).join(',');
  });
  return lines.map((line) => line + CSV_RECORD_END).join('');
}
