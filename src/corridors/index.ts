// The corridor planner's public surface: pure functions an HTTP handler or the CLI can call.
export { containerModels } from './data/mode-models.js';
export { isInputError, routingErrorHttpStatus } from './errors.js';
export type { RoutingError } from './errors.js';
export { corridorNetwork } from './network.js';
export { describeNetwork } from './network-view.js';
export { compareCorridors, planRoutes } from './planner.js';
export type { CorridorComparison, CorridorOption, RouteOption, RoutePlan } from './planner.js';
export { parseCompareQuery, parseRouteQuery } from './query.js';
