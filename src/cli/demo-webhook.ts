import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CLI_ACTOR } from '../domain/actor.js';
import { HubError } from '../domain/errors.js';
import type { Hub } from '../hub/hub.js';
import { startWebhookReceiver, type WebhookReceiver } from './demo-receiver.js';

/** The participant whose events the demo's webhook receives: a Russian bank with a rupee vostro account. */
export const DEMO_WEBHOOK_PARTICIPANT = 'vtb';
/** Beside the database (or under ./.vostro): the endpoint's id, URL and signing secret (0600), and the log. */
export const DEMO_WEBHOOK_FILE = 'demo-webhook.json';
export const DEMO_WEBHOOK_LOG = 'demo-webhooks.log';
const RECEIVER_PATH = `/webhooks/${DEMO_WEBHOOK_PARTICIPANT}`;

/** What `demo-webhook.json` holds. */
interface DemoWebhookFile {
  readonly endpoint: string;
  readonly url: string;
  readonly secret: string;
}

export interface DemoWebhook {
  readonly endpoint: string;
  readonly logPath: string;
  /** Running while `start` serves; undefined with `--no-serve`. */
  readonly receiver: WebhookReceiver | undefined;
}

/** The receiver, started before seeding so that the endpoint can be registered with its URL. */
export interface DemoWebhookSetup {
  readonly url: string;
  readonly logPath: string;
  /** Running while `start` serves; undefined with `--no-serve`. */
  readonly receiver: WebhookReceiver | undefined;
  /** Called with what registering the endpoint answered: the receiver verifies with this secret. */
  registered(endpoint: string, secret: string): DemoWebhook;
}

/**
 * Before seeding a new demo: starts the receiver (when serving; otherwise only picks a free port
 * for a later start to listen on) and says at which URL the seed registers the demo's endpoint.
 * The seed registers it before the payments, so deliveries carry every one of them. Its secret
 * is kept in a file only the user can read (never printed), with the endpoint's id and URL.
 */
export async function prepareDemoWebhook(
  directory: string,
  serve: boolean,
): Promise<DemoWebhookSetup> {
  mkdirSync(directory, { recursive: true });
  const logPath = join(directory, DEMO_WEBHOOK_LOG);
  // A log left by an earlier demo database would hold other events under the same ids.
  rmSync(logPath, { force: true });
  let secret = '';
  const receiver = serve
    ? await startWebhookReceiver({ secret: () => secret, logPath, path: RECEIVER_PATH, port: 0 })
    : undefined;
  const url = receiver?.url ?? `http://127.0.0.1:${await freePort()}${RECEIVER_PATH}`;
  return {
    url,
    logPath,
    receiver,
    registered(endpoint, given) {
      secret = given;
      writeDemoFile(directory, { endpoint, url, secret });
      return { endpoint, logPath, receiver };
    },
  };
}

/**
 * On a later start of a demo database: the demo's webhook, and (when serving) its receiver again,
 * on the port of the endpoint's URL. If that port is taken now, the endpoint is replaced by one
 * on a free port with a new secret, which resumes delivery where the old one was (`replay` from
 * its cursor). Undefined when this database has no demo webhook (not a demo, or it was removed).
 */
export async function resumeDemoWebhook(
  hub: Hub,
  directory: string,
  serve: boolean,
): Promise<DemoWebhook | undefined> {
  const saved = readDemoFile(directory);
  if (saved === undefined) return undefined;
  const endpoint = await hub.webhooks.get(saved.endpoint, CLI_ACTOR).catch((error: unknown) => {
    if (error instanceof HubError) return undefined;
    throw error;
  });
  if (endpoint === undefined || endpoint.url !== saved.url) return undefined;
  const logPath = join(directory, DEMO_WEBHOOK_LOG);
  if (!serve) return { endpoint: saved.endpoint, logPath, receiver: undefined };
  let secret = saved.secret;
  const port = Number(new URL(saved.url).port);
  const receiver = await startWebhookReceiver({
    secret: () => secret,
    logPath,
    path: RECEIVER_PATH,
    port,
  }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startWebhookReceiver({ secret: () => secret, logPath, path: RECEIVER_PATH, port: 0 });
  });
  if (receiver.port === port) return { endpoint: saved.endpoint, logPath, receiver };
  try {
    await hub.webhooks.remove(saved.endpoint, CLI_ACTOR);
    const registered = await hub.webhooks.register(
      { participant: DEMO_WEBHOOK_PARTICIPANT, url: receiver.url, format: 'json' },
      CLI_ACTOR,
    );
    const id = registered.endpoint.id;
    if (BigInt(endpoint.cursor) < BigInt(registered.endpoint.cursor))
      await hub.webhooks.replay(id, { fromSeq: BigInt(endpoint.cursor) + 1n }, CLI_ACTOR);
    secret = registered.secret;
    writeDemoFile(directory, { endpoint: id, url: receiver.url, secret });
    return { endpoint: id, logPath, receiver };
  } catch (error) {
    await receiver.close();
    throw error;
  }
}

function readDemoFile(directory: string): DemoWebhookFile | undefined {
  const path = join(directory, DEMO_WEBHOOK_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<DemoWebhookFile>;
    if (
      typeof value.endpoint === 'string' &&
      typeof value.url === 'string' &&
      typeof value.secret === 'string'
    )
      return { endpoint: value.endpoint, url: value.url, secret: value.secret };
  } catch {
    // A damaged file: this start runs no receiver (the endpoint's deliveries fail and are retried).
  }
  return undefined;
}

/** A new file each time (0600 from the start, whatever mode an old one had). */
function writeDemoFile(directory: string, content: DemoWebhookFile): void {
  const path = join(directory, DEMO_WEBHOOK_FILE);
  mkdirSync(directory, { recursive: true });
  rmSync(path, { force: true });
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

/** A port free on 127.0.0.1 now, for an endpoint whose receiver runs at a later start. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
