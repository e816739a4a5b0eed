/**
 * Writes the labelled evaluation set src/screening/eval/eval-set.csv (run once; the file is
 * committed): `npm run eval:screening:generate`. Deterministic: the same seed (--seed, default
 * 20261208), the same file. `-- --seed 2 --out src/screening/eval/eval-holdout.csv` wrote the
 * held-out set, made once after the matcher was settled and used for nothing but reporting.
 *
 * True matches: POSITIVES entries drawn from both fixture lists (persons, organisations, vessels,
 * aircraft), one of each entry's names (primary or strong alias; persons written "Given Surname" as
 * documents do) with one variation of variations.ts, or two for one row in six.
 *
 * True non-matches: common Indian and Russian person names and Indian and Russian company names
 * combined from names.ts; Russian ones in Cyrillic or in one of the four Latin transliterations,
 * in Russian order (Surname Given Patronymic) or not. By construction none is on a list: a name is
 * left out when some list name has, for every one of its tokens (in any transliteration), a token
 * spelled nearly alike (Jaro–Winkler ≥ 0.92), since such a name might be a listed person's.
 *
 * Every row is assigned to the tuning or the test half by a hash of its content: thresholds and
 * weights are chosen on the tuning half; the test half is reported apart.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { jaroWinkler } from '../jaro-winkler.js';
import { nameForms, reorderSurnameFirst } from '../normalise.js';
import { SYSTEMS, transliterateCyrillic } from '../transliterate.js';
import type { ListEntry, Snapshot } from '../types.js';
import { EVAL_SET } from './eval-set.js';
import { loadFixtureLists } from './fixture-lists.js';
import * as names from './names.js';
import { pick, random, VARIATIONS } from './variations.js';

const { values } = parseArgs({
  options: { seed: { type: 'string', default: '20261208' }, out: { type: 'string' } },
});
const SEED = Number(values.seed);
const OUT = values.out ?? EVAL_SET;
if (!Number.isSafeInteger(SEED)) throw new Error('--seed must be a whole number');
const POSITIVES = 1000;
const NEGATIVES = {
  'indian-person': 350,
  'russian-person': 350,
  'indian-company': 150,
  'russian-company': 150,
};

const next = random(SEED);
const { un, ofac } = loadFixtureLists();

/** How often each variation is drawn. */
const WEIGHTS: Record<string, number> = {
  case: 1,
  reorder: 2,
  'drop-middle': 2,
  typo: 3,
  'legal-form': 1,
  initials: 1,
  cyrillic: 2,
  spelling: 2,
  punctuation: 1,
};

function vary(name: string, entry: ListEntry): { query: string; variation: string } | undefined {
  const applicable = Object.keys(WEIGHTS).filter(
    (variation) =>
      !(variation === 'legal-form' && entry.kind === 'person') &&
      !(variation === 'initials' && entry.kind !== 'person') &&
      !(variation === 'drop-middle' && entry.kind !== 'person'),
  );
  const bag = applicable.flatMap((variation) =>
    Array<string>(WEIGHTS[variation] ?? 1).fill(variation),
  );
  for (let attempt = 0; attempt < 10; attempt++) {
    const variation = pick(next, bag);
    const varied = (VARIATIONS[variation] as (n: string, r: () => number) => string | undefined)(
      name,
      next,
    );
    if (varied === undefined || varied === name) continue;
    if (next() < 1 / 6) {
      const second = pick(
        next,
        entry.kind === 'person'
          ? ['typo', 'reorder', 'drop-middle', 'spelling']
          : ['typo', 'reorder', 'spelling'],
      );
      const twice = (VARIATIONS[second] as (n: string, r: () => number) => string | undefined)(
        varied,
        next,
      );
      if (twice !== undefined && second !== variation)
        return { query: twice, variation: `${variation}+${second}` };
    }
    return { query: varied, variation };
  }
  return undefined;
}

interface Row {
  readonly label: 'match' | 'non-match';
  readonly group: string;
  readonly query: string;
  readonly format: string;
  readonly entryId: string;
  readonly listed: string;
}

const rows: Row[] = [];
const pool: { snapshot: Snapshot; entry: ListEntry }[] = [
  ...un.entries.map((entry) => ({ snapshot: un, entry })),
  ...ofac.entries.map((entry) => ({ snapshot: ofac, entry })),
];
const used = new Set<number>();
while (rows.length < POSITIVES) {
  const index = Math.floor(next() * pool.length);
  if (used.has(index)) continue;
  used.add(index);
  const { snapshot, entry } = pool[index] as { snapshot: Snapshot; entry: ListEntry };
  const usable = entry.names.filter(
    (name) => name.quality === 'primary' || name.quality === 'strong',
  );
  const chosen = next() < 0.5 ? usable[0] : pick(next, usable);
  if (chosen === undefined) continue;
  const written = entry.kind === 'person' ? reorderSurnameFirst(chosen.name) : chosen.name;
  if (nameForms(written).length === 0) continue;
  const varied = vary(written, entry);
  if (varied === undefined) continue;
  rows.push({
    label: 'match',
    group: `${entry.kind}/${varied.variation}`,
    query: varied.query,
    format: snapshot.format,
    entryId: entry.id,
    listed: chosen.name,
  });
}

