import { sources } from './data/sources.js';
import type { GaugeMm } from './model.js';
import type { NetworkData } from './network.js';
import { lookupKey } from './network.js';

/**
 * Checks the network data for the mistakes a hand-edited table invites: duplicate ids, references to
 * nodes or sources that do not exist, edges without a source, sea services between places that are
 * not ports of one sea, ports without their water, months out of range, and rail gauges that change
 * at a node that is not marked as a gauge break.
 * Returns one message per problem; an empty list means the data is sound.
 */
export function validateNetworkData(
  data: NetworkData,
  knownSourceIds: ReadonlySet<string> = new Set(Object.keys(sources)),
): string[] {
  const problems: string[] = [];
  const nodeIds = new Set<string>();
  for (const node of data.nodes) {
    if (nodeIds.has(lookupKey(node.id))) problems.push(`node ${node.id}: duplicate id`);
    nodeIds.add(lookupKey(node.id));
    if (node.locode !== undefined && !/^[A-Z]{2}[A-Z2-9]{3}$/.test(node.locode))
      problems.push(`node ${node.id}: malformed UN/LOCODE ${node.locode}`);
    if (Math.abs(node.at[0]) > 180 || Math.abs(node.at[1]) > 90)
      problems.push(`node ${node.id}: coordinates out of range`);
    if (node.countries.length === 0) problems.push(`node ${node.id}: no country`);
    problems.push(...checkSources(`node ${node.id}`, node.sourceIds, knownSourceIds));
  }
  const edgeIds = new Set<string>();
  for (const edge of data.edges) {
    const label = `edge ${edge.id}`;
    if (edgeIds.has(edge.id)) problems.push(`${label}: duplicate id`);
    edgeIds.add(edge.id);
    for (const end of [edge.from, edge.to])
      if (!nodeIds.has(lookupKey(end))) problems.push(`${label}: unknown node ${end}`);
    if (lookupKey(edge.from) === lookupKey(edge.to)) problems.push(`${label}: a loop`);
    if (edge.mode === 'sea' || edge.mode === 'caspian')
      problems.push(
        `${label}: sea and Caspian voyages come from the sea network, not the edge list`,
      );
    if (edge.distanceKm !== undefined && !(edge.distanceKm > 0))
      problems.push(`${label}: distance must be positive`);
    if (edge.sourceIds.filter((id) => id !== 'vostro-cost-model').length === 0)
      problems.push(`${label}: no source for its distance`);
    problems.push(...checkSources(label, edge.sourceIds, knownSourceIds));
    const months = [
      ...(edge.season?.openMonths ?? []),
      ...(edge.season?.iceClassMonths ?? []),
      ...(edge.season?.convoyMonths ?? []),
    ];
    if (months.some((month) => !Number.isInteger(month) || month < 1 || month > 12))
      problems.push(`${label}: season month out of range`);
  }
  const ports = new Map(
    data.nodes.filter((node) => node.kind === 'port').map((node) => [node.id, node]),
  );
  for (const node of ports.values())
    if (node.water === undefined) problems.push(`node ${node.id}: a port needs its water`);
  const pairs = new Set<string>();
  for (const service of data.seaServices) {
    const label = `sea service ${service.from}-${service.to}`;
    const ends = [ports.get(service.from), ports.get(service.to)];
    for (const [i, end] of ends.entries())
      if (end === undefined)
        problems.push(`${label}: ${[service.from, service.to][i]} is not a port`);
    if (ends[0] !== undefined && ends[1] !== undefined) {
      if ((ends[0].water === 'caspian') !== (ends[1].water === 'caspian'))
        problems.push(`${label}: the ports are not on the same sea`);
    }
    const pair = [service.from, service.to].sort().join('-');
    if (pairs.has(pair)) problems.push(`${label}: listed twice`);
    pairs.add(pair);
    problems.push(
      ...checkSources(label, [...(service.sourceIds ?? []), 'searoute-marnet'], knownSourceIds),
    );
  }
  problems.push(...checkGauges(data));
  return problems;
}

function checkSources(label: string, ids: readonly string[], known: ReadonlySet<string>): string[] {
  if (ids.length === 0) return [`${label}: no source`];
  return ids.filter((id) => !known.has(id)).map((id) => `${label}: unknown source ${id}`);
}

/** At a node without a gauge break, every rail edge with a known gauge must have the same gauge. */
function checkGauges(data: NetworkData): string[] {
  const gauges = new Map<string, Set<GaugeMm>>();
  for (const edge of data.edges) {
    if (edge.mode !== 'rail' || edge.gaugeMm === undefined) continue;
    for (const end of [edge.from, edge.to]) {
      const set = gauges.get(lookupKey(end)) ?? new Set<GaugeMm>();
      set.add(edge.gaugeMm);
      gauges.set(lookupKey(end), set);
    }
  }
  return data.nodes.flatMap((node) => {
    const set = gauges.get(lookupKey(node.id));
    const mixed = set !== undefined && set.size > 1;
    return mixed && node.gaugeBreak === undefined
      ? [`node ${node.id}: rail gauges ${[...set].join(' and ')} meet without a gauge break`]
      : [];
  });
}
