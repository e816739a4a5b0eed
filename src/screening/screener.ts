/**
 * The screener: snapshots indexed once, then any number of parties screened against them.
 *
 * Index: every name of every entry (primary, aliases, original script) in every normalised form
 * (normalise.ts: up to four transliterations of a Cyrillic name) is a list name; its tokens go into
 * an inverted index (token → list names). The distinct tokens (the vocabulary) are indexed by
 * their character bigrams, their first two letters, their first letter and their one-letter
 * deletions.
 *
 * Screening one name: each token of each of its forms is looked up in the vocabulary. Compared
 * with it (score.ts) are: the tokens within one edit (a deletion neighbourhood: a letter left
 * out, added, changed, two swapped), the tokens of its first two letters and a similar length,
 * for tokens of five letters or more those sharing a third of its bigrams, the initial it begins with,
 * and, for a one-letter token, every token it is the initial of. When none of these is similar
 * enough, every token of the same first letter is compared (the recall-safe fallback: a typo
 * far from anything indexed). Look-ups are kept for the next screenings.
 * The list names those tokens lead to are the candidates. For each candidate the best similarity
 * of each query token is known from the lookup, which bounds its name score from above; only
 * candidates whose bound can still reach the lowest threshold are scored in full (score.ts). An
 * entry's name score is that of its best name (a weak alias's scaled by `weakAliasFactor`); the
 * features (features.ts) give the final score; a hit is a score at or above the list's threshold.
 * Candidates are read only from the postings of the query's rarest tokens that the bound allows
 * (see candidates()).
 *
 * `exhaustive: true` scores every list name instead, for tests and the evaluation to check that the
 * index loses nothing.
 */
import { countryKey } from './countries.js';
import { ScreeningInputError } from './errors.js';
import { applyFeatures, identifierKey, maxRaise, type PartyFeatures } from './features.js';
import { MAX_TOKENS, nameForms } from './normalise.js';
import {
  bestPairsScore,
  DEFAULT_SCORING,
  nameScore,
  tokenSimilarity,
  type ScoringParameters,
} from './score.js';
import type {
  Hit,
  IdentifierType,
  ListEntry,
  ListFormat,
  MatchedField,
  NameQuality,
  Party,
  Snapshot,
} from './types.js';

export interface ScreenerOptions {
  /** Threshold for every list without its own (default DEFAULT_THRESHOLD). */
  readonly threshold?: number;
  /** Thresholds per list format. */
  readonly thresholds?: Partial<Record<ListFormat, number>>;
  /** The most hits one screening returns, best first (default 20). */
  readonly limit?: number;
  /** Score every list name, without the index (slow; for checking the index). */
  readonly exhaustive?: boolean;
  readonly scoring?: Partial<ScoringParameters>;
  /** Factor on the name score of a weak alias (default 0.8: alone it never reaches a threshold). */
  readonly weakAliasFactor?: number;
}

/** The threshold chosen on the tuning half of the evaluation set (docs/compliance.md). */
export const DEFAULT_THRESHOLD = 0.885;

/** Longest name (or alias) accepted, in characters; most aliases a party may have. */
export const MAX_NAME_LENGTH = 300;
export const MAX_ALIASES = 20;

const IDENTIFIER_TYPES: readonly IdentifierType[] = ['imo', 'passport', 'national-id'];

/** Vocabulary tokens similar to a query token: token id → similarity. */
type TokenMatches = ReadonlyMap<number, number>;

/** Query tokens whose look-ups are kept between screenings. */
const TOKEN_CACHE = 50_000;

interface ListName {
  readonly entry: number;
  readonly tokens: readonly string[];
  /** The tokens' vocabulary ids. */
  readonly ids: Int32Array;
  readonly text: string;
  readonly quality: NameQuality;
}

interface IndexedEntry {
  readonly snapshot: Snapshot;
  readonly entry: ListEntry;
}

interface Best {
  score: number;
  name: number;
  queryName: string;
}

const QUALITY_FIELD: Record<NameQuality, MatchedField> = {
  primary: 'name',
  strong: 'alias',
  weak: 'weak-alias',
  'original-script': 'original-script',
};

