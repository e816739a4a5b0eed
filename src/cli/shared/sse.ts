/** One Server-Sent Events message (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseMessage {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** A line longer than this is not an event of vostro's: the stream is cut rather than buffered without end. */
const LINE_MAX = 16 * 1024 * 1024;

/**
 * The messages of an event stream as they arrive: `field: value` lines, a blank line ends a
 * message; comment lines (`:`) and `retry:` are skipped; several `data:` lines join with newlines.
 */
export async function* serverSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<SseMessage> {
  let buffer = '';
  let id: string | undefined;
  let event = 'message';
  let data: string[] = [];
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    if (buffer.length > LINE_MAX) throw new Error('the event stream sent a line over 16 MiB');
    let end: number;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A CR at the end of what has come may be the first half of a CRLF: wait for the rest.
      if (end === buffer.length - 1 && buffer.endsWith('\r')) break;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (data.length > 0)
          yield { ...(id === undefined ? {} : { id }), event, data: data.join('\n') };
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id') id = value;
    }
  }
}
