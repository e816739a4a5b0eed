import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import type { AccessFixture, Caller } from './access.test-helper.js';
import type { JsonBody } from './api.test-helper.js';

/**
 * The vocabulary of the authorisation matrix (src/api/authorization.test.ts), shared with the
 * files that hold some of its rows: what each caller must get, and how a row makes its request.
 */
export type Expect = Readonly<Record<Caller, number>>;

export const PUBLIC: Expect = { none: 200, operator: 200, auditor: 200, owner: 200, foreign: 200 };
export const ANY_KEY: Expect = { none: 401, operator: 200, auditor: 200, owner: 200, foreign: 200 };
export const STAFF_READ: Expect = {
  none: 401,
  operator: 200,
  auditor: 200,
  owner: 403,
  foreign: 403,
};
export const OWN_READ: Expect = {
  none: 401,
  operator: 200,
  auditor: 200,
  owner: 200,
  foreign: 404,
};
export const operatorWrite = (status: number): Expect => ({
  none: 401,
  operator: status,
  auditor: 403,
  owner: 403,
  foreign: 403,
});
export const ownKeyWrite = (status: number): Expect => ({
  none: 401,
  operator: status,
  auditor: 403,
  owner: status,
  foreign: 404,
});

export interface Case {
  readonly expect: Expect;
  /** The request; made anew for each caller, so that writes do not collide. */
  readonly request: (fixture: AccessFixture) => InjectOptions | Promise<InjectOptions>;
  /** The code of the 404 a foreign participant gets: the same as for a resource that does not exist. */
  readonly notFound?: string;
  /** The response is a stream that does not end (SSE): sent over a real connection, its status read, then closed. */
  readonly stream?: true;
}

export const get = (url: string) => (): InjectOptions => ({ method: 'GET', url });
export const post = (url: string, payload?: Record<string, unknown>): InjectOptions => ({
  method: 'POST',
  url,
  ...(payload === undefined ? {} : { payload }),
});

/** What the matrix reads of a response. */
export interface Answer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
  json(): JsonBody;
}

/**
 * A request whose response does not end, sent over a real connection to the fixture's server:
 * the status, headers and (for a refusal) body, then the connection is closed. Refusals end on
 * their own, so their body is read whole.
 */
export async function streamed(
  fixture: AccessFixture,
  caller: Caller,
  request: InjectOptions,
): Promise<Answer> {
  const app = fixture.api.app;
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const key = caller === 'none' ? undefined : fixture.keys[caller];
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: typeof request.url === 'string' ? request.url : '/',
        method: request.method ?? 'GET',
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const answer = (body: string) =>
          resolve({
            statusCode: status,
            headers: response.headers,
            body,
            json: () => JSON.parse(body) as JsonBody,
          });
        if (status === 200) {
          response.destroy();
          answer('');
          return;
        }
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => answer(body));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** A row of the audit test (src/api/audit.test.ts): a mutating route and the entry it writes. */
export interface AuditCase {
  readonly request: (fixture: AccessFixture) => InjectOptions | Promise<InjectOptions>;
  readonly action: string;
  /**
   * The entries the same request writes before its own, in the same transaction, for a change it
   * makes through another service (an accepted presentation posts its credit's payment:
   * `payments.post`). Each names the same actor, key and request.
   */
  readonly before?: readonly string[];
  /** What `target` must be, from the request sent. */
  readonly target?: (request: InjectOptions) => string;
  /** A participant key that may make this request too (its own resource). */
  readonly owner?: boolean;
  /** Any participant key may make this request (nothing in it belongs to anyone yet: a quote). */
  readonly anyParticipant?: boolean;
  /** The route validates a body: this one is refused with 400. */
  readonly badBody?: Record<string, unknown>;
}

/** The part of the request's path at `index` (`/v1/webhooks/<id>/…`: 3), as an audit target. */
export const pathPart =
  (index: number) =>
  (request: InjectOptions): string =>
    (typeof request.url === 'string' ? request.url : '').split('/')[index] as string;
