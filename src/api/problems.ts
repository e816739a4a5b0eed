/**
 * RFC 9457 problem documents: every error the API returns has this shape and the media type
 * `application/problem+json`. Handlers throw `ApiProblem`; the error handler in `server.ts` is
 * the one place that turns it (and Fastify's own errors) into a response.
 */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export interface FieldError {
  /** JSON Pointer to the offending value in the request, e.g. `/amount` or `/transfers/3/id`. */
  readonly field: string;
  readonly reason: string;
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  /** The machine-readable code, the last part of `type`. */
  readonly code: string;
  readonly errors?: readonly FieldError[];
  /** The request id, to find the log lines of this request. */
  readonly requestId?: string;
}

/** Problem types are URNs: stable names a client can switch on, not pages to fetch. */
export function problemType(code: string): string {
  return `urn:vostro:problem:${code}`;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

/** An expected failure at the HTTP edge: becomes a problem document with this status. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extra: {
      readonly errors?: readonly FieldError[];
      readonly retryAfterSeconds?: number;
      /** For 401: the `WWW-Authenticate` challenge (RFC 6750). */
      readonly wwwAuthenticate?: string;
    } = {},
  ) {
    super(detail);
  }
}

export function invalidField(field: string, reason: string, code = 'invalid_request'): ApiProblem {
  return new ApiProblem(400, code, `${field}: ${reason}`, { errors: [{ field, reason }] });
}

export function notFound(what: string, id: string): ApiProblem {
  return new ApiProblem(404, `${what}_not_found`, `no ${what} with id ${id}`);
}

export function problemDocument(
  problem: ApiProblem,
  instance: string,
  requestId: string,
): ProblemDocument {
  return {
    type: problemType(problem.code),
    title: statusTitle(problem.status),
    status: problem.status,
    detail: problem.message,
    instance,
    code: problem.code,
    ...(problem.extra.errors === undefined ? {} : { errors: problem.extra.errors }),
    requestId,
  };
}
