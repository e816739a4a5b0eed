import type { SearchContext, Step } from './search.js';
import { modeSlot, shortestPath, takeStep, viaPassed } from './search.js';

/** A path with the figures the planner needs at each stop: arrival day and the step taken. */
export interface Walk {
  readonly arcs: readonly number[];
  readonly nodes: readonly number[];
  /** Days after departure at which the cargo arrives at `nodes[i]`. */
  readonly arriveAt: readonly number[];
  readonly steps: readonly Step[];
  readonly weight: number;
}

/** Replays a path from the origin; undefined if a seasonal leg is closed when the cargo reaches it. */
export function walkPath(
  context: SearchContext,
  origin: number,
  arcs: readonly number[],
): Walk | undefined {
  const network = context.network;
  const nodes = [origin];
  const arriveAt = [0];
  const steps: Step[] = [];
  let weight = 0;
  for (let i = 0; i < arcs.length; i++) {
    const arc = arcs[i]!;
    const step = takeStep(context, nodes[i]!, arrivalSlot(context, arcs, i), arriveAt[i]!, arc);
    if (step === undefined) return undefined;
    weight += step.weight;
    steps.push(step);
    nodes.push(network.arcTo[arc]!);
    arriveAt.push(step.arriveAt);
  }
  return { arcs, nodes, arriveAt, steps, weight };
}

/** The mode slot the cargo arrived at the i-th stop of a path by (0 at the origin). */
function arrivalSlot(context: SearchContext, arcs: readonly number[], i: number): number {
  if (i === 0) return 0;
  const network = context.network;
  return modeSlot[network.edges[network.arcEdge[arcs[i - 1]!]!]!.spec.mode];
}

export interface KShortest {
  readonly walks: readonly Walk[];
  /** True when the expansion budget ran out before K routes were found. */
  readonly truncated: boolean;
}

/**
 * Yen's algorithm: the best path, then up to k−1 further loopless paths, each the best that differs
 * from all accepted ones. Returns null when not even one path exists, 'budget' when the first search
 * already exhausted the budget.
 */
export function kShortestPaths(
  context: SearchContext,
  origin: number,
  target: number,
  k: number,
): KShortest | null | 'budget' {
  const first = shortestPath(context, { node: origin, elapsedDays: 0, arrivedBy: 0 }, target);
  if (first === null || first === 'budget') return first;
  const firstWalk = walkPath(context, origin, first);
  if (firstWalk === undefined)
    throw new Error('bug: the search returned a path its own replay rejects');
  const accepted: Walk[] = [firstWalk];
  const seen = new Set<string>([first.join(',')]);
  const candidates: Walk[] = [];
  while (accepted.length < k) {
    const outcome = addSpurCandidates(context, accepted, target, seen, candidates);
    if (outcome === 'budget') return { walks: accepted, truncated: true };
    if (candidates.length === 0) break;
    candidates.sort((a, b) => a.weight - b.weight);
    accepted.push(candidates.shift()!);
  }
  return { walks: accepted, truncated: false };
}

function addSpurCandidates(
  context: SearchContext,
  accepted: readonly Walk[],
  target: number,
  seen: Set<string>,
  candidates: Walk[],
): 'budget' | 'done' {
  const last = accepted[accepted.length - 1]!;
  const origin = last.nodes[0]!;
  const blockedNodes = new Uint8Array(context.network.nodes.length);
  for (let i = 0; i < last.arcs.length; i++) {
    const rootArcs = last.arcs.slice(0, i);
    const blockedArcs = new Set<number>();
    for (const walk of accepted) {
      if (walk.arcs.length > i && rootArcs.every((arc, j) => walk.arcs[j] === arc))
        blockedArcs.add(walk.arcs[i]!);
    }
    // The root's nodes (all but the spur node) may not be revisited: paths stay loopless.
    if (i > 0) blockedNodes[last.nodes[i - 1]!] = 1;
    const start = {
      node: last.nodes[i]!,
      elapsedDays: last.arriveAt[i]!,
      arrivedBy: arrivalSlot(context, last.arcs, i),
      viaPassed: viaPassed(context, last.nodes.slice(0, i + 1)),
    };
    const spur = shortestPath(context, start, target, { arcs: blockedArcs, nodes: blockedNodes });
    if (spur === 'budget') return 'budget';
    if (spur === null) continue;
    const arcs = [...rootArcs, ...spur];
    const key = arcs.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const walk = walkPath(context, origin, arcs);
    if (walk !== undefined) candidates.push(walk);
  }
  return 'done';
}
