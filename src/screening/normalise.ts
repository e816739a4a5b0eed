/**
 * Names into comparable tokens. One pipeline for list names (at load) and for screened names (at
 * each query), so that both sides are prepared alike:
 *
 * 1. "SURNAME, Given Names" is read as "Given Names SURNAME" (persons only: a comma in a company
 *    name is punctuation);
 * 2. NFC and lower case; Russian legal-form phrases ("общество с ограниченной ответственностью")
 *    become their abbreviation (ООО) so the next steps drop them;
 * 3. Cyrillic is transliterated in each system of transliterate.ts (one form each), Greek in
 *    ELOT 743;
 * 4. NFD and combining marks dropped (é→e, ü→u), a few letters that do not decompose (ß, æ, ø, ł,
 *    đ, ı) spelled out, apostrophes dropped inside words (O'Neil → oneil), W written V and PH
 *    written F (Wagner/Vagner, Pheap/Feap), and the spellings in which the transliterations of
 *    Russian names differ most folded to BGN/PCGN's: IU → YU, IA → YA, and a final II, IJ → IY,
 *    YJ → YY ("Iurii", ICAO in Russian passports, and "Yurij", GOST, both become "yuriy", as the
 *    US and UK lists write it); these folds apply to both sides, so equal names stay equal; hyphens
 *    and every other punctuation mark become spaces;
 * 5. legal-form words and phrases (LLC, OOO, AO, PJSC, ZAO, Ltd, Pvt, Private Limited, JSC, Inc,
 *    Co, Corp, GmbH, S.A. …, in either script since Cyrillic ones are Latin by now) and a few
 *    English stopwords (of, the, and) are dropped, unless nothing else would be left.
 *
 * The result is the set of distinct token lists: one for a Latin name, up to four for a Cyrillic one;
 * at most MAX_TOKENS tokens each.
 */
import { jaroWinkler } from './jaro-winkler.js';
import {
  hasCyrillic,
  hasGreek,
  SYSTEMS,
  transliterateCyrillic,
  transliterateGreek,
} from './transliterate.js';

/** Whole Russian phrases of legal forms, replaced by their abbreviation before transliteration. */
const RUSSIAN_LEGAL_PHRASES: readonly (readonly [RegExp, string])[] = [
  [/общество\s+с\s+ограниченной\s+ответственностью/gu, ' ооо '],
  [/публичное\s+акционерное\s+общество/gu, ' пао '],
  [/закрытое\s+акционерное\s+общество/gu, ' зао '],
  [/открытое\s+акционерное\s+общество/gu, ' оао '],
  [/непубличное\s+акционерное\s+общество/gu, ' ао '],
  [/акционерное\s+общество/gu, ' ао '],
  [/индивидуальный\s+предприниматель/gu, ' ип '],
];

/** Single tokens that only say what legal form an organisation has. */
const LEGAL_FORMS = new Set([
  // Russian (already transliterated: ООО, АО, ПАО, ЗАО, ОАО, НАО, ИП, ТОО) and their English forms.
  'ooo',
  'ao',
  'pao',
  'zao',
  'oao',
  'nao',
  'ip',
  'too',
  'jsc',
  'pjsc',
  'ojsc',
  'cjsc',
  'ojsc',
  'llc',
  'ltd',
  'limited',
  'pvt',
  'inc',
  'incorporated',
  'co',
  'corp',
  'corporation',
  'company',
  'plc',
  'llp',
  'lp',
  'gmbh',
  'ag',
  'kg',
  'sa',
  'sarl',
  'sas',
  'srl',
  'spa',
  'bv',
  'nv',
  'pte',
  'bhd',
  'sdn',
  'fze',
  'fzco',
  'fzc',
  'fzllc',
  'tov',
  'kft',
  // English legal forms as Russian documents write them in Cyrillic (ЛЛК, Инк., Корп., ГмбХ).
  'llk',
  'ink',
  'korp',
  'gmbkh',
  'gmbx',
  'ko',
  'cv',
  'ood',
  'eood',
]);

