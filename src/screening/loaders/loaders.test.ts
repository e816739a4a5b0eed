import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ListFormatError } from '../errors.js';
import { OFAC_FILES, UN_FILE } from '../eval/fixture-lists.js';
import type { ListFile } from './files.js';
import { parseOfacDate, readRemarks } from './ofac.js';
import { loadList } from './registry.js';

const unBytes = readFileSync(UN_FILE);
const [sdnBytes, altBytes, addBytes] = OFAC_FILES.map((file) => readFileSync(file)) as [
  Buffer,
  Buffer,
  Buffer,
];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const file = (name: string, bytes: Uint8Array): ListFile => ({ name, bytes });
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const lines = (bytes: Uint8Array) => text(bytes).split('\n');

/** Expects a ListFormatError whose file, location and reason match. */
function refused(load: () => unknown, file: string, location: RegExp, reason: RegExp): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(error instanceof ListFormatError, String(error));
    assert.equal(error.file, file);
    assert.match(error.location, location);
    assert.match(error.reason, reason);
    return true;
  });
}

describe('UN consolidated list (XML)', () => {
  const snapshot = loadList('un', [file('consolidated.xml', unBytes)]);

  test('is a snapshot: format, publication date from the file, SHA-256, every entry', () => {
    assert.equal(snapshot.format, 'un');
    assert.equal(snapshot.publishedAt, '2026-02-27T00:00:09.554Z');
    assert.equal(snapshot.sha256, sha256(unBytes));
    assert.equal(snapshot.id, `un@${sha256(unBytes)}`);
    assert.deepEqual(snapshot.files, [
      { name: 'consolidated.xml', sha256: sha256(unBytes), bytes: unBytes.length },
    ]);
    // The fixture's README: 730 individuals and 273 entities.
    assert.equal(snapshot.entryCount, 1003);
    assert.equal(snapshot.entries.filter((entry) => entry.kind === 'person').length, 730);
    assert.equal(snapshot.entries.filter((entry) => entry.kind === 'organisation').length, 273);
  });

  test('an individual: name parts, original script, dates of birth, countries', () => {
    const umarov = snapshot.entries.find((entry) => entry.id === 'QDi.290');
    assert.ok(umarov);
    assert.equal(umarov.kind, 'person');
    assert.deepEqual(umarov.names[0], { name: 'DOKU KHAMATOVICH UMAROV', quality: 'primary' });
    assert.ok(
      umarov.names.some(
        (name) => name.name === 'Умаров Доку Хаматович' && name.quality === 'original-script',
      ),
    );
    assert.ok(umarov.countries.includes('RU'));
    assert.ok(umarov.datesOfBirth.length > 0);
    assert.deepEqual(umarov.programmes, ['Al-Qaida']);
    const badege = snapshot.entries.find((entry) => entry.id === 'CDi.001');
    assert.ok(badege);
    assert.deepEqual(badege.datesOfBirth, [{ year: 1971 }]);
    assert.deepEqual(badege.countries, ['CD', 'RW']);
  });

  test('aliases keep their quality: Low is weak, Good and a.k.a. strong', () => {
    const all = snapshot.entries.flatMap((entry) => entry.names);
    const raw = text(unBytes);
    assert.equal(
      all.filter((name) => name.quality === 'weak').length,
      (raw.match(/<QUALITY>Low<\/QUALITY>\s*<ALIAS_NAME>[^<]/g) ?? []).length,
    );
    assert.ok(all.filter((name) => name.quality === 'strong').length > 1500);
  });

  test('documents: passports and national numbers with the issuing country', () => {
    const identifiers = snapshot.entries.flatMap((entry) => entry.identifiers);
    assert.ok(identifiers.filter((id) => id.type === 'passport').length >= 300);
    assert.ok(
      identifiers.some(
        (id) => id.type === 'passport' && id.value === 'D00001184' && id.country === 'CF',
      ),
    );
  });

  test('dates: exact, approximately (a year), between two years', () => {
    const dates = snapshot.entries.flatMap((entry) => entry.datesOfBirth);
    assert.ok(dates.some((date) => date.approximate === true));
    assert.ok(dates.some((date) => date.toYear !== undefined && date.toYear > date.year));
    assert.ok(dates.some((date) => date.day !== undefined && date.month !== undefined));
  });

  test('a truncated file is refused with the line libxml2 stopped at', () => {
    const cut = unBytes.subarray(0, Math.floor(unBytes.length / 2));
    const lastLine = text(cut).split('\n').length;
    assert.throws(
      () => loadList('un', [file('cut.xml', cut)]),
      (error: unknown) => {
        assert.ok(error instanceof ListFormatError);
        assert.equal(error.file, 'cut.xml');
        assert.match(error.reason, /^not well-formed XML: /);
        const line = Number(/^line (\d+), column \d+$/.exec(error.location)?.[1]);
        assert.ok(line >= lastLine - 1 && line <= lastLine, `${error.location} near ${lastLine}`);
        return true;
      },
    );
  });

  test('a file in another encoding is refused with its first bad line', () => {
    const latin1 = Buffer.from(unBytes);
    const at = latin1.indexOf('ERIC');
    latin1[at] = 0xc9; // "ÉRIC" in ISO-8859-1: not UTF-8
    const line = text(unBytes.subarray(0, at)).split('\n').length;
    refused(
      () => loadList('un', [file('latin1.xml', latin1)]),
      'latin1.xml',
      new RegExp(`^line ${line}$`),
      /not valid UTF-8/,
    );
  });

  test('an entry without a FIRST_NAME, a bad date or another root is refused with the element', () => {
    const source = text(unBytes);
    const noName = source.replace('<FIRST_NAME>ERIC</FIRST_NAME>', '');
    refused(
      () => loadList('un', [file('no-name.xml', Buffer.from(noName))]),
      'no-name.xml',
      /^element INDIVIDUAL at line 4$/,
      /DATAID 6907993: no FIRST_NAME/,
    );
    const badYear = source.replace('<YEAR>1971</YEAR>', '<YEAR>19x1</YEAR>');
    refused(
      () => loadList('un', [file('bad-year.xml', Buffer.from(badYear))]),
      'bad-year.xml',
      /^element INDIVIDUAL_DATE_OF_BIRTH at line \d+$/,
      /YEAR "19x1" is not a year/,
    );
    refused(
      () => loadList('un', [file('other.xml', Buffer.from('<?xml version="1.0"?>\n<LIST/>\n'))]),
      'other.xml',
      /^element LIST at line 2$/,
      /root element is not CONSOLIDATED_LIST/,
    );
    refused(() => loadList('un', []), 'un', /files/, /one XML file/);
  });
});

