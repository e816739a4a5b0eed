/**
 * The UN Security Council Consolidated List, XML (scsanctions.un.org, `consolidated.xml`):
 * CONSOLIDATED_LIST (dateGenerated) with INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY. Read with
 * libxml2 (no network, no external entities). An individual's name is FIRST_NAME … FOURTH_NAME in
 * the list's order; aliases carry a QUALITY (Good and a.k.a./f.k.a. are strong, Low is weak);
 * NAME_ORIGINAL_SCRIPT is kept as a name in its own script. Dates of birth: EXACT or APPROXIMATELY
 * a DATE or YEAR, or BETWEEN FROM_YEAR and TO_YEAR. Documents: passports and national
 * identification numbers with their issuing country.
 *
 * Refused: a file that is not well-formed (libxml2's line and message), not UTF-8, whose root is
 * not CONSOLIDATED_LIST, or an INDIVIDUAL/ENTITY without a DATAID or a FIRST_NAME, or with a date or
 * year that is not one (the element and its line named).
 */
import { ParseOption, XmlDocument, XmlElement, XmlParseError } from 'libxml2-wasm';
import { countryKey } from '../countries.js';
import { ListFormatError } from '../errors.js';
import type {
  DateOfBirth,
  EntityKind,
  Identifier,
  ListEntry,
  ListName,
  NameQuality,
} from '../types.js';
import { decodeUtf8, type ListFile } from './files.js';
import type { LoadedList } from './loader.js';

const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

function* elements(parent: XmlElement): Generator<XmlElement> {
  for (let node = parent.firstChild; node !== null; node = node.next)
    if (node instanceof XmlElement) yield node;
}

function child(parent: XmlElement, name: string): XmlElement | undefined {
  for (const element of elements(parent)) if (element.name === name) return element;
  return undefined;
}

function text(parent: XmlElement, name: string): string {
  return child(parent, name)?.content.trim() ?? '';
}

class Reader {
  constructor(private readonly file: string) {}

  fail(element: XmlElement, reason: string): never {
    throw new ListFormatError(this.file, `element ${element.name} at line ${element.line}`, reason);
  }

  entry(element: XmlElement, kind: EntityKind): ListEntry {
    const dataId = text(element, 'DATAID');
    if (!/^\d+$/.test(dataId)) this.fail(element, 'no DATAID (a number) in the entry');
    const parts = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((part) =>
      text(element, part),
    );
    if (parts[0] === '') this.fail(element, `DATAID ${dataId}: no FIRST_NAME`);
    const names: ListName[] = [
      { name: parts.filter((part) => part !== '').join(' '), quality: 'primary' },
    ];
    const original = text(element, 'NAME_ORIGINAL_SCRIPT');
    if (original !== '') names.push({ name: original, quality: 'original-script' });
    const countries = new Set<string>();
    const datesOfBirth: DateOfBirth[] = [];
    const identifiers: Identifier[] = [];
    const addCountry = (name: string) => {
      const key = countryKey(name);
      if (key !== undefined) countries.add(key);
    };
    for (const part of elements(element)) {
      switch (part.name) {
        case 'INDIVIDUAL_ALIAS':
        case 'ENTITY_ALIAS': {
          const alias = text(part, 'ALIAS_NAME');
          if (alias === '') break;
          const quality: NameQuality = /^low$/i.test(text(part, 'QUALITY')) ? 'weak' : 'strong';
          names.push({ name: alias, quality });
          break;
        }
        case 'NATIONALITY':
          for (const value of elements(part)) if (value.name === 'VALUE') addCountry(value.content);
          break;
        case 'INDIVIDUAL_ADDRESS':
        case 'ENTITY_ADDRESS':
        case 'INDIVIDUAL_PLACE_OF_BIRTH':
          addCountry(text(part, 'COUNTRY'));
          break;
        case 'INDIVIDUAL_DATE_OF_BIRTH': {
          const date = this.dateOfBirth(part);
          if (date !== undefined) datesOfBirth.push(date);
          break;
        }
        case 'INDIVIDUAL_DOCUMENT': {
          const number = text(part, 'NUMBER');
          if (number === '') break;
          const type = text(part, 'TYPE_OF_DOCUMENT').toLowerCase();
          const issuer = countryKey(
            text(part, 'ISSUING_COUNTRY') || text(part, 'COUNTRY_OF_ISSUE'),
          );
          identifiers.push({
            type: /pass?[ae]?port/.test(type) ? 'passport' : 'national-id',
            value: number,
            ...(issuer === undefined ? {} : { country: issuer }),
          });
          break;
        }
        default:
          break;
      }
    }
    return {
      id: text(element, 'REFERENCE_NUMBER') || dataId,
      kind,
      names,
      datesOfBirth,
      countries: [...countries],
      identifiers,
      programmes: [text(element, 'UN_LIST_TYPE')].filter((programme) => programme !== ''),
    };
  }