// The list names' tokens, for the check that a non-match is on no list.
const tokenNames = new Map<string, Set<number>>();
const byInitial = new Map<string, string[]>();
let nameCount = 0;
for (const { entry } of pool) {
  for (const name of entry.names) {
    for (const tokens of nameForms(name.name)) {
      const id = nameCount++;
      for (const token of tokens) {
        let set = tokenNames.get(token);
        if (set === undefined) {
          set = new Set();
          tokenNames.set(token, set);
          const initial = token[0] as string;
          byInitial.set(initial, [...(byInitial.get(initial) ?? []), token]);
        }
        set.add(id);
      }
    }
  }
}

/** Some list name has a token spelled nearly alike for every token of one of the name's forms. */
function onAList(name: string): boolean {
  return nameForms(name).some((tokens) => {
    let common: Set<number> | undefined;
    for (const token of tokens) {
      const near = new Set<number>();
      for (const listed of byInitial.get(token[0] as string) ?? [])
        if (listed === token || jaroWinkler(token, listed) >= 0.92)
          for (const id of tokenNames.get(listed) ?? []) near.add(id);
      common = common === undefined ? near : new Set([...common].filter((id) => near.has(id)));
      if (common.size === 0) return false;
    }
    return common !== undefined && common.size > 0;
  });
}

const capitalise = (text: string) =>
  text.replace(/(^|[\s-])(\p{L})/gu, (_, s: string, l: string) => s + l.toUpperCase());

/** Cyrillic text as written (half the time) or in one of the Latin transliterations. */
function written(cyrillic: string): string {
  if (next() < 0.5) return cyrillic;
  return capitalise(transliterateCyrillic(cyrillic.toLowerCase(), pick(next, SYSTEMS)));
}

function patronymic(given: string, female: boolean): string | undefined {
  let stem: string;
  if (given.endsWith('ий')) stem = `${given.slice(0, -2)}ьев`;
  else if (given.endsWith('ей')) stem = `${given.slice(0, -1)}ев`;
  else if (/[бвгджзклмнпрстфхцчшщ]$/.test(given)) stem = `${given}ов`;
  else return undefined;
  return `${stem}${female ? 'на' : 'ич'}`;
}

function femaleSurname(surname: string): string {
  if (/(ов|ев|ёв|ин|ын)$/.test(surname)) return `${surname}а`;
  if (surname.endsWith('ий')) return `${surname.slice(0, -2)}ая`;
  return surname;
}

const makers: Record<keyof typeof NEGATIVES, () => string> = {
  'indian-person': () => {
    const given = pick(next, names.INDIAN_GIVEN);
    const surname = pick(next, names.INDIAN_SURNAMES);
    return next() < 0.2
      ? `${given} ${pick(next, names.INDIAN_GIVEN)} ${surname}`
      : `${given} ${surname}`;
  },
  'russian-person': () => {
    const female = next() < 0.4;
    const given = female
      ? pick(next, names.RUSSIAN_GIVEN_FEMALE)
      : pick(next, names.RUSSIAN_GIVEN_MALE);
    const surname = pick(next, names.RUSSIAN_SURNAMES);
    const father = patronymic(pick(next, names.RUSSIAN_GIVEN_MALE), female);
    const last = female ? femaleSurname(surname) : surname;
    const parts = next() < 0.5 && father !== undefined ? [given, father, last] : [given, last];
    return written(
      next() < 0.5 ? [parts.at(-1), ...parts.slice(0, -1)].join(' ') : parts.join(' '),
    );
  },
  'indian-company': () =>
    `${pick(next, names.INDIAN_COMPANY_FIRST)} ${pick(next, names.INDIAN_COMPANY_SECOND)} ${pick(next, names.INDIAN_LEGAL_FORMS)}`.trim(),
  'russian-company': () => {
    const first = pick(next, names.RUSSIAN_COMPANY_FIRST);
    const second = pick(next, names.RUSSIAN_COMPANY_SECOND);
    const body = next() < 0.5 ? `«${first} ${second}»` : `«${first}${second.toLowerCase()}»`;
    return written(`${pick(next, names.RUSSIAN_LEGAL_FORMS)} ${body}`);
  },
};

const seen = new Set<string>();
let excluded = 0;
for (const [group, count] of Object.entries(NEGATIVES) as [keyof typeof NEGATIVES, number][]) {
  let made = 0;
  for (let attempt = 0; made < count && attempt < count * 20; attempt++) {
    const name = makers[group]();
    const key = (nameForms(name)[0] ?? []).join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    if (onAList(name)) {
      excluded++;
      continue;
    }
    rows.push({ label: 'non-match', group, query: name, format: '', entryId: '', listed: '' });
    made++;
  }
}

const quote = (field: string) => `"${field.replaceAll('"', '""')}"`;
const lines = ['split,label,group,query,format,entry_id,listed_name'];
for (const row of rows) {
  // The half a row belongs to follows from its content alone, so that a change elsewhere in the
  // generator does not move rows between halves.
  const digest = createHash('sha256')
    .update(`${row.label}|${row.query}|${row.format}|${row.entryId}`)
    .digest();
  const split = (digest[0] as number) < 128 ? 'tune' : 'test';
  lines.push(
    [split, row.label, row.group, row.query, row.format, row.entryId, row.listed]
      .map(quote)
      .join(','),
  );
}
writeFileSync(OUT, `${lines.join('\n')}\n`);
console.log(
  `${OUT}: ${rows.filter((row) => row.label === 'match').length} true matches, ` +
    `${rows.filter((row) => row.label === 'non-match').length} true non-matches ` +
    `(${excluded} generated non-matches left out as possibly on a list)`,
);
