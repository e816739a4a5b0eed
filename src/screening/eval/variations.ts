/**
 * The variations the evaluation applies to list names to make true matches: the ways a listed
 * name arrives in a trade document or payment spelled otherwise. Each takes a name and a random
 * source and gives the varied name, or undefined when it does not apply to that name.
 */

/** A seeded pseudo-random source (mulberry32): the same seed, the same evaluation set. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

const words = (name: string) => name.split(/\s+/).filter((word) => word !== '');

/**
 * Latin to Cyrillic, the way a Russian clerk writes a foreign or Russian name heard or read in
 * Latin letters (multi-letter sounds first: shch, kh, ts, ch, sh, zh, yu, ya, yo, ye).
 */
export function toCyrillic(name: string): string {
  const rules: readonly (readonly [RegExp, string])[] = [
    [/shch/g, 'щ'],
    [/iy\b/g, 'ий'],
    [/yy\b/g, 'ый'],
    [/kh/g, 'х'],
    [/ts/g, 'ц'],
    [/ch/g, 'ч'],
    [/sh/g, 'ш'],
    [/zh/g, 'ж'],
    [/yu/g, 'ю'],
    [/ya/g, 'я'],
    [/yo/g, 'ё'],
    [/\bye/g, 'е'],
    [/\be/g, 'э'],
    [/([aeiou])y/g, '$1й'],
    [/x/g, 'кс'],
    [/j/g, 'дж'],
    [/ph/g, 'ф'],
  ];
  const single: Record<string, string> = {
    a: 'а',
    b: 'б',
    c: 'к',
    d: 'д',
    e: 'е',
    f: 'ф',
    g: 'г',
    h: 'х',
    i: 'и',
    k: 'к',
    l: 'л',
    m: 'м',
    n: 'н',
    o: 'о',
    p: 'п',
    q: 'к',
    r: 'р',
    s: 'с',
    t: 'т',
    u: 'у',
    v: 'в',
    w: 'в',
    y: 'ы',
    z: 'з',
  };
  let text = name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]/g, '');
  for (const [pattern, replacement] of rules) text = text.replace(pattern, replacement);
  text = text.replace(/[a-z]/g, (letter) => single[letter] ?? letter);
  // Capitalised words, as written.
  return text.replace(
    /(^|[\s-])(\p{L})/gu,
    (_, space: string, letter: string) => space + letter.toUpperCase(),
  );
}

/** Spelling variants two Latin transliterations of one name differ by. */
const SPELLINGS: readonly (readonly [RegExp, string])[] = [
  [/ks/gi, 'x'],
  [/x/gi, 'ks'],
  [/iy\b/gi, 'y'],
  [/y\b/gi, 'i'],
  [/yu/gi, 'iu'],
  [/ya/gi, 'ia'],
  [/kh/gi, 'h'],
  [/ou/gi, 'u'],
  [/ee/gi, 'i'],
  [/ph/gi, 'f'],
  [/dh/gi, 'd'],
  [/aa/gi, 'a'],
  [/oo/gi, 'u'],
  [/w/gi, 'v'],
  [/q/gi, 'k'],
  [/mohammed|muhammad|mohamed/gi, 'mohammad'],
  [/ei\b/gi, 'ey'],
];

const LEGAL_WORDS =
  /\b(LLC|L\.L\.C\.|LTD\.?|LIMITED|INC\.?|CO\.|CORP\.?|COMPANY|S\.A\.|SA|GMBH|JSC|PJSC|OOO|AO|OJSC|CJSC|PVT)(?=\s|$|,)/gi;

/** The variations, by name. */
export const VARIATIONS: Record<string, (name: string, next: () => number) => string | undefined> =
  {
    /** As listed, in another case. */
    case: (name) =>
      name
        .toLowerCase()
        .replace(/(^|\s)(\p{L})/gu, (_, s: string, l: string) => s + l.toUpperCase()),
    /** Tokens in another order. */
    reorder: (name, next) => {
      const parts = words(name);
      if (parts.length < 2) return undefined;
      const shift = 1 + Math.floor(next() * (parts.length - 1));
      return [...parts.slice(shift), ...parts.slice(0, shift)].join(' ');
    },
    /** A middle name (or patronymic) left out. */
    'drop-middle': (name, next) => {
      const parts = words(name);
      if (parts.length < 3) return undefined;
      const drop = 1 + Math.floor(next() * (parts.length - 2));
      return parts.filter((_, index) => index !== drop).join(' ');
    },
    /** One typing error in a word of five letters or more: a letter changed, dropped, doubled, or two swapped. */
    typo: (name, next) => {
      const parts = words(name);
      const long = parts
        .map((part, index) => ({ part, index }))
        .filter(({ part }) => part.length >= 5);
      if (long.length === 0) return undefined;
      const { part, index } = pick(next, long);
      const at = 1 + Math.floor(next() * (part.length - 2));
      const kind = Math.floor(next() * 4);
      let typed: string;
      if (kind === 0)
        typed = part.slice(0, at) + pick(next, [...'aeiourstnlkm']) + part.slice(at + 1);
      else if (kind === 1) typed = part.slice(0, at) + part.slice(at + 1);
      else if (kind === 2) typed = part.slice(0, at) + (part[at] as string) + part.slice(at);
      else
        typed =
          part.slice(0, at) + (part[at + 1] ?? '') + (part[at] as string) + part.slice(at + 2);
      if (typed === part) return undefined;
      return parts.map((word, position) => (position === index ? typed : word)).join(' ');
    },
    /** The legal form left out, or one added. */
    'legal-form': (name, next) => {
      const without = name
        .replace(LEGAL_WORDS, '')
        .replace(/\s*,\s*(?=,|$)/g, '')
        .replace(/\s+/g, ' ')
        .trim();
      if (without !== name.trim() && without !== '') return without;
      return `${name} ${pick(next, ['LLC', 'Ltd', 'Limited', 'JSC', 'Pvt Ltd', 'OOO'])}`;
    },
    /** The first given name as an initial. */
    initials: (name, next) => {
      const parts = words(name);
      if (parts.length < 3) return undefined;
      const at = next() < 0.5 ? 0 : 1;
      return parts.map((part, index) => (index === at ? `${part[0] as string}.` : part)).join(' ');
    },
    /** Written in Cyrillic. */
    cyrillic: (name) => (/[a-z]/i.test(name) ? toCyrillic(name) : undefined),
    /** Another Latin spelling of the same sounds. */
    spelling: (name, next) => {
      const applicable = SPELLINGS.filter(([pattern]) => {
        pattern.lastIndex = 0;
        return pattern.test(name);
      });
      if (applicable.length === 0) return undefined;
      const [pattern, replacement] = pick(next, applicable);
      pattern.lastIndex = 0;
      const varied = name.replace(pattern, replacement);
      return varied === name ? undefined : varied;
    },
    /** Hyphens and apostrophes as spaces or left out. */
    punctuation: (name) => {
      if (!/[-'’.]/.test(name)) return undefined;
      return name.replace(/-/g, ' ').replace(/['’.]/g, '');
    },
  };
