/**
 * The US OFAC SDN list in its legacy CSV form: three files without header rows, read with
 * csv-parse (RFC 4180 quoting), "-0-" standing for an empty field:
 *
 * - sdn.csv: ent_num, SDN_Name, SDN_Type (individual, vessel, aircraft, "-0-" for an entity),
 *   Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks;
 * - alt.csv: ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks;
 * - add.csv: ent_num, add_num, address, city/state/postal code, country, add_remarks.
 *
 * Remarks are read for what matching uses: "DOB …" (a day, a month, a year, "circa", "1962 to
 * 1964"), "nationality …", "citizen …", "POB …" (its country), "Passport …", "National ID No. …",
 * "Cedula No. …", "Identification Number …", "IMO nnnnnnn" (vessels) and the weak aliases
 * ("a.k.a. 'BELYY'"), which OFAC lists in remarks rather than in alt.csv. Person names are written
 * "SURNAME, Given"; the normaliser reads them in either order.
 *
 * The legacy files carry no publication date (publishedAt is null). Refused: a file that is not
 * UTF-8, a broken quote (csv-parse's line), a row with the wrong number of fields, an ent_num that
 * is not a number, a duplicate ent_num, an alias or address of an entity not in sdn.csv.
 */
import { parse } from 'csv-parse/sync';
import { CsvError } from 'csv-parse/sync';
import { countryKey, knownCountry } from '../countries.js';
import { ListFormatError } from '../errors.js';
import type { DateOfBirth, EntityKind, Identifier, ListName } from '../types.js';
import { decodeUtf8, type ListFile } from './files.js';
import type { LoadedList } from './loader.js';

interface Row {
  readonly line: number;
  readonly fields: readonly string[];
}

/** The rows of one file, each with its line number (the last line of a record over several lines), every field checked to be there. */
function rows(file: ListFile, fieldCount: number): Row[] {
  const text = decodeUtf8(file);
  const found: Row[] = [];
  try {
    parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context) => {
        found.push({ line: context.lines, fields: record });
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error['lines'] === 'number' ? error['lines'] : undefined;
    throw new ListFormatError(
      file.name,
      line === undefined ? 'file' : `line ${line}`,
      `not valid CSV: ${error.message}`,
    );
  }
  for (const row of found) {
    if (row.fields.length !== fieldCount)
      throw new ListFormatError(
        file.name,
        `line ${row.line}`,
        `expected ${fieldCount} fields, found ${row.fields.length}`,
      );
  }
  return found;
}

/** A field's value: trimmed, "" for OFAC's "-0-". */
function value(row: Row, index: number): string {
  const field = (row.fields[index] ?? '').trim();
  return field === '-0-' ? '' : field;
}

function entityNumber(file: ListFile, row: Row): number {
  const text = value(row, 0);
  if (!/^\d+$/.test(text))
    throw new ListFormatError(
      file.name,
      `line ${row.line}`,
      `ent_num ${JSON.stringify(text)} is not a number`,
    );
  return Number(text);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** "13 Feb 1961", "Feb 1961", "1961", with "circa"; "1962 to 1964", "01 Jan 1960 to 31 Dec 1962". */
export function parseOfacDate(text: string): DateOfBirth | undefined {
  const approximate = /^circa\s+/i.test(text);
  const body = text.replace(/^circa\s+/i, '').trim();
  const one = (part: string): DateOfBirth | undefined => {
    const match = /^(?:(\d{1,2}) )?(?:([A-Za-z]{3}) )?(\d{4})$/.exec(part.trim());
    if (match === null) return undefined;
    const month = match[2] === undefined ? 0 : MONTHS.indexOf(match[2].toLowerCase()) + 1;
    if (match[2] !== undefined && month === 0) return undefined;
    return {
      year: Number(match[3]),
      ...(month > 0 ? { month } : {}),
      ...(match[1] !== undefined && month > 0 ? { day: Number(match[1]) } : {}),
      ...(approximate ? { approximate } : {}),
    };
  };
  const range = body.split(/\s+to\s+/i);
  if (range.length === 2) {
    const from = one(range[0] as string);
    const to = one(range[1] as string);
    return from === undefined || to === undefined
      ? undefined
      : { year: from.year, toYear: to.year };
  }
  return one(body);
}

interface Remarks {
  readonly datesOfBirth: DateOfBirth[];
  readonly countries: string[];
  readonly identifiers: Identifier[];
  readonly weakAliases: string[];
}

/** What matching uses of an SDN row's remarks. Anything else in them is left alone. */
export function readRemarks(remarks: string): Remarks {
  const read: Remarks = { datesOfBirth: [], countries: [], identifiers: [], weakAliases: [] };
  for (const imo of remarks.matchAll(/\bIMO (\d{7})\b/g))
    read.identifiers.push({ type: 'imo', value: imo[1] as string });
  for (const raw of remarks.replace(/\.\s*$/, '').split(/;\s*/)) {
    const part = raw.trim().replace(/^alt\.\s+/, '');
    let match: RegExpExecArray | null;
    if ((match = /^DOB\s+(.+)$/.exec(part)) !== null) {
      const date = parseOfacDate(match[1] as string);
      if (date !== undefined) read.datesOfBirth.push(date);
    } else if ((match = /^(?:nationality|citizen)\s+(.+)$/.exec(part)) !== null) {
      const key = countryKey(match[1] as string);
      if (key !== undefined) read.countries.push(key);
    } else if ((match = /^POB\s+(.+)$/.exec(part)) !== null) {
      const key = knownCountry((match[1] as string).split(',').at(-1) ?? '');
      if (key !== undefined) read.countries.push(key);
    } else if ((match = /^(?:[a-z]\.k\.a\.)\s+'(.+)'$/.exec(part)) !== null) {
      read.weakAliases.push(match[1] as string);
    } else if (
      (match =
        /^(Passport|National ID No\.|Cedula No\.|Identification Number)\s+(.+?)(?:\s+\(([^)]*)\))?$/.exec(
          part,
        )) !== null
    ) {
      const number = (match[2] as string).replace(/\s+(issued|expires).*$/i, '').trim();
      const country = match[3] === undefined ? undefined : knownCountry(match[3]);
      if (number !== '')
        read.identifiers.push({
          type: match[1] === 'Passport' ? 'passport' : 'national-id',
          value: number,
          ...(country === undefined ? {} : { country }),
        });
    }
  }
  return read;
}

