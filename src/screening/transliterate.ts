/**
 * Cyrillic (and Greek) to Latin transliteration, in the systems a Russian name is found written in:
 *
 * - `icao`: ICAO Doc 9303 Part 3, used in Russian foreign passports since 2013 (FMS order №320):
 *   Й→I, Х→KH, Ц→TS, Щ→SHCH, Ъ→IE, Ю→IU, Я→IA, Ь dropped. "Юрий Щукин" → "iurii shchukin".
 * - `bgn`: BGN/PCGN 1947 (US and UK government usage, and so the US and UK sanctions lists):
 *   Е→YE word-initially and after a vowel, Ъ or Ь; Й→Y, Ю→YU, Я→YA. "Юрий" → "yuriy".
 * - `gost`: GOST 7.79-2000 System B: Ё→YO, Й→J, Х→X, Ц→CZ (C before i, e, y, j), Щ→SHH; the
 *   apostrophe-like marks (Ъ→``, Ы→Y`, Э→E`) lose their marks here. "Юрий Щукин" → "yurij shhukin".
 * - `common`: not a standard, but how names come back from Cyrillic in trade documents and the
 *   English-language press, and how foreign names are written in Cyrillic: ИЙ/ЫЙ at a word's end
 *   → Y ("Dmitry"), КС → X ("Alexander"), ДЖ → J ("Джон" → "jon"), Х → H ("Хассан" →
 *   "hassan"; the standards' KH covers "Mikhail"), Ё→YO, Й→Y, Ю→YU, Я→YA.
 *
 * Every variant of a name is indexed, so a name written in any of these systems, or in Cyrillic,
 * meets the others. Input is lower case (the normaliser lowercases first); characters outside
 * the Cyrillic and Greek blocks pass unchanged.
 */

export const SYSTEMS = ['icao', 'bgn', 'gost', 'common'] as const;
export type TransliterationSystem = (typeof SYSTEMS)[number];

/** The letters every system writes the same way. */
const SHARED: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  ч: 'ch',
  ш: 'sh',
  ы: 'y',
  ь: '',
  ъ: '',
  э: 'e',
  // Ukrainian and Belarusian letters found in names on the lists.
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
};

const TABLES: Record<TransliterationSystem, Record<string, string>> = {
  icao: { ...SHARED, ё: 'e', й: 'i', х: 'kh', ц: 'ts', щ: 'shch', ъ: 'ie', ю: 'iu', я: 'ia' },
  bgn: { ...SHARED, ё: 'e', й: 'y', х: 'kh', ц: 'ts', щ: 'shch', ю: 'yu', я: 'ya' },
  gost: { ...SHARED, ё: 'yo', й: 'j', х: 'x', ц: 'cz', щ: 'shh', ю: 'yu', я: 'ya' },
  common: { ...SHARED, ё: 'yo', й: 'y', х: 'h', ц: 'ts', щ: 'shch', ю: 'yu', я: 'ya' },
};

const VOWELS = new Set('аеёиоуыэюяіїє');
const isCyrillicLetter = (ch: string | undefined): boolean =>
  ch !== undefined && ch >= '\u0400' && ch <= '\u04ff';

/** True when the text has at least one Cyrillic letter. */
export function hasCyrillic(text: string): boolean {
  return /[\u0400-\u04ff]/.test(text);
}

/** True when the text has at least one Greek letter. */
export function hasGreek(text: string): boolean {
  return /[\u0370-\u03ff\u1f00-\u1fff]/.test(text);
}

/** Lower-case Cyrillic text written in Latin letters by one system. */
export function transliterateCyrillic(text: string, system: TransliterationSystem): string {
  const table = TABLES[system];
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const before = text[i - 1];
    const after = text[i + 1];
    if (!isCyrillicLetter(ch)) {
      out += ch;
      continue;
    }
    if (system === 'bgn' && ch === 'е') {
      const initial = !isCyrillicLetter(before);
      out +=
        initial || VOWELS.has(before as string) || before === 'ъ' || before === 'ь' ? 'ye' : 'e';
      continue;
    }
    if (system === 'gost' && ch === 'ц') {
      out += after === 'и' || after === 'е' || after === 'ы' || after === 'й' ? 'c' : 'cz';
      continue;
    }
    if (system === 'common') {
      const end = !isCyrillicLetter(text[i + 2]);
      if ((ch === 'и' || ch === 'ы') && after === 'й' && end) {
        out += 'y';
        i++;
        continue;
      }
      if (ch === 'к' && after === 'с') {
        out += 'x';
        i++;
        continue;
      }
      if (ch === 'д' && after === 'ж') {
        out += 'j';
        i++;
        continue;
      }
    }
    out += table[ch] ?? ch;
  }
  return out;
}

/** Greek letters (lower case, accents already removed or not) in ELOT 743 / ISO 843 type 2 form. */
const GREEK: Record<string, string> = {
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
};

/** Greek text in Latin letters (ELOT 743): "αλέξανδρος" → "alexandros", "ου" → "ou". */
export function transliterateGreek(text: string): string {
  const bare = text.normalize('NFD').replace(/\p{M}/gu, '');
  let out = '';
  for (const ch of bare) out += GREEK[ch] ?? ch;
  return out;
}
