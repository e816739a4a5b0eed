/**
 * The name score: best pairs of tokens by Jaro–Winkler, order-insensitive.
 *
 * Every token of the screened name is paired with at most one token of the list name, greedily
 * from the most similar pair down (ties: longer tokens first). Two tokens are similar when they are
 * equal (1), when one is a single letter that begins the other (an initial: `initialSimilarity`), or
 * when their Jaro–Winkler similarity (× `firstLetterFactor` when their first letters sound
 * different, × `lengthFactor` when one is much shorter: Jaro–Winkler's prefix bonus otherwise
 * pairs "sia" with "shishani" at 0.81) reaches `tokenThreshold` (that similarity); below it they do
 * not pair at all, so that "ivanov" and "ivanenko" (0.88) pair but "petrov" and "pavlov" (0.78)
 * do not add a partial 0.78 to an unrelated name.
 *
 * From the pairs, two coverages, each weighted by token length (a long token says more than a
 * short one, an initial almost nothing):
 * - query coverage Q = Σ similarity × length(query token) / Σ length(query tokens): how much of
 *   the screened name the list name explains;
 * - list coverage L = Σ similarity × length(list token) / Σ length(list tokens): how much of the
 *   list name the screened name explains.
 *
 * score = queryWeight × Q + (1 − queryWeight) × L. A token of the screened name that the list
 * name lacks costs much (a different person), one of the list name that the screened name lacks
 * costs little (a dropped middle name or patronymic): the asymmetry of nomenklatura's logic-v2
 * (unmatched query parts 0.8, result parts 0.2).
 */
import { jaroWinkler } from './jaro-winkler.js';

export interface ScoringParameters {
  /** Jaro–Winkler similarity below which two tokens do not pair. */
  readonly tokenThreshold: number;
  /** Factor on the similarity of tokens whose first letters sound different (see FIRST_CLASS). */
  readonly firstLetterFactor: number;
  /** Factor on the similarity of tokens whose lengths differ more than `lengthRatio` allows. */
  readonly lengthFactor: number;
  /** Shorter length / longer length below which `lengthFactor` applies. */
  readonly lengthRatio: number;
  /** Similarity of an initial to a token it begins. */
  readonly initialSimilarity: number;
  /** Weight of the query coverage; the list coverage has the rest. */
  readonly queryWeight: number;
}

export const DEFAULT_SCORING: ScoringParameters = {
  tokenThreshold: 0.8,
  firstLetterFactor: 0.85,
  lengthFactor: 0.9,
  lengthRatio: 0.75,
  initialSimilarity: 0.9,
  queryWeight: 0.8,
};

/**
 * Classes of first letters that sound alike (after Soundex's groups, with the vowels, Y and J
 * together since transliterations write Ю as iu, yu and ju): tokens starting in different classes
 * ("ali" and "wali") rarely spell one name.
 */
const FIRST_CLASS = new Uint8Array(128);
['aeiouyjh', 'bpfvw', 'cgkqsxz', 'dt', 'l', 'mn', 'r'].forEach((letters, index) => {
  for (const letter of letters) FIRST_CLASS[letter.charCodeAt(0)] = index + 1;
});

function sameFirstClass(a: string, b: string): boolean {
  const x = a.charCodeAt(0);
  const y = b.charCodeAt(0);
  return (
    x === y || (x < 128 && y < 128 && FIRST_CLASS[x] !== 0 && FIRST_CLASS[x] === FIRST_CLASS[y])
  );
}

/** The similarity of two normalised tokens under the rules above (0 when they do not pair). */
export function tokenSimilarity(a: string, b: string, parameters: ScoringParameters): number {
  if (a === b) return 1;
  if (a.length === 1 || b.length === 1) {
    return a.charCodeAt(0) === b.charCodeAt(0) ? parameters.initialSimilarity : 0;
  }
  let similarity = jaroWinkler(a, b);
  if (!sameFirstClass(a, b)) similarity *= parameters.firstLetterFactor;
  if (Math.min(a.length, b.length) < parameters.lengthRatio * Math.max(a.length, b.length))
    similarity *= parameters.lengthFactor;
  return similarity >= parameters.tokenThreshold ? similarity : 0;
}

// Scratch space for the pair search, reused between calls: (similarity, i, j) triples.
const pairs = new Float64Array(3 * 24 * 24);

/**
 * The best-pairs score of `nq` query tokens against `nl` list tokens, given their lengths and the
 * similarity of each pair (0 when they do not pair). At most 24 tokens a side (MAX_TOKENS).
 */
export function bestPairsScore(
  nq: number,
  nl: number,
  queryLength: (i: number) => number,
  listedLength: (j: number) => number,
  similarity: (i: number, j: number) => number,
  queryWeight: number,
): number {
  if (nq === 0 || nl === 0) return 0;
  let count = 0;
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nl; j++) {
      const value = similarity(i, j);
      if (value > 0) {
        pairs[count++] = value;
        pairs[count++] = i;
        pairs[count++] = j;
      }
    }
  }
  if (count === 0) return 0;
  let queryTotal = 0;
  let listedTotal = 0;
  for (let i = 0; i < nq; i++) queryTotal += queryLength(i);
  for (let j = 0; j < nl; j++) listedTotal += listedLength(j);
  let queryCovered = 0;
  let listedCovered = 0;
  let usedQuery = 0;
  let usedListed = 0;
  // Greedy: the most similar pair whose tokens are both still free (ties: the longer pair).
  for (;;) {
    let pick = -1;
    let pickValue = 0;
    let pickLength = 0;
    for (let k = 0; k < count; k += 3) {
      const i = pairs[k + 1] as number;
      const j = pairs[k + 2] as number;
      if (usedQuery & (1 << i) || usedListed & (1 << j)) continue;
      const value = pairs[k] as number;
      if (value < pickValue) continue;
      const length = queryLength(i) + listedLength(j);
      if (value > pickValue || length > pickLength) {
        pick = k;
        pickValue = value;
        pickLength = length;
      }
    }
    if (pick < 0) break;
    const i = pairs[pick + 1] as number;
    const j = pairs[pick + 2] as number;
    usedQuery |= 1 << i;
    usedListed |= 1 << j;
    queryCovered += pickValue * queryLength(i);
    listedCovered += pickValue * listedLength(j);
  }
  return (
    queryWeight * (queryCovered / queryTotal) + (1 - queryWeight) * (listedCovered / listedTotal)
  );
}

/** The best-pairs name score in [0, 1] of a screened name's tokens against a list name's tokens. */
export function nameScore(
  query: readonly string[],
  listed: readonly string[],
  parameters: ScoringParameters = DEFAULT_SCORING,
): number {
  return bestPairsScore(
    query.length,
    listed.length,
    (i) => (query[i] as string).length,
    (j) => (listed[j] as string).length,
    (i, j) => tokenSimilarity(query[i] as string, listed[j] as string, parameters),
    parameters.queryWeight,
  );
}