describe('OFAC SDN list (legacy CSV: sdn, alt, add)', () => {
  const files = [file('sdn.csv', sdnBytes), file('alt.csv', altBytes), file('add.csv', addBytes)];
  const snapshot = loadList('ofac', files);

  test('is a snapshot: no publication date in the format, hashes of each file and of the set', () => {
    assert.equal(snapshot.format, 'ofac');
    assert.equal(snapshot.publishedAt, null);
    assert.deepEqual(
      snapshot.files.map((part) => part.sha256),
      [sdnBytes, altBytes, addBytes].map(sha256),
    );
    assert.equal(
      snapshot.sha256,
      sha256(Buffer.from([sdnBytes, altBytes, addBytes].map(sha256).join('\n'))),
    );
    assert.equal(snapshot.entryCount, 8976); // the fixture's README
    assert.equal(snapshot.entries.length, 8976);
  });

  test('a person: name, alt.csv aliases, weak aliases from remarks, DOB, passports, nationality', () => {
    const leontyev = snapshot.entries.find((entry) => entry.id === '13086');
    assert.ok(leontyev);
    assert.equal(leontyev.kind, 'person');
    assert.deepEqual(leontyev.names[0], {
      name: 'LEONTYEV, Vladislav Vladimirovich',
      quality: 'primary',
    });
    assert.ok(
      leontyev.names.some(
        (name) => name.name === 'LEONTIEV, Vladislav' && name.quality === 'strong',
      ),
    );
    assert.ok(leontyev.names.some((name) => name.name === 'BELYY' && name.quality === 'weak'));
    assert.deepEqual(leontyev.datesOfBirth, [{ year: 1971, month: 7, day: 5 }]);
    assert.ok(leontyev.countries.includes('RU'));
    assert.ok(
      leontyev.identifiers.some(
        (id) => id.type === 'passport' && id.value === '515731854' && id.country === 'RU',
      ),
    );
    assert.ok(
      leontyev.identifiers.some((id) => id.type === 'national-id' && id.value === '60229551'),
    );
  });

  test('a vessel: its IMO number from remarks, its flag', () => {
    const artavil = snapshot.entries.find((entry) => entry.id === '15036');
    assert.ok(artavil);
    assert.equal(artavil.kind, 'vessel');
    assert.deepEqual(artavil.identifiers, [{ type: 'imo', value: '9187629' }]);
    assert.ok(artavil.countries.includes('IR'));
    const withImo = snapshot.entries.filter((entry) =>
      entry.identifiers.some((id) => id.type === 'imo'),
    );
    assert.ok(withImo.length >= 400, `${withImo.length} entries with an IMO number`);
  });

  test('addresses give countries; organisations are "-0-" types', () => {
    const banco = snapshot.entries.find((entry) => entry.id === '306');
    assert.equal(banco?.kind, 'organisation');
    // add.csv: Zurich, Madrid, Tokyo, Panama (the programme, CUBA, is not a country of the entry).
    assert.deepEqual(new Set(banco.countries), new Set(['CH', 'ES', 'JP', 'PA']));
  });

  test('remarks: dates of every form', () => {
    assert.deepEqual(parseOfacDate('13 Feb 1961'), { year: 1961, month: 2, day: 13 });
    assert.deepEqual(parseOfacDate('Feb 1961'), { year: 1961, month: 2 });
    assert.deepEqual(parseOfacDate('circa 1960'), { year: 1960, approximate: true });
    assert.deepEqual(parseOfacDate('1962 to 1964'), { year: 1962, toYear: 1964 });
    assert.deepEqual(parseOfacDate('01 Jan 1960 to 31 Dec 1962'), { year: 1960, toYear: 1962 });
    assert.equal(parseOfacDate('sometime'), undefined);
    const remarks = readRemarks(
      "DOB 05 Jul 1971; alt. DOB 1972; POB Nizhny Novgorod, Russia; citizen Ukraine; a.k.a. 'BELYY'; Vessel Registration Identification IMO 9187629.",
    );
    assert.equal(remarks.datesOfBirth.length, 2);
    assert.deepEqual(remarks.countries, ['RU', 'UA']);
    assert.deepEqual(remarks.weakAliases, ['BELYY']);
    assert.deepEqual(remarks.identifiers, [{ type: 'imo', value: '9187629' }]);
  });

  const withSdn = (sdn: string) => [
    file('sdn.csv', Buffer.from(sdn)),
    files[1] as ListFile,
    files[2] as ListFile,
  ];

  test('a broken quote is refused with its line', () => {
    const broken = lines(sdnBytes);
    broken[3] = (broken[3] as string).replace('"BOUTIQUE LA MAISON"', '"BOUTIQUE "LA MAISON"');
    refused(
      () => loadList('ofac', withSdn(broken.join('\n'))),
      'sdn.csv',
      /^line 4$/,
      /not valid CSV: Invalid Closing Quote/,
    );
    const open = lines(sdnBytes).slice(0, 20);
    open[19] = '9999,"NEVER CLOSED,-0- ,CUBA';
    refused(
      () => loadList('ofac', withSdn(open.join('\n'))),
      'sdn.csv',
      /^line 20$/,
      /Quote Not Closed/,
    );
  });

  test('a row with missing columns is refused with its line and the count', () => {
    const short = lines(sdnBytes);
    short[9] = (short[9] as string).replace(/,[^,\r]*(\r?)$/, '$1');
    refused(
      () => loadList('ofac', withSdn(short.join('\n'))),
      'sdn.csv',
      /^line 10$/,
      /expected 12 fields, found 11/,
    );
    const shortAlt = lines(altBytes);
    shortAlt[2] = '306,220,"aka"\r';
    refused(
      () =>
        loadList('ofac', [
          files[0] as ListFile,
          file('alt.csv', Buffer.from(shortAlt.join('\n'))),
          files[2] as ListFile,
        ]),
      'alt.csv',
      /^line 3$/,
      /expected 5 fields, found 3/,
    );
  });

  test('invalid UTF-8, a bad ent_num, an unknown entity, a wrong file count are refused', () => {
    const latin1 = Buffer.from(sdnBytes);
    const at = latin1.indexOf('BOUTIQUE');
    latin1[at] = 0xe9;
    refused(
      () => loadList('ofac', [file('sdn.csv', latin1), files[1] as ListFile, files[2] as ListFile]),
      'sdn.csv',
      /^line 4$/,
      /not valid UTF-8/,
    );
    const badNumber = lines(sdnBytes);
    badNumber[1] = (badNumber[1] as string).replace(/^173,/, 'x173,');
    refused(
      () => loadList('ofac', withSdn(badNumber.join('\n'))),
      'sdn.csv',
      /^line 2$/,
      /ent_num "x173" is not a number/,
    );
    const orphan = `${text(altBytes).replace(String.fromCharCode(0x1a), '')}999999999,1,"aka","NOBODY",-0- \r\n`;
    refused(
      () =>
        loadList('ofac', [
          files[0] as ListFile,
          file('alt.csv', Buffer.from(orphan)),
          files[2] as ListFile,
        ]),
      'alt.csv',
      /^line \d+$/,
      /ent_num 999999999 is not in sdn.csv/,
    );
    refused(
      () => loadList('ofac', [files[0] as ListFile]),
      'ofac',
      /files/,
      /sdn.csv, alt.csv and add.csv/,
    );
  });
});
