import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jaroWinkler } from './jaro-winkler.js';
import { dropLegalForms, nameForms, reorderSurnameFirst } from './normalise.js';
import { DEFAULT_SCORING, nameScore, tokenSimilarity } from './score.js';
import { transliterateCyrillic, transliterateGreek } from './transliterate.js';

const forms = (name: string, options = {}) =>
  nameForms(name, options).map((tokens) => tokens.join(' '));

describe('transliteration', () => {
  test('Юрий Щукин in ICAO 9303, BGN/PCGN, GOST 7.79 B and common usage', () => {
    const name = 'юрий щукин';
    assert.equal(transliterateCyrillic(name, 'icao'), 'iurii shchukin');
    assert.equal(transliterateCyrillic(name, 'bgn'), 'yuriy shchukin');
    assert.equal(transliterateCyrillic(name, 'gost'), 'yurij shhukin');
    assert.equal(transliterateCyrillic(name, 'common'), 'yury shchukin');
  });

  test('the context rules: BGN ye, GOST c/cz, common x and j', () => {
    assert.equal(transliterateCyrillic('елена', 'bgn'), 'yelena');
    assert.equal(transliterateCyrillic('андреев', 'bgn'), 'andreyev');
    assert.equal(transliterateCyrillic('цирк царь', 'gost'), 'cirk czar');
    assert.equal(transliterateCyrillic('александр', 'common'), 'alexandr');
    assert.equal(transliterateCyrillic('джон хасан', 'common'), 'jon hasan');
    assert.equal(transliterateCyrillic('объект', 'icao'), 'obieekt');
    assert.equal(transliterateGreek('αλέξανδρος'), 'alexandros');
  });

  test('every form of a Cyrillic name is indexed; each system meets its Latin spelling', () => {
    // ICAO's iurii and GOST's yurij fold to BGN's yuriy (normalise.ts).
    assert.deepEqual(forms('Юрий Щукин'), ['yuriy shchukin', 'yuriy shhukin', 'yury shchukin']);
    assert.deepEqual(forms('Iurii Iakovlev'), ['yuriy yakovlev']);
    for (const latin of ['Yuriy Shchukin', 'Iurii Shchukin', 'Yurij Shhukin'])
      assert.ok(forms('Юрий Щукин').includes(forms(latin)[0] as string), latin);
    assert.ok(forms('Сбербанк').includes('sberbank'));
  });
});

describe('normalisation', () => {
  test('lower case, marks dropped, punctuation and hyphens to spaces, apostrophes inside words dropped', () => {
    assert.deepEqual(forms('José-María  GÓMEZ'), ['jose marya gomez']);
    assert.deepEqual(forms("AL-SIBA'I, Hani"), ['al sibai hani']);
    assert.deepEqual(forms('Straße Øresund Łódź'), ['strasse oresund lodz']);
    assert.deepEqual(forms('Wagner Pheap'), ['vagner feap']);
  });

  test('"SURNAME, Given" reads as "Given SURNAME" for persons', () => {
    assert.equal(reorderSurnameFirst('POPOV, Dimitri Igorevich'), 'Dimitri Igorevich POPOV');
    assert.equal(reorderSurnameFirst('A, B, C'), 'A, B, C');
    assert.deepEqual(forms('POPOV, Dimitri', { surnameFirst: true }), ['dimitri popov']);
  });

  test('legal forms are dropped in both scripts, as words and phrases, misspelt too', () => {
    for (const [name, expected] of [
      ['ООО «Ромашка»', 'romashka'],
      ['Romashka LLC', 'romashka'],
      ['ПАО Сбербанк', 'sberbank'],
      ['PJSC Sberbank', 'sberbank'],
      ['АО Альфа', 'alfa'],
      ['ZAO Vektor', 'vektor'],
      ['Tata Steel Private Limited', 'tata steel'],
      ['Tata Steel Pvt. Ltd.', 'tata steel'],
      ['Общество с ограниченной ответственностью "Вектор"', 'vektor'],
      ['Obshchestvo s Ogranichennoy Otvetstvennostyu Vektor', 'vektor'],
      ['Siemens GmbH', 'siemens'],
      ['Acme Inc.', 'acme'],
      ['Acme Co., Ltd.', 'acme'],
      ['Combustibles Briones, S.A. de C.V.', 'combustibles briones'],
      ['Acme Limitde', 'acme'],
      ['Акме Лимитед', 'akme'],
      ['Bank of Russia', 'bank russya'],
    ] as const)
      assert.equal(forms(name)[0], expected, name);
    // A name of nothing but legal words keeps them.
    assert.deepEqual(dropLegalForms(['ooo']), ['ooo']);
  });

  test('acronyms and short codes of non-persons; a name of no letters has no form', () => {
    assert.deepEqual(forms('A.W.A. Engineering', { acronyms: true }), ['ava engineering']);
    assert.deepEqual(forms('B S Company', { acronyms: true }), ['bs']);
    assert.deepEqual(forms('EP-IRT', { acronyms: true }), ['ep irt', 'epirt']);
    assert.deepEqual(forms('J. R. Smith'), ['j r smith']);
    assert.deepEqual(forms('--- ...'), []);
  });
});

describe('similarity', () => {
  test('Jaro–Winkler: the published examples, symmetry, bounds', () => {
    const near = (a: string, b: string, expected: number) =>
      assert.ok(Math.abs(jaroWinkler(a, b) - expected) < 0.001, `${a}/${b}: ${jaroWinkler(a, b)}`);
    near('martha', 'marhta', 0.961);
    near('dwayne', 'duane', 0.84);
    near('dixon', 'dicksonx', 0.813);
    assert.equal(jaroWinkler('abc', 'abc'), 1);
    assert.equal(jaroWinkler('abc', 'xyz'), 0);
    assert.equal(jaroWinkler('', 'abc'), 0);
    assert.equal(jaroWinkler('mohammad', 'muhammad'), jaroWinkler('muhammad', 'mohammad'));
  });

  test('token pairs: initials, a threshold, first-letter classes, length ratio', () => {
    assert.equal(tokenSimilarity('v', 'vladimir', DEFAULT_SCORING), 0.9);
    assert.equal(tokenSimilarity('v', 'petrov', DEFAULT_SCORING), 0);
    assert.equal(tokenSimilarity('petrov', 'pavlov', DEFAULT_SCORING), 0); // 0.78: no pair
    assert.ok(tokenSimilarity('ivanov', 'ivanenko', DEFAULT_SCORING) > 0.8);
    assert.equal(tokenSimilarity('ali', 'wali', DEFAULT_SCORING), 0); // different first sounds
    assert.equal(tokenSimilarity('sia', 'shishani', DEFAULT_SCORING), 0); // lengths far apart
    assert.ok(tokenSimilarity('yuriy', 'yurij', DEFAULT_SCORING) > 0.9);
  });

  test('name score: order-insensitive, a dropped middle name costs little, an extra token much', () => {
    const score = (a: string, b: string) => nameScore(a.split(' '), b.split(' '));
    assert.equal(score('vladislav leontyev', 'leontyev vladislav'), 1);
    assert.ok(score('vladislav leontyev', 'vladislav vladimirovich leontyev') >= 0.9);
    assert.ok(score('vladislav leontyev trading', 'vladislav leontyev') < 0.87);
    assert.ok(score('v leontyev', 'vladislav leontyev') > 0.95);
    assert.ok(score('ivan petrov', 'sergei ivanov') < 0.5);
    assert.equal(score('', 'x'), 0);
  });
});
