import {
  Type,
  type TLiteral,
  type TSchema,
  type TString,
  type TUnion,
  type TUnsafe,
} from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AccountId } from '../ledger/ids.js';
import type { JsonObject, JsonValue, RecordPut, RecordQuery } from '../store/records.js';
import type { LedgerStore } from '../store/store.js';

/**
 * The hub's documents (participants, API keys, rates, quotes, caps, windows, payments: see
 * src/store/records.ts) are JSON to the store, which knows nothing of their shape. Each domain
 * module declares the shape of its documents once, as a TypeBox schema beside the TypeScript type
 * it describes, and reads and writes them only through a `DocumentKind` made from it:
 *
 * - a read that does not match the schema fails with `CorruptDocumentError`, naming the
 *   collection, the key and the field, instead of handing a renamed field on as `undefined` or a
 *   damaged amount on to `BigInt`;
 * - a write takes the TypeScript type and converts it to JSON by walking it (no cast), then checks
 *   it against the same schema, so no document is written that a read would refuse.
 *
 * The compiler checks that what the schema accepts is the TypeScript type (`documentKind`'s
 * `schema` must have that static type); a field the type has and the schema lacks is refused at
 * the first write (the schemas allow no other properties), which every test that writes one
 * finds.
 */

/** A stored document without the shape of its collection: a damaged database or a bug, never the caller's fault. */
export class CorruptDocumentError extends Error {
  override readonly name = 'CorruptDocumentError';

  constructor(
    readonly collection: string,
    readonly key: string,
    /** A JSON Pointer into the document: `/status`, `/accounts/0/role`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(
      `the ${collection} document ${JSON.stringify(key)} is corrupt: ${field} ${reason.toLowerCase()}`,
    );
  }
}

/** What reads documents by key: the store, or a write transaction (which sees its own writes). */
export type DocumentReader = Pick<LedgerStore, 'getRecords'>;

/** One collection's documents, read and written as `T` (see the file comment). */
export interface DocumentKind<T> {
  readonly collection: string;
  /** A stored value as a `T`, or CorruptDocumentError. */
  parse(key: string, value: JsonObject): T;
  /** The document under `key`, if there is one. */
  get(reader: DocumentReader, key: string): Promise<T | undefined>;
  /** The documents under `keys` that exist, by key. */
  getMany(reader: DocumentReader, keys: readonly string[]): Promise<Map<string, T>>;
  /** A page of documents in key order (see `RecordQuery`). */
  list(
    store: Pick<LedgerStore, 'listRecords'>,
    query: Omit<RecordQuery, 'collection'>,
  ): Promise<T[]>;
  /** The put that writes `document` under `key`. */
  put(key: string, document: T): RecordPut;
}

/**
 * The documents of `collection`, of type `T`, with the shape `schema` (an object schema with
 * `additionalProperties: false`, see `strict`). `schema` must accept only `T`s: the compiler
 * refuses a schema whose static type is not assignable to `T`.
 */
export function documentKind<T extends object>(
  collection: string,
  schema: TSchema & { static: T },
): DocumentKind<T> {
  const check = TypeCompiler.Compile(schema);
  const fault = (value: unknown): { field: string; reason: string } => {
    const first = check.Errors(value).First();
    return { field: first?.path || '/', reason: first?.message ?? 'does not match' };
  };
  const parse = (key: string, value: JsonObject): T => {
    if (check.Check(value)) return value;
    const { field, reason } = fault(value);
    throw new CorruptDocumentError(collection, key, field, reason);
  };
  return {
    collection,
    parse,
    async get(reader, key) {
      const found = (await reader.getRecords(collection, [key])).get(key);
      return found === undefined ? undefined : parse(key, found.value);
    },
    async getMany(reader, keys) {
      const found = await reader.getRecords(collection, keys);
      return new Map([...found].map(([key, stored]) => [key, parse(key, stored.value)]));
    },
    async list(store, query) {
      const page = await store.listRecords({ ...query, collection });
      return page.map((stored) => parse(stored.key, stored.value));
    },
    put(key, document) {
      const value = jsonObjectOf(document, collection);
      if (!check.Check(value)) {
        const { field, reason } = fault(value);
        throw new Error(
          `bug: a ${collection} document written under ${JSON.stringify(key)} does not have its collection's shape: ${field} ${reason.toLowerCase()}`,
        );
      }
      return { collection, key, value };
    },
  };
}

/** Object schemas of documents allow no other properties: a renamed field is refused, not ignored. */
export const strict = { additionalProperties: false } as const;

/** One of the given strings (a status, a role, a kind). */
export function oneOf<const V extends string>(values: readonly V[]): TUnion<TLiteral<V>[]> {
  return Type.Union(values.map((value) => Type.Literal(value)));
}

/** An account id: a UUID in canonical (lower-case) text. */
export const accountIdString = (): TUnsafe<AccountId> =>
  Type.Unsafe<AccountId>(
    Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }),
  );

/** A non-negative integer as a decimal string: minor units, nanoseconds. */
export const decimalString = (): TString => Type.String({ pattern: '^(0|[1-9][0-9]*)$' });

/**
 * A document's value as JSON: `undefined` properties are left out (as JSON.stringify would),
 * anything JSON cannot hold (a bigint, a function, a non-finite number) is a bug.
 */
function jsonObjectOf(document: object, collection: string): JsonObject {
  const json = jsonOf(document, collection, '');
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new Error(`bug: a ${collection} document must be an object`);
  return json;
}

function jsonOf(value: unknown, collection: string, path: string): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value))
    return value.map((item: unknown, index) => {
      const json = jsonOf(item, collection, `${path}/${index}`);
      if (json === undefined)
        throw new Error(`bug: a ${collection} document holds undefined at ${path}/${index}`);
      return json;
    });
  if (typeof value === 'object') {
    const object: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const json = jsonOf(item, collection, `${path}/${key}`);
      if (json !== undefined) object[key] = json;
    }
    return object;
  }
  const shown = typeof value === 'bigint' || typeof value === 'number' ? ` (${value})` : '';
  throw new Error(
    `bug: a ${collection} document cannot hold a ${typeof value}${shown} at ${path || '/'}`,
  );
}
