import type { Mode, NodeSpec } from './model.js';
import type { Network } from './network.js';

/**
 * Everything one query fixes before searching: which arcs may be used at all, the weights that turn
 * days, dollars and CO2e into one number, and the shared budget of heap pops.
 */
export interface SearchContext {
  readonly network: Network;
  /** 1 where the arc passes the static filters (mode, status, avoided nodes, countries, chokepoints). */
  readonly arcAllowed: Uint8Array;
  /** The allowed arcs leaving node n: `allowedArcs[allowedStart[n]..allowedStart[n+1]]`. */
  readonly allowedStart: Int32Array;
  readonly allowedArcs: Int32Array;
  /** Corridor comparison: 1 where using the arc satisfies the corridor's requirement. */
  readonly arcRequired?: Uint8Array;
  /** Route queries: nodes the route must pass, in order (`via`); not combined with `arcRequired`. */
  readonly via?: Int32Array;
  readonly weightPerDay: number;
  readonly weightPerUsd: number;
  readonly weightPerKgCo2e: number;
  /** Departure as whole days since 1970-01-01 (UTC). */
  readonly departureDay: number;
  readonly iceClass: boolean;
  /** Diagnosis only: treat every seasonal link as open. */
  readonly ignoreSeason: boolean;
  /** Container cost factor (1 for a dry TEU). */
  readonly costFactor: number;
  /** kg CO2e per (kg CO2e per tonne): the container's cargo tonnes times its CO2e factor. */
  readonly co2eTonnes: number;
  readonly budget: { expansionsLeft: number; expansionsUsed: number };
}

export interface ArcTraversal {
  readonly days: number;
  readonly convoy: boolean;
}

/** The allowed arcs grouped by the node they leave, so that a search never looks at the others. */
export function allowedAdjacency(
  network: Network,
  arcAllowed: Uint8Array,
): { allowedStart: Int32Array; allowedArcs: Int32Array } {
  const nodeCount = network.nodes.length;
  const allowedStart = new Int32Array(nodeCount + 1);
  let count = 0;
  for (let node = 0; node < nodeCount; node++) {
    allowedStart[node] = count;
    for (let arc = network.arcStart[node]!; arc < network.arcStart[node + 1]!; arc++)
      count += arcAllowed[arc]!;
  }
  allowedStart[nodeCount] = count;
  const allowedArcs = new Int32Array(count);
  let k = 0;
  for (let arc = 0; arc < network.arcEdge.length; arc++)
    if (arcAllowed[arc] === 1) allowedArcs[k++] = arc;
  return { allowedStart, allowedArcs };
}

/** Mode slots of the search state; 0 means "not arrived by anything yet" (the origin). */
export const modeSlot: Readonly<Record<Mode, number>> = { sea: 1, caspian: 2, rail: 3, road: 4 };
const modeSlots = 5;

/** The calendar month (1–12, UTC) of a day counted from 1970-01-01; civil-from-days, no Date. */
export function monthOf(day: number): number {
  const z = Math.floor(day) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  return mp < 10 ? mp + 3 : mp - 9;
}

/**
 * Days to traverse the arc when entering it `elapsedDays` after departure, or undefined when its
 * season forbids it then: both the month the ship enters the seasonal stretch and the month it
 * leaves it must be open, and ice-class months need `iceClass`. Checking both ends is enough
 * because no seasonal stretch takes longer than a month.
 */
export function traverseArc(
  context: SearchContext,
  arc: number,
  elapsedDays: number,
): ArcTraversal | undefined {
  const edge = context.network.edges[context.network.arcEdge[arc]!]!;
  const season = edge.spec.season;
  if (season === undefined || context.ignoreSeason) return { days: edge.baseDays, convoy: false };
  // The season may hold on a stretch of the edge only (the NSR on a longer voyage).
  const span = edge.seasonSpan;
  const reversed = context.network.arcReversed[arc] === 1;
  const offset = span === undefined ? 0 : reversed ? span.startDaysReversed : span.startDays;
  const entryMonth = monthOf(context.departureDay + elapsedDays + offset) as never;
  const exitMonth = monthOf(
    context.departureDay + elapsedDays + offset + (span?.days ?? edge.baseDays),
  ) as never;
  if (!season.openMonths.includes(entryMonth) || !season.openMonths.includes(exitMonth))
    return undefined;
  const needsIceClass =
    season.iceClassMonths.includes(entryMonth) || season.iceClassMonths.includes(exitMonth);
  if (needsIceClass && !context.iceClass) return undefined;
  const convoy = season.convoyMonths?.includes(entryMonth) ?? false;
  return { days: edge.baseDays + (convoy ? (season.convoyExtraDays ?? 0) : 0), convoy };
}

