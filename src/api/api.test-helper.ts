import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  InjectOptions,
  LightMyRequestResponse,
  RouteOptions,
} from 'fastify';
import { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR, type ActorRole } from '../domain/actor.js';
import type { Clock } from '../ledger/clock.js';
import { Ledger } from '../ledger/ledger.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { newAccountId, newTransferId } from '../ledger/ids.js';
import { verifyLedger } from '../ledger/verify.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { ApiLimits } from './limits.js';
import { buildServer, type ServerOptions } from './server.js';

/**
 * A response body as tests read it: any field at any depth, with no schema of its own. Each test
 * asserts on the fields it reads, so a wrong one fails there (eslint.config.js relaxes the
 * no-unsafe-* rules for tests for the same reason).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: test bodies are indexed freely
export type JsonBody = Record<string, any>;

/**
 * A server on a real SQLite file in a temporary directory, and `call`, which injects a request
 * and checks the response against the OpenAPI description the server itself serves: every route
 * test is therefore also a test that the description tells the truth. Requests carry an operator
 * key unless they say otherwise (`key: null` for none, or another key).
 */
export interface TestApi {
  readonly app: FastifyInstance;
  readonly store: SqliteStore;
  readonly ledger: Ledger;
  readonly keys: ApiKeys;
  readonly participants: ParticipantRegistry;
  /** An operator key, sent with every `call` by default. */
  readonly operatorKey: string;
  call(options: TestCall): Promise<LightMyRequestResponse & { json<T = JsonBody>(): T }>;
  /** Issues a key (through the service, as the CLI would) and returns its full text. */
  issueKey(role: ActorRole, participant?: string): Promise<string>;
  /** Responses checked against the description so far. */
  readonly checked: { count: number; byRoute: Set<string> };
  close(): Promise<void>;
}

/** An inject request; `key` is the API key to send (default: the operator key; null: none). */
export type TestCall = InjectOptions & { key?: string | null };

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
interface Description {
  paths: Record<string, Record<string, Operation>>;
}

export async function openTestApi(
  limits: Partial<ApiLimits> = {},
  options: {
    logger?: FastifyBaseLogger;
    onRoute?: (route: RouteOptions) => void;
    clock?: Clock;
    /** Webhook and event feed options of the server. */
    server?: Pick<ServerOptions, 'webhookAllowedHosts' | 'dispatcher' | 'feed' | 'dashboard'>;
  } = {},
): Promise<TestApi> {
  const directory = mkdtempSync(join(tmpdir(), 'vostro-api-'));
  const store = new SqliteStore({ path: join(directory, 'api.db'), backgroundCheckpoints: false });
  const ledger = new Ledger(store, options.clock === undefined ? {} : { clock: options.clock });
  const keys = new ApiKeys(ledger);
  const participants = new ParticipantRegistry(ledger);
  const app = await buildServer({
    ledger,
    store,
    limits,
    keys,
    participants,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.onRoute === undefined ? {} : { onRoute: options.onRoute }),
    ...options.server,
  });
  const operatorKey = (await keys.issue({ role: 'operator', label: 'tests' }, CLI_ACTOR)).key;
  const description = (
    await app.inject({ method: 'GET', url: '/v1/openapi.json' })
  ).json<Description>();
  const checker = responseChecker(description);
  const checked = { count: 0, byRoute: new Set<string>() };
  return {
    app,
    store,
    ledger,
    keys,
    participants,
    operatorKey,
    checked,
    async call({ key, ...options }) {
      const response = await app.inject(withKey(options, key === undefined ? operatorKey : key));
      const url = typeof options.url === 'string' ? options.url : (options.url?.pathname ?? '/');
      const route = checker(options.method ?? 'GET', url, response);
      if (route !== undefined) {
        checked.count += 1;
        checked.byRoute.add(route);
      }
      return response;
    },
    async issueKey(role, participant) {
      return (
        await keys.issue({ role, ...(participant === undefined ? {} : { participant }) }, CLI_ACTOR)
      ).key;
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The request with `Authorization: Bearer <key>` added, unless it names its own or key is null. */
export function withKey(options: InjectOptions, key: string | null): InjectOptions {
  const headers = { ...(options.headers ?? {}) };
  if (key !== null && !('authorization' in headers)) headers['authorization'] = `Bearer ${key}`;
  return { ...options, headers };
}

/**
 * Finds the operation for a request in the description (paths such as `/v1/accounts/{id}`) and
 * validates the response body against the schema published for its status and media type.
 * Returns the route template that was checked, or undefined for a URL the description does not
 * hold (unknown routes, whose 404 problem is checked by the tests themselves).
 */
function responseChecker(description: Description) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const compiled = new Map<unknown, ValidateFunction>();
  const templates = Object.keys(description.paths).map((path) => ({
    path,
    pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  return (method: string, url: string, response: LightMyRequestResponse): string | undefined => {
    const pathOnly = url.split('?')[0] ?? url;
    const template = templates.find((candidate) => candidate.pattern.test(pathOnly));
    const operation =
      template === undefined ? undefined : description.paths[template.path]?.[method.toLowerCase()];
    if (template === undefined || operation === undefined) return undefined;
    const documented = operation.responses?.[String(response.statusCode)];
    assert.ok(
      documented !== undefined,
      `${method} ${template.path} answered ${response.statusCode}, which the description does not list`,
    );
    const mediaType = String(response.headers['content-type'] ?? '').split(';')[0] ?? '';
    if (documented.content === undefined) return `${method} ${template.path}`;
    const content = documented.content[mediaType];
    assert.ok(
      content !== undefined,
      `${method} ${template.path} ${response.statusCode} answered ${mediaType}, not in the description`,
    );
    let validate = compiled.get(content.schema);
    if (validate === undefined) {
      validate = ajv.compile(content.schema as object);
      compiled.set(content.schema, validate);
    }
    // CSV and HTML reports are validated as the text they are; everything else as JSON.
    const body: unknown = mediaType.endsWith('json') ? response.json() : response.body;
    assert.ok(
      validate(body),
      `${method} ${template.path} ${response.statusCode}: ${ajv.errorsText(validate.errors)}\n${response.body.slice(0, 500)}`,
    );
    return `${method} ${template.path}`;
  };
}

/** Checks the whole journal and every balance; nothing a test did may leave the ledger inconsistent. */
export async function assertVerified(store: SqliteStore): Promise<void> {
  assert.deepEqual((await verifyLedger(store)).problems, []);
}

export function accountBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: newAccountId(), owner: 'sbi', currency: 'INR', kind: 'settlement', ...overrides };
}

export function transferBody(
  debitAccountId: string,
  creditAccountId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: newTransferId(),
    debitAccountId,
    creditAccountId,
    amount: '100.00',
    currency: 'INR',
    code: 1,
    ...overrides,
  };
}

/** Creates accounts through the API and returns their ids. */
export async function createAccounts(
  api: TestApi,
  ...bodies: Record<string, unknown>[]
): Promise<string[]> {
  const ids: string[] = [];
  for (const body of bodies) {
    const response = await api.call({ method: 'POST', url: '/v1/accounts', payload: body });
    assert.equal(response.statusCode, 201, response.body);
    ids.push(String(body['id']));
  }
  return ids;
}
