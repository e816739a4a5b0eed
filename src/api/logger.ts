import { pino, type LevelWithSilent, type Logger } from 'pino';

/** Anything shaped like an API key's secret part, wherever it appears in a URL. */
const KEY_IN_TEXT = /(vostro_[0-9a-f]{16}_)[A-Za-z0-9_-]+/g;

/** A URL fit to log: an API key pasted into it (they are never accepted there) keeps its public id only. */
export function redactKeys(text: string): string {
  return text.includes('vostro_') ? text.replace(KEY_IN_TEXT, '$1[redacted]') : text;
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remotePort?: number };
}

/**
 * The API's structured log: JSON lines (pino), each request's lines carrying its `reqId`. Requests
 * are logged as method, URL (with anything key-like masked), host and address: never headers, so
 * the `Authorization` header cannot reach a line, and the redaction of header paths is a second
 * guard. Responses (which carry a new key once) are not logged. `src/api/logging.test.ts` scans
 * every line for the secrets it used.
 */
export function apiLogger(level: LevelWithSilent, write: (line: string) => void): Logger {
  return pino(
    {
      level,
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'headers.authorization', 'key'], censor: '[redacted]' },
      serializers: {
        req: (request: LoggedRequest) => ({ method: request.method, url: redactKeys(request.url ?? ''), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort }),
      },
    },
    { write },
  );
}