/** A party checked and prepared: its names' forms and its features. */
export interface PreparedParty {
  readonly name: string;
  readonly forms: readonly { readonly tokens: readonly string[]; readonly text: string }[];
  readonly features: PartyFeatures;
}

function checkName(field: string, name: unknown): string {
  if (typeof name !== 'string') throw new ScreeningInputError(field, 'must be a string');
  if (name.trim() === '') throw new ScreeningInputError(field, 'is empty');
  if (name.length > MAX_NAME_LENGTH)
    throw new ScreeningInputError(field, `is longer than ${MAX_NAME_LENGTH} characters`);
  if (/[\p{Cc}\p{Cs}]/u.test(name))
    throw new ScreeningInputError(field, 'contains a control character');
  return name;
}

function parseDate(text: string): { year: number; month?: number; day?: number } {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
  if (match === null)
    throw new ScreeningInputError('dateOfBirth', 'must be YYYY, YYYY-MM or YYYY-MM-DD');
  const year = Number(match[1]);
  const month = match[2] === undefined ? undefined : Number(match[2]);
  const day = match[3] === undefined ? undefined : Number(match[3]);
  if (month !== undefined && (month < 1 || month > 12))
    throw new ScreeningInputError('dateOfBirth', `has no month ${month}`);
  if (month !== undefined && day !== undefined) {
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCDate() !== day)
      throw new ScreeningInputError('dateOfBirth', `${text} is not a date`);
  }
  return { year, ...(month === undefined ? {} : { month }), ...(day === undefined ? {} : { day }) };
}

/** Checks a party (ScreeningInputError naming the field) and prepares its names and features. */
export function prepareParty(party: Party): PreparedParty {
  const names = [checkName('name', party.name)];
  const aliases = party.aliases ?? [];
  if (aliases.length > MAX_ALIASES)
    throw new ScreeningInputError('aliases', `has more than ${MAX_ALIASES} names`);
  aliases.forEach((alias, index) => names.push(checkName(`aliases[${index}]`, alias)));
  const forms: { tokens: string[]; text: string }[] = [];
  names.forEach((name, index) => {
    const found = nameForms(name, {
      surnameFirst: true,
      acronyms: party.kind === undefined ? 'both' : party.kind !== 'person',
    });
    if (found.length === 0)
      throw new ScreeningInputError(
        index === 0 ? 'name' : `aliases[${index - 1}]`,
        'has no letters or digits',
      );
    for (const tokens of found) forms.push({ tokens, text: name });
  });
  const countries = new Set<string>();
  (party.countries ?? []).forEach((country, index) => {
    const key = typeof country === 'string' ? countryKey(country) : undefined;
    if (key === undefined || country.length > 100)
      throw new ScreeningInputError(`countries[${index}]`, 'is not a country code or name');
    countries.add(key);
  });
  (party.identifiers ?? []).forEach((identifier, index) => {
    if (!IDENTIFIER_TYPES.includes(identifier.type))
      throw new ScreeningInputError(
        `identifiers[${index}].type`,
        `must be one of ${IDENTIFIER_TYPES.join(', ')}`,
      );
    const key = identifierKey(identifier.type, identifier.value);
    if (key === '' || key.length > 64)
      throw new ScreeningInputError(
        `identifiers[${index}].value`,
        'must have 1 to 64 letters or digits',
      );
    if (identifier.type === 'imo' && !/^\d{7}$/.test(key))
      throw new ScreeningInputError(`identifiers[${index}].value`, 'an IMO number has 7 digits');
  });
  const identifiers = (party.identifiers ?? []).map((identifier) => {
    const country = identifier.country === undefined ? undefined : countryKey(identifier.country);
    return {
      type: identifier.type,
      value: identifier.value,
      ...(country === undefined ? {} : { country }),
    };
  });
  const features: PartyFeatures = {
    countries,
    identifiers,
    ...(party.dateOfBirth === undefined ? {} : { dateOfBirth: parseDate(party.dateOfBirth) }),
    ...(party.kind === undefined ? {} : { kind: party.kind }),
  };
  return { name: party.name, forms, features };
}

