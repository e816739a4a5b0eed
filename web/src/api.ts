// The dashboard talks to the hub's /v1 API on its own origin, with the API key the user signed in
// with. The key lives in this tab's sessionStorage only: never in a URL, a cookie or localStorage.

const KEY_ITEM = 'vostro.apiKey';

export function storedKey(): string | undefined {
  return sessionStorage.getItem(KEY_ITEM) ?? undefined;
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_ITEM);
}

/** An answer of the API that is not 2xx, with its problem document's code and detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = storedKey();
  return { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...extra };
}

async function failure(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let detail = response.statusText;
  try {
    const problem = (await response.json()) as { code?: unknown; detail?: unknown };
    if (typeof problem.code === 'string') code = problem.code;
    if (typeof problem.detail === 'string') detail = problem.detail;
  } catch {
    // Not a problem document: the status says enough.
  }
  return new ApiError(response.status, code, detail);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`/v1${path}`, {
    headers: headers({ accept: 'application/json' }),
    ...(signal === undefined ? {} : { signal }),
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`/v1${path}`, {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json', accept: 'application/json' }),
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** What a person should read for a refused or failed call. */
export function explain(error: unknown, what: string): string {
  if (!(error instanceof ApiError)) return `${what} could not be loaded: ${String(error)}`;
  switch (error.status) {
    case 401:
      return 'The API key was refused (unknown, revoked or expired): sign in again.';
    case 403:
      return `Your key's role may not see ${what} (${error.detail}).`;
    case 404:
      return `Not found, or not visible to your key: ${what}.`;
    default:
      return `${what}: ${error.status} ${error.code} — ${error.detail}`;
  }
}

/** One event of the hub's feed (docs/events.md). */
export interface HubEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly subject: string;
  readonly participants: readonly string[];
  readonly data: Record<string, unknown>;
}

/**
 * Reads `GET /v1/events/stream` with fetch (EventSource cannot send an Authorization header) and
 * calls `onEvent` for every event until `signal` aborts or the stream ends.
 */
export async function followEvents(
  query: string,
  signal: AbortSignal,
  onEvent: (event: HubEvent) => void,
): Promise<void> {
  const response = await fetch(`/v1/events/stream?${query}`, {
    headers: headers({ accept: 'text/event-stream' }),
    signal,
  });
  if (!response.ok || response.body === null) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    // Blocks are read in place and the rest cut off once per chunk: a chunk of a hundred events
    // is not copied a hundred times.
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf('\n\n', start)) >= 0) {
      const block = buffer.slice(start, end);
      start = end + 2;
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data !== '') onEvent(JSON.parse(data) as HubEvent);
    }
    buffer = buffer.slice(start);
  }
}