/** One leg taken from a node: what waiting there and travelling the leg cost. */
export interface Step {
  readonly dwellDays: number;
  readonly dwellUsd: number;
  readonly fixedUsd: number;
  readonly runningUsd: number;
  readonly co2eKg: number;
  readonly traversal: ArcTraversal;
  readonly arriveAt: number;
  readonly weight: number;
}

/**
 * Takes `arc` from `node`, reached by `arrivedBy` (a mode slot) `elapsedDays` after departure.
 * A container staying on the same train or truck through a hub that is not a border neither dwells
 * nor pays a new fixed charge; every other change (ship to train, ship to ship, a border) does.
 * Cargo never dwells at its origin. Dollar figures are per container of the query's type.
 */
export function takeStep(
  context: SearchContext,
  node: number,
  arrivedBy: number,
  elapsedDays: number,
  arc: number,
): Step | undefined {
  const network = context.network;
  const edge = network.edges[network.arcEdge[arc]!]!;
  const spec = network.nodes[node]!.spec;
  const mode = edge.spec.mode;
  const continues =
    arrivedBy === modeSlot[mode] && (mode === 'rail' || mode === 'road') && spec.kind !== 'border';
  const dwells = arrivedBy !== 0 && !continues;
  const dwellDays = dwells ? spec.dwell.days : 0;
  const traversal = traverseArc(context, arc, elapsedDays + dwellDays);
  if (traversal === undefined) return undefined;
  const dwellUsd = (dwells ? spec.dwell.costUsdPerTeu : 0) * context.costFactor;
  const fixedUsd = (continues ? 0 : edge.fixedCostUsdPerTeu) * context.costFactor;
  const runningUsd = edge.runningCostUsdPerTeu * context.costFactor;
  const co2eKg = edge.co2eKgPerTonne * context.co2eTonnes;
  const days = dwellDays + traversal.days;
  const weight =
    context.weightPerDay * days +
    context.weightPerUsd * (dwellUsd + fixedUsd + runningUsd) +
    context.weightPerKgCo2e * co2eKg;
  return {
    dwellDays,
    dwellUsd,
    fixedUsd,
    runningUsd,
    co2eKg,
    traversal,
    arriveAt: elapsedDays + days,
    weight,
  };
}

/** Where `stepCost` leaves the arrival time of the step it priced (the search is single-threaded). */
let scratchArriveAt = 0;

/**
 * `takeStep` for the search's inner loop: the step's weight, or −1 when its season forbids it, with
 * the arrival time left in `scratchArriveAt`; the same arithmetic, without allocating.
 */
function stepCost(
  context: SearchContext,
  spec: NodeSpec,
  arrivedBy: number,
  elapsedDays: number,
  arc: number,
): number {
  const edge = context.network.edges[context.network.arcEdge[arc]!]!;
  const mode = edge.spec.mode;
  const continues =
    arrivedBy === modeSlot[mode] && (mode === 'rail' || mode === 'road') && spec.kind !== 'border';
  const dwells = arrivedBy !== 0 && !continues;
  const dwellDays = dwells ? spec.dwell.days : 0;
  let travelDays = edge.baseDays;
  if (edge.spec.season !== undefined && !context.ignoreSeason) {
    const traversal = traverseArc(context, arc, elapsedDays + dwellDays);
    if (traversal === undefined) return -1;
    travelDays = traversal.days;
  }
  const dwellUsd = (dwells ? spec.dwell.costUsdPerTeu : 0) * context.costFactor;
  const fixedUsd = (continues ? 0 : edge.fixedCostUsdPerTeu) * context.costFactor;
  const runningUsd = edge.runningCostUsdPerTeu * context.costFactor;
  const co2eKg = edge.co2eKgPerTonne * context.co2eTonnes;
  const days = dwellDays + travelDays;
  scratchArriveAt = elapsedDays + days;
  return (
    context.weightPerDay * days +
    context.weightPerUsd * (dwellUsd + fixedUsd + runningUsd) +
    context.weightPerKgCo2e * co2eKg
  );
}

export interface SearchStart {
  readonly node: number;
  readonly elapsedDays: number;
  /** Mode slot the cargo arrived at `node` by; 0 at the origin. */
  readonly arrivedBy: number;
  /** How many of the `via` nodes the path has already passed (0 at the origin). */
  readonly viaPassed?: number;
}

/** How many `via` nodes a path from the origin through `nodes` has passed, in order. */
export function viaPassed(context: SearchContext, nodes: readonly number[]): number {
  const via = context.via;
  if (via === undefined) return 0;
  let passed = 0;
  for (const node of nodes) if (passed < via.length && node === via[passed]) passed += 1;
  return passed;
}

