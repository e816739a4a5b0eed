import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { invalidField } from '../domain/errors.js';

/**
 * The canonical form of a JSON value: RFC 8785, the JSON Canonicalization Scheme (JCS), through the
 * `canonicalize` package. Properties are sorted by their names' UTF-16 code units, numbers are
 * written as ECMAScript writes them (`4.50` → `4.5`, `1E30` → `1e+30`, `-0` → `0`), strings escape
 * only `"`, `\` and the control characters below U+0020, and no whitespace is written. Two issuers
 * who hold the same data therefore produce the same bytes, whatever order or spacing their JSON
 * had, and the document hash (`documentHash`) is a hash of the data rather than of one rendering.
 *
 * Before canonicalising, the value is walked once and anything JSON cannot hold is refused with an
 * `invalid_field` error naming the path at fault (`content/lines/2/amount`): NaN and ±Infinity,
 * bigint, undefined (JSON.stringify and `canonicalize` would silently drop it from an object or turn
 * it into `null` in an array, so the signed bytes would not be the data the caller holds),
 * functions, symbols, strings with a lone surrogate (not Unicode, so not I-JSON), sparse arrays,
 * cycles, and objects that are not plain (a `Date`, a `Map`, a class instance: their JSON form is
 * not their data). The walk keeps its own stack, so a deeply nested value cannot overflow the call
 * stack. `field` names the value in those errors (default `value`).
 */
export function canonicalJson(value: unknown, field = 'value'): string {
  checkJsonValue(value, field);
  // After the walk above every part has a JSON form, so `canonicalize` returns a string.
  return canonicalize(value) as string;
}

/** SHA-256 of `bytes` (a string is hashed as its UTF-8 bytes), as 64 lower-case hex digits. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A document's identity: `sha256:` and the SHA-256, in lower-case hex, of the UTF-8 bytes of its
 * content's canonical form (`canonicalJson`). Signatures sign the 32 bytes of this digest, the hub
 * stores documents under it, and a bill of lading's title chain names its B/L by it.
 */
export function documentHash(content: object): string {
  return `sha256:${sha256Hex(canonicalJson(content, 'content'))}`;
}

/** One value still to check and the path that names it in an error, or the end of a container. */
type Step = { readonly value: unknown; readonly path: string } | { readonly leave: object };

function checkJsonValue(root: unknown, rootField: string): void {
  // The containers on the path from the root to the value being checked: one of them met again is a
  // cycle, while an object that appears twice side by side is fine (JSON writes it twice).
  const ancestors = new Set<object>();
  const steps: Step[] = [{ value: root, path: rootField }];
  for (let step = steps.pop(); step !== undefined; step = steps.pop()) {
    if ('leave' in step) {
      ancestors.delete(step.leave);
      continue;
    }
    const { value, path } = step;
    const reason = primitiveReason(value);
    if (reason !== undefined) throw invalidField({ field: path, message: `${path} ${reason}` });
    if (value === null || typeof value !== 'object') continue;
    if (ancestors.has(value))
      throw invalidField({ field: path, message: `${path} refers back to itself (a cycle)` });
    ancestors.add(value);
    steps.push({ leave: value });
    const children = childrenOf(value, path);
    for (let i = children.length - 1; i >= 0; i--) steps.push(children[i] as Step);
  }
}

/** A surrogate code unit not part of a pair: with the `u` flag a pair is one code point. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a value that is not an object or array cannot be JSON, or undefined if it can. */
function primitiveReason(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return !LONE_SURROGATE.test(value)
        ? undefined
        : 'contains a lone surrogate (not Unicode text, so not I-JSON)';
    case 'number':
      if (Number.isNaN(value)) return 'is NaN, which JSON cannot hold';
      if (!Number.isFinite(value)) return `is ${String(value)}, which JSON cannot hold`;
      return undefined;
    case 'boolean':
    case 'object':
      return undefined;
    case 'bigint':
      return `is a bigint (${String(value)}n), which JSON cannot hold; write it as a decimal string`;
    case 'undefined':
      return 'is undefined, which JSON cannot hold (omit the property instead)';
    case 'function':
      return 'is a function, which JSON cannot hold';
    case 'symbol':
      return 'is a symbol, which JSON cannot hold';
  }
}

function childrenOf(value: object, path: string): { value: unknown; path: string }[] {
  if (Array.isArray(value)) {
    const children: { value: unknown; path: string }[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value))
        throw invalidField({
          field: `${path}/${i}`,
          message: `${path}/${i} is a hole in a sparse array, which JSON cannot hold`,
        });
      children.push({ value: value[i], path: `${path}/${i}` });
    }
    return children;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const kind =
      typeof (value as { constructor?: unknown }).constructor === 'function'
        ? (value as { constructor: { name: string } }).constructor.name
        : 'object';
    throw invalidField({
      field: path,
      message: `${path} is a ${kind || 'class instance'}, not a plain object or array, so it has no one JSON form`,
    });
  }
  const children: { value: unknown; path: string }[] = [];
  for (const key of Object.keys(value)) {
    const childPath = `${path}/${key}`;
    if (LONE_SURROGATE.test(key))
      throw invalidField({
        field: childPath,
        message: `a property name in ${path} contains a lone surrogate (not Unicode text, so not I-JSON)`,
      });
    children.push({ value: (value as Record<string, unknown>)[key], path: childPath });
  }
  return children;
}
