import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { inboundMessage, manyTransactions } from './messages.test-helper.js';
import { IsoReaderPool, IsoReaderPoolError, readHere, readOne } from './reader-pool.js';
import { IsoFormatError } from './xml.js';

/**
 * What a read gives, or the IsoFormatError it throws, as plain data to compare (as JSON: a field
 * whose value is undefined is a field that is absent).
 */
async function outcome(read: Promise<unknown>): Promise<unknown> {
  try {
    return JSON.parse(JSON.stringify({ ok: await read })) as unknown;
  } catch (error) {
    assert.ok(error instanceof IsoFormatError, String(error));
    const { code, message, errors, original } = error;
    return JSON.parse(JSON.stringify({ code, message, errors, original })) as unknown;
  }
}

const valid = inboundMessage({ transactions: manyTransactions(3) });
const schemaInvalid = valid.replace('<NbOfTxs>3</NbOfTxs>', '<NbOfTxs>three</NbOfTxs>');
const otherVersion = inboundMessage({ version: '001.08', transactions: manyTransactions(1) });
const notXml = 'this is not XML';
const doctype = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>${valid.replace(/^<\?xml[^>]*\?>/, '')}`;

describe('IsoReaderPool', () => {
  const pool = new IsoReaderPool({ size: 2 });
  after(() => pool.close());

  test('reads each message, or refuses it, exactly as readInbound on this thread does', async () => {
    for (const xml of [valid, schemaInvalid, otherVersion, notXml, doctype]) {
      for (const form of [xml, Buffer.from(xml)]) {
        assert.deepEqual(await outcome(pool.read(form)), await outcome(readHere(form)));
      }
    }
    const refused = await outcome(pool.read(schemaInvalid));
    assert.equal((refused as { code: string }).code, 'schema');
    assert.equal((refused as { original: { msgId: string } }).original.msgId, 'MSG-1');
  });

  test('hashes the bytes sent: a Buffer slice of a larger buffer is read as its own bytes', async () => {
    const padded = Buffer.from(`garbage${valid}garbage`);
    const slice = padded.subarray(7, 7 + Buffer.byteLength(valid));
    const [fromSlice, fromString] = await Promise.all([pool.read(slice), pool.read(valid)]);
    assert.equal(fromSlice.hash, fromString.hash);
    assert.deepEqual(fromSlice.message, fromString.message);
    // The caller's buffer is untouched (a copy is moved to the thread, not the caller's memory).
    assert.equal(padded.subarray(0, 7).toString(), 'garbage');
    assert.equal(slice.toString(), valid);
  });

  test('a large message is read on the calling thread, with the same result', async () => {
    const large = inboundMessage({ transactions: manyTransactions(500) });
    assert.ok(Buffer.byteLength(large) >= 256 * 1024, String(Buffer.byteLength(large)));
    const reading = pool.read(large);
    assert.deepEqual(pool.pending, { waiting: 0, batches: 0 });
    assert.deepEqual(await outcome(reading), await outcome(readHere(large)));
    const small = pool.read(valid);
    assert.deepEqual(pool.pending, { waiting: 1, batches: 0 });
    await small;
  });

  test('many messages at once are read in batches, each answered with its own result', async () => {
    const messages = Array.from({ length: 600 }, (_, index) =>
      index % 7 === 3
        ? notXml
        : inboundMessage({ msgId: `M-${index}`, transactions: manyTransactions(1 + (index % 3)) }),
    );
    const results = await Promise.all(messages.map((xml) => outcome(pool.read(xml))));
    results.forEach((result, index) => {
      if (index % 7 === 3) assert.equal((result as { code: string }).code, 'not_xml');
      else {
        const { message } = (result as { ok: { message: { msgId: string; transactions: [] } } }).ok;
        assert.equal(message.msgId, `M-${index}`);
        assert.equal(message.transactions.length, 1 + (index % 3));
      }
    });
  });

  test('a message whose reading fails unexpectedly is answered alone: the others of its batch are read', () => {
    const bytes = Buffer.from(valid);
    assert.deepEqual(
      readOne(bytes, () => {
        throw new Error('libxml2 ran out of memory');
      }),
      { failed: 'libxml2 ran out of memory' },
    );
    const read = readOne(bytes);
    assert.ok('read' in read && read.read.message.msgId === 'MSG-1');
    assert.equal(
      (readOne(Buffer.from(notXml)) as { refused: { code: string } }).refused.code,
      'not_xml',
    );
  });

  test('a closed pool refuses reads; shared() then makes a new one', async () => {
    const own = new IsoReaderPool();
    assert.ok((await own.read(valid)).hash.length === 64);
    await own.close();
    await assert.rejects(own.read(valid), IsoReaderPoolError);
    const shared = IsoReaderPool.shared();
    assert.equal(IsoReaderPool.shared(), shared);
    await shared.close();
    assert.notEqual(IsoReaderPool.shared(), shared);
  });
});