/**
 * Longer legal-form words, dropped also when misspelt or transliterated (Jaro–Winkler ≥ 0.9:
 * "limitde", "compani", "kompany", "лимитед" → "limited").
 */
const FUZZY_LEGAL_FORMS = [
  'limited',
  'company',
  'corp',
  'corporation',
  'incorporated',
  'kompaniya',
  'obshchestvo',
  'aktsionernoe',
  'ogranichennoi',
  'otvetstvennostiu',
];

/**
 * Multi-token legal forms (after punctuation became spaces). Longest first. Tokens of five letters
 * or more match when spelt nearly alike (Jaro–Winkler ≥ 0.88), so the Russian forms match in every
 * transliteration ("ogranichennoi", "ogranichennoy", "ogranichennoj") and misspelt.
 */
const LEGAL_PHRASES: readonly (readonly string[])[] = [
  ['obshchestvo', 's', 'ogranichennoi', 'otvetstvennostiu'],
  ['publichnoe', 'aktsionernoe', 'obshchestvo'],
  ['zakrytoe', 'aktsionernoe', 'obshchestvo'],
  ['otkrytoe', 'aktsionernoe', 'obshchestvo'],
  ['aktsionernoe', 'obshchestvo'],
  ['public', 'joint', 'stock', 'company'],
  ['closed', 'joint', 'stock', 'company'],
  ['open', 'joint', 'stock', 'company'],
  ['limited', 'liability', 'company'],
  ['limited', 'liability', 'partnership'],
  ['public', 'limited', 'company'],
  ['joint', 'stock', 'company'],
  ['private', 'limited'],
  ['pvt', 'ltd'],
  ['s', 'de', 'r', 'l', 'de', 'c', 'v'],
  ['s', 'a', 'de', 'c', 'v'],
  ['s', 'a', 'de', 'k', 'v'],
  ['sa', 'de', 'cv'],
  ['s', 'de', 'r', 'l'],
  ['de', 'r', 'l'],
  ['de', 'c', 'v'],
  ['de', 'k', 'v'],
  ['l', 'l', 'c'],
  ['s', 'a', 'r', 'l'],
  ['s', 'r', 'l'],
  ['s', 'p', 'a'],
  ['s', 'a'],
  ['b', 'v'],
  ['n', 'v'],
];

const STOPWORDS = new Set(['of', 'the', 'and', 'de', 'del', 'des', 'du']);

/** Tokens of a name beyond this many are ignored (no list name has as many). */
export const MAX_TOKENS = 24;

const SPELLED: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** "POPOV, Dimitri Igorevich" → "Dimitri Igorevich POPOV"; any other text unchanged. */
export function reorderSurnameFirst(text: string): string {
  const parts = text.split(',');
  if (parts.length !== 2) return text;
  const [surname, given] = parts.map((part) => part.trim()) as [string, string];
  return surname === '' || given === '' ? text : `${given} ${surname}`;
}

