import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../domain/errors.js';
import { FxError, fxRefusal } from '../fx/errors.js';
import { SettlementError, settlementRefusal } from '../settlement/errors.js';
import { LedgerOverloadedError } from '../ledger/group-commit.js';
import { RetryableWriteError, StoreUnavailableError } from '../store/store.js';
import { isConnectionError } from '../store/postgres/connection.js';
import { PostgresConnectionError } from '../store/postgres/write-transaction.js';
import { PLAIN_TEXT_PATTERN, PLAIN_TEXT_RULE } from '../ledger/text.js';
import { HUB_ERROR_STATUS } from './hub-status.js';
import { frameworkProblem } from './framework-errors.js';
import { redactText, redactUrl } from './logger.js';
import {
  ApiProblem,
  PROBLEM_MEDIA_TYPE,
  problemDocument,
  type FieldError,
  type ProblemDocument,
} from './problems.js';

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
    const reason =
      typeof additional === 'string'
        ? 'unknown field'
        : issue.params['pattern'] === PLAIN_TEXT_PATTERN
          ? PLAIN_TEXT_RULE
          : (issue.message ?? 'is invalid');
    return { field: fieldOf(issue, part), reason };
  });
  const first = errors[0];
  const detail = first === undefined ? 'the request is invalid' : `${first.field}: ${first.reason}`;
  return new ApiProblem(400, 'invalid_request', detail, { errors });
}

/** Fastify's own errors and anything thrown by a route, as an ApiProblem; undefined for a bug. */
export function toProblem(
  error: FastifyError | Error,
  request?: FastifyRequest,
): ApiProblem | undefined {
  if (error instanceof ApiProblem) return error;
  if (error instanceof HubError) return hubProblem(error);
  // The services answer with HubErrors; an FX or netting failure that reached here unconverted is
  // still the refusal its domain's exhaustive table says it is, never a 500.
  if (error instanceof FxError) return hubProblem(fxRefusal(error));
  if (error instanceof SettlementError) return hubProblem(settlementRefusal(error));
  if (error instanceof LedgerOverloadedError)
    return new ApiProblem(503, 'ledger_overloaded', error.message, { retryAfterSeconds: 1 });
  const unavailable = storeUnavailable(error);
  if (unavailable !== undefined) return unavailable;
  // Nothing of the request was written and sending it again is safe (ids are idempotency keys).
  if (error instanceof RetryableWriteError)
    return new ApiProblem(
      503,
      'write_conflict',
      `the request was not written (${error.message}); send it again`,
      { retryAfterSeconds: 1 },
    );
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) return validationProblem(fastifyError);
  return frameworkProblem(fastifyError, request);
}

/** System errors of storage and of the network to the database. */
const SYSTEM_UNAVAILABLE = new Set([
  'ENOSPC',
  'EROFS',
  'EDQUOT',
  'EIO',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The store could not do its part, for a reason that is not the request's and may pass: the
 * connection to PostgreSQL was lost or cannot be made, the disk under SQLite is full or read-only.
 * That is 503 with Retry-After, never a 500: the client should retry, and ids are idempotency keys,
 * so a retry of a write that did happen answers as the existing record. The detail says when the
 * store cannot know whether the write committed.
 */
export function storeUnavailable(error: Error): ApiProblem | undefined {
  const retry = { retryAfterSeconds: 1 };
  if (error instanceof PostgresConnectionError) {
    return error.outcome === 'unknown'
      ? new ApiProblem(
          503,
          'store_unavailable',
          'the connection to the database was lost while committing: whether this request was written is unknown; retry it with the same ids, which answers as existing if it was',
          retry,
        )
      : new ApiProblem(
          503,
          'store_unavailable',
          'the database cannot be reached; the write under way was rolled back; retry with the same ids',
          retry,
        );
  }
  // The store classified it (the SQLite writer: disk full, I/O error, read-only file).
  if (error instanceof StoreUnavailableError) {
    return new ApiProblem(
      503,
      'store_unavailable',
      'the database cannot be written (disk full, read-only or failing); the write under way was rolled back; retry with the same ids later',
      { retryAfterSeconds: 5 },
    );
  }
  const code = (error as { code?: unknown }).code;
  if (
    isConnectionError(error) &&
    !(error instanceof ApiProblem) &&
    (typeof code !== 'string' || !code.startsWith('FST_'))
  ) {
    return new ApiProblem(
      503,
      'store_unavailable',
      'the database cannot be reached; retry later',
      retry,
    );
  }
  if (typeof code === 'string' && SYSTEM_UNAVAILABLE.has(code)) {
    return new ApiProblem(
      503,
      'store_unavailable',
      'the database cannot be written (disk full, read-only or failing); the write under way was rolled back; retry with the same ids later',
      { retryAfterSeconds: 5 },
    );
  }
  return undefined;
}

/**
 * A refusal of the hub's operations (participants, keys, FX, settlement): its one status from
 * `HUB_ERROR_STATUS`, its code, and the field at fault. FX and netting failures come here as the
 * hub refusals their tables map them to (`FX_REFUSAL`, `SETTLEMENT_REFUSAL`). Fields are named as the request has them:
 * a JSON Pointer into the body (`/currencies/0`), or `path.id` / `query.after` for the URL.
 */
export function hubProblem(error: HubError): ApiProblem {
  const status = HUB_ERROR_STATUS[error.code];
  if (error.field === undefined) return new ApiProblem(status, error.code, error.message);
  const field = fieldPointer(error.field);
  return new ApiProblem(status, error.code, `${field}: ${error.message}`, {
    errors: [{ field, reason: error.message }],
  });
}

function fieldPointer(field: string): string {
  if (field.startsWith('path.') || field.startsWith('query.') || field.startsWith('/'))
    return field;
  return `/${field}`;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ApiProblem,
): FastifyReply {
  if (problem.extra.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(problem.extra.retryAfterSeconds));
  if (problem.extra.wwwAuthenticate !== undefined)
    void reply.header('www-authenticate', problem.extra.wwwAuthenticate);
  return reply
    .code(problem.status)
    .type(PROBLEM_MEDIA_TYPE)
    .send(safeDocument(problemDocument(problem, redactUrl(request.url), request.id)));
}

/**
 * No secret in a problem document, whatever the request held: the instance is masked like a
 * logged URL, and the detail and field errors (which may quote the request: a path, a parser's
 * message about the body) have every secret-looking word masked (src/api/logger.ts).
 */
function safeDocument(document: ProblemDocument): ProblemDocument {
  return {
    ...document,
    detail: redactText(document.detail),
    ...(document.errors === undefined
      ? {}
      : {
          errors: document.errors.map((error) => ({
            field: redactText(error.field),
            reason: redactText(error.reason),
          })),
        }),
  };
}

/** The one place errors become responses; a bug is logged with its stack and shown only as a 500. */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const problem = toProblem(error, request);
  // An operational condition (disk full, database unreachable), not a bug: its reason, no stack.
  if (problem?.code === 'store_unavailable')
    request.log.warn({ reason: redactText(error.message) }, 'the store is unavailable');
  if (problem !== undefined) return sendProblem(request, reply, problem);
  request.log.error({ err: error }, 'request failed');
  return sendProblem(
    request,
    reply,
    new ApiProblem(
      500,
      'internal_error',
      'the server failed to handle the request; the request id finds it in the logs',
    ),
  );
}
