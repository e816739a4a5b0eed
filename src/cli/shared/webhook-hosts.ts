import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** The environment variable `serve` and `start` read the webhook host allow-list from (comma-separated). */
export const WEBHOOK_HOSTS_ENV = 'VOSTRO_WEBHOOK_ALLOWED_HOSTS';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 =
  /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;
const IPV6 = /^[0-9a-f:.]{2,45}$/;

/**
 * Adds `--webhook-allow-host <host>` (repeatable) to `serve` or `start`: the hosts webhook
 * endpoints may point at. Without the flag, `$VOSTRO_WEBHOOK_ALLOWED_HOSTS`; without either, the
 * hub's default (127.0.0.1 and localhost), so that nobody registers a URL into an internal network
 * by accident.
 */
export function addWebhookHostOption(command: Command): Command {
  return command.option(
    '--webhook-allow-host <host>',
    `a host webhook endpoints may point at (repeat for more; default: $${WEBHOOK_HOSTS_ENV}, comma-separated, else 127.0.0.1 and localhost)`,
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

/** A DNS name, an IPv4 address or an IPv6 address (bracketed or not): no scheme, port, path or wildcard. */
function parseHost(option: string, text: string): string {
  const host = text.trim().toLowerCase();
  const shown = JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(host) || host.includes('/'))
    throw new UsageError(
      `${option}: ${shown} is a URL; give the host alone, e.g. hooks.example.com or 127.0.0.1`,
    );
  const bracketed = /^\[(.*)\]$/.exec(host);
  if (bracketed !== null) {
    const inner = bracketed[1] ?? '';
    if (IPV6.test(inner) && inner.includes(':')) return inner;
    throw new UsageError(`${option}: ${shown} is not an IPv6 address in brackets`);
  }
  if (IPV4.test(host)) return host;
  if (host.includes(':')) {
    if (IPV6.test(host) && host.split(':').length > 2) return host;
    throw new UsageError(
      `${option}: ${shown} has a port or is not an address; give the host alone (any port of it is allowed)`,
    );
  }
  if (host.includes('*'))
    throw new UsageError(
      `${option}: ${shown}: wildcards are not allowed; list every host webhooks may reach`,
    );
  const labels = host.replace(/\.$/, '').split('.');
  if (
    host.length > 253 ||
    !labels.every((label) => LABEL.test(label)) ||
    /^\d+$/.test(labels.at(-1) ?? '')
  )
    throw new UsageError(
      `${option}: ${shown} is not a host name (letters, digits and hyphens in dot-separated labels) or an IP address`,
    );
  return labels.join('.');
}

function unique(hosts: readonly string[]): readonly string[] {
  return [...new Set(hosts)];
}
