import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScreeningInputError } from './errors.js';
import { readEvalSet } from './eval/eval-set.js';
import { loadFixtureLists } from './eval/fixture-lists.js';
import { compareNames, DEFAULT_THRESHOLD, MAX_NAME_LENGTH, Screener } from './screener.js';
import type { ListEntry, Snapshot } from './types.js';

/** A list made here, so each test states the entry it screens against. */
function snapshot(entries: ListEntry[], format: Snapshot['format'] = 'ofac'): Snapshot {
  return {
    format,
    id: `${format}@test`,
    publishedAt: null,
    sha256: 'test',
    files: [],
    entryCount: entries.length,
    entries,
  };
}

function entry(id: string, names: string[], more: Partial<ListEntry> = {}): ListEntry {
  return {
    id,
    kind: 'person',
    names: names.map((name, index) => ({ name, quality: index === 0 ? 'primary' : 'strong' })),
    datesOfBirth: [],
    countries: [],
    identifiers: [],
    programmes: [],
    ...more,
  };
}

describe('screening names across scripts and spellings', () => {
  const list = snapshot([
    entry('1', ['SHCHUKIN, Yuriy']),
    entry('2', ['SBERBANK'], { kind: 'organisation' }),
    entry('3', ['Ромашка'], { kind: 'organisation' }),
    entry('4', ['POPOV, Dimitri Igorevich']),
  ]);
  const screener = new Screener([list]);
  const hitIds = (name: string) => screener.screen({ name }).map((hit) => hit.entryId);

  test('Юрий Щукин meets Yuriy Shchukin, Iurii Shchukin and Yurij Shhukin', () => {
    for (const name of [
      'Юрий Щукин',
      'Yuriy Shchukin',
      'Iurii Shchukin',
      'Yurij Shhukin',
      'Shchukin Yuri',
    ])
      assert.deepEqual(hitIds(name), ['1'], name);
  });

  test('Сбербанк meets Sberbank; legal forms in either script do not matter', () => {
    for (const name of ['Сбербанк', 'ПАО Сбербанк', 'Sberbank PJSC', 'PAO Sberbank'])
      assert.deepEqual(hitIds(name), ['2'], name);
    for (const name of ['Romashka LLC', 'OOO Romashka', 'ООО «Ромашка»'])
      assert.deepEqual(hitIds(name), ['3'], name);
  });

  test('order, initials, hyphens, dropped middle names', () => {
    for (const name of [
      'Dimitri Popov',
      'Popov Dimitri',
      'D. Popov',
      'Dimitri I. Popov',
      'Димитрий Игоревич Попов',
    ])
      assert.deepEqual(hitIds(name), ['4'], name);
    assert.deepEqual(hitIds('Ivan Petrov'), []);
  });

  test('a hit names the snapshot, the entry, the names that met, its scores and fields', () => {
    const [hit] = screener.screen({ name: 'Юрий Щукин' });
    assert.ok(hit);
    assert.deepEqual(
      { ...hit, score: undefined, nameScore: undefined },
      {
        snapshot: 'ofac@test',
        format: 'ofac',
        entryId: '1',
        entryName: 'SHCHUKIN, Yuriy',
        kind: 'person',
        matchedName: 'SHCHUKIN, Yuriy',
        queryName: 'Юрий Щукин',
        score: undefined,
        nameScore: undefined,
        fields: ['name'],
      },
    );
    assert.ok(hit.score >= DEFAULT_THRESHOLD && hit.score <= 1);
  });

  test('the Cyrillic pairs of the cross-script file score above the threshold', () => {
    for (const [cyrillic, latin] of [
      ['Владимир Путин', 'Vladimir Putin'],
      ['Иван Иванов', 'Ivan Ivanov'],
      ['Александр Петров', 'Alexander Petrov'],
      ['Дмитрий Медведев', 'Dmitry Medvedev'],
    ] as const)
      assert.ok(
        compareNames(cyrillic, latin) >= DEFAULT_THRESHOLD,
        `${cyrillic}: ${compareNames(cyrillic, latin)}`,
      );
    assert.ok(compareNames('Иван Иванов', 'Ivan Petrov') < DEFAULT_THRESHOLD);
  });
});

