/**
 * Expected failures of the planner, returned as values. The union is closed so that the HTTP layer
 * can map every code in one exhaustive table (`routingErrorHttpStatus`) and the compiler flags a
 * new code that has no status.
 */
export type RoutingErrorCode =
  | 'missing_field'
  | 'invalid_type'
  | 'invalid_value'
  | 'invalid_date'
  | 'too_many_values'
  | 'unknown_node'
  | 'unknown_avoid'
  | 'same_origin_destination'
  | 'endpoint_avoided'
  | 'no_route'
  | 'expansion_limit';

export interface RoutingError {
  readonly code: RoutingErrorCode;
  /** The query field at fault (`from`, `date`, `modes`...), so a client can point at it. */
  readonly field: string;
  readonly message: string;
}

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RoutingError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(code: RoutingErrorCode, field: string, message: string): Result<T> {
  return { ok: false, error: { code, field, message } };
}

/** HTTP status per code: input mistakes are 400, a well-formed query with no answer is 422. */
export const routingErrorHttpStatus: Readonly<Record<RoutingErrorCode, 400 | 422>> = {
  missing_field: 400,
  invalid_type: 400,
  invalid_value: 400,
  invalid_date: 400,
  too_many_values: 400,
  unknown_node: 400,
  unknown_avoid: 400,
  same_origin_destination: 400,
  endpoint_avoided: 400,
  no_route: 422,
  expansion_limit: 422,
};

/** Whether the failure is the caller's input (exit code 2 on the CLI) rather than "no answer" (1). */
export function isInputError(code: RoutingErrorCode): boolean {
  return routingErrorHttpStatus[code] === 400;
}
