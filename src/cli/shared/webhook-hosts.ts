import type { Command } from 'commander';
import { HubError } from '../../domain/errors.js';
import { checkAllowedHosts } from '../../events/webhook-urls.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** The environment variable `serve` and `start` read the webhook host allow-list from (comma-separated). */
export const WEBHOOK_HOSTS_ENV = 'VOSTRO_WEBHOOK_ALLOWED_HOSTS';

/**
 * Adds `--webhook-allow-host <host>` (repeatable) to `serve` or `start`: the hosts webhook
 * endpoints may point at. Without the flag, `$VOSTRO_WEBHOOK_ALLOWED_HOSTS`; without either, the
 * hub's default (127.0.0.1 and localhost), so that nobody registers a URL into an internal network
 * by accident.
 */
export function addWebhookHostOption(command: Command): Command {
  return command.option(
    '--webhook-allow-host <host>',
    `a host webhook endpoints may point at: a host name, an IP address, [IPv6] or *.domain (repeat for more; default: $${WEBHOOK_HOSTS_ENV}, comma-separated, else 127.0.0.1 and localhost)`,
    (value: string, previous: readonly string[] | undefined) => [...(previous ?? []), value],
  );
}

/**
 * The allow-list the flags or the environment give, each host checked and lower-cased; undefined
 * when neither gives one (the server's default applies). A flag replaces the environment rather
 * than adding to it, as every other flag of `serve` does.
 */
export function webhookAllowedHosts(
  flags: readonly string[] | undefined,
  env: CliIo['env'],
): readonly string[] | undefined {
  if (flags !== undefined)
    return unique(flags.map((host) => parseHost('--webhook-allow-host', host)));
  const text = env[WEBHOOK_HOSTS_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  return unique(
    text
      .split(',')
      .map((host) => host.trim())
      .filter((host) => host !== '')
      .map((host) => parseHost(WEBHOOK_HOSTS_ENV, host)),
  );
}

/**
 * One host as the hub's allow-list takes it (src/events/webhook-urls.ts checks the form: a host
 * name, an IPv4 address, an IPv6 address in brackets, or `*.domain`); a URL or a port is refused
 * first with a message that says to give the host alone.
 */
function parseHost(option: string, text: string): string {
  const shown = JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.includes('/'))
    throw new UsageError(
      `${option}: ${shown} is a URL; give the host alone, e.g. hooks.example.com or 127.0.0.1`,
    );
  if (/^[^[\]:]+:\d+$/.test(text) || /^\[.*\]:\d+$/.test(text))
    throw new UsageError(
      `${option}: ${shown} has a port; give the host alone (webhooks may use any port of it)`,
    );
  try {
    return checkAllowedHosts([text])[0] ?? '';
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    throw new UsageError(`${option}: ${error.message}`);
  }
}

function unique(hosts: readonly string[]): readonly string[] {
  return [...new Set(hosts)];
}
