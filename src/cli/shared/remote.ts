import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { RefusedError } from '../ledger-context.js';
import { readTextFile } from './files.js';

/**
 * Commands that can ask a running server instead of opening the database (`--url`): a SQLite
 * database is held by the `vostro serve` (or `npm start`) that runs on it, so while it runs this is
 * how the command line reads the event feed or submits an ISO 20022 message. The API key comes
 * from `--key-file` (the demo's is `.vostro/demo-operator.key`) or `$VOSTRO_KEY`, never from the
 * command line, where it would stay in the shell's history and the process list.
 */

export interface RemoteFlags {
  readonly url?: string;
  readonly keyFile?: string;
  readonly db?: string;
}

export interface Remote {
  /** The server's origin and base path, without `/v1` or a trailing slash. */
  readonly base: string;
  readonly key: string;
}

/** Adds `--url` and `--key-file`. */
export function addRemoteOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'ask a running vostro server through its HTTP API instead of opening the database, e.g. http://127.0.0.1:8080 (the API key from --key-file or $VOSTRO_KEY)',
    )
    .option(
      '--key-file <file>',
      'with --url: a file holding the API key, e.g. .vostro/demo-operator.key',
    );
}

/** The server the flags name, checked; undefined without `--url` (the command opens the database). */
export function remoteOf(flags: RemoteFlags, env: CliIo['env']): Remote | undefined {
  if (flags.url === undefined) {
    if (flags.keyFile !== undefined) throw new UsageError('--key-file goes with --url');
    return undefined;
  }
  if (flags.db !== undefined)
    throw new UsageError('--url and --db name two places to ask; give one of them');
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new UsageError(
      `--url: "${flags.url.slice(0, 80)}" is not a URL such as http://127.0.0.1:8080`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url: ${url.protocol.slice(0, -1)} is not http or https`);
  if (url.username !== '' || url.password !== '')
    throw new UsageError(
      '--url: no credentials in the URL; the API key goes in --key-file or $VOSTRO_KEY',
    );
  if (url.search !== '' || url.hash !== '')
    throw new UsageError('--url: give the server’s address only, without ?query or #fragment');
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}`;
  const key =
    flags.keyFile === undefined
      ? (env['VOSTRO_KEY'] ?? '').trim()
      : readTextFile('--key-file', flags.keyFile).trim();
  if (key === '')
    throw new UsageError(
      flags.keyFile === undefined
        ? '--url: give the API key with --key-file FILE or in $VOSTRO_KEY'
        : `--key-file: ${flags.keyFile} is empty`,
    );
  return { base, key };
}

/** A request to the server's `/v1` API; a server that cannot be reached is a refusal naming it and why. */
export async function remoteFetch(
  remote: Remote,
  path: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: Uint8Array;
    signal?: AbortSignal;
  } = {},
): Promise<Response> {
  try {
    return await fetch(`${remote.base}/v1${path}`, {
      ...init,
      ...(init.body === undefined ? {} : { body: init.body }),
      headers: { ...init.headers, authorization: `Bearer ${remote.key}` },
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RefusedError(
      `cannot reach the server at ${remote.base}: ${cause?.code ?? cause?.message ?? (error as Error).message} (is \`vostro serve\` or \`npm start\` running there?)`,
    );
  }
}

/**
 * An answer that is not 2xx as one refusal: the status, the problem's detail and code (RFC 9457,
 * src/api/problems.ts), and each field error, e.g. `the server answered 422: … (unsupported_version)`.
 */
export async function remoteRefusal(response: Response): Promise<RefusedError> {
  const text = await response.text();
  let problem: { detail?: unknown; code?: unknown; errors?: unknown } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // Not a problem document (a proxy's page, say): its first words are all there is to say.
  }
  const detail = typeof problem.detail === 'string' ? problem.detail : text.slice(0, 200);
  const code = typeof problem.code === 'string' ? ` (${problem.code})` : '';
  const errors = Array.isArray(problem.errors)
    ? (problem.errors as { field?: unknown; reason?: unknown }[])
        .filter((item) => typeof item.reason === 'string')
        .map(
          (item) =>
            `\n  ${typeof item.field === 'string' ? `${item.field}: ` : ''}${String(item.reason)}`,
        )
        .join('')
    : '';
  return new RefusedError(`the server answered ${response.status}: ${detail}${code}${errors}`);
}
