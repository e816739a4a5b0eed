import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../hub/errors.js';
import { LedgerOverloadedError } from '../ledger/group-commit.js';
import { PLAIN_TEXT_PATTERN, PLAIN_TEXT_RULE } from '../ledger/text.js';
import { HUB_ERROR_STATUS } from './hub-status.js';
import { ApiProblem, PROBLEM_MEDIA_TYPE, problemDocument, type FieldError } from './problems.js';

interface ValidationIssue {
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/**
 * Where the invalid value is, as the client would look for it: a JSON Pointer into the body
 * (`/transfers/3/amount`), `query.limit` or `path.id`. For a missing or unknown property the
 * pointer names that property, not its parent object.
 */
function fieldOf(issue: ValidationIssue, part: string | undefined): string {
  const named = issue.params['missingProperty'] ?? issue.params['additionalProperty'];
  const pointer = typeof named === 'string' ? `${issue.instancePath}/${named}` : issue.instancePath;
  if (part === 'querystring') return `query.${pointer.slice(1)}`;
  if (part === 'params') return `path.${pointer.slice(1)}`;
  return pointer === '' ? '/' : pointer;
}

function validationProblem(error: FastifyError): ApiProblem {
  const part = error.validationContext;
  const errors: FieldError[] = (error.validation as ValidationIssue[]).slice(0, 10).map((issue) => {
    const additional = issue.params['additionalProperty'];
    const reason = typeof additional === 'string' ? 'unknown field' : issue.params['pattern'] === PLAIN_TEXT_PATTERN ? PLAIN_TEXT_RULE : (issue.message ?? 'is invalid');
    return { field: fieldOf(issue, part), reason };
  });
  const first = errors[0];
  const detail = first === undefined ? 'the request is invalid' : `${first.field}: ${first.reason}`;
  return new ApiProblem(400, 'invalid_request', detail, { errors });
}

/** Fastify's own errors and anything thrown by a route, as an ApiProblem; undefined for a bug. */
export function toProblem(error: FastifyError | Error): ApiProblem | undefined {
  if (error instanceof ApiProblem) return error;
  if (error instanceof HubError) return hubProblem(error);
  if (error instanceof LedgerOverloadedError) return new ApiProblem(503, 'ledger_overloaded', error.message, { retryAfterSeconds: 1 });
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) return validationProblem(fastifyError);
  const status = fastifyError.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  const code = fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : (fastifyError.code ?? 'bad_request').toLowerCase();
  return new ApiProblem(status, code, error.message);
}

/**
 * A refusal of the hub's operations (participants, keys, FX, settlement): its one status from
 * `HUB_ERROR_STATUS`, its code, and the field at fault. Fields are named as the request has them:
 * a JSON Pointer into the body (`/currencies/0`), or `path.id` / `query.after` for the URL.
 */
export function hubProblem(error: HubError): ApiProblem {
  const status = HUB_ERROR_STATUS[error.code];
  if (error.field === undefined) return new ApiProblem(status, error.code, error.message);
  const field = fieldPointer(error.field);
  return new ApiProblem(status, error.code, `${field}: ${error.message}`, { errors: [{ field, reason: error.message }] });
}

function fieldPointer(field: string): string {
  if (field.startsWith('path.') || field.startsWith('query.') || field.startsWith('/')) return field;
  return `/${field}`;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ApiProblem): FastifyReply {
  if (problem.extra.retryAfterSeconds !== undefined) void reply.header('retry-after', String(problem.extra.retryAfterSeconds));
  if (problem.extra.wwwAuthenticate !== undefined) void reply.header('www-authenticate', problem.extra.wwwAuthenticate);
  return reply.code(problem.status).type(PROBLEM_MEDIA_TYPE).send(problemDocument(problem, request.url, request.id));
}

/** The one place errors become responses; a bug is logged with its stack and shown only as a 500. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error);
  if (problem !== undefined) return sendProblem(request, reply, problem);
  request.log.error({ err: error }, 'request failed');
  return sendProblem(request, reply, new ApiProblem(500, 'internal_error', 'the server failed to handle the request; the request id finds it in the logs'));
}
