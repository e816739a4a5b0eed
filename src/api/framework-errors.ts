import type { FastifyError, FastifyRequest } from 'fastify';
import { ApiProblem } from './problems.js';

/**
 * Fastify's own refusals of a request, in vostro's terms. Clients switch on vostro's codes, so a
 * framework code (`FST_ERR_CTP_INVALID_MEDIA_TYPE`) is never one: each refusal Fastify gives before
 * a handler runs has its own code and detail here, and any other client error (one a later Fastify
 * adds, or a plugin's) gets the plain code of its status.
 */

/** Fastify's default, which `buildServer` does not change. */
const MAX_PARAM_LENGTH_DEFAULT = 100;

type Refusal = (error: FastifyError, request: FastifyRequest | undefined) => ApiProblem;

const REFUSALS: Readonly<Record<string, Refusal>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (_error, request) =>
    unsupportedMediaType(request?.headers['content-type']),
  FST_ERR_CTP_BODY_TOO_LARGE: (_error, request) => bodyTooLarge(request),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: (_error, request) =>
    new ApiProblem(
      400,
      'content_length_mismatch',
      `the body is not as long as its Content-Length header says (${headerText(request?.headers['content-length'])})`,
      { errors: [{ field: 'header.content-length', reason: 'does not match the body' }] },
    ),
  FST_ERR_BAD_URL: () =>
    new ApiProblem(
      400,
      'invalid_url',
      'the URL is not valid: its percent-encoding does not decode to UTF-8 text',
      { errors: [{ field: 'path', reason: 'percent-encoding that is not UTF-8' }] },
    ),
  FST_ERR_MAX_PARAM_LENGTH: (_error, request) => {
    const max = request?.server.initialConfig.maxParamLength ?? MAX_PARAM_LENGTH_DEFAULT;
    return new ApiProblem(
      414,
      'path_parameter_too_long',
      `a parameter in the path is longer than ${max} characters; no id is that long`,
      { errors: [{ field: 'path', reason: `a parameter longer than ${max} characters` }] },
    );
  },
};

/** The plain code of a client error status that has no refusal of its own. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  411: 'length_required',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

/**
 * A client error (4xx) raised by Fastify or a plugin, as a problem with vostro's code; undefined
 * for anything else (a 5xx from the framework is a bug, answered 500 by the error handler).
 */
export function frameworkProblem(
  error: FastifyError,
  request: FastifyRequest | undefined,
): ApiProblem | undefined {
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  const refusal = REFUSALS[error.code];
  if (refusal !== undefined) return refusal(error, request);
  return new ApiProblem(status, STATUS_CODES[status] ?? 'client_error', error.message);
}

/**
 * A body over the route's limit: 413, naming the limit in bytes (a route may take more or less
 * than the server's default: a signed document's route takes its own) and, when the client sent
 * one, the Content-Length it declared.
 */
function bodyTooLarge(request: FastifyRequest | undefined): ApiProblem {
  const limit = request?.routeOptions.bodyLimit ?? request?.server.initialConfig.bodyLimit;
  const declared = request?.headers['content-length'];
  const size =
    declared === undefined || !/^[0-9]{1,15}$/.test(declared)
      ? 'the body is larger'
      : `the body is ${declared} bytes, larger`;
  const reason =
    limit === undefined ? 'larger than this route takes' : `larger than ${limit} bytes`;
  return new ApiProblem(
    413,
    'body_too_large',
    limit === undefined
      ? `${size} than this route takes`
      : `${size} than this route takes: at most ${limit} bytes (${formatBytes(limit)})`,
    { errors: [{ field: 'body', reason }] },
  );
}

/** 278528 → '272 KiB'; 4194304 → '4 MiB'; whole units only, else the bytes. */
function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * A body that is not JSON: 415, naming the media type it came as (clipped to plain text) and the
 * one accepted.
 */
function unsupportedMediaType(type: string | undefined): ApiProblem {
  const given = type === undefined || type.trim() === '' ? undefined : headerText(type);
  const reason =
    given === undefined ? 'the request has a body but no Content-Type' : `${given} is not accepted`;
  return new ApiProblem(
    415,
    'unsupported_media_type',
    `Content-Type: ${reason}; request bodies are application/json`,
    { errors: [{ field: 'header.content-type', reason }] },
  );
}

/** A header's value as plain text fit for a detail: printable ASCII, at most 80 characters. */
function headerText(value: string | undefined): string {
  return (value ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
