import { invalidField } from '../domain/errors.js';
import { notPlainReason } from '../ledger/text.js';

/**
 * Where webhooks may be sent. The hub makes HTTP requests to addresses participants give it, so
 * an address is checked before it is stored: a scheme, a host the operator allowed, no
 * credentials. Redirects are never followed (the dispatcher counts a 3xx as a failure), so a
 * receiver cannot send the hub on to a host that is not allowed.
 */

/** The default allow-list: this machine only (what tests and the demo use). */
export const DEFAULT_WEBHOOK_ALLOWED_HOSTS: readonly string[] = ['127.0.0.1', 'localhost'];
export const WEBHOOK_URL_MAX = 2048;

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/**
 * The allow-list as the dispatcher compares it: lower-case host names, IPv4 addresses, IPv6
 * addresses in brackets (`[::1]`, as URLs write them), or `*.example.com` for every host under a
 * domain (not the domain itself). An entry that is none of these is refused, naming it.
 */
export function checkAllowedHosts(hosts: readonly string[]): readonly string[] {
  return hosts.map((entry, index) => {
    const host = entry.trim().toLowerCase();
    const name = host.startsWith('*.') ? host.slice(2) : host;
    if (!HOSTNAME.test(name) && !(IPV6.test(host) && host === name))
      throw invalidField({
        field: `allowedHosts/${index}`,
        message: `${JSON.stringify(entry)} is not a host name, an IP address or *.domain`,
      });
    return host;
  });
}

/**
 * `text` as the URL deliveries go to (its normalised form), or a refusal on `field` that says
 * what is wrong: not a string, too long, not an absolute URL, not http(s), credentials in it, a
 * fragment, or a host not in the allow-list (which it names).
 */
export function checkWebhookUrl(
  text: unknown,
  allowedHosts: readonly string[],
  field = 'url',
): string {
  if (typeof text !== 'string')
    throw invalidField({ field, message: 'the webhook url must be a string' });
  if (text.length > WEBHOOK_URL_MAX)
    throw invalidField({
      field,
      message: `the webhook url is ${text.length} characters long; at most ${WEBHOOK_URL_MAX} are accepted`,
    });
  const reason = notPlainReason(text);
  if (reason !== undefined) throw invalidField({ field, message: `the webhook url ${reason}` });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidField({
      field,
      message: `${JSON.stringify(text)} is not an absolute URL (such as https://bank.example/hooks/vostro)`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidField({
      field,
      message: `the webhook url's scheme is ${url.protocol.slice(0, -1)}; only http and https are delivered to`,
    });
  if (url.username !== '' || url.password !== '')
    throw invalidField({
      field,
      message:
        'the webhook url holds credentials (user:password@); deliveries are authenticated by their signature instead',
    });
  if (url.hash !== '' || text.includes('#'))
    throw invalidField({
      field,
      message: 'the webhook url has a fragment (#…), which is never sent; leave it out',
    });
  if (!hostAllowed(url.hostname, allowedHosts))
    throw invalidField({
      field,
      message: `the host ${url.hostname} is not in the hub's webhook allow-list (${allowedHosts.join(', ') || 'empty'}); the operator adds hosts with --webhook-allow-host or VOSTRO_WEBHOOK_ALLOWED_HOSTS`,
    });
  if (url.href.length > WEBHOOK_URL_MAX)
    throw invalidField({
      field,
      message: `the webhook url is ${url.href.length} characters long once normalised; at most ${WEBHOOK_URL_MAX} are accepted`,
    });
  return url.href;
}

function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return allowedHosts.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry,
  );
}