export interface SearchBlocks {
  readonly arcs?: ReadonlySet<number>;
  readonly nodes?: Uint8Array;
}

/**
 * Dijkstra over (node, layer, arrival mode) states. The arrival mode decides whether passing a node
 * costs a transshipment. With `arcRequired` there are two layers: a path moves to layer 1 when it
 * uses a required arc, and only layer 1 reaches the target, so the result is the best path that uses
 * the corridor. With `via` there is one layer per via node passed, in order, and only the last
 * reaches the target. Returns the arcs of the path, null when none exists, or 'budget' when the
 * query's expansion budget ran out.
 */
export function shortestPath(
  context: SearchContext,
  start: SearchStart,
  target: number,
  blocks: SearchBlocks = {},
): number[] | null | 'budget' {
  const network = context.network;
  const via = context.via;
  const viaCount = via?.length ?? 0;
  const layers = context.arcRequired === undefined ? viaCount + 1 : 2;
  const perNode = layers * modeSlots;
  const best = new Float64Array(network.nodes.length * perNode).fill(Number.POSITIVE_INFINITY);
  const elapsed = new Float64Array(best.length);
  const previousArc = new Int32Array(best.length).fill(-1);
  const previousState = new Int32Array(best.length).fill(-1);
  const heap = new StateHeap();
  const startState = start.node * perNode + (start.viaPassed ?? 0) * modeSlots + start.arrivedBy;
  best[startState] = 0;
  elapsed[startState] = start.elapsedDays;
  heap.push(0, startState);
  while (heap.size > 0) {
    const key = heap.peekKey();
    const state = heap.pop();
    if (key > best[state]!) continue;
    if (context.budget.expansionsLeft <= 0) return 'budget';
    context.budget.expansionsLeft -= 1;
    context.budget.expansionsUsed += 1;
    const node = Math.floor(state / perNode);
    const layer = Math.floor((state % perNode) / modeSlots);
    if (node === target && layer === layers - 1)
      return tracePath(previousArc, previousState, state);
    // Paths may not pass through the target and come back: it is only ever an end.
    if (node === target) continue;
    const { allowedStart, allowedArcs } = context;
    const nodeSpec = network.nodes[node]!.spec;
    for (let k = allowedStart[node]!; k < allowedStart[node + 1]!; k++) {
      const arc = allowedArcs[k]!;
      if (blocks.arcs?.has(arc) === true) continue;
      const next = network.arcTo[arc]!;
      if (blocks.nodes !== undefined && blocks.nodes[next] === 1) continue;
      const step = stepCost(context, nodeSpec, state % modeSlots, elapsed[state]!, arc);
      if (step < 0) continue;
      const nextLayer =
        context.arcRequired !== undefined
          ? layer === 1 || context.arcRequired[arc] === 1
            ? 1
            : 0
          : layer < viaCount && next === via![layer]
            ? layer + 1
            : layer;
      const nextState =
        next * perNode +
        nextLayer * modeSlots +
        modeSlot[network.edges[network.arcEdge[arc]!]!.spec.mode];
      const weight = best[state]! + step;
      if (weight < best[nextState]!) {
        best[nextState] = weight;
        elapsed[nextState] = scratchArriveAt;
        previousArc[nextState] = arc;
        previousState[nextState] = state;
        heap.push(weight, nextState);
      }
    }
  }
  return null;
}

function tracePath(previousArc: Int32Array, previousState: Int32Array, end: number): number[] {
  const arcs: number[] = [];
  for (let state = end; previousArc[state]! >= 0; state = previousState[state]!)
    arcs.push(previousArc[state]!);
  return arcs.reverse();
}

/** A binary min-heap of (key, state) pairs in two growable arrays; stale entries are skipped by the caller. */
class StateHeap {
  private keys: number[] = [];
  private states: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  peekKey(): number {
    return this.keys[0]!;
  }

  push(key: number, state: number): void {
    const keys = this.keys;
    const states = this.states;
    let index = keys.length;
    keys.push(key);
    states.push(state);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[index] = keys[parent]!;
      states[index] = states[parent]!;
      index = parent;
    }
    keys[index] = key;
    states[index] = state;
  }

  pop(): number {
    const keys = this.keys;
    const states = this.states;
    const top = states[0]!;
    const lastKey = keys.pop()!;
    const lastState = states.pop()!;
    const size = keys.length;
    if (size === 0) return top;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1]! < keys[child]!) child += 1;
      if (keys[child]! >= lastKey) break;
      keys[index] = keys[child]!;
      states[index] = states[child]!;
      index = child;
    }
    keys[index] = lastKey;
    states[index] = lastState;
    return top;
  }
}