/** Latin (or already transliterated) lower-case text → tokens, marks and punctuation removed. */
function latinTokens(text: string): string[] {
  const bare = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđðþı]/gu, (ch) => SPELLED[ch] ?? ch)
    .replace(/(\p{L})['’ʼ`ʻ‘](?=\p{L})/gu, '$1')
    .replace(/w/g, 'v')
    .replace(/ph/g, 'f')
    .replace(/i([ua])/g, 'y$1')
    .replace(/[iy][ij]\b/g, (ending) => (ending[0] === 'i' ? 'iy' : 'yy'))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return bare === '' ? [] : bare.split(' ');
}

function alike(token: string | undefined, word: string, similarity: number): boolean {
  if (token === undefined) return false;
  if (token === word) return true;
  const first = token[0] === word[0] || (token[0] === 'k' && word[0] === 'c');
  return first && word.length >= 4 && token.length >= 4 && jaroWinkler(token, word) >= similarity;
}

function startsAt(tokens: readonly string[], at: number, phrase: readonly string[]): boolean {
  for (let k = 0; k < phrase.length; k++)
    if (!alike(tokens[at + k], phrase[k] as string, 0.88)) return false;
  return true;
}

function isLegalForm(token: string): boolean {
  return (
    LEGAL_FORMS.has(token) ||
    (token.length >= 4 && FUZZY_LEGAL_FORMS.some((word) => alike(token, word, 0.9)))
  );
}

/** Drops legal-form words and phrases and stopwords; keeps the tokens when nothing else is left. */
export function dropLegalForms(tokens: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < tokens.length;) {
    const phrase = LEGAL_PHRASES.find((candidate) => startsAt(tokens, i, candidate));
    if (phrase !== undefined) {
      i += phrase.length;
      continue;
    }
    const token = tokens[i] as string;
    if (!isLegalForm(token) && !STOPWORDS.has(token)) kept.push(token);
    i++;
  }
  return kept.length === 0 ? [...tokens] : kept;
}

/** Options of {@link nameForms}. */
export interface NameFormOptions {
  /** Read "SURNAME, Given" as "Given SURNAME" (for persons). */
  readonly surnameFirst?: boolean;
  /**
   * Single letters in a row are an acronym, one token ("A.W.A. Engineering" → "awa engineering",
   * "B S Company" → "bs"), not initials: for names that are not persons'. `both` gives the two
   * forms (for a screened name of unknown kind).
   */
  readonly acronyms?: boolean | 'both';
}

/**
 * A name that is not a person's, of several tokens and at most this many letters, also gives the
 * form of its tokens written together: registration marks and short codes ("EP-IRT", "GP-23",
 * "VP-CSP") are mistyped across their hyphens.
 */
const SHORT_NAME = 8;

/** Consecutive one-letter tokens joined into one. */
function joinAcronyms(tokens: readonly string[]): string[] {
  const joined: string[] = [];
  let run = '';
  for (const token of tokens) {
    if (token.length === 1) {
      run += token;
      continue;
    }
    if (run !== '') joined.push(run);
    run = '';
    joined.push(token);
  }
  if (run !== '') joined.push(run);
  return joined;
}

/** The distinct token lists a name normalises to (see the file's comment); [] for a name of no letters. */
export function nameForms(name: string, options: NameFormOptions = {}): string[][] {
  let text = (options.surnameFirst === true ? reorderSurnameFirst(name) : name)
    .normalize('NFC')
    .toLowerCase();
  const scripts: string[] = [];
  if (hasCyrillic(text)) {
    for (const [phrase, abbreviation] of RUSSIAN_LEGAL_PHRASES)
      text = text.replace(phrase, abbreviation);
    for (const system of SYSTEMS) scripts.push(transliterateCyrillic(text, system));
  } else if (hasGreek(text)) {
    scripts.push(transliterateGreek(text));
  } else {
    scripts.push(text);
  }
  const seen = new Set<string>();
  const forms: string[][] = [];
  for (const latin of scripts) {
    const tokens = dropLegalForms(latinTokens(latin)).slice(0, MAX_TOKENS);
    const variants =
      options.acronyms === 'both'
        ? [tokens, joinAcronyms(tokens)]
        : options.acronyms === true
          ? [joinAcronyms(tokens)]
          : [tokens];
    const joined = tokens.join('');
    if (
      options.acronyms !== false &&
      options.acronyms !== undefined &&
      tokens.length > 1 &&
      joined.length <= SHORT_NAME
    )
      variants.push([joined]);
    for (const variant of variants) {
      const key = variant.join(' ');
      if (variant.length === 0 || seen.has(key)) continue;
      seen.add(key);
      forms.push(variant);
    }
  }
  return forms;
}