export class Screener {
  readonly snapshots: readonly Snapshot[];
  private readonly scoring: ScoringParameters;
  private readonly thresholds: Partial<Record<ListFormat, number>>;
  private readonly defaultThreshold: number;
  private readonly lowestThreshold: number;
  private readonly limit: number;
  private readonly exhaustive: boolean;
  private readonly weakAliasFactor: number;

  private readonly entries: IndexedEntry[] = [];
  private readonly names: ListName[] = [];
  private readonly vocabulary: string[] = [];
  private readonly tokenIds = new Map<string, number>();
  private readonly postings: Int32Array[] = [];
  private readonly byBigram = new Map<number, Int32Array>();
  private readonly byInitial = new Map<number, Int32Array>();
  private readonly byPrefix = new Map<number, Int32Array>();
  private readonly byIdentifier = new Map<string, number[]>();
  private readonly byDeletion = new Map<string, number[]>();
  private readonly tokenCache = new Map<string, TokenMatches>();
  /** How many query tokens took the fallback (for the benchmark). */
  fallbacks = 0;

  // Scratch space of one screening.
  private readonly tokenCounts: Int32Array;
  private readonly stamps: Int32Array;
  private readonly pairScratch = new Float64Array(MAX_TOKENS * MAX_TOKENS);
  private readonly columnScratch = new Float64Array(MAX_TOKENS);
  private readonly denseSimilarity: Float64Array;
  private stamp = 0;