  private year(element: XmlElement, name: string): number | undefined {
    const value = text(element, name);
    if (value === '') return undefined;
    if (!/^\d{4}$/.test(value))
      this.fail(element, `${name} ${JSON.stringify(value)} is not a year`);
    return Number(value);
  }

  private dateOfBirth(element: XmlElement): DateOfBirth | undefined {
    const approximate = /approx/i.test(text(element, 'TYPE_OF_DATE'));
    const date = text(element, 'DATE');
    if (date !== '') {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
      if (match === null) this.fail(element, `DATE ${JSON.stringify(date)} is not YYYY-MM-DD`);
      return {
        year: Number(match[1]),
        month: Number(match[2]),
        day: Number(match[3]),
        ...(approximate ? { approximate } : {}),
      };
    }
    const year = this.year(element, 'YEAR');
    if (year !== undefined) return { year, ...(approximate ? { approximate } : {}) };
    const from = this.year(element, 'FROM_YEAR');
    const to = this.year(element, 'TO_YEAR');
    if (from === undefined) return undefined;
    return { year: from, toYear: to ?? from };
  }
}

export function loadUn(files: readonly ListFile[]): LoadedList {
  const [file] = files;
  if (file === undefined || files.length !== 1)
    throw new ListFormatError('un', 'files', `expects one XML file, got ${files.length}`);
  decodeUtf8(file); // refuses a file in another encoding with its line, before libxml2 reads it
  let document: XmlDocument;
  try {
    document = XmlDocument.fromBuffer(file.bytes, { option: PARSE_OPTIONS });
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    const detail = error.details.find((candidate) => candidate.level >= 2) ?? error.details[0];
    throw new ListFormatError(
      file.name,
      detail === undefined ? 'document' : `line ${detail.line}, column ${detail.col}`,
      `not well-formed XML: ${(detail?.message ?? error.message).trim()}`,
    );
  }
  try {
    const root = document.root;
    const reader = new Reader(file.name);
    if (root.name !== 'CONSOLIDATED_LIST')
      reader.fail(root, 'the root element is not CONSOLIDATED_LIST');
    const generated = root.attrs.find((attr) => attr.name === 'dateGenerated')?.value ?? null;
    const entries: ListEntry[] = [];
    for (const group of elements(root)) {
      const [member, kind]: [string, EntityKind] =
        group.name === 'INDIVIDUALS' ? ['INDIVIDUAL', 'person'] : ['ENTITY', 'organisation'];
      if (group.name !== 'INDIVIDUALS' && group.name !== 'ENTITIES')
        reader.fail(group, 'expected INDIVIDUALS or ENTITIES');
      for (const element of elements(group)) {
        if (element.name !== member) reader.fail(element, `expected ${member}`);
        entries.push(reader.entry(element, kind));
      }
    }
    return { publishedAt: generated, entries };
  } finally {
    document.dispose();
  }
}
