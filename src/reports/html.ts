/**
 * Printable, self-contained HTML pages: one file with its CSS inline, no scripts, no fonts, images
 * or style sheets from anywhere else, so a report can be mailed, archived or printed as it is. A
 * Content-Security-Policy meta tag forbids every script and every external load, as a second line
 * of defence behind escaping. Every piece of text goes through `escapeHtml` in the helpers below;
 * the builders take plain strings and never raw markup from data.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element and inside a double- or single-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1a1a1a; margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; padding-bottom: 3px; }
p.sub { margin: 0 0 16px; color: #555; }
p.note { color: #555; font-size: 12px; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 0; }
dl.summary dt { color: #555; }
dl.summary dd { margin: 0; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: 0 0 8px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; border-bottom: 1px solid #bbb; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 11px; }
tr.total td { font-weight: 600; border-top: 1px solid #999; }
td.empty { color: #777; font-style: italic; }
footer { margin-top: 32px; color: #777; font-size: 11px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, dl.summary { break-inside: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
}
`.trim();

export interface HtmlColumn {
  readonly label: string;
  /** Right-aligned with tabular figures (amounts, counts). */
  readonly numeric?: boolean;
  /** Monospaced (ids). */
  readonly id?: boolean;
}

/** A table; every cell is plain text and is escaped here. An empty table says `empty` in one row. */
export function htmlTable(
  columns: readonly HtmlColumn[],
  rows: readonly (readonly string[])[],
  options: { empty?: string; total?: readonly string[] } = {},
): string {
  const cellClass = (column: HtmlColumn | undefined): string =>
    column?.numeric === true ? ' class="num"' : column?.id === true ? ' class="id"' : '';
  const head = `<thead><tr>${columns.map((column) => `<th${column.numeric === true ? ' class="num"' : ''} scope="col">${escapeHtml(column.label)}</th>`).join('')}</tr></thead>`;
  const row = (cells: readonly string[], attributes = ''): string =>
    `<tr${attributes}>${cells.map((cell, index) => `<td${cellClass(columns[index])}>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  const body =
    rows.length === 0
      ? `<tr><td class="empty" colspan="${columns.length}">${escapeHtml(options.empty ?? 'none')}</td></tr>`
      : rows.map((cells) => row(cells)).join('\n');
  const total =
    options.total === undefined ? '' : `\n<tfoot>${row(options.total, ' class="total"')}</tfoot>`;
  return `<table>\n${head}\n<tbody>\n${body}\n</tbody>${total}\n</table>`;
}

/** A definition list of label → value pairs (the report's header). */
export function htmlSummary(pairs: readonly (readonly [string, string])[]): string {
  return `<dl class="summary">\n${pairs.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}\n</dl>`;
}

export function htmlHeading(level: 1 | 2, text: string): string {
  return `<h${level}>${escapeHtml(text)}</h${level}>`;
}

export function htmlParagraph(text: string, className?: string): string {
  return `<p${className === undefined ? '' : ` class="${escapeHtml(className)}"`}>${escapeHtml(text)}</p>`;
}

/** The whole page: `body` must be built from the helpers above (already escaped). */
export function htmlDocument(title: string, body: readonly string[], footer: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    ...body,
    `<footer>${escapeHtml(footer)}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