  constructor(snapshots: readonly Snapshot[], options: ScreenerOptions = {}) {
    this.snapshots = snapshots;
    this.scoring = { ...DEFAULT_SCORING, ...options.scoring };
    this.thresholds = options.thresholds ?? {};
    this.defaultThreshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.lowestThreshold = Math.min(this.defaultThreshold, ...Object.values(this.thresholds));
    this.limit = options.limit ?? 20;
    this.exhaustive = options.exhaustive ?? false;
    this.weakAliasFactor = options.weakAliasFactor ?? 0.8;

    const postings: number[][] = [];
    for (const snapshot of snapshots) {
      for (const entry of snapshot.entries) {
        const entryIndex = this.entries.length;
        this.entries.push({ snapshot, entry });
        for (const identifier of entry.identifiers) {
          const key = `${identifier.type}:${identifierKey(identifier.type, identifier.value)}`;
          const list = this.byIdentifier.get(key);
          if (list === undefined) this.byIdentifier.set(key, [entryIndex]);
          else if (list.at(-1) !== entryIndex) list.push(entryIndex);
        }
        for (const name of entry.names) {
          const person = entry.kind === 'person';
          for (const tokens of nameForms(name.name, { surnameFirst: person, acronyms: !person })) {
            const nameIndex = this.names.length;
            const ids = new Int32Array(tokens.length);
            tokens.forEach((token, position) => {
              let id = this.tokenIds.get(token);
              if (id === undefined) {
                id = this.vocabulary.length;
                this.tokenIds.set(token, id);
                this.vocabulary.push(token);
                postings.push([]);
              }
              ids[position] = id;
              const list = postings[id] as number[];
              if (list.at(-1) !== nameIndex) list.push(nameIndex);
            });
            this.names.push({
              entry: entryIndex,
              tokens,
              ids,
              text: name.name,
              quality: name.quality,
            });
          }
        }
      }
    }
    for (const list of postings) this.postings.push(Int32Array.from(list));
    const bigrams = new Map<number, number[]>();
    const initials = new Map<number, number[]>();
    const prefixes = new Map<number, number[]>();
    const add = (map: Map<number, number[]>, key: number, id: number) => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [id]);
      else list.push(id);
    };
    this.vocabulary.forEach((token, id) => {
      add(initials, token.charCodeAt(0), id);
      if (token.length > 1) add(prefixes, bigramsOf(token)[0] as number, id);
      for (const variant of [token, ...deletionsOf(token)]) {
        const list = this.byDeletion.get(variant);
        if (list === undefined) this.byDeletion.set(variant, [id]);
        else if (list.at(-1) !== id) list.push(id);
      }
      for (const bigram of new Set(bigramsOf(token))) {
        const list = bigrams.get(bigram);
        if (list === undefined) bigrams.set(bigram, [id]);
        else list.push(id);
      }
    });
    for (const [key, list] of bigrams) this.byBigram.set(key, Int32Array.from(list));
    for (const [key, list] of initials) this.byInitial.set(key, Int32Array.from(list));
    for (const [key, list] of prefixes) this.byPrefix.set(key, Int32Array.from(list));
    this.tokenCounts = new Int32Array(this.vocabulary.length);
    this.stamps = new Int32Array(this.names.length);
    this.denseSimilarity = new Float64Array(this.vocabulary.length * MAX_TOKENS);
  }

  /** Numbers of the index, for the benchmark and docs. */
  get size(): { entries: number; names: number; tokens: number } {
    return {
      entries: this.entries.length,
      names: this.names.length,
      tokens: this.vocabulary.length,
    };
  }

  thresholdOf(format: ListFormat): number {
    return this.thresholds[format] ?? this.defaultThreshold;
  }

  /**
   * The vocabulary tokens a query token pairs with, and their similarity (see the file's comment).
   * `exhaustive` compares it with the whole vocabulary instead (tests measure what the index
   * misses that way). Results are kept for the next screenings, up to TOKEN_CACHE tokens.
   */
  similarTokens(token: string, exhaustive = false): TokenMatches {
    if (exhaustive) {
      const found = new Map<number, number>();
      for (let id = 0; id < this.vocabulary.length; id++) this.consider(token, id, found);
      return found;
    }
    const cached = this.tokenCache.get(token);
    if (cached !== undefined) return cached;
    const found = this.lookUp(token);
    if (this.tokenCache.size >= TOKEN_CACHE) this.tokenCache.clear();
    this.tokenCache.set(token, found);
    return found;
  }

  private consider(token: string, id: number, found: Map<number, number>): void {
    const similarity = tokenSimilarity(token, this.vocabulary[id] as string, this.scoring);
    if (similarity > 0) found.set(id, similarity);
  }

  private lookUp(token: string): Map<number, number> {
    const found = new Map<number, number>();
    if (token.length === 1) {
      for (const id of this.byInitial.get(token.charCodeAt(0)) ?? [])
        this.consider(token, id, found);
      return found;
    }
    const marks = this.tokenCounts;
    const seen: number[] = [];
    const visit = (id: number) => {
      if (marks[id] !== 0) return;
      marks[id] = -1;
      seen.push(id);
    };
    const initial = this.tokenIds.get(token[0] as string);
    if (initial !== undefined) visit(initial);
    // Within one edit (a letter left out, added, changed, or two swapped): a token and its
    // one-letter deletions against the vocabulary's.
    for (const variant of [token, ...deletionsOf(token)])
      for (const id of this.byDeletion.get(variant) ?? []) visit(id);
    // Tokens of the same first two letters and a length not far off (Jaro–Winkler's prefix
    // bonus makes most short pairs above the threshold such: doku, dokka).
    const grams = bigramsOf(token);
    for (const id of this.byPrefix.get(grams[0] as number) ?? []) {
      const length = (this.vocabulary[id] as string).length;
      if (length >= token.length - 2 && length <= token.length + 3) visit(id);
    }
    // Longer tokens spelled differently (aleksandr, alexander): a third of their bigrams in common.
    const distinct = [...new Set(grams)];
    if (distinct.length >= 4) {
      const needed = Math.ceil(distinct.length / 3);
      const counted: number[] = [];
      for (const bigram of distinct) {
        for (const id of this.byBigram.get(bigram) ?? []) {
          const count = marks[id] as number;
          if (count < 0) continue;
          if (count === 0) counted.push(id);
          marks[id] = count + 1;
          if (count + 1 === needed) {
            marks[id] = -1;
            seen.push(id);
          }
        }
      }
      for (const id of counted) if ((marks[id] as number) > 0) marks[id] = 0;
    }
    for (const id of seen) {
      this.consider(token, id, found);
      marks[id] = 0;
    }
    if (found.size === 0) {
      // The recall-safe fallback: nothing near in the index, so every vocabulary token of a
      // first letter and length that can still reach the threshold is compared.
      this.fallbacks++;
      for (const id of this.byInitial.get(token.charCodeAt(0)) ?? [])
        this.consider(token, id, found);
    }
    return found;
  }

  /** The hits of a party, best first: at most `limit`, each at or above its list's threshold. */
  screen(party: Party): Hit[] {
    return this.screenPrepared(prepareParty(party));
  }

  /** screen() of a party already checked and prepared (rescreen prepares each party once). */
  screenPrepared(prepared: PreparedParty): Hit[] {
    const best = new Map<number, Best>();
    const floor = this.lowestThreshold - maxRaise(prepared.features);
    const keep = (entry: number, score: number, name: number, queryName: string) => {
      const current = best.get(entry);
      if (current === undefined) best.set(entry, { score, name, queryName });
      else if (score > current.score) {
        current.score = score;
        current.name = name;
        current.queryName = queryName;
      }
    };
    for (const form of prepared.forms) {
      const factorOf = (name: ListName) => (name.quality === 'weak' ? this.weakAliasFactor : 1);
      if (this.exhaustive) {
        this.names.forEach((name, index) => {
          const score = nameScore(form.tokens, name.tokens, this.scoring) * factorOf(name);
          if (score >= floor) keep(name.entry, score, index, form.text);
        });
        continue;
      }
      const tokens = form.tokens;
      const similar = tokens.map((token) => this.similarTokens(token));
      this.candidates(tokens, similar, floor, (index, upper, similarity) => {
        const name = this.names[index] as ListName;
        const factor = factorOf(name);
        if (upper * factor < floor) return;
        const ids = name.ids;
        const score = bestPairsScore(
          tokens.length,
          ids.length,
          (i) => (tokens[i] as string).length,
          (j) => (this.vocabulary[ids[j] as number] as string).length,
          similarity,
          this.scoring.queryWeight,
        );
        keep(name.entry, score * factor, index, form.text);
      });
    }
    const hits: Hit[] = [];
    const scored = new Set<number>();
    for (const [entryIndex, found] of best) {
      scored.add(entryIndex);
      const hit = this.hit(entryIndex, found, prepared.features);
      if (hit !== undefined) hits.push(hit);
    }
    for (const identifier of prepared.features.identifiers) {
      const key = `${identifier.type}:${identifierKey(identifier.type, identifier.value)}`;
      for (const entryIndex of this.byIdentifier.get(key) ?? []) {
        if (scored.has(entryIndex)) continue;
        scored.add(entryIndex);
        const hit = this.hit(
          entryIndex,
          { score: 0, name: -1, queryName: prepared.name },
          prepared.features,
        );
        if (hit !== undefined) hits.push(hit);
      }
    }
    hits.sort((a, b) => b.score - a.score || a.entryId.localeCompare(b.entryId));
    return hits.slice(0, this.limit);
  }

  private hit(entryIndex: number, found: Best, features: PartyFeatures): Hit | undefined {
    const { snapshot, entry } = this.entries[entryIndex] as IndexedEntry;
    const { score, fields } = applyFeatures(found.score, features, entry);
    if (score < this.thresholdOf(snapshot.format)) return undefined;
    const name = this.names[found.name];
    const primary = entry.names[0]?.name ?? '';
    return {
      snapshot: snapshot.id,
      format: snapshot.format,
      entryId: entry.id,
      entryName: primary,
      kind: entry.kind,
      matchedName: name?.text ?? primary,
      queryName: found.queryName,
      score: Math.round(score * 10_000) / 10_000,
      nameScore: Math.round(found.score * 10_000) / 10_000,
      fields: name === undefined ? fields : [QUALITY_FIELD[name.quality], ...fields],
    };
  }

  /**
   * Calls `visit(listName, upperBound, similarity)` for each list name sharing a similar token
   * with `tokens` whose name score can reach `floor`, the lowest threshold less what the party's
   * features can add. `similarity(i, j)` is that of query token i and the name's token j.
   *
   * The bound: the name score is at most queryWeight × Q + (1 − queryWeight) × L, Q the query
   * coverage and L the list coverage (score.ts), each at most what the best similarity of each
   * token gives. With L ≤ 1, a name must cover at least `needed` = (floor − 1 + queryWeight) / queryWeight of
   * the query's length. A name that pairs with none of a set of query tokens weighing more than
   * 1 − needed cannot; so the candidates are read from the postings of such a set only, the query
   * tokens whose similar tokens have the fewest postings first (a rare surname, not "mohammad").
   */
  private candidates(
    tokens: readonly string[],
    similar: readonly TokenMatches[],
    floor: number,
    visit: (name: number, upper: number, similarity: (i: number, j: number) => number) => void,
  ): void {
    const nq = tokens.length;
    let total = 0;
    for (const token of tokens) total += token.length;
    const weight = this.scoring.queryWeight;
    const needed = (floor - 1 + weight) / weight;
    const volume = similar.map((matches) => {
      let sum = 0;
      for (const id of matches.keys()) sum += (this.postings[id] as Int32Array).length;
      return sum;
    });
    const order = tokens
      .map((_, position) => position)
      .sort((a, b) => (volume[a] as number) - (volume[b] as number));
    const read: number[] = [];
    let readWeight = 0;
    for (const position of order) {
      if (needed > 0 && readWeight > (1 - needed) * total + 1e-9) break;
      read.push(position);
      readWeight += (tokens[position] as string).length;
    }
    // The similarities as a dense table (vocabulary id × query position) for the inner loop,
    // cleared again before returning.
    const dense = this.denseSimilarity;
    similar.forEach((matches, i) => {
      for (const [id, value] of matches) dense[id * MAX_TOKENS + i] = value;
    });
    const stamp = ++this.stamp;
    const pairs = this.pairScratch;
    const columns = this.columnScratch;
    const similarity = (i: number, j: number) => pairs[i * MAX_TOKENS + j] as number;
    try {
      for (const position of read) {
        for (const id of (similar[position] as TokenMatches).keys()) {
          for (const name of this.postings[id] as Int32Array) {
            if (this.stamps[name] === stamp) continue;
            this.stamps[name] = stamp;
            const ids = (this.names[name] as ListName).ids;
            let covered = 0;
            columns.fill(0, 0, ids.length);
            for (let i = 0; i < nq; i++) {
              let best = 0;
              for (let j = 0; j < ids.length; j++) {
                const value = dense[(ids[j] as number) * MAX_TOKENS + i] as number;
                pairs[i * MAX_TOKENS + j] = value;
                if (value > best) best = value;
                if (value > (columns[j] as number)) columns[j] = value;
              }
              covered += best * (tokens[i] as string).length;
            }
            // The list coverage is at most each list token's best similarity, by length.
            let listed = 0;
            let listedTotal = 0;
            for (let j = 0; j < ids.length; j++) {
              const length = (this.vocabulary[ids[j] as number] as string).length;
              listed += (columns[j] as number) * length;
              listedTotal += length;
            }
            const upper = (weight * covered) / total + ((1 - weight) * listed) / listedTotal;
            if (upper >= floor) visit(name, upper, similarity);
          }
        }
      }
    } finally {
      similar.forEach((matches, i) => {
        for (const id of matches.keys()) dense[id * MAX_TOKENS + i] = 0;
      });
    }
  }
}

/** The token with one letter left out, each way (for tokens of two letters or more). */
function deletionsOf(token: string): string[] {
  if (token.length < 2) return [];
  const variants: string[] = [];
  for (let i = 0; i < token.length; i++) variants.push(token.slice(0, i) + token.slice(i + 1));
  return variants;
}

function bigramsOf(token: string): number[] {
  const grams: number[] = [];
  for (let i = 0; i + 1 < token.length; i++)
    grams.push(token.charCodeAt(i) * 65_536 + token.charCodeAt(i + 1));
  return grams;
}

/**
 * The name score of two names alone (no list, no index): the best over their normalised forms.
 * For the cross-script pairs of the evaluation and for explaining a score.
 */
export function compareNames(
  a: string,
  b: string,
  scoring: Partial<ScoringParameters> = {},
): number {
  const parameters = { ...DEFAULT_SCORING, ...scoring };
  let best = 0;
  for (const left of nameForms(a, { surnameFirst: true, acronyms: 'both' }))
    for (const right of nameForms(b, { surnameFirst: true, acronyms: 'both' }))
      best = Math.max(best, nameScore(left, right, parameters));
  return best;
}
