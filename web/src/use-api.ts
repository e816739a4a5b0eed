import { useEffect, useState } from 'preact/hooks';
import { ApiError, explain, getJson } from './api.ts';

export type Loaded<T> =
  { state: 'loading' } | { state: 'ok'; value: T } | { state: 'failed'; message: string };

/**
 * GETs a /v1 path with the signed-in key; a refusal becomes the sentence to show. `notAvailable`
 * replaces the message when the hub has no such route (404 route_not_found). `version` reloads.
 * No path: nothing is asked (a call the key's role may not make), and it stays loading.
 */
export function useApi<T>(
  path: string | undefined,
  what: string,
  notAvailable?: string,
  version = 0,
): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (path === undefined) return;
    const abort = new AbortController();
    getJson<T>(path, abort.signal).then(
      (value) => setLoaded({ state: 'ok', value }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        const message =
          notAvailable !== undefined &&
          error instanceof ApiError &&
          error.status === 404 &&
          error.code === 'route_not_found'
            ? notAvailable
            : explain(error, what);
        setLoaded({ state: 'failed', message });
      },
    );
    return () => abort.abort();
  }, [path, version]);
  return loaded;
}
