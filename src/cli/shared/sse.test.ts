import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverSentEvents, type SseMessage } from './sse.js';

/** The stream arrives in the chunks given, cut anywhere (inside a line, inside a CRLF). */
async function read(chunks: readonly string[]): Promise<SseMessage[]> {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  const messages: SseMessage[] = [];
  for await (const message of serverSentEvents(body)) messages.push(message);
  return messages;
}

describe('the Server-Sent Events reader', () => {
  it('reads id, event and data, skips comments and retry, joins data lines', async () => {
    assert.deepEqual(
      await read([
        ': vostro events after 0\nretry: 2000\n\n',
        'id: 7\nevent: transfer.created\ndata: {"id":"7"}\n\n',
        'data: one\ndata: two\n\n',
        'event: ping\n\n',
      ]),
      [
        { id: '7', event: 'transfer.created', data: '{"id":"7"}' },
        { id: '7', event: 'message', data: 'one\ntwo' },
      ],
    );
  });

  it('takes lines cut across chunks, CRLF and CR line ends, a field without a colon, and no space after it', async () => {
    assert.deepEqual(await read(['id: 1\r', '\nevent: a', '\r\ndata:x\r', '\r', 'data\n\n']), [
      { id: '1', event: 'a', data: 'x' },
      { id: '1', event: 'message', data: '' },
    ]);
  });

  it('drops a message the stream ends in the middle of', async () => {
    assert.deepEqual(await read(['id: 3\ndata: {"id":"3"}\n']), []);
  });
});
