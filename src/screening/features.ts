/**
 * What besides the name raises or lowers a hit's score (after nomenklatura logic-v2 and watchman):
 *
 * - identifiers: a passport, national ID or IMO number equal to one of the entry's (compared as
 *   letters and digits only, upper case; with the same issuing country when both give one) makes
 *   the score 1, whatever the name; a different IMO number (a vessel has one) multiplies it by
 *   0.7, a passport or national ID of a different number by 0.9 (people hold several, lists name
 *   some);
 * - date of birth: the same day +0.05; the same year (or within a listed range, ±1 year for an
 *   "approximately") where one side gives no day +0.02; none of the listed dates within a year
 *   −0.15; the same year, another day −0.05;
 * - country (nationality, citizenship, address, place of birth, flag): a common country +0.02;
 *   none in common when both give some −0.1;
 * - kind: a person against an organisation, vessel or aircraft (and so on) −0.1.
 *
 * The score is then kept within [0, 1].
 */
import type { DateOfBirth, Identifier, ListEntry, MatchedField } from './types.js';

/** A party's features, prepared once per screening. */
export interface PartyFeatures {
  readonly dateOfBirth?: { readonly year: number; readonly month?: number; readonly day?: number };
  readonly countries: ReadonlySet<string>;
  readonly identifiers: readonly Identifier[];
  readonly kind?: ListEntry['kind'];
}

/**
 * The most the features can add to a name score for this party (for the screener's pruning): a
 * date of birth +0.05, countries +0.02. (An equal identifier is found by its own index.)
 */
export function maxRaise(party: PartyFeatures): number {
  return (party.dateOfBirth === undefined ? 0 : 0.05) + (party.countries.size === 0 ? 0 : 0.02);
}

/**
 * Letters and digits only, upper case: "AK 051-7906" and "ak0517906" are one passport; an IMO
 * number without its "IMO" prefix ("IMO 9187629" → "9187629").
 */
export function identifierKey(type: Identifier['type'], value: string): string {
  const key = value
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]/gu, '')
    .toUpperCase();
  return type === 'imo' ? key.replace(/^IMO/, '') : key;
}

function sameIdentifier(a: Identifier, b: Identifier): boolean {
  if (a.type !== b.type || identifierKey(a.type, a.value) !== identifierKey(b.type, b.value))
    return false;
  return a.country === undefined || b.country === undefined || a.country === b.country;
}

function dateEffect(
  party: NonNullable<PartyFeatures['dateOfBirth']>,
  listed: readonly DateOfBirth[],
): { raise: number; field?: MatchedField } {
  let best: { raise: number; field?: MatchedField } = {
    raise: -0.15,
    field: 'date-of-birth-mismatch',
  };
  for (const date of listed) {
    const slack = date.approximate === true ? 1 : 0;
    const from = date.year - slack;
    const to = (date.toYear ?? date.year) + slack;
    if (party.year < from || party.year > to) continue;
    const bothDays =
      date.toYear === undefined &&
      date.day !== undefined &&
      date.month !== undefined &&
      party.day !== undefined &&
      party.month !== undefined;
    if (bothDays && date.year === party.year) {
      if (date.month === party.month && date.day === party.day)
        return { raise: 0.05, field: 'date-of-birth' };
      if (best.raise < -0.05) best = { raise: -0.05, field: 'date-of-birth-mismatch' };
      continue;
    }
    if (best.raise < 0.02) best = { raise: 0.02, field: 'date-of-birth' };
  }
  return best;
}

/**
 * The final score of an entry whose best name scored `nameScore`, and the fields that agreed or
 * disagreed besides the name.
 */
export function applyFeatures(
  nameScore: number,
  party: PartyFeatures,
  entry: ListEntry,
): { score: number; fields: MatchedField[] } {
  const fields: MatchedField[] = [];
  for (const identifier of party.identifiers) {
    if (entry.identifiers.some((listed) => sameIdentifier(identifier, listed))) {
      fields.push(identifier.type);
      return { score: 1, fields };
    }
  }
  let score = nameScore;
  for (const identifier of party.identifiers) {
    const listed = entry.identifiers.filter((candidate) => candidate.type === identifier.type);
    if (listed.length > 0) {
      score *= identifier.type === 'imo' ? 0.7 : 0.9;
      if (!fields.includes('identifier-mismatch')) fields.push('identifier-mismatch');
    }
  }
  if (party.dateOfBirth !== undefined && entry.datesOfBirth.length > 0) {
    const effect = dateEffect(party.dateOfBirth, entry.datesOfBirth);
    score += effect.raise;
    if (effect.field !== undefined) fields.push(effect.field);
  }
  if (party.countries.size > 0 && entry.countries.length > 0) {
    if (entry.countries.some((country) => party.countries.has(country))) {
      score += 0.02;
      fields.push('country');
    } else {
      score -= 0.1;
      fields.push('country-mismatch');
    }
  }
  if (party.kind !== undefined && party.kind !== entry.kind) {
    score -= 0.1;
    fields.push('kind-mismatch');
  }
  return { score: Math.min(1, Math.max(0, score)), fields };
}
