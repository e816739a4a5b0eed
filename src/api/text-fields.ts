import type { FastifyInstance } from 'fastify';
import { findUnstorableText, jsonPointer, unstorableReason } from '../ledger/text.js';
import { invalidField, type ApiProblem } from './problems.js';

/**
 * The HTTP edge of the storable-text rule (src/ledger/text.ts): a string that no store can hold
 * exactly — a U+0000 or an unpaired UTF-16 surrogate — is refused wherever it is in the request,
 * with 400 `invalid_text` naming the field as schema errors do (a JSON Pointer into the body,
 * `query.name`, `path.name`) and the reason. It is refused before the schema runs, so the answer
 * does not depend on which route or which field: nothing downstream ever sees such a string.
 */

/**
 * Strictly decoded UTF-8 (the JSON parser refuses anything else) cannot carry either kind of
 * string; only a JSON escape can: `\u0000` or `\uD800`–`\uDFFF`. A body without one (nearly every
 * body) is not walked. An escaped backslash before `u` is a false alarm that only costs the walk.
 */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89abcdefABCDEF])/;

/** The problem for a parsed JSON body holding a string that cannot be stored, or undefined. */
export function bodyTextProblem(text: string, value: unknown): ApiProblem | undefined {
  if (!SUSPECT_ESCAPE.test(text)) return undefined;
  const fault = findUnstorableText(value);
  return fault === undefined
    ? undefined
    : invalidField(jsonPointer(fault.path), fault.reason, 'invalid_text');
}

/** Query strings and path parameters: a percent-encoded `%00` decodes to U+0000. */
function urlTextProblem(values: unknown, part: 'query' | 'path'): ApiProblem | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  for (const [name, value] of Object.entries(values)) {
    const nameReason = unstorableReason(name);
    if (nameReason !== undefined)
      return invalidField(`${part}.${name}`, `the parameter name ${nameReason}`, 'invalid_text');
    for (const item of Array.isArray(value) ? value : [value]) {
      const reason = typeof item === 'string' ? unstorableReason(item) : undefined;
      if (reason !== undefined) return invalidField(`${part}.${name}`, reason, 'invalid_text');
    }
  }
  return undefined;
}

/** Checks every request's path parameters and query string before its schema is validated. */
export function installUrlTextCheck(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const problem =
      urlTextProblem(request.params, 'path') ?? urlTextProblem(request.query, 'query');
    if (problem === undefined) done();
    else done(problem);
  });
}