describe('features besides the name', () => {
  const list = snapshot([
    entry('p', ['IVANOV, Sergei'], {
      datesOfBirth: [{ year: 1960, month: 3, day: 15 }],
      countries: ['RU'],
      identifiers: [{ type: 'passport', value: '51 0123456', country: 'RU' }],
    }),
    entry('v', ['SEA STAR'], { kind: 'vessel', identifiers: [{ type: 'imo', value: '9187629' }] }),
    {
      ...entry('w', ['IVANOV, Petr']),
      names: [
        { name: 'IVANOV, Petr', quality: 'primary' },
        { name: 'BELYY', quality: 'weak' },
      ],
    },
  ]);
  // A low threshold keeps lowered hits visible.
  const screener = new Screener([list], { threshold: 0.5 });
  const one = (party: Parameters<Screener['screen']>[0], id: string) => {
    const hit = screener.screen(party).find((candidate) => candidate.entryId === id);
    assert.ok(hit, `${party.name} hits ${id}`);
    return hit;
  };
  // A spelling apart from the list's, so that the name score leaves room to raise it.
  const base = one({ name: 'Sergey Ivanov' }, 'p').score;

  test('the same date of birth raises the score; a year apart lowers it', () => {
    const same = one({ name: 'Sergey Ivanov', dateOfBirth: '1960-03-15' }, 'p');
    assert.ok(same.score > base && same.fields.includes('date-of-birth'));
    const year = one({ name: 'Sergey Ivanov', dateOfBirth: '1960' }, 'p');
    assert.ok(year.score > base && year.score < same.score);
    const other = one({ name: 'Sergey Ivanov', dateOfBirth: '1975-01-01' }, 'p');
    assert.ok(other.score < base - 0.1 && other.fields.includes('date-of-birth-mismatch'));
  });

  test('a common country raises it, none in common lowers it', () => {
    assert.ok(one({ name: 'Sergey Ivanov', countries: ['Russian Federation'] }, 'p').score > base);
    const india = one({ name: 'Sergey Ivanov', countries: ['IN'] }, 'p');
    assert.ok(india.score < base && india.fields.includes('country-mismatch'));
  });

  test('an equal identifier gives 1 whatever the name; a different IMO number lowers the score', () => {
    const byPassport = one(
      { name: 'S. Ivanoff', identifiers: [{ type: 'passport', value: '510123456' }] },
      'p',
    );
    assert.equal(byPassport.score, 1);
    assert.ok(byPassport.fields.includes('passport'));
    const byImo = one(
      { name: 'Totally Different Name', identifiers: [{ type: 'imo', value: '9187629' }] },
      'v',
    );
    assert.deepEqual([byImo.score, byImo.fields], [1, ['imo']]);
    const otherImo = one(
      { name: 'Sea Star', identifiers: [{ type: 'imo', value: '1234567' }] },
      'v',
    );
    assert.ok(otherImo.score <= 0.7 && otherImo.fields.includes('identifier-mismatch'));
  });

  test('a person against a vessel is lowered; a weak alias alone stays below the default threshold', () => {
    const kind = one({ name: 'Sea Star', kind: 'person' }, 'v');
    assert.ok(kind.score <= 0.9 && kind.fields.includes('kind-mismatch'));
    const weak = one({ name: 'Belyy' }, 'w');
    assert.ok(weak.score < DEFAULT_THRESHOLD, String(weak.score));
    assert.ok(weak.fields.includes('weak-alias'));
  });

  test('thresholds per list', () => {
    const twoLists = [list, snapshot([...list.entries], 'un')];
    const strictOfac = new Screener(twoLists, { thresholds: { ofac: 0.99, un: 0.8 } });
    const hits = strictOfac.screen({ name: 'Sergey Ivanov' });
    assert.deepEqual(
      hits.map((hit) => hit.format),
      ['un'],
    );
    assert.equal(strictOfac.thresholdOf('ofac'), 0.99);
  });

  test('bad input is refused with the field named', () => {
    const refused = (party: Parameters<Screener['screen']>[0], field: string) =>
      assert.throws(
        () => screener.screen(party),
        (error: unknown) => error instanceof ScreeningInputError && error.field === field,
        field,
      );
    refused({ name: '' }, 'name');
    refused({ name: '   ' }, 'name');
    refused({ name: 'x'.repeat(MAX_NAME_LENGTH + 1) }, 'name');
    refused({ name: 'Ivan\u0000Petrov' }, 'name');
    refused({ name: '!!! ---' }, 'name');
    refused({ name: 'Ivan', aliases: ['ok', ''] }, 'aliases[1]');
    refused({ name: 'Ivan', dateOfBirth: '15.03.1960' }, 'dateOfBirth');
    refused({ name: 'Ivan', dateOfBirth: '1960-02-30' }, 'dateOfBirth');
    refused({ name: 'Ivan', countries: [''] }, 'countries[0]');
    refused(
      { name: 'Ivan', identifiers: [{ type: 'imo', value: '12345' }] },
      'identifiers[0].value',
    );
    // Any script is accepted.
    assert.deepEqual(screener.screen({ name: '金正恩' }), []);
  });
});

describe('the real lists', () => {
  const { un, ofac } = loadFixtureLists();
  const screener = new Screener([un, ofac]);

  test('known entries are hit in Latin and Cyrillic; an ordinary name is not', () => {
    const ids = (name: string) =>
      screener.screen({ name }).map((hit) => `${hit.format}:${hit.entryId}`);
    assert.ok(ids('Vladislav Leontyev').includes('ofac:13086'));
    assert.ok(ids('Владислав Леонтьев').includes('ofac:13086'));
    const umarov = ids('Доку Умаров');
    assert.ok(umarov.includes('un:QDi.290') && umarov.includes('ofac:12110'), umarov.join());
    assert.ok(ids('Banco Nacional de Cuba').includes('ofac:306'));
    assert.deepEqual(ids('Rahul Sharma'), []);
    const [vessel] = screener.screen({
      name: 'MT Unknown',
      identifiers: [{ type: 'imo', value: 'IMO 9187629' }],
    });
    assert.equal(vessel?.entryId, '15036');
  });

  test('the index loses no hit that scoring every list name finds (first 40 evaluation rows)', () => {
    const exhaustive = new Screener([un, ofac], { exhaustive: true });
    for (const row of readEvalSet().slice(0, 40)) {
      const key = (hits: readonly { format: string; entryId: string; score: number }[]) =>
        hits.map((hit) => `${hit.format}:${hit.entryId}:${hit.score}`).sort();
      assert.deepEqual(
        key(screener.screen({ name: row.query })),
        key(exhaustive.screen({ name: row.query })),
        row.query,
      );
    }
  });
});
