// The corridor planner's public surface: pure functions an HTTP handler or the CLI can call.
export { corridors } from './corridors.js';
export type { CorridorDefinition } from './corridors.js';
export { containerModels, containerTypes, modeModels } from './data/mode-models.js';
export type { ContainerType } from './data/mode-models.js';
export { sources } from './data/sources.js';
export { isInputError, routingErrorHttpStatus } from './errors.js';
export type { Result, RoutingError, RoutingErrorCode } from './errors.js';
export { limits } from './limits.js';
export type { Mode } from './model.js';
export { corridorNetwork } from './network.js';
export type { Network } from './network.js';
export { compareCorridors, planRoutes } from './planner.js';
export type { CorridorComparison, CorridorOption, RouteOption, RoutePlan } from './planner.js';
export {
  objectives,
  parseCompareQuery,
  parseRouteQuery,
  queryDefaults,
  resolveNode,
} from './query.js';
export type { CompareQuery, Objective, ParseContext, RouteQuery } from './query.js';
export type { PlannedRoute, RouteLeg, RouteTotals } from './route.js';
export { validateNetworkData } from './validate.js';
