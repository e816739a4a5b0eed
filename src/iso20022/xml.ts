/**
 * What every ISO 20022 module shares: the message kinds vostro reads and writes, the refusal of
 * a message that cannot be read (`IsoFormatError`), and the text rules of the messages it writes
 * (XML escaping, characters XML 1.0 forbids, the schema's length limits).
 */

/** The largest message accepted, in bytes (as received, UTF-8). */
export const ISO_MESSAGE_MAX_BYTES = 8 * 1024 * 1024;

export type MessageKind =
  'pacs.008.001.09' | 'pacs.009.001.09' | 'pacs.002.001.11' | 'camt.053.001.08' | 'camt.054.001.08';

export const MESSAGE_KINDS: readonly MessageKind[] = [
  'pacs.008.001.09',
  'pacs.009.001.09',
  'pacs.002.001.11',
  'camt.053.001.08',
  'camt.054.001.08',
];

/** The kinds a participant may send; the others are the ones vostro sends. */
export const INBOUND_KINDS: readonly ('pacs.008.001.09' | 'pacs.009.001.09')[] = [
  'pacs.008.001.09',
  'pacs.009.001.09',
];

export const ISO_NAMESPACE_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:';

export type IsoFormatCode =
  'too_large' | 'not_xml' | 'doctype' | 'unsupported_message' | 'unsupported_version' | 'schema';

/**
 * The group header of a message refused by its schema, read as written (any field may be missing
 * or invalid), so that the status report can still name the message it rejects.
 */
export interface OriginalHeader {
  readonly kind: MessageKind;
  readonly msgId?: string;
  readonly createdAt?: string;
  readonly numberOfTransactions?: string;
  readonly instructingAgentBic?: string;
}

/** A message refused before or at parsing, or by its schema: nothing in it was acted upon. */
export class IsoFormatError extends Error {
  override readonly name = 'IsoFormatError';
  constructor(
    readonly code: IsoFormatCode,
    message: string,
    readonly errors: readonly { path: string; message: string }[] = [],
    /** For `schema` refusals: the header as written, when the document could be parsed. */
    readonly original?: OriginalHeader,
  ) {
    super(message);
  }
}

// --- Text in outgoing messages ------------------------------------------------------------------

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

/**
 * Characters XML 1.0 does not allow (C0 controls other than tab, line feed and carriage return,
 * U+FFFE, U+FFFF, and surrogates that are not half of a pair). They cannot be written even as
 * character references, so they are replaced by U+FFFD.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with the characters XML 1.0 forbids replaced by U+FFFD (the replacement character). */
export function xmlChars(text: string): string {
  return text.replace(NOT_XML, '\uFFFD');
}

/**
 * `text` for element content or an attribute value: the five XML metacharacters as entity
 * references, carriage return as a character reference (a parser would turn a raw one into a
 * line feed), and forbidden characters replaced (see `xmlChars`).
 */
export function escapeXml(text: string): string {
  return xmlChars(text).replace(/[&<>"'\r]/g, (c) => ESCAPES[c] ?? c);
}

/** `escapeXml` for an attribute value: tab and line feed too, which parsers turn into spaces. */
export function escapeAttribute(text: string): string {
  return xmlChars(text).replace(/[&<>"'\r\n\t]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * The first `max` characters of `text`, counted as the schema counts them (Unicode code points,
 * so that a surrogate pair is never split), after forbidden characters are replaced.
 */
export function fitText(text: string, max: number): string {
  const clean = xmlChars(text);
  if (clean.length <= max) return clean; // code points ≤ UTF-16 units
  let out = '';
  let count = 0;
  for (const char of clean) {
    if (count === max) break;
    out += char;
    count += 1;
  }
  return out;
}

/**
 * `text` cut into pieces of at most `max` characters each (code points), at most `pieces` of
 * them: how a long text goes into a repeated MaxNText element (e.g. AddtlInf, Ustrd). What does
 * not fit in the last piece is dropped; an empty text gives no piece.
 */
export function splitText(text: string, max: number, pieces: number): string[] {
  const chars = Array.from(xmlChars(text));
  const out: string[] = [];
  for (let start = 0; start < chars.length && out.length < pieces; start += max) {
    out.push(chars.slice(start, start + max).join(''));
  }
  return out;
}