const KINDS: Record<string, EntityKind> = {
  individual: 'person',
  vessel: 'vessel',
  aircraft: 'aircraft',
  '': 'organisation',
};

interface Building {
  readonly id: string;
  readonly kind: EntityKind;
  readonly names: ListName[];
  readonly datesOfBirth: DateOfBirth[];
  readonly countries: Set<string>;
  readonly identifiers: Identifier[];
  readonly programmes: string[];
}

export function loadOfac(files: readonly ListFile[]): LoadedList {
  if (files.length !== 3)
    throw new ListFormatError(
      'ofac',
      'files',
      `expects sdn.csv, alt.csv and add.csv, got ${files.length} file(s)`,
    );
  const [sdn, alt, add] = files as [ListFile, ListFile, ListFile];
  const entries = new Map<number, Building>();
  for (const row of rows(sdn, 12)) {
    const number = entityNumber(sdn, row);
    if (entries.has(number))
      throw new ListFormatError(sdn.name, `line ${row.line}`, `ent_num ${number} appears twice`);
    const name = value(row, 1);
    if (name === '') throw new ListFormatError(sdn.name, `line ${row.line}`, 'SDN_Name is empty');
    const type = value(row, 2).toLowerCase();
    const kind = KINDS[type];
    if (kind === undefined)
      throw new ListFormatError(
        sdn.name,
        `line ${row.line}`,
        `SDN_Type ${JSON.stringify(type)} is not individual, vessel, aircraft or -0-`,
      );
    const remarks = readRemarks(value(row, 11));
    const flag = countryKey(value(row, 9));
    entries.set(number, {
      id: String(number),
      kind,
      names: [
        { name, quality: 'primary' },
        ...remarks.weakAliases.map((alias) => ({ name: alias, quality: 'weak' as const })),
      ],
      datesOfBirth: remarks.datesOfBirth,
      countries: new Set(flag === undefined ? remarks.countries : [flag, ...remarks.countries]),
      identifiers: remarks.identifiers,
      programmes: value(row, 3)
        .split(/\]\s*\[|[[\]]/)
        .map((programme) => programme.trim())
        .filter((programme) => programme !== ''),
    });
  }
  const owner = (file: ListFile, row: Row): Building => {
    const number = entityNumber(file, row);
    const entry = entries.get(number);
    if (entry === undefined)
      throw new ListFormatError(
        file.name,
        `line ${row.line}`,
        `ent_num ${number} is not in ${sdn.name}`,
      );
    return entry;
  };
  for (const row of rows(alt, 5)) {
    const entry = owner(alt, row);
    const name = value(row, 3);
    if (name !== '') entry.names.push({ name, quality: 'strong' });
  }
  for (const row of rows(add, 6)) {
    const entry = owner(add, row);
    const key = countryKey(value(row, 4));
    if (key !== undefined) entry.countries.add(key);
  }
  return {
    publishedAt: null,
    entries: [...entries.values()].map((entry) => ({ ...entry, countries: [...entry.countries] })),
  };
}
