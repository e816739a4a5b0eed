import assert from 'node:assert/strict';
import type { Ledger } from '../ledger/ledger.js';
import type { JsonObject } from '../store/records.js';
import { CorruptDocumentError } from './documents.js';

/**
 * Rewrites a stored document through the store's document API, as a damaged database or an older
 * version with another field name would hold it: `change` gets the document as stored.
 */
export async function corruptDocument(
  ledger: Ledger,
  collection: string,
  key: string,
  change: (document: JsonObject) => JsonObject,
): Promise<void> {
  await ledger.transact(async (tx) => {
    const stored = await tx.getRecord(collection, key);
    assert.ok(stored !== undefined, `a ${collection} document under ${key}`);
    await tx.putRecords([{ collection, key, value: change(stored) }]);
  });
}

/** An assert.rejects predicate: a CorruptDocumentError naming `collection` and `field`. */
export function corrupt(collection: string, field: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(
      error instanceof CorruptDocumentError,
      `a CorruptDocumentError, got ${String(error)}`,
    );
    assert.equal(error.collection, collection);
    assert.equal(error.field, field, error.message);
    assert.ok(
      error.message.includes(collection) && error.message.includes(field),
      `the message names the collection and the field: ${error.message}`,
    );
    return true;
  };
}

/** The document without `field`, and with its value under `renamed` instead. */
export function renamed(document: JsonObject, field: string, renamedTo: string): JsonObject {
  const { [field]: value, ...rest } = document;
  assert.ok(value !== undefined, `the document has ${field}`);
  return { ...rest, [renamedTo]: value };
}
