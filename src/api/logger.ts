import { pino, type LevelWithSilent, type Logger } from 'pino';

/**
 * Secrets must never reach a log line or a problem document, whatever a client does: API keys are
 * only accepted in the `Authorization` header, but a client may paste one (or only its secret, or a
 * password, or a bearer token) into a URL, a request id or a body that an error message quotes.
 * What counts as secret-looking, after undoing percent-encoding (repeatedly, so `%255F` is caught):
 *
 * - anything holding `vostro_`, in any case (a key, or a piece of one): an exact key keeps its
 *   public key id, `vostro_<key id>_[redacted]`, so a log still says which key was misused;
 * - a run of 40 or more base64/base64url characters with both upper- and lower-case letters (a
 *   bare 43-character secret, a base64 `Basic` credential); UUIDs (36), hex hashes (no upper case)
 *   and timestamps are not;
 * - in a query string, the value of any parameter whose name says it is a credential (token,
 *   key, secret, password, auth…), whatever the value.
 */
export const REDACTED = '[redacted]';

const EXACT_KEY = /^vostro_([0-9a-f]{16})_[A-Za-z0-9_-]+$/i;
const KEY_PREFIX = /vostro_/i;
const LONG_RUN = /[A-Za-z0-9_+/=-]{40,}/g;
const CREDENTIAL_NAME =
  /token|key|secret|passw|pwd|auth|bearer|credential|session|signature|sig$|cookie/i;

/** Percent-encoding and `+` undone, byte by byte (so malformed sequences cannot hide anything), up to three times. */
function decoded(text: string): string {
  let current = text;
  for (let round = 0; round < 3 && /%[0-9A-Fa-f]{2}|\+/.test(current); round += 1) {
    current = current
      .replace(/\+/g, ' ')
      .replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
  }
  return current;
}

function hasSecretRun(text: string): boolean {
  for (const run of text.match(LONG_RUN) ?? []) {
    if (/[a-z]/.test(run) && /[A-Z]/.test(run)) return true;
  }
  return false;
}

/** A key already masked to its key id, which is public. */
const MASKED_KEY = /vostro_[0-9a-f]{16}_\[redacted\]/gi;

/** Whether a piece of text (a path segment, a query value, a word) looks like it holds a secret. */
export function looksSecret(text: string): boolean {
  const raw = text.replace(MASKED_KEY, '');
  const plain = decoded(raw).replace(MASKED_KEY, '');
  return KEY_PREFIX.test(plain) || hasSecretRun(plain) || KEY_PREFIX.test(raw) || hasSecretRun(raw);
}

/** A secret-looking piece as it may be shown: an exact key keeps its key id; anything else is `[redacted]`. */
function masked(text: string): string {
  const key = EXACT_KEY.exec(decoded(text).trim());
  return key === null ? REDACTED : `vostro_${(key[1] as string).toLowerCase()}_${REDACTED}`;
}

/** A word of free text: a URL-like word keeps what is not secret in it (`redactUrl`), anything else secret-looking is masked whole. */
function maskedWord(word: string): string {
  if (!looksSecret(word)) return word;
  if (word.includes('/')) {
    const url = redactUrl(word);
    if (!looksSecret(url)) return url;
  }
  return masked(word);
}

/**
 * A URL fit to log or to show as a problem's `instance`: path segments and query names or values
 * that look secret are masked, as is the value of every credential-named parameter.
 */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = (mark < 0 ? url : url.slice(0, mark))
    .split('/')
    .map((segment) => (looksSecret(segment) ? masked(segment) : segment))
    .join('/');
  if (mark < 0) return path;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      if (looksSecret(name)) return REDACTED;
      if (equals < 0) return name;
      const value = pair.slice(equals + 1);
      if (value === '') return pair;
      return `${name}=${CREDENTIAL_NAME.test(decoded(name)) ? REDACTED : looksSecret(value) ? masked(value) : value}`;
    });
  return `${path}?${query.join('&')}`;
}

/** Free text (an error message, a problem's detail): each word that looks secret is masked. */
export function redactText(text: string): string {
  if (!KEY_PREFIX.test(text) && !/[A-Za-z0-9_+/=%-]{40,}/.test(text)) return text;
  return text.replace(/[^\s'"`(){}<>,;]+/g, maskedWord);
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remotePort?: number };
}

/** Field names whose values are never logged, at the top level or one object down. */
const SECRET_FIELDS = ['authorization', 'password', 'secret', 'token', 'key', 'apiKey', 'cookie'];

/**
 * The API's structured log: JSON lines (pino), each request's lines carrying its `reqId`. Requests
 * are logged as method, URL (anything secret-looking masked: `redactUrl`), host and address: never
 * headers, so the `Authorization` header cannot reach a line, and the redaction of header and
 * credential paths is a second guard. Errors are logged with their message and stack masked the
 * same way. Responses (which carry a new key once) are not logged. `src/api/logging.test.ts` scans
 * every line for the secrets it used.
 */
export function apiLogger(level: LevelWithSilent, write: (line: string) => void): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
          'headers.authorization',
          ...SECRET_FIELDS,
          ...SECRET_FIELDS.map((field) => `*.${field}`),
        ],
        censor: REDACTED,
      },
      serializers: {
        req: (request: LoggedRequest) => ({
          method: request.method,
          url: redactUrl(request.url ?? ''),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
        err: (error: Error) => {
          const serialized = pino.stdSerializers.err(error);
          return {
            ...serialized,
            message: redactText(serialized.message),
            stack: redactText(serialized.stack),
          };
        },
      },
    },
    { write },
  );
}
