/**
 * Jaro–Winkler similarity of two strings (Winkler 1990): the Jaro similarity of their matching
 * characters and transpositions, raised for a common prefix of up to four characters by 0.1 per
 * character when the Jaro similarity is at least 0.7 (the "boost threshold"). 1 for equal strings,
 * 0 when one is empty or nothing matches. Compares UTF-16 code units: names reach it normalised
 * to Latin letters and digits.
 */
const MAX_PREFIX = 4;
const PREFIX_SCALE = 0.1;
const BOOST_THRESHOLD = 0.7;

// Scratch flags reused between calls (the screener compares millions of token pairs).
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > flagsA.length) flagsA = new Uint8Array(la * 2);
  if (lb > flagsB.length) flagsB = new Uint8Array(lb * 2);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    const ch = a.charCodeAt(i);
    for (let j = from; j <= to; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === ch) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[j] === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
    j++;
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
  if (jaro < BOOST_THRESHOLD) return jaro;
  let prefix = 0;
  const limit = Math.min(MAX_PREFIX, la, lb);
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * PREFIX_SCALE * (1 - jaro);
}
