/**
 * What a string the ledger or the hub stores may contain. Two rules:
 *
 * - **Storable** (every stored string: account and transfer fields, documents, their keys, audit
 *   entries): well-formed UTF-16, so that it has exactly one UTF-8 form — the bytes the journal
 *   hashes, SQLite stores and PostgreSQL stores are then the same, and reading it back gives the
 *   string that was written — and no U+0000, which PostgreSQL `text` and `jsonb` cannot hold.
 *   A lone surrogate (`"\ud800"` in JSON) has no UTF-8 form at all: one layer writes U+FFFD, another
 *   three bytes of CESU, and the string read back is not the one hashed or compared.
 * - **Plain** (one-line labels people read: account owners, references, participant names, key
 *   labels): storable and without control characters (Unicode category Cc: U+0000–U+001F,
 *   U+007F–U+009F), which would break table rows, CSV lines and log lines or, as terminal escape
 *   sequences, rewrite the screen of whoever lists them. Everything else is allowed, format
 *   characters (bidi marks, zero-width joiners) and U+FFFD included: they are text, stored exactly.
 *
 * Lengths of text are counted in characters (Unicode code points), as JSON Schema's `maxLength`,
 * PostgreSQL's `length()` and SQLite's `length()` count them, so one limit means the same at every
 * layer; truncation never splits a surrogate pair.
 */

/* eslint-disable no-control-regex -- finding NUL and control characters is what these patterns are for */
/** A NUL, or a surrogate that is not half of a pair. No `u` flag: the pattern sees code units. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The same, and every other control character (Cc). */
const NOT_PLAIN =
  /[\u0000-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/* eslint-enable no-control-regex */

/**
 * The plain-text rule as a JSON Schema pattern (ECMAScript syntax, no `u` flag needed), for request
 * schemas. Lone surrogates are refused before schemas run (they fail the storable rule).
 */
export const PLAIN_TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';
/** What the plain-text rule asks, as a reason a person can act on. */
export const PLAIN_TEXT_RULE =
  'must be plain text: no control characters (U+0000 to U+001F, U+007F to U+009F) and no unpaired UTF-16 surrogates';

/** True when `text` can be stored and read back exactly by every store. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** True when `text` is storable and has no control characters. */
export function isPlainText(text: string): boolean {
  return !NOT_PLAIN.test(text);
}

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  const found = UNSTORABLE.exec(text);
  return found === null ? undefined : describe(found[0], found.index);
}

/** Why `text` is not plain text, or undefined when it is. */
export function notPlainReason(text: string): string | undefined {
  const found = NOT_PLAIN.exec(text);
  return found === null ? undefined : describe(found[0], found.index);
}

function describe(character: string, index: number): string {
  const code = character.charCodeAt(0);
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0) return `contains U+0000 (NUL) at index ${index}, which cannot be stored`;
  if (code >= 0xd800 && code <= 0xdfff)
    return `contains an unpaired UTF-16 surrogate (${name}) at index ${index}, which is not text`;
  return `contains the control character ${name} at index ${index}; only plain text is allowed`;
}

/** Its length in characters (code points). */
export function textLength(text: string): number {
  let surrogatePairs = 0;
  for (let index = 0; index < text.length - 1; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        surrogatePairs += 1;
        index += 1;
      }
    }
  }
  return text.length - surrogatePairs;
}

/** True when `text` has at most `max` characters; cheap for the common short string. */
export function fitsLength(text: string, max: number): boolean {
  return text.length <= max || textLength(text) <= max;
}

/** At most the first `max` characters of `text`, never half of a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (fitsLength(text, max)) return text;
  let end = 0;
  for (let count = 0; count < max && end < text.length; count += 1) {
    const code = text.charCodeAt(end);
    const next = text.charCodeAt(end + 1);
    end += code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, end);
}

/** Where in a JSON value a string breaks the storable rule, and why. */
export interface TextFault {
  /** The path to the string: property names and array indexes. A bad property name is its own path. */
  readonly path: readonly (string | number)[];
  readonly reason: string;
}

/**
 * The first string in a JSON value (property names included) that cannot be stored, or undefined.
 * Walks depth first in document order; other values are ignored.
 */
export function findUnstorableText(value: unknown): TextFault | undefined {
  const path: (string | number)[] = [];
  const walk = (node: unknown): string | undefined => {
    if (typeof node === 'string') return unstorableReason(node);
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index += 1) {
        path.push(index);
        const reason = walk(node[index]);
        if (reason !== undefined) return reason;
        path.pop();
      }
      return undefined;
    }
    for (const key of Object.keys(node)) {
      path.push(key);
      const keyReason = unstorableReason(key);
      if (keyReason !== undefined) return `the property name ${keyReason}`;
      const reason = walk((node as Record<string, unknown>)[key]);
      if (reason !== undefined) return reason;
      path.pop();
    }
    return undefined;
  };
  const reason = walk(value);
  return reason === undefined ? undefined : { path: [...path], reason };
}

/** A path as a JSON Pointer (RFC 6901): `/transfers/3/reference`; the empty path is `/`. */
export function jsonPointer(path: readonly (string | number)[]): string {
  if (path.length === 0) return '/';
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * A string that no store may hold reached a store: the layers above must refuse such input with a
 * precise error first (see `findUnstorableText`), so this is a bug in the caller, and nothing of
 * the transaction it came with is written.
 */
export class UnstorableTextError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`bug: ${where} ${reason}; it was not stored`);
    this.name = 'UnstorableTextError';
  }
}
